//! The demo business (SPEC.md, `ebb demo`): 暖居小家电, a JD shop heading
//! into Double 11, loaded from the files in `sample-data/` (embedded in the
//! binary) into a throw-away in-memory book, as of a fixed date so everyone
//! sees the same story.
//!
//! Owns: the embedded sample, loading it, and the story as text. Must not:
//! touch the user's book or read the clock.

use chrono::NaiveDate;

use crate::engine::bookfile::BookFile;
use crate::engine::import::{self, ParseOptions};
use crate::engine::scenario::ScenarioFile;
use crate::store::{ImportRequest, Store, StoreError, sha256_hex};

/// The demo's fixed `as_of`.
pub const AS_OF: (i32, u32, u32) = (2026, 10, 20);

/// The demo's `as_of` as a date.
pub fn as_of() -> NaiveDate {
    NaiveDate::from_ymd_opt(AS_OF.0, AS_OF.1, AS_OF.2).unwrap_or_default()
}

const BOOK: &str = include_str!("../sample-data/book.toml");
/// Statement files in import order: (file name, bytes, `--account`).
const FILES: &[(&str, &[u8], Option<&str>)] = &[
    (
        "icbc-8866.csv",
        include_bytes!("../sample-data/icbc-8866.csv"),
        None,
    ),
    (
        "alipay.csv",
        include_bytes!("../sample-data/alipay.csv"),
        None,
    ),
    (
        "wechat.csv",
        include_bytes!("../sample-data/wechat.csv"),
        None,
    ),
    ("jd.csv", include_bytes!("../sample-data/jd.csv"), None),
    (
        "credit-bills.csv",
        include_bytes!("../sample-data/credit-bills.csv"),
        None,
    ),
    (
        "jincai-transactions.csv",
        include_bytes!("../sample-data/jincai-transactions.csv"),
        Some("jincai"),
    ),
];
/// The scenarios: (name, TOML).
pub const SCENARIOS: &[(&str, &str)] = &[
    (
        "double11",
        include_str!("../sample-data/scenarios/double11.toml"),
    ),
    (
        "double11-cured",
        include_str!("../sample-data/scenarios/double11-cured.toml"),
    ),
];

/// Why the demo cannot load (a broken build, never user input).
#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A sample file did not parse.
    #[error("the sample data is broken: {0}")]
    Sample(String),
}

/// A fresh in-memory book holding the sample business.
pub fn load() -> Result<Store, DemoError> {
    let mut store = Store::open_in_memory()?;
    let book = BookFile::parse("sample-data/book.toml", BOOK)
        .map_err(|e| DemoError::Sample(e.to_string()))?;
    store.apply(&book)?;
    for (name, bytes, account) in FILES {
        let target_kind = match account {
            Some(a) => store.account_kind(a)?,
            None => None,
        };
        let opts = ParseOptions {
            target_kind,
            ..Default::default()
        };
        let file = format!("sample-data/{name}");
        let parsed =
            import::parse(&file, bytes, &opts).map_err(|e| DemoError::Sample(e.to_string()))?;
        let hash = sha256_hex(bytes);
        let req = ImportRequest {
            file: &file,
            hash: &hash,
            account: *account,
            skip_bad_rows: false,
            dry_run: false,
            now: "demo",
        };
        store.import(parsed.statement(), &req)?;
    }
    Ok(store)
}

/// A demo scenario by name.
pub fn scenario(name: &str) -> Result<ScenarioFile, DemoError> {
    let (n, text) = SCENARIOS
        .iter()
        .find(|(n, _)| *n == name)
        .ok_or_else(|| DemoError::Sample(format!("no demo scenario {name}")))?;
    ScenarioFile::parse(&format!("sample-data/scenarios/{n}.toml"), text)
        .map_err(|e| DemoError::Sample(e.to_string()))
}
