//! Cross-source matches in the book: wallet rows paid by a bank card
//! (`card_rows`) paired with statement rows by `engine::matching`, and the
//! user's word on each pair.
//!
//! A pair is recomputed over a date window whenever rows in it change (an
//! import, an undo, a rejection), from the rows alone, so the book ends the
//! same whatever order its files came in. A matched statement row takes the
//! wallet's counterparty (and its category, when it has none); the row's
//! own are kept beside the pair and put back when the pair comes apart.
//! Confirmed and rejected pairs are the user's and are not recomputed.

use chrono::{Days, NaiveDate};
use rusqlite::{OptionalExtension, Transaction as SqlTx, params};
use serde::Serialize;

use super::{Store, StoreError, busy_or, date_of};
use crate::engine::book::AccountKind;
use crate::engine::matching::{self, BankRow, MAX_DAYS, Strength, WalletRow};
use crate::engine::money::Money;

/// The statement row a wallet row is paired with.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct StatementRow {
    /// Its id in the book.
    pub id: i64,
    /// Its account.
    pub account: String,
    /// Day.
    pub date: NaiveDate,
    /// Amount.
    pub amount: Money,
    /// Description.
    pub description: String,
}

/// A wallet row paid by card, and what became of it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CardMatch {
    /// Id, for `ebb matches confirm|reject ID`.
    pub id: i64,
    /// `open` (no statement row yet), `near` (a candidate to confirm),
    /// `matched`, `confirmed` or `rejected`.
    pub state: String,
    /// The wallet whose export it is from.
    pub wallet: String,
    /// Day.
    pub date: NaiveDate,
    /// Amount the card was charged (refunds positive).
    pub amount: Money,
    /// Description.
    pub description: String,
    /// Counterparty.
    pub counterparty: String,
    /// The payment method, e.g. `中国银行信用卡(1875)`.
    pub method: String,
    /// The statement row (for `near`: the candidate).
    pub statement: Option<StatementRow>,
    /// Why they pair.
    pub evidence: Vec<String>,
}

const SELECT: &str = "SELECT c.id, c.state, c.wallet, c.date, c.amount, c.description, c.counterparty, c.method, c.evidence, t.id, a.name, t.date, t.amount, t.description \
     FROM card_rows c LEFT JOIN transactions t ON t.id = c.tx_id LEFT JOIN accounts a ON a.id = t.account_id";

/// The rows of `SELECT` that `p` picks.
fn collect(
    stmt: &mut rusqlite::Statement<'_>,
    p: impl rusqlite::Params,
) -> Result<Vec<CardMatch>, StoreError> {
    let mut rows = stmt.query(p)?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let statement = match r.get::<_, Option<i64>>(9)? {
            Some(id) => Some(StatementRow {
                id,
                account: r.get(10)?,
                date: date_of(&r.get::<_, String>(11)?)?,
                amount: Money::from_cents(r.get(12)?),
                description: r.get(13)?,
            }),
            None => None,
        };
        let evidence: String = r.get(8)?;
        out.push(CardMatch {
            id: r.get(0)?,
            state: r.get(1)?,
            wallet: r.get(2)?,
            date: date_of(&r.get::<_, String>(3)?)?,
            amount: Money::from_cents(r.get(4)?),
            description: r.get(5)?,
            counterparty: r.get(6)?,
            method: r.get(7)?,
            statement,
            evidence: serde_json::from_str(&evidence).unwrap_or_default(),
        });
    }
    Ok(out)
}

/// The pairs an import took part in: its wallet rows, or its statement
/// rows (ids `first..=last`), matched or near.
pub(super) fn of_import(
    tx: &SqlTx<'_>,
    import_id: i64,
    rows: Option<(i64, i64)>,
) -> Result<Vec<CardMatch>, StoreError> {
    let (first, last) = rows.unwrap_or((0, -1));
    let mut stmt = tx.prepare(&format!(
        "{SELECT} WHERE c.state IN ('near', 'matched', 'confirmed') AND (c.import_id = ?1 OR c.tx_id BETWEEN ?2 AND ?3) ORDER BY c.date, c.id"
    ))?;
    collect(&mut stmt, params![import_id, first, last])
}

pub(super) fn day(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// `lo..=hi` widened by `days` on each side, as far as the calendar goes.
pub(super) fn widened(lo: NaiveDate, hi: NaiveDate, days: i64) -> (NaiveDate, NaiveDate) {
    let n = Days::new(days.unsigned_abs());
    (
        lo.checked_sub_days(n).unwrap_or(lo),
        hi.checked_add_days(n).unwrap_or(hi),
    )
}

/// Puts a matched statement row's own counterparty and category back and
/// frees the wallet row.
fn unlink(tx: &SqlTx<'_>, card_row: i64) -> Result<(), StoreError> {
    tx.execute(
        "UPDATE transactions SET counterparty = c.was_counterparty, category = c.was_category \
         FROM card_rows c WHERE c.id = ?1 AND transactions.id = c.tx_id AND c.state IN ('matched', 'confirmed')",
        [card_row],
    )?;
    tx.execute(
        "UPDATE card_rows SET state = 'open', tx_id = NULL, was_counterparty = NULL, was_category = NULL, evidence = '[]' WHERE id = ?1",
        [card_row],
    )?;
    Ok(())
}

/// Links a wallet row with its statement row and lends the row the
/// wallet's counterparty and, when it has none, its category.
fn link(
    tx: &SqlTx<'_>,
    card_row: i64,
    tx_id: i64,
    state: &str,
    evidence: &[String],
) -> Result<(), StoreError> {
    tx.execute(
        "UPDATE card_rows SET state = ?2, tx_id = ?3, evidence = ?4, \
         was_counterparty = (SELECT counterparty FROM transactions WHERE id = ?3), \
         was_category = (SELECT category FROM transactions WHERE id = ?3) WHERE id = ?1",
        params![
            card_row,
            state,
            tx_id,
            serde_json::to_string(evidence).unwrap_or_default()
        ],
    )?;
    tx.execute(
        "UPDATE transactions SET \
         counterparty = CASE WHEN c.counterparty <> '' THEN c.counterparty ELSE transactions.counterparty END, \
         category = CASE WHEN transactions.category = '' THEN c.category ELSE transactions.category END \
         FROM card_rows c WHERE c.id = ?1 AND transactions.id = ?2",
        params![card_row, tx_id],
    )?;
    Ok(())
}

/// Recomputes the pairs of the wallet rows dated `lo..=hi` (those the user
/// has not confirmed or rejected).
pub(super) fn rematch(tx: &SqlTx<'_>, lo: NaiveDate, hi: NaiveDate) -> Result<(), StoreError> {
    let mut wallet = Vec::new();
    let mut linked = Vec::new();
    {
        let mut stmt = tx.prepare(
            "SELECT id, date, amount, method, keywords, hash, state FROM card_rows \
             WHERE date BETWEEN ?1 AND ?2 AND state IN ('open', 'near', 'matched')",
        )?;
        let mut rows = stmt.query(params![day(lo), day(hi)])?;
        while let Some(r) = rows.next()? {
            let id: i64 = r.get(0)?;
            let keywords: String = r.get(4)?;
            wallet.push(WalletRow {
                id,
                date: date_of(&r.get::<_, String>(1)?)?,
                cents: r.get(2)?,
                method: r.get(3)?,
                keywords: serde_json::from_str(&keywords).unwrap_or_default(),
                key: r.get(5)?,
            });
            if r.get::<_, String>(6)? == "matched" {
                linked.push(id);
            }
        }
    }
    // Every pair to recompute belongs to one of these rows.
    if wallet.is_empty() {
        return Ok(());
    }
    for id in linked {
        unlink(tx, id)?;
    }
    tx.execute(
        "UPDATE card_rows SET state = 'open', tx_id = NULL, evidence = '[]' WHERE date BETWEEN ?1 AND ?2 AND state = 'near'",
        params![day(lo), day(hi)],
    )?;
    let amounts: std::collections::HashSet<i64> = wallet.iter().map(|w| w.cents).collect();
    let mut bank = Vec::new();
    {
        let mut stmt = tx.prepare(
            "SELECT t.id, a.name, a.kind, t.date, t.amount, t.description, t.counterparty, t.hash \
             FROM transactions t JOIN accounts a ON a.id = t.account_id \
             WHERE t.date BETWEEN ?1 AND ?2 AND a.kind IN ('bank', 'credit') \
             AND NOT EXISTS (SELECT 1 FROM card_rows c WHERE c.tx_id = t.id AND c.state IN ('matched', 'confirmed'))",
        )?;
        let (from, to) = widened(lo, hi, MAX_DAYS);
        let mut rows = stmt.query(params![day(from), day(to)])?;
        while let Some(r) = rows.next()? {
            let cents: i64 = r.get(4)?;
            if !amounts.contains(&cents) {
                continue;
            }
            let kind: String = r.get(2)?;
            bank.push(BankRow {
                id: r.get(0)?,
                account: r.get(1)?,
                kind: kind.parse().unwrap_or(AccountKind::Bank),
                date: date_of(&r.get::<_, String>(3)?)?,
                cents,
                text: format!("{} {}", r.get::<_, String>(5)?, r.get::<_, String>(6)?),
                key: r.get(7)?,
            });
        }
    }
    for p in matching::pair(&wallet, &bank) {
        match p.strength {
            Strength::Match => link(tx, p.wallet, p.bank, "matched", &p.evidence)?,
            Strength::Near => {
                tx.execute(
                    "UPDATE card_rows SET state = 'near', tx_id = ?2, evidence = ?3 WHERE id = ?1",
                    params![
                        p.wallet,
                        p.bank,
                        serde_json::to_string(&p.evidence).unwrap_or_default()
                    ],
                )?;
            }
        }
    }
    Ok(())
}

/// Before an import's rows go: frees the statement rows it added from
/// their pairs, unlinks and deletes its wallet rows. Returns the days the
/// pairs may now change over, and how many wallet rows went.
pub(super) fn forget_import(
    tx: &SqlTx<'_>,
    import_id: i64,
    rows: Option<(i64, i64)>,
) -> Result<(Option<(NaiveDate, NaiveDate)>, u64), StoreError> {
    let (first, last) = rows.unwrap_or((0, -1));
    let span: (Option<String>, Option<String>) = tx.query_row(
        "SELECT min(d), max(d) FROM (SELECT date AS d FROM card_rows WHERE import_id = ?1 \
         UNION ALL SELECT c.date FROM card_rows c WHERE c.tx_id BETWEEN ?2 AND ?3)",
        params![import_id, first, last],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    let ids: Vec<i64> = {
        let mut stmt = tx.prepare(
            "SELECT id FROM card_rows WHERE import_id = ?1 OR (tx_id BETWEEN ?2 AND ?3)",
        )?;
        stmt.query_map(params![import_id, first, last], |r| r.get(0))?
            .collect::<Result<_, _>>()?
    };
    for id in ids {
        unlink(tx, id)?;
    }
    let gone = tx.execute("DELETE FROM card_rows WHERE import_id = ?1", [import_id])? as u64;
    let span = match span {
        (Some(a), Some(b)) => Some((date_of(&a)?, date_of(&b)?)),
        _ => None,
    };
    Ok((span, gone))
}

impl Store {
    /// Wallet rows paid by card, with their pairs; `state` filters.
    pub fn card_matches(&self, state: Option<&str>) -> Result<Vec<CardMatch>, StoreError> {
        let mut stmt = self.conn.prepare(&format!(
            "{SELECT} WHERE ?1 IS NULL OR c.state = ?1 ORDER BY c.date, c.id"
        ))?;
        collect(&mut stmt, [state])
    }

    /// The user says a pair is the same payment: a near match becomes a
    /// match, a match stays whatever is imported later.
    pub fn confirm_match(&mut self, id: i64) -> Result<CardMatch, StoreError> {
        let tx = self.write_tx()?;
        let row: Option<(String, Option<i64>, String)> = tx
            .query_row(
                "SELECT state, tx_id, evidence FROM card_rows WHERE id = ?1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        let Some((state, tx_id, evidence)) = row else {
            return Err(no_such(id));
        };
        match (state.as_str(), tx_id) {
            ("matched", Some(_)) => {
                tx.execute(
                    "UPDATE card_rows SET state = 'confirmed' WHERE id = ?1",
                    [id],
                )?;
            }
            ("near", Some(t)) => {
                let mut ev: Vec<String> = serde_json::from_str(&evidence).unwrap_or_default();
                ev.push("confirmed".into());
                link(&tx, id, t, "confirmed", &ev)?;
            }
            ("confirmed", _) => {}
            _ => {
                return Err(StoreError::Invalid(format!(
                    "wallet row {id} is {state}: there is no statement row to confirm it with"
                )));
            }
        }
        tx.commit().map_err(busy_or)?;
        self.card_match(id)
    }

    /// The user says a pair is not the same payment: the statement row gets
    /// its own counterparty back, and the wallet row is not paired again.
    pub fn reject_match(&mut self, id: i64) -> Result<CardMatch, StoreError> {
        let tx = self.write_tx()?;
        let date: Option<String> = tx
            .query_row("SELECT date FROM card_rows WHERE id = ?1", [id], |r| {
                r.get(0)
            })
            .optional()?;
        let Some(date) = date else {
            return Err(no_such(id));
        };
        let date = date_of(&date)?;
        unlink(&tx, id)?;
        tx.execute(
            "UPDATE card_rows SET state = 'rejected' WHERE id = ?1",
            [id],
        )?;
        // The statement row is free for another wallet row.
        let (lo, hi) = widened(date, date, 2 * MAX_DAYS);
        rematch(&tx, lo, hi)?;
        tx.commit().map_err(busy_or)?;
        self.card_match(id)
    }

    fn card_match(&self, id: i64) -> Result<CardMatch, StoreError> {
        let mut stmt = self.conn.prepare(&format!("{SELECT} WHERE c.id = ?1"))?;
        collect(&mut stmt, [id])?.pop().ok_or_else(|| no_such(id))
    }
}

fn no_such(id: i64) -> StoreError {
    StoreError::Invalid(format!(
        "there is no wallet row {id}; `ebb matches` lists them"
    ))
}
