//! Spreadsheet statements (`.xlsx`, `.xls`, `.ods`), read with calamine.
//!
//! Each sheet becomes rows of text cells numbered as the spreadsheet
//! numbers them, so the same layouts and profiles that read CSV read
//! spreadsheets, and a bad cell is named by sheet and cell (`D7`).
//! Owns: cell → text, sheet → rows, which sheet holds the statement.
//! Must not: read files (the caller passes the bytes).

use std::cell::Cell;
use std::io::Cursor;
use std::panic::AssertUnwindSafe;

use calamine::{Data, Reader};

use crate::engine::import::ImportError;

/// A spreadsheet format, told from the first bytes of a file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Office Open XML (`.xlsx`) or OpenDocument (`.ods`): a zip archive.
    Zip,
    /// Excel 97–2003 (`.xls`): a compound file.
    Compound,
}

/// The spreadsheet format of a file, from its first bytes; `None` for a
/// text file.
pub fn sniff(head: &[u8]) -> Option<Format> {
    const ZIP: &[u8] = b"PK\x03\x04";
    const CFB: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    if head.starts_with(ZIP) {
        Some(Format::Zip)
    } else if head.starts_with(CFB) {
        Some(Format::Compound)
    } else {
        None
    }
}

/// One sheet as rows of text: (row number as the spreadsheet shows it,
/// cells).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sheet {
    /// The sheet's name.
    pub name: String,
    /// Its rows.
    pub rows: Vec<(u64, Vec<String>)>,
}

impl Sheet {
    /// No cell has text?
    pub fn is_blank(&self) -> bool {
        self.rows
            .iter()
            .all(|(_, r)| r.iter().all(|c| super::cells::is_blank(c)))
    }

    /// A row of placeholder names (`Column1`, `Column2`, … or `列1`, …)
    /// above the data: the mark a table conversion leaves, so the sheet is
    /// a converted copy of the export rather than the export itself.
    pub fn is_converted_copy(&self, header: usize) -> bool {
        self.rows[..header.min(self.rows.len())]
            .iter()
            .any(|(_, r)| {
                let cells: Vec<&str> = r
                    .iter()
                    .map(|c| super::cells::trimmed(c))
                    .filter(|c| !c.is_empty())
                    .collect();
                cells.len() >= 2
                    && cells.iter().all(|c| {
                        ["Column", "column", "列"].iter().any(|p| {
                            c.strip_prefix(p).is_some_and(|n| {
                                !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit())
                            })
                        })
                    })
            })
    }
}

thread_local! {
    static READING: Cell<bool> = const { Cell::new(false) };
}

/// Is this thread inside the workbook reader? calamine can panic on a
/// damaged file (an index out of range in an `.xls`); `read` catches that
/// and reports the file as damaged, so a panic hook should stay quiet (and
/// leave the terminal alone) while this is true.
pub fn reading_workbook() -> bool {
    READING.with(Cell::get)
}

/// The sheets of a workbook, in workbook order.
pub fn read(file: &str, bytes: &[u8]) -> Result<Vec<Sheet>, ImportError> {
    READING.with(|r| r.set(true));
    let out = std::panic::catch_unwind(AssertUnwindSafe(|| read_sheets(file, bytes)));
    READING.with(|r| r.set(false));
    out.unwrap_or_else(|_| Err(broken(file, &"it is damaged")))
}

fn broken(file: &str, e: &dyn std::fmt::Display) -> ImportError {
    ImportError::NotText {
        file: file.to_string(),
        reason: format!(
            "looks like a spreadsheet but cannot be read ({e}); open it in Excel or WPS and save it again as .xlsx or CSV"
        ),
    }
}

fn read_sheets(file: &str, bytes: &[u8]) -> Result<Vec<Sheet>, ImportError> {
    let broken = |e: &dyn std::fmt::Display| broken(file, e);
    let mut book =
        calamine::open_workbook_auto_from_rs(Cursor::new(bytes)).map_err(|e| broken(&e))?;
    let mut out = Vec::new();
    for name in book.sheet_names() {
        let range = book.worksheet_range(&name).map_err(|e| broken(&e))?;
        let first = range.start().map_or(0, |(r, _)| u64::from(r));
        let lead = range.start().map_or(0, |(_, c)| c as usize);
        let rows = range
            .rows()
            .enumerate()
            .map(|(i, row)| {
                let mut cells = vec![String::new(); lead];
                cells.extend(row.iter().map(text));
                (first + i as u64 + 1, cells)
            })
            .collect();
        out.push(Sheet { name, rows });
    }
    Ok(out)
}

/// A cell as the text a CSV export would hold.
fn text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => number(*f),
        Data::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_string(),
        Data::DateTime(d) => match d.as_datetime() {
            Some(t) if t.time() == chrono::NaiveTime::MIN => t.format("%Y-%m-%d").to_string(),
            Some(t) => t.format("%Y-%m-%d %H:%M:%S").to_string(),
            None => d.as_f64().to_string(),
        },
        Data::Error(e) => format!("#{e}"),
    }
}

/// A number cell as text. Spreadsheets store binary fractions: the
/// shortest text that reads back as the same number is what the sheet
/// shows (`28.16`, `6688`); a sum that picked up binary noise
/// (`0.30000000000000004`) is shown at the cent it is within a millionth
/// of a cent of.
fn number(f: f64) -> String {
    let s = f.to_string();
    let decimals = s.split_once('.').map_or(0, |(_, d)| d.len());
    let cents = f * 100.0;
    if decimals > 2 && f.is_finite() && (cents - cents.round()).abs() < 1e-6 {
        format!("{f:.2}")
    } else {
        s
    }
}

/// Column letters for a 0-based column index: 0 → `A`, 26 → `AA`.
pub fn column_letters(mut c: usize) -> String {
    let mut out = Vec::new();
    loop {
        out.push(b'A' + (c % 26) as u8);
        if c < 26 {
            break;
        }
        c = c / 26 - 1;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_as_the_sheet_shows_them() {
        assert_eq!(number(28.16), "28.16");
        assert_eq!(number(6688.0), "6688");
        assert_eq!(number(0.1 + 0.2), "0.30");
        assert_eq!(number(-1.21), "-1.21");
        assert_eq!(number(0.125), "0.125", "a real third decimal stays");
    }

    #[test]
    fn columns_are_lettered_as_in_excel() {
        assert_eq!(column_letters(0), "A");
        assert_eq!(column_letters(3), "D");
        assert_eq!(column_letters(25), "Z");
        assert_eq!(column_letters(26), "AA");
        assert_eq!(column_letters(701), "ZZ");
        assert_eq!(column_letters(702), "AAA");
    }

    #[test]
    fn formats_are_told_by_their_first_bytes() {
        assert_eq!(sniff(b"PK\x03\x04rest"), Some(Format::Zip));
        assert_eq!(
            sniff(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0]),
            Some(Format::Compound)
        );
        assert_eq!(sniff(b"date,amount"), None);
    }
}
