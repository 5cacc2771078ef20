//! Helpers shared by the integration tests.

use ebb::engine::book::Book;
use ebb::engine::bookfile::BookFile;
use ebb::engine::money::Money;
use ebb::engine::projection::{Projection, Request, project};
use ebb::engine::scenario::{Scenario, ScenarioFile};
use ebb::store::Store;

/// A book from book.toml text, through a real (in-memory) store.
pub fn book(toml: &str) -> Book {
    let bf = BookFile::parse("book.toml", toml).expect("book parses");
    let mut store = Store::open_in_memory().expect("store");
    store.apply(&bf).expect("apply");
    store.load_book().expect("load")
}

/// A scenario from scenario TOML text.
pub fn scenario(toml: &str) -> Scenario {
    ScenarioFile::parse("scenario.toml", toml)
        .expect("scenario parses")
        .scenario()
        .expect("scenario resolves")
}

/// Runs a projection.
pub fn run(book: &Book, sc: &Scenario, as_of: &str, days: u32) -> Projection {
    project(&Request::new(book, sc, date(as_of), days)).expect("projection runs")
}

/// A date.
pub fn date(s: &str) -> chrono::NaiveDate {
    s.parse().expect("date")
}

/// An amount.
pub fn m(s: &str) -> Money {
    s.parse().expect("amount")
}

/// Events as (date, kind, account, amount) strings, for exact comparison.
pub fn events(p: &Projection) -> Vec<String> {
    p.events
        .iter()
        .map(|e| {
            format!(
                "{} {} {} {}",
                e.date,
                e.kind,
                e.account.as_deref().unwrap_or("-"),
                e.amount
            )
        })
        .collect()
}

/// Closing cash on a date.
pub fn cash_on(p: &Projection, d: &str) -> Money {
    p.days
        .iter()
        .find(|x| x.date == date(d))
        .expect("day in horizon")
        .cash
}

/// Path of a fixture file.
pub fn fixture(rel: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(rel)
}
