//! Credit policy values and the five presets of RULES.md §6.
//!
//! Owns: `Policy` (every value a credit account runs under), `Preset`,
//! `PolicyOverrides` (what a book sets on top of a preset) and their
//! resolution, with where each value came from. Must not: know about
//! projection state.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use chrono::Weekday;
use rust_decimal::Decimal;
use rust_decimal_macros::dec;
use serde::{Deserialize, Serialize};

use crate::engine::money::Money;

/// Billing cycle.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cycle {
    /// A statement on a day of every month.
    Monthly,
    /// A statement on a weekday of every week.
    Weekly,
}

/// How the due date follows from the statement date.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Due {
    /// `statement + n` days.
    Days(u32),
    /// The first date strictly after the statement with this day of month
    /// (clamped).
    DayOfMonth(u32),
}

/// Daily penalty rate tiers: day k uses the first tier with k ≤ `upto_days`;
/// the last tier has no bound.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OverdueRates(pub Vec<(Option<u32>, Decimal)>);

impl OverdueRates {
    /// A single rate for every day.
    pub fn flat(rate: Decimal) -> Self {
        OverdueRates(vec![(None, rate)])
    }

    /// The rate for day `k` past the due date.
    pub fn rate_for(&self, k: i64) -> Decimal {
        self.tier_for(k).0
    }

    /// The rate for day `k` past the due date and the days `lo..=hi` that
    /// have the same tier (the projection keeps a day's penalty while `k`
    /// stays in them and the unpaid principal does not change).
    pub fn tier_for(&self, k: i64) -> (Decimal, i64, i64) {
        // Days up to the highest bound passed over belong to earlier tiers.
        let mut lo = i64::MIN;
        for (upto, rate) in &self.0 {
            match upto {
                Some(u) if k <= i64::from(*u) => return (*rate, lo, i64::from(*u)),
                Some(u) => lo = lo.max(i64::from(*u) + 1),
                None => return (*rate, lo, i64::MAX),
            }
        }
        match self.0.last() {
            Some(t) => (t.1, lo, i64::MAX),
            None => (Decimal::ZERO, i64::MIN, i64::MAX),
        }
    }
}

/// Installment fee per period as a share of principal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum InstallmentFees {
    /// Installments are not offered.
    None,
    /// One rate for any number of periods.
    Any(Decimal),
    /// Only these period counts, each with its rate.
    Table(BTreeMap<u32, Decimal>),
}

impl InstallmentFees {
    /// The per-period rate for `periods`, or `None` when not offered.
    pub fn rate_for(&self, periods: u32) -> Option<Decimal> {
        match self {
            InstallmentFees::None => None,
            InstallmentFees::Any(r) => (periods >= 1).then_some(*r),
            InstallmentFees::Table(t) => t.get(&periods).copied(),
        }
    }
}

/// How much of a due obligation is paid (RULES.md §5).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PaymentPolicy {
    /// Pay everything owed, as far as cash goes.
    Full,
    /// Pay the minimum of bills not overdue.
    Minimum,
    /// Pay in full only while the reserve stays intact.
    KeepReserve,
}

impl FromStr for PaymentPolicy {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "full" => Ok(Self::Full),
            "minimum" => Ok(Self::Minimum),
            "keep_reserve" => Ok(Self::KeepReserve),
            _ => Err(format!(
                "unknown payment policy \"{s}\"; use full, minimum or keep_reserve"
            )),
        }
    }
}

/// The five presets of RULES.md §6.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Default)]
pub enum Preset {
    /// JD Baitiao (the default).
    #[default]
    JdBaitiao,
    /// JD enterprise credit (金采), monthly.
    JdJincaiMonthly,
    /// JD enterprise credit (金采), weekly.
    JdJincaiWeekly,
    /// Alipay Huabei.
    Huabei,
    /// A bank credit card.
    CreditCard,
}

impl Preset {
    /// Every preset, in the order of RULES.md.
    pub const ALL: [Preset; 5] = [
        Preset::JdBaitiao,
        Preset::JdJincaiMonthly,
        Preset::JdJincaiWeekly,
        Preset::Huabei,
        Preset::CreditCard,
    ];

    /// The name used in book files.
    pub fn name(self) -> &'static str {
        match self {
            Preset::JdBaitiao => "jd_baitiao",
            Preset::JdJincaiMonthly => "jd_jincai_monthly",
            Preset::JdJincaiWeekly => "jd_jincai_weekly",
            Preset::Huabei => "huabei",
            Preset::CreditCard => "credit_card",
        }
    }

    /// The preset's values. `statement_day` is the fallback used when
    /// neither the account nor its bills fix one.
    pub fn policy(self) -> PresetValues {
        let flat5 = OverdueRates::flat(dec!(0.0005));
        let tiered = OverdueRates(vec![(Some(30), dec!(0.0005)), (None, dec!(0.0008))]);
        let base = Policy {
            cycle: Cycle::Monthly,
            statement_day: None,
            statement_weekday: None,
            due: Due::Days(9),
            grace_days: 0,
            tolerance: Money::ZERO,
            min_payment_ratio: dec!(0.10),
            overdue_rates: flat5.clone(),
            late_fee_rate: Decimal::ZERO,
            late_fee_min: Money::ZERO,
            revolving_daily_rate: dec!(0.0005),
            service_fee_rate: Decimal::ZERO,
            lock_after_days: 1,
            limit_cut_on_lock: Decimal::ONE,
            bureau_after_days: 1,
            unlock_review_business_days: 5,
            limit_recovery_days: 30,
            installment_fee_rates: InstallmentFees::Table(
                [3, 6, 12, 24]
                    .into_iter()
                    .map(|p| (p, dec!(0.005)))
                    .collect(),
            ),
            payment_policy: PaymentPolicy::Full,
        };
        match self {
            Preset::JdBaitiao => PresetValues {
                policy: base,
                fallback_statement_day: Some(1),
                statement_day_fixed: false,
            },
            Preset::JdJincaiMonthly => PresetValues {
                policy: Policy {
                    statement_day: Some(1),
                    due: Due::DayOfMonth(20),
                    min_payment_ratio: Decimal::ONE,
                    overdue_rates: tiered,
                    revolving_daily_rate: Decimal::ZERO,
                    service_fee_rate: dec!(0.006),
                    installment_fee_rates: InstallmentFees::Any(dec!(0.005)),
                    ..base
                },
                fallback_statement_day: Some(1),
                statement_day_fixed: true,
            },
            Preset::JdJincaiWeekly => PresetValues {
                policy: Policy {
                    cycle: Cycle::Weekly,
                    statement_weekday: Some(Weekday::Mon),
                    due: Due::Days(14),
                    min_payment_ratio: Decimal::ONE,
                    overdue_rates: tiered,
                    revolving_daily_rate: Decimal::ZERO,
                    installment_fee_rates: InstallmentFees::None,
                    ..base
                },
                fallback_statement_day: None,
                statement_day_fixed: false,
            },
            Preset::Huabei => PresetValues {
                policy: Policy {
                    statement_day: Some(1),
                    due: Due::DayOfMonth(10),
                    installment_fee_rates: InstallmentFees::Table(
                        [
                            (3, dec!(0.00833)),
                            (6, dec!(0.0075)),
                            (9, dec!(0.00722)),
                            (12, dec!(0.00733)),
                        ]
                        .into_iter()
                        .collect(),
                    ),
                    ..base
                },
                fallback_statement_day: Some(1),
                statement_day_fixed: true,
            },
            Preset::CreditCard => PresetValues {
                policy: Policy {
                    due: Due::Days(20),
                    grace_days: 3,
                    tolerance: Money::new(dec!(10.00)),
                    late_fee_rate: dec!(0.05),
                    late_fee_min: Money::new(dec!(10.00)),
                    lock_after_days: 90,
                    bureau_after_days: 4,
                    limit_recovery_days: 0,
                    installment_fee_rates: InstallmentFees::Any(dec!(0.0066)),
                    ..base
                },
                fallback_statement_day: None,
                statement_day_fixed: false,
            },
        }
    }
}

impl fmt::Display for Preset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Preset {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Preset::ALL
            .into_iter()
            .find(|p| p.name() == s)
            .ok_or_else(|| {
                format!(
                    "unknown preset \"{s}\"; use one of jd_baitiao, jd_jincai_monthly, \
                     jd_jincai_weekly, huabei, credit_card"
                )
            })
    }
}

/// A preset's policy plus how its statement day is found.
#[derive(Clone, Debug)]
pub struct PresetValues {
    /// The values.
    pub policy: Policy,
    /// Statement day when neither the account nor its bills give one.
    pub fallback_statement_day: Option<u32>,
    /// Whether the preset fixes the statement day itself (then bills do not
    /// change it).
    pub statement_day_fixed: bool,
}

/// Every value a credit account runs under, resolved.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Policy {
    /// Billing cycle.
    pub cycle: Cycle,
    /// Day of month of the statement (monthly cycles), 1–28.
    pub statement_day: Option<u32>,
    /// Weekday of the statement (weekly cycles).
    pub statement_weekday: Option<Weekday>,
    /// How the due date follows the statement.
    pub due: Due,
    /// Days after the due date before the overdue.
    pub grace_days: u32,
    /// An unpaid rest up to this counts as paid.
    pub tolerance: Money,
    /// Minimum due as a share of amount due.
    pub min_payment_ratio: Decimal,
    /// Daily penalty rate tiers.
    pub overdue_rates: OverdueRates,
    /// Late fee rate on the unpaid minimum.
    pub late_fee_rate: Decimal,
    /// Late fee minimum.
    pub late_fee_min: Money,
    /// Interest per day on revolving balance.
    pub revolving_daily_rate: Decimal,
    /// Fee per statement on its purchases.
    pub service_fee_rate: Decimal,
    /// k at which an overdue account locks.
    pub lock_after_days: u32,
    /// Share of the limit removed at lock.
    pub limit_cut_on_lock: Decimal,
    /// k at which the overdue is reported to the bureau.
    pub bureau_after_days: u32,
    /// Business days of the unlock review.
    pub unlock_review_business_days: u32,
    /// Days after unlock before the limit returns.
    pub limit_recovery_days: u32,
    /// Installment fee per period.
    pub installment_fee_rates: InstallmentFees,
    /// Payment policy.
    pub payment_policy: PaymentPolicy,
}

/// What a book sets on top of a preset. `None` keeps the preset's value.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PolicyOverrides {
    /// `cycle`.
    pub cycle: Option<Cycle>,
    /// `statement_day`.
    pub statement_day: Option<u32>,
    /// `statement_weekday`.
    pub statement_weekday: Option<Weekday>,
    /// `due_days`.
    pub due_days: Option<u32>,
    /// `due_day`.
    pub due_day: Option<u32>,
    /// `grace_days`.
    pub grace_days: Option<u32>,
    /// `tolerance`.
    pub tolerance: Option<Money>,
    /// `min_payment_ratio`.
    pub min_payment_ratio: Option<Decimal>,
    /// `overdue_rates`.
    pub overdue_rates: Option<OverdueRates>,
    /// `late_fee_rate`.
    pub late_fee_rate: Option<Decimal>,
    /// `late_fee_min`.
    pub late_fee_min: Option<Money>,
    /// `revolving_daily_rate`.
    pub revolving_daily_rate: Option<Decimal>,
    /// `service_fee_rate`.
    pub service_fee_rate: Option<Decimal>,
    /// `lock_after_days`.
    pub lock_after_days: Option<u32>,
    /// `limit_cut_on_lock`.
    pub limit_cut_on_lock: Option<Decimal>,
    /// `bureau_after_days`.
    pub bureau_after_days: Option<u32>,
    /// `unlock_review_business_days`.
    pub unlock_review_business_days: Option<u32>,
    /// `limit_recovery_days`.
    pub limit_recovery_days: Option<u32>,
    /// `installment_fee_rates`.
    pub installment_fee_rates: Option<InstallmentFees>,
    /// `payment_policy`.
    pub payment_policy: Option<PaymentPolicy>,
}

/// Where a policy value came from, for the credit screen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    /// The preset's value.
    Preset,
    /// Set on the account.
    Override,
    /// Taken from the account's latest bill.
    Bills,
}

/// Why a policy cannot be resolved.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PolicyError {
    /// Both due rules set.
    #[error("credit account \"{0}\" sets both due_days and due_day; keep one of them")]
    BothDueRules(String),
    /// A weekly cycle with a day-of-month due date.
    #[error("credit account \"{0}\" has a weekly cycle with due_day; use due_days instead")]
    WeeklyDueDay(String),
    /// No statement day can be found.
    #[error(
        "credit account \"{0}\" has no statement day: set statement_day (1-28) in the book, \
         or import one of its bills"
    )]
    NoStatementDay(String),
    /// A statement day above 28.
    #[error(
        "credit account \"{0}\": statement day {1} is above 28; statements must fall on days 1-28"
    )]
    StatementDayTooLate(String, u32),
    /// A weekly cycle without a weekday.
    #[error("credit account \"{0}\" has a weekly cycle but no statement_weekday")]
    NoStatementWeekday(String),
    /// A value out of its range.
    #[error("credit account \"{0}\": {1}")]
    OutOfRange(String, String),
}

/// Resolves `preset` + `overrides` for account `name`. `bill_statement_day`
/// is the day of the latest bill's statement date, if any (installment rows
/// excluded).
pub fn resolve(
    name: &str,
    preset: Preset,
    overrides: &PolicyOverrides,
    bill_statement_day: Option<u32>,
) -> Result<Policy, PolicyError> {
    let pv = preset.policy();
    let mut p = pv.policy;
    let o = overrides;
    if let Some(v) = o.cycle {
        p.cycle = v;
    }
    match (o.due_days, o.due_day) {
        (Some(_), Some(_)) => return Err(PolicyError::BothDueRules(name.to_string())),
        (Some(n), None) => p.due = Due::Days(n),
        (None, Some(n)) => p.due = Due::DayOfMonth(n),
        (None, None) => {}
    }
    macro_rules! take {
        ($($f:ident),*) => { $( if let Some(v) = o.$f.clone() { p.$f = v; } )* };
    }
    take!(
        grace_days,
        tolerance,
        min_payment_ratio,
        overdue_rates,
        late_fee_rate,
        late_fee_min,
        revolving_daily_rate,
        service_fee_rate,
        lock_after_days,
        limit_cut_on_lock,
        bureau_after_days,
        unlock_review_business_days,
        limit_recovery_days,
        installment_fee_rates,
        payment_policy
    );
    match p.cycle {
        Cycle::Monthly => {
            let day = o
                .statement_day
                .or(if pv.statement_day_fixed {
                    p.statement_day
                } else {
                    None
                })
                .or(bill_statement_day)
                .or(p.statement_day)
                .or(pv.fallback_statement_day)
                .ok_or_else(|| PolicyError::NoStatementDay(name.to_string()))?;
            if day == 0 || day > 28 {
                return Err(PolicyError::StatementDayTooLate(name.to_string(), day));
            }
            p.statement_day = Some(day);
        }
        Cycle::Weekly => {
            if matches!(p.due, Due::DayOfMonth(_)) {
                return Err(PolicyError::WeeklyDueDay(name.to_string()));
            }
            p.statement_weekday = o.statement_weekday.or(p.statement_weekday);
            if p.statement_weekday.is_none() {
                return Err(PolicyError::NoStatementWeekday(name.to_string()));
            }
        }
    }
    if let Due::DayOfMonth(d) = p.due
        && !(1..=31).contains(&d)
    {
        return Err(PolicyError::OutOfRange(
            name.to_string(),
            format!("due_day {d} must be between 1 and 31"),
        ));
    }
    for (label, v) in [
        ("min_payment_ratio", p.min_payment_ratio),
        ("limit_cut_on_lock", p.limit_cut_on_lock),
    ] {
        if v < Decimal::ZERO || v > Decimal::ONE {
            return Err(PolicyError::OutOfRange(
                name.to_string(),
                format!("{label} {v} must be between 0 and 1"),
            ));
        }
    }
    if p.overdue_rates.0.is_empty() {
        return Err(PolicyError::OutOfRange(
            name.to_string(),
            "overdue_rates needs at least one tier".into(),
        ));
    }
    Ok(p)
}

/// Where a resolved policy's statement day came from.
pub fn statement_day_source(
    preset: Preset,
    overrides: &PolicyOverrides,
    bill_statement_day: Option<u32>,
) -> Source {
    if overrides.statement_day.is_some() {
        Source::Override
    } else if !preset.policy().statement_day_fixed && bill_statement_day.is_some() {
        Source::Bills
    } else {
        Source::Preset
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tiers_pick_the_first_matching_bound() {
        let r = Preset::JdJincaiMonthly.policy().policy.overdue_rates;
        assert_eq!(r.rate_for(1), dec!(0.0005));
        assert_eq!(r.rate_for(30), dec!(0.0005));
        assert_eq!(r.rate_for(31), dec!(0.0008));
    }

    #[test]
    fn a_tiers_days_all_have_its_rate() {
        // The first tier whose bound is not passed, else the last rate.
        let first_match = |t: &[(Option<u32>, Decimal)], k: i64| {
            t.iter()
                .find(|(u, _)| u.is_none_or(|u| k <= i64::from(u)))
                .or(t.last())
                .map_or(Decimal::ZERO, |x| x.1)
        };
        let tables: [&[(Option<u32>, Decimal)]; 5] = [
            &[],
            &[(None, dec!(0.1))],
            &[(Some(30), dec!(0.1)), (None, dec!(0.2))],
            &[(Some(10), dec!(0.1)), (Some(20), dec!(0.2))],
            // Bounds out of order: the 5-day tier is never reached.
            &[
                (Some(10), dec!(0.1)),
                (Some(5), dec!(0.2)),
                (Some(20), dec!(0.3)),
            ],
        ];
        for t in tables {
            let rates = OverdueRates(t.to_vec());
            for k in -3..40 {
                let (rate, lo, hi) = rates.tier_for(k);
                assert!(lo <= k && k <= hi, "{t:?} {k}: {lo}..={hi}");
                assert_eq!(rate, first_match(t, k), "{t:?} {k}");
                for j in lo.max(-3)..=hi.min(40) {
                    assert_eq!(first_match(t, j), rate, "{t:?} {k}: day {j}");
                }
            }
        }
    }

    #[test]
    fn due_override_clears_the_presets_other_rule() {
        let o = PolicyOverrides {
            due_days: Some(5),
            ..Default::default()
        };
        let p = resolve("h", Preset::Huabei, &o, None).unwrap();
        assert_eq!(p.due, Due::Days(5));
        let both = PolicyOverrides {
            due_days: Some(5),
            due_day: Some(3),
            ..Default::default()
        };
        assert!(matches!(
            resolve("h", Preset::Huabei, &both, None),
            Err(PolicyError::BothDueRules(_))
        ));
    }

    #[test]
    fn statement_day_comes_from_bills_then_fallback() {
        let none = PolicyOverrides::default();
        let p = resolve("b", Preset::JdBaitiao, &none, Some(12)).unwrap();
        assert_eq!(p.statement_day, Some(12));
        let p = resolve("b", Preset::JdBaitiao, &none, None).unwrap();
        assert_eq!(p.statement_day, Some(1));
        assert!(matches!(
            resolve("c", Preset::CreditCard, &none, None),
            Err(PolicyError::NoStatementDay(_))
        ));
        assert!(matches!(
            resolve("c", Preset::CreditCard, &none, Some(30)),
            Err(PolicyError::StatementDayTooLate(_, 30))
        ));
        // Huabei fixes day 1 whatever the bills say.
        let p = resolve("h", Preset::Huabei, &none, Some(12)).unwrap();
        assert_eq!(p.statement_day, Some(1));
    }

    #[test]
    fn installment_tables() {
        let h = Preset::Huabei.policy().policy.installment_fee_rates;
        assert_eq!(h.rate_for(6), Some(dec!(0.0075)));
        assert_eq!(h.rate_for(5), None);
        assert_eq!(
            Preset::JdJincaiWeekly
                .policy()
                .policy
                .installment_fee_rates
                .rate_for(3),
            None
        );
    }
}
