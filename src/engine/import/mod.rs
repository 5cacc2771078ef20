//! Statement import: bytes in, typed rows out (SPEC.md "Importing real
//! exports").
//!
//! Stages (parse, don't validate): decode the bytes (`decode`), find the
//! header and pick a profile (`profile`), read raw rows with their position,
//! clean cells and parse them (`cells`) into `NewTransaction`s or bills.
//! Owns: `ParsedFile`, `RowError` with file, line and column. Must not: touch
//! the store or the file system — readers take bytes.

pub mod cells;
pub mod decode;
pub mod generic;
pub mod profile;

use std::fmt;

use chrono::NaiveDate;

use crate::engine::book::{AccountKind, Bill};
use crate::engine::money::Money;

/// The account a row goes to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccountHint {
    /// Account name, e.g. `alipay` or `icbc-1234`.
    pub name: String,
    /// Its kind, used when the account is created on first import.
    pub kind: AccountKind,
}

/// A transaction ready for the store.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewTransaction {
    /// Where it goes when not the file's account (a wallet row paid with
    /// Huabei goes to `huabei`).
    pub account: Option<AccountHint>,
    /// Booking date.
    pub date: NaiveDate,
    /// Signed from the holder's side.
    pub amount: Money,
    /// Reported running balance.
    pub balance: Option<Money>,
    /// Description.
    pub description: String,
    /// Counterparty.
    pub counterparty: String,
    /// Category.
    pub category: String,
    /// The source's own transaction id, when it has one.
    pub source_id: Option<String>,
    /// Line in the file (1-based), for messages.
    pub line: u64,
}

/// What a file holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Content {
    /// Transactions of one account (some may go elsewhere).
    Transactions(Vec<NewTransaction>),
    /// Open bills (ebb's credit statement CSV), each naming its account.
    Bills(Vec<(u64, Bill)>),
}

impl Content {
    /// Number of rows.
    pub fn len(&self) -> usize {
        match self {
            Content::Transactions(t) => t.len(),
            Content::Bills(b) => b.len(),
        }
    }

    /// No rows?
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// A bad row: where, what, why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RowError {
    /// File name as given.
    pub file: String,
    /// Line (1-based).
    pub line: u64,
    /// Column (1-based) and its header name, when one cell is to blame.
    pub column: Option<(usize, String)>,
    /// The bad value.
    pub value: String,
    /// What is wrong and what to do.
    pub reason: String,
}

impl fmt::Display for RowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.file, self.line)?;
        if let Some((c, name)) = &self.column {
            write!(f, ":{c} (column \"{name}\")")?;
        }
        write!(f, ": {}", self.reason)?;
        if !self.value.is_empty() {
            let shown: String = self.value.chars().take(60).collect();
            let more = if self.value.chars().count() > 60 {
                "…"
            } else {
                ""
            };
            write!(f, " — value \"{shown}{more}\"")?;
        }
        Ok(())
    }
}

/// A whole-file problem.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ImportError {
    /// No profile matches the file's header.
    #[error(
        "{file}: no known statement layout found. ebb looks for a header row such as \
         \"date,description,amount,balance\" or a known bank/wallet export header. Use \
         --profile NAME (see `ebb profiles`) or write a profile for this bank"
    )]
    UnknownLayout {
        /// File name.
        file: String,
    },
    /// The file is empty or has a header only.
    #[error("{file}: {what}; nothing to import")]
    Empty {
        /// File name.
        file: String,
        /// What was found.
        what: String,
    },
    /// The bytes are not text.
    #[error("{file}: {reason}")]
    NotText {
        /// File name.
        file: String,
        /// Why.
        reason: String,
    },
    /// A named profile does not exist or is broken.
    #[error("{0}")]
    Profile(String),
}

/// A parsed file: rows plus the rows that could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParsedFile {
    /// Profile name.
    pub profile: String,
    /// The file's own account, when the file names one.
    pub account: Option<AccountHint>,
    /// The rows.
    pub content: Content,
    /// Bad rows.
    pub errors: Vec<RowError>,
    /// Rows dropped on purpose (closed trades, footers), for the report.
    pub skipped: usize,
}

/// Options from the command line.
#[derive(Clone, Debug, Default)]
pub struct ParseOptions {
    /// Force a profile by name.
    pub profile: Option<String>,
    /// Kind of the target account when `--account` names an existing one.
    pub target_kind: Option<AccountKind>,
    /// User profiles, already loaded.
    pub user_profiles: Vec<profile::Profile>,
}

/// Parses a statement file.
pub fn parse(file: &str, bytes: &[u8], opts: &ParseOptions) -> Result<ParsedFile, ImportError> {
    let text = decode::decode(bytes).map_err(|reason| ImportError::NotText {
        file: file.to_string(),
        reason,
    })?;
    let lines = cells::split_records(&text);
    if lines
        .iter()
        .all(|(_, l)| l.iter().all(|c| cells::clean(c).is_empty()))
    {
        return Err(ImportError::Empty {
            file: file.to_string(),
            what: "the file is empty".into(),
        });
    }
    if let Some(name) = &opts.profile {
        if let Some(g) = generic::by_name(name) {
            return generic::parse(g, file, &lines, opts);
        }
        let p = profile::find(name, &opts.user_profiles).ok_or_else(|| {
            ImportError::Profile(format!(
                "unknown profile \"{name}\"; `ebb profiles` lists them"
            ))
        })?;
        return p.parse(file, &lines);
    }
    if let Some(g) = generic::detect(&lines) {
        return generic::parse(g, file, &lines, opts);
    }
    for p in opts.user_profiles.iter().chain(profile::builtin().iter()) {
        if p.header_line(&lines).is_some() {
            return p.parse(file, &lines);
        }
    }
    Err(ImportError::UnknownLayout {
        file: file.to_string(),
    })
}
