//! The book on disk: SQLite through rusqlite (bundled), blocking.
//!
//! Owns: opening (WAL, foreign keys, busy timeout, 0600 file), migrations,
//! applying a `BookFile`, importing parsed statements in one transaction
//! each, the import log and undo, and loading the `Book` the engine runs
//! on. Money is stored as integer cents. Must not: depend on the TUI or
//! parse statement files.

mod matches;
mod migrations;

pub use matches::{CardMatch, StatementRow};

use std::collections::HashMap;
use std::path::Path;

use chrono::{Datelike, NaiveDate};
use rusqlite::{Connection, OptionalExtension, Transaction as SqlTx, params};
use sha2::{Digest, Sha256};

use crate::engine::book::{Account, AccountKind, Bill, Book, Purchase, Scheduled, Transaction};
use crate::engine::bookfile::{AccountDecl, BookFile, RecurringDecl};
use crate::engine::calendar::Calendar;
use crate::engine::import::{AccountHint, Holds, ImportError, Item, RowError, Statement};
use crate::engine::matching;
use crate::engine::money::Money;

/// What can go wrong with the book.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// SQLite said no.
    #[error("the book database failed: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// Another process holds the write lock.
    #[error("the book is busy (another ebb is writing to it); try again in a moment")]
    Busy,
    /// The file is not an ebb book.
    #[error("{0}")]
    NotABook(String),
    /// Rows could not be read; nothing was written.
    #[error(
        "{total} bad row(s); nothing was imported. Fix the file, or import the good rows with --skip-bad-rows"
    )]
    BadRows {
        /// The first bad rows (at most a thousand).
        shown: Vec<RowError>,
        /// How many rows were bad.
        total: u64,
    },
    /// The file cannot be read; nothing was written.
    #[error("{0}")]
    Import(#[from] ImportError),
    /// A request that does not fit the book.
    #[error("{0}")]
    Invalid(String),
    /// A stored value no longer parses (a damaged or newer book).
    #[error("the book holds a value ebb cannot read: {0}")]
    Corrupt(String),
}

fn busy_or(e: rusqlite::Error) -> StoreError {
    match e.sqlite_error_code() {
        Some(rusqlite::ErrorCode::DatabaseBusy) | Some(rusqlite::ErrorCode::DatabaseLocked) => {
            StoreError::Busy
        }
        _ => StoreError::Sqlite(e),
    }
}

/// Result of an import.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct ImportReport {
    /// File name as given.
    pub file: String,
    /// Profile used.
    pub profile: String,
    /// The sheet read, for a spreadsheet.
    pub sheet: Option<String>,
    /// Target account.
    pub account: String,
    /// Rows added.
    pub added: u64,
    /// Rows already in the book.
    pub duplicates: u64,
    /// Bad rows skipped (with --skip-bad-rows).
    pub rejected: u64,
    /// Rows left out on purpose (closed trades, other currencies).
    pub skipped: u64,
    /// Wallet rows paid by a bank card, newly kept to match the card's
    /// statement (they move no balance).
    pub held: u64,
    /// Pairs this import made or took part in: wallet rows paid by card
    /// and the statement rows they are (matched or near, to confirm).
    pub matches: Vec<CardMatch>,
    /// The import log id (`None` on a dry run or when nothing changed).
    pub import_id: Option<i64>,
    /// Accounts created by this import.
    pub created_accounts: Vec<String>,
    /// The bad rows skipped (the first thousand).
    #[serde(skip)]
    pub errors: Vec<RowError>,
}

/// Bad rows kept for the report; the count goes on.
const MAX_ERRORS: usize = 1000;

/// A row of the import log.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct ImportLog {
    /// Id for `undo-import`.
    pub id: i64,
    /// File.
    pub file: String,
    /// SHA-256 of the bytes.
    pub hash: String,
    /// Profile.
    pub profile: String,
    /// Account.
    pub account: String,
    /// Added.
    pub added: i64,
    /// Duplicates.
    pub duplicates: i64,
    /// Rejected.
    pub rejected: i64,
    /// When.
    pub at: String,
}

/// An account with its activity, for `ebb accounts`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccountRow {
    /// The account.
    pub account: Account,
    /// Number of transactions.
    pub transactions: i64,
}

/// How to import one file.
#[derive(Clone, Copy, Debug)]
pub struct ImportRequest<'a> {
    /// File name as given, for the log and messages.
    pub file: &'a str,
    /// SHA-256 of the file's bytes.
    pub hash: &'a str,
    /// `--account`: the target account.
    pub account: Option<&'a str>,
    /// Import the good rows even when some are bad.
    pub skip_bad_rows: bool,
    /// Roll back at the end.
    pub dry_run: bool,
    /// Timestamp for the log.
    pub now: &'a str,
}

/// The book file.
pub struct Store {
    conn: Connection,
}

/// SHA-256 of bytes, hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn cents(m: Money, what: &str) -> Result<i64, StoreError> {
    m.to_cents().ok_or_else(|| {
        StoreError::Invalid(format!(
            "{what} {m} cannot be stored exactly (more than two decimals or too large)"
        ))
    })
}

/// `YYYY-MM-DD` of a date, without the formatting machinery (hot in
/// imports).
fn iso_day(d: NaiveDate) -> Option<[u8; 10]> {
    let year = u32::try_from(d.year()).ok().filter(|y| *y <= 9999)?;
    let mut out = *b"0000-00-00";
    let mut put = |at: usize, width: usize, mut n: u32| {
        for i in (at..at + width).rev() {
            out[i] = b'0' + (n % 10) as u8;
            n /= 10;
        }
    };
    put(0, 4, year);
    put(5, 2, d.month());
    put(8, 2, d.day());
    Some(out)
}

/// A transaction row as SQLite gives it — date, amount, balance,
/// description, counterparty, category — read inside `query_map` and made
/// a `Transaction` after, where a bad date can be a `StoreError`.
struct RawTx {
    date: String,
    amount: i64,
    balance: Option<i64>,
    description: String,
    counterparty: String,
    category: String,
}

impl RawTx {
    /// Reads the six columns from index `at` on.
    fn read(r: &rusqlite::Row<'_>, at: usize) -> rusqlite::Result<RawTx> {
        Ok(RawTx {
            date: r.get(at)?,
            amount: r.get(at + 1)?,
            balance: r.get(at + 2)?,
            description: r.get(at + 3)?,
            counterparty: r.get(at + 4)?,
            category: r.get(at + 5)?,
        })
    }

    fn transaction(self, account: String) -> Result<Transaction, StoreError> {
        Ok(Transaction {
            account,
            date: date_of(&self.date)?,
            amount: Money::from_cents(self.amount),
            balance: self.balance.map(Money::from_cents),
            description: self.description,
            counterparty: self.counterparty,
            category: self.category,
        })
    }
}

fn date_of(s: &str) -> Result<NaiveDate, StoreError> {
    s.parse()
        .map_err(|_| StoreError::Corrupt(format!("date \"{s}\"")))
}

impl Store {
    /// Opens (creating if needed) the book at `path`.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        let existed = path.exists();
        if !existed {
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir).map_err(|e| {
                    StoreError::Invalid(format!("cannot create {}: {e}", dir.display()))
                })?;
            }
            create_private(path)?;
        }
        let conn = Connection::open(path)?;
        Self::setup(conn, true)
    }

    /// A fresh in-memory book (tests, the demo).
    pub fn open_in_memory() -> Result<Store, StoreError> {
        Self::setup(Connection::open_in_memory()?, false)
    }

    fn setup(conn: Connection, wal: bool) -> Result<Store, StoreError> {
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        let check: Result<i64, _> = conn.query_row("PRAGMA schema_version", [], |r| r.get(0));
        if let Err(e) = check {
            return Err(match e.sqlite_error_code() {
                Some(rusqlite::ErrorCode::NotADatabase) => StoreError::NotABook(
                    "this file is not an ebb book (not a SQLite database); pass another --db path"
                        .into(),
                ),
                _ => busy_or(e),
            });
        }
        conn.pragma_update(None, "foreign_keys", true)?;
        if wal {
            // A new book gets 16 KiB pages: a big import balances its
            // B-trees and writes its WAL frames a quarter as often (about
            // 10 % faster at a million rows). An existing book keeps the
            // size it has; SQLite ignores this once a page is written.
            conn.pragma_update(None, "page_size", 16384)?;
            let _: String = conn
                .query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0))
                .map_err(busy_or)?;
            conn.pragma_update(None, "synchronous", "NORMAL")?;
        }
        let mut store = Store { conn };
        store.migrate()?;
        Ok(store)
    }

    fn migrate(&mut self) -> Result<(), StoreError> {
        let version: i64 = self
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))?;
        let known = migrations::MIGRATIONS.len() as i64;
        if version > known {
            return Err(StoreError::NotABook(format!(
                "this book was written by a newer ebb (schema {version}, this ebb knows {known}); upgrade ebb"
            )));
        }
        if version == 0 {
            let tables: i64 = self.conn.query_row(
                "SELECT count(*) FROM sqlite_master WHERE type = 'table'",
                [],
                |r| r.get(0),
            )?;
            if tables > 0 {
                return Err(StoreError::NotABook(
                    "this SQLite file is not an ebb book; pass another --db path".into(),
                ));
            }
        }
        for (i, sql) in migrations::MIGRATIONS
            .iter()
            .enumerate()
            .skip(version as usize)
        {
            let tx = self
                .conn
                .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
                .map_err(busy_or)?;
            tx.execute_batch(sql)?;
            tx.pragma_update(None, "user_version", (i + 1) as i64)?;
            tx.commit().map_err(busy_or)?;
        }
        Ok(())
    }

    /// The raw connection, for checks in tests and tools.
    pub fn connection(&self) -> &Connection {
        &self.conn
    }

    fn write_tx(&mut self) -> Result<SqlTx<'_>, StoreError> {
        self.conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(busy_or)
    }

    /// Applies a book file: upserts by name or key fields. Applying the
    /// same file twice changes nothing.
    pub fn apply(&mut self, bf: &BookFile) -> Result<(), StoreError> {
        let tx = self.write_tx()?;
        let set = |k: &str, v: String| {
            tx.execute("INSERT INTO settings(key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value", params![k, v])
        };
        if let Some(c) = &bf.currency {
            set("currency", c.clone())?;
        }
        if let Some(r) = bf.reserve {
            set("reserve", cents(Money::new(r.0), "reserve")?.to_string())?;
        }
        if let Some(h) = &bf.holidays {
            set("holidays", json(h))?;
        }
        if let Some(w) = &bf.workdays {
            set("workdays", json(w))?;
        }
        for a in &bf.account {
            let kind = a.kind().map_err(StoreError::Invalid)?;
            let existing: Option<String> = tx
                .query_row(
                    "SELECT kind FROM accounts WHERE name = ?1",
                    [&a.name],
                    |r| r.get(0),
                )
                .optional()?;
            if let Some(k) = existing
                && k != kind.name()
                && !(k != "credit" && kind != AccountKind::Credit)
            {
                return Err(StoreError::Invalid(format!(
                    "account \"{}\" is a {k} account in the book; the book file says {}. Rename one of them",
                    a.name, kind
                )));
            }
            tx.execute(
                "INSERT INTO accounts(name, kind, decl) VALUES (?1, ?2, ?3) ON CONFLICT(name) DO UPDATE SET kind = excluded.kind, decl = excluded.decl",
                params![a.name, kind.name(), json(a)],
            )?;
        }
        let id_of = |name: &str, what: &str| -> Result<i64, StoreError> {
            tx.query_row("SELECT id FROM accounts WHERE name = ?1", [name], |r| r.get(0)).optional()?.ok_or_else(|| {
                StoreError::Invalid(format!("{what} names account \"{name}\", which is not in the book; add an [[account]] for it"))
            })
        };
        for r in &bf.recurring {
            id_of(&r.account, &format!("[[recurring]] \"{}\"", r.name))?;
            tx.execute(
                "INSERT INTO recurring(name, decl) VALUES (?1, ?2) ON CONFLICT(name) DO UPDATE SET decl = excluded.decl",
                params![r.name, json(r)],
            )?;
        }
        for s in &bf.scheduled {
            let s = s.to_scheduled();
            let id = id_of(&s.account, "[[scheduled]]")?;
            tx.execute(
                "INSERT INTO scheduled(account_id, date, amount, label) VALUES (?1, ?2, ?3, ?4) ON CONFLICT(date, account_id, label) DO UPDATE SET amount = excluded.amount",
                params![id, s.date.to_string(), cents(s.amount, "scheduled amount")?, s.label],
            )?;
        }
        for p in &bf.purchase {
            let p = p.to_purchase();
            let id = id_of(&p.account, "[[purchase]]")?;
            tx.execute(
                "INSERT INTO purchases(account_id, date, amount, label) VALUES (?1, ?2, ?3, ?4) ON CONFLICT(account_id, date, label) DO UPDATE SET amount = excluded.amount",
                params![id, p.date.to_string(), cents(p.amount, "purchase amount")?, p.label],
            )?;
        }
        for b in &bf.bill {
            let bill = b.to_bill().map_err(StoreError::Invalid)?;
            let id = id_of(&bill.account, "[[bill]]")?;
            upsert_bill(&tx, id, &bill, None)?;
        }
        tx.commit().map_err(busy_or)?;
        Ok(())
    }

    /// Imports a statement in one transaction, a row at a time as the
    /// statement yields them. A bad row (unless `skip_bad_rows`) or an
    /// unreadable rest of file rolls everything back; with `dry_run` the
    /// transaction is rolled back and the report says what would happen.
    pub fn import(
        &mut self,
        st: Statement<'_>,
        req: &ImportRequest<'_>,
    ) -> Result<ImportReport, StoreError> {
        let ImportRequest {
            file,
            hash,
            account,
            skip_bad_rows,
            dry_run,
            now,
        } = *req;
        let Statement {
            profile,
            account: file_account,
            holds,
            sheet,
            items,
        } = st;
        self.conn.pragma_update(None, "cache_size", -24576)?;
        self.conn.pragma_update(None, "foreign_keys", false)?;
        let tx = self.write_tx()?;
        let mut created = Vec::new();
        let mut ensure =
            |tx: &SqlTx<'_>, hint: &AccountHint| -> Result<(i64, AccountKind), StoreError> {
                let row: Option<(i64, String)> = tx
                    .query_row(
                        "SELECT id, kind FROM accounts WHERE name = ?1",
                        [&hint.name],
                        |r| Ok((r.get(0)?, r.get(1)?)),
                    )
                    .optional()?;
                match row {
                    Some((id, k)) => Ok((id, k.parse().map_err(StoreError::Corrupt)?)),
                    None => {
                        let decl = AccountDecl {
                            name: hint.name.clone(),
                            kind: hint.kind.name().into(),
                            ..Default::default()
                        };
                        tx.execute(
                            "INSERT INTO accounts(name, kind, decl) VALUES (?1, ?2, ?3)",
                            params![hint.name, hint.kind.name(), json(&decl)],
                        )?;
                        created.push(hint.name.clone());
                        Ok((tx.last_insert_rowid(), hint.kind))
                    }
                }
            };
        let target: Option<AccountHint> = match (account, &file_account) {
            (Some(name), Some(h)) => Some(AccountHint {
                name: name.to_string(),
                kind: h.kind,
            }),
            (Some(name), None) => Some(AccountHint {
                name: name.to_string(),
                kind: AccountKind::Bank,
            }),
            (None, Some(h)) => Some(h.clone()),
            (None, None) => None,
        };
        let account_label = target
            .as_ref()
            .map_or_else(|| "(per row)".to_string(), |t| t.name.clone());
        tx.execute(
            "INSERT INTO imports(file, hash, profile, account, added, duplicates, rejected, at) VALUES (?1, ?2, ?3, ?4, 0, 0, 0, ?5)",
            params![file, hash, profile, account_label, now],
        )?;
        let import_id = tx.last_insert_rowid();
        let first_tx: i64 = tx.query_row(
            "SELECT COALESCE(max(id), 0) + 1 FROM transactions",
            [],
            |r| r.get(0),
        )?;
        let target_id = match (holds, &target) {
            (Holds::Transactions, None) => {
                return Err(StoreError::Invalid(format!(
                    "{file} does not say which account it belongs to; pass --account NAME (an existing account, or a new bank account of that name)"
                )));
            }
            (Holds::Transactions, Some(t)) => Some(ensure(&tx, t)?.0),
            (Holds::Bills, _) => None,
        };
        let (mut added, mut dups, mut skipped, mut held) = (0u64, 0u64, 0u64, 0u64);
        // The days this import's rows span: pairs are recomputed over them.
        let mut span: Option<(NaiveDate, NaiveDate)> = None;
        let mut widen = |d: NaiveDate| {
            span = Some(span.map_or((d, d), |(lo, hi)| (lo.min(d), hi.max(d))));
        };
        let wallet_name = target.as_ref().map(|t| t.name.clone()).unwrap_or_default();
        let mut errors: Vec<RowError> = Vec::new();
        let mut rejected = 0u64;
        let mut ids: HashMap<String, i64> = HashMap::new();
        let mut stmt = tx.prepare_cached(
            "INSERT OR IGNORE INTO transactions(account_id, date, amount, balance, description, counterparty, category, source_id, hash, import_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        )?;
        for item in items {
            let (r, key) = match item {
                Item::Fatal(e) => return Err(StoreError::Import(e)),
                Item::Bad(e) => {
                    rejected += 1;
                    if errors.len() < MAX_ERRORS {
                        errors.push(e);
                    }
                    continue;
                }
                Item::Skipped => {
                    skipped += 1;
                    continue;
                }
                // After a bad row nothing will be kept: read on only to
                // report every bad row.
                _ if rejected > 0 && !skip_bad_rows => continue,
                Item::Bill(_, b) => {
                    let hint = AccountHint {
                        name: b.account.clone(),
                        kind: AccountKind::Credit,
                    };
                    let (id, kind) = ensure(&tx, &hint)?;
                    if kind != AccountKind::Credit {
                        return Err(StoreError::Invalid(format!(
                            "{file}: bills name account \"{}\", which is a {kind} account; bills belong to credit accounts",
                            b.account
                        )));
                    }
                    if upsert_bill(&tx, id, &b, Some(import_id))? {
                        added += 1
                    } else {
                        dups += 1
                    }
                    continue;
                }
                Item::Held(c, key) => {
                    let day = matches::day(c.tx.date);
                    let amount = cents(c.tx.amount, &format!("{file}:{}: amount", c.tx.line))?;
                    let n = tx
                        .prepare_cached(
                            "INSERT OR IGNORE INTO card_rows(import_id, wallet, date, amount, description, counterparty, category, source_id, method, keywords, hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
                        )?
                        .execute(params![
                            import_id,
                            wallet_name,
                            day,
                            amount,
                            c.tx.description,
                            c.tx.counterparty,
                            c.tx.category,
                            c.tx.source_id,
                            c.method,
                            json(&c.keywords),
                            &key[..]
                        ])?;
                    if n == 1 {
                        held += 1;
                        widen(c.tx.date);
                    } else {
                        dups += 1;
                    }
                    continue;
                }
                Item::Tx(r, key) => (r, key),
            };
            let acct_id = match (&r.account, target_id) {
                (None, Some(id)) => id,
                (None, None) => continue,
                (Some(h), _) => match ids.get(&h.name) {
                    Some(id) => *id,
                    None => {
                        let (id, _) = ensure(&tx, h)?;
                        ids.insert(h.name.clone(), id);
                        id
                    }
                },
            };
            let amount = match r.amount.to_cents() {
                Some(c) => c,
                None => cents(r.amount, &format!("{file}:{}: amount", r.line))?,
            };
            let day_buf;
            let day_text;
            let day = match iso_day(r.date) {
                Some(d) => {
                    day_buf = d;
                    std::str::from_utf8(&day_buf).unwrap_or_default()
                }
                None => {
                    day_text = r.date.to_string();
                    &day_text
                }
            };
            let balance = r.balance.map(|b| cents(b, "balance")).transpose()?;
            let n = stmt.execute(params![
                acct_id,
                day,
                amount,
                balance,
                r.description,
                r.counterparty,
                r.category,
                r.source_id,
                &key[..],
                import_id
            ])?;
            if n == 1 {
                added += 1;
                widen(r.date);
            } else {
                dups += 1
            }
        }
        drop(stmt);
        if rejected > 0 && !skip_bad_rows {
            return Err(StoreError::BadRows {
                shown: errors,
                total: rejected,
            });
        }
        let last_tx: i64 =
            tx.query_row("SELECT COALESCE(max(id), 0) FROM transactions", [], |r| {
                r.get(0)
            })?;
        let range = (last_tx >= first_tx).then_some((first_tx, last_tx));
        if let Some((lo, hi)) = span {
            let (lo, hi) = matches::widened(lo, hi, matching::MAX_DAYS);
            matches::rematch(&tx, lo, hi)?;
        }
        let pairs = matches::of_import(&tx, import_id, range)?;
        tx.execute(
            "UPDATE imports SET added = ?1, duplicates = ?2, rejected = ?3, first_tx = ?4, last_tx = ?5 WHERE id = ?6",
            params![
                added as i64,
                dups as i64,
                rejected as i64,
                range.map(|r| r.0),
                range.map(|r| r.1),
                import_id
            ],
        )?;
        let report = ImportReport {
            file: file.to_string(),
            profile,
            sheet,
            account: account_label,
            added,
            duplicates: dups,
            rejected,
            skipped,
            held,
            matches: pairs,
            import_id: (!dry_run).then_some(import_id),
            created_accounts: created,
            errors,
        };
        if dry_run {
            tx.rollback()?;
        } else {
            tx.commit().map_err(busy_or)?;
        }
        Ok(report)
    }

    /// Undoes an import: removes the rows it added and its log entry.
    /// Returns the transactions, bills and wallet rows paid by card it
    /// removed.
    pub fn undo_import(&mut self, id: i64) -> Result<(u64, u64, u64), StoreError> {
        let tx = self.write_tx()?;
        let range: Option<(Option<i64>, Option<i64>)> = tx
            .query_row(
                "SELECT first_tx, last_tx FROM imports WHERE id = ?1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let Some(range) = range else {
            return Err(StoreError::Invalid(format!(
                "there is no import {id}; `ebb imports` lists them"
            )));
        };
        let rows = match range {
            (Some(first), Some(last)) => Some((first, last)),
            _ => None,
        };
        let (span, held) = matches::forget_import(&tx, id, rows)?;
        // The import's rows are the ids it added, in one run.
        let t = match range {
            (Some(first), Some(last)) => tx.execute(
                "DELETE FROM transactions WHERE id BETWEEN ?1 AND ?2 AND import_id = ?3",
                params![first, last, id],
            )? as u64,
            _ => 0,
        };
        let b = tx.execute("DELETE FROM bills WHERE import_id = ?1", [id])? as u64;
        tx.execute(
            "UPDATE accounts SET created_by = NULL WHERE created_by = ?1",
            [id],
        )?;
        tx.execute("DELETE FROM imports WHERE id = ?1", [id])?;
        // Wallet rows that were paired with the rows just removed, or that
        // lost to them, pair anew.
        if let Some((lo, hi)) = span {
            let (lo, hi) = matches::widened(lo, hi, 2 * matching::MAX_DAYS);
            matches::rematch(&tx, lo, hi)?;
        }
        tx.commit().map_err(busy_or)?;
        Ok((t, b, held))
    }

    /// The import log, newest last.
    pub fn imports(&self) -> Result<Vec<ImportLog>, StoreError> {
        let mut stmt = self.conn.prepare("SELECT id, file, hash, profile, account, added, duplicates, rejected, at FROM imports ORDER BY id")?;
        let rows = stmt.query_map([], |r| {
            Ok(ImportLog {
                id: r.get(0)?,
                file: r.get(1)?,
                hash: r.get(2)?,
                profile: r.get(3)?,
                account: r.get(4)?,
                added: r.get(5)?,
                duplicates: r.get(6)?,
                rejected: r.get(7)?,
                at: r.get(8)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Kind of an account, if it exists.
    pub fn account_kind(&self, name: &str) -> Result<Option<AccountKind>, StoreError> {
        let k: Option<String> = self
            .conn
            .query_row("SELECT kind FROM accounts WHERE name = ?1", [name], |r| {
                r.get(0)
            })
            .optional()?;
        k.map(|k| k.parse().map_err(StoreError::Corrupt))
            .transpose()
    }

    /// Accounts with their transaction counts.
    pub fn accounts(&self) -> Result<Vec<AccountRow>, StoreError> {
        let counts: HashMap<i64, i64> = {
            let mut s = self
                .conn
                .prepare("SELECT account_id, count(*) FROM transactions GROUP BY account_id")?;
            s.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<Result<_, _>>()?
        };
        let mut out = Vec::new();
        for (id, a) in self.load_accounts()? {
            out.push(AccountRow {
                transactions: counts.get(&id).copied().unwrap_or(0),
                account: a,
            });
        }
        Ok(out)
    }

    fn load_accounts(&self) -> Result<Vec<(i64, Account)>, StoreError> {
        let mut stmt = self
            .conn
            .prepare("SELECT id, name, kind, decl FROM accounts ORDER BY name")?;
        let rows: Vec<(i64, String, String, String)> = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
            .collect::<Result<_, _>>()?;
        let mut out = Vec::new();
        for (id, name, kind, decl) in rows {
            let kind: AccountKind = kind.parse().map_err(StoreError::Corrupt)?;
            let d: AccountDecl = serde_json::from_str(&decl)
                .map_err(|e| StoreError::Corrupt(format!("account \"{name}\": {e}")))?;
            let credit = if kind == AccountKind::Credit {
                Some(
                    d.credit_terms()
                        .map_err(|e| StoreError::Corrupt(format!("account \"{name}\": {e}")))?,
                )
            } else {
                None
            };
            out.push((
                id,
                Account {
                    name,
                    kind,
                    opening_balance: d.opening_balance.map(|n| Money::new(n.0)),
                    opening_date: d.opening_date,
                    credit,
                },
            ));
        }
        Ok(out)
    }

    /// Transactions, optionally of one account and within dates, in
    /// (account, date, position) order.
    pub fn transactions(
        &self,
        account: Option<&str>,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
    ) -> Result<Vec<Transaction>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT a.name, t.date, t.amount, t.balance, t.description, t.counterparty, t.category
             FROM transactions t JOIN accounts a ON a.id = t.account_id
             WHERE (?1 IS NULL OR a.name = ?1) AND (?2 IS NULL OR t.date >= ?2) AND (?3 IS NULL OR t.date <= ?3)
             ORDER BY a.name, t.date, t.id",
        )?;
        let rows = stmt.query_map(
            params![
                account,
                from.map(|d| d.to_string()),
                to.map(|d| d.to_string())
            ],
            |r| Ok((r.get::<_, String>(0)?, RawTx::read(r, 1)?)),
        )?;
        let mut out = Vec::new();
        for row in rows {
            let (account, raw) = row?;
            out.push(raw.transaction(account)?);
        }
        Ok(out)
    }

    /// Sets the category of a transaction, or with `like_all` of every row
    /// of the account with the same counterparty (the same description when
    /// it has none). Returns how many rows changed.
    pub fn set_category(
        &mut self,
        t: &Transaction,
        category: &str,
        like_all: bool,
    ) -> Result<u64, StoreError> {
        let tx = self.write_tx()?;
        let account: i64 = tx
            .query_row(
                "SELECT id FROM accounts WHERE name = ?1",
                [&t.account],
                |r| r.get(0),
            )
            .optional()?
            .ok_or_else(|| StoreError::Invalid(format!("there is no account \"{}\"", t.account)))?;
        let n = if like_all && !t.counterparty.is_empty() {
            tx.execute(
                "UPDATE transactions SET category = ?1 WHERE account_id = ?2 AND counterparty = ?3",
                params![category, account, t.counterparty],
            )?
        } else if like_all {
            tx.execute("UPDATE transactions SET category = ?1 WHERE account_id = ?2 AND description = ?3 AND counterparty = ''", params![category, account, t.description])?
        } else {
            tx.execute(
                "UPDATE transactions SET category = ?1 WHERE account_id = ?2 AND date = ?3 AND amount = ?4 AND description = ?5 AND counterparty = ?6",
                params![category, account, t.date.to_string(), cents(t.amount, "amount")?, t.description, t.counterparty],
            )?
        };
        tx.commit().map_err(busy_or)?;
        Ok(n as u64)
    }

    /// A window of the ledger, newest first (date, then position in file),
    /// of the rows whose account, date, description, counterparty or
    /// category contain `filter` (any case): `limit` rows from index
    /// `offset`, and the number of such rows (counted unless `known`).
    /// `near` is a row already shown, (its index, date, id): a window next
    /// to it is found by seeking from it instead of counting from the top;
    /// a window in the second half is counted from the end.
    pub fn ledger(
        &self,
        filter: &str,
        offset: u64,
        limit: u64,
        near: Option<(u64, NaiveDate, i64)>,
        known: Option<u64>,
    ) -> Result<(u64, Vec<(i64, Transaction)>), StoreError> {
        const COLS: &str = "SELECT t.id, a.name, t.date, t.amount, t.balance, t.description, t.counterparty, t.category \
            FROM transactions t JOIN accounts a ON a.id = t.account_id";
        const MATCH: &str = "(:f = '' OR instr(lower(a.name || ' ' || t.date || ' ' || t.description || ' ' || t.counterparty || ' ' || t.category), :f) > 0)";
        let f = filter.trim().to_lowercase();
        let total = if let Some(n) = known {
            n
        } else {
            let n: i64 = self.conn.query_row(
                &format!("SELECT count(*) FROM transactions t JOIN accounts a ON a.id = t.account_id WHERE {MATCH}"),
                rusqlite::named_params! { ":f": f },
                |r| r.get(0),
            )?;
            n as u64
        };
        let (sql, skip, reverse, key) = match near {
            // Forward from a row on screen: skip only the rows between.
            Some((i, d, id)) if offset > i => (
                format!(
                    "{COLS} WHERE {MATCH} AND (t.date, t.id) < (:d, :id) ORDER BY t.date DESC, t.id DESC LIMIT :n OFFSET :skip"
                ),
                offset - i - 1,
                false,
                Some((d, id)),
            ),
            // Backward from it: read upwards and turn the window round.
            Some((i, d, id)) if offset + limit <= i => (
                format!(
                    "{COLS} WHERE {MATCH} AND (t.date, t.id) > (:d, :id) ORDER BY t.date, t.id LIMIT :n OFFSET :skip"
                ),
                i - (offset + limit),
                true,
                Some((d, id)),
            ),
            // Nearer the end: count from the oldest row.
            _ if offset > total / 2 => (
                format!("{COLS} WHERE {MATCH} ORDER BY t.date, t.id LIMIT :n OFFSET :skip"),
                total.saturating_sub(offset + limit),
                true,
                None,
            ),
            _ => (
                format!(
                    "{COLS} WHERE {MATCH} ORDER BY t.date DESC, t.id DESC LIMIT :n OFFSET :skip"
                ),
                offset,
                false,
                None,
            ),
        };
        // Counting from the end, the last window may be short.
        let n = if reverse && key.is_none() {
            limit.min(total.saturating_sub(offset))
        } else {
            limit
        };
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let (n, skip) = (n as i64, skip as i64);
        let day = key.map(|(d, _)| d.to_string());
        let mut args: Vec<(&str, &dyn rusqlite::ToSql)> =
            vec![(":f", &f), (":n", &n), (":skip", &skip)];
        if let (Some(day), Some((_, id))) = (&day, &key) {
            args.extend([(":d", day as &dyn rusqlite::ToSql), (":id", id)]);
        }
        let rows = stmt
            .query_map(&args[..], |r| {
                Ok((r.get::<_, i64>(0)?, r.get(1)?, RawTx::read(r, 2)?))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        let mut out = Vec::with_capacity(rows.len());
        for (id, account, raw) in rows {
            out.push((id, raw.transaction(account)?));
        }
        if reverse {
            out.reverse();
        }
        Ok((total, out))
    }

    /// Open bills in (account, file) order.
    pub fn bills(&self) -> Result<Vec<Bill>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT a.name, b.statement_date, b.due_date, b.amount_due, b.min_due, b.paid, b.penalty, b.fees, b.installment_no, b.installment_total, b.fee, b.note
             FROM bills b JOIN accounts a ON a.id = b.account_id ORDER BY b.id",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, i64>(3)?,
                r.get::<_, Option<i64>>(4)?,
                r.get::<_, i64>(5)?,
                r.get::<_, i64>(6)?,
                r.get::<_, i64>(7)?,
                r.get::<_, u32>(8)?,
                r.get::<_, u32>(9)?,
                r.get::<_, i64>(10)?,
                r.get::<_, String>(11)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (account, sd, dd, amount, min, paid, pen, fees, no, total, fee, note) = row?;
            out.push(Bill {
                account,
                statement_date: date_of(&sd)?,
                due_date: date_of(&dd)?,
                amount_due: Money::from_cents(amount),
                min_due: min.map(Money::from_cents),
                paid: Money::from_cents(paid),
                penalty: Money::from_cents(pen),
                fees: Money::from_cents(fees),
                installment: (no > 0).then_some((no, total)),
                fee: Money::from_cents(fee),
                note,
            });
        }
        Ok(out)
    }

    /// Loads the book with every transaction (the dashboard's lists,
    /// recurring detection).
    pub fn load_book(&self) -> Result<Book, StoreError> {
        let mut book = self.load_book_without_transactions()?;
        book.transactions = self.transactions(None, None, None)?;
        Ok(book)
    }

    /// Loads what a projection as of `as_of` reads, without the history it
    /// does not: per cash account the last reported running balance row on
    /// or before `as_of` and every row after it, the positive `sales` rows
    /// of the 90 days to `as_of` (a promotion's derived baseline), and one
    /// row standing for the sum of all other rows after the opening date;
    /// per credit account the rows of the 62 days to `as_of` (its last
    /// statement is at most a month back). A projection gives the same
    /// numbers and warnings as on the whole book (a test checks it).
    pub fn load_book_for(&self, as_of: NaiveDate) -> Result<Book, StoreError> {
        let mut book = self.load_book_without_transactions()?;
        let as_of_s = as_of.to_string();
        let credit_from = (as_of - chrono::Days::new(62)).to_string();
        let sales_from = (as_of - chrono::Days::new(89)).to_string();
        let mut out = Vec::new();
        for a in &book.accounts {
            let id: i64 =
                self.conn
                    .query_row("SELECT id FROM accounts WHERE name = ?1", [&a.name], |r| {
                        r.get(0)
                    })?;
            if !a.kind.is_cash() {
                let rows = self.rows_with_id(
                    &a.name,
                    "account_id = :id AND date >= :from AND date <= :as_of",
                    rusqlite::named_params! { ":id": id, ":from": credit_from, ":as_of": as_of_s },
                )?;
                out.extend(rows.into_iter().map(|(_, t)| t));
                continue;
            }
            let reported: Option<(String, i64)> = self
                .conn
                .query_row(
                    "SELECT date, id FROM transactions WHERE account_id = ?1 AND balance IS NOT NULL AND date <= ?2 ORDER BY date DESC, id DESC LIMIT 1",
                    params![id, as_of_s],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?;
            let (rd, rid) = reported
                .clone()
                .unwrap_or_else(|| ("9999-12-31".into(), i64::MAX));
            let od = a.opening_date.map(|d| d.to_string());
            // Rows kept as they are, in (date, position) order: the window's
            // sales (partial index) and the reported row and everything
            // after it (a short range of the main index).
            let kept = self.rows_with_id(
                &a.name,
                "account_id = :id AND date <= :as_of AND category = 'sales' AND amount > 0 AND date >= :sales_from \
                 UNION SELECT id, date, amount, balance, description, counterparty, category FROM transactions \
                 WHERE account_id = :id AND date <= :as_of AND (date > :rd OR (date = :rd AND id >= :rid))",
                rusqlite::named_params! { ":id": id, ":as_of": as_of_s, ":sales_from": sales_from, ":rd": rd, ":rid": rid },
            )?;
            // Every other row the balance counts (after the opening date,
            // when there is one): the total less the kept rows. One
            // sequential pass reads the table faster than the index would.
            let total: i64 = self.conn.query_row(
                "SELECT coalesce(sum(amount), 0) FROM transactions NOT INDEXED WHERE account_id = :id AND date <= :as_of AND (:od IS NULL OR date > :od)",
                rusqlite::named_params! { ":id": id, ":as_of": as_of_s, ":od": od },
                |r| r.get(0),
            )?;
            let kept_counted: i64 = kept
                .iter()
                .filter(|(_, t)| a.opening_date.is_none_or(|o| t.date > o))
                .map(|(_, t)| t.amount.to_cents().unwrap_or(0))
                .sum();
            let rest = total - kept_counted;
            let synthetic = |date: NaiveDate| Transaction {
                account: a.name.clone(),
                date,
                amount: Money::from_cents(rest),
                balance: None,
                description: "(earlier rows, summed)".into(),
                counterparty: String::new(),
                category: String::new(),
            };
            match reported {
                // Just before the reported row, on its date: the rows before
                // it count towards the computed balance, never the reported.
                Some((d, rid)) => {
                    let at = kept
                        .iter()
                        .position(|(i, _)| *i == rid)
                        .unwrap_or(kept.len());
                    let mut rows: Vec<Transaction> = kept.into_iter().map(|(_, t)| t).collect();
                    if rest != 0 {
                        rows.insert(at, synthetic(date_of(&d)?));
                    }
                    out.extend(rows);
                }
                None => {
                    out.extend(kept.into_iter().map(|(_, t)| t));
                    if rest != 0 {
                        out.push(synthetic(as_of));
                    }
                }
            }
        }
        book.transactions = out;
        Ok(book)
    }

    /// Transactions of one account matching `filter`, with their ids, in
    /// (date, position) order.
    fn rows_with_id(
        &self,
        account: &str,
        filter: &str,
        args: impl rusqlite::Params,
    ) -> Result<Vec<(i64, Transaction)>, StoreError> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT * FROM (SELECT id, date, amount, balance, description, counterparty, category FROM transactions WHERE {filter}) ORDER BY date, id"
        ))?;
        let rows = stmt.query_map(args, |r| Ok((r.get::<_, i64>(0)?, RawTx::read(r, 1)?)))?;
        let mut out = Vec::new();
        for row in rows {
            let (id, raw) = row?;
            out.push((id, raw.transaction(account.to_string())?));
        }
        Ok(out)
    }

    fn load_book_without_transactions(&self) -> Result<Book, StoreError> {
        let get = |k: &str| -> Result<Option<String>, StoreError> {
            Ok(self
                .conn
                .query_row("SELECT value FROM settings WHERE key = ?1", [k], |r| {
                    r.get(0)
                })
                .optional()?)
        };
        let dates = |k: &str| -> Result<std::collections::BTreeSet<NaiveDate>, StoreError> {
            match get(k)? {
                None => Ok(Default::default()),
                Some(v) => serde_json::from_str::<Vec<NaiveDate>>(&v)
                    .map(|v| v.into_iter().collect())
                    .map_err(|e| StoreError::Corrupt(format!("{k}: {e}"))),
            }
        };
        let reserve = match get("reserve")? {
            None => Money::ZERO,
            Some(v) => Money::from_cents(
                v.parse()
                    .map_err(|_| StoreError::Corrupt(format!("reserve \"{v}\"")))?,
            ),
        };
        let accounts: Vec<Account> = self.load_accounts()?.into_iter().map(|(_, a)| a).collect();
        let mut recurring = Vec::new();
        {
            let mut stmt = self
                .conn
                .prepare("SELECT name, decl FROM recurring WHERE confirmed = 1 ORDER BY id")?;
            let rows: Vec<(String, String)> = stmt
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<Result<_, _>>()?;
            for (name, decl) in rows {
                let d: RecurringDecl = serde_json::from_str(&decl)
                    .map_err(|e| StoreError::Corrupt(format!("recurring \"{name}\": {e}")))?;
                recurring.push(
                    d.to_recurring()
                        .map_err(|e| StoreError::Corrupt(format!("recurring \"{name}\": {e}")))?,
                );
            }
        }
        let mut scheduled = Vec::new();
        {
            let mut stmt = self.conn.prepare("SELECT a.name, s.date, s.amount, s.label FROM scheduled s JOIN accounts a ON a.id = s.account_id ORDER BY s.id")?;
            let rows: Vec<(String, String, i64, String)> = stmt
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
                .collect::<Result<_, _>>()?;
            for (account, date, amount, label) in rows {
                scheduled.push(Scheduled {
                    date: date_of(&date)?,
                    account,
                    amount: Money::from_cents(amount),
                    label,
                });
            }
        }
        let mut purchases = Vec::new();
        {
            let mut stmt = self.conn.prepare("SELECT a.name, p.date, p.amount, p.label FROM purchases p JOIN accounts a ON a.id = p.account_id ORDER BY p.id")?;
            let rows: Vec<(String, String, i64, String)> = stmt
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
                .collect::<Result<_, _>>()?;
            for (account, date, amount, label) in rows {
                purchases.push(Purchase {
                    account,
                    date: date_of(&date)?,
                    amount: Money::from_cents(amount),
                    label,
                });
            }
        }
        Ok(Book {
            currency: get("currency")?.unwrap_or_else(|| "CNY".into()),
            reserve,
            calendar: Calendar {
                holidays: dates("holidays")?,
                workdays: dates("workdays")?,
            },
            accounts,
            transactions: Vec::new(),
            bills: self.bills()?,
            purchases,
            recurring,
            scheduled,
        })
    }
}

/// Inserts or updates a bill by (account, due date, installment number);
/// returns whether anything changed.
fn upsert_bill(
    tx: &SqlTx<'_>,
    account_id: i64,
    b: &Bill,
    import_id: Option<i64>,
) -> Result<bool, StoreError> {
    let (no, total) = b.installment.unwrap_or((0, 0));
    let n = tx.execute(
        "INSERT INTO bills(account_id, statement_date, due_date, amount_due, min_due, paid, penalty, fees, installment_no, installment_total, fee, note, import_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)
         ON CONFLICT(account_id, due_date, installment_no) DO UPDATE SET
             statement_date = excluded.statement_date, amount_due = excluded.amount_due, min_due = excluded.min_due,
             paid = excluded.paid, penalty = excluded.penalty, fees = excluded.fees, installment_total = excluded.installment_total,
             fee = excluded.fee, note = excluded.note, import_id = COALESCE(excluded.import_id, bills.import_id)
         WHERE (bills.statement_date, bills.amount_due, bills.min_due, bills.paid, bills.penalty, bills.fees, bills.installment_total, bills.fee, bills.note)
               IS NOT (excluded.statement_date, excluded.amount_due, excluded.min_due, excluded.paid, excluded.penalty, excluded.fees, excluded.installment_total, excluded.fee, excluded.note)",
        params![
            account_id,
            b.statement_date.to_string(),
            b.due_date.to_string(),
            cents(b.amount_due, "amount_due")?,
            b.min_due.map(|m| cents(m, "min_due")).transpose()?,
            cents(b.paid, "paid")?,
            cents(b.penalty, "penalty")?,
            cents(b.fees, "fees")?,
            no,
            total,
            cents(b.fee, "fee")?,
            b.note,
            import_id
        ],
    )?;
    Ok(n > 0)
}

/// Creates the book file readable and writable by its owner only.
fn create_private(path: &Path) -> Result<(), StoreError> {
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    match opts.open(path) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(StoreError::Invalid(format!(
            "cannot create the book at {}: {e}",
            path.display()
        ))),
    }
}

/// JSON text of a declaration, for the `decl` columns.
fn json<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "{}".into())
}
