//! The app's state: which screen, which mode, what the worker last
//! answered, and the scenario being edited in the lab.
//!
//! Owns: `App`, `Screen`, `Mode`, `BookView` and the lab's parameters (how
//! each one reads, steps and parses). Must not: draw or do I/O.

use chrono::{Days, NaiveDate};
use rust_decimal::Decimal;

use crate::engine::book::{AccountKind, Book};
use crate::engine::credit::{self, PaymentPolicy, Policy};
use crate::engine::money::Money;
use crate::engine::projection::{EventKind, Projection};
use crate::engine::scenario::{Bridge, Conversion, DelayInflows, Scenario};
use crate::tui::i18n::Lang;
use crate::tui::theme::Theme;

/// The screens, in tab order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Screen {
    /// Key figures, the cash chart, bills and alerts.
    Dashboard,
    /// The scenario lab.
    Lab,
    /// Credit accounts, bills and policy values.
    Credit,
    /// Transactions.
    Transactions,
    /// Importing statements.
    Import,
}

impl Screen {
    /// Tab order.
    pub const ALL: [Screen; 5] = [
        Screen::Dashboard,
        Screen::Lab,
        Screen::Credit,
        Screen::Transactions,
        Screen::Import,
    ];

    /// Tab title.
    pub fn title(self, l: Lang) -> &'static str {
        match self {
            Screen::Dashboard => l.t("Dashboard", "总览"),
            Screen::Lab => l.t("Scenario lab", "情景实验"),
            Screen::Credit => l.t("Credit", "信用账户"),
            Screen::Transactions => l.t("Transactions", "交易"),
            Screen::Import => l.t("Import", "导入"),
        }
    }

    /// A short tab title for narrow terminals.
    pub fn short(self, l: Lang) -> &'static str {
        match self {
            Screen::Dashboard => l.t("Home", "总览"),
            Screen::Lab => l.t("Lab", "情景"),
            Screen::Credit => l.t("Credit", "信用"),
            Screen::Transactions => l.t("Txns", "交易"),
            Screen::Import => l.t("Import", "导入"),
        }
    }

    /// The tab title that fits a terminal `width` columns wide.
    pub fn tab_title(self, l: Lang, width: u16) -> &'static str {
        if width < 100 {
            self.short(l)
        } else {
            self.title(l)
        }
    }

    fn index(self) -> usize {
        Screen::ALL.iter().position(|s| *s == self).unwrap_or(0)
    }

    /// The next screen, wrapping.
    pub fn next(self) -> Screen {
        Screen::ALL[(self.index() + 1) % Screen::ALL.len()]
    }

    /// The previous screen, wrapping.
    pub fn prev(self) -> Screen {
        Screen::ALL[(self.index() + Screen::ALL.len() - 1) % Screen::ALL.len()]
    }
}

/// What keys mean right now.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Moving around.
    Normal,
    /// The `?` overlay.
    Help,
    /// Typing a lab value.
    EditValue(String),
    /// Typing a transaction filter.
    EditFilter(String),
    /// Typing the name to save a scenario under.
    EditName(String),
    /// Typing a category for the selected transaction (every row like it
    /// when the flag is set).
    EditCategory(String, bool),
    /// Typing the path of a statement to import.
    EditPath(String),
}

/// A credit policy value with where it came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PolicyLine {
    /// Name as in book.toml.
    pub name: &'static str,
    /// Value as text.
    pub value: String,
    /// `preset`, `override` or `bills`.
    pub source: &'static str,
}

/// A credit account as the credit screen shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CreditView {
    /// Account.
    pub name: String,
    /// Preset name.
    pub preset: String,
    /// Contractual limit.
    pub limit: Money,
    /// Policy values, or why they cannot be resolved.
    pub policy: Result<Vec<PolicyLine>, String>,
}

/// What the worker loaded.
#[derive(Clone, Debug, PartialEq)]
pub struct BookView {
    /// What the header calls the book.
    pub title: String,
    /// The book.
    pub book: Book,
    /// Saved scenarios: (name, scenario).
    pub scenarios: Vec<(String, Scenario)>,
    /// Credit accounts.
    pub credit: Vec<CreditView>,
    /// The last known day.
    pub as_of: NaiveDate,
    /// Days projected.
    pub horizon: u32,
    /// Statement files waiting in `inbox/` beside the book.
    pub inbox: Vec<std::path::PathBuf>,
    /// The import log, newest first.
    pub imports: Vec<crate::store::ImportLog>,
}

/// The window of the ledger the transactions screen shows: fetched from the
/// book as the list scrolls, never the whole ledger in memory.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Ledger {
    /// The filter it answers.
    pub filter: String,
    /// Matching rows in all, once counted.
    pub total: Option<u64>,
    /// Index of the first row held.
    pub offset: u64,
    /// The rows held, with their ids, newest first.
    pub rows: Vec<(i64, crate::engine::book::Transaction)>,
    /// The request in flight: (filter, offset).
    pub asked: Option<(String, u64)>,
    /// The book changed since: fetch again.
    pub stale: bool,
}

/// Rows fetched at a time.
pub const LEDGER_WINDOW: u64 = 200;

/// A Monte Carlo stress test in the lab.
#[derive(Clone, Debug)]
pub struct MonteCarloState {
    /// The lab generation it was started for.
    pub generation: u64,
    /// Runs done.
    pub done: u32,
    /// Runs asked for.
    pub total: u32,
    /// The answer, once finished.
    pub result: Option<Result<crate::engine::montecarlo::MonteCarlo, String>>,
    /// Set to stop it.
    pub cancel: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

/// What importing a file would do (a dry run), shown before confirming.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportPreview {
    /// The file.
    pub path: std::path::PathBuf,
    /// The report of the dry run, or why the file cannot be imported.
    pub report: Result<crate::store::ImportReport, String>,
    /// The first rows as parsed: (date, account, amount, description).
    pub sample: Vec<(NaiveDate, String, Money, String)>,
    /// Bad rows, with file, line, column, value and reason.
    pub errors: Vec<String>,
}

impl BookView {
    /// Builds the view of a loaded book.
    pub fn new(
        title: String,
        book: Book,
        scenarios: Vec<(String, Scenario)>,
        as_of: NaiveDate,
        horizon: u32,
    ) -> BookView {
        let credit = book
            .accounts
            .iter()
            .filter(|a| a.kind == AccountKind::Credit)
            .map(|a| {
                let terms = a.credit.clone().unwrap_or_default();
                let bill_day = book
                    .bills
                    .iter()
                    .filter(|b| b.account == a.name && b.installment.is_none())
                    .map(|b| b.statement_date)
                    .max();
                let bill_day = bill_day.map(|d| chrono::Datelike::day(&d));
                let policy = credit::resolve(&a.name, terms.preset, &terms.overrides, bill_day)
                    .map(|p| {
                        policy_lines(
                            &p,
                            &terms.overrides,
                            credit::statement_day_source(terms.preset, &terms.overrides, bill_day),
                        )
                    })
                    .map_err(|e| e.to_string());
                CreditView {
                    name: a.name.clone(),
                    preset: terms.preset.to_string(),
                    limit: terms.limit,
                    policy,
                }
            })
            .collect();
        BookView {
            title,
            book,
            scenarios,
            credit,
            as_of,
            horizon,
            inbox: Vec::new(),
            imports: Vec::new(),
        }
    }
}

fn policy_lines(
    p: &Policy,
    o: &credit::PolicyOverrides,
    day_source: credit::Source,
) -> Vec<PolicyLine> {
    let src = |set: bool| if set { "override" } else { "preset" };
    let pct = |d: Decimal| format!("{}%", (d * Decimal::ONE_HUNDRED).normalize());
    let rates = p
        .overdue_rates
        .0
        .iter()
        .map(|(upto, r)| match upto {
            Some(u) => format!("{} ≤{u}d", pct(*r)),
            None => pct(*r),
        })
        .collect::<Vec<_>>()
        .join(", ");
    let cycle = match (p.cycle, p.statement_day, p.statement_weekday) {
        (credit::Cycle::Monthly, Some(d), _) => format!("monthly, day {d}"),
        (_, _, Some(w)) => format!("weekly, {w}"),
        _ => "—".into(),
    };
    let due = match p.due {
        credit::Due::Days(n) => format!("+{n} days"),
        credit::Due::DayOfMonth(d) => format!("day {d}"),
    };
    let fees = match &p.installment_fee_rates {
        credit::InstallmentFees::None => "—".to_string(),
        credit::InstallmentFees::Any(r) => format!("{}/period", pct(*r)),
        credit::InstallmentFees::Table(t) => {
            let first = t.values().next().copied();
            if t.values().all(|r| Some(*r) == first) {
                let periods: Vec<String> = t.keys().map(u32::to_string).collect();
                format!(
                    "{}/period for {}",
                    first.map(pct).unwrap_or_default(),
                    periods.join("/")
                )
            } else {
                t.iter()
                    .map(|(n, r)| format!("{n}: {}", pct(*r)))
                    .collect::<Vec<_>>()
                    .join(", ")
            }
        }
    };
    let policy = match p.payment_policy {
        PaymentPolicy::Full => "full",
        PaymentPolicy::Minimum => "minimum",
        PaymentPolicy::KeepReserve => "keep_reserve",
    };
    let day_src = match day_source {
        credit::Source::Override => "override",
        credit::Source::Bills => "bills",
        credit::Source::Preset => "preset",
    };
    vec![
        PolicyLine {
            name: "statement",
            value: cycle,
            source: day_src,
        },
        PolicyLine {
            name: "due",
            value: due,
            source: src(o.due_days.is_some() || o.due_day.is_some()),
        },
        PolicyLine {
            name: "grace_days",
            value: p.grace_days.to_string(),
            source: src(o.grace_days.is_some()),
        },
        PolicyLine {
            name: "min_payment_ratio",
            value: pct(p.min_payment_ratio),
            source: src(o.min_payment_ratio.is_some()),
        },
        PolicyLine {
            name: "overdue_rates",
            value: rates,
            source: src(o.overdue_rates.is_some()),
        },
        PolicyLine {
            name: "late_fee",
            value: format!("{} (min {})", pct(p.late_fee_rate), p.late_fee_min),
            source: src(o.late_fee_rate.is_some() || o.late_fee_min.is_some()),
        },
        PolicyLine {
            name: "revolving_daily_rate",
            value: pct(p.revolving_daily_rate),
            source: src(o.revolving_daily_rate.is_some()),
        },
        PolicyLine {
            name: "lock_after_days",
            value: p.lock_after_days.to_string(),
            source: src(o.lock_after_days.is_some()),
        },
        PolicyLine {
            name: "limit_cut_on_lock",
            value: pct(p.limit_cut_on_lock),
            source: src(o.limit_cut_on_lock.is_some()),
        },
        PolicyLine {
            name: "bureau_after_days",
            value: p.bureau_after_days.to_string(),
            source: src(o.bureau_after_days.is_some()),
        },
        PolicyLine {
            name: "unlock_review",
            value: format!("{} business days", p.unlock_review_business_days),
            source: src(o.unlock_review_business_days.is_some()),
        },
        PolicyLine {
            name: "limit_recovery_days",
            value: p.limit_recovery_days.to_string(),
            source: src(o.limit_recovery_days.is_some()),
        },
        PolicyLine {
            name: "installment_fee_rates",
            value: fees,
            source: src(o.installment_fee_rates.is_some()),
        },
        PolicyLine {
            name: "payment_policy",
            value: policy.into(),
            source: src(o.payment_policy.is_some()),
        },
    ]
}

/// An editable value of the scenario lab.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Param {
    /// Sales multiplier of the first promotion.
    Uplift,
    /// Settlement lag (days).
    Lag,
    /// Return rate.
    Returns,
    /// Platform fee rate.
    Fee,
    /// Ad spend per day.
    Ads,
    /// Prestock amount.
    Prestock,
    /// Post-promotion dip.
    Dip,
    /// Extra delay of every inflow (days).
    Delay,
    /// Convert the first overdue bill into this many installments (0: off).
    Installments,
    /// A bridge arriving tomorrow.
    Bridge,
    /// First day of the promotion.
    Start,
    /// Last day of the promotion.
    End,
    /// Days the post-promotion dip lasts.
    DipDays,
    /// Date the prestock is bought.
    PrestockDate,
    /// Every inflow of the horizon scaled by this factor.
    InflowScale,
    /// A negotiated installment plan for the first account that locks.
    Plan,
}

impl Param {
    /// Lab order.
    pub const ALL: [Param; 16] = [
        Param::Uplift,
        Param::Lag,
        Param::Returns,
        Param::Fee,
        Param::Ads,
        Param::Prestock,
        Param::Dip,
        Param::Delay,
        Param::Installments,
        Param::Bridge,
        Param::Start,
        Param::End,
        Param::PrestockDate,
        Param::DipDays,
        Param::InflowScale,
        Param::Plan,
    ];

    /// Label.
    pub fn label(self, l: Lang) -> &'static str {
        match self {
            Param::Uplift => l.t("Sales uplift (× baseline, on top)", "销量增幅（基线倍数）"),
            Param::Lag => l.t("Payout delay (days)", "回款周期（天）"),
            Param::Returns => l.t("Return rate", "退货率"),
            Param::Fee => l.t("Platform fee", "平台扣点"),
            Param::Ads => l.t("Ad spend per day", "每日广告费"),
            Param::Prestock => l.t("Prestock", "备货金额"),
            Param::Dip => l.t("Post-promotion dip", "促销后回落"),
            Param::Delay => l.t("Extra delay of all inflows (days)", "所有回款再延迟（天）"),
            Param::Installments => l.t(
                "Convert overdue bill to installments",
                "逾期账单转分期（期数）",
            ),
            Param::Bridge => l.t(
                "Bridge loan tomorrow (60 days, 8%)",
                "过桥资金（明天到账，60天，年化8%）",
            ),
            Param::Start => l.t("Promotion starts", "促销开始"),
            Param::End => l.t("Promotion ends", "促销结束"),
            Param::PrestockDate => l.t("Prestock bought on", "备货日期"),
            Param::DipDays => l.t("Dip lasts (days)", "回落持续（天）"),
            Param::InflowScale => l.t("All inflows scaled by", "所有流入按比例"),
            Param::Plan => l.t(
                "Negotiated plan for the locked account (periods)",
                "冻结账户协商分期（期数）",
            ),
        }
    }
}

/// Installment counts the lab steps through.
const PERIODS: [u32; 5] = [0, 3, 6, 12, 24];

/// Reads a lab value as text (`—` when the scenario has no promotion).
pub fn param_value(sc: &Scenario, p: Param) -> String {
    let promo = sc.promotions.first();
    let pct = |d: Decimal| format!("{}%", (d * Decimal::ONE_HUNDRED).round_dp(1).normalize());
    match p {
        Param::Uplift => promo.map_or("—".into(), |x| {
            format!("+{}%", (x.uplift * Decimal::ONE_HUNDRED).round_dp(0))
        }),
        Param::Lag => promo.map_or("—".into(), |x| x.settlement_lag_days.to_string()),
        Param::Returns => promo.map_or("—".into(), |x| pct(x.return_rate)),
        Param::Fee => promo.map_or("—".into(), |x| pct(x.platform_fee_rate)),
        Param::Ads => promo.map_or("—".into(), |x| x.ad_spend_daily.grouped()),
        Param::Prestock => promo
            .and_then(|x| x.prestock.as_ref())
            .map_or("—".into(), |x| x.amount.grouped()),
        Param::Dip => promo.map_or("—".into(), |x| pct(x.post_promo_dip)),
        Param::Delay => sc.delays.first().map_or("0".into(), |d| d.days.to_string()),
        Param::Installments => sc
            .conversions
            .first()
            .map_or("off".into(), |c| format!("{} × {}", c.periods, c.bill_due)),
        Param::Bridge => sc
            .bridges
            .first()
            .map_or("0.00".into(), |b| b.amount.grouped()),
        Param::Start => promo.map_or("—".into(), |x| x.start.to_string()),
        Param::End => promo.map_or("—".into(), |x| x.end.to_string()),
        Param::PrestockDate => promo
            .and_then(|x| x.prestock.as_ref())
            .map_or("—".into(), |x| x.date.to_string()),
        Param::DipDays => promo.map_or("—".into(), |x| x.dip_days.to_string()),
        Param::InflowScale => sc.scales.first().map_or("×1".into(), |x| {
            format!("×{}", x.inflow_factor.normalize())
        }),
        Param::Plan => sc.plans.first().map_or("off".into(), |p| {
            format!("{} × {} {}", p.periods, p.account, p.date)
        }),
    }
}

/// The next installment count in the lab's list (0 = off).
fn step_periods(current: u32, dir: i32) -> u32 {
    let i = PERIODS.iter().position(|n| *n == current).unwrap_or(0) as i32;
    PERIODS[(i + dir).clamp(0, PERIODS.len() as i32 - 1) as usize]
}

fn shift(d: NaiveDate, dir: i32) -> NaiveDate {
    if dir < 0 {
        d.pred_opt().unwrap_or(d)
    } else {
        d.succ_opt().unwrap_or(d)
    }
}

fn clamp01(d: Decimal) -> Decimal {
    d.max(Decimal::ZERO).min(Decimal::ONE)
}

/// The bill to convert: the first one that turns overdue in `p`.
fn overdue_bill(p: Option<&Projection>) -> Option<(String, NaiveDate)> {
    let e = p?.events.iter().find(|e| {
        e.kind == EventKind::Overdue
            && e.reference
                .as_deref()
                .is_some_and(|r| r.starts_with("bill "))
    })?;
    let due = e
        .reference
        .as_deref()?
        .strip_prefix("bill ")?
        .parse()
        .ok()?;
    Some((e.account.clone()?, due))
}

/// Steps a lab value by `dir` (−1 or +1). `run` is the scenario's latest
/// projection (to find the bill to convert). Returns false when the value
/// does not apply (no promotion, no overdue bill).
pub fn step(
    sc: &mut Scenario,
    p: Param,
    dir: i32,
    as_of: NaiveDate,
    horizon: u32,
    run: Option<&Projection>,
) -> bool {
    let d = Decimal::from(dir);
    let step_money = |m: Money, by: i64| {
        Money::new((m.decimal() + Decimal::from(by * i64::from(dir))).max(Decimal::ZERO))
    };
    match p {
        Param::Delay => {
            let end = as_of + Days::new(u64::from(horizon));
            match sc.delays.first_mut() {
                Some(dl) => dl.days = dl.days.saturating_add_signed(dir),
                None if dir > 0 => sc.delays.push(DelayInflows {
                    from: as_of + Days::new(1),
                    to: end,
                    days: 1,
                }),
                None => return false,
            }
            if sc.delays.first().is_some_and(|d| d.days == 0) {
                sc.delays.remove(0);
            }
            true
        }
        Param::Bridge => {
            match sc.bridges.first_mut() {
                Some(b) => b.amount = step_money(b.amount, 5000),
                None if dir > 0 => sc.bridges.push(Bridge {
                    date: as_of + Days::new(1),
                    amount: Money::new(Decimal::from(5000)),
                    repay_date: as_of + Days::new(61),
                    rate: Decimal::new(8, 2),
                }),
                None => return false,
            }
            if sc.bridges.first().is_some_and(|b| b.amount.is_zero()) {
                sc.bridges.remove(0);
            }
            true
        }
        Param::Installments => {
            let next = step_periods(sc.conversions.first().map_or(0, |c| c.periods), dir);
            match (sc.conversions.first_mut(), next) {
                (Some(_), 0) => {
                    sc.conversions.remove(0);
                }
                (Some(c), n) => c.periods = n,
                (None, 0) => return false,
                (None, n) => match overdue_bill(run) {
                    Some((account, bill_due)) => sc.conversions.push(Conversion {
                        account,
                        bill_due,
                        periods: n,
                    }),
                    None => return false,
                },
            }
            true
        }
        Param::InflowScale => {
            let end = as_of + Days::new(u64::from(horizon));
            let current = sc.scales.first().map_or(Decimal::ONE, |x| x.inflow_factor);
            let next = (current + d * Decimal::new(5, 2)).max(Decimal::ZERO);
            sc.scales.retain(|_| false);
            if next != Decimal::ONE {
                sc.scales.push(crate::engine::scenario::Scale {
                    from: as_of + Days::new(1),
                    to: end,
                    inflow_factor: next,
                    outflow_factor: Decimal::ONE,
                });
            }
            true
        }
        Param::Plan => {
            let next = step_periods(sc.plans.first().map_or(0, |p| p.periods), dir);
            match (sc.plans.first_mut(), next) {
                (Some(_), 0) => {
                    sc.plans.remove(0);
                }
                (Some(p), n) => p.periods = n,
                (None, 0) => return false,
                (None, n) => {
                    // Negotiated the day after the account locks.
                    let lock =
                        run.and_then(|p| p.events.iter().find(|e| e.kind == EventKind::Lock));
                    match lock {
                        Some(e) => sc.plans.push(crate::engine::scenario::NegotiatedPlan {
                            account: e.account.clone().unwrap_or_default(),
                            date: e.date + Days::new(1),
                            periods: n,
                        }),
                        None => return false,
                    }
                }
            }
            true
        }
        _ => {
            let Some(x) = sc.promotions.first_mut() else {
                return false;
            };
            match p {
                Param::Uplift => x.uplift = (x.uplift + d * Decimal::new(1, 1)).max(Decimal::ZERO),
                Param::Lag => {
                    x.settlement_lag_days = x.settlement_lag_days.saturating_add_signed(dir)
                }
                Param::Returns => x.return_rate = clamp01(x.return_rate + d * Decimal::new(1, 2)),
                Param::Fee => {
                    x.platform_fee_rate = clamp01(x.platform_fee_rate + d * Decimal::new(1, 2))
                }
                Param::Ads => x.ad_spend_daily = step_money(x.ad_spend_daily, 100),
                Param::Prestock => match x.prestock.as_mut() {
                    Some(ps) => ps.amount = step_money(ps.amount, 5000),
                    None => return false,
                },
                Param::Dip => x.post_promo_dip = clamp01(x.post_promo_dip + d * Decimal::new(5, 2)),
                Param::Start => {
                    let day = shift(x.start, dir);
                    if day > x.end {
                        return false;
                    }
                    x.start = day;
                }
                Param::End => {
                    let day = shift(x.end, dir);
                    if day < x.start {
                        return false;
                    }
                    x.end = day;
                }
                Param::DipDays => x.dip_days = x.dip_days.saturating_add_signed(dir),
                Param::PrestockDate => match x.prestock.as_mut() {
                    Some(ps) => ps.date = shift(ps.date, dir),
                    None => return false,
                },
                _ => return false,
            }
            true
        }
    }
}

/// Sets a lab value from typed text (`15%`, `0.15`, `150000`, `2.5`).
pub fn set(sc: &mut Scenario, p: Param, text: &str) -> Result<(), String> {
    if matches!(p, Param::Start | Param::End | Param::PrestockDate) {
        let day: NaiveDate = text
            .trim()
            .parse()
            .map_err(|_| format!("\"{text}\" is not a date (YYYY-MM-DD)"))?;
        let x = sc
            .promotions
            .first_mut()
            .ok_or("this scenario has no promotion")?;
        match p {
            Param::Start if day <= x.end => x.start = day,
            Param::End if day >= x.start => x.end = day,
            Param::PrestockDate => {
                x.prestock
                    .as_mut()
                    .ok_or("this promotion has no prestock")?
                    .date = day
            }
            _ => return Err("the promotion must start on or before its end".into()),
        }
        return Ok(());
    }
    let t = text.trim().replace([',', '¥', '+'], "");
    let (num, percent) = match t.strip_suffix('%') {
        Some(n) => (n.trim().to_string(), true),
        None => (t.clone(), false),
    };
    let v: Decimal = num
        .parse()
        .map_err(|_| format!("\"{text}\" is not a number"))?;
    let v = if percent { v / Decimal::ONE_HUNDRED } else { v };
    if v < Decimal::ZERO {
        return Err(format!("\"{text}\" must not be negative"));
    }
    // A share: `15%`, `0.15`, or a bare `15` read as percent.
    let rate = |v: Decimal| {
        let v = if percent || v <= Decimal::ONE {
            v
        } else {
            v / Decimal::ONE_HUNDRED
        };
        if v > Decimal::ONE {
            Err(format!("\"{text}\" must be at most 100%"))
        } else {
            Ok(v)
        }
    };
    let days = |v: Decimal| {
        use rust_decimal::prelude::ToPrimitive;
        v.round()
            .to_u32()
            .filter(|d| *d <= 365)
            .ok_or_else(|| format!("\"{text}\" is not a number of days (0–365)"))
    };
    let promo = sc.promotions.first_mut();
    match (p, promo) {
        (Param::Uplift, Some(x)) => x.uplift = v,
        (Param::Lag, Some(x)) => x.settlement_lag_days = days(v)?,
        (Param::Returns, Some(x)) => x.return_rate = rate(v)?,
        (Param::Fee, Some(x)) => x.platform_fee_rate = rate(v)?,
        (Param::Ads, Some(x)) => x.ad_spend_daily = Money::rounded(v),
        (Param::Prestock, Some(x)) => match x.prestock.as_mut() {
            Some(ps) => ps.amount = Money::rounded(v),
            None => return Err("this promotion has no prestock".into()),
        },
        (Param::Dip, Some(x)) => x.post_promo_dip = rate(v)?,
        (Param::DipDays, Some(x)) => x.dip_days = days(v)?,
        (
            Param::Delay
            | Param::Installments
            | Param::Bridge
            | Param::InflowScale
            | Param::Plan
            | Param::Start
            | Param::End
            | Param::PrestockDate,
            _,
        ) => {
            return Err("use ← and → for this value".into());
        }
        (_, None) => return Err("this scenario has no promotion".into()),
    }
    Ok(())
}

/// The whole app state.
#[derive(Clone, Debug)]
pub struct App {
    /// Interface language.
    pub lang: Lang,
    /// Styles.
    pub theme: Theme,
    /// The last known day.
    pub as_of: NaiveDate,
    /// Days projected.
    pub horizon: u32,
    /// Current screen.
    pub screen: Screen,
    /// Current mode.
    pub mode: Mode,
    /// What the worker loaded.
    pub view: Option<BookView>,
    /// The baseline run.
    pub baseline: Option<Projection>,
    /// The active scenario's run.
    pub scenario: Option<Projection>,
    /// The active saved scenario (index into `view.scenarios`).
    pub active: Option<usize>,
    /// The scenario as edited in the lab.
    pub lab: Option<Scenario>,
    /// The selected row on the current screen.
    pub selected: usize,
    /// The transaction filter.
    pub filter: String,
    /// The ledger window of the transactions screen.
    pub ledger: Ledger,
    /// The newest request's generation.
    pub generation: u64,
    /// A projection or solver is running.
    pub busy: bool,
    /// Solver answers for the current lab scenario: (bridge, prestock).
    pub solved: Option<(Option<Money>, Option<Money>)>,
    /// A message for the status line.
    pub status: Option<String>,
    /// The import being previewed.
    pub preview: Option<ImportPreview>,
    /// The lab's Monte Carlo run, running or done.
    pub monte_carlo: Option<MonteCarloState>,
    /// Time to go.
    pub quit: bool,
    /// Terminal width in columns (layout choices and mouse hit-tests).
    pub width: u16,
    /// Terminal height in rows (mouse hit-tests).
    pub height: u16,
}

impl App {
    /// A fresh app, before anything is loaded.
    pub fn new(as_of: NaiveDate, lang: Lang, theme: Theme) -> App {
        App {
            lang,
            theme,
            as_of,
            horizon: 90,
            screen: Screen::Dashboard,
            mode: Mode::Normal,
            view: None,
            baseline: None,
            scenario: None,
            active: None,
            lab: None,
            selected: 0,
            filter: String::new(),
            ledger: Ledger::default(),
            generation: 0,
            busy: false,
            solved: None,
            status: None,
            preview: None,
            monte_carlo: None,
            quit: false,
            width: 120,
            height: 40,
        }
    }

    /// The active scenario's name, if any.
    pub fn scenario_name(&self) -> Option<&str> {
        let v = self.view.as_ref()?;
        self.active
            .and_then(|i| v.scenarios.get(i))
            .map(|(n, _)| n.as_str())
    }

    /// The run the dashboard talks about: the scenario when active.
    pub fn current(&self) -> Option<&Projection> {
        if self.active.is_some() {
            self.scenario.as_ref().or(self.baseline.as_ref())
        } else {
            self.baseline.as_ref()
        }
    }

    /// Has the lab changed the saved scenario?
    pub fn lab_edited(&self) -> bool {
        match (&self.view, self.active, &self.lab) {
            (Some(v), Some(i), Some(lab)) => v.scenarios.get(i).is_none_or(|(_, s)| s != lab),
            _ => false,
        }
    }

    /// Rows in the transactions list (those passing the filter), as far
    /// as the ledger has counted them.
    pub fn ledger_len(&self) -> usize {
        if self.ledger.filter != self.filter {
            return 0;
        }
        self.ledger.total.unwrap_or(0) as usize
    }

    /// Row `i` of the transactions list, when fetched.
    pub fn ledger_row(&self, i: usize) -> Option<&crate::engine::book::Transaction> {
        if self.ledger.filter != self.filter {
            return None;
        }
        let at = (i as u64).checked_sub(self.ledger.offset)?;
        self.ledger.rows.get(at as usize).map(|(_, t)| t)
    }
}
