//! Messy cells: trimming, empty markers, amounts with currency marks and
//! refund suffixes, dates in the shapes the exports use, and splitting text
//! into CSV records with their line numbers.
//!
//! Owns: cell-level parsing. Must not: know about profiles.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::engine::money::Money;

/// Splits text into CSV records, each with the 1-based line it starts on.
/// Quoted fields may span lines.
pub fn split_records(text: &str) -> Vec<(u64, Vec<String>)> {
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .trim(csv::Trim::None)
        .from_reader(text.as_bytes());
    let mut out = Vec::new();
    let mut rec = csv::StringRecord::new();
    loop {
        match rdr.read_record(&mut rec) {
            Ok(true) => {
                let line = rec.position().map_or(0, |p| p.line());
                out.push((line, rec.iter().map(str::to_string).collect()));
            }
            Ok(false) => break,
            Err(_) => {
                // Unbalanced quotes: fall back to plain splitting of the rest
                // so the row can still be reported with its line.
                let line = out.last().map_or(1, |(l, _)| l + 1);
                out.push((line, vec![String::from("\u{0}unreadable")]));
                break;
            }
        }
    }
    out
}

/// Trims spaces, tabs, U+3000 and `=""`-style wrappers; `/`, `-`, runs of
/// `-` and `""` become empty.
pub fn clean(cell: &str) -> String {
    let t = cell.trim_matches(|c: char| c.is_whitespace() || c == '\u{3000}' || c == '\t');
    let t = t
        .strip_prefix("=\"")
        .and_then(|s| s.strip_suffix('"'))
        .unwrap_or(t);
    let t = t.trim_matches('"').trim();
    if t == "/" || (!t.is_empty() && t.chars().all(|c| c == '-')) {
        return String::new();
    }
    t.to_string()
}

/// Why an amount cannot be read.
pub type CellError = String;

/// Parses an amount: strips `¥`, `￥`, `CNY`, `RMB`, thousands commas and a
/// leading `+`; `131.77(已退款89.84)` nets the partial refund;
/// `468.32(已全额退款)` is zero.
pub fn amount(cell: &str) -> Result<Money, CellError> {
    let c = clean(cell);
    if c.is_empty() {
        return Err("the amount is empty".into());
    }
    let (base, refund) = match c.split_once(['(', '（']) {
        // Brackets after something that is not a number: not an amount.
        Some((b, _)) if number(b).is_err() => return number(&c),
        Some((b, rest)) => {
            let inner = rest.trim_end_matches([')', '）']);
            if inner.contains("全额退款") {
                (b.to_string(), Some("ALL".to_string()))
            } else if let Some(x) = inner.strip_prefix("已退款") {
                (b.to_string(), Some(x.to_string()))
            } else {
                return Err("has text in brackets that is not a refund note".into());
            }
        }
        None => (c.clone(), None),
    };
    let gross = number(&base)?;
    match refund.as_deref() {
        None => Ok(gross),
        Some("ALL") => Ok(Money::ZERO),
        Some(r) => Ok(gross - number(r)?),
    }
}

fn number(s: &str) -> Result<Money, CellError> {
    let mut t: String = s
        .trim()
        .trim_start_matches(['¥', '￥'])
        .replace(['¥', '￥', ',', ' ', '，'], "");
    for prefix in ["CNY", "RMB"] {
        if let Some(x) = t.strip_prefix(prefix) {
            t = x.to_string();
        }
    }
    let t = t.strip_prefix('+').unwrap_or(&t);
    if t.len() > 40 {
        return Err("is too long to be an amount".into());
    }
    let d = Decimal::from_str_exact(t)
        .map_err(|_| "is not an amount (expected digits like 1234.56)".to_string())?;
    let m = Money::new(d);
    if m.to_cents().is_none() {
        return Err(if d.scale() > 2 {
            "has more than two decimals".into()
        } else {
            "is too large for ebb (over 92 trillion)".into()
        });
    }
    Ok(m)
}

/// Parses a date or date-time in the common export shapes: `2026-10-20`,
/// `2026/10/20`, `2026.10.20`, `20261020`, `2026年10月20日`, with or
/// without a time after it.
pub fn date(cell: &str) -> Result<NaiveDate, CellError> {
    let c = clean(cell);
    let d = c.split([' ', 'T']).next().unwrap_or("");
    let d = d.replace(['年', '月'], "-").replace('日', "");
    let try_fmt = |f: &str| NaiveDate::parse_from_str(&d, f).ok();
    try_fmt("%Y-%m-%d")
        .or_else(|| try_fmt("%Y/%m/%d"))
        .or_else(|| try_fmt("%Y.%m.%d"))
        .or_else(|| {
            (d.len() == 8 && d.bytes().all(|b| b.is_ascii_digit()))
                .then(|| try_fmt("%Y%m%d"))
                .flatten()
        })
        .ok_or_else(|| {
            if c.is_empty() {
                "the date is empty".into()
            } else {
                "is not a date (expected YYYY-MM-DD)".into()
            }
        })
}

/// Parses a date with an explicit chrono format (user profiles).
pub fn date_with(cell: &str, fmt: &str) -> Result<NaiveDate, CellError> {
    let c = clean(cell);
    NaiveDate::parse_from_str(&c, fmt)
        .or_else(|_| chrono::NaiveDateTime::parse_from_str(&c, fmt).map(|dt| dt.date()))
        .map_err(|_| format!("is not a date in the format {fmt}"))
}

/// Does this cell start with a date (a data row rather than a footer)?
pub fn looks_like_date(cell: &str) -> bool {
    date(cell).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_in_the_wild() {
        assert_eq!(amount("¥1,234.50").unwrap().to_string(), "1234.50");
        assert_eq!(amount(" +27.00 \t").unwrap().to_string(), "27.00");
        assert_eq!(amount("CNY 5.00").unwrap().to_string(), "5.00");
        assert_eq!(amount("131.77(已退款89.84)").unwrap().to_string(), "41.93");
        assert_eq!(amount("468.32(已全额退款)").unwrap().to_string(), "0.00");
        assert_eq!(amount("-12").unwrap().to_string(), "-12.00");
        assert!(amount("12a").unwrap_err().contains("not an amount"));
        assert!(amount("1.234").unwrap_err().contains("two decimals"));
        assert!(
            amount("99999999999999999999999")
                .unwrap_err()
                .contains("too large")
        );
        assert!(amount("--").unwrap_err().contains("empty"));
    }

    #[test]
    fn dates_in_the_wild() {
        let d = NaiveDate::from_ymd_opt(2026, 10, 20).unwrap();
        for s in [
            "2026-10-20",
            "2026/10/20 13:11:25",
            "20261020",
            "2026年10月20日",
            "\t2026-10-20 \u{3000}",
        ] {
            assert_eq!(date(s).unwrap(), d, "{s}");
        }
        assert!(date("2026-02-30").is_err());
        assert!(date("共6笔记录").is_err());
    }

    #[test]
    fn cleans_empty_markers() {
        assert_eq!(clean(" / "), "");
        assert_eq!(clean("---"), "");
        assert_eq!(clean("\"\""), "");
        assert_eq!(clean("=\"0012\""), "0012");
        assert_eq!(clean("\u{3000}x\t"), "x");
    }
}
