//! The day-by-day projection of RULES.md §2–§8.
//!
//! Owns: the starting point at `as_of`, the daily loop (accruals, overdue,
//! lock, bureau, unlock, cash flows, purchases, statements, payments, end of
//! day), the events and the day series, and the summary; and sharing the
//! work of many runs of one book (`Prepared`, `Checkpoints`) without
//! changing a number. Pure: a book, a scenario, `as_of` and a horizon in;
//! numbers out. Must not: read the clock, files or the database.

use std::fmt;
use std::sync::Arc;

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;
use serde::Serialize;

use crate::engine::book::{AccountKind, Book, Every};
use crate::engine::calendar::{add_months, clamped};
use crate::engine::credit::{self, Cycle, Due, PaymentPolicy, Policy, PolicyError};
use crate::engine::fixed::{Amt, TooPrecise};
use crate::engine::money::Money;
use crate::engine::scenario::{Bridge, Funding, Scenario};

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
    /// Only the summary is wanted (the solvers, Monte Carlo): the projection
    /// keeps no day series and no events, and writes no event text. The
    /// summary is the same as a full run's.
    pub summary_only: bool,
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
            summary_only: false,
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
    /// An amount has more decimals than the engine keeps.
    #[error(transparent)]
    Amount(#[from] TooPrecise),
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
    pub credit: CreditDays,
}

/// The credit accounts at the end of a day, by name: a small sorted map
/// whose names are shared by every day of a projection. Serialises as a
/// JSON object, name to account.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CreditDays(Vec<(Arc<str>, CreditDay)>);

impl CreditDays {
    /// The account called `name`.
    pub fn get(&self, name: &str) -> Option<&CreditDay> {
        self.0
            .binary_search_by(|(n, _)| (**n).cmp(name))
            .ok()
            .map(|i| &self.0[i].1)
    }

    /// Accounts in name order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &CreditDay)> {
        self.0.iter().map(|(n, c)| (&**n, c))
    }

    /// Names in order.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(|(n, _)| &**n)
    }

    /// Number of accounts.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// No credit accounts?
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl Serialize for CreditDays {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.iter())
    }
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
//
// The daily loop works on `Amt` (exact integers of 10⁻⁸, RULES.md §1's
// rounding done in integers) and on day numbers; amounts become `Money`
// again only where the projection reports them.

/// A date as a day number, for cheap differences in the loop.
fn day_n(d: NaiveDate) -> i32 {
    d.num_days_from_ce()
}

/// The index in the horizon of a day after `as_of` (day number
/// `as_of_n`): 0 for `as_of + 1`; `None` on or before `as_of`.
fn day_index(d: NaiveDate, as_of_n: i32) -> Option<usize> {
    usize::try_from(day_n(d) - as_of_n - 1).ok()
}

/// A day's penalty on an obligation and what it holds for: the unpaid
/// principal it was worked from and the days past due `lo..=hi` of its
/// rate tier.
#[derive(Clone, Copy, Debug)]
struct Accrual {
    unpaid: Amt,
    lo: i64,
    hi: i64,
    penalty: Amt,
}

#[derive(Clone, Debug)]
struct Obl {
    id: usize,
    acct: usize,
    inst: Option<(u32, u32)>,
    due: NaiveDate,
    due_n: i32,
    principal: Amt,
    principal_paid: Amt,
    min_due: Amt,
    fee: Amt,
    fee_paid: Amt,
    late_fee: Amt,
    late_fee_paid: Amt,
    penalty: Amt,
    penalty_paid: Amt,
    pending: Amt,
    overdue: bool,
    /// Turned overdue today (step 0b, set and cleared within the step).
    turned: bool,
    reported: bool,
    closed: bool,
    service_fee: Amt,
    /// The last day's penalty (step 0a) and what it holds for.
    accrual: Accrual,
    /// Quiet (see `Run::wake`): overdue, nothing paid, accruing the same
    /// penalty (`accrual.penalty`, not negative) every day from day number
    /// `quiet_from` on without being visited.
    quiet: bool,
    quiet_from: i32,
}

impl Obl {
    /// A new obligation with nothing paid and nothing charged on top.
    fn new(
        id: usize,
        acct: usize,
        inst: Option<(u32, u32)>,
        due: NaiveDate,
        principal: Amt,
        min_due: Amt,
    ) -> Obl {
        Obl {
            id,
            acct,
            inst,
            due,
            due_n: day_n(due),
            principal,
            principal_paid: Amt::ZERO,
            min_due,
            fee: Amt::ZERO,
            fee_paid: Amt::ZERO,
            late_fee: Amt::ZERO,
            late_fee_paid: Amt::ZERO,
            penalty: Amt::ZERO,
            penalty_paid: Amt::ZERO,
            pending: Amt::ZERO,
            overdue: false,
            turned: false,
            reported: false,
            closed: false,
            service_fee: Amt::ZERO,
            // Holds for no day: worked out on the first.
            accrual: Accrual {
                unpaid: Amt::ZERO,
                lo: 1,
                hi: 0,
                penalty: Amt::ZERO,
            },
            quiet: false,
            quiet_from: 0,
        }
    }
    /// The payment order's key (see `Run::sort_order`), packed so that
    /// comparing keys compares (not overdue, due date, account, bill after
    /// installment, creation order).
    fn key(&self) -> u128 {
        let due = u128::from(self.due_n.abs_diff(i32::MIN));
        (u128::from(!self.overdue) << 127)
            | (due << 80)
            | ((self.acct as u128 & 0xFFFF_FFFF) << 48)
            | (u128::from(self.inst.is_none()) << 47)
            | (self.id as u128 & ((1 << 47) - 1))
    }
    /// Today's penalty on the unpaid principal `k` days past due.
    fn penalty_for(&mut self, rates: &credit::OverdueRates, k: i64) -> Amt {
        let unpaid = self.unpaid_principal();
        let a = self.accrual;
        if unpaid == a.unpaid && a.lo <= k && k <= a.hi {
            return a.penalty;
        }
        let (rate, lo, hi) = rates.tier_for(k);
        let penalty = unpaid.mul_round(rate);
        self.accrual = Accrual {
            unpaid,
            lo,
            hi,
            penalty,
        };
        penalty
    }
    fn unpaid_principal(&self) -> Amt {
        self.principal - self.principal_paid
    }
    /// Owed once the penalty of every day up to day number `accrued` is
    /// counted (a quiet obligation's penalty is added up only when woken).
    fn owed(&self, accrued: i32) -> Amt {
        (self.late_fee - self.late_fee_paid)
            + (self.fee - self.fee_paid)
            + (self.penalty - self.penalty_paid)
            + self.unpaid_principal()
            + self.quiet_penalty(accrued)
    }
    /// The first day number past its penalty's rate tier.
    fn tier_ends(&self) -> i64 {
        i64::from(self.due_n)
            .saturating_add(self.accrual.hi)
            .saturating_add(1)
    }
    /// The penalty a quiet obligation has accrued and not yet added.
    fn quiet_penalty(&self, accrued: i32) -> Amt {
        if self.quiet {
            let days = u32::try_from(accrued - self.quiet_from + 1).unwrap_or(0);
            self.accrual.penalty.times(days)
        } else {
            Amt::ZERO
        }
    }
    /// Unpaid minimum (RULES.md §4.5): for a bill min due − principal paid
    /// (at least 0), for an installment its unpaid fee + principal.
    fn unpaid_min(&self) -> Amt {
        match self.inst {
            None => (self.min_due - self.principal_paid).clamp_zero(),
            Some(_) => (self.fee - self.fee_paid) + self.unpaid_principal(),
        }
    }
    fn reference(&self) -> Ref<'static> {
        Ref::Obl(self.inst, self.due)
    }
    /// Days past due on day number `dn`.
    fn k(&self, dn: i32) -> i64 {
        i64::from(dn) - i64::from(self.due_n)
    }
    /// Pays up to `amount`: late fee, installment fee, penalty, principal.
    fn pay(&mut self, amount: Amt) {
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

/// What an event refers to; written out only when events are kept.
#[derive(Clone, Copy)]
enum Ref<'a> {
    None,
    /// A bill (no installment) or an installment, by due date.
    Obl(Option<(u32, u32)>, NaiveDate),
    /// A purchase, by label.
    Label(&'a str),
}

impl Ref<'_> {
    fn text(self) -> Option<String> {
        match self {
            Ref::None => None,
            Ref::Obl(None, due) => Some(format!("bill {due}")),
            Ref::Obl(Some((i, n)), due) => Some(format!("installment {i}/{n} {due}")),
            Ref::Label(l) => Some(l.to_string()),
        }
    }
}

#[derive(Clone, Debug)]
struct Acct {
    /// Shared with every day's `CreditDays`.
    name: Arc<str>,
    /// Shared with the prepared book's accounts.
    policy: Arc<Policy>,
    /// The policy's tolerance and late fee minimum, as amounts of the loop.
    tolerance: Amt,
    late_fee_min: Amt,
    /// Days past due at which an overdue obligation locks the account and
    /// is reported (never before the first overdue day).
    lock_at: i64,
    bureau_at: i64,
    contractual: Amt,
    limit: Amt,
    locked: bool,
    unbilled: Amt,
    today: Amt,
    revolving: Amt,
    interest: Amt,
    tol_rest: Amt,
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
    fn min_for(&self, amount: Amt) -> Amt {
        if self.policy.min_payment_ratio == Decimal::ONE {
            amount
        } else {
            amount.mul_round(self.policy.min_payment_ratio)
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
    amount: Amt,
    kind: FlowKind,
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct PlannedPurchase<'a> {
    /// Day index of the horizon (0 is as_of + 1).
    day: usize,
    acct: usize,
    amount: Amt,
    label: &'a str,
}

#[derive(Clone)]
struct Run<'a> {
    req: &'a Request<'a>,
    prep: &'a Prepared<'a>,
    reserve: Amt,
    accts: Vec<Acct>,
    /// Open obligations (closed ones are dropped at the end of each day).
    obls: Vec<Obl>,
    /// Creation counter: the payment order's last tie-break.
    next_obl: usize,
    /// The payment order of the open obligations (see `sort_order`).
    order: Vec<usize>,
    /// A buffer: sort keys and indexes.
    keys: Vec<(u128, usize)>,
    /// The first day number on which an overdue obligation may lock its
    /// account or be reported (step 0c–0d).
    watch: i64,
    /// The last day number whose penalties are accrued (step 0a).
    accrued: i32,
    /// The quiet obligations' daily penalty, and the first day number on
    /// which one's rate tier ends.
    quiet_sum: Amt,
    wake_at: i64,
    /// How many obligations there were when `order` was sorted, or
    /// `usize::MAX` when it must be sorted again (obligations were dropped).
    sorted: usize,
    /// Keep events (false: only what the summary needs).
    record: bool,
    /// A buffer: which accounts have an overdue obligation.
    overdue_accts: Vec<bool>,
    events: Vec<Event>,
    locks: Vec<LockRef>,
    penalty_total: Amt,
    fee_total: Amt,
    interest_total: Amt,
    overdue_count: u32,
    max_dpd: i64,
    amber: bool,
    red: bool,
    critical: bool,
}

/// What a projection works out from the book alone for one `as_of` and
/// horizon: the cash at `as_of`, the credit accounts and their open bills,
/// the book's dated flows and purchases, the statement days. Worked out
/// once, it is shared by every run that asks the same of the same book (the
/// solvers' bisections, Monte Carlo's paths); `project` makes one per run.
pub struct Prepared<'a> {
    book: &'a Book,
    as_of: NaiveDate,
    horizon: u32,
    start_cash: Money,
    warnings: Vec<String>,
    reserve: Amt,
    accts: Vec<Acct>,
    /// The open bills at `as_of`, before the scenario converts any.
    obls: Vec<Obl>,
    /// The book's recurring and scheduled flows in the horizon, undelayed
    /// and unscaled, or the first error they give. A run reports it where
    /// it meets it, after the scenario's conversions, as one run alone did.
    book_flows: Result<Vec<Flow>, ProjectionError>,
    /// The book's purchases in the horizon, or the first error they give.
    book_purchases: Result<Vec<PlannedPurchase<'a>>, ProjectionError>,
    /// Is day `i` (as_of + 1 + i) a statement day of account `ai`: entry
    /// `i × accounts + ai`.
    statement_days: Vec<bool>,
    /// Is day `i` a statement day of any account?
    any_statement: Vec<bool>,
    /// The baseline daily sales derived from history (RULES.md §6).
    baseline: std::sync::OnceLock<Option<Money>>,
    /// The book's flows per day under the first run's scales and delays
    /// (every Monte Carlo path and bisection step has the same).
    book_days: std::sync::OnceLock<BookDays>,
}

/// The book's flows summed per day under some scales and delays.
struct BookDays {
    scales: Vec<crate::engine::scenario::Scale>,
    delays: Vec<crate::engine::scenario::DelayInflows>,
    days: FlowDays,
}

/// Cash flows summed per day (inflows, outflows) and in all.
#[derive(Clone)]
struct FlowDays {
    days: Vec<(Amt, Amt)>,
    positive: Amt,
    negative: Amt,
}

impl FlowDays {
    /// Adds a flow on day index `day` (one past the horizon is dropped).
    fn add(&mut self, day: usize, amount: Amt) {
        if let Some(slot) = self.days.get_mut(day) {
            if amount.is_positive() {
                slot.0 += amount;
                self.positive += amount;
            } else {
                slot.1 += amount;
                self.negative += amount;
            }
        }
    }
}

/// Runs a projection.
pub fn project(req: &Request<'_>) -> Result<Projection, ProjectionError> {
    Prepared::new(req.book, req.as_of, req.horizon)?.project(req)
}

/// The index of a credit account by name, or the error naming `what`.
fn credit_idx(accts: &[Acct], name: &str, what: &str) -> Result<usize, ProjectionError> {
    accts.iter().position(|a| &*a.name == name).ok_or_else(|| {
        ProjectionError::Account(format!(
            "{what} names \"{name}\", which is not a credit account in the book; \
             add it with kind = \"credit\" or fix the name"
        ))
    })
}

impl<'a> Prepared<'a> {
    /// Works out what every run of `book` at `as_of` over `horizon` days
    /// starts from.
    pub fn new(book: &'a Book, as_of: NaiveDate, horizon: u32) -> Result<Self, ProjectionError> {
        if horizon == 0 || horizon > MAX_HORIZON {
            return Err(ProjectionError::Horizon(horizon));
        }
        let end = as_of + chrono::Days::new(u64::from(horizon));
        let mut warnings = Vec::new();

        // Cash at as_of.
        let mut start_cash = Money::ZERO;
        for a in book.accounts.iter().filter(|a| a.kind.is_cash()) {
            let (bal, warn) = cash_balance(book, &a.name, a.opening_balance, a.opening_date, as_of);
            start_cash += bal;
            warnings.extend(warn);
        }

        // Credit accounts, by name (so an account's index orders as its name).
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
            let limit = Amt::try_from(terms.limit)?;
            let grace1 = i64::from(policy.grace_days) + 1;
            accts.push(Acct {
                lock_at: grace1.max(i64::from(policy.lock_after_days)),
                bureau_at: grace1.max(i64::from(policy.bureau_after_days)),
                name: Arc::from(a.name.as_str()),
                tolerance: Amt::try_from(policy.tolerance)?,
                late_fee_min: Amt::try_from(policy.late_fee_min)?,
                policy: Arc::new(policy),
                contractual: limit,
                limit,
                locked: terms.locked,
                unbilled: Amt::ZERO,
                today: Amt::ZERO,
                revolving: Amt::ZERO,
                interest: Amt::ZERO,
                tol_rest: Amt::ZERO,
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
                .filter(|p| *p.account == *acct.name && p.date >= last && p.date <= as_of)
                .map(|p| p.amount)
                .sum();
            acct.unbilled = Amt::try_from(from_txns + declared)?;
        }
        let reserve = Amt::try_from(book.reserve)?;

        for p in &book.purchases {
            credit_idx(&accts, &p.account, "a [[purchase]]")?;
        }

        // Open bills at as_of.
        let mut obls = Vec::new();
        for b in &book.bills {
            let ai = credit_idx(&accts, &b.account, "a bill")?;
            let amount_due = Amt::try_from(b.amount_due)?;
            let paid = Amt::try_from(b.paid)?;
            let min_due = match b.min_due {
                Some(m) => Amt::try_from(m)?,
                None => accts[ai].min_for(amount_due),
            };
            let mut o = Obl::new(
                obls.len(),
                ai,
                b.installment,
                b.due_date,
                amount_due,
                min_due,
            );
            o.principal_paid = paid;
            o.late_fee = Amt::try_from(b.fees)?;
            o.penalty = Amt::try_from(b.penalty)?;
            if b.installment.is_some() {
                let fee = Amt::try_from(b.fee)?;
                o.fee = fee;
                o.principal = amount_due - fee;
                o.fee_paid = paid.min(fee).clamp_zero();
                o.principal_paid = paid - o.fee_paid;
                o.min_due = amount_due;
            }
            obls.push(o);
        }

        let mut statement_days = Vec::with_capacity(horizon as usize * accts.len());
        let mut d = as_of;
        for _ in 0..horizon {
            d = d.succ_opt().unwrap_or(d);
            statement_days.extend(accts.iter().map(|a| a.is_statement_day(d)));
        }

        let n = accts.len();
        let any_statement = (0..horizon as usize)
            .map(|i| statement_days[i * n..(i + 1) * n].contains(&true))
            .collect();
        Ok(Prepared {
            book,
            as_of,
            horizon,
            start_cash,
            warnings,
            reserve,
            book_flows: book_flows(book, as_of, end),
            book_purchases: book_purchases(book, &accts, as_of, end),
            accts,
            obls,
            any_statement,
            statement_days,
            baseline: std::sync::OnceLock::new(),
            book_days: std::sync::OnceLock::new(),
        })
    }

    /// Is `req` a request of the prepared book, `as_of` and horizon?
    fn fits(&self, req: &Request<'_>) -> bool {
        std::ptr::eq(req.book, self.book) && req.as_of == self.as_of && req.horizon == self.horizon
    }

    /// Runs a projection of the prepared book. A request for another book,
    /// `as_of` or horizon is run from the start, as `project` does.
    pub fn project(&self, req: &Request<'_>) -> Result<Projection, ProjectionError> {
        if !self.fits(req) {
            return project(req);
        }
        let mut pass = self.start(req)?;
        pass.advance(req.horizon as usize)?;
        Ok(pass.finish())
    }

    /// Runs `base` (summary only) and keeps its state every few days, for
    /// `project_from`. A base that fails keeps the states before it failed.
    pub fn checkpoints<'r>(&'r self, base: &'r Request<'r>) -> Checkpoints<'r> {
        let mut snaps = Vec::new();
        let pass = if self.fits(base) && base.summary_only {
            self.start(base).ok()
        } else {
            None
        };
        if let Some(mut pass) = pass {
            loop {
                snaps.push((pass.run.clone(), pass.at));
                let next = pass.at.day + CHECKPOINT_EVERY;
                if next >= pass.flows.len() || pass.advance(next).is_err() {
                    break;
                }
            }
            return Checkpoints {
                flows: pass.flows,
                purchases: pass.purchases,
                snaps,
            };
        }
        Checkpoints {
            flows: Vec::new(),
            purchases: Vec::new(),
            snaps,
        }
    }

    /// Runs a projection of `req`, the same as `project`, from the latest of
    /// the checkpoints before its inputs first differ from the base's (its
    /// flows, purchases, conversions or plans). Monte Carlo paths differ
    /// from their base only from the promotion on.
    pub fn project_from(
        &self,
        cps: &Checkpoints<'_>,
        req: &Request<'_>,
    ) -> Result<Projection, ProjectionError> {
        let base = cps
            .snaps
            .first()
            .map(|(run, _)| run)
            .filter(|run| std::ptr::eq(run.prep, self) && self.fits(req) && req.summary_only);
        let Some(base) = base.map(|run| run.req) else {
            return self.project(req);
        };
        let mut pass = self.start(req)?;
        let same_terms = base.scenario.plans == req.scenario.plans
            && base.scenario.conversions == req.scenario.conversions;
        let flows = pass
            .flows
            .iter()
            .zip(&cps.flows)
            .position(|(a, b)| a != b)
            .unwrap_or(pass.flows.len());
        let purchases = (0..)
            .find_map(|i| match (pass.purchases.get(i), cps.purchases.get(i)) {
                (Some(a), Some(b)) if a == b => None,
                (a, b) => Some(
                    a.map_or(usize::MAX, |p| p.day)
                        .min(b.map_or(usize::MAX, |p| p.day)),
                ),
            })
            .unwrap_or(usize::MAX);
        let same_until = if same_terms { flows.min(purchases) } else { 0 };
        if let Some((run, at)) = cps.snaps.iter().rev().find(|(_, at)| at.day <= same_until) {
            let req = pass.run.req;
            pass.run = run.clone();
            pass.run.req = req;
            pass.at = *at;
        }
        pass.advance(req.horizon as usize)?;
        Ok(pass.finish())
    }

    /// A run of the request at `as_of`, its days not yet begun.
    fn start<'r>(&'r self, req: &'r Request<'r>) -> Result<Pass<'r>, ProjectionError> {
        let as_of = req.as_of;
        let as_of_n = day_n(as_of);
        let end = as_of + chrono::Days::new(u64::from(req.horizon));

        let mut run = Run {
            req,
            prep: self,
            reserve: self.reserve,
            accts: self.accts.clone(),
            obls: self.obls.clone(),
            next_obl: self.obls.len(),
            order: Vec::new(),
            keys: Vec::new(),
            watch: i64::MIN,
            accrued: as_of_n,
            quiet_sum: Amt::ZERO,
            wake_at: i64::MAX,
            sorted: usize::MAX,
            record: !req.summary_only,
            overdue_accts: Vec::new(),
            events: Vec::new(),
            locks: Vec::new(),
            penalty_total: Amt::ZERO,
            fee_total: Amt::ZERO,
            interest_total: Amt::ZERO,
            overdue_count: 0,
            max_dpd: 0,
            amber: false,
            red: false,
            critical: false,
        };

        // Conversions of book bills apply at as_of.
        for c in &req.scenario.conversions {
            let ai = credit_idx(&run.accts, &c.account, "[[convert_to_installments]]")?;
            if let Some(oi) = run
                .obls
                .iter()
                .position(|o| o.acct == ai && o.inst.is_none() && o.due == c.bill_due && !o.closed)
            {
                let k0 = run.obls[oi].k(as_of_n);
                let a = &run.accts[ai];
                let unpaid_min = run.obls[oi].unpaid_min();
                let overdue_at_as_of =
                    k0 > i64::from(a.policy.grace_days) && unpaid_min > a.tolerance;
                let met_and_due = k0 >= 0 && unpaid_min <= a.tolerance;
                if !overdue_at_as_of && !met_and_due {
                    run.convert(oi, c.periods)?;
                }
            }
        }

        // State of obligations already due at as_of.
        for oi in 0..run.obls.len() {
            let o = &run.obls[oi];
            let k0 = o.k(as_of_n);
            if k0 < 0 || o.closed {
                continue;
            }
            let a = &run.accts[o.acct];
            let grace1 = i64::from(a.policy.grace_days) + 1;
            let (bureau_at, lock_at) = (a.bureau_at, a.lock_at);
            if o.unpaid_min() <= a.tolerance {
                run.close_with_rest(oi, true);
            } else {
                run.max_dpd = run.max_dpd.max(k0);
                run.amber = true;
                if k0 >= grace1 {
                    let o = &mut run.obls[oi];
                    o.overdue = true;
                    run.overdue_count += 1;
                    run.red = true;
                    if k0 >= bureau_at {
                        o.reported = true;
                    }
                    if k0 >= lock_at {
                        run.accts[o.acct].locked = true;
                    }
                    run.accts[o.acct].last_overdue_day = Some(as_of);
                }
            }
        }
        for a in &mut run.accts {
            if a.locked {
                run.critical = true;
                a.limit = a.limit.mul_round(Decimal::ONE - a.policy.limit_cut_on_lock);
            }
            if a.revolving.is_positive() {
                run.amber = true;
            }
        }
        let owed_at_as_of: Amt = (0..run.accts.len()).map(|ai| run.owed(ai)).sum();

        // Cash flows of the horizon, summed per day (every flow date is in
        // as_of + 1 ..= end), and the purchases in date order.
        let (flows, purchases) = self.flows(&run.accts, req, end)?;
        let bounds = Bounds {
            positive_flows: flows.positive.into(),
            negative_flows: flows.negative.into(),
            owed_at_as_of: owed_at_as_of.into(),
            credit_purchases: purchases.iter().map(|p| p.amount).sum::<Amt>().into(),
        };

        let cash = Amt::try_from(self.start_cash)?;
        Ok(Pass {
            days: Vec::with_capacity(if run.record { flows.days.len() } else { 0 }),
            run,
            flows: flows.days,
            purchases,
            bounds,
            at: At {
                day: 0,
                date: as_of,
                purchase: 0,
                cash,
                prev_cash: cash,
                low: None,
                first_shortfall: None,
            },
        })
    }

    /// The run's cash flows summed per day (inflows, outflows), their
    /// totals (positive, negative), and its credit purchases in date order
    /// (within a day: the book's, then each promotion's prestock and ads).
    fn flows(
        &self,
        accts: &[Acct],
        req: &Request<'_>,
        end: NaiveDate,
    ) -> Result<(FlowDays, Vec<PlannedPurchase<'a>>), ProjectionError> {
        let book = self.book;
        let as_of = req.as_of;
        let in_horizon = |d: NaiveDate| d > as_of && d <= end;
        let as_of_n = day_n(as_of);
        // Only for days in the horizon, which all have an index.
        let day_of = |d: NaiveDate| day_index(d, as_of_n).unwrap_or_default();
        let book_flows = self.book_flows.as_ref().map_err(Clone::clone)?;
        let sc = req.scenario;
        let mut raw: Vec<Flow> = Vec::new();
        for o in &sc.one_offs {
            cash_account(book, &o.account, || format!("one-off \"{}\"", o.label))?;
            raw.push(Flow {
                date: o.date,
                amount: Amt::try_from(o.amount)?,
                kind: FlowKind::OneOff,
            });
        }
        let mut purchases = self.book_purchases.as_ref().map_err(Clone::clone)?.clone();
        let mut fixed: Vec<Flow> = Vec::new();
        let mut prestock_seen = false;
        for pr in &sc.promotions {
            let baseline = match pr.baseline_daily_sales {
                Some(b) => b,
                None => self
                    .baseline
                    .get_or_init(|| derived_baseline(book, as_of))
                    .ok_or_else(|| {
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
            let daily = Amt::try_from(Money::rounded(baseline * pr.uplift * net))?;
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
            let dip = -Amt::try_from(Money::rounded(baseline * pr.post_promo_dip * net))?;
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
                            amount: -Amt::try_from(amount)?,
                            kind: FlowKind::Fixed,
                        }),
                        Funding::Credit(name) => {
                            let acct = credit_idx(accts, name, FUNDING)?;
                            purchases.push(PlannedPurchase {
                                day: day_of(ps.date),
                                acct,
                                amount: Amt::try_from(amount)?,
                                label: "prestock",
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
                                amount: -Amt::try_from(pr.ad_spend_daily)?,
                                kind: FlowKind::Fixed,
                            }),
                            Funding::Credit(name) => {
                                let acct = credit_idx(accts, name, FUNDING)?;
                                purchases.push(PlannedPurchase {
                                    day: day_of(t),
                                    acct,
                                    amount: Amt::try_from(pr.ad_spend_daily)?,
                                    label: "ad spend",
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
                amount: Amt::try_from(b.amount)?,
                kind: FlowKind::Fixed,
            });
            fixed.push(Flow {
                date: b.repay_date,
                amount: -Amt::try_from(b.amount + b.interest())?,
                kind: FlowKind::Fixed,
            });
        }
        if !req.extra_inflow.is_zero() {
            fixed.push(Flow {
                date: as_of.succ_opt().unwrap_or(as_of),
                amount: Amt::try_from(req.extra_inflow)?,
                kind: FlowKind::Fixed,
            });
        }

        // The book's flows, summed once for the scales and delays every run
        // of a bisection or a Monte Carlo shares; then the run's own.
        let fresh;
        let shared = self
            .book_days
            .get_or_init(|| BookDays::new(book_flows, sc, as_of, end, self.horizon));
        let book_days = if shared.fits(sc) {
            shared
        } else {
            fresh = BookDays::new(book_flows, sc, as_of, end, self.horizon);
            &fresh
        };
        let mut days = book_days.days.clone();
        for f in &raw {
            if let Some((day, amount)) = place(f, sc, (as_of, as_of_n), end) {
                days.add(day, amount);
            }
        }
        for f in fixed {
            if in_horizon(f.date) {
                days.add(day_of(f.date), f.amount);
            }
        }
        // Stable: within a day, purchases keep the order they were added in.
        purchases.sort_by_key(|p| p.day);
        Ok((days, purchases))
    }
}

/// Days between checkpoints.
const CHECKPOINT_EVERY: usize = 4;

/// A base run's state every few days (see `Prepared::checkpoints`).
pub struct Checkpoints<'a> {
    /// The base's inputs: flows per day and purchases.
    flows: Vec<(Amt, Amt)>,
    purchases: Vec<PlannedPurchase<'a>>,
    /// The state after each checkpoint's days, in day order (none when the
    /// base could not start). Each holds the prepared book and the base.
    snaps: Vec<(Run<'a>, At)>,
}

/// A run under way: its state after `at.day` days, and its inputs.
#[derive(Clone)]
struct Pass<'a> {
    run: Run<'a>,
    /// The day series so far (kept only when events are).
    days: Vec<Day>,
    /// Cash flows per day: (inflows, outflows).
    flows: Vec<(Amt, Amt)>,
    /// Credit purchases in date order.
    purchases: Vec<PlannedPurchase<'a>>,
    bounds: Bounds,
    at: At,
}

/// Where a pass is: the days done and what the loop carries between days.
#[derive(Clone, Copy)]
struct At {
    /// Days done (the next day's index).
    day: usize,
    /// The last day done (`as_of` before the first).
    date: NaiveDate,
    /// Purchases done.
    purchase: usize,
    cash: Amt,
    prev_cash: Amt,
    /// The lowest closing cash so far and its day.
    low: Option<(Amt, NaiveDate)>,
    first_shortfall: Option<NaiveDate>,
}

impl At {
    /// Closes day `d` with `cash`: the lowest cash so far, the first
    /// shortfall, and the risk they raise.
    fn close(&mut self, run: &mut Run<'_>, d: NaiveDate, cash: Amt) {
        if cash.is_negative() {
            run.red = true;
            self.first_shortfall.get_or_insert(d);
        }
        if cash < run.reserve {
            run.amber = true;
        }
        if self.low.is_none_or(|(m, _)| cash < m) {
            self.low = Some((cash, d));
        }
        (self.prev_cash, self.cash, self.date) = (cash, cash, d);
        self.day += 1;
    }
}

impl Pass<'_> {
    /// Runs the days up to day index `until` (exclusive; at most the
    /// horizon).
    fn advance(&mut self, until: usize) -> Result<(), ProjectionError> {
        let run = &mut self.run;
        let at = &mut self.at;
        while at.day < until.min(self.flows.len()) {
            let i = at.day;
            let (inflow, neg) = self.flows[i];
            let d = at.date.succ_opt().unwrap_or(at.date);
            let dn = day_n(d);
            let purchase_today = self.purchases.get(at.purchase).is_some_and(|p| p.day == i);
            if !run.record && !purchase_today && run.idle(d, i) {
                // Only cash moves today.
                run.accrued = dn;
                at.close(run, d, at.cash + inflow + neg);
                continue;
            }
            run.negotiated_plans(d);
            run.step0(d, dn);
            let mut outflow = -neg;
            let mut cash = at.cash + inflow + neg;
            while let Some(p) = self.purchases.get(at.purchase).filter(|p| p.day == i) {
                let paid = run.purchase(d, p);
                cash -= paid;
                outflow += paid;
                at.purchase += 1;
            }
            run.statements(d, i)?;
            let paid = run.payments(d, dn, cash);
            cash -= paid;
            outflow += paid;
            run.end_of_day(d, dn, cash, at.prev_cash);
            if run.record {
                self.days.push(run.day(d, cash, inflow, outflow));
            }
            at.close(run, d, cash);
            run.drop_closed();
        }
        Ok(())
    }

    /// The projection of a pass whose days are done.
    fn finish(self) -> Projection {
        let req = self.run.req;
        let prep = self.run.prep;
        let summary = self
            .run
            .summary(self.at.low, self.at.first_shortfall, req.as_of);
        Projection {
            as_of: req.as_of,
            horizon: req.horizon,
            start_cash: prep.start_cash,
            days: self.days,
            events: self.run.events,
            summary,
            warnings: prep.warnings.clone(),
            bounds: self.bounds,
        }
    }
}

/// What a promotion's credit funding is called in an error.
const FUNDING: &str = "a promotion's funding (use \"cash\" to pay from cash)";

impl BookDays {
    fn new(flows: &[Flow], sc: &Scenario, as_of: NaiveDate, end: NaiveDate, horizon: u32) -> Self {
        let mut days = FlowDays {
            days: vec![(Amt::ZERO, Amt::ZERO); horizon as usize],
            positive: Amt::ZERO,
            negative: Amt::ZERO,
        };
        let from = (as_of, day_n(as_of));
        for f in flows {
            if let Some((day, amount)) = place(f, sc, from, end) {
                days.add(day, amount);
            }
        }
        BookDays {
            scales: sc.scales.clone(),
            delays: sc.delays.clone(),
            days,
        }
    }

    /// Were these days summed under the scenario's scales and delays?
    fn fits(&self, sc: &Scenario) -> bool {
        self.scales == sc.scales && self.delays == sc.delays
    }
}

/// Where a flow lands: scaled and delayed by its undelayed date, as a day
/// index of the horizon and an amount; `None` for a flow on or before
/// `as_of` (never moved into the horizon), past the end, or of zero.
fn place(
    f: &Flow,
    sc: &Scenario,
    (as_of, as_of_n): (NaiveDate, i32),
    end: NaiveDate,
) -> Option<(usize, Amt)> {
    if f.date <= as_of {
        return None;
    }
    let mut amount = f.amount;
    let mut date = f.date;
    if !sc.scales.is_empty() {
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
        if scaled {
            amount = f.amount.mul_round(factor);
        }
    }
    if !sc.delays.is_empty() && (f.kind == FlowKind::Promo || f.amount.is_positive()) {
        let shift: u64 = sc
            .delays
            .iter()
            .filter(|dl| f.date >= dl.from && f.date <= dl.to)
            .map(|dl| u64::from(dl.days))
            .sum();
        date = f.date + chrono::Days::new(shift);
    }
    if date > end || amount.is_zero() {
        return None;
    }
    Some((day_index(date, as_of_n)?, amount))
}

/// Checks that a cash flow names a cash account; `what` names the flow.
fn cash_account(
    book: &Book,
    name: &str,
    what: impl FnOnce() -> String,
) -> Result<(), ProjectionError> {
    match book.account(name) {
        Some(a) if a.kind.is_cash() => Ok(()),
        Some(_) => Err(ProjectionError::Account(format!(
            "{} names \"{name}\", a credit account; cash flows must name a bank or wallet account",
            what()
        ))),
        None => Err(ProjectionError::Account(format!(
            "{} names \"{name}\", which is not in the book; add the account or fix the name",
            what()
        ))),
    }
}

/// The book's recurring and scheduled flows in `as_of + 1 ..= end`
/// (scheduled ones before it too: `place` leaves them out).
fn book_flows(book: &Book, as_of: NaiveDate, end: NaiveDate) -> Result<Vec<Flow>, ProjectionError> {
    let mut raw: Vec<Flow> = Vec::new();
    for r in &book.recurring {
        cash_account(book, &r.account, || format!("recurring \"{}\"", r.name))?;
        let amount = Amt::try_from(r.amount)?;
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
                amount,
                kind: FlowKind::Book,
            });
        }
    }
    for s in &book.scheduled {
        cash_account(book, &s.account, || format!("scheduled \"{}\"", s.label))?;
        raw.push(Flow {
            date: s.date,
            amount: Amt::try_from(s.amount)?,
            kind: FlowKind::Book,
        });
    }
    Ok(raw)
}

/// The book's credit purchases in `as_of + 1 ..= end`, in book order.
fn book_purchases<'a>(
    book: &'a Book,
    accts: &[Acct],
    as_of: NaiveDate,
    end: NaiveDate,
) -> Result<Vec<PlannedPurchase<'a>>, ProjectionError> {
    let mut out = Vec::new();
    let as_of_n = day_n(as_of);
    for p in &book.purchases {
        if let Some(day) = day_index(p.date, as_of_n).filter(|_| p.date <= end) {
            out.push(PlannedPurchase {
                day,
                acct: credit_idx(accts, &p.account, "a [[purchase]]")?,
                amount: Amt::try_from(p.amount)?,
                label: if p.label.is_empty() {
                    "purchase"
                } else {
                    &p.label
                },
            });
        }
    }
    Ok(out)
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
            let (mut y, mut m) = (lo.year(), lo.month());
            while (y, m) <= (hi.year(), hi.month()) {
                if let Some(date) = clamped(y, m, dom)
                    && date >= lo
                    && date <= hi
                {
                    out.push(date);
                }
                (y, m) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
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
    /// Records an event. `detail` is given the account's name and the
    /// reference's text, and is called only when events are kept; a lock
    /// is always noted for the summary.
    fn event(
        &mut self,
        date: NaiveDate,
        kind: EventKind,
        account: Option<usize>,
        amount: Amt,
        reference: Ref<'_>,
        detail: impl FnOnce(&str, &str) -> String,
    ) {
        let name = account.map_or("", |a| &*self.accts[a].name);
        if kind == EventKind::Lock {
            self.locks.push(LockRef {
                account: name.to_string(),
                date,
            });
        }
        if !self.record {
            return;
        }
        let reference = reference.text();
        let detail = detail(name, reference.as_deref().unwrap_or_default());
        self.events.push(Event {
            date,
            kind,
            account: account.map(|_| name.to_string()),
            amount: amount.into(),
            reference,
            detail,
        });
    }

    /// The day record of RULES.md §8.
    fn day(&self, date: NaiveDate, cash: Amt, inflow: Amt, outflow: Amt) -> Day {
        let credit = self
            .accts
            .iter()
            .enumerate()
            .map(|(ai, a)| {
                let owed = self.owed(ai);
                let available = if a.locked {
                    Amt::ZERO
                } else {
                    (a.limit - owed).clamp_zero()
                };
                (
                    Arc::clone(&a.name),
                    CreditDay {
                        owed: owed.into(),
                        available: available.into(),
                        locked: a.locked,
                    },
                )
            })
            .collect();
        Day {
            date,
            cash: cash.into(),
            inflow: inflow.into(),
            outflow: outflow.into(),
            credit: CreditDays(credit),
        }
    }

    /// Wakes a quiet obligation: adds the penalty of the days it was quiet
    /// (the same each day) and the days past due they reached, so it is
    /// visited again as any other. An obligation is woken before it is
    /// paid, closed by a plan, or when its rate tier ends.
    fn wake(&mut self, oi: usize) {
        let accrued = self.accrued;
        let o = &mut self.obls[oi];
        if !o.quiet {
            return;
        }
        o.penalty += o.quiet_penalty(accrued);
        o.quiet = false;
        self.quiet_sum -= o.accrual.penalty;
        self.max_dpd = self.max_dpd.max(o.k(accrued));
    }

    /// Can nothing but cash move on day `d` (index `i`), purchases aside?
    /// No obligation is open, no plan starts, and no account accrues
    /// interest, has purchases to move or bill, unlocks, asks to unlock or
    /// has its limit to restore: every step of the day would do nothing.
    fn idle(&self, d: NaiveDate, i: usize) -> bool {
        let n = self.accts.len();
        self.obls.is_empty()
            && self.req.scenario.plans.iter().all(|p| p.date != d)
            && self.accts.iter().enumerate().all(|(ai, a)| {
                !a.revolving.is_positive()
                    && a.today.is_zero()
                    && a.unlock_day != Some(d)
                    && (if a.locked {
                        a.requested
                    } else {
                        a.limit >= a.contractual
                    })
                    && !(self.prep.statement_days[i * n + ai]
                        && (a.unbilled.is_positive()
                            || a.interest.is_positive()
                            || a.tol_rest.is_positive()))
            })
    }

    fn new_obl(&mut self) -> usize {
        self.next_obl += 1;
        self.next_obl - 1
    }

    /// Owed on an account (RULES.md §3).
    fn owed(&self, ai: usize) -> Amt {
        let a = &self.accts[ai];
        let obl: Amt = self
            .obls
            .iter()
            .filter(|o| o.acct == ai && !o.closed)
            .map(|o| o.owed(self.accrued))
            .sum();
        a.unbilled + a.today + a.revolving + a.interest + a.tol_rest + obl
    }

    /// Puts the open obligations in payment order into `self.order`:
    /// overdue first, then by due date, account name (an account's index
    /// orders as its name), installment before bill, creation order.
    fn sort_order(&mut self) {
        let obls = &self.obls;
        self.sorted = obls.len();
        self.keys.clear();
        self.keys.extend(
            obls.iter()
                .enumerate()
                .filter(|(_, o)| !o.closed)
                .map(|(i, o)| (o.key(), i)),
        );
        // Keys are unique (the creation order breaks every tie).
        self.keys.sort_unstable();
        self.order.clear();
        self.order.extend(self.keys.iter().map(|&(_, i)| i));
    }

    /// Puts the obligations that turned overdue today where the payment
    /// order now has them. Only their keys changed, all alike, so they are
    /// still in order among themselves, as the rest are: a merge of the two.
    fn merge_turned(&mut self) {
        let obls = &self.obls;
        self.keys.clear();
        self.keys.extend(
            self.order
                .iter()
                .filter(|&&i| obls[i].turned)
                .map(|&i| (obls[i].key(), i)),
        );
        self.order.retain(|&i| !obls[i].turned);
        let rest = std::mem::take(&mut self.order);
        let mut merged = Vec::with_capacity(rest.len() + self.keys.len());
        let mut turned = self.keys.iter().peekable();
        for i in rest {
            let key = obls[i].key();
            while let Some(&&(k, t)) = turned.peek() {
                if k >= key {
                    break;
                }
                merged.push(t);
                turned.next();
            }
            merged.push(i);
        }
        merged.extend(turned.map(|&(_, t)| t));
        self.order = merged;
    }

    /// Drops the closed obligations (they have said all they will, and a
    /// long horizon must not rescan its whole past every day), keeping the
    /// payment order of the rest.
    fn drop_closed(&mut self) {
        if self.obls.iter().all(|o| !o.closed) {
            return;
        }
        let in_order = self.sorted == self.obls.len();
        self.keys.clear();
        let mut kept = 0;
        // Old index to new, `usize::MAX` for a dropped one.
        let moved: Vec<usize> = self
            .obls
            .iter()
            .map(|o| {
                if o.closed {
                    usize::MAX
                } else {
                    kept += 1;
                    kept - 1
                }
            })
            .collect();
        self.obls.retain(|o| !o.closed);
        if in_order {
            self.order.retain_mut(|i| {
                *i = moved[*i];
                *i != usize::MAX
            });
            self.sorted = self.obls.len();
        } else {
            self.sorted = usize::MAX;
        }
    }

    /// Closes an obligation whose minimum is met: waive pending penalty,
    /// move what is still owed to revolving (or a tolerance rest).
    fn close_with_rest(&mut self, oi: usize, at_as_of: bool) {
        let o = &mut self.obls[oi];
        o.pending = Amt::ZERO;
        o.closed = true;
        let rest = o.owed(self.accrued);
        let small = o.unpaid_principal() <= self.accts[o.acct].tolerance;
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
        let fee = p.mul_round(rate);
        let part = p.div_round(periods);
        let last = p - part.times(periods.saturating_sub(1));
        if last.is_negative() {
            return Err(ProjectionError::Scenario(format!(
                "converting the {} bill of \"{}\" into {periods} installments leaves a negative last part",
                o.due, acct.name
            )));
        }
        self.fee_total -= o.service_fee;
        self.obls[oi].closed = true;
        self.obls[oi].pending = Amt::ZERO;
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
        principal: Amt,
        fee: Amt,
        inst: (u32, u32),
    ) {
        let id = self.new_obl();
        let mut o = Obl::new(id, acct, Some(inst), due, principal, principal + fee);
        o.fee = fee;
        self.obls.push(o);
    }

    fn negotiated_plans(&mut self, d: NaiveDate) {
        if self.req.scenario.plans.is_empty() {
            return;
        }
        let plans: Vec<_> = self
            .req
            .scenario
            .plans
            .iter()
            .filter(|p| p.date == d)
            .cloned()
            .collect();
        for plan in plans {
            let Some(ai) = self.accts.iter().position(|a| *a.name == *plan.account) else {
                continue;
            };
            let mut total = Amt::ZERO;
            for oi in 0..self.obls.len() {
                let o = &self.obls[oi];
                if o.acct == ai && o.overdue && !o.closed {
                    self.wake(oi);
                    let o = &mut self.obls[oi];
                    total += o.owed(self.accrued);
                    o.closed = true;
                }
            }
            if total.is_zero() {
                continue;
            }
            let part = total.div_round(plan.periods);
            for i in 1..=plan.periods {
                let principal = if i == plan.periods {
                    total - part.times(plan.periods - 1)
                } else {
                    part
                };
                self.push_installment(
                    ai,
                    add_months(d, i),
                    principal,
                    Amt::ZERO,
                    (i, plan.periods),
                );
            }
        }
    }

    fn step0(&mut self, d: NaiveDate, dn: i32) {
        // 0a. Accruals.
        for a in &mut self.accts {
            if a.revolving.is_positive() {
                let i = a.revolving.mul_round(a.policy.revolving_daily_rate);
                a.interest += i;
                self.interest_total += i;
            }
            a.unbilled += a.today;
            a.today = Amt::ZERO;
        }
        // One pass over the obligations: the accrual (0a), which turn
        // overdue today (0b, acted on below in payment order), and, as
        // they stand after step 0 (nothing between here and its end changes
        // what they depend on), the days past due and which accounts have
        // an overdue obligation (for 0e).
        // A quiet obligation accrues the same penalty as yesterday unless its
        // rate tier ends (it is woken to work out the next).
        if i64::from(dn) >= self.wake_at {
            self.wake_at = i64::MAX;
            for oi in 0..self.obls.len() {
                let o = &self.obls[oi];
                if o.quiet {
                    let wake_at = o.tier_ends();
                    if wake_at <= i64::from(dn) {
                        self.wake(oi);
                    } else {
                        self.wake_at = self.wake_at.min(wake_at);
                    }
                }
            }
        }
        self.penalty_total += self.quiet_sum;
        let record = self.record;
        let mut turned = false;
        let mut overdue = std::mem::take(&mut self.overdue_accts);
        overdue.clear();
        overdue.resize(self.accts.len(), false);
        for o in self.obls.iter_mut().filter(|o| !o.closed) {
            if o.quiet {
                overdue[o.acct] = true;
                continue;
            }
            let a = &self.accts[o.acct];
            let k = o.k(dn);
            if o.overdue {
                let p = o.penalty_for(&a.policy.overdue_rates, k);
                o.penalty += p;
                self.penalty_total += p;
                // Quiet from tomorrow while nothing is paid, as long as the
                // penalty cannot bring what is owed to nothing. (A run that
                // keeps its days reads every obligation every day anyway.)
                if !record && !p.is_negative() && o.owed(dn).is_positive() {
                    o.quiet = true;
                    o.quiet_from = dn + 1;
                    self.quiet_sum += p;
                    self.wake_at = self.wake_at.min(o.tier_ends());
                }
            } else if k >= 1 && o.unpaid_min() > a.tolerance {
                let p = o.penalty_for(&a.policy.overdue_rates, k);
                o.pending += p;
                if k > i64::from(a.policy.grace_days) {
                    o.turned = true;
                    o.overdue = true;
                    turned = true;
                }
            }
            if k >= 0 && (o.overdue || o.unpaid_min() > a.tolerance) {
                self.max_dpd = self.max_dpd.max(k);
            }
            overdue[o.acct] |= o.overdue;
        }
        self.accrued = dn;
        // The order changes only when an obligation turns overdue, is added
        // or is dropped; one closed since is skipped where the order is used.
        if self.sorted != self.obls.len() {
            self.sort_order();
        } else if turned {
            self.merge_turned();
        }
        // Only an overdue obligation has anything to do here, and the
        // overdue come first in the order. On a day before `watch` with
        // none turned, none has.
        let watch_from = if turned || i64::from(dn) >= self.watch {
            0
        } else {
            self.order.len()
        };
        let mut watch = i64::MAX;
        for j in watch_from..self.order.len() {
            let oi = self.order[j];
            if !self.obls[oi].overdue {
                break;
            }
            let ai = self.obls[oi].acct;
            let k = self.obls[oi].k(dn);
            let (lock_at, bureau_at) = (self.accts[ai].lock_at, self.accts[ai].bureau_at);
            if self.obls[oi].turned {
                let late_fee_rate = self.accts[ai].policy.late_fee_rate;
                let late_fee_min = self.accts[ai].late_fee_min;
                self.overdue_count += 1;
                self.red = true;
                let o = &mut self.obls[oi];
                o.turned = false;
                let unpaid = o.unpaid_principal();
                let unpaid_min = o.unpaid_min();
                let pending = o.pending;
                o.penalty += pending;
                o.pending = Amt::ZERO;
                let r = o.reference();
                self.penalty_total += pending;
                self.event(d, EventKind::Overdue, Some(ai), unpaid, r, |name, r| {
                    format!("{name} {r} is overdue: {} unpaid", unpaid.grouped())
                });
                if !late_fee_rate.is_zero() {
                    let fee = unpaid_min.mul_round(late_fee_rate).max(late_fee_min);
                    if !fee.is_zero() {
                        self.obls[oi].late_fee += fee;
                        self.fee_total += fee;
                        self.event(d, EventKind::LateFee, Some(ai), fee, r, |name, r| {
                            format!("late fee {} on {name} {r}", fee.grouped())
                        });
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
            if o.overdue && !o.closed && k >= lock_at && !self.accts[ai].locked {
                let unpaid = o.unpaid_principal();
                let r = o.reference();
                let a = &mut self.accts[ai];
                a.locked = true;
                a.requested = false;
                a.unlock_day = None;
                let old = a.limit;
                a.limit = old.mul_round(Decimal::ONE - a.policy.limit_cut_on_lock);
                let (cut, limit) = (old - a.limit, a.limit);
                self.critical = true;
                self.event(d, EventKind::Lock, Some(ai), unpaid, r, |name, r| {
                    format!(
                        "{name} is locked: {r} is {k} day{} overdue",
                        if k == 1 { "" } else { "s" }
                    )
                });
                if !cut.is_zero() {
                    self.event(d, EventKind::LimitCut, Some(ai), cut, r, |name, _| {
                        format!(
                            "{name} limit cut by {} to {}",
                            cut.grouped(),
                            limit.grouped()
                        )
                    });
                }
            }
            let o = &self.obls[oi];
            if o.overdue && !o.closed && !o.reported && k >= bureau_at {
                let unpaid = o.unpaid_principal();
                let r = o.reference();
                self.obls[oi].reported = true;
                self.event(
                    d,
                    EventKind::BureauReport,
                    Some(ai),
                    unpaid,
                    r,
                    |name, r| format!("{name} {r} reported to the credit bureau"),
                );
            }
            // When this one may next lock its account or be reported. (An
            // account unlocks only with no overdue obligation left, and a
            // new one turns overdue first.)
            let o = &self.obls[oi];
            if !o.closed {
                let due = i64::from(o.due_n);
                if !self.accts[ai].locked {
                    watch = watch.min(due + lock_at);
                }
                if !o.reported {
                    watch = watch.min(due + bureau_at);
                }
            }
        }
        if watch_from == 0 {
            self.watch = watch;
        }
        // 0e. Unlock and limit, per account by name.
        for (ai, &has_overdue) in overdue.iter().enumerate() {
            if self.accts[ai].unlock_day == Some(d) {
                self.accts[ai].unlock_day = None;
                if has_overdue {
                    self.accts[ai].requested = false;
                } else {
                    self.accts[ai].locked = false;
                    self.accts[ai].last_unlock = Some(d);
                    self.event(
                        d,
                        EventKind::Unlock,
                        Some(ai),
                        Amt::ZERO,
                        Ref::None,
                        |name, _| format!("{name} is unlocked"),
                    );
                }
            }
            let a = &self.accts[ai];
            if !a.locked && a.limit < a.contractual && !has_overdue {
                let after_overdue = a.last_overdue_day.and_then(|x| x.succ_opt());
                let c = match (a.last_unlock, after_overdue) {
                    (Some(u), Some(o)) => Some(u.max(o)),
                    (Some(u), None) => Some(u),
                    (None, o) => o,
                };
                if let Some(c) = c
                    && (d - c).num_days() >= i64::from(a.policy.limit_recovery_days)
                {
                    let (restored, contractual) = (a.contractual - a.limit, a.contractual);
                    self.accts[ai].limit = contractual;
                    self.event(
                        d,
                        EventKind::LimitRestored,
                        Some(ai),
                        restored,
                        Ref::None,
                        |name, _| format!("{name} limit restored to {}", contractual.grouped()),
                    );
                }
            }
        }
        self.overdue_accts = overdue;
    }

    /// A credit purchase; returns the cash it took.
    fn purchase(&mut self, d: NaiveDate, p: &PlannedPurchase<'_>) -> Amt {
        let ai = p.acct;
        let amount = p.amount;
        if !amount.is_positive() {
            self.accts[ai].today += amount;
            return Amt::ZERO;
        }
        let label = Ref::Label(p.label);
        if self.accts[ai].locked {
            self.event(
                d,
                EventKind::PurchaseBlocked,
                Some(ai),
                amount,
                label,
                |name, label| {
                    format!(
                        "{label} of {} blocked: {name} is locked; paid from cash",
                        amount.grouped()
                    )
                },
            );
            return amount;
        }
        let available = (self.accts[ai].limit - self.owed(ai)).clamp_zero();
        if amount > available {
            let excess = amount - available;
            self.accts[ai].today += available;
            self.event(
                d,
                EventKind::LimitExceeded,
                Some(ai),
                excess,
                label,
                |name, label| {
                    format!(
                        "{label} exceeds {name}'s available credit by {}; paid from cash",
                        excess.grouped()
                    )
                },
            );
            excess
        } else {
            self.accts[ai].today += amount;
            Amt::ZERO
        }
    }

    /// Step 3 on day `d`, day index `i` of the horizon.
    fn statements(&mut self, d: NaiveDate, i: usize) -> Result<(), ProjectionError> {
        if !self.prep.any_statement[i] {
            return Ok(());
        }
        let n = self.accts.len();
        for ai in 0..n {
            if !self.prep.statement_days[i * n + ai] {
                continue;
            }
            let a = &self.accts[ai];
            let purchases = a.unbilled.clamp_zero();
            if !(purchases.is_positive()
                || a.revolving.is_positive()
                || a.interest.is_positive()
                || a.tol_rest.is_positive())
            {
                continue;
            }
            let service = purchases.mul_round(a.policy.service_fee_rate);
            let amount = purchases + a.revolving + a.tol_rest + a.interest + service;
            let min_due = a.min_for(amount);
            let due = a.due_date(d);
            let a = &mut self.accts[ai];
            a.unbilled -= purchases;
            a.revolving = Amt::ZERO;
            a.interest = Amt::ZERO;
            a.tol_rest = Amt::ZERO;
            self.fee_total += service;
            let oi = self.obls.len();
            let id = self.new_obl();
            let mut o = Obl::new(id, ai, None, due, amount, min_due);
            o.service_fee = service;
            let r = o.reference();
            self.obls.push(o);
            self.event(d, EventKind::Statement, Some(ai), amount, r, |name, _| {
                format!(
                    "{name} statement: {} due {due}, minimum {}",
                    amount.grouped(),
                    min_due.grouped()
                )
            });
            let name = &self.accts[ai].name;
            let conv = self
                .req
                .scenario
                .conversions
                .iter()
                .find(|c| *c.account == **name && c.bill_due == due)
                .map(|c| c.periods);
            if let Some(periods) = conv {
                self.convert(oi, periods)?;
            }
        }
        Ok(())
    }

    /// Step 4; returns the cash paid.
    fn payments(&mut self, d: NaiveDate, dn: i32, cash: Amt) -> Amt {
        // Step 0 sorted the obligations, and only a statement since then
        // adds one (and a conversion closes one as it adds others); nothing
        // changes a due date or the overdue flag before step 4.
        if self.sorted != self.obls.len() {
            self.sort_order();
        }
        // Due-today events have no other effect.
        for j in 0..if self.record { self.order.len() } else { 0 } {
            let o = &self.obls[self.order[j]];
            if o.due_n == dn && !o.closed && o.owed(self.accrued).is_positive() {
                let (kind, what) = if o.inst.is_some() {
                    (EventKind::InstallmentDue, "installment")
                } else {
                    (EventKind::BillDue, "bill")
                };
                let owed = o.owed(self.accrued);
                let (ai, r) = (o.acct, o.reference());
                self.event(d, kind, Some(ai), owed, r, |name, _| {
                    format!("{name} {what} of {} due today", owed.grouped())
                });
            }
        }
        let mut c = cash.clamp_zero();
        let start = c;
        for j in 0..self.order.len() {
            if c.is_zero() {
                // Every later ask is cut to nothing.
                break;
            }
            let oi = self.order[j];
            let o = &self.obls[oi];
            let owed = o.owed(self.accrued);
            if o.due_n > dn || o.closed || !owed.is_positive() {
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
                self.wake(oi);
                self.obls[oi].pay(pay);
                c -= pay;
                let r = self.obls[oi].reference();
                self.event(d, EventKind::Payment, Some(ai), pay, r, |name, r| {
                    format!("paid {} on {name} {r}", pay.grouped())
                });
            }
        }
        start - c
    }

    fn end_of_day(&mut self, d: NaiveDate, dn: i32, cash: Amt, prev_cash: Amt) {
        // Which accounts still have an overdue obligation, as the pass
        // closes what is settled.
        let mut overdue = std::mem::take(&mut self.overdue_accts);
        overdue.clear();
        overdue.resize(self.accts.len(), false);
        for oi in 0..self.obls.len() {
            let o = &self.obls[oi];
            if o.closed {
                continue;
            }
            if o.quiet {
                // Its owed only grows until it is paid, and paying wakes it.
                overdue[o.acct] = true;
            } else if o.overdue {
                if o.owed(self.accrued).is_positive() {
                    overdue[o.acct] = true;
                } else {
                    self.obls[oi].closed = true;
                }
            } else if o.due_n <= dn {
                if o.unpaid_min() <= self.accts[o.acct].tolerance {
                    self.close_with_rest(oi, false);
                } else if o.due_n == dn {
                    self.amber = true;
                }
            }
        }
        for (ai, &has_overdue) in overdue.iter().enumerate() {
            if has_overdue {
                self.accts[ai].last_overdue_day = Some(d);
            } else if self.accts[ai].locked && !self.accts[ai].requested {
                let n = self.accts[ai].policy.unlock_review_business_days;
                let day = self.prep.book.calendar.nth_business_day_after(d, n);
                let a = &mut self.accts[ai];
                a.requested = true;
                a.unlock_day = Some(day);
                self.event(
                    d,
                    EventKind::UnlockRequested,
                    Some(ai),
                    Amt::ZERO,
                    Ref::None,
                    |name, _| format!("{name}: overdue cleared, unlock review until {day}"),
                );
            }
        }
        self.overdue_accts = overdue;
        if cash.is_negative() && !prev_cash.is_negative() {
            self.event(d, EventKind::Shortfall, None, cash, Ref::None, |_, _| {
                format!("cash falls below zero: {}", cash.grouped())
            });
        }
        let reserve = self.reserve;
        if cash < reserve && prev_cash >= reserve {
            self.event(d, EventKind::BelowReserve, None, cash, Ref::None, |_, _| {
                format!(
                    "cash {} falls below the reserve {}",
                    cash.grouped(),
                    reserve.grouped()
                )
            });
        }
    }

    /// The summary of RULES.md §8, from the lowest closing cash and the
    /// first shortfall the loop saw.
    fn summary(
        &self,
        low: Option<(Amt, NaiveDate)>,
        first_shortfall_date: Option<NaiveDate>,
        as_of: NaiveDate,
    ) -> Summary {
        let (min_cash, min_cash_date) = low.map_or((Money::ZERO, as_of), |(m, d)| (m.into(), d));
        let risk = if self.critical || !self.locks.is_empty() {
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
            // Quiet obligations reached theirs on the last day.
            max_days_past_due: self
                .obls
                .iter()
                .filter(|o| o.quiet)
                .map(|o| o.k(self.accrued))
                .fold(self.max_dpd, i64::max),
            locks: self.locks.clone(),
            penalty_total: self.penalty_total.into(),
            fee_total: self.fee_total.into(),
            interest_total: Money::from(self.interest_total)
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
                    .map(Bridge::interest)
                    .sum::<Money>(),
        }
    }
}
