//! Cross-source matching: one card payment seen twice, in the bank or
//! card statement and in a wallet export (SPEC.md import rule 8).
//!
//! A wallet row paid by a bank card does not move the wallet; the card's
//! statement has the same payment. The wallet row is kept aside and paired
//! with the statement row: same amount, dates at most two days apart, and
//! what else both sides say — the wallet's channel in the bank row
//! (`网银在线` for JD, `支付宝`, `财付通`), the bank, the card kind and its
//! last digits. A pair with the channel word and nothing that contradicts
//! it is a match; a pair that only agrees on the card, or on the day, is a
//! near match for the user to confirm. Pairing is one to one, so two
//! identical purchases pair with two statement rows, never one.
//!
//! Owns: reading card hints from text, scoring and pairing. Must not:
//! touch the store.

use chrono::NaiveDate;

use crate::engine::book::AccountKind;

/// Days a statement row may be from the wallet row it pairs with.
pub const MAX_DAYS: i64 = 2;

/// Banks by the names wallets print and the codes ebb's profiles name
/// accounts with. `中国银行` comes last, after the names that a full bank
/// name such as `中国工商银行` also carries.
const BANKS: &[(&str, &str)] = &[
    ("工商银行", "icbc"),
    ("建设银行", "ccb"),
    ("农业银行", "abc"),
    ("招商银行", "cmb"),
    ("交通银行", "bocom"),
    ("广发银行", "cgb"),
    ("中信银行", "citic"),
    ("浦发银行", "spdb"),
    ("浦东发展银行", "spdb"),
    ("邮储银行", "psbc"),
    ("邮政储蓄", "psbc"),
    ("民生银行", "cmbc"),
    ("光大银行", "ceb"),
    ("兴业银行", "cib"),
    ("平安银行", "pab"),
    ("华夏银行", "hxb"),
    ("中国银行", "boc"),
];

/// What a payment method or an account says about a card. Any part may be
/// unknown.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Card {
    /// Bank code, e.g. `boc`.
    pub bank: Option<&'static str>,
    /// Credit card or debit card.
    pub kind: Option<AccountKind>,
    /// Last four digits.
    pub digits: Option<String>,
}

impl Card {
    /// From a wallet's payment-method cell: `中国银行信用卡(1875)`,
    /// `工商银行储蓄卡(9876)`, `微信-招商银行信用卡`, `中国银行(1234)`.
    pub fn of_method(method: &str) -> Card {
        let bank = BANKS
            .iter()
            .find(|(name, _)| method.contains(name))
            .map(|(_, code)| *code);
        let kind = if method.contains("信用卡") {
            Some(AccountKind::Credit)
        } else if method.contains("储蓄卡") || method.contains("借记卡") {
            Some(AccountKind::Bank)
        } else {
            None
        };
        let inside = method
            .rfind(['(', '（'])
            .map(|i| &method[i..])
            .unwrap_or_default();
        let digits: String = inside.chars().filter(char::is_ascii_digit).collect();
        let digits = (digits.len() >= 4).then(|| digits[digits.len() - 4..].to_string());
        Card { bank, kind, digits }
    }

    /// From an account as ebb's profiles name them: `boc-credit`,
    /// `spdb-1230`, `citic-credit-6688`. A name of the user's own (`main`)
    /// says only its kind.
    pub fn of_account(name: &str, kind: AccountKind) -> Card {
        let first = name.split('-').next().unwrap_or_default();
        let bank = BANKS
            .iter()
            .map(|(_, code)| *code)
            .find(|code| *code == first);
        let last = name.rsplit('-').next().unwrap_or_default();
        let digits =
            (bank.is_some() && last.len() == 4 && last.bytes().all(|b| b.is_ascii_digit()))
                .then(|| last.to_string());
        Card {
            bank,
            kind: Some(kind),
            digits,
        }
    }
}

/// A wallet row paid by card, waiting for its statement row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WalletRow {
    /// Its id in the book.
    pub id: i64,
    /// Day.
    pub date: NaiveDate,
    /// Signed cents from the card holder's side (a purchase is negative).
    pub cents: i64,
    /// The payment-method cell.
    pub method: String,
    /// Words the wallet's payments carry in a bank statement.
    pub keywords: Vec<String>,
    /// A stable tiebreak (the row's identity), so pairing does not depend
    /// on import order.
    pub key: Vec<u8>,
}

/// A bank or card statement row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BankRow {
    /// Its id in the book.
    pub id: i64,
    /// Account name.
    pub account: String,
    /// Account kind (bank or credit).
    pub kind: AccountKind,
    /// Day.
    pub date: NaiveDate,
    /// Signed cents.
    pub cents: i64,
    /// Description and counterparty.
    pub text: String,
    /// A stable tiebreak (the row's identity).
    pub key: Vec<u8>,
}

/// How sure a pairing is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Strength {
    /// Amount and dates agree and the card may be it, but the bank row
    /// does not name the wallet: the user confirms.
    Near,
    /// The bank row names the wallet's channel and nothing contradicts.
    Match,
}

/// A wallet row paired with a statement row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pair {
    /// Wallet row id.
    pub wallet: i64,
    /// Statement row id.
    pub bank: i64,
    /// Match or near match.
    pub strength: Strength,
    /// Why, in words: `same amount`, `1 day apart`, `网银在线 in the bank
    /// row`, `same bank (boc)`, `card 1875`, `credit card`.
    pub evidence: Vec<String>,
}

/// Scores one candidate pair: `None` when it cannot be the same payment.
fn score(w: &WalletRow, b: &BankRow) -> Option<(Strength, Vec<String>, i64)> {
    if w.cents != b.cents {
        return None;
    }
    let days = (b.date - w.date).num_days().abs();
    if days > MAX_DAYS {
        return None;
    }
    let paid = Card::of_method(&w.method);
    let acct = Card::of_account(&b.account, b.kind);
    let mut evidence = vec!["same amount".to_string()];
    evidence.push(match days {
        0 => "same day".to_string(),
        1 => "1 day apart".to_string(),
        n => format!("{n} days apart"),
    });
    let mut card = false;
    match (paid.bank, acct.bank) {
        (Some(x), Some(y)) if x != y => return None,
        (Some(x), Some(_)) => {
            evidence.push(format!("same bank ({x})"));
            card = true;
        }
        _ => {}
    }
    match (paid.kind, acct.kind) {
        (Some(x), Some(y)) if x != y => return None,
        (Some(AccountKind::Credit), Some(_)) => evidence.push("credit card".into()),
        (Some(_), Some(_)) => evidence.push("debit card".into()),
        _ => {}
    }
    match (&paid.digits, &acct.digits) {
        (Some(x), Some(y)) if x != y => return None,
        (Some(x), Some(_)) => {
            evidence.push(format!("card {x}"));
            card = true;
        }
        _ => {}
    }
    let word = w
        .keywords
        .iter()
        .find(|k| !k.is_empty() && b.text.contains(k.as_str()));
    let strength = match word {
        Some(k) => {
            evidence.push(format!("{k} in the bank row"));
            Strength::Match
        }
        None if card || days == 0 => Strength::Near,
        None => return None,
    };
    Some((strength, evidence, days))
}

/// Pairs wallet rows with statement rows, one to one: matches before near
/// matches, then more evidence, then nearer dates, then by date and
/// identity, so the same rows always give the same pairs whatever order
/// they were imported in.
pub fn pair(wallet: &[WalletRow], bank: &[BankRow]) -> Vec<Pair> {
    let mut candidates = Vec::new();
    for w in wallet {
        for b in bank {
            if let Some((strength, evidence, days)) = score(w, b) {
                candidates.push((strength, evidence, days, w, b));
            }
        }
    }
    candidates.sort_by(|x, y| {
        y.0.cmp(&x.0)
            .then(y.1.len().cmp(&x.1.len()))
            .then(x.2.cmp(&y.2))
            .then((x.3.date, &x.3.key).cmp(&(y.3.date, &y.3.key)))
            .then((x.4.date, &x.4.key).cmp(&(y.4.date, &y.4.key)))
    });
    let mut used_w = std::collections::HashSet::new();
    let mut used_b = std::collections::HashSet::new();
    let mut out = Vec::new();
    for (strength, evidence, _, w, b) in candidates {
        if used_w.contains(&w.id) || used_b.contains(&b.id) {
            continue;
        }
        used_w.insert(w.id);
        used_b.insert(b.id);
        out.push(Pair {
            wallet: w.id,
            bank: b.id,
            strength,
            evidence,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn w(id: i64, date: &str, cents: i64, method: &str) -> WalletRow {
        WalletRow {
            id,
            date: d(date),
            cents,
            method: method.into(),
            keywords: vec!["网银在线".into(), "京东".into()],
            key: vec![id as u8],
        }
    }

    fn b(id: i64, account: &str, date: &str, cents: i64, text: &str) -> BankRow {
        BankRow {
            id,
            account: account.into(),
            kind: if account.contains("credit") {
                AccountKind::Credit
            } else {
                AccountKind::Bank
            },
            date: d(date),
            cents,
            text: text.into(),
            key: vec![id as u8],
        }
    }

    #[test]
    fn methods_and_accounts_say_what_card_they_are() {
        assert_eq!(
            Card::of_method("中国银行信用卡(1875)"),
            Card {
                bank: Some("boc"),
                kind: Some(AccountKind::Credit),
                digits: Some("1875".into())
            }
        );
        assert_eq!(Card::of_method("工商银行储蓄卡(9876)").bank, Some("icbc"));
        assert_eq!(Card::of_method("中国工商银行(9876)").bank, Some("icbc"));
        assert_eq!(Card::of_method("微信-招商银行信用卡").digits, None);
        assert_eq!(Card::of_method("招商银行()").digits, None);
        assert_eq!(
            Card::of_account("citic-credit-6688", AccountKind::Credit).digits,
            Some("6688".into())
        );
        assert_eq!(
            Card::of_account("boc-credit", AccountKind::Credit).bank,
            Some("boc")
        );
        assert_eq!(Card::of_account("main", AccountKind::Bank).bank, None);
        assert_eq!(
            Card::of_account("shop-2024", AccountKind::Bank).digits,
            None
        );
    }

    #[test]
    fn the_channel_word_makes_a_match_and_a_contradiction_none() {
        let jd = w(1, "2024-12-21", -6819, "中国银行信用卡(1875)");
        let boc = b(
            10,
            "boc-credit",
            "2024-12-22",
            -6819,
            "网银在线-京东商城业务CHN",
        );
        let p = pair(std::slice::from_ref(&jd), std::slice::from_ref(&boc));
        assert_eq!(p.len(), 1);
        assert_eq!(p[0].strength, Strength::Match);
        assert!(
            p[0].evidence
                .contains(&"网银在线 in the bank row".to_string())
        );
        // Another bank, another card, a debit account, another amount, too far apart.
        for other in [
            b(11, "icbc-credit", "2024-12-21", -6819, "网银在线"),
            b(12, "boc-credit-2875", "2024-12-21", -6819, "网银在线"),
            b(13, "boc", "2024-12-21", -6819, "网银在线"),
            b(14, "boc-credit", "2024-12-21", -6820, "网银在线"),
            b(15, "boc-credit", "2024-12-24", -6819, "网银在线"),
        ] {
            assert!(
                pair(std::slice::from_ref(&jd), std::slice::from_ref(&other)).is_empty(),
                "{other:?}"
            );
        }
        // The right card without the channel word: near, for the user.
        let plain = b(16, "boc-credit", "2024-12-22", -6819, "消费");
        assert_eq!(pair(&[jd], &[plain])[0].strength, Strength::Near);
    }

    #[test]
    fn identical_purchases_pair_one_to_one_whatever_the_order() {
        let ws = [
            w(1, "2024-12-24", 7048, "中国银行信用卡(1875)"),
            w(2, "2024-12-24", 7048, "中国银行信用卡(1875)"),
        ];
        let bs = [
            b(10, "boc-credit", "2024-12-24", 7048, "网银在线CHN"),
            b(11, "boc-credit", "2024-12-24", 7048, "网银在线CHN"),
            b(12, "boc-credit", "2024-12-24", 7048, "网银在线CHN"),
        ];
        let p = pair(&ws, &bs);
        assert_eq!(
            p.len(),
            2,
            "two refunds, two statement rows; the third stays"
        );
        assert_ne!(p[0].bank, p[1].bank);
        let mut rev_w = ws.to_vec();
        rev_w.reverse();
        let mut rev_b = bs.to_vec();
        rev_b.reverse();
        let mut a: Vec<(i64, i64)> = p.iter().map(|p| (p.wallet, p.bank)).collect();
        let mut r: Vec<(i64, i64)> = pair(&rev_w, &rev_b)
            .iter()
            .map(|p| (p.wallet, p.bank))
            .collect();
        a.sort();
        r.sort();
        assert_eq!(a, r);
        // One wallet row, two identical statement rows: one pair, one row left.
        assert_eq!(pair(&ws[..1], &bs[..2]).len(), 1);
    }

    #[test]
    fn a_nearer_date_wins_a_contested_row() {
        let ws = [
            w(1, "2024-12-20", -500, "中国银行信用卡"),
            w(2, "2024-12-22", -500, "中国银行信用卡"),
        ];
        let bs = [b(10, "boc-credit", "2024-12-22", -500, "京东")];
        let p = pair(&ws, &bs);
        assert_eq!((p[0].wallet, p[0].bank), (2, 10));
    }
}
