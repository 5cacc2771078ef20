//! Spreadsheet statements through the real binary: which sheet is read,
//! how a bad cell is named, and that a failed import writes nothing. The
//! fixtures' own counts and sums are in `fixtures.rs`; workbooks made here
//! are written with rust_xlsxwriter, as Excel would save them.

use std::path::{Path, PathBuf};

use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};

use crate::common::fixture;
use crate::fixtures::{fails, import_json, transactions};

fn wechat_xlsx() -> PathBuf {
    fixture("statements/wechat/example-wechat-records.xlsx")
}

/// A workbook with a notes sheet, then a statement sheet in ebb's own
/// bank layout whose rows are given as (date, description, amount cell).
fn workbook(dir: &Path, rows: &[(&str, &str, &str)]) -> PathBuf {
    let mut wb = Workbook::new();
    let notes = wb.add_worksheet();
    notes.set_name("说明").unwrap();
    notes
        .write_string(0, 0, "导出说明：本文件由网银导出")
        .unwrap();
    let ws = wb.add_worksheet();
    ws.set_name("流水").unwrap();
    let day = Format::new().set_num_format("yyyy-mm-dd");
    for (c, h) in ["date", "description", "amount", "balance"]
        .iter()
        .enumerate()
    {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    for (i, (d, desc, amt)) in rows.iter().enumerate() {
        let r = i as u32 + 1;
        let (y, m, dd) = (&d[0..4], &d[5..7], &d[8..10]);
        let when =
            ExcelDateTime::from_ymd(y.parse().unwrap(), m.parse().unwrap(), dd.parse().unwrap())
                .unwrap();
        ws.write_datetime_with_format(r, 0, &when, &day).unwrap();
        ws.write_string(r, 1, *desc).unwrap();
        match amt.parse::<f64>() {
            Ok(x) => ws.write_number(r, 2, x).unwrap(),
            Err(_) => ws.write_string(r, 2, *amt).unwrap(),
        };
    }
    let path = dir.join("流水.xlsx");
    wb.save(&path).unwrap();
    path
}

#[test]
fn the_export_sheet_is_read_not_its_converted_copy() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("book.db");
    let xlsx = wechat_xlsx();
    let r = import_json(&db, &[xlsx.to_str().unwrap()]);
    assert_eq!(r[0]["sheet"], "Sheet1");
    assert_eq!(r[0]["added"], 18);
    // Asked for, the converted copy reads too, and holds the same rows.
    let copy = import_json(
        &db,
        &[xlsx.to_str().unwrap(), "--sheet", "example-wechat-records"],
    );
    assert_eq!(copy[0]["sheet"], "example-wechat-records");
    // Its 18 rows and the 7 paid by card are all in the book already.
    assert_eq!(
        (copy[0]["added"].as_u64(), copy[0]["duplicates"].as_u64()),
        (Some(0), Some(25))
    );
    // And the CSV of the same export adds nothing either (18 rows, 7 paid by card).
    let csv = fixture("statements/wechat/example-wechat-records.csv");
    let r = import_json(&db, &[csv.to_str().unwrap()]);
    assert_eq!(
        (r[0]["added"].as_u64(), r[0]["duplicates"].as_u64()),
        (Some(0), Some(25))
    );
}

#[test]
fn a_sheet_that_is_not_there_is_named_with_the_ones_that_are() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("book.db");
    let err = fails(
        &db,
        &[
            "import",
            wechat_xlsx().to_str().unwrap(),
            "--sheet",
            "Sheet9",
        ],
    );
    assert!(
        err.contains("no sheet \"Sheet9\"")
            && err.contains("\"example-wechat-records\", \"Sheet1\""),
        "{err}"
    );
}

#[test]
fn a_workbook_of_ebbs_own_layout_reads_its_date_cells() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("book.db");
    let path = workbook(
        dir.path(),
        &[
            ("2026-01-05", "货款 A", "1234.5"),
            ("2026-01-06", "运费", "-86.2"),
            ("2026-01-06", "运费", "-86.2"),
        ],
    );
    let r = import_json(&db, &[path.to_str().unwrap(), "--account", "main"]);
    assert_eq!(r[0]["sheet"], "流水", "the notes sheet has no statement");
    assert_eq!(r[0]["profile"], "ebb-bank");
    assert_eq!(r[0]["added"], 3, "two identical rows are two payments");
    let rows = transactions(&db);
    let got: Vec<(&str, &str)> = rows
        .iter()
        .map(|r| (r["date"].as_str().unwrap(), r["amount"].as_str().unwrap()))
        .collect();
    assert_eq!(
        got,
        [
            ("2026-01-05", "1234.50"),
            ("2026-01-06", "-86.20"),
            ("2026-01-06", "-86.20")
        ]
    );
    let again = import_json(&db, &[path.to_str().unwrap(), "--account", "main"]);
    assert_eq!(again[0]["added"], 0);
}

#[test]
fn a_bad_cell_is_named_by_sheet_and_cell_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("book.db");
    let path = workbook(
        dir.path(),
        &[
            ("2026-01-05", "货款 A", "1234.5"),
            ("2026-01-06", "运费", "12.3.4"),
        ],
    );
    let err = fails(
        &db,
        &["import", path.to_str().unwrap(), "--account", "main"],
    );
    assert!(
        err.contains("sheet \"流水\", cell C3 (column \"amount\")") && err.contains("\"12.3.4\""),
        "{err}"
    );
    assert!(err.contains("nothing was imported"), "{err}");
    assert!(transactions(&db).is_empty());
}

#[test]
fn a_workbook_without_a_statement_names_its_sheets() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("book.db");
    let mut wb = Workbook::new();
    wb.add_worksheet()
        .set_name("Summary")
        .unwrap()
        .write_string(0, 0, "本月汇总")
        .unwrap();
    let path = dir.path().join("summary.xlsx");
    wb.save(&path).unwrap();
    let err = fails(&db, &["import", path.to_str().unwrap()]);
    assert!(
        err.contains("none of its sheets (\"Summary\") has a known statement layout"),
        "{err}"
    );
}

#[test]
fn a_damaged_workbook_says_so_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("book.db");
    let good = std::fs::read(wechat_xlsx()).unwrap();
    let path = dir.path().join("cut.xlsx");
    std::fs::write(&path, &good[..good.len() / 2]).unwrap();
    let err = fails(&db, &["import", path.to_str().unwrap()]);
    assert!(
        err.contains("looks like a spreadsheet but cannot be read") && err.contains("cut.xlsx"),
        "{err}"
    );
    assert!(transactions(&db).is_empty());
}

/// This byte changed in the CCB export makes the `.xls` reader fail inside
/// (an index out of range): ebb says the file is damaged, prints no panic,
/// and writes nothing.
#[test]
fn a_workbook_that_trips_the_reader_is_reported_as_damaged() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("book.db");
    let mut bytes = std::fs::read(fixture(
        "statements/ccb/交易明细_xxxx_2025xxxx_2025xxxx.xls",
    ))
    .unwrap();
    let at = 8 + (bytes.len() - 8) * 20 / 48;
    bytes[at] ^= 0x5A;
    let path = dir.path().join("ccb.xls");
    std::fs::write(&path, &bytes).unwrap();
    let err = fails(&db, &["import", path.to_str().unwrap()]);
    assert!(
        err.contains("ccb.xls: looks like a spreadsheet but cannot be read (it is damaged)"),
        "{err}"
    );
    assert!(!err.contains("panicked"), "{err}");
    assert!(transactions(&db).is_empty());
}
