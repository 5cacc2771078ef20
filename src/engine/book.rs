//! The book: everything ebb knows about a business at a point in time.
//!
//! Owns: accounts (bank, wallet, credit), transactions, open bills,
//! declared purchases, recurring and scheduled items, reserve and calendar.
//! These are plain values; the store fills them and the projection reads
//! them. Must not: touch files or the database.

use std::fmt;
use std::str::FromStr;

use chrono::{NaiveDate, Weekday};
use serde::Serialize;

use crate::engine::calendar::Calendar;
use crate::engine::credit::{PolicyOverrides, Preset};
use crate::engine::money::Money;

/// What an account is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AccountKind {
    /// A bank account: cash.
    Bank,
    /// A payment wallet (Alipay, WeChat Pay, JD wallet): cash.
    Wallet,
    /// A credit line: platform credit or a credit card.
    Credit,
}

impl AccountKind {
    /// The name used in files and the database.
    pub fn name(self) -> &'static str {
        match self {
            AccountKind::Bank => "bank",
            AccountKind::Wallet => "wallet",
            AccountKind::Credit => "credit",
        }
    }

    /// Does this account hold cash?
    pub fn is_cash(self) -> bool {
        !matches!(self, AccountKind::Credit)
    }
}

impl fmt::Display for AccountKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for AccountKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "bank" => Ok(Self::Bank),
            "wallet" => Ok(Self::Wallet),
            "credit" => Ok(Self::Credit),
            _ => Err(format!(
                "unknown account kind \"{s}\"; use bank, wallet or credit"
            )),
        }
    }
}

/// The credit terms of a credit account.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CreditTerms {
    /// The preset its policy starts from.
    pub preset: Preset,
    /// Values set on top of the preset.
    pub overrides: PolicyOverrides,
    /// The contractual limit.
    pub limit: Money,
    /// Locked at `as_of`.
    pub locked: bool,
}

/// An account.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Account {
    /// Unique name, e.g. `icbc-1234` or `baitiao`.
    pub name: String,
    /// Bank, wallet or credit.
    pub kind: AccountKind,
    /// Balance at the end of `opening_date` (cash accounts).
    pub opening_balance: Option<Money>,
    /// The date of the opening balance.
    pub opening_date: Option<NaiveDate>,
    /// Present exactly for credit accounts.
    pub credit: Option<CreditTerms>,
}

/// One statement row, normalised: signed from the account holder's side
/// (money out negative; on a credit account a purchase is negative).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Transaction {
    /// The account it belongs to.
    pub account: String,
    /// Booking date.
    pub date: NaiveDate,
    /// Signed amount.
    pub amount: Money,
    /// Running balance reported by the statement, when it has one.
    pub balance: Option<Money>,
    /// Description as given.
    pub description: String,
    /// Counterparty, when known.
    pub counterparty: String,
    /// Category (`sales`, `transfer`, `rent`, …), may be empty.
    pub category: String,
}

/// An open bill or installment of a credit account (RULES.md §2).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Bill {
    /// Credit account.
    pub account: String,
    /// Statement date.
    pub statement_date: NaiveDate,
    /// Due date.
    pub due_date: NaiveDate,
    /// Amount due (for an installment: principal + fee).
    pub amount_due: Money,
    /// Minimum due; computed from the policy when absent.
    pub min_due: Option<Money>,
    /// Already paid (authoritative).
    pub paid: Money,
    /// Penalty already accrued and owed.
    pub penalty: Money,
    /// Late fees already charged and owed.
    pub fees: Money,
    /// `Some((no, total))` for an installment row.
    pub installment: Option<(u32, u32)>,
    /// Installment fee (installment rows).
    pub fee: Money,
    /// Free text.
    pub note: String,
}

/// A declared credit purchase: unbilled when dated up to `as_of`, planned
/// when later.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Purchase {
    /// Credit account.
    pub account: String,
    /// Date.
    pub date: NaiveDate,
    /// Amount (positive: a purchase; negative: a refund).
    pub amount: Money,
    /// Label.
    pub label: String,
}

/// How often a recurring item repeats.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Every {
    /// Monthly on a day (clamped); `None` means the day of `start`.
    Month(Option<u32>),
    /// Weekly on a weekday.
    Week(Weekday),
    /// Every `n` days from `start`.
    Days(u32),
}

/// A recurring cash flow.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Recurring {
    /// Unique name.
    pub name: String,
    /// Cash account.
    pub account: String,
    /// Signed amount per occurrence.
    pub amount: Money,
    /// Interval.
    pub every: Every,
    /// First possible date (inclusive).
    pub start: Option<NaiveDate>,
    /// Last possible date (inclusive).
    pub end: Option<NaiveDate>,
    /// Category.
    pub category: String,
}

/// A one-off scheduled cash flow.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Scheduled {
    /// Date.
    pub date: NaiveDate,
    /// Cash account.
    pub account: String,
    /// Signed amount.
    pub amount: Money,
    /// Label.
    pub label: String,
}

/// Everything the engine needs.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Book {
    /// ISO currency code.
    pub currency: String,
    /// Cash the business wants to keep.
    pub reserve: Money,
    /// Business-day calendar.
    pub calendar: Calendar,
    /// Accounts.
    pub accounts: Vec<Account>,
    /// Transactions, per account in (date, position in file) order.
    pub transactions: Vec<Transaction>,
    /// Open bills and installments, in file order.
    pub bills: Vec<Bill>,
    /// Declared purchases, in file order.
    pub purchases: Vec<Purchase>,
    /// Recurring items.
    pub recurring: Vec<Recurring>,
    /// Scheduled one-off items.
    pub scheduled: Vec<Scheduled>,
}

impl Book {
    /// The account called `name`.
    pub fn account(&self, name: &str) -> Option<&Account> {
        self.accounts.iter().find(|a| a.name == name)
    }
}

/// Parses a weekday written `mon`…`sun`.
pub fn parse_weekday(s: &str) -> Result<Weekday, String> {
    match s.to_ascii_lowercase().as_str() {
        "mon" => Ok(Weekday::Mon),
        "tue" => Ok(Weekday::Tue),
        "wed" => Ok(Weekday::Wed),
        "thu" => Ok(Weekday::Thu),
        "fri" => Ok(Weekday::Fri),
        "sat" => Ok(Weekday::Sat),
        "sun" => Ok(Weekday::Sun),
        _ => Err(format!(
            "\"{s}\" is not a weekday; use mon, tue, wed, thu, fri, sat or sun"
        )),
    }
}
