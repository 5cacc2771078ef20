//! The command line: clap subcommands over engine + store, no TUI.
//!
//! Owns: argument shapes, human and JSON output, exit codes. Errors are
//! returned to `main`, which prints them to stderr. Must not: hold business
//! rules (those are the engine's) or SQL (the store's).

mod table;

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, anyhow, bail};
use chrono::NaiveDate;
use clap::{Args, Parser, Subcommand};

use crate::engine::bookfile::BookFile;
use crate::engine::import::{ParseOptions, RowError, profile};
use crate::engine::money::Money;
use crate::engine::projection::{self, Projection, Request, Risk};
use crate::engine::report::ForecastJson;
use crate::engine::scenario::{Scenario, ScenarioFile};
use crate::engine::{montecarlo, solve};
use crate::ingest;
use crate::store::{CardMatch, ImportRequest, Store, StoreError};
use table::Table;

/// ebb — will the business pay its credit bills on time?
#[derive(Debug, Parser)]
#[command(name = "ebb", version, about, long_about = None)]
pub struct Cli {
    /// The book (SQLite file). Default: the platform data directory.
    #[arg(long, global = true, env = "EBB_DB", value_name = "PATH")]
    pub db: Option<PathBuf>,
    /// Interface language.
    #[arg(long, global = true, value_parser = ["zh", "en"])]
    pub lang: Option<String>,
    /// What to do (none: open the dashboard).
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Import bank, wallet or credit statements (CSV, .xlsx, .xls).
    Import(ImportArgs),
    /// Wallet rows paid by bank card and the statement rows they are the
    /// same payment as; confirm or reject a pair.
    Matches {
        /// confirm ID or reject ID (none: list).
        #[command(subcommand)]
        action: Option<MatchAction>,
        /// Only rows in this state.
        #[arg(long, value_parser = ["open", "near", "matched", "confirmed", "rejected"])]
        state: Option<String>,
        /// JSON output.
        #[arg(long)]
        json: bool,
    },
    /// Undo an import by its id (see `ebb imports`).
    UndoImport {
        /// Import id.
        id: i64,
    },
    /// List past imports.
    Imports {
        /// JSON output.
        #[arg(long)]
        json: bool,
    },
    /// Accounts with their balances.
    Accounts {
        /// Balance date (default: today).
        #[arg(long, value_name = "YYYY-MM-DD")]
        as_of: Option<NaiveDate>,
        /// JSON output.
        #[arg(long)]
        json: bool,
    },
    /// List transactions.
    Transactions {
        /// Only this account.
        #[arg(long)]
        account: Option<String>,
        /// From date (inclusive).
        #[arg(long)]
        from: Option<NaiveDate>,
        /// To date (inclusive).
        #[arg(long)]
        to: Option<NaiveDate>,
        /// JSON output.
        #[arg(long, conflicts_with = "csv")]
        json: bool,
        /// CSV output (date,account,amount,balance,category,description,
        /// counterparty), safe to open in a spreadsheet.
        #[arg(long)]
        csv: bool,
    },
    /// Open credit bills.
    Bills {
        /// JSON output.
        #[arg(long)]
        json: bool,
    },
    /// Apply a declarative book file (idempotent).
    Apply {
        /// The book.toml.
        file: PathBuf,
    },
    /// List the statement profiles ebb knows.
    Profiles,
    /// Project cash day by day.
    Forecast(ForecastArgs),
    /// Exit 0 when risk is green or amber, 1 when red, 2 when critical (for cron).
    Check(ForecastArgs),
    /// Recurring items: suggest them from history, confirm, list.
    Recurring {
        /// detect or list.
        #[command(subcommand)]
        command: RecurringCommand,
    },
    /// Open the sample business heading into Double 11.
    Demo {
        /// Print the story as text instead of opening the dashboard.
        #[arg(long)]
        no_tui: bool,
    },
}

/// `ebb matches confirm|reject ID`.
#[derive(Debug, Subcommand)]
pub enum MatchAction {
    /// The pair is the same payment (a near match becomes a match).
    Confirm {
        /// Wallet row id (see `ebb matches`).
        id: i64,
    },
    /// The pair is not the same payment; the wallet row is not paired again.
    Reject {
        /// Wallet row id (see `ebb matches`).
        id: i64,
    },
}

/// `ebb recurring …`.
#[derive(Debug, Subcommand)]
pub enum RecurringCommand {
    /// Suggest recurring items from history (same counterparty, regular
    /// interval, similar amount), with a confidence.
    Detect {
        /// History up to this day (default: today).
        #[arg(long, value_name = "YYYY-MM-DD")]
        as_of: Option<NaiveDate>,
        /// Confirm these suggestions by name: they feed the projection.
        #[arg(long, value_name = "NAME")]
        confirm: Vec<String>,
        /// Confirm every suggestion.
        #[arg(long)]
        all: bool,
    },
    /// List the confirmed recurring items.
    List,
}

/// `ebb import`.
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// Statement files.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// Account to import into (default: named after the file's source).
    #[arg(long)]
    pub account: Option<String>,
    /// Profile to use instead of detecting one (see `ebb profiles`).
    #[arg(long)]
    pub profile: Option<String>,
    /// Show what would happen; write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Import the good rows and list the bad ones.
    #[arg(long)]
    pub skip_bad_rows: bool,
    /// The sheet to read in a spreadsheet (default: the one that holds a
    /// statement).
    #[arg(long, value_name = "NAME")]
    pub sheet: Option<String>,
    /// JSON output: one object per file.
    #[arg(long)]
    pub json: bool,
}

/// `ebb forecast` / `ebb check`.
#[derive(Debug, Args, Clone)]
pub struct ForecastArgs {
    /// The last known day (default: today).
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub as_of: Option<NaiveDate>,
    /// Days to project (1–730).
    #[arg(long, default_value_t = 90)]
    pub days: u32,
    /// Scenario file, or the name of a saved scenario.
    #[arg(long, value_name = "FILE|NAME")]
    pub scenario: Option<String>,
    /// Machine-readable output (schema ebb.forecast/1).
    #[arg(long, conflicts_with = "csv")]
    pub json: bool,
    /// The day series as CSV.
    #[arg(long)]
    pub csv: bool,
    /// Monte Carlo: sample the scenario's ranges this many times.
    #[arg(long, default_value_t = 0)]
    pub runs: u32,
    /// Seed for Monte Carlo (the same seed gives the same numbers).
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
}

/// What `main` needs to run a command.
pub struct RunContext {
    /// Today, read once in `main`.
    pub today: NaiveDate,
    /// Now, for the import log.
    pub now: String,
}

/// The default book path.
pub fn default_db() -> Result<PathBuf> {
    let dirs = directories::ProjectDirs::from("", "", "ebb")
        .ok_or_else(|| anyhow!("no home directory found; pass --db PATH"))?;
    Ok(dirs.data_dir().join("book.db"))
}

fn open(cli: &Cli) -> Result<Store> {
    let path = match &cli.db {
        Some(p) => p.clone(),
        None => default_db()?,
    };
    Store::open(&path).with_context(|| format!("cannot open the book {}", path.display()))
}

/// Runs a command; returns the process exit code.
pub fn run(cli: Cli, ctx: &RunContext) -> Result<i32> {
    let out = &mut std::io::stdout().lock();
    match &cli.command {
        None if std::io::IsTerminal::is_terminal(&std::io::stdout()) => {
            let path = match &cli.db {
                Some(p) => p.clone(),
                None => default_db()?,
            };
            drop(open(&cli)?); // create the book, or fail here with a clear message
            crate::tui::run(
                crate::tui::worker::Source::Book(path),
                ctx.today,
                ui_lang(&cli),
                None,
            )?;
            Ok(0)
        }
        None => {
            let store = open(&cli)?;
            let book = store.load_book()?;
            if book.accounts.is_empty() {
                writeln!(
                    out,
                    "Your book is empty. Import statements with `ebb import FILE…`, declare accounts with `ebb apply book.toml`, or try `ebb demo`."
                )?;
            } else {
                let args = ForecastArgs {
                    as_of: None,
                    days: 90,
                    scenario: None,
                    json: false,
                    csv: false,
                    runs: 0,
                    seed: 1,
                };
                forecast(&store, &cli, &args, ctx, out)?;
            }
            Ok(0)
        }
        Some(Command::Import(a)) => import_files(&cli, a, ctx, out),
        Some(Command::UndoImport { id }) => {
            let mut store = open(&cli)?;
            let (t, b, h) = store.undo_import(*id)?;
            write!(
                out,
                "Import {id} undone: removed {t} transaction(s) and {b} bill(s)"
            )?;
            if h > 0 {
                write!(out, ", and {h} wallet row(s) paid by card")?;
            }
            writeln!(out, ".")?;
            Ok(0)
        }
        Some(Command::Matches {
            action,
            state,
            json,
        }) => {
            let mut store = open(&cli)?;
            let rows = match action {
                Some(MatchAction::Confirm { id }) => vec![store.confirm_match(*id)?],
                Some(MatchAction::Reject { id }) => vec![store.reject_match(*id)?],
                None => store.card_matches(state.as_deref())?,
            };
            if *json {
                serde_json::to_writer_pretty(&mut *out, &rows)?;
                writeln!(out)?;
            } else if rows.is_empty() {
                writeln!(
                    out,
                    "No wallet rows paid by card{}.",
                    state
                        .as_ref()
                        .map(|s| format!(" in state {s}"))
                        .unwrap_or_default()
                )?;
            } else {
                print_matches(&rows, out)?;
            }
            Ok(0)
        }
        Some(Command::Imports { json }) => {
            let store = open(&cli)?;
            let logs = store.imports()?;
            if *json {
                serde_json::to_writer_pretty(&mut *out, &logs)?;
                writeln!(out)?;
            } else if logs.is_empty() {
                writeln!(out, "No imports yet.")?;
            } else {
                let mut t = Table::new(&[
                    "id", "when", "file", "profile", "account", "added", "dupes", "rejected",
                ]);
                for l in logs {
                    t.row(vec![
                        l.id.to_string(),
                        l.at,
                        l.file,
                        l.profile,
                        l.account,
                        l.added.to_string(),
                        l.duplicates.to_string(),
                        l.rejected.to_string(),
                    ]);
                }
                t.right(&[0, 5, 6, 7]).print(out)?;
            }
            Ok(0)
        }
        Some(Command::Accounts { as_of, json }) => {
            accounts(&cli, as_of.unwrap_or(ctx.today), *json, out)
        }
        Some(Command::Transactions {
            account,
            from,
            to,
            json,
            csv,
        }) => {
            let store = open(&cli)?;
            let rows = store.transactions(account.as_deref(), *from, *to)?;
            if *csv {
                let mut w = csv::Writer::from_writer(&mut *out);
                w.write_record([
                    "date",
                    "account",
                    "amount",
                    "balance",
                    "category",
                    "description",
                    "counterparty",
                ])?;
                for t in &rows {
                    w.write_record([
                        t.date.to_string(),
                        spreadsheet_safe(&t.account),
                        t.amount.to_string(),
                        t.balance.map(|b| b.to_string()).unwrap_or_default(),
                        spreadsheet_safe(&t.category),
                        spreadsheet_safe(&t.description),
                        spreadsheet_safe(&t.counterparty),
                    ])?;
                }
                w.flush()?;
            } else if *json {
                let v: Vec<_> = rows
                    .iter()
                    .map(|t| serde_json::json!({"account": t.account, "date": t.date, "amount": t.amount, "description": t.description, "counterparty": t.counterparty, "category": t.category}))
                    .collect();
                serde_json::to_writer_pretty(&mut *out, &v)?;
                writeln!(out)?;
            } else {
                let mut t = Table::new(&[
                    "date",
                    "account",
                    "amount",
                    "category",
                    "description",
                    "counterparty",
                ]);
                for r in rows {
                    t.row(vec![
                        r.date.to_string(),
                        r.account,
                        r.amount.grouped(),
                        r.category,
                        r.description,
                        r.counterparty,
                    ]);
                }
                t.right(&[2]).print(out)?;
            }
            Ok(0)
        }
        Some(Command::Bills { json }) => {
            let store = open(&cli)?;
            let bills = store.bills()?;
            if *json {
                let v: Vec<_> = bills
                    .iter()
                    .map(|b| serde_json::json!({"account": b.account, "statement_date": b.statement_date, "due_date": b.due_date, "amount_due": b.amount_due, "min_due": b.min_due, "paid": b.paid, "penalty": b.penalty, "fees": b.fees, "installment_no": b.installment.map(|i| i.0), "installment_total": b.installment.map(|i| i.1), "fee": b.fee, "note": b.note}))
                    .collect();
                serde_json::to_writer_pretty(&mut *out, &v)?;
                writeln!(out)?;
            } else if bills.is_empty() {
                writeln!(
                    out,
                    "No open bills. Import them with `ebb import bills.csv` or declare them in book.toml."
                )?;
            } else {
                let mut t = Table::new(&[
                    "account",
                    "statement",
                    "due",
                    "amount due",
                    "minimum",
                    "paid",
                    "installment",
                ]);
                for b in bills {
                    t.row(vec![
                        b.account,
                        b.statement_date.to_string(),
                        b.due_date.to_string(),
                        b.amount_due.grouped(),
                        b.min_due
                            .map(Money::grouped)
                            .unwrap_or_else(|| "(policy)".into()),
                        b.paid.grouped(),
                        b.installment
                            .map(|(n, t)| format!("{n}/{t}"))
                            .unwrap_or_default(),
                    ]);
                }
                t.right(&[3, 4, 5]).print(out)?;
            }
            Ok(0)
        }
        Some(Command::Apply { file }) => {
            let text = std::fs::read_to_string(file)
                .with_context(|| format!("cannot read {}", file.display()))?;
            let bf = BookFile::parse(&file.display().to_string(), &text)?;
            let mut store = open(&cli)?;
            store.apply(&bf)?;
            writeln!(
                out,
                "Applied {}: {} account(s), {} recurring, {} scheduled, {} bill(s), {} purchase(s).",
                file.display(),
                bf.account.len(),
                bf.recurring.len(),
                bf.scheduled.len(),
                bf.bill.len(),
                bf.purchase.len()
            )?;
            Ok(0)
        }
        Some(Command::Profiles) => {
            let mut t = Table::new(&["profile", "account", "kind", "reads"]);
            for g in ["ebb-bank", "ebb-credit-transactions", "ebb-bills"] {
                let what = match g {
                    "ebb-bank" => "ebb's bank format: date,description,amount[,balance]",
                    "ebb-credit-transactions" => {
                        "ebb's credit transactions: date,description,amount (with --account on a credit account)"
                    }
                    _ => {
                        "ebb's credit bills: account,statement_date,due_date,amount_due,min_due,paid"
                    }
                };
                t.row(vec![g.into(), "--account".into(), "".into(), what.into()]);
            }
            for p in user_profiles(&cli, None)? {
                t.row(vec![
                    p.name.clone(),
                    p.account.clone(),
                    p.kind.clone(),
                    format!("{} (yours)", p.title),
                ]);
            }
            for p in profile::builtin() {
                t.row(vec![
                    p.name.clone(),
                    p.account.clone(),
                    p.kind.clone(),
                    p.title.clone(),
                ]);
            }
            t.print(out)?;
            Ok(0)
        }
        Some(Command::Forecast(a)) => {
            let store = open(&cli)?;
            forecast(&store, &cli, a, ctx, out)?;
            Ok(0)
        }
        Some(Command::Check(a)) => {
            let store = open(&cli)?;
            check(&store, &cli, a, ctx, out)
        }
        Some(Command::Recurring { command }) => recurring(&cli, command, ctx, out),
        Some(Command::Demo { no_tui }) => {
            if *no_tui || !std::io::IsTerminal::is_terminal(&std::io::stdout()) {
                demo_story(out)?;
            } else {
                crate::tui::run(
                    crate::tui::worker::Source::Demo,
                    crate::demo::as_of(),
                    ui_lang(&cli),
                    Some(0),
                )?;
            }
            Ok(0)
        }
    }
}

/// The folder beside the book that holds user profiles and saved scenarios.
fn book_dir(cli: &Cli) -> Result<PathBuf> {
    let db = match &cli.db {
        Some(p) => p.clone(),
        None => default_db()?,
    };
    Ok(db.parent().map(Path::to_path_buf).unwrap_or_default())
}

/// User profiles: every `profiles/*.toml` beside the book, plus `extra`.
fn user_profiles(cli: &Cli, extra: Option<&Path>) -> Result<Vec<profile::Profile>> {
    let mut files = Vec::new();
    if let Ok(entries) = std::fs::read_dir(book_dir(cli)?.join("profiles")) {
        let mut found: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "toml"))
            .collect();
        found.sort();
        files.extend(found);
    }
    files.extend(extra.map(Path::to_path_buf));
    let mut out = Vec::new();
    for f in files {
        let text = std::fs::read_to_string(&f)
            .with_context(|| format!("cannot read profile {}", f.display()))?;
        out.push(
            profile::Profile::from_toml(&f.display().to_string(), &text).map_err(|e| anyhow!(e))?,
        );
    }
    Ok(out)
}

fn import_files(cli: &Cli, a: &ImportArgs, ctx: &RunContext, out: &mut dyn Write) -> Result<i32> {
    let mut store = open(cli)?;
    let target_kind = match &a.account {
        Some(name) => store.account_kind(name)?,
        None => None,
    };
    // `--profile my-bank.toml` loads that file and uses it.
    let profile_file = a
        .profile
        .as_deref()
        .map(Path::new)
        .filter(|p| p.extension().is_some_and(|e| e == "toml"));
    let user_profiles = user_profiles(cli, profile_file)?;
    let forced = match profile_file {
        Some(_) => user_profiles.last().map(|p| p.name.clone()),
        None => a.profile.clone(),
    };
    let opts = ParseOptions {
        profile: forced,
        target_kind,
        user_profiles,
        sheet: a.sheet.clone(),
    };
    let mut reports = Vec::new();
    let mut failed = false;
    for f in &a.files {
        let name = f.display().to_string();
        let progress = Progress::new(&name, f);
        let opened = match ingest::open(f, &name, &opts, |n| progress.at(n)) {
            Ok(o) => o,
            Err(e) => {
                eprintln!("error: {e}");
                failed = true;
                continue;
            }
        };
        let req = ImportRequest {
            file: &name,
            hash: &opened.hash,
            account: a.account.as_deref(),
            skip_bad_rows: a.skip_bad_rows,
            dry_run: a.dry_run,
            now: &ctx.now,
        };
        let result = ingest::pipelined(opened.statement, |st| store.import(st, &req));
        progress.done();
        match result {
            Ok(r) => {
                if !r.errors.is_empty() {
                    eprintln!("{name}: skipped {} bad row(s):", r.rejected);
                    print_bad_rows(&r.errors, r.rejected);
                }
                reports.push(r);
            }
            Err(StoreError::BadRows { shown, total }) => {
                eprintln!(
                    "error: {name}: {total} bad row(s); nothing was imported from this file:"
                );
                print_bad_rows(&shown, total);
                eprintln!("Fix the rows, or import the rest with --skip-bad-rows.");
                failed = true;
            }
            Err(e) => {
                eprintln!("error: {name}: {e}");
                failed = true;
            }
        }
    }
    if a.json {
        let v: Vec<_> = reports
            .iter()
            .map(|r| serde_json::json!({"file": r.file, "sheet": r.sheet, "profile": r.profile, "account": r.account, "added": r.added, "duplicates": r.duplicates, "rejected": r.rejected, "skipped": r.skipped, "held": r.held, "matches": r.matches, "import_id": r.import_id, "dry_run": a.dry_run}))
            .collect();
        serde_json::to_writer_pretty(&mut *out, &v)?;
        writeln!(out)?;
    } else {
        for r in &reports {
            let verb = if a.dry_run { "would add" } else { "added" };
            let sheet = r
                .sheet
                .as_ref()
                .map(|s| format!(" [sheet \"{s}\"]"))
                .unwrap_or_default();
            write!(
                out,
                "{}{sheet}: {} → {}: {verb} {}, {} already in the book",
                r.file, r.profile, r.account, r.added, r.duplicates
            )?;
            if r.rejected > 0 {
                write!(out, ", {} bad row(s) skipped", r.rejected)?;
            }
            if r.skipped > 0 {
                write!(
                    out,
                    ", {} row(s) left out (closed trades, other currencies, moves inside the wallet)",
                    r.skipped
                )?;
            }
            if r.held > 0 {
                write!(
                    out,
                    ", {} paid by bank card (kept to match the card's statement; they move no balance)",
                    r.held
                )?;
            }
            if let Some(id) = r.import_id {
                write!(out, " (import {id}; undo with `ebb undo-import {id}`)")?;
            }
            writeln!(out)?;
            if !r.created_accounts.is_empty() {
                writeln!(out, "  new account(s): {}", r.created_accounts.join(", "))?;
            }
            let near = r.matches.iter().filter(|m| m.state == "near").count();
            let matched = r.matches.len() - near;
            if matched > 0 {
                writeln!(
                    out,
                    "  {matched} card payment(s) found in both a wallet export and a statement: counted once, from the statement"
                )?;
            }
            if near > 0 {
                writeln!(
                    out,
                    "  {near} near match(es) to look at: `ebb matches --state near`, then `ebb matches confirm ID` or `reject ID`"
                )?;
            }
        }
    }
    Ok(if failed { 1 } else { 0 })
}

/// Wallet rows paid by card as a table, each beside its statement row.
fn print_matches(rows: &[CardMatch], out: &mut dyn Write) -> Result<()> {
    let mut t = Table::new(&[
        "id",
        "state",
        "date",
        "amount",
        "wallet",
        "paid with",
        "description",
        "statement row",
    ]);
    for m in rows {
        let statement = m.statement.as_ref().map_or_else(String::new, |s| {
            format!("{} {} {}", s.account, s.date, s.description)
        });
        t.row(vec![
            m.id.to_string(),
            m.state.clone(),
            m.date.to_string(),
            m.amount.grouped(),
            m.wallet.clone(),
            m.method.clone(),
            m.description.clone(),
            statement,
        ]);
    }
    t.right(&[0, 3]).print(out)?;
    Ok(())
}

/// A text cell for a CSV that people open in Excel or WPS: a cell that
/// starts with `=`, `+`, `-`, `@`, a tab or a carriage return would run as a
/// formula (CSV injection), so it gets a leading `'`. Plain numbers such as
/// `-12.50` stay numbers.
pub fn spreadsheet_safe(cell: &str) -> String {
    let plain_number = {
        let t = cell.strip_prefix('-').unwrap_or(cell);
        !t.is_empty()
            && t.bytes().all(|b| b.is_ascii_digit() || b == b'.')
            && t.bytes().filter(|&b| b == b'.').count() <= 1
    };
    if !plain_number && cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}")
    } else {
        cell.to_string()
    }
}

fn print_bad_rows(shown: &[RowError], total: u64) {
    for e in shown.iter().take(20) {
        eprintln!("  {e}");
    }
    if total > 20 {
        eprintln!("  … and {} more", total - 20);
    }
}

/// A progress line on stderr for big files when stderr is a terminal.
struct Progress {
    line: Option<(String, u64)>,
    shown: std::sync::atomic::AtomicU64,
}

impl Progress {
    fn new(name: &str, path: &Path) -> Progress {
        use std::io::IsTerminal;
        let size = std::fs::metadata(path).map_or(0, |m| m.len());
        let show = std::io::stderr().is_terminal() && size >= 4 << 20;
        Progress {
            line: show.then(|| (name.to_string(), size)),
            shown: std::sync::atomic::AtomicU64::new(u64::MAX),
        }
    }

    fn at(&self, read: u64) {
        if let Some((name, size)) = &self.line {
            let pct = read * 100 / (*size).max(1);
            if self.shown.swap(pct, std::sync::atomic::Ordering::Relaxed) != pct {
                eprint!("\r{name}: reading {pct}% of {:.1} MB", *size as f64 / 1e6);
            }
        }
    }

    fn done(&self) {
        if self.line.is_some() {
            eprint!("\r\x1b[2K");
        }
    }
}

fn accounts(cli: &Cli, as_of: NaiveDate, json: bool, out: &mut dyn Write) -> Result<i32> {
    let store = open(cli)?;
    let book = store.load_book()?;
    let rows = store.accounts()?;
    let mut items = Vec::new();
    for r in &rows {
        let a = &r.account;
        let (balance, warning) = if a.kind.is_cash() {
            projection::cash_balance(&book, &a.name, a.opening_balance, a.opening_date, as_of)
        } else {
            let owed: Money = book
                .transactions
                .iter()
                .filter(|t| t.account == a.name && t.date <= as_of)
                .map(|t| t.amount)
                .sum();
            (owed, None)
        };
        items.push((a, balance, warning, r.transactions));
    }
    if json {
        let v: Vec<_> = items
            .iter()
            .map(|(a, b, w, n)| serde_json::json!({"name": a.name, "kind": a.kind, "balance": b, "transactions": n, "reconciliation_warning": w}))
            .collect();
        serde_json::to_writer_pretty(&mut *out, &v)?;
        writeln!(out)?;
        return Ok(0);
    }
    if items.is_empty() {
        writeln!(
            out,
            "No accounts yet. Import a statement or apply a book.toml."
        )?;
        return Ok(0);
    }
    let mut t = Table::new(&["account", "kind", "balance", "transactions", "limit"]);
    for (a, b, _, n) in &items {
        let limit = a
            .credit
            .as_ref()
            .map(|c| c.limit.grouped())
            .unwrap_or_default();
        t.row(vec![
            a.name.clone(),
            a.kind.to_string(),
            b.grouped(),
            n.to_string(),
            limit,
        ]);
    }
    t.right(&[2, 3, 4]).print(out)?;
    writeln!(
        out,
        "Balances at the end of {as_of}; for credit accounts, the sum of imported rows (negative: owed)."
    )?;
    for (_, _, w, _) in &items {
        if let Some(w) = w {
            writeln!(out, "warning: {w}")?;
        }
    }
    Ok(0)
}

/// Finds a scenario by file path or saved name.
fn load_scenario(cli: &Cli, spec: &str) -> Result<ScenarioFile> {
    let direct = PathBuf::from(spec);
    let path = if direct.exists() {
        direct
    } else {
        if !crate::engine::scenario::valid_name(spec) {
            bail!(
                "no scenario file \"{spec}\"; a saved scenario's name has no / \\ : or leading dot (see `scenarios/` beside the book)"
            );
        }
        let p = book_dir(cli)?
            .join("scenarios")
            .join(format!("{spec}.toml"));
        if !p.exists() {
            bail!(
                "no scenario \"{spec}\": it is not a file, and {} does not exist",
                p.display()
            );
        }
        p
    };
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("cannot read {}", path.display()))?;
    Ok(ScenarioFile::parse(&path.display().to_string(), &text)?)
}

struct Run {
    monte_carlo: Option<montecarlo::MonteCarlo>,
    projection: Projection,
    bridge: Option<Money>,
    prestock: Option<Money>,
    scenario: Scenario,
    currency: String,
}

fn compute(store: &Store, cli: &Cli, a: &ForecastArgs, ctx: &RunContext) -> Result<Run> {
    let as_of = a.as_of.unwrap_or(ctx.today);
    // Only what the projection reads: fast on years of history.
    let book = store.load_book_for(as_of)?;
    let file = match &a.scenario {
        Some(s) => load_scenario(cli, s)?,
        None => ScenarioFile::default(),
    };
    let scenario = file.scenario()?;
    let req = Request::new(&book, &scenario, as_of, a.days);
    let projection = projection::project(&req)?;
    let bridge = solve::required_bridge(&req, &projection)?;
    let prestock = solve::largest_safe_prestock(&req, &projection)?;
    let monte_carlo = match a.runs {
        0 => None,
        n => Some(montecarlo::run(&book, &file, as_of, a.days, n, a.seed)?),
    };
    Ok(Run {
        monte_carlo,
        projection,
        bridge,
        prestock,
        currency: book.currency.clone(),
        scenario,
    })
}

fn forecast(
    store: &Store,
    cli: &Cli,
    a: &ForecastArgs,
    ctx: &RunContext,
    out: &mut dyn Write,
) -> Result<()> {
    let run = compute(store, cli, a, ctx)?;
    let p = &run.projection;
    if a.json {
        let mut doc = ForecastJson::new(
            p,
            run.scenario.name.as_deref(),
            &run.currency,
            run.bridge,
            run.prestock,
        );
        doc.monte_carlo = run.monte_carlo.as_ref();
        serde_json::to_writer_pretty(&mut *out, &doc)?;
        writeln!(out)?;
        return Ok(());
    }
    if a.csv {
        let mut w = csv::Writer::from_writer(&mut *out);
        let accounts: Vec<String> = p
            .days
            .first()
            .map(|d| d.credit.keys().map(str::to_string).collect())
            .unwrap_or_default();
        let mut head = vec![
            "date".to_string(),
            "cash".into(),
            "inflow".into(),
            "outflow".into(),
        ];
        for n in &accounts {
            head.extend([
                spreadsheet_safe(&format!("{n}_owed")),
                spreadsheet_safe(&format!("{n}_available")),
                spreadsheet_safe(&format!("{n}_locked")),
            ]);
        }
        w.write_record(&head)?;
        for d in &p.days {
            let mut rec = vec![
                d.date.to_string(),
                d.cash.to_string(),
                d.inflow.to_string(),
                d.outflow.to_string(),
            ];
            for n in &accounts {
                if let Some(c) = d.credit.get(n) {
                    rec.extend([
                        c.owed.to_string(),
                        c.available.to_string(),
                        c.locked.to_string(),
                    ]);
                }
            }
            w.write_record(&rec)?;
        }
        w.flush()?;
        return Ok(());
    }
    let s = &p.summary;
    let name = run.scenario.name.as_deref().unwrap_or("baseline");
    writeln!(
        out,
        "ebb forecast — {name}, as of {}, {} days",
        p.as_of, p.horizon
    )?;
    writeln!(out, "  risk            {}", s.risk.name().to_uppercase())?;
    writeln!(out, "  cash today      {}", p.start_cash.grouped())?;
    writeln!(
        out,
        "  minimum cash    {} on {}",
        s.min_cash.grouped(),
        s.min_cash_date
    )?;
    match (s.first_shortfall_date, s.runway_days) {
        (Some(d), Some(r)) => writeln!(out, "  runway          {r} days (cash below zero on {d})")?,
        _ => writeln!(out, "  runway          no shortfall in the horizon")?,
    }
    if s.overdue_bills > 0 {
        writeln!(
            out,
            "  overdue         {} obligation(s), up to {} days past due",
            s.overdue_bills, s.max_days_past_due
        )?;
    }
    for l in &s.locks {
        writeln!(out, "  LOCK            {} locks on {}", l.account, l.date)?;
    }
    writeln!(
        out,
        "  penalty / fees / interest   {} / {} / {}",
        s.penalty_total.grouped(),
        s.fee_total.grouped(),
        s.interest_total.grouped()
    )?;
    match run.bridge {
        Some(b) if b.is_zero() => writeln!(out, "  bridge needed   none")?,
        Some(b) => writeln!(
            out,
            "  bridge needed   {} on {} keeps risk amber or better",
            b.grouped(),
            p.as_of.succ_opt().unwrap_or(p.as_of)
        )?,
        None => writeln!(
            out,
            "  bridge needed   no bridge within the search bound fixes this"
        )?,
    }
    if let Some(x) = run.prestock {
        writeln!(out, "  largest safe prestock   {}", x.grouped())?;
    }
    if let Some(mc) = &run.monte_carlo {
        let pct =
            |d: rust_decimal::Decimal| format!("{:.1}%", d * rust_decimal::Decimal::ONE_HUNDRED);
        writeln!(
            out,
            "  monte carlo     {} runs (seed {}): P(overdue) {}, P(lock) {}",
            mc.runs,
            mc.seed,
            pct(mc.p_overdue),
            pct(mc.p_lock)
        )?;
        writeln!(
            out,
            "                  minimum cash p5 {} · p50 {} · p95 {}",
            mc.min_cash_p5.grouped(),
            mc.min_cash_p50.grouped(),
            mc.min_cash_p95.grouped()
        )?;
    }
    for w in &p.warnings {
        writeln!(out, "warning: {w}")?;
    }
    let key: Vec<_> = p
        .events
        .iter()
        .filter(|e| {
            !matches!(
                e.kind,
                projection::EventKind::Payment
                    | projection::EventKind::BillDue
                    | projection::EventKind::InstallmentDue
                    | projection::EventKind::Statement
            )
        })
        .take(15)
        .collect();
    if !key.is_empty() {
        writeln!(out, "events:")?;
        for e in key {
            writeln!(out, "  {}  {:<16} {}", e.date, e.kind.name(), e.detail)?;
        }
    }
    Ok(())
}

fn check(
    store: &Store,
    cli: &Cli,
    a: &ForecastArgs,
    ctx: &RunContext,
    out: &mut dyn Write,
) -> Result<i32> {
    let run = compute(store, cli, a, ctx)?;
    let p = &run.projection;
    let s = &p.summary;
    let reason = match s.risk {
        Risk::Critical => {
            let l = s
                .locks
                .first()
                .map(|l| format!("{} locks on {}", l.account, l.date))
                .unwrap_or_else(|| "a credit account is locked".into());
            format!("CRITICAL: {l}")
        }
        Risk::Red => match s.first_shortfall_date {
            Some(d) => format!(
                "RED: cash falls below zero on {d} (minimum {} on {})",
                s.min_cash.grouped(),
                s.min_cash_date
            ),
            None => format!("RED: {} obligation(s) go overdue", s.overdue_bills),
        },
        Risk::Amber => format!(
            "AMBER: minimum cash {} on {}",
            s.min_cash.grouped(),
            s.min_cash_date
        ),
        Risk::Green => format!(
            "GREEN: minimum cash {} on {}",
            s.min_cash.grouped(),
            s.min_cash_date
        ),
    };
    writeln!(out, "{reason}")?;
    if let Some(b) = run.bridge.filter(|b| b.is_positive()) {
        writeln!(
            out,
            "A bridge of {} by {} keeps risk amber or better.",
            b.grouped(),
            p.as_of.succ_opt().unwrap_or(p.as_of)
        )?;
    }
    Ok(match s.risk {
        Risk::Green | Risk::Amber => 0,
        Risk::Red => 1,
        Risk::Critical => 2,
    })
}

fn every_text(e: &crate::engine::book::Every) -> String {
    use crate::engine::book::Every;
    match e {
        Every::Month(Some(d)) => format!("monthly on day {d}"),
        Every::Month(None) => "monthly".into(),
        Every::Week(w) => format!("weekly on {w}"),
        Every::Days(n) => format!("every {n} days"),
    }
}

fn recurring(
    cli: &Cli,
    cmd: &RecurringCommand,
    ctx: &RunContext,
    out: &mut dyn Write,
) -> Result<i32> {
    use crate::engine::book::Every;
    use crate::engine::bookfile::RecurringDecl;
    use crate::engine::tomlnum::Num;
    let mut store = open(cli)?;
    match cmd {
        RecurringCommand::List => {
            let book = store.load_book()?;
            if book.recurring.is_empty() {
                writeln!(
                    out,
                    "No recurring items. Suggest some with `ebb recurring detect`, or declare them in book.toml."
                )?;
                return Ok(0);
            }
            let mut t = Table::new(&[
                "name", "account", "amount", "when", "from", "to", "category",
            ]);
            for r in &book.recurring {
                t.row(vec![
                    r.name.clone(),
                    r.account.clone(),
                    r.amount.grouped(),
                    every_text(&r.every),
                    r.start.map(|d| d.to_string()).unwrap_or_default(),
                    r.end.map(|d| d.to_string()).unwrap_or_default(),
                    r.category.clone(),
                ]);
            }
            t.right(&[2]).print(out)?;
            Ok(0)
        }
        RecurringCommand::Detect {
            as_of,
            confirm,
            all,
        } => {
            let book = store.load_book()?;
            let found = crate::engine::recurring::detect(&book, as_of.unwrap_or(ctx.today));
            if found.is_empty() {
                writeln!(
                    out,
                    "No regular payments found yet (ebb needs at least three occurrences of the same counterparty at a monthly or weekly rhythm)."
                )?;
                return Ok(0);
            }
            let mut t = Table::new(&[
                "name",
                "account",
                "amount",
                "when",
                "seen",
                "last",
                "confidence",
            ]);
            for s in &found {
                t.row(vec![
                    s.name.clone(),
                    s.account.clone(),
                    s.amount.grouped(),
                    every_text(&s.every),
                    format!("{}×", s.occurrences),
                    s.last.to_string(),
                    format!("{:.0}%", s.confidence * rust_decimal::Decimal::ONE_HUNDRED),
                ]);
            }
            t.right(&[2, 4, 6]).print(out)?;
            for name in confirm {
                if !found.iter().any(|s| &s.name == name) {
                    bail!("no suggestion is called \"{name}\"; use a name from the list above");
                }
            }
            let chosen: Vec<_> = found
                .iter()
                .filter(|s| *all || confirm.contains(&s.name))
                .collect();
            if chosen.is_empty() {
                writeln!(
                    out,
                    "Confirm with `ebb recurring detect --confirm NAME` (or --all); confirmed items feed the forecast."
                )?;
                return Ok(0);
            }
            let decls = chosen
                .iter()
                .map(|s| RecurringDecl {
                    name: s.name.clone(),
                    account: s.account.clone(),
                    amount: Num(s.amount.decimal()),
                    every: match s.every {
                        Every::Week(_) => "week".into(),
                        Every::Days(_) => "days".into(),
                        Every::Month(_) => "month".into(),
                    },
                    day: match &s.every {
                        Every::Month(Some(d)) => Some(toml::Value::Integer(i64::from(*d))),
                        Every::Week(w) => Some(toml::Value::String(w.to_string().to_lowercase())),
                        _ => None,
                    },
                    interval: None,
                    start: Some(s.first),
                    end: None,
                    category: None,
                })
                .collect();
            store.apply(&BookFile {
                recurring: decls,
                ..Default::default()
            })?;
            writeln!(
                out,
                "Confirmed {} recurring item(s): {}",
                chosen.len(),
                chosen
                    .iter()
                    .map(|s| s.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )?;
            Ok(0)
        }
    }
}

/// `ebb demo --no-tui`: the sample business's story, from the engine.
pub fn demo_story(out: &mut dyn Write) -> Result<()> {
    use crate::demo;
    use crate::engine::projection::EventKind as K;
    let store = demo::load()?;
    let book = store.load_book()?;
    let as_of = demo::as_of();
    let days = 90;
    let none = Scenario::default();
    let base = projection::project(&Request::new(&book, &none, as_of, days))?;
    let d11 = demo::scenario("double11")?.scenario()?;
    let req = Request::new(&book, &d11, as_of, days);
    let squeeze = projection::project(&req)?;
    let bridge = solve::required_bridge(&req, &squeeze)?;
    let prestock = solve::largest_safe_prestock(&req, &squeeze)?;
    let cured_sc = demo::scenario("double11-cured")?.scenario()?;
    let cured = projection::project(&Request::new(&book, &cured_sc, as_of, days))?;

    writeln!(
        out,
        "ebb demo — 暖居小家电 (Nuanju Home Appliances), a small-appliance shop on JD, as of {as_of}"
    )?;
    let cash: Vec<String> = book
        .accounts
        .iter()
        .filter(|a| a.kind.is_cash())
        .map(|a| a.name.clone())
        .collect();
    writeln!(
        out,
        "\nToday: cash {} across {}.",
        base.start_cash.grouped(),
        cash.join(", ")
    )?;
    for b in book
        .bills
        .iter()
        .filter(|b| b.due_date > as_of && b.paid < b.amount_due)
    {
        writeln!(
            out,
            "       {} bill {} due {}.",
            b.account,
            b.amount_due.grouped(),
            b.due_date
        )?;
    }
    let s = &base.summary;
    writeln!(
        out,
        "\nBaseline — business as usual: {}. Lowest cash {} on {}.",
        s.risk.name().to_uppercase(),
        s.min_cash.grouped(),
        s.min_cash_date
    )?;

    let promo = d11.promotions.first();
    if let Some(p) = promo {
        let stock = p
            .prestock
            .as_ref()
            .map(|x| {
                format!(
                    ", {} of stock bought ahead on {} ({})",
                    x.amount.grouped(),
                    x.date,
                    match &x.funding {
                        crate::engine::scenario::Funding::Cash => "cash".to_string(),
                        crate::engine::scenario::Funding::Credit(a) => a.clone(),
                    }
                )
            })
            .unwrap_or_default();
        writeln!(
            out,
            "\nDouble 11 — sales ×{} from {} to {}{stock}; JD pays out {} days after delivery, {}% returns, {} a day of ads:",
            p.uplift + rust_decimal::Decimal::ONE,
            p.start.format("%m-%d"),
            p.end.format("%m-%d"),
            p.settlement_lag_days,
            (p.return_rate * rust_decimal::Decimal::ONE_HUNDRED).normalize(),
            p.ad_spend_daily.grouped()
        )?;
    }
    let s = &squeeze.summary;
    writeln!(out, "  risk {}", s.risk.name().to_uppercase())?;
    let first = |k: K| squeeze.events.iter().find(|e| e.kind == k);
    if let Some(e) = first(K::Overdue) {
        let acct = e.account.clone().unwrap_or_default();
        let due = e.reference.clone().unwrap_or_default();
        writeln!(
            out,
            "  {}  {acct} {due} cannot be paid: {} short",
            e.date.pred_opt().unwrap_or(e.date),
            e.amount.grouped()
        )?;
        let mut what = vec!["overdue, penalty interest starts".to_string()];
        if let Some(l) = first(K::Lock) {
            if l.date == e.date {
                what.push(format!("{acct} locks"));
            }
        }
        if let Some(c) = first(K::LimitCut) {
            what.push(format!("its {} limit is frozen", c.amount.grouped()));
        }
        if first(K::BureauReport).is_some() {
            what.push("the overdue is reported to the credit bureau".into());
        }
        writeln!(out, "  {}  {}", e.date, what.join("; "))?;
    }
    if let Some(e) = first(K::PurchaseBlocked) {
        writeln!(
            out,
            "  {}  {} — the shop cannot restock on credit",
            e.date, e.detail
        )?;
    }
    if let Some(e) = first(K::Shortfall) {
        writeln!(
            out,
            "  {}  cash falls below zero ({})",
            e.date,
            e.amount.grouped()
        )?;
    }
    writeln!(
        out,
        "  penalty so far {}; lowest cash {} on {}",
        s.penalty_total.grouped(),
        s.min_cash.grouped(),
        s.min_cash_date
    )?;

    writeln!(out, "\nThe cures, before the money is spent:")?;
    match bridge {
        Some(b) if b.is_positive() => writeln!(
            out,
            "  - a bridge of {} arriving {} keeps the risk amber or better",
            b.grouped(),
            as_of.succ_opt().unwrap_or(as_of)
        )?,
        _ => {}
    }
    if let Some(p) = prestock {
        writeln!(out, "  - or buy at most {} of stock ahead", p.grouped())?;
    }
    if let Some(c) = cured_sc.conversions.first() {
        writeln!(
            out,
            "  - or convert the {} bill due {} into {} installments (double11-cured): {}, lowest cash {} on {}",
            c.account,
            c.bill_due,
            c.periods,
            cured.summary.risk.name().to_uppercase(),
            cured.summary.min_cash.grouped(),
            cured.summary.min_cash_date
        )?;
    }
    writeln!(
        out,
        "\nThe sample's files are in sample-data/; import them into a book of your own with `ebb apply` and `ebb import`."
    )?;
    Ok(())
}

/// The interface language: `--lang`, else `LANG`.
fn ui_lang(cli: &Cli) -> crate::tui::Lang {
    crate::tui::Lang::pick(cli.lang.as_deref(), std::env::var("LANG").ok().as_deref())
}
