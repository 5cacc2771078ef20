//! Entry points for the fuzz targets (`fuzz/`) and for the regression test
//! that replays their corpus (`tests/it/fuzz_corpus.rs`): each takes
//! arbitrary bytes and must return, never panic. Not part of ebb's API.
//!
//! Owns: what each fuzz target exercises. Must not: write anything.

use crate::engine::import::{self, ParseOptions, generic, profile};

/// Encoding detection, header detection and every row parser: the bytes as
/// a statement, with the layout detected and then forced to each built-in
/// profile and generic format in turn.
pub fn statement(bytes: &[u8]) {
    let auto = ParseOptions::default();
    let _ = import::parse("fuzz.csv", bytes, &auto);
    let names = profile::builtin().iter().map(|p| p.name.clone()).chain(
        [
            generic::Generic::Bank,
            generic::Generic::CreditTransactions,
            generic::Generic::Bills,
        ]
        .map(|g| g.name().to_string()),
    );
    for name in names {
        let opts = ParseOptions {
            profile: Some(name),
            ..Default::default()
        };
        let _ = import::parse("fuzz.csv", bytes, &opts);
    }
}

/// A user profile TOML; when it loads, it also reads a small statement.
pub fn profile_toml(bytes: &[u8]) {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return;
    };
    if let Ok(p) = profile::Profile::from_toml("fuzz.toml", text) {
        let opts = ParseOptions {
            profile: Some(p.name.clone()),
            user_profiles: vec![p],
            ..Default::default()
        };
        let _ = import::parse(
            "fuzz.csv",
            "date,description,amount\n2026-01-01,x,1.00\n".as_bytes(),
            &opts,
        );
    }
}

/// A book.toml; when it parses, it is also turned into a book.
pub fn book_toml(bytes: &[u8]) {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return;
    };
    if let Ok(bf) = crate::engine::bookfile::BookFile::parse("fuzz.toml", text)
        && let Ok(mut store) = crate::store::Store::open_in_memory()
        && store.apply(&bf).is_ok()
    {
        let _ = store.load_book();
    }
}

/// A scenario TOML; when it parses, it is also resolved.
pub fn scenario_toml(bytes: &[u8]) {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return;
    };
    if let Ok(sf) = crate::engine::scenario::ScenarioFile::parse("fuzz.toml", text) {
        let _ = sf.scenario();
    }
}
