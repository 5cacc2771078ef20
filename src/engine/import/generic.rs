//! ebb's own documented CSV formats (SPEC.md):
//! - bank: `date,description,amount[,balance]` (optional `counterparty`,
//!   `category` columns);
//! - credit transactions: `date,description,amount` onto a credit account
//!   (purchases positive, repayments and refunds negative);
//! - credit bills: `account,statement_date,due_date,amount_due,min_due,paid`
//!   with optional `penalty,fees,installment_no,installment_total,fee,note`.
//!
//! Owns: detection and parsing of these three. Must not: guess an account.

use crate::engine::book::AccountKind;
use crate::engine::bookfile::BillDecl;
use crate::engine::import::cells::{amount, clean, date};
use crate::engine::import::{
    Content, ImportError, NewTransaction, ParseOptions, ParsedFile, RowError,
};
use crate::engine::tomlnum::Num;

/// Which generic format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Generic {
    /// Bank or wallet transactions.
    Bank,
    /// Credit transactions (purchases positive).
    CreditTransactions,
    /// Open credit bills.
    Bills,
}

impl Generic {
    /// Profile name.
    pub fn name(self) -> &'static str {
        match self {
            Generic::Bank => "ebb-bank",
            Generic::CreditTransactions => "ebb-credit-transactions",
            Generic::Bills => "ebb-bills",
        }
    }
}

/// By profile name.
pub fn by_name(name: &str) -> Option<Generic> {
    [Generic::Bank, Generic::CreditTransactions, Generic::Bills]
        .into_iter()
        .find(|g| g.name() == name)
}

fn header(lines: &[(u64, Vec<String>)]) -> Option<(usize, Vec<String>)> {
    let (i, (_, rec)) = lines
        .iter()
        .enumerate()
        .find(|(_, (_, r))| r.iter().any(|c| !clean(c).is_empty()))?;
    Some((
        i,
        rec.iter().map(|c| clean(c).to_ascii_lowercase()).collect(),
    ))
}

/// Detects a generic format from the first non-empty row.
pub fn detect(lines: &[(u64, Vec<String>)]) -> Option<Generic> {
    let (_, h) = header(lines)?;
    let has = |n: &str| h.iter().any(|c| c == n);
    if has("account") && has("statement_date") && has("due_date") && has("amount_due") {
        Some(Generic::Bills)
    } else if has("date") && has("description") && has("amount") {
        Some(Generic::Bank)
    } else {
        None
    }
}

/// Parses a generic file.
pub fn parse(
    g: Generic,
    file: &str,
    lines: &[(u64, Vec<String>)],
    opts: &ParseOptions,
) -> Result<ParsedFile, ImportError> {
    let (hi, h) = header(lines).ok_or_else(|| ImportError::Empty {
        file: file.into(),
        what: "the file is empty".into(),
    })?;
    let col = |n: &str| h.iter().position(|c| c == n);
    let rows = &lines[hi + 1..];
    let mut errors = Vec::new();
    let err = |line: u64, c: Option<usize>, value: &str, reason: String| RowError {
        file: file.to_string(),
        line,
        column: c.map(|c| (c + 1, h.get(c).cloned().unwrap_or_default())),
        value: value.to_string(),
        reason,
    };
    let g = if g == Generic::Bank && opts.target_kind == Some(AccountKind::Credit) {
        Generic::CreditTransactions
    } else {
        g
    };
    let content = match g {
        Generic::Bank | Generic::CreditTransactions => {
            let (Some(cd), Some(cde), Some(ca)) = (col("date"), col("description"), col("amount"))
            else {
                return Err(ImportError::UnknownLayout { file: file.into() });
            };
            let cb = col("balance");
            let (cc, ccat) = (col("counterparty"), col("category"));
            let mut out = Vec::new();
            for (line, rec) in rows {
                if rec.iter().all(|c| clean(c).is_empty()) {
                    continue;
                }
                let cell = |i: usize| rec.get(i).map(String::as_str).unwrap_or("");
                let d = match date(cell(cd)) {
                    Ok(d) => d,
                    Err(e) => {
                        errors.push(err(*line, Some(cd), cell(cd), format!("the date {e}")));
                        continue;
                    }
                };
                let a = match amount(cell(ca)) {
                    Ok(a) => a,
                    Err(e) => {
                        errors.push(err(*line, Some(ca), cell(ca), format!("the amount {e}")));
                        continue;
                    }
                };
                let balance = match cb.map(cell).map(clean).filter(|s| !s.is_empty()) {
                    None => None,
                    Some(b) => match amount(&b) {
                        Ok(b) => Some(b),
                        Err(e) => {
                            errors.push(err(*line, cb, &b, format!("the balance {e}")));
                            continue;
                        }
                    },
                };
                let signed = if g == Generic::CreditTransactions {
                    -a
                } else {
                    a
                };
                out.push(NewTransaction {
                    account: None,
                    date: d,
                    amount: signed,
                    balance,
                    description: clean(cell(cde)),
                    counterparty: cc.map(|i| clean(cell(i))).unwrap_or_default(),
                    category: ccat.map(|i| clean(cell(i))).unwrap_or_default(),
                    source_id: None,
                    line: *line,
                });
            }
            Content::Transactions(out)
        }
        Generic::Bills => {
            let need = ["account", "statement_date", "due_date", "amount_due"];
            if need.iter().any(|n| col(n).is_none()) {
                return Err(ImportError::UnknownLayout { file: file.into() });
            }
            let mut out = Vec::new();
            for (line, rec) in rows {
                if rec.iter().all(|c| clean(c).is_empty()) {
                    continue;
                }
                let get = |n: &str| {
                    col(n)
                        .and_then(|i| rec.get(i))
                        .map(|c| clean(c))
                        .unwrap_or_default()
                };
                let bad = |n: &str, reason: String| err(*line, col(n), &get(n), reason);
                let money = |n: &str| -> Result<Option<Num>, RowError> {
                    let v = get(n);
                    if v.is_empty() {
                        return Ok(None);
                    }
                    amount(&v)
                        .map(|m| Some(Num(m.decimal())))
                        .map_err(|e| bad(n, format!("{n} {e}")))
                };
                let count = |n: &str| -> Result<Option<u32>, RowError> {
                    let v = get(n);
                    if v.is_empty() {
                        return Ok(None);
                    }
                    v.parse()
                        .map(Some)
                        .map_err(|_| bad(n, format!("{n} is not a whole number")))
                };
                let parsed = (|| -> Result<BillDecl, RowError> {
                    let account = get("account");
                    if account.is_empty() {
                        return Err(bad(
                            "account",
                            "the account is empty; name the credit account".into(),
                        ));
                    }
                    Ok(BillDecl {
                        account,
                        statement_date: date(&get("statement_date"))
                            .map_err(|e| bad("statement_date", format!("statement_date {e}")))?,
                        due_date: date(&get("due_date"))
                            .map_err(|e| bad("due_date", format!("due_date {e}")))?,
                        amount_due: money("amount_due")?
                            .ok_or_else(|| bad("amount_due", "amount_due is empty".into()))?,
                        min_due: money("min_due")?,
                        paid: money("paid")?,
                        penalty: money("penalty")?,
                        fees: money("fees")?,
                        installment_no: count("installment_no")?,
                        installment_total: count("installment_total")?,
                        fee: money("fee")?,
                        note: Some(get("note")),
                    })
                })();
                match parsed.and_then(|b| b.to_bill().map_err(|e| err(*line, None, "", e))) {
                    Ok(b) => out.push((*line, b)),
                    Err(e) => errors.push(e),
                }
            }
            Content::Bills(out)
        }
    };
    if content.is_empty() && errors.is_empty() {
        return Err(ImportError::Empty {
            file: file.into(),
            what: "the file has a header but no rows".into(),
        });
    }
    Ok(ParsedFile {
        profile: g.name().into(),
        account: None,
        content,
        errors,
        skipped: 0,
    })
}
