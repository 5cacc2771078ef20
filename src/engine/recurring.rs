//! Recurring-item detection: suggests rent, payroll, platform payouts and
//! the like from history — the same counterparty, a regular monthly or
//! weekly interval, a similar amount — each with a confidence, for the user
//! to confirm. Confirmed suggestions become `[[recurring]]` items.
//!
//! Owns: grouping, interval and amount tests, the confidence score. Must
//! not: write anything (the CLI stores what the user confirms).

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate, Weekday};
use rust_decimal::Decimal;

use crate::engine::book::{Book, Every, Transaction};
use crate::engine::money::Money;

/// A suggested recurring item.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Suggestion {
    /// Proposed name (unique among suggestions).
    pub name: String,
    /// Cash account.
    pub account: String,
    /// Typical (median) amount.
    pub amount: Money,
    /// Interval.
    pub every: Every,
    /// First occurrence seen.
    pub first: NaiveDate,
    /// Last occurrence seen.
    pub last: NaiveDate,
    /// How many times it was seen.
    pub occurrences: usize,
    /// 0–1: how regular the interval and how similar the amounts.
    pub confidence: Decimal,
    /// What the rows say.
    pub label: String,
}

fn key_text(t: &Transaction) -> String {
    let base = if t.counterparty.trim().is_empty() {
        &t.description
    } else {
        &t.counterparty
    };
    // Digits (order numbers, months) differ between occurrences.
    base.chars()
        .filter(|c| !c.is_ascii_digit())
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn slug(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').chars().take(40).collect()
}

fn median_i64(mut v: Vec<i64>) -> i64 {
    v.sort_unstable();
    v[v.len() / 2]
}

fn mode<T: Ord + Copy>(v: impl Iterator<Item = T>) -> Option<T> {
    let mut counts: BTreeMap<T, usize> = BTreeMap::new();
    for x in v {
        *counts.entry(x).or_default() += 1;
    }
    counts.into_iter().max_by_key(|(_, n)| *n).map(|(x, _)| x)
}

/// Suggests recurring items from the cash accounts' history up to `as_of`.
/// Items not seen for more than two intervals before `as_of` are left out
/// (they stopped).
pub fn detect(book: &Book, as_of: NaiveDate) -> Vec<Suggestion> {
    let cash: Vec<&str> = book
        .accounts
        .iter()
        .filter(|a| a.kind.is_cash())
        .map(|a| a.name.as_str())
        .collect();
    let mut groups: BTreeMap<(String, String, bool), Vec<&Transaction>> = BTreeMap::new();
    for t in book
        .transactions
        .iter()
        .filter(|t| t.date <= as_of && cash.contains(&t.account.as_str()) && !t.amount.is_zero())
    {
        if t.category == "transfer" {
            continue;
        }
        groups
            .entry((t.account.clone(), key_text(t), t.amount.is_positive()))
            .or_default()
            .push(t);
    }
    let mut out: Vec<Suggestion> = Vec::new();
    for ((account, label, _), mut rows) in groups {
        if rows.len() < 3 || label.is_empty() {
            continue;
        }
        rows.sort_by_key(|t| t.date);
        // Several rows on one day count once (their sum).
        let mut by_day: Vec<(NaiveDate, Money)> = Vec::new();
        for t in rows {
            match by_day.last_mut() {
                Some((d, m)) if *d == t.date => *m += t.amount,
                _ => by_day.push((t.date, t.amount)),
            }
        }
        if by_day.len() < 3 {
            continue;
        }
        let gaps: Vec<i64> = by_day
            .windows(2)
            .map(|w| (w[1].0 - w[0].0).num_days())
            .collect();
        let med = median_i64(gaps.clone());
        let (every, lo, hi) = match med {
            6..=8 => {
                let wd = mode(
                    by_day
                        .iter()
                        .map(|(d, _)| d.weekday().num_days_from_monday()),
                )
                .unwrap_or(0);
                (
                    Every::Week(Weekday::try_from(wd as u8).unwrap_or(Weekday::Mon)),
                    6,
                    8,
                )
            }
            27..=32 => (
                Every::Month(mode(by_day.iter().map(|(d, _)| d.day()))),
                25,
                35,
            ),
            _ => continue,
        };
        let last = by_day[by_day.len() - 1].0;
        if (as_of - last).num_days() > 2 * hi {
            continue;
        }
        let regular = gaps.iter().filter(|g| (lo..=hi).contains(*g)).count();
        let mut amounts: Vec<Money> = by_day.iter().map(|(_, m)| *m).collect();
        amounts.sort();
        let typical = amounts[amounts.len() / 2];
        let near = amounts
            .iter()
            .filter(|a| (**a - typical).abs().decimal() <= typical.abs().decimal() / Decimal::TEN)
            .count();
        let share = |n: usize, of: usize| Decimal::from(n) / Decimal::from(of);
        let confidence = (share(regular, gaps.len()) * Decimal::new(6, 1)
            + share(near, amounts.len()) * Decimal::new(4, 1))
        .round_dp(2);
        if confidence < Decimal::new(6, 1) {
            continue;
        }
        let mut name = slug(&format!("{account} {label}"));
        if out.iter().any(|s| s.name == name) {
            name = format!(
                "{name}-{}",
                if typical.is_positive() { "in" } else { "out" }
            );
        }
        out.push(Suggestion {
            name,
            account,
            amount: typical,
            every,
            first: by_day[0].0,
            last,
            occurrences: by_day.len(),
            confidence,
            label,
        });
    }
    out.sort_by(|a, b| b.confidence.cmp(&a.confidence).then(a.name.cmp(&b.name)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::book::{Account, AccountKind};

    fn tx(d: &str, amount: i64, cp: &str) -> Transaction {
        Transaction {
            account: "bank".into(),
            date: d.parse().unwrap(),
            amount: Money::from_cents(amount * 100),
            balance: None,
            description: format!("payment {d}"),
            counterparty: cp.into(),
            category: String::new(),
        }
    }

    #[test]
    fn finds_monthly_rent_and_weekly_payouts_not_noise() {
        let mut transactions = vec![
            tx("2026-06-05", -18000, "Landlord"),
            tx("2026-07-05", -18000, "Landlord"),
            tx("2026-08-05", -18000, "Landlord"),
            tx("2026-09-07", -18000, "Landlord"),
            tx("2026-10-05", -18000, "Landlord"),
            tx("2026-07-03", -120, "Cafe"),
            tx("2026-07-19", -80, "Cafe"),
            tx("2026-09-02", -95, "Cafe"),
        ];
        for w in 0..8 {
            let d = NaiveDate::from_ymd_opt(2026, 8, 24).unwrap() + chrono::Days::new(7 * w);
            transactions.push(tx(&d.to_string(), 5000 + (w as i64 % 3) * 100, "JD payout"));
        }
        let book = Book {
            accounts: vec![Account {
                name: "bank".into(),
                kind: AccountKind::Bank,
                opening_balance: None,
                opening_date: None,
                credit: None,
            }],
            transactions,
            ..Default::default()
        };
        let s = detect(&book, "2026-10-20".parse().unwrap());
        assert_eq!(s.len(), 2, "{s:?}");
        let rent = s.iter().find(|x| x.label == "Landlord").unwrap();
        assert_eq!(rent.every, Every::Month(Some(5)));
        assert_eq!(rent.amount, Money::from_cents(-1_800_000));
        assert_eq!(rent.occurrences, 5);
        assert_eq!(rent.confidence, Decimal::ONE);
        let jd = s.iter().find(|x| x.label == "JD payout").unwrap();
        assert_eq!(jd.every, Every::Week(Weekday::Mon));
        assert_eq!(jd.amount, Money::from_cents(510_000));
    }
}
