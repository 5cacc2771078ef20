//! The day-by-day projection of RULES.md §2–§8.
//!
//! Owns: the starting point at `as_of`, the daily loop (accruals, overdue,
//! lock, bureau, unlock, cash flows, purchases, statements, payments, end of
//! day), the events and the day series, and the summary. Pure: a book, a
//! scenario, `as_of` and a horizon in; numbers out. Must not: read the
//! clock, files or the database.

use std::collections::BTreeMap;
use std::fmt;

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;
use serde::Serialize;

use crate::engine::book::{AccountKind, Book, Every};
use crate::engine::calendar::{Calendar, add_months, clamped};
use crate::engine::credit::{self, Cycle, Due, PaymentPolicy, Policy, PolicyError};
use crate::engine::money::Money;
use crate::engine::scenario::{Funding, Scenario};

/// The longest horizon, in days.
pub const MAX_HORIZON: u32 = 730;

/// What a projection is asked to do.
#[derive(Clone, Debug)]
pub struct Request<'a> {
    /// The book.
    pub book: &'a Book,
    /// Overlays (empty for the baseline).
    pub scenario: &'a Scenario,
    /// The last known day.
    pub as_of: NaiveDate,
    /// Days projected after `as_of`, 1..=730.
    pub horizon: u32,
    /// An extra inflow on `as_of + 1` (the required-bridge solver).
    pub extra_inflow: Money,
    /// Replaces the first promotion prestock's amount (the prestock solver).
    pub prestock_override: Option<Money>,
}

impl<'a> Request<'a> {
    /// A plain request.
    pub fn new(book: &'a Book, scenario: &'a Scenario, as_of: NaiveDate, horizon: u32) -> Self {
        Request {
            book,
            scenario,
            as_of,
            horizon,
            extra_inflow: Money::ZERO,
            prestock_override: None,
        }
    }
}

/// Why a projection cannot run.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProjectionError {
    /// A credit policy is inconsistent.
    #[error(transparent)]
    Policy(#[from] PolicyError),
    /// The horizon is out of range.
    #[error("horizon {0} days is out of range; use 1 to 730")]
    Horizon(u32),
    /// A flow names an account that does not exist or has the wrong kind.
    #[error("{0}")]
    Account(String),
    /// A scenario overlay cannot be applied.
    #[error("{0}")]
    Scenario(String),
}

/// Event kinds: exactly the names of RULES.md and SPEC.md.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    /// Closing cash passed below zero.
    Shortfall,
    /// A purchase on a locked account, paid from cash.
    PurchaseBlocked,
    /// The part of a purchase above available credit, paid from cash.
    LimitExceeded,
    /// A statement was issued.
    Statement,
    /// An obligation was paid (partly or wholly).
    Payment,
    /// An obligation turned overdue.
    Overdue,
    /// A late fee was charged.
    LateFee,
    /// The account was locked.
    Lock,
    /// The limit was cut.
    LimitCut,
    /// The overdue was reported to the credit bureau.
    BureauReport,
    /// An unlock review was requested.
    UnlockRequested,
    /// The account was unlocked.
    Unlock,
    /// The contractual limit came back.
    LimitRestored,
    /// Closing cash passed below the reserve.
    BelowReserve,
    /// An installment falls due today.
    InstallmentDue,
    /// A bill falls due today.
    BillDue,
}

impl EventKind {
    /// The snake_case name used in JSON and CSV.
    pub fn name(self) -> &'static str {
        match self {
            EventKind::Shortfall => "shortfall",
            EventKind::PurchaseBlocked => "purchase_blocked",
            EventKind::LimitExceeded => "limit_exceeded",
            EventKind::Statement => "statement",
            EventKind::Payment => "payment",
            EventKind::Overdue => "overdue",
            EventKind::LateFee => "late_fee",
            EventKind::Lock => "lock",
            EventKind::LimitCut => "limit_cut",
            EventKind::BureauReport => "bureau_report",
            EventKind::UnlockRequested => "unlock_requested",
            EventKind::Unlock => "unlock",
            EventKind::LimitRestored => "limit_restored",
            EventKind::BelowReserve => "below_reserve",
            EventKind::InstallmentDue => "installment_due",
            EventKind::BillDue => "bill_due",
        }
    }
}

impl fmt::Display for EventKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Something that happens on a day.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Event {
    /// Day.
    pub date: NaiveDate,
    /// Kind.
    pub kind: EventKind,
    /// Credit account, or none (`shortfall`, `below_reserve`).
    pub account: Option<String>,
    /// Amount as RULES.md §4 defines for the kind.
    pub amount: Money,
    /// `bill YYYY-MM-DD`, `installment i/n YYYY-MM-DD`, or a purchase label.
    #[serde(rename = "ref")]
    pub reference: Option<String>,
    /// A plain-language line.
    pub detail: String,
}

/// One credit account at the end of a day.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CreditDay {
    /// Owed (RULES.md §3).
    pub owed: Money,
    /// Available credit.
    pub available: Money,
    /// Locked at the end of the day.
    pub locked: bool,
}

/// One projected day.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Day {
    /// Date.
    pub date: NaiveDate,
    /// Closing cash.
    pub cash: Money,
    /// The day's positive step 1 flows.
    pub inflow: Money,
    /// Negative step 1 flows + cash paid for purchases + payments.
    pub outflow: Money,
    /// Per credit account, by name.
    pub credit: BTreeMap<String, CreditDay>,
}

/// Risk level, worst last.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Risk {
    /// Nothing to worry about.
    Green,
    /// Revolving, a missed minimum, or below the reserve.
    Amber,
    /// Overdue or a cash shortfall.
    Red,
    /// A credit account locks.
    Critical,
}

impl Risk {
    /// The name used in JSON.
    pub fn name(self) -> &'static str {
        match self {
            Risk::Green => "green",
            Risk::Amber => "amber",
            Risk::Red => "red",
            Risk::Critical => "critical",
        }
    }

    /// Amber or better: what the solvers call safe.
    pub fn is_safe(self) -> bool {
        self <= Risk::Amber
    }
}

impl fmt::Display for Risk {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A lock in the summary.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LockRef {
    /// Account.
    pub account: String,
    /// Date of the `lock` event.
    pub date: NaiveDate,
}

/// The summary of RULES.md §8 (solver fields are filled by `solve`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Risk level.
    pub risk: Risk,
    /// Lowest closing cash.
    pub min_cash: Money,
    /// Its date, earliest on ties.
    pub min_cash_date: NaiveDate,
    /// First day with closing cash < 0.
    pub first_shortfall_date: Option<NaiveDate>,
    /// Days from `as_of` to the first shortfall.
    pub runway_days: Option<i64>,
    /// Obligations overdue at `as_of` or turning overdue.
    pub overdue_bills: u32,
    /// Largest k of an obligation overdue or with its minimum unmet.
    pub max_days_past_due: i64,
    /// The `lock` events.
    pub locks: Vec<LockRef>,
    /// Penalty that became owed in the horizon.
    pub penalty_total: Money,
    /// Late fees, service fees and installment fees.
    pub fee_total: Money,
    /// Revolving interest and bridge interest.
    pub interest_total: Money,
}

/// Totals the solvers take their bounds from (RULES.md §8).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Bounds {
    /// Σ positive step 1 flows of the horizon.
    pub positive_flows: Money,
    /// Σ negative step 1 flows of the horizon (a negative number).
    pub negative_flows: Money,
    /// Owed on all credit accounts at `as_of`.
    pub owed_at_as_of: Money,
    /// Σ credit purchases of the horizon.
    pub credit_purchases: Money,
}

/// A projection's result.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Projection {
    /// The last known day.
    pub as_of: NaiveDate,
    /// Days projected.
    pub horizon: u32,
    /// Cash at the end of `as_of`.
    pub start_cash: Money,
    /// One entry per day.
    pub days: Vec<Day>,
    /// Events in order.
    pub events: Vec<Event>,
    /// Summary.
    pub summary: Summary,
    /// Reconciliation and other warnings.
    pub warnings: Vec<String>,
    /// Totals for the solvers.
    pub bounds: Bounds,
}

// ---------------------------------------------------------------------------
// State

#[derive(Clone, Debug)]
struct Obl {
    id: usize,
    acct: usize,
    inst: Option<(u32, u32)>,
    due: NaiveDate,
    principal: Money,
    principal_paid: Money,
    min_due: Money,
    fee: Money,
    fee_paid: Money,
    late_fee: Money,
    late_fee_paid: Money,
    penalty: Money,
    penalty_paid: Money,
    pending: Money,
    overdue: bool,
    reported: bool,
    closed: bool,
    service_fee: Money,
}

impl Obl {
    fn unpaid_principal(&self) -> Money {
        self.principal - self.principal_paid
    }
    fn owed(&self) -> Money {
        (self.late_fee - self.late_fee_paid)
            + (self.fee - self.fee_paid)
            + (self.penalty - self.penalty_paid)
            + self.unpaid_principal()
    }
    /// Unpaid minimum (RULES.md §4.5): for a bill min due − principal paid
    /// (at least 0), for an installment its unpaid fee + principal.
    fn unpaid_min(&self) -> Money {
        match self.inst {
            None => (self.min_due - self.principal_paid).clamp_zero(),
            Some(_) => (self.fee - self.fee_paid) + self.unpaid_principal(),
        }
    }
    fn reference(&self) -> String {
        match self.inst {
            None => format!("bill {}", self.due),
            Some((i, n)) => format!("installment {i}/{n} {}", self.due),
        }
    }
    fn k(&self, d: NaiveDate) -> i64 {
        (d - self.due).num_days()
    }
    /// Pays up to `amount`: late fee, installment fee, penalty, principal.
    fn pay(&mut self, amount: Money) {
        let mut left = amount;
        for (owed, paid) in [
            (self.late_fee, &mut self.late_fee_paid),
            (self.fee, &mut self.fee_paid),
            (self.penalty, &mut self.penalty_paid),
            (self.principal, &mut self.principal_paid),
        ] {
            let take = (owed - *paid).clamp_zero().min(left);
            *paid += take;
            left -= take;
        }
    }
}

#[derive(Clone, Debug)]
struct Acct {
    name: String,
    policy: Policy,
    contractual: Money,
    limit: Money,
    locked: bool,
    unbilled: Money,
    today: Money,
    revolving: Money,
    interest: Money,
    tol_rest: Money,
    unlock_day: Option<NaiveDate>,
    requested: bool,
    last_unlock: Option<NaiveDate>,
    last_overdue_day: Option<NaiveDate>,
}

impl Acct {
    fn is_statement_day(&self, d: NaiveDate) -> bool {
        match self.policy.cycle {
            Cycle::Monthly => Some(d.day()) == self.policy.statement_day,
            Cycle::Weekly => Some(d.weekday()) == self.policy.statement_weekday,
        }
    }
    /// The latest statement day on or before `d`.
    fn last_statement_on_or_before(&self, d: NaiveDate) -> NaiveDate {
        let mut day = d;
        for _ in 0..40 {
            if self.is_statement_day(day) {
                return day;
            }
            day = day.pred_opt().unwrap_or(day);
        }
        day
    }
    fn due_date(&self, s: NaiveDate) -> NaiveDate {
        match self.policy.due {
            Due::Days(n) => s + chrono::Days::new(u64::from(n)),
            Due::DayOfMonth(dd) => {
                let same = clamped(s.year(), s.month(), dd).unwrap_or(s);
                if same > s {
                    same
                } else {
                    let next = add_months(s.with_day(1).unwrap_or(s), 1);
                    clamped(next.year(), next.month(), dd).unwrap_or(next)
                }
            }
        }
    }
    fn min_for(&self, amount: Money) -> Money {
        if self.policy.min_payment_ratio == Decimal::ONE {
            amount
        } else {
            Money::rounded(amount * self.policy.min_payment_ratio)
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum FlowKind {
    Book,
    OneOff,
    Promo,
    Fixed,
}

#[derive(Clone, Debug)]
struct Flow {
    date: NaiveDate,
    amount: Money,
    kind: FlowKind,
}

#[derive(Clone, Debug)]
struct PlannedPurchase {
    acct: usize,
    amount: Money,
    label: String,
}

struct Run<'a> {
    req: &'a Request<'a>,
    cal: &'a Calendar,
    reserve: Money,
    accts: Vec<Acct>,
    /// Open obligations (closed ones are dropped at the end of each day).
    obls: Vec<Obl>,
    /// Creation counter: the payment order's last tie-break.
    next_obl: usize,
    events: Vec<Event>,
    penalty_total: Money,
    fee_total: Money,
    interest_total: Money,
    overdue_count: u32,
    max_dpd: i64,
    amber: bool,
    red: bool,
    critical: bool,
}

/// Runs a projection.
pub fn project(req: &Request<'_>) -> Result<Projection, ProjectionError> {
    if req.horizon == 0 || req.horizon > MAX_HORIZON {
        return Err(ProjectionError::Horizon(req.horizon));
    }
    let book = req.book;
    let as_of = req.as_of;
    let end = as_of + chrono::Days::new(u64::from(req.horizon));
    let mut warnings = Vec::new();

    // Cash at as_of.
    let mut start_cash = Money::ZERO;
    for a in book.accounts.iter().filter(|a| a.kind.is_cash()) {
        let (bal, warn) = cash_balance(book, &a.name, a.opening_balance, a.opening_date, as_of);
        start_cash += bal;
        warnings.extend(warn);
    }

    // Credit accounts, by name.
    let mut credit_accts: Vec<&crate::engine::book::Account> = book
        .accounts
        .iter()
        .filter(|a| a.kind == AccountKind::Credit)
        .collect();
    credit_accts.sort_by(|a, b| a.name.cmp(&b.name));
    let mut accts = Vec::new();
    for a in &credit_accts {
        let terms = a.credit.clone().unwrap_or_default();
        let latest_stmt_day = book
            .bills
            .iter()
            .filter(|b| b.account == a.name && b.installment.is_none())
            .max_by_key(|b| b.statement_date)
            .map(|b| b.statement_date.day());
        let policy = credit::resolve(&a.name, terms.preset, &terms.overrides, latest_stmt_day)?;
        accts.push(Acct {
            name: a.name.clone(),
            policy,
            contractual: terms.limit,
            limit: terms.limit,
            locked: terms.locked,
            unbilled: Money::ZERO,
            today: Money::ZERO,
            revolving: Money::ZERO,
            interest: Money::ZERO,
            tol_rest: Money::ZERO,
            unlock_day: None,
            requested: false,
            last_unlock: None,
            last_overdue_day: None,
        });
    }

    // Unbilled purchases at as_of.
    for (i, acct) in accts.iter_mut().enumerate() {
        let last = acct.last_statement_on_or_before(as_of);
        let from_txns: Money = book
            .transactions
            .iter()
            .filter(|t| t.account == credit_accts[i].name && t.date >= last && t.date <= as_of)
            .map(|t| -t.amount)
            .sum();
        let declared: Money = book
            .purchases
            .iter()
            .filter(|p| p.account == acct.name && p.date >= last && p.date <= as_of)
            .map(|p| p.amount)
            .sum();
        acct.unbilled = from_txns + declared;
    }

    let mut run = Run {
        req,
        cal: &book.calendar,
        reserve: book.reserve,
        accts,
        obls: Vec::new(),
        next_obl: 0,
        events: Vec::new(),
        penalty_total: Money::ZERO,
        fee_total: Money::ZERO,
        interest_total: Money::ZERO,
        overdue_count: 0,
        max_dpd: 0,
        amber: false,
        red: false,
        critical: false,
    };

    for p in &book.purchases {
        run.credit_idx(&p.account, "a [[purchase]]")?;
    }

    // Open bills at as_of.
    for b in &book.bills {
        let ai = run.credit_idx(&b.account, "a bill")?;
        let id = run.new_obl();
        let acct = &run.accts[ai];
        let mut o = Obl {
            id,
            acct: ai,
            inst: b.installment,
            due: b.due_date,
            principal: b.amount_due,
            principal_paid: b.paid,
            min_due: b.min_due.unwrap_or_else(|| acct.min_for(b.amount_due)),
            fee: Money::ZERO,
            fee_paid: Money::ZERO,
            late_fee: b.fees,
            late_fee_paid: Money::ZERO,
            penalty: b.penalty,
            penalty_paid: Money::ZERO,
            pending: Money::ZERO,
            overdue: false,
            reported: false,
            closed: false,
            service_fee: Money::ZERO,
        };
        if b.installment.is_some() {
            o.fee = b.fee;
            o.principal = b.amount_due - b.fee;
            o.fee_paid = b.paid.min(b.fee).clamp_zero();
            o.principal_paid = b.paid - o.fee_paid;
            o.min_due = b.amount_due;
        }
        run.obls.push(o);
    }

    // Conversions of book bills apply at as_of.
    for c in &req.scenario.conversions {
        let ai = run.credit_idx(&c.account, "[[convert_to_installments]]")?;
        if let Some(oi) = run
            .obls
            .iter()
            .position(|o| o.acct == ai && o.inst.is_none() && o.due == c.bill_due && !o.closed)
        {
            let k0 = run.obls[oi].k(as_of);
            let pol = &run.accts[ai].policy;
            let overdue_at_as_of =
                k0 > i64::from(pol.grace_days) && run.obls[oi].unpaid_min() > pol.tolerance;
            let met_and_due = k0 >= 0 && run.obls[oi].unpaid_min() <= pol.tolerance;
            if !overdue_at_as_of && !met_and_due {
                run.convert(oi, c.periods)?;
            }
        }
    }

    // State of obligations already due at as_of.
    for oi in 0..run.obls.len() {
        let o = &run.obls[oi];
        let k0 = o.k(as_of);
        if k0 < 0 || o.closed {
            continue;
        }
        let pol = run.accts[o.acct].policy.clone();
        let grace1 = i64::from(pol.grace_days) + 1;
        if o.unpaid_min() <= pol.tolerance {
            run.close_with_rest(oi, true);
        } else {
            run.max_dpd = run.max_dpd.max(k0);
            run.amber = true;
            if k0 >= grace1 {
                let o = &mut run.obls[oi];
                o.overdue = true;
                run.overdue_count += 1;
                run.red = true;
                if k0 >= grace1.max(i64::from(pol.bureau_after_days)) {
                    o.reported = true;
                }
                if k0 >= grace1.max(i64::from(pol.lock_after_days)) {
                    run.accts[o.acct].locked = true;
                }
                run.accts[o.acct].last_overdue_day = Some(as_of);
            }
        }
    }
    for a in &mut run.accts {
        if a.locked {
            run.critical = true;
            a.limit = Money::rounded(a.limit * (Decimal::ONE - a.policy.limit_cut_on_lock));
        }
        if a.revolving.is_positive() {
            run.amber = true;
        }
    }
    let owed_at_as_of: Money = (0..run.accts.len()).map(|ai| run.owed(ai)).sum();

    // Cash flows of the horizon.
    let (flows, purchases) = build_flows(&run, book, req, end)?;
    let mut flows_by_day: BTreeMap<NaiveDate, (Money, Money)> = BTreeMap::new();
    let mut bounds = Bounds {
        owed_at_as_of,
        ..Default::default()
    };
    for f in &flows {
        let e = flows_by_day.entry(f.date).or_default();
        if f.amount.is_positive() {
            e.0 += f.amount;
            bounds.positive_flows += f.amount;
        } else {
            e.1 += f.amount;
            bounds.negative_flows += f.amount;
        }
    }
    bounds.credit_purchases = purchases.values().flatten().map(|p| p.amount).sum();

    // The loop.
    let mut cash = start_cash;
    let mut prev_cash = start_cash;
    let mut days = Vec::with_capacity(req.horizon as usize);
    let mut d = as_of;
    while d < end {
        d = d.succ_opt().unwrap_or(d);
        run.negotiated_plans(d);
        run.step0(d);
        let (inflow, neg) = flows_by_day.get(&d).copied().unwrap_or_default();
        let mut outflow = -neg;
        cash += inflow + neg;
        if let Some(list) = purchases.get(&d) {
            for p in list {
                let paid = run.purchase(d, p);
                cash -= paid;
                outflow += paid;
            }
        }
        run.statements(d)?;
        let paid = run.payments(d, cash);
        cash -= paid;
        outflow += paid;
        run.end_of_day(d, cash, prev_cash);
        if cash.is_negative() {
            run.red = true;
        }
        if cash < run.reserve {
            run.amber = true;
        }
        let credit = run
            .accts
            .iter()
            .enumerate()
            .map(|(ai, a)| {
                let owed = run.owed(ai);
                let available = if a.locked {
                    Money::ZERO
                } else {
                    (a.limit - owed).clamp_zero()
                };
                (
                    a.name.clone(),
                    CreditDay {
                        owed,
                        available,
                        locked: a.locked,
                    },
                )
            })
            .collect();
        days.push(Day {
            date: d,
            cash,
            inflow,
            outflow,
            credit,
        });
        prev_cash = cash;
        // Closed obligations have said all they will: drop them, so that a
        // long horizon does not rescan its whole past every day.
        run.obls.retain(|o| !o.closed);
    }

    let summary = run.summary(&days, as_of);
    Ok(Projection {
        as_of,
        horizon: req.horizon,
        start_cash,
        days,
        events: run.events,
        summary,
        warnings,
        bounds,
    })
}

/// Balance of a cash account at the end of `as_of` (RULES.md §2), with a
/// reconciliation warning when the reported and the computed disagree.
pub fn cash_balance(
    book: &Book,
    account: &str,
    opening: Option<Money>,
    opening_date: Option<NaiveDate>,
    as_of: NaiveDate,
) -> (Money, Option<String>) {
    let rows: Vec<_> = book
        .transactions
        .iter()
        .filter(|t| t.account == account && t.date <= as_of)
        .collect();
    // Stable sort keeps the position in file within a date.
    let mut rows = rows;
    rows.sort_by_key(|t| t.date);
    let computed = opening.map(|o| {
        o + rows
            .iter()
            .filter(|t| opening_date.is_none_or(|od| t.date > od))
            .map(|t| t.amount)
            .sum::<Money>()
    });
    let last_reported = rows.iter().rposition(|t| t.balance.is_some());
    match last_reported {
        Some(i) => {
            let reported = rows[i].balance.unwrap_or_default()
                + rows[i + 1..].iter().map(|t| t.amount).sum::<Money>();
            let warning = computed.filter(|c| *c != reported).map(|c| {
                format!(
                    "{account}: the reported balance at {as_of} is {reported} but the opening \
                     balance plus transactions give {c} (difference {}); ebb uses the reported \
                     one. Check for a missing statement or a wrong opening balance.",
                    reported - c
                )
            });
            (reported, warning)
        }
        None => (
            computed.unwrap_or_else(|| rows.iter().map(|t| t.amount).sum()),
            None,
        ),
    }
}

/// Dates of a recurring item between `from` and `to` inclusive.
pub fn occurrences(
    every: &Every,
    start: Option<NaiveDate>,
    end: Option<NaiveDate>,
    from: NaiveDate,
    to: NaiveDate,
) -> Vec<NaiveDate> {
    let lo = start.map_or(from, |s| s.max(from));
    let hi = end.map_or(to, |e| e.min(to));
    let mut out = Vec::new();
    if lo > hi {
        return out;
    }
    match every {
        Every::Month(day) => {
            let dom = day.or(start.map(|s| s.day())).unwrap_or(1);
            let mut m = lo.with_day(1).unwrap_or(lo);
            while m <= hi {
                if let Some(date) = clamped(m.year(), m.month(), dom)
                    && date >= lo
                    && date <= hi
                {
                    out.push(date);
                }
                m = add_months(m, 1);
            }
        }
        Every::Week(wd) => {
            let mut date = lo;
            while date.weekday() != *wd {
                date = date.succ_opt().unwrap_or(date);
            }
            while date <= hi {
                out.push(date);
                date += chrono::Duration::days(7);
            }
        }
        Every::Days(n) => {
            let n = i64::from((*n).max(1));
            let Some(s) = start else { return out };
            let skip = ((lo - s).num_days() + n - 1).div_euclid(n).max(0);
            let mut date = s + chrono::Duration::days(skip * n);
            while date <= hi {
                if date >= lo {
                    out.push(date);
                }
                date += chrono::Duration::days(n);
            }
        }
    }
    out
}

type Purchases = BTreeMap<NaiveDate, Vec<PlannedPurchase>>;

fn build_flows(
    run: &Run<'_>,
    book: &Book,
    req: &Request<'_>,
    end: NaiveDate,
) -> Result<(Vec<Flow>, Purchases), ProjectionError> {
    let as_of = req.as_of;
    let in_horizon = |d: NaiveDate| d > as_of && d <= end;
    let cash_account = |name: &str, what: &str| -> Result<(), ProjectionError> {
        match book.account(name) {
            Some(a) if a.kind.is_cash() => Ok(()),
            Some(_) => Err(ProjectionError::Account(format!(
                "{what} names \"{name}\", a credit account; cash flows must name a bank or wallet account"
            ))),
            None => Err(ProjectionError::Account(format!(
                "{what} names \"{name}\", which is not in the book; add the account or fix the name"
            ))),
        }
    };
    let mut raw: Vec<Flow> = Vec::new();
    for r in &book.recurring {
        cash_account(&r.account, &format!("recurring \"{}\"", r.name))?;
        // Occurrences up to the end plus the longest delay are not needed:
        // delays only push later, so dates past the end never come back.
        for date in occurrences(
            &r.every,
            r.start,
            r.end,
            as_of.succ_opt().unwrap_or(as_of),
            end,
        ) {
            raw.push(Flow {
                date,
                amount: r.amount,
                kind: FlowKind::Book,
            });
        }
    }
    for s in &book.scheduled {
        cash_account(&s.account, &format!("scheduled \"{}\"", s.label))?;
        raw.push(Flow {
            date: s.date,
            amount: s.amount,
            kind: FlowKind::Book,
        });
    }
    let sc = req.scenario;
    for o in &sc.one_offs {
        cash_account(&o.account, &format!("one-off \"{}\"", o.label))?;
        raw.push(Flow {
            date: o.date,
            amount: o.amount,
            kind: FlowKind::OneOff,
        });
    }
    let mut purchases: Purchases = BTreeMap::new();
    for p in &book.purchases {
        if in_horizon(p.date) {
            let acct = run.credit_idx(&p.account, "a [[purchase]]")?;
            purchases.entry(p.date).or_default().push(PlannedPurchase {
                acct,
                amount: p.amount,
                label: if p.label.is_empty() {
                    "purchase".into()
                } else {
                    p.label.clone()
                },
            });
        }
    }
    let mut fixed: Vec<Flow> = Vec::new();
    let mut prestock_seen = false;
    for pr in &sc.promotions {
        let baseline = match pr.baseline_daily_sales {
            Some(b) => b,
            None => derived_baseline(book, as_of).ok_or_else(|| {
                ProjectionError::Scenario(
                    "the promotion has no baseline_daily_sales and the book has no sales \
                     history in the last 90 days (cash rows with category \"sales\"); \
                     set baseline_daily_sales in the scenario"
                        .into(),
                )
            })?,
        };
        let net = (Decimal::ONE - pr.return_rate) * (Decimal::ONE - pr.platform_fee_rate);
        let lag = chrono::Days::new(u64::from(pr.settlement_lag_days));
        let daily = Money::rounded(baseline * pr.uplift * net);
        let mut t = pr.start;
        while t <= pr.end {
            raw.push(Flow {
                date: t + lag,
                amount: daily,
                kind: FlowKind::Promo,
            });
            t = match t.succ_opt() {
                Some(n) => n,
                None => break,
            };
        }
        let dip = -Money::rounded(baseline * pr.post_promo_dip * net);
        for i in 1..=u64::from(pr.dip_days) {
            let t = pr.end + chrono::Days::new(i);
            if !dip.is_zero() {
                raw.push(Flow {
                    date: t + lag,
                    amount: dip,
                    kind: FlowKind::Promo,
                });
            }
        }
        if let Some(ps) = &pr.prestock {
            let amount = match (req.prestock_override, prestock_seen) {
                (Some(x), false) => x,
                _ => ps.amount,
            };
            prestock_seen = true;
            if in_horizon(ps.date) && !amount.is_zero() {
                match &ps.funding {
                    Funding::Cash => fixed.push(Flow {
                        date: ps.date,
                        amount: -amount,
                        kind: FlowKind::Fixed,
                    }),
                    Funding::Credit(name) => {
                        let acct = run.credit_idx(
                            name,
                            "a promotion's funding (use \"cash\" to pay from cash)",
                        )?;
                        purchases.entry(ps.date).or_default().push(PlannedPurchase {
                            acct,
                            amount,
                            label: "prestock".into(),
                        });
                    }
                }
            }
        }
        if pr.ad_spend_daily.is_positive() {
            let mut t = pr.start;
            while t <= pr.end {
                if in_horizon(t) {
                    match &pr.ad_funding {
                        Funding::Cash => fixed.push(Flow {
                            date: t,
                            amount: -pr.ad_spend_daily,
                            kind: FlowKind::Fixed,
                        }),
                        Funding::Credit(name) => {
                            let acct = run.credit_idx(
                                name,
                                "a promotion's funding (use \"cash\" to pay from cash)",
                            )?;
                            purchases.entry(t).or_default().push(PlannedPurchase {
                                acct,
                                amount: pr.ad_spend_daily,
                                label: "ad spend".into(),
                            });
                        }
                    }
                }
                t = match t.succ_opt() {
                    Some(n) => n,
                    None => break,
                };
            }
        }
    }
    for b in &sc.bridges {
        fixed.push(Flow {
            date: b.date,
            amount: b.amount,
            kind: FlowKind::Fixed,
        });
        let days = Decimal::from((b.repay_date - b.date).num_days());
        let interest = Money::rounded(b.amount * (b.rate * days / Decimal::from(365)));
        fixed.push(Flow {
            date: b.repay_date,
            amount: -(b.amount + interest),
            kind: FlowKind::Fixed,
        });
    }
    if !req.extra_inflow.is_zero() {
        fixed.push(Flow {
            date: as_of.succ_opt().unwrap_or(as_of),
            amount: req.extra_inflow,
            kind: FlowKind::Fixed,
        });
    }

    // Scale and delay by undelayed date; never move flows from on or before
    // as_of into the horizon.
    let mut flows = Vec::with_capacity(raw.len() + fixed.len());
    for f in raw {
        if f.date <= as_of {
            continue;
        }
        let mut factor = Decimal::ONE;
        let mut scaled = false;
        for s in &sc.scales {
            if f.date >= s.from && f.date <= s.to {
                scaled = true;
                factor *= if f.kind == FlowKind::Promo || f.amount.is_positive() {
                    s.inflow_factor
                } else {
                    s.outflow_factor
                };
            }
        }
        let amount = if scaled {
            Money::rounded(f.amount * factor)
        } else {
            f.amount
        };
        let delayable = f.kind == FlowKind::Promo || f.amount.is_positive();
        let mut date = f.date;
        if delayable {
            let shift: u64 = sc
                .delays
                .iter()
                .filter(|dl| f.date >= dl.from && f.date <= dl.to)
                .map(|dl| u64::from(dl.days))
                .sum();
            date = f.date + chrono::Days::new(shift);
        }
        if date <= end && !amount.is_zero() {
            flows.push(Flow {
                date,
                amount,
                kind: f.kind,
            });
        }
    }
    for f in fixed {
        if in_horizon(f.date) {
            flows.push(f);
        }
    }
    Ok((flows, purchases))
}

/// round(Σ positive cash rows categorised `sales` in [as_of − 89, as_of] ÷ 90).
pub fn derived_baseline(book: &Book, as_of: NaiveDate) -> Option<Money> {
    let from = as_of - chrono::Days::new(89);
    let cash: std::collections::HashSet<&str> = book
        .accounts
        .iter()
        .filter(|a| a.kind.is_cash())
        .map(|a| a.name.as_str())
        .collect();
    let mut any = false;
    let total: Money = book
        .transactions
        .iter()
        .filter(|t| {
            cash.contains(t.account.as_str())
                && t.category == "sales"
                && t.amount.is_positive()
                && t.date >= from
                && t.date <= as_of
        })
        .inspect(|_| any = true)
        .map(|t| t.amount)
        .sum();
    any.then(|| Money::rounded(total.decimal() / Decimal::from(90)))
}

impl Run<'_> {
    fn credit_idx(&self, name: &str, what: &str) -> Result<usize, ProjectionError> {
        self.accts
            .iter()
            .position(|a| a.name == name)
            .ok_or_else(|| {
                ProjectionError::Account(format!(
                    "{what} names \"{name}\", which is not a credit account in the book; \
                 add it with kind = \"credit\" or fix the name"
                ))
            })
    }

    fn event(
        &mut self,
        date: NaiveDate,
        kind: EventKind,
        account: Option<usize>,
        amount: Money,
        reference: Option<String>,
        detail: String,
    ) {
        let account = account.map(|a| self.accts[a].name.clone());
        self.events.push(Event {
            date,
            kind,
            account,
            amount,
            reference,
            detail,
        });
    }

    fn new_obl(&mut self) -> usize {
        self.next_obl += 1;
        self.next_obl - 1
    }

    /// Owed on an account (RULES.md §3).
    fn owed(&self, ai: usize) -> Money {
        let a = &self.accts[ai];
        let obl: Money = self
            .obls
            .iter()
            .filter(|o| o.acct == ai && !o.closed)
            .map(Obl::owed)
            .sum();
        a.unbilled + a.today + a.revolving + a.interest + a.tol_rest + obl
    }

    fn has_overdue(&self, ai: usize) -> bool {
        self.obls
            .iter()
            .any(|o| o.acct == ai && o.overdue && !o.closed)
    }

    /// Payment order: overdue first, then by due date, account name,
    /// installment before bill, creation order.
    fn order(&self) -> Vec<usize> {
        let mut idx: Vec<usize> = (0..self.obls.len())
            .filter(|&i| !self.obls[i].closed)
            .collect();
        idx.sort_by(|&a, &b| {
            let (x, y) = (&self.obls[a], &self.obls[b]);
            (
                !x.overdue,
                x.due,
                &self.accts[x.acct].name,
                x.inst.is_none(),
                x.id,
            )
                .cmp(&(
                    !y.overdue,
                    y.due,
                    &self.accts[y.acct].name,
                    y.inst.is_none(),
                    y.id,
                ))
        });
        idx
    }

    /// Closes an obligation whose minimum is met: waive pending penalty,
    /// move what is still owed to revolving (or a tolerance rest).
    fn close_with_rest(&mut self, oi: usize, at_as_of: bool) {
        let o = &mut self.obls[oi];
        o.pending = Money::ZERO;
        o.closed = true;
        let rest = o.owed();
        let small = o.unpaid_principal() <= self.accts[o.acct].policy.tolerance;
        let acct = &mut self.accts[o.acct];
        if rest.is_positive() {
            if small {
                acct.tol_rest += rest;
            } else {
                acct.revolving += rest;
                if !at_as_of {
                    self.amber = true;
                }
            }
        }
    }

    /// Converts obligation `oi` (a bill) into installments (RULES.md §7).
    fn convert(&mut self, oi: usize, periods: u32) -> Result<(), ProjectionError> {
        let o = self.obls[oi].clone();
        let acct = &self.accts[o.acct];
        let rate = acct
            .policy
            .installment_fee_rates
            .rate_for(periods)
            .ok_or_else(|| {
                ProjectionError::Scenario(format!(
                    "\"{}\" does not offer {periods} installments; see its installment_fee_rates",
                    acct.name
                ))
            })?;
        let p = o.unpaid_principal() - o.service_fee;
        let fee = Money::rounded(p * rate);
        let part = Money::rounded(p.decimal() / Decimal::from(periods));
        let last = Money::new(p.decimal() - part * Decimal::from(periods - 1));
        if last.is_negative() {
            return Err(ProjectionError::Scenario(format!(
                "converting the {} bill of \"{}\" into {periods} installments leaves a negative last part",
                o.due, acct.name
            )));
        }
        self.fee_total -= o.service_fee;
        self.obls[oi].closed = true;
        self.obls[oi].pending = Money::ZERO;
        for i in 0..periods {
            let principal = if i + 1 == periods { last } else { part };
            self.fee_total += fee;
            self.push_installment(
                o.acct,
                add_months(o.due, i),
                principal,
                fee,
                (i + 1, periods),
            );
        }
        Ok(())
    }

    fn push_installment(
        &mut self,
        acct: usize,
        due: NaiveDate,
        principal: Money,
        fee: Money,
        inst: (u32, u32),
    ) {
        let id = self.new_obl();
        self.obls.push(Obl {
            id,
            acct,
            inst: Some(inst),
            due,
            principal,
            principal_paid: Money::ZERO,
            min_due: principal + fee,
            fee,
            fee_paid: Money::ZERO,
            late_fee: Money::ZERO,
            late_fee_paid: Money::ZERO,
            penalty: Money::ZERO,
            penalty_paid: Money::ZERO,
            pending: Money::ZERO,
            overdue: false,
            reported: false,
            closed: false,
            service_fee: Money::ZERO,
        });
    }

    fn negotiated_plans(&mut self, d: NaiveDate) {
        let plans: Vec<_> = self
            .req
            .scenario
            .plans
            .iter()
            .filter(|p| p.date == d)
            .cloned()
            .collect();
        for plan in plans {
            let Some(ai) = self.accts.iter().position(|a| a.name == plan.account) else {
                continue;
            };
            let mut total = Money::ZERO;
            for o in self
                .obls
                .iter_mut()
                .filter(|o| o.acct == ai && o.overdue && !o.closed)
            {
                total += o.owed();
                o.closed = true;
            }
            if total.is_zero() {
                continue;
            }
            let part = Money::rounded(total.decimal() / Decimal::from(plan.periods));
            for i in 1..=plan.periods {
                let principal = if i == plan.periods {
                    Money::new(total.decimal() - part * Decimal::from(plan.periods - 1))
                } else {
                    part
                };
                self.push_installment(
                    ai,
                    add_months(d, i),
                    principal,
                    Money::ZERO,
                    (i, plan.periods),
                );
            }
        }
    }

    fn step0(&mut self, d: NaiveDate) {
        // 0a. Accruals.
        for a in &mut self.accts {
            if a.revolving.is_positive() {
                let i = Money::rounded(a.revolving * a.policy.revolving_daily_rate);
                a.interest += i;
                self.interest_total += i;
            }
            a.unbilled += a.today;
            a.today = Money::ZERO;
        }
        for o in self.obls.iter_mut().filter(|o| !o.closed) {
            let pol = &self.accts[o.acct].policy;
            let k = o.k(d);
            let unmet = o.unpaid_min() > pol.tolerance;
            if o.overdue || (k >= 1 && unmet) {
                let p = Money::rounded(o.unpaid_principal() * pol.overdue_rates.rate_for(k));
                if o.overdue {
                    o.penalty += p;
                    self.penalty_total += p;
                } else {
                    o.pending += p;
                }
            }
        }
        // 0b–0d per obligation in payment order.
        let mut turned = vec![false; self.obls.len()];
        for (oi, t) in turned.iter_mut().enumerate() {
            let o = &self.obls[oi];
            let pol = &self.accts[o.acct].policy;
            if !o.closed
                && !o.overdue
                && o.k(d) > i64::from(pol.grace_days)
                && o.unpaid_min() > pol.tolerance
            {
                *t = true;
                self.obls[oi].overdue = true;
            }
        }
        for oi in self.order() {
            let ai = self.obls[oi].acct;
            let pol = self.accts[ai].policy.clone();
            let k = self.obls[oi].k(d);
            let grace1 = i64::from(pol.grace_days) + 1;
            if turned[oi] {
                self.overdue_count += 1;
                self.red = true;
                let o = &mut self.obls[oi];
                let unpaid = o.unpaid_principal();
                let unpaid_min = o.unpaid_min();
                let pending = o.pending;
                o.penalty += pending;
                o.pending = Money::ZERO;
                self.penalty_total += pending;
                let r = o.reference();
                let name = self.accts[ai].name.clone();
                self.event(
                    d,
                    EventKind::Overdue,
                    Some(ai),
                    unpaid,
                    Some(r.clone()),
                    format!("{name} {r} is overdue: {} unpaid", unpaid.grouped()),
                );
                if !pol.late_fee_rate.is_zero() {
                    let fee = Money::rounded(unpaid_min * pol.late_fee_rate).max(pol.late_fee_min);
                    if !fee.is_zero() {
                        self.obls[oi].late_fee += fee;
                        self.fee_total += fee;
                        self.event(
                            d,
                            EventKind::LateFee,
                            Some(ai),
                            fee,
                            Some(r.clone()),
                            format!("late fee {} on {name} {r}", fee.grouped()),
                        );
                    }
                }
                // Turning overdue cancels a pending unlock review.
                let a = &mut self.accts[ai];
                if a.unlock_day.is_some() {
                    a.unlock_day = None;
                    a.requested = false;
                }
            }
            let o = &self.obls[oi];
            if o.overdue
                && !o.closed
                && k >= grace1.max(i64::from(pol.lock_after_days))
                && !self.accts[ai].locked
            {
                let unpaid = o.unpaid_principal();
                let r = o.reference();
                let a = &mut self.accts[ai];
                a.locked = true;
                a.requested = false;
                a.unlock_day = None;
                let old = a.limit;
                a.limit = Money::rounded(old * (Decimal::ONE - pol.limit_cut_on_lock));
                let cut = old - a.limit;
                let name = a.name.clone();
                self.critical = true;
                self.event(
                    d,
                    EventKind::Lock,
                    Some(ai),
                    unpaid,
                    Some(r.clone()),
                    format!(
                        "{name} is locked: {r} is {k} day{} overdue",
                        if k == 1 { "" } else { "s" }
                    ),
                );
                if !cut.is_zero() {
                    self.event(
                        d,
                        EventKind::LimitCut,
                        Some(ai),
                        cut,
                        Some(r.clone()),
                        format!(
                            "{name} limit cut by {} to {}",
                            cut.grouped(),
                            self.accts[ai].limit.grouped()
                        ),
                    );
                }
            }
            let o = &self.obls[oi];
            if o.overdue
                && !o.closed
                && !o.reported
                && k >= grace1.max(i64::from(pol.bureau_after_days))
            {
                let unpaid = o.unpaid_principal();
                let r = o.reference();
                self.obls[oi].reported = true;
                let name = self.accts[ai].name.clone();
                self.event(
                    d,
                    EventKind::BureauReport,
                    Some(ai),
                    unpaid,
                    Some(r.clone()),
                    format!("{name} {r} reported to the credit bureau"),
                );
            }
        }
        // 0e. Unlock and limit, per account by name.
        for ai in 0..self.accts.len() {
            if self.accts[ai].unlock_day == Some(d) {
                self.accts[ai].unlock_day = None;
                if self.has_overdue(ai) {
                    self.accts[ai].requested = false;
                } else {
                    self.accts[ai].locked = false;
                    self.accts[ai].last_unlock = Some(d);
                    let name = self.accts[ai].name.clone();
                    self.event(
                        d,
                        EventKind::Unlock,
                        Some(ai),
                        Money::ZERO,
                        None,
                        format!("{name} is unlocked"),
                    );
                }
            }
            let a = &self.accts[ai];
            if !a.locked && a.limit < a.contractual && !self.has_overdue(ai) {
                let after_overdue = a.last_overdue_day.and_then(|x| x.succ_opt());
                let c = match (a.last_unlock, after_overdue) {
                    (Some(u), Some(o)) => Some(u.max(o)),
                    (Some(u), None) => Some(u),
                    (None, o) => o,
                };
                if let Some(c) = c
                    && (d - c).num_days() >= i64::from(a.policy.limit_recovery_days)
                {
                    let restored = a.contractual - a.limit;
                    let name = a.name.clone();
                    self.accts[ai].limit = self.accts[ai].contractual;
                    self.event(
                        d,
                        EventKind::LimitRestored,
                        Some(ai),
                        restored,
                        None,
                        format!(
                            "{name} limit restored to {}",
                            self.accts[ai].contractual.grouped()
                        ),
                    );
                }
            }
        }
        // Days past due after step 0.
        for o in self.obls.iter().filter(|o| !o.closed) {
            let k = o.k(d);
            if k >= 0 && (o.overdue || o.unpaid_min() > self.accts[o.acct].policy.tolerance) {
                self.max_dpd = self.max_dpd.max(k);
            }
        }
    }

    /// A credit purchase; returns the cash it took.
    fn purchase(&mut self, d: NaiveDate, p: &PlannedPurchase) -> Money {
        let ai = p.acct;
        let name = self.accts[ai].name.clone();
        if !p.amount.is_positive() {
            self.accts[ai].today += p.amount;
            return Money::ZERO;
        }
        if self.accts[ai].locked {
            self.event(
                d,
                EventKind::PurchaseBlocked,
                Some(ai),
                p.amount,
                Some(p.label.clone()),
                format!(
                    "{} of {} blocked: {name} is locked; paid from cash",
                    p.label,
                    p.amount.grouped()
                ),
            );
            return p.amount;
        }
        let available = (self.accts[ai].limit - self.owed(ai)).clamp_zero();
        if p.amount > available {
            let excess = p.amount - available;
            self.accts[ai].today += available;
            self.event(
                d,
                EventKind::LimitExceeded,
                Some(ai),
                excess,
                Some(p.label.clone()),
                format!(
                    "{} exceeds {name}'s available credit by {}; paid from cash",
                    p.label,
                    excess.grouped()
                ),
            );
            excess
        } else {
            self.accts[ai].today += p.amount;
            Money::ZERO
        }
    }

    fn statements(&mut self, d: NaiveDate) -> Result<(), ProjectionError> {
        for ai in 0..self.accts.len() {
            let a = &self.accts[ai];
            if !a.is_statement_day(d) {
                continue;
            }
            let purchases = a.unbilled.clamp_zero();
            if !(purchases.is_positive()
                || a.revolving.is_positive()
                || a.interest.is_positive()
                || a.tol_rest.is_positive())
            {
                continue;
            }
            let service = Money::rounded(purchases * a.policy.service_fee_rate);
            let amount = purchases + a.revolving + a.tol_rest + a.interest + service;
            let min_due = a.min_for(amount);
            let due = a.due_date(d);
            let name = a.name.clone();
            let a = &mut self.accts[ai];
            a.unbilled -= purchases;
            a.revolving = Money::ZERO;
            a.interest = Money::ZERO;
            a.tol_rest = Money::ZERO;
            self.fee_total += service;
            let oi = self.obls.len();
            let id = self.new_obl();
            self.obls.push(Obl {
                id,
                acct: ai,
                inst: None,
                due,
                principal: amount,
                principal_paid: Money::ZERO,
                min_due,
                fee: Money::ZERO,
                fee_paid: Money::ZERO,
                late_fee: Money::ZERO,
                late_fee_paid: Money::ZERO,
                penalty: Money::ZERO,
                penalty_paid: Money::ZERO,
                pending: Money::ZERO,
                overdue: false,
                reported: false,
                closed: false,
                service_fee: service,
            });
            self.event(
                d,
                EventKind::Statement,
                Some(ai),
                amount,
                Some(format!("bill {due}")),
                format!(
                    "{name} statement: {} due {due}, minimum {}",
                    amount.grouped(),
                    min_due.grouped()
                ),
            );
            let conv = self
                .req
                .scenario
                .conversions
                .iter()
                .find(|c| c.account == name && c.bill_due == due)
                .map(|c| c.periods);
            if let Some(periods) = conv {
                self.convert(oi, periods)?;
            }
        }
        Ok(())
    }

    /// Step 4; returns the cash paid.
    fn payments(&mut self, d: NaiveDate, cash: Money) -> Money {
        let order = self.order();
        for &oi in &order {
            let o = &self.obls[oi];
            if o.due == d && o.owed().is_positive() {
                let (kind, what) = if o.inst.is_some() {
                    (EventKind::InstallmentDue, "installment")
                } else {
                    (EventKind::BillDue, "bill")
                };
                let owed = o.owed();
                let r = o.reference();
                let ai = o.acct;
                let name = self.accts[ai].name.clone();
                self.event(
                    d,
                    kind,
                    Some(ai),
                    owed,
                    Some(r),
                    format!("{name} {what} of {} due today", owed.grouped()),
                );
            }
        }
        let mut c = cash.clamp_zero();
        let start = c;
        for &oi in &order {
            let o = &self.obls[oi];
            let owed = o.owed();
            if o.due > d || !owed.is_positive() {
                continue;
            }
            let ai = o.acct;
            let m = if o.inst.is_none() && !o.overdue {
                o.unpaid_min()
            } else {
                owed
            };
            let ask = match self.accts[ai].policy.payment_policy {
                PaymentPolicy::Full => owed,
                PaymentPolicy::Minimum => m,
                PaymentPolicy::KeepReserve => {
                    if c - owed >= self.reserve {
                        owed
                    } else {
                        owed.min(m.max(c - self.reserve))
                    }
                }
            };
            let pay = ask.min(c).clamp_zero();
            if pay.is_positive() {
                self.obls[oi].pay(pay);
                c -= pay;
                let r = self.obls[oi].reference();
                let name = self.accts[ai].name.clone();
                self.event(
                    d,
                    EventKind::Payment,
                    Some(ai),
                    pay,
                    Some(r.clone()),
                    format!("paid {} on {name} {r}", pay.grouped()),
                );
            }
        }
        start - c
    }

    fn end_of_day(&mut self, d: NaiveDate, cash: Money, prev_cash: Money) {
        for oi in 0..self.obls.len() {
            let o = &self.obls[oi];
            if o.closed {
                continue;
            }
            let tol = self.accts[o.acct].policy.tolerance;
            if o.overdue {
                if !o.owed().is_positive() {
                    self.obls[oi].closed = true;
                }
            } else if o.due <= d {
                if o.unpaid_min() <= tol {
                    self.close_with_rest(oi, false);
                } else if o.due == d {
                    self.amber = true;
                }
            }
        }
        for ai in 0..self.accts.len() {
            if self.has_overdue(ai) {
                self.accts[ai].last_overdue_day = Some(d);
            } else if self.accts[ai].locked && !self.accts[ai].requested {
                let n = self.accts[ai].policy.unlock_review_business_days;
                let day = self.cal.nth_business_day_after(d, n);
                let a = &mut self.accts[ai];
                a.requested = true;
                a.unlock_day = Some(day);
                let name = a.name.clone();
                self.event(
                    d,
                    EventKind::UnlockRequested,
                    Some(ai),
                    Money::ZERO,
                    None,
                    format!("{name}: overdue cleared, unlock review until {day}"),
                );
            }
        }
        if cash.is_negative() && !prev_cash.is_negative() {
            self.events.push(Event {
                date: d,
                kind: EventKind::Shortfall,
                account: None,
                amount: cash,
                reference: None,
                detail: format!("cash falls below zero: {}", cash.grouped()),
            });
        }
        if cash < self.reserve && prev_cash >= self.reserve {
            self.events.push(Event {
                date: d,
                kind: EventKind::BelowReserve,
                account: None,
                amount: cash,
                reference: None,
                detail: format!(
                    "cash {} falls below the reserve {}",
                    cash.grouped(),
                    self.reserve.grouped()
                ),
            });
        }
    }

    fn summary(&self, days: &[Day], as_of: NaiveDate) -> Summary {
        let (min_cash, min_cash_date) = days
            .iter()
            .fold(None::<(Money, NaiveDate)>, |acc, d| match acc {
                Some((m, _)) if m <= d.cash => acc,
                _ => Some((d.cash, d.date)),
            })
            .unwrap_or((Money::ZERO, as_of));
        let first_shortfall_date = days.iter().find(|d| d.cash.is_negative()).map(|d| d.date);
        let locks: Vec<LockRef> = self
            .events
            .iter()
            .filter(|e| e.kind == EventKind::Lock)
            .map(|e| LockRef {
                account: e.account.clone().unwrap_or_default(),
                date: e.date,
            })
            .collect();
        let risk = if self.critical || !locks.is_empty() {
            Risk::Critical
        } else if self.red {
            Risk::Red
        } else if self.amber {
            Risk::Amber
        } else {
            Risk::Green
        };
        Summary {
            risk,
            min_cash,
            min_cash_date,
            first_shortfall_date,
            runway_days: first_shortfall_date.map(|d| (d - as_of).num_days()),
            overdue_bills: self.overdue_count,
            max_days_past_due: self.max_dpd,
            locks,
            penalty_total: self.penalty_total,
            fee_total: self.fee_total,
            interest_total: self.interest_total
                + self
                    .req
                    .scenario
                    .bridges
                    .iter()
                    .filter(|b| {
                        b.repay_date > as_of
                            && b.repay_date
                                <= as_of + chrono::Days::new(u64::from(self.req.horizon))
                    })
                    .map(|b| {
                        let days = Decimal::from((b.repay_date - b.date).num_days());
                        Money::rounded(b.amount * (b.rate * days / Decimal::from(365)))
                    })
                    .sum::<Money>(),
        }
    }
}
