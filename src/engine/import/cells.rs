//! Messy cells: trimming, empty markers, amounts with currency marks and
//! refund suffixes, dates in the shapes the exports use, and splitting text
//! into CSV records with their line numbers.
//!
//! Owns: cell-level parsing. Must not: know about profiles.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::engine::money::Money;

/// Trims spaces, tabs, U+3000 and `=""`-style wrappers; `/`, `-`, runs of
/// `-` and `""` become empty.
pub fn clean(cell: &str) -> String {
    trimmed(cell).to_string()
}

/// [`clean`] without a copy.
pub fn trimmed(cell: &str) -> &str {
    let t = cell.trim_matches(|c: char| c.is_whitespace() || c == '\u{3000}' || c == '\t');
    let t = t
        .strip_prefix("=\"")
        .and_then(|s| s.strip_suffix('"'))
        .unwrap_or(t);
    let t = t.trim_matches('"').trim();
    if t == "/" || (!t.is_empty() && t.chars().all(|c| c == '-')) {
        return "";
    }
    t
}

/// Is the cell empty once cleaned?
pub fn is_blank(cell: &str) -> bool {
    trimmed(cell).is_empty()
}

/// Why an amount cannot be read.
pub type CellError = String;

/// Parses an amount: strips `¥`, `￥`, `CNY`, `RMB`, thousands commas and a
/// leading `+`; `131.77(已退款89.84)` nets the partial refund;
/// `468.32(已全额退款)` is zero.
pub fn amount(cell: &str) -> Result<Money, CellError> {
    let c = trimmed(cell);
    if c.is_empty() {
        return Err("the amount is empty".into());
    }
    if c.bytes()
        .all(|b| b.is_ascii_digit() || b == b'.' || b == b'-')
    {
        // The common case: a plain number.
        return number(c);
    }
    let (base, refund) = match c.split_once(['(', '（']) {
        // Brackets after something that is not a number: not an amount.
        Some((b, _)) if number(b).is_err() => return number(c),
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
        None => (c.to_string(), None),
    };
    let gross = number(&base)?;
    match refund.as_deref() {
        None => Ok(gross),
        Some("ALL") => Ok(Money::ZERO),
        Some(r) => Ok(gross - number(r)?),
    }
}

/// The amount before any refund note: what a card was charged for
/// `131.77(已退款89.84)` is 131.77.
pub fn gross(cell: &str) -> Result<Money, CellError> {
    let c = trimmed(cell);
    match c.split_once(['(', '（']) {
        Some((b, _)) if number(b).is_ok() => number(b),
        _ => amount(c),
    }
}

fn number(s: &str) -> Result<Money, CellError> {
    let s = s.trim();
    if s.len() <= 40
        && s.bytes()
            .all(|b| b.is_ascii_digit() || b == b'.' || b == b'-')
    {
        if let Ok(d) = Decimal::from_str_exact(s) {
            return checked(d);
        }
    }
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
    checked(d)
}

fn checked(d: Decimal) -> Result<Money, CellError> {
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
    let c = trimmed(cell);
    if let Some(d) = iso_date(c) {
        return Ok(d);
    }
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

/// `YYYY-MM-DD` exactly, read without a format parser.
fn iso_date(c: &str) -> Option<NaiveDate> {
    let b = c.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        b[r].iter().try_fold(0u32, |n, &d| {
            d.is_ascii_digit().then(|| n * 10 + u32::from(d - b'0'))
        })
    };
    NaiveDate::from_ymd_opt(num(0..4)? as i32, num(5..7)?, num(8..10)?)
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
