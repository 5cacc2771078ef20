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
use crate::engine::book::Bill;
use crate::engine::bookfile::BillDecl;
use crate::engine::import::cells::{amount, clean, date, is_blank, trimmed};
use crate::engine::import::{ImportError, NewTransaction, ParseOptions, Row, RowError};
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

fn lowered(rec: &[String]) -> Vec<String> {
    rec.iter().map(|c| clean(c).to_ascii_lowercase()).collect()
}

/// The index of the header (the first non-empty row) in `lines`.
pub fn header_index(lines: &[(u64, Vec<String>)]) -> Option<usize> {
    lines
        .iter()
        .position(|(_, r)| r.iter().any(|c| !clean(c).is_empty()))
}

/// Detects a generic format from the first non-empty row.
pub fn detect(lines: &[(u64, Vec<String>)]) -> Option<Generic> {
    let h = lowered(&lines[header_index(lines)?].1);
    let has = |n: &str| h.iter().any(|c| c == n);
    if has("account") && has("statement_date") && has("due_date") && has("amount_due") {
        Some(Generic::Bills)
    } else if has("date") && has("description") && has("amount") {
        Some(Generic::Bank)
    } else {
        None
    }
}

/// A generic file's columns, found from its header; reads one row at a
/// time, so a file of any length streams through.
#[derive(Clone, Debug)]
pub struct Layout {
    g: Generic,
    file: String,
    header: Vec<String>,
    cols: Cols,
}

#[derive(Clone, Debug)]
enum Cols {
    Transactions {
        date: usize,
        description: usize,
        amount: usize,
        balance: Option<usize>,
        counterparty: Option<usize>,
        category: Option<usize>,
    },
    Bills,
}

impl Layout {
    /// The layout of a file whose header row is `header`. A bank-format
    /// file imported into a credit account is read as credit transactions.
    pub fn new(
        g: Generic,
        file: &str,
        header: &[String],
        opts: &ParseOptions,
    ) -> Result<Layout, ImportError> {
        let header = lowered(header);
        let col = |n: &str| header.iter().position(|c| c == n);
        let g = if g == Generic::Bank && opts.target_kind == Some(AccountKind::Credit) {
            Generic::CreditTransactions
        } else {
            g
        };
        let cols = match g {
            Generic::Bank | Generic::CreditTransactions => {
                let (Some(date), Some(description), Some(amount)) =
                    (col("date"), col("description"), col("amount"))
                else {
                    return Err(ImportError::UnknownLayout { file: file.into() });
                };
                Cols::Transactions {
                    date,
                    description,
                    amount,
                    balance: col("balance"),
                    counterparty: col("counterparty"),
                    category: col("category"),
                }
            }
            Generic::Bills => {
                let need = ["account", "statement_date", "due_date", "amount_due"];
                if need.iter().any(|n| col(n).is_none()) {
                    return Err(ImportError::UnknownLayout { file: file.into() });
                }
                Cols::Bills
            }
        };
        Ok(Layout {
            g,
            file: file.into(),
            header,
            cols,
        })
    }

    /// The file, as named in messages.
    pub fn file(&self) -> &str {
        &self.file
    }

    /// Profile name.
    pub fn name(&self) -> &'static str {
        self.g.name()
    }

    /// Does the file hold bills?
    pub fn holds_bills(&self) -> bool {
        matches!(self.cols, Cols::Bills)
    }

    fn col(&self, n: &str) -> Option<usize> {
        self.header.iter().position(|c| c == n)
    }

    fn err(&self, line: u64, c: Option<usize>, value: &str, reason: String) -> RowError {
        RowError {
            file: self.file.clone(),
            sheet: None,
            line,
            column: c.map(|c| RowError::at(c, self.header.get(c))),
            value: value.to_string(),
            reason,
        }
    }

    /// Reads one row; `None` for a blank row.
    pub fn row(&self, line: u64, rec: &csv::StringRecord) -> Option<Row> {
        if rec.iter().all(is_blank) {
            return None;
        }
        let cell = |i: usize| rec.get(i).unwrap_or("");
        Some(match &self.cols {
            Cols::Transactions {
                date: cd,
                description,
                amount: ca,
                balance: cb,
                counterparty,
                category,
            } => {
                let (cd, ca, cb) = (*cd, *ca, *cb);
                let d = match date(cell(cd)) {
                    Ok(d) => d,
                    Err(e) => {
                        return Some(Row::Bad(self.err(
                            line,
                            Some(cd),
                            cell(cd),
                            format!("the date {e}"),
                        )));
                    }
                };
                let a = match amount(cell(ca)) {
                    Ok(a) => a,
                    Err(e) => {
                        return Some(Row::Bad(self.err(
                            line,
                            Some(ca),
                            cell(ca),
                            format!("the amount {e}"),
                        )));
                    }
                };
                let balance = match cb.map(cell).map(trimmed).filter(|s| !s.is_empty()) {
                    None => None,
                    Some(b) => match amount(b) {
                        Ok(b) => Some(b),
                        Err(e) => {
                            return Some(Row::Bad(self.err(
                                line,
                                cb,
                                b,
                                format!("the balance {e}"),
                            )));
                        }
                    },
                };
                let signed = if self.g == Generic::CreditTransactions {
                    -a
                } else {
                    a
                };
                Row::Tx(NewTransaction {
                    account: None,
                    date: d,
                    amount: signed,
                    balance,
                    description: clean(cell(*description)),
                    counterparty: counterparty.map(|i| clean(cell(i))).unwrap_or_default(),
                    category: category.map(|i| clean(cell(i))).unwrap_or_default(),
                    source_id: None,
                    line,
                })
            }
            Cols::Bills => match self.bill(line, rec) {
                Ok(b) => Row::Bill(line, b),
                Err(e) => Row::Bad(e),
            },
        })
    }

    fn bill(&self, line: u64, rec: &csv::StringRecord) -> Result<Bill, RowError> {
        let get = |n: &str| {
            self.col(n)
                .and_then(|i| rec.get(i))
                .map(clean)
                .unwrap_or_default()
        };
        let bad = |n: &str, reason: String| self.err(line, self.col(n), &get(n), reason);
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
        let account = get("account");
        if account.is_empty() {
            return Err(bad(
                "account",
                "the account is empty; name the credit account".into(),
            ));
        }
        BillDecl {
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
        }
        .to_bill()
        .map_err(|e| self.err(line, None, "", e))
    }
}
