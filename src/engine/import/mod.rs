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
pub mod sheet;

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::io::Read;

use chrono::NaiveDate;
use sha2::Digest;

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

/// A wallet row paid by a bank card: it does not move the wallet, and the
/// card's statement has the same payment. It is kept to be matched with
/// that statement row (`engine::matching`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CardRow {
    /// The row, its amount as the card was charged (signed from the card
    /// holder's side; refunds positive).
    pub tx: NewTransaction,
    /// The payment-method cell, e.g. `中国银行信用卡(1875)`.
    pub method: String,
    /// Words the wallet's payments carry in a bank statement.
    pub keywords: Vec<String>,
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
    /// The sheet, for a spreadsheet; `line` is then its row number.
    pub sheet: Option<Box<str>>,
    /// Line (1-based).
    pub line: u64,
    /// Column (1-based) and its header name, when one cell is to blame.
    pub column: Option<(u32, Box<str>)>,
    /// The bad value.
    pub value: String,
    /// What is wrong and what to do.
    pub reason: String,
}

impl RowError {
    /// The `column` of a cell at 0-based index `c` under header `name`.
    pub fn at(c: usize, name: Option<&String>) -> (u32, Box<str>) {
        (
            u32::try_from(c + 1).unwrap_or(u32::MAX),
            name.map_or_else(Box::default, |n| n.as_str().into()),
        )
    }
}

impl fmt::Display for RowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.sheet, &self.column) {
            (None, _) => {
                write!(f, "{}:{}", self.file, self.line)?;
                if let Some((c, name)) = &self.column {
                    write!(f, ":{c} (column \"{name}\")")?;
                }
            }
            (Some(sheet), Some((c, name))) => write!(
                f,
                "{}, sheet \"{sheet}\", cell {}{} (column \"{name}\")",
                self.file,
                sheet::column_letters(c.saturating_sub(1) as usize),
                self.line
            )?,
            (Some(sheet), None) => {
                write!(f, "{}, sheet \"{sheet}\", row {}", self.file, self.line)?;
            }
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
    /// Wallet rows paid by card, kept for matching.
    pub held: Vec<CardRow>,
    /// Bad rows.
    pub errors: Vec<RowError>,
    /// Rows dropped on purpose (closed trades, footers), for the report.
    pub skipped: usize,
}

/// A row's identity within its account, for dedup: 16 bytes of SHA-256
/// over its day, amount, the source's id (else its description) and its
/// occurrence among identical rows of the same file, so two identical rows
/// in one file are both kept and re-importing the file adds nothing.
pub type RowKey = [u8; 16];

/// What a parser makes of a row, before it gets its identity.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Row {
    /// A transaction.
    Tx(NewTransaction),
    /// A wallet row paid by card.
    Held(CardRow),
    /// A bill, with its line.
    Bill(u64, Bill),
    /// A row that cannot be read.
    Bad(RowError),
    /// A row left out on purpose.
    Skipped,
    /// The rest of the file cannot be read.
    Fatal(ImportError),
}

/// One thing a statement yields, in file order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Item {
    /// A transaction and its identity.
    Tx(NewTransaction, RowKey),
    /// A wallet row paid by card, and its identity.
    Held(CardRow, RowKey),
    /// A bill, with its line.
    Bill(u64, Bill),
    /// A row that cannot be read.
    Bad(RowError),
    /// A row left out on purpose (closed trade, other currency, paid from
    /// another account).
    Skipped,
    /// The rest of the file cannot be read: nothing of it may be imported.
    Fatal(ImportError),
}

/// What a statement holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Holds {
    /// Transactions.
    Transactions,
    /// Open bills.
    Bills,
}

/// An opened statement: its layout, and its rows as they are read.
pub struct Statement<'a> {
    /// Profile name.
    pub profile: String,
    /// The file's own account, when the file names one.
    pub account: Option<AccountHint>,
    /// Transactions or bills.
    pub holds: Holds,
    /// The sheet read, for a spreadsheet.
    pub sheet: Option<String>,
    /// The rows, read lazily for ebb's own formats (any size streams
    /// through), from a parsed buffer for bank and wallet layouts.
    pub items: Box<dyn Iterator<Item = Item> + Send + 'a>,
}

impl ParsedFile {
    /// The parsed rows as a statement.
    pub fn statement(&self) -> Statement<'static> {
        let holds = match self.content {
            Content::Transactions(_) => Holds::Transactions,
            Content::Bills(_) => Holds::Bills,
        };
        let mut rows: Vec<Row> = self.errors.iter().cloned().map(Row::Bad).collect();
        match &self.content {
            Content::Transactions(t) => rows.extend(t.iter().cloned().map(Row::Tx)),
            Content::Bills(b) => rows.extend(b.iter().cloned().map(|(l, b)| Row::Bill(l, b))),
        }
        rows.extend(self.held.iter().cloned().map(Row::Held));
        rows.extend(std::iter::repeat_n(Row::Skipped, self.skipped));
        Statement {
            profile: self.profile.clone(),
            account: self.account.clone(),
            holds,
            sheet: None,
            items: Box::new(Identify::new(rows.into_iter())),
        }
    }
}

/// Gives each transaction its [`RowKey`].
struct Identify<I> {
    rows: I,
    /// Keys seen, by a 64-bit digest of each (8 bytes a row)...
    once: HashSet<u64>,
    /// ...and how often those seen more than once were seen.
    again: HashMap<u64, u32>,
    key: String,
}

impl<I> Identify<I> {
    fn new(rows: I) -> Identify<I> {
        Identify {
            rows,
            once: HashSet::new(),
            again: HashMap::new(),
            key: String::new(),
        }
    }

    fn key(&mut self, t: &NewTransaction) -> RowKey {
        use std::fmt::Write as _;
        use std::hash::{Hash, Hasher};
        let (tag, text) = match &t.source_id {
            Some(s) => ('i', s.as_str()),
            None => ('d', t.description.as_str()),
        };
        self.key.clear();
        // Writing to a String cannot fail.
        let _ = match t.amount.to_cents() {
            Some(c) => write!(self.key, "{}\u{0}{c}\u{0}{tag}\u{0}{text}", t.date),
            // Too large for the book: the store refuses the row anyway.
            None => write!(self.key, "{}\u{0}{}\u{0}{tag}\u{0}{text}", t.date, t.amount),
        };
        let mut h = std::hash::DefaultHasher::new();
        t.account.as_ref().map(|a| a.name.as_str()).hash(&mut h);
        self.key.hash(&mut h);
        let digest = h.finish();
        let occ = if self.once.insert(digest) {
            1
        } else {
            let n = self.again.entry(digest).or_insert(1);
            *n += 1;
            *n
        };
        let _ = write!(self.key, "\u{0}{occ}");
        let digest = sha2::Sha256::digest(self.key.as_bytes());
        let mut out = [0u8; 16];
        out.copy_from_slice(&digest[..16]);
        out
    }
}

impl<I: Iterator<Item = Row>> Iterator for Identify<I> {
    type Item = Item;

    fn next(&mut self) -> Option<Item> {
        Some(match self.rows.next()? {
            Row::Tx(t) => {
                let k = self.key(&t);
                Item::Tx(t, k)
            }
            Row::Held(c) => {
                let k = self.key(&c.tx);
                Item::Held(c, k)
            }
            Row::Bill(l, b) => Item::Bill(l, b),
            Row::Bad(e) => Item::Bad(e),
            Row::Skipped => Item::Skipped,
            Row::Fatal(e) => Item::Fatal(e),
        })
    }
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
    /// The sheet to read in a spreadsheet (default: found by content).
    pub sheet: Option<String>,
}

/// The layout a file's first rows are in, and where its header is.
enum Found<'p> {
    /// One of ebb's own CSV formats.
    Generic(generic::Generic),
    /// A bank or wallet profile.
    Profile(&'p profile::Profile),
}

/// Finds the layout of `head` (a file's first rows): the forced profile,
/// else ebb's own formats, else the first profile whose header is there.
fn find_layout<'p>(
    head: &[(u64, Vec<String>)],
    opts: &'p ParseOptions,
) -> Result<Option<Found<'p>>, ImportError> {
    match &opts.profile {
        Some(name) => match generic::by_name(name) {
            Some(g) => Ok(Some(Found::Generic(g))),
            None => match profile::find(name, &opts.user_profiles) {
                Some(p) => Ok(Some(Found::Profile(p))),
                None => Err(ImportError::Profile(format!(
                    "unknown profile \"{name}\"; `ebb profiles` lists them"
                ))),
            },
        },
        None => Ok(generic::detect(head).map(Found::Generic).or_else(|| {
            opts.user_profiles
                .iter()
                .chain(profile::builtin().iter())
                .find(|p| p.header_line(head).is_some())
                .map(Found::Profile)
        })),
    }
}

/// A CSV record with the line it starts on.
enum Rec {
    Row(u64, csv::StringRecord),
    /// The CSV reader gave up here (the rest is unreadable).
    Unreadable(u64),
    /// The bytes stopped being text.
    NotText(String),
}

/// CSV records of decoded text, one at a time. Quoted fields may span
/// lines.
struct Records<R> {
    rdr: csv::Reader<R>,
    done: bool,
}

impl<R: Read> Records<R> {
    fn new(input: R) -> Records<R> {
        let rdr = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .trim(csv::Trim::None)
            .from_reader(input);
        Records { rdr, done: false }
    }
}

impl<R: Read> Iterator for Records<R> {
    type Item = Rec;

    fn next(&mut self) -> Option<Rec> {
        if self.done {
            return None;
        }
        let mut rec = csv::StringRecord::new();
        match self.rdr.read_record(&mut rec) {
            Ok(true) => Some(Rec::Row(rec.position().map_or(0, |p| p.line()), rec)),
            Ok(false) => {
                self.done = true;
                None
            }
            Err(e) => {
                self.done = true;
                Some(match e.into_kind() {
                    csv::ErrorKind::Io(io) => Rec::NotText(io.to_string()),
                    _ => Rec::Unreadable(self.rdr.position().line()),
                })
            }
        }
    }
}

fn cells(rec: &csv::StringRecord) -> Vec<String> {
    rec.iter().map(str::to_string).collect()
}

/// Rows this many records into a file are enough to find any header.
const PEEK: usize = 128;

/// Opens a statement: finds its layout from the first rows and reads the
/// rest as it is consumed. `enc` comes from a [`decode::Scan`] of the same
/// bytes.
pub fn open<'a, R: Read + Send + 'a>(
    file: &str,
    input: R,
    enc: decode::Encoding,
    opts: &ParseOptions,
) -> Result<Statement<'a>, ImportError> {
    let not_text = |reason: String| ImportError::NotText {
        file: file.to_string(),
        reason,
    };
    let mut recs = Records::new(decode::reader(enc, input));
    let mut head: Vec<(u64, Vec<String>)> = Vec::new();
    let mut prefix: Vec<Rec> = Vec::new();
    for r in recs.by_ref() {
        match &r {
            Rec::Row(line, rec) => head.push((*line, cells(rec))),
            Rec::Unreadable(line) => head.push((*line, vec![String::from("\u{0}unreadable")])),
            Rec::NotText(reason) => return Err(not_text(reason.clone())),
        }
        prefix.push(r);
        if prefix.len() == PEEK {
            break;
        }
    }
    let blank = |l: &[(u64, Vec<String>)]| {
        l.iter()
            .all(|(_, r)| r.iter().all(|c| cells::clean(c).is_empty()))
    };
    if prefix.len() < PEEK && blank(&head) {
        return Err(ImportError::Empty {
            file: file.to_string(),
            what: "the file is empty".into(),
        });
    }
    let found = find_layout(&head, opts)?;
    if let Some(Found::Generic(g)) = found {
        let Some(hi) = generic::header_index(&head) else {
            return Err(ImportError::Empty {
                file: file.to_string(),
                what: "the file is empty".into(),
            });
        };
        let layout = generic::Layout::new(g, file, &head[hi].1, opts)?;
        let holds = if layout.holds_bills() {
            Holds::Bills
        } else {
            Holds::Transactions
        };
        let rows = prefix.into_iter().skip(hi + 1).chain(recs);
        return Ok(Statement {
            profile: layout.name().to_string(),
            account: None,
            holds,
            sheet: None,
            items: Box::new(Identify::new(GenericRows {
                layout,
                rows,
                any: false,
                ended: false,
            })),
        });
    }
    let Some(Found::Profile(p)) = found else {
        return Err(ImportError::UnknownLayout {
            file: file.to_string(),
        });
    };
    // Bank and wallet exports are a month or a year of rows: their
    // layouts look across the whole file (newest-first order, refunds
    // paired with closed trades), so they are read whole.
    let mut lines = head;
    for r in recs {
        match r {
            Rec::Row(line, rec) => lines.push((line, cells(&rec))),
            Rec::Unreadable(line) => lines.push((line, vec![String::from("\u{0}unreadable")])),
            Rec::NotText(reason) => return Err(not_text(reason)),
        }
    }
    Ok(p.parse(file, &lines)?.statement())
}

/// Rows of a generic file, read as they are consumed.
struct GenericRows<I> {
    layout: generic::Layout,
    rows: I,
    any: bool,
    ended: bool,
}

impl<I: Iterator<Item = Rec>> Iterator for GenericRows<I> {
    type Item = Row;

    fn next(&mut self) -> Option<Row> {
        if self.ended {
            return None;
        }
        loop {
            let item = match self.rows.next() {
                None => {
                    self.ended = true;
                    return (!self.any).then(|| {
                        Row::Fatal(ImportError::Empty {
                            file: self.layout.file().to_string(),
                            what: "the file has a header but no rows".into(),
                        })
                    });
                }
                Some(Rec::Row(line, rec)) => match self.layout.row(line, &rec) {
                    Some(item) => item,
                    None => continue,
                },
                Some(Rec::Unreadable(line)) => Row::Bad(RowError {
                    file: self.layout.file().to_string(),
                    sheet: None,
                    line,
                    column: None,
                    value: String::new(),
                    reason: "from here on the file cannot be read as CSV (an unclosed quote?); fix the quotes".into(),
                }),
                Some(Rec::NotText(reason)) => {
                    self.ended = true;
                    Row::Fatal(ImportError::NotText {
                        file: self.layout.file().to_string(),
                        reason,
                    })
                }
            };
            self.any = true;
            return Some(item);
        }
    }
}

/// Opens a spreadsheet statement. Every sheet is read; the statement is
/// the sheet that has a known layout (or `opts.sheet`). When several do,
/// a sheet that is a converted copy of the export gives way to the export
/// itself, then the sheet with more rows wins, then the earlier one. The
/// sheet is read as a CSV of the same cells would be, and its bad cells
/// are named by sheet and cell.
pub fn open_sheets(
    file: &str,
    bytes: &[u8],
    opts: &ParseOptions,
) -> Result<Statement<'static>, ImportError> {
    let sheets = sheet::read(file, bytes)?;
    let names = || {
        sheets
            .iter()
            .map(|s| format!("\"{}\"", s.name))
            .collect::<Vec<_>>()
            .join(", ")
    };
    if let Some(want) = &opts.sheet
        && !sheets.iter().any(|s| &s.name == want)
    {
        return Err(ImportError::Profile(format!(
            "{file} has no sheet \"{want}\"; its sheets are {}",
            names()
        )));
    }
    if sheets.iter().all(sheet::Sheet::is_blank) {
        return Err(ImportError::Empty {
            file: file.to_string(),
            what: "the workbook has no filled cells".into(),
        });
    }
    // (converted copy, data rows, sheet index, layout, header index)
    let mut best: Option<(bool, usize, usize, Found<'_>, usize)> = None;
    for (i, sh) in sheets.iter().enumerate() {
        if opts.sheet.as_ref().is_some_and(|w| w != &sh.name) || sh.is_blank() {
            continue;
        }
        let head = &sh.rows[..sh.rows.len().min(PEEK)];
        let Some(found) = find_layout(head, opts)? else {
            continue;
        };
        let hi = match &found {
            Found::Generic(_) => generic::header_index(head),
            Found::Profile(p) => p.header_line(head),
        };
        let Some(hi) = hi else { continue };
        let rank = (sh.is_converted_copy(hi), sh.rows.len() - hi);
        if best
            .as_ref()
            .is_none_or(|b| (!rank.0 && b.0) || (rank.0 == b.0 && rank.1 > b.1))
        {
            best = Some((rank.0, rank.1, i, found, hi));
        }
    }
    let Some((_, _, i, found, hi)) = best else {
        return Err(ImportError::Profile(format!(
            "{file}: none of its sheets ({}) has a known statement layout. Use --profile NAME (see `ebb profiles`) or write a profile for this bank",
            names()
        )));
    };
    let mut sheets = sheets;
    let sh = sheets.swap_remove(i);
    let name = sh.name.clone();
    let tag: Box<str> = name.clone().into();
    let with_sheet = move |item: Item| match item {
        Item::Bad(mut e) => {
            e.sheet = Some(tag.clone());
            Item::Bad(e)
        }
        other => other,
    };
    match found {
        Found::Generic(g) => {
            let layout = generic::Layout::new(g, file, &sh.rows[hi].1, opts)?;
            let holds = if layout.holds_bills() {
                Holds::Bills
            } else {
                Holds::Transactions
            };
            let rows = sh
                .rows
                .into_iter()
                .skip(hi + 1)
                .map(|(l, c)| Rec::Row(l, csv::StringRecord::from(c)));
            Ok(Statement {
                profile: layout.name().to_string(),
                account: None,
                holds,
                sheet: Some(name),
                items: Box::new(
                    Identify::new(GenericRows {
                        layout,
                        rows,
                        any: false,
                        ended: false,
                    })
                    .map(with_sheet),
                ),
            })
        }
        Found::Profile(p) => {
            let st = p.parse(file, &sh.rows)?.statement();
            Ok(Statement {
                sheet: Some(name),
                items: Box::new(st.items.map(with_sheet)),
                ..st
            })
        }
    }
}

/// Parses a whole statement held in memory: a spreadsheet or text.
pub fn parse(file: &str, bytes: &[u8], opts: &ParseOptions) -> Result<ParsedFile, ImportError> {
    let st = if sheet::sniff(bytes).is_some() {
        open_sheets(file, bytes, opts)?
    } else {
        let enc = decode::Scan::bytes(bytes)
            .0
            .map_err(|reason| ImportError::NotText {
                file: file.to_string(),
                reason,
            })?;
        open(file, bytes, enc, opts)?
    };
    let mut content = match st.holds {
        Holds::Transactions => Content::Transactions(Vec::new()),
        Holds::Bills => Content::Bills(Vec::new()),
    };
    let (mut errors, mut skipped, mut held) = (Vec::new(), 0, Vec::new());
    for item in st.items {
        match (item, &mut content) {
            (Item::Tx(t, _), Content::Transactions(v)) => v.push(t),
            (Item::Held(c, _), _) => held.push(c),
            (Item::Bill(l, b), Content::Bills(v)) => v.push((l, b)),
            (Item::Tx(..) | Item::Bill(..), _) => {}
            (Item::Bad(e), _) => errors.push(e),
            (Item::Skipped, _) => skipped += 1,
            (Item::Fatal(e), _) => return Err(e),
        }
    }
    Ok(ParsedFile {
        profile: st.profile,
        account: st.account,
        content,
        held,
        errors,
        skipped,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(csv: &str) -> Vec<RowKey> {
        let st = open(
            "t.csv",
            csv.as_bytes(),
            decode::Encoding::Utf8,
            &ParseOptions::default(),
        )
        .unwrap();
        st.items
            .filter_map(|i| match i {
                Item::Tx(_, k) => Some(k),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn identical_rows_get_their_own_keys_and_keep_them_across_files() {
        let a = keys("date,description,amount\n2026-01-01,tea,-5\n2026-01-01,tea,-5\n");
        assert_ne!(a[0], a[1], "two identical purchases are two rows");
        // A later export overlapping the first: the same two rows, then a
        // third identical one, plus other rows around them.
        let b = keys(
            "date,description,amount\n2026-01-01,cake,-9\n2026-01-01,tea,-5.00\n2026-01-01,tea,-5\n2026-01-01,tea,-5\n",
        );
        assert_eq!(&b[1..3], &a[..], "re-importing finds both");
        assert!(!a.contains(&b[3]), "the third is new");
        assert!(!a.contains(&b[0]));
    }
}
