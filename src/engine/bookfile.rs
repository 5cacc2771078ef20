//! The declarative book file (`book.toml`, SPEC.md "Book file").
//!
//! Owns: the file's shape (`BookFile` and its declarations), their checks,
//! and their conversion into engine values. Declarations are kept as
//! written (serialisable) so the store can keep an account's terms exactly
//! as the user declared them. Must not: read files or touch the store.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::engine::book::{
    AccountKind, Bill, CreditTerms, Every, Purchase, Recurring, Scheduled, parse_weekday,
};
use crate::engine::credit::{
    Cycle, InstallmentFees, OverdueRates, PaymentPolicy, PolicyOverrides, Preset,
};
use crate::engine::money::Money;
use crate::engine::tomlnum::Num;

/// Why a book file cannot be applied.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}: {message}")]
pub struct BookFileError {
    /// File name.
    pub file: String,
    /// What is wrong, with the line or the entry, and what to do.
    pub message: String,
}

/// One penalty tier as written.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct TierDecl {
    /// Last day of the tier; absent on the last tier.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub upto_days: Option<u32>,
    /// Daily rate.
    pub rate: Num,
}

/// `overdue_rates`: a number or tiers.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(untagged)]
pub enum RatesDecl {
    /// One rate.
    One(Num),
    /// Tiers.
    Tiers(Vec<TierDecl>),
}

/// `installment_fee_rates`: a number or a table by periods.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(untagged)]
pub enum InstallmentDecl {
    /// One rate.
    One(Num),
    /// Rates by number of periods.
    Table(BTreeMap<String, Num>),
}

/// An `[[account]]` as written.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct AccountDecl {
    pub name: String,
    pub kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub opening_balance: Option<Num>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub opening_date: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preset: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<Num>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locked: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cycle: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub statement_day: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub statement_weekday: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due_days: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due_day: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grace_days: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tolerance: Option<Num>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_payment_ratio: Option<Num>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub overdue_rates: Option<RatesDecl>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub late_fee_rate: Option<Num>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub late_fee_min: Option<Num>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revolving_daily_rate: Option<Num>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_fee_rate: Option<Num>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lock_after_days: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit_cut_on_lock: Option<Num>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bureau_after_days: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unlock_review_business_days: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit_recovery_days: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub installment_fee_rates: Option<InstallmentDecl>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_policy: Option<String>,
}

impl AccountDecl {
    /// The account kind.
    pub fn kind(&self) -> Result<AccountKind, String> {
        self.kind.parse()
    }

    /// The credit terms (credit accounts) with every override checked.
    pub fn credit_terms(&self) -> Result<CreditTerms, String> {
        let preset: Preset = match &self.preset {
            Some(p) => p.parse()?,
            None => Preset::default(),
        };
        let m = |n: &Option<Num>| n.map(|x| Money::new(x.0));
        let d = |n: &Option<Num>| n.map(|x| x.0);
        let overrides = PolicyOverrides {
            cycle: match self.cycle.as_deref() {
                None => None,
                Some("monthly") => Some(Cycle::Monthly),
                Some("weekly") => Some(Cycle::Weekly),
                Some(o) => return Err(format!("cycle \"{o}\" is not monthly or weekly")),
            },
            statement_day: self.statement_day,
            statement_weekday: self
                .statement_weekday
                .as_deref()
                .map(parse_weekday)
                .transpose()?,
            due_days: self.due_days,
            due_day: self.due_day,
            grace_days: self.grace_days,
            tolerance: m(&self.tolerance),
            min_payment_ratio: d(&self.min_payment_ratio),
            overdue_rates: match &self.overdue_rates {
                None => None,
                Some(RatesDecl::One(r)) => Some(OverdueRates::flat(r.0)),
                Some(RatesDecl::Tiers(t)) => {
                    if t.is_empty() || t.last().is_some_and(|x| x.upto_days.is_some()) {
                        return Err("overdue_rates: the last tier must have no upto_days".into());
                    }
                    Some(OverdueRates(
                        t.iter().map(|x| (x.upto_days, x.rate.0)).collect(),
                    ))
                }
            },
            late_fee_rate: d(&self.late_fee_rate),
            late_fee_min: m(&self.late_fee_min),
            revolving_daily_rate: d(&self.revolving_daily_rate),
            service_fee_rate: d(&self.service_fee_rate),
            lock_after_days: self.lock_after_days,
            limit_cut_on_lock: d(&self.limit_cut_on_lock),
            bureau_after_days: self.bureau_after_days,
            unlock_review_business_days: self.unlock_review_business_days,
            limit_recovery_days: self.limit_recovery_days,
            installment_fee_rates: match &self.installment_fee_rates {
                None => None,
                Some(InstallmentDecl::One(r)) => Some(InstallmentFees::Any(r.0)),
                Some(InstallmentDecl::Table(t)) => {
                    let mut out = BTreeMap::new();
                    for (k, v) in t {
                        let n: u32 = k.parse().map_err(|_| {
                            format!("installment_fee_rates: \"{k}\" is not a number of periods")
                        })?;
                        out.insert(n, v.0);
                    }
                    Some(InstallmentFees::Table(out))
                }
            },
            payment_policy: self
                .payment_policy
                .as_deref()
                .map(str::parse::<PaymentPolicy>)
                .transpose()?,
        };
        if overrides.due_days.is_some() && overrides.due_day.is_some() {
            return Err("sets both due_days and due_day; keep one of them".into());
        }
        Ok(CreditTerms {
            preset,
            overrides,
            limit: self.limit.map_or(Money::ZERO, |l| Money::new(l.0)),
            locked: self.locked.unwrap_or(false),
        })
    }
}

/// A `[[recurring]]` as written.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct RecurringDecl {
    pub name: String,
    pub account: String,
    pub amount: Num,
    pub every: String,
    #[serde(default)]
    pub day: Option<toml::Value>,
    #[serde(default)]
    pub interval: Option<u32>,
    #[serde(default)]
    pub start: Option<NaiveDate>,
    #[serde(default)]
    pub end: Option<NaiveDate>,
    #[serde(default)]
    pub category: Option<String>,
}

impl RecurringDecl {
    /// The engine value.
    pub fn to_recurring(&self) -> Result<Recurring, String> {
        let every = match self.every.as_str() {
            "month" => Every::Month(match &self.day {
                None => None,
                Some(toml::Value::Integer(n)) if (1..=31).contains(n) => Some(*n as u32),
                Some(v) => {
                    return Err(format!(
                        "day = {v} must be a day of month 1..31 for every = \"month\""
                    ));
                }
            }),
            "week" => match &self.day {
                Some(toml::Value::String(s)) => Every::Week(parse_weekday(s)?),
                _ => return Err("every = \"week\" needs day = \"mon\"…\"sun\"".into()),
            },
            "days" => {
                let n = self
                    .interval
                    .filter(|n| *n >= 1)
                    .ok_or("every = \"days\" needs interval = N (1 or more)")?;
                if self.start.is_none() {
                    return Err("every = \"days\" needs a start date".into());
                }
                Every::Days(n)
            }
            o => return Err(format!("every = \"{o}\" is not month, week or days")),
        };
        Ok(Recurring {
            name: self.name.clone(),
            account: self.account.clone(),
            amount: Money::new(self.amount.0),
            every,
            start: self.start,
            end: self.end,
            category: self.category.clone().unwrap_or_default(),
        })
    }
}

/// A `[[scheduled]]` as written.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct ScheduledDecl {
    pub date: NaiveDate,
    pub account: String,
    pub amount: Num,
    #[serde(default)]
    pub label: String,
}

/// A `[[bill]]` as written (also the row of ebb's credit CSV).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct BillDecl {
    pub account: String,
    pub statement_date: NaiveDate,
    pub due_date: NaiveDate,
    pub amount_due: Num,
    #[serde(default)]
    pub min_due: Option<Num>,
    #[serde(default)]
    pub paid: Option<Num>,
    #[serde(default)]
    pub penalty: Option<Num>,
    #[serde(default)]
    pub fees: Option<Num>,
    #[serde(default)]
    pub installment_no: Option<u32>,
    #[serde(default)]
    pub installment_total: Option<u32>,
    #[serde(default)]
    pub fee: Option<Num>,
    #[serde(default)]
    pub note: Option<String>,
}

impl BillDecl {
    /// The engine value, checked.
    pub fn to_bill(&self) -> Result<Bill, String> {
        let m = |n: &Option<Num>| n.map_or(Money::ZERO, |x| Money::new(x.0));
        let installment = match (self.installment_no, self.installment_total) {
            (None, None) => None,
            (Some(n), Some(t)) if n >= 1 && n <= t => Some((n, t)),
            (Some(_), None) => return Err("installment_no needs installment_total".into()),
            (None, Some(_)) => return Err("installment_total needs installment_no".into()),
            (Some(n), Some(t)) => return Err(format!("installment {n} of {t} is out of range")),
        };
        if self.due_date < self.statement_date {
            return Err(format!(
                "due_date {} is before statement_date {}",
                self.due_date, self.statement_date
            ));
        }
        Ok(Bill {
            account: self.account.clone(),
            statement_date: self.statement_date,
            due_date: self.due_date,
            amount_due: Money::new(self.amount_due.0),
            min_due: if installment.is_some() {
                None
            } else {
                self.min_due.map(|x| Money::new(x.0))
            },
            paid: m(&self.paid),
            penalty: m(&self.penalty),
            fees: m(&self.fees),
            installment,
            fee: m(&self.fee),
            note: self.note.clone().unwrap_or_default(),
        })
    }
}

/// A `[[purchase]]` as written.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct PurchaseDecl {
    pub account: String,
    pub date: NaiveDate,
    pub amount: Num,
    #[serde(default)]
    pub label: String,
}

impl PurchaseDecl {
    /// The engine value.
    pub fn to_purchase(&self) -> Purchase {
        Purchase {
            account: self.account.clone(),
            date: self.date,
            amount: Money::new(self.amount.0),
            label: self.label.clone(),
        }
    }
}

impl ScheduledDecl {
    /// The engine value.
    pub fn to_scheduled(&self) -> Scheduled {
        Scheduled {
            date: self.date,
            account: self.account.clone(),
            amount: Money::new(self.amount.0),
            label: self.label.clone(),
        }
    }
}

/// The whole `book.toml`.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct BookFile {
    #[serde(default)]
    pub currency: Option<String>,
    #[serde(default)]
    pub reserve: Option<Num>,
    #[serde(default)]
    pub holidays: Option<Vec<NaiveDate>>,
    #[serde(default)]
    pub workdays: Option<Vec<NaiveDate>>,
    #[serde(default)]
    pub account: Vec<AccountDecl>,
    #[serde(default)]
    pub recurring: Vec<RecurringDecl>,
    #[serde(default)]
    pub scheduled: Vec<ScheduledDecl>,
    #[serde(default)]
    pub bill: Vec<BillDecl>,
    #[serde(default)]
    pub purchase: Vec<PurchaseDecl>,
}

impl BookFile {
    /// Parses and checks a book file; `file` names it in errors.
    pub fn parse(file: &str, text: &str) -> Result<BookFile, BookFileError> {
        let err = |message: String| BookFileError {
            file: file.to_string(),
            message,
        };
        let bf: BookFile =
            toml::from_str(text).map_err(|e| err(e.to_string().trim_end().to_string()))?;
        let mut kinds: BTreeMap<&str, AccountKind> = BTreeMap::new();
        for a in &bf.account {
            let k = a
                .kind()
                .map_err(|e| err(format!("[[account]] \"{}\": {e}", a.name)))?;
            if a.name.trim().is_empty() {
                return Err(err("an [[account]] has an empty name".into()));
            }
            if kinds.insert(&a.name, k).is_some() {
                return Err(err(format!("[[account]] \"{}\" is declared twice", a.name)));
            }
            if k == AccountKind::Credit {
                a.credit_terms()
                    .map_err(|e| err(format!("[[account]] \"{}\": {e}", a.name)))?;
            }
        }
        for r in &bf.recurring {
            r.to_recurring()
                .map_err(|e| err(format!("[[recurring]] \"{}\": {e}", r.name)))?;
        }
        for b in &bf.bill {
            b.to_bill()
                .map_err(|e| err(format!("[[bill]] {} due {}: {e}", b.account, b.due_date)))?;
        }
        if let Some(c) = &bf.currency
            && (c.len() != 3 || !c.chars().all(|ch| ch.is_ascii_uppercase()))
        {
            return Err(err(format!(
                "currency \"{c}\" is not a three-letter code such as CNY"
            )));
        }
        Ok(bf)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The SPEC.md example, verbatim.
    pub const SPEC_BOOK: &str = include_str!("../../tests/fixtures/book/spec-book.toml");

    #[test]
    fn parses_the_spec_example() {
        let bf = BookFile::parse("book.toml", SPEC_BOOK).unwrap();
        assert_eq!(bf.account.len(), 2);
        let t = bf.account[1].credit_terms().unwrap();
        assert_eq!(t.preset, Preset::JdBaitiao);
        assert_eq!(t.limit, Money::from_cents(20_000_000));
        assert_eq!(t.overrides.statement_day, Some(1));
        let rates = t.overrides.overdue_rates.unwrap();
        assert_eq!(rates.rate_for(31).to_string(), "0.0008");
        assert_eq!(
            bf.recurring[0].to_recurring().unwrap().every,
            Every::Month(Some(5))
        );
    }

    #[test]
    fn errors_name_the_entry() {
        let bad = SPEC_BOOK.replace("preset = \"jd_baitiao\"", "preset = \"jd_baitao\"");
        let e = BookFile::parse("book.toml", &bad).unwrap_err().to_string();
        assert!(
            e.contains("book.toml") && e.contains("baitiao") && e.contains("jd_baitao"),
            "{e}"
        );
        let bad = SPEC_BOOK.replace("grace_days = 0", "grace_dayz = 0");
        let e = BookFile::parse("book.toml", &bad).unwrap_err().to_string();
        assert!(e.contains("grace_dayz") && e.contains("line"), "{e}");
    }
}
