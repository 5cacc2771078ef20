//! The fuzz corpus as regression tests (reliability issue): every input the
//! fuzzers kept in `tests/fuzz-corpus/<target>/` (the seeds, what coverage
//! found, and any input that once crashed) goes through the same entry
//! point as its fuzz target and must come back without a panic. The real
//! statement fixtures go through the statement target too. How to run the
//! fuzzers: README, "Fuzzing".

use std::path::Path;

fn replay(target: &str, f: fn(&[u8])) -> usize {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fuzz-corpus")
        .join(target);
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let bytes = std::fs::read(&path).unwrap();
        let r = std::panic::catch_unwind(|| f(&bytes));
        assert!(r.is_ok(), "{target}: {} panics", path.display());
        n += 1;
    }
    n
}

#[test]
fn statement_corpus_and_fixtures() {
    assert!(replay("statement", ebb::fuzzing::statement) >= 5);
    let fixtures = crate::common::fixture("");
    let mut n = 0;
    for entry in walk(&fixtures) {
        if entry.extension().is_some_and(|e| e == "csv") {
            ebb::fuzzing::statement(&std::fs::read(&entry).unwrap());
            n += 1;
        }
    }
    assert!(n >= 10, "only {n} fixtures");
}

/// Damaged workbooks — cut short, or with bytes changed — give an error or
/// rows, never a panic: the spreadsheet fixtures, each cut at 16 points and
/// with one byte flipped at 48 places spread through the file.
#[test]
fn damaged_spreadsheets_never_panic() {
    let opts = ebb::engine::import::ParseOptions::default();
    let mut n = 0;
    for entry in walk(&crate::common::fixture("statements")) {
        if !entry.extension().is_some_and(|e| e == "xls" || e == "xlsx") {
            continue;
        }
        let good = std::fs::read(&entry).unwrap();
        assert!(ebb::engine::import::parse("ok.xls", &good, &opts).is_ok());
        for k in 1..16 {
            let _ = ebb::engine::import::parse("cut.xls", &good[..good.len() * k / 16], &opts);
        }
        for k in 0..48 {
            let mut bad = good.clone();
            let at = 8 + (bad.len() - 8) * k / 48;
            bad[at] ^= 0x5A;
            let _ = ebb::engine::import::parse("flipped.xls", &bad, &opts);
        }
        n += 1;
    }
    assert_eq!(n, 4, "the four spreadsheet fixtures");
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

#[test]
fn profile_corpus() {
    assert!(replay("profile_toml", ebb::fuzzing::profile_toml) >= 17);
}

#[test]
fn book_corpus() {
    assert!(replay("book_toml", ebb::fuzzing::book_toml) >= 2);
}

#[test]
fn scenario_corpus() {
    assert!(replay("scenario_toml", ebb::fuzzing::scenario_toml) >= 2);
}
