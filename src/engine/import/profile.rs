//! Statement profiles: how one bank's or wallet's export reads.
//!
//! A profile is data (TOML): the header cells that identify it, which
//! column holds what, how the sign is written (a signed amount, separate
//! income/expense columns, a 收/支 or 借/贷 column, or the description), how
//! wallet rows are funded (balance, a credit product, or a card — paid from
//! elsewhere), which rows to drop, and categorisation rules. The built-in
//! profiles live in `assets/profiles/*.toml`; users add their own in the
//! same format. Owns: `Profile`, its checks and `Profile::parse`. Must not:
//! read files (the caller passes the TOML text).

use std::sync::OnceLock;

use chrono::{Datelike, NaiveDate};
use serde::Deserialize;

use crate::engine::book::AccountKind;
use crate::engine::import::cells::{self, amount, clean};
use crate::engine::import::{
    AccountHint, CardRow, Content, ImportError, NewTransaction, ParsedFile, RowError,
};
use crate::engine::money::Money;

/// A column by header name or by 1-based index.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(untagged)]
pub enum Col {
    /// Header name (after trimming).
    Name(String),
    /// 1-based position.
    Index(usize),
}

/// One or more columns.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(untagged)]
pub enum Cols {
    /// One column.
    One(Col),
    /// Several, joined with a space (empty ones left out).
    Many(Vec<Col>),
}

impl Default for Cols {
    fn default() -> Self {
        Cols::Many(Vec::new())
    }
}

impl Cols {
    fn list(&self) -> Vec<&Col> {
        match self {
            Cols::One(c) => vec![c],
            Cols::Many(v) => v.iter().collect(),
        }
    }
}

/// How the sign of an amount is written.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq, Default)]
#[serde(rename_all = "snake_case")]
pub enum SignRule {
    /// The amount column is signed from the holder's side.
    #[default]
    Signed,
    /// The amount column is positive for spending (credit card statements).
    Inverted,
}

/// A payment method that is a credit product.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct CreditMethod {
    /// Text the method cell contains, e.g. `花呗`.
    pub pattern: String,
    /// The credit account it goes to, e.g. `huabei`.
    pub account: String,
}

impl CreditMethod {
    /// The credit account rows of this method go to.
    fn hint(&self) -> AccountHint {
        AccountHint {
            name: self.account.clone(),
            kind: AccountKind::Credit,
        }
    }
}

/// What an own-account transfer does to this account.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Effect {
    /// Money comes in.
    In,
    /// Money goes out.
    Out,
    /// It does not touch this account.
    Skip,
}

/// A rule for neutral (不计收支) rows.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct TransferRule {
    /// Text the type or description contains.
    pub pattern: String,
    /// What it does.
    pub effect: Effect,
}

/// A categorisation rule.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct CategoryRule {
    /// Text the description or counterparty contains.
    pub pattern: String,
    /// Category to set.
    pub category: String,
}

/// A row filter: rows whose column contains the text are left out.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Filter {
    /// Column.
    pub column: Col,
    /// Text.
    pub contains: String,
}

/// A statement profile.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    /// Unique name, e.g. `icbc-debit-v2`.
    pub name: String,
    /// What it reads, for `ebb profiles`.
    #[serde(default)]
    pub title: String,
    /// Kind of the account it fills.
    pub kind: String,
    /// Account name (a card's last four digits are appended when found).
    pub account: String,
    /// Header cells that must all be present in one row.
    pub header: Vec<String>,
    /// The header row's first cell, where column sets alone are ambiguous.
    #[serde(default)]
    pub header_first: Option<String>,
    /// Lines to skip before looking for the header.
    #[serde(default)]
    pub skip_lines: usize,
    /// Preamble label before the card number, e.g. `卡号`.
    #[serde(default)]
    pub card_label: Option<String>,
    /// Column holding the card's last digits.
    #[serde(default)]
    pub card_column: Option<Col>,
    /// Date column.
    pub date: Col,
    /// chrono format when the common shapes do not fit.
    #[serde(default)]
    pub date_format: Option<String>,
    /// Dates are `MM/DD`; the year comes from `YYYY年MM月` in the preamble.
    #[serde(default)]
    pub yearless_dates: bool,
    /// Description columns.
    #[serde(default)]
    pub description: Cols,
    /// Counterparty columns.
    #[serde(default)]
    pub counterparty: Cols,
    /// Category column.
    #[serde(default)]
    pub category: Option<Col>,
    /// Source transaction id column.
    #[serde(default)]
    pub id: Option<Col>,
    /// Running balance column.
    #[serde(default)]
    pub balance: Option<Col>,
    /// Signed amount column.
    #[serde(default)]
    pub amount: Option<Col>,
    /// How `amount` is signed.
    #[serde(default)]
    pub sign: SignRule,
    /// Income column (with `expense`).
    #[serde(default)]
    pub income: Option<Col>,
    /// Expense column (with `income`).
    #[serde(default)]
    pub expense: Option<Col>,
    /// Direction column (收/支 or 借/贷).
    #[serde(default)]
    pub direction: Option<Col>,
    /// Direction values meaning money in.
    #[serde(default)]
    pub direction_in: Vec<String>,
    /// Direction values meaning money out.
    #[serde(default)]
    pub direction_out: Vec<String>,
    /// Description prefixes meaning money in (direction from description);
    /// every other row is money out.
    #[serde(default)]
    pub description_in: Vec<String>,
    /// Status column.
    #[serde(default)]
    pub status: Option<Col>,
    /// Statuses (contained text) whose rows are dropped.
    #[serde(default)]
    pub skip_status: Vec<String>,
    /// Currency column.
    #[serde(default)]
    pub currency: Option<Col>,
    /// Payment-method column (wallets).
    #[serde(default)]
    pub method: Option<Col>,
    /// Methods that move this wallet's own balance (contained text).
    #[serde(default)]
    pub balance_methods: Vec<String>,
    /// Methods that are credit products.
    #[serde(default)]
    pub credit_methods: Vec<CreditMethod>,
    /// Transaction-type column (wallets), matched by transfer rules.
    #[serde(default)]
    pub kind_column: Option<Col>,
    /// Rules for neutral rows.
    #[serde(default)]
    pub transfers: Vec<TransferRule>,
    /// Rows that repay a credit product (e.g. `美团月付】主动还款`): they
    /// go to that credit account as money in, and out of this wallet when
    /// paid from its balance.
    #[serde(default)]
    pub repayments: Vec<CreditMethod>,
    /// Words this wallet's card payments carry in a bank statement
    /// (`网银在线` for JD, `支付宝` for Alipay): a wallet row paid by card
    /// matches the statement row that has one.
    #[serde(default)]
    pub match_keywords: Vec<String>,
    /// Categorisation rules.
    #[serde(default)]
    pub rules: Vec<CategoryRule>,
    /// Row filters.
    #[serde(default)]
    pub filters: Vec<Filter>,
}

const BUILTIN: &[(&str, &str)] = &[
    (
        "alipay-2023",
        include_str!("../../../assets/profiles/alipay-2023.toml"),
    ),
    (
        "alipay-2021",
        include_str!("../../../assets/profiles/alipay-2021.toml"),
    ),
    (
        "alipay-2019",
        include_str!("../../../assets/profiles/alipay-2019.toml"),
    ),
    (
        "wechat",
        include_str!("../../../assets/profiles/wechat.toml"),
    ),
    ("jd", include_str!("../../../assets/profiles/jd.toml")),
    (
        "meituan",
        include_str!("../../../assets/profiles/meituan.toml"),
    ),
    (
        "icbc-credit",
        include_str!("../../../assets/profiles/icbc-credit.toml"),
    ),
    (
        "icbc-debit-v2",
        include_str!("../../../assets/profiles/icbc-debit-v2.toml"),
    ),
    (
        "icbc-debit-v1",
        include_str!("../../../assets/profiles/icbc-debit-v1.toml"),
    ),
    (
        "cmb-credit",
        include_str!("../../../assets/profiles/cmb-credit.toml"),
    ),
    (
        "cmb-debit",
        include_str!("../../../assets/profiles/cmb-debit.toml"),
    ),
    (
        "boc-credit",
        include_str!("../../../assets/profiles/boc-credit.toml"),
    ),
    (
        "boc-debit",
        include_str!("../../../assets/profiles/boc-debit.toml"),
    ),
    (
        "bocom-credit",
        include_str!("../../../assets/profiles/bocom-credit.toml"),
    ),
    (
        "bocom-debit",
        include_str!("../../../assets/profiles/bocom-debit.toml"),
    ),
    (
        "cgb-credit",
        include_str!("../../../assets/profiles/cgb-credit.toml"),
    ),
    (
        "abc-debit",
        include_str!("../../../assets/profiles/abc-debit.toml"),
    ),
    (
        "ccb-debit",
        include_str!("../../../assets/profiles/ccb-debit.toml"),
    ),
    (
        "spdb-debit",
        include_str!("../../../assets/profiles/spdb-debit.toml"),
    ),
    (
        "citic-credit",
        include_str!("../../../assets/profiles/citic-credit.toml"),
    ),
];

/// The built-in profiles, in detection order (more specific first).
pub fn builtin() -> &'static [Profile] {
    static P: OnceLock<Vec<Profile>> = OnceLock::new();
    P.get_or_init(|| {
        BUILTIN
            .iter()
            .filter_map(|(_, text)| Profile::from_toml("builtin", text).ok())
            .collect()
    })
}

/// Problems loading the built-in profiles (a test keeps this empty).
pub fn builtin_errors() -> Vec<String> {
    BUILTIN
        .iter()
        .filter_map(|(n, text)| Profile::from_toml(n, text).err())
        .collect()
}

/// A profile by name among the user's and the built-in ones.
pub fn find<'a>(name: &str, user: &'a [Profile]) -> Option<&'a Profile> {
    user.iter()
        .find(|p| p.name == name)
        .or_else(|| builtin().iter().find(|p| p.name == name))
}

/// Footer markers (SPEC.md rule 3).
const FOOTERS: &[&str] = &["------", "合计金额", "人民币合计", "以上数据仅供参考", "#"];

enum Dir {
    In,
    Out,
    Neutral,
}

/// Where a row goes.
enum Route {
    /// To the file's account, or the one given, with this signed amount.
    To(Option<AccountHint>, Money),
    /// Paid by a bank card: held to match the card's statement, with the
    /// amount the card was charged.
    Card(Money),
    /// Left out.
    Skip,
}

impl Profile {
    /// Parses and checks a profile; `file` names it in errors.
    pub fn from_toml(file: &str, text: &str) -> Result<Profile, String> {
        let p: Profile = toml::from_str(text)
            .map_err(|e| format!("profile {file}: {}", e.to_string().trim_end()))?;
        let err = |m: &str| Err(format!("profile {file} (\"{}\"): {m}", p.name));
        if p.kind.parse::<AccountKind>().is_err() {
            return err("kind must be bank, wallet or credit");
        }
        if p.header.is_empty() {
            return err("header must list at least one column name that identifies the file");
        }
        let amounts = [
            p.amount.is_some(),
            p.income.is_some() && p.expense.is_some(),
        ]
        .iter()
        .filter(|x| **x)
        .count();
        if amounts != 1 {
            return err("set either amount, or both income and expense");
        }
        if !(p.direction_in.is_empty() && p.direction_out.is_empty()) && p.direction.is_none() {
            return err("direction_in / direction_out need a direction column");
        }
        Ok(p)
    }

    fn account_kind(&self) -> AccountKind {
        self.kind.parse().unwrap_or(AccountKind::Bank)
    }

    /// The index of the header row, when this profile recognises the file.
    pub fn header_line(&self, lines: &[(u64, Vec<String>)]) -> Option<usize> {
        lines
            .iter()
            .enumerate()
            .skip(self.skip_lines)
            .take(60)
            .find_map(|(i, (_, rec))| {
                let cells: Vec<String> = rec.iter().map(|c| clean(c)).collect();
                let first_ok = self
                    .header_first
                    .as_ref()
                    .is_none_or(|f| cells.first() == Some(f));
                (first_ok && self.header.iter().all(|h| cells.iter().any(|c| c == h))).then_some(i)
            })
    }

    /// Reads a file this profile recognises.
    pub fn parse(
        &self,
        file: &str,
        lines: &[(u64, Vec<String>)],
    ) -> Result<ParsedFile, ImportError> {
        let hi = self
            .header_line(lines)
            .ok_or_else(|| ImportError::UnknownLayout { file: file.into() })?;
        let header: Vec<String> = lines[hi].1.iter().map(|c| clean(c)).collect();
        let idx = |c: &Col| -> Result<usize, ImportError> {
            match c {
                Col::Index(i) if *i >= 1 => Ok(i - 1),
                Col::Index(_) => Err(ImportError::Profile(format!(
                    "profile {}: column numbers start at 1",
                    self.name
                ))),
                Col::Name(n) => header.iter().position(|h| h == n).ok_or_else(|| {
                    ImportError::Profile(format!(
                        "{file}: profile {} expects a column \"{n}\" that the header does not have",
                        self.name
                    ))
                }),
            }
        };
        let opt = |c: &Option<Col>| c.as_ref().map(idx).transpose();
        let many = |c: &Cols| c.list().into_iter().map(idx).collect::<Result<Vec<_>, _>>();
        let (c_date, c_desc, c_cp) = (
            idx(&self.date)?,
            many(&self.description)?,
            many(&self.counterparty)?,
        );
        let (c_cat, c_id, c_bal, c_amt) = (
            opt(&self.category)?,
            opt(&self.id)?,
            opt(&self.balance)?,
            opt(&self.amount)?,
        );
        let (c_in, c_out, c_dir, c_status) = (
            opt(&self.income)?,
            opt(&self.expense)?,
            opt(&self.direction)?,
            opt(&self.status)?,
        );
        let (c_cur, c_method, c_kind, c_card) = (
            opt(&self.currency)?,
            opt(&self.method)?,
            opt(&self.kind_column)?,
            opt(&self.card_column)?,
        );
        let filters: Vec<(usize, &str)> = self
            .filters
            .iter()
            .map(|f| Ok((idx(&f.column)?, f.contains.as_str())))
            .collect::<Result<_, ImportError>>()?;

        let preamble: Vec<String> = lines[..hi]
            .iter()
            .flat_map(|(_, r)| r.iter().map(|c| clean(c)))
            .collect();
        let period = if self.yearless_dates {
            statement_period(&preamble)
        } else {
            None
        };
        if self.yearless_dates && period.is_none() {
            return Err(ImportError::Profile(format!(
                "{file}: the dates have no year and the statement period (YYYY年MM月) is not in the file's first lines; add it or use a profile with full dates"
            )));
        }
        let mut card = self
            .card_label
            .as_ref()
            .and_then(|label| labelled_digits(&lines[..hi], label));
        let kind = self.account_kind();
        // Refunds of closed trades pair with their originals: both drop.
        let mut closed: Vec<(String, String)> = Vec::new();
        if let Some(c) = c_status {
            for (_, rec) in &lines[hi + 1..] {
                let s = rec.get(c).map(|x| clean(x)).unwrap_or_default();
                if self.skip_status.iter().any(|x| s.contains(x.as_str())) {
                    let desc = c_desc
                        .iter()
                        .map(|&i| rec.get(i).map(|x| clean(x)).unwrap_or_default())
                        .collect::<Vec<_>>()
                        .join(" ");
                    let amt = c_amt
                        .and_then(|i| rec.get(i))
                        .map(|x| clean(x))
                        .unwrap_or_default();
                    closed.push((desc, amt));
                }
            }
        }
        let mut out = Vec::new();
        let mut held = Vec::new();
        let mut errors = Vec::new();
        let mut skipped = 0usize;
        for (line, rec) in &lines[hi + 1..] {
            let cell = |i: usize| rec.get(i).map(String::as_str).unwrap_or("");
            let first = clean(rec.first().map(String::as_str).unwrap_or(""));
            if rec.iter().all(|c| clean(c).is_empty()) {
                continue;
            }
            if FOOTERS.iter().any(|f| first.starts_with(f)) {
                break;
            }
            let err = |c: Option<usize>, value: &str, reason: String| RowError {
                file: file.to_string(),
                sheet: None,
                line: *line,
                column: c.map(|c| super::RowError::at(c, header.get(c))),
                value: value.to_string(),
                reason,
            };
            let raw_date = clean(cell(c_date));
            let date = match (&period, &self.date_format) {
                (Some((y, m)), _) => yearless(&raw_date, *y, *m),
                (None, Some(f)) => cells::date_with(&raw_date, f).ok(),
                (None, None) => cells::date(&raw_date).ok(),
            };
            let Some(date) = date else {
                // A row whose date column holds no date ends the data
                // (summary lines), unless more dated rows follow, in which
                // case it is a bad row.
                let more = lines[hi + 1..].iter().any(|(l, r)| {
                    l > line
                        && r.get(c_date).is_some_and(|c| {
                            cells::looks_like_date(c)
                                || (period.is_some() && yearless(&clean(c), 2000, 1).is_some())
                        })
                });
                if more && !raw_date.is_empty() {
                    errors.push(err(
                        Some(c_date),
                        &raw_date,
                        "the date is not a date (expected YYYY-MM-DD)".into(),
                    ));
                    continue;
                }
                if more {
                    errors.push(err(Some(c_date), "", "the date is empty".into()));
                    continue;
                }
                break;
            };
            if filters.iter().any(|(c, t)| cell(*c).contains(t)) {
                skipped += 1;
                continue;
            }
            if let Some(c) = c_status {
                let s = clean(cell(c));
                if self.skip_status.iter().any(|x| s.contains(x.as_str())) {
                    skipped += 1;
                    continue;
                }
            }
            if let Some(c) = c_cur {
                let cur = clean(cell(c));
                if !(cur.is_empty() || ["CNY", "人民币", "RMB"].contains(&cur.as_str())) {
                    skipped += 1;
                    continue;
                }
            }
            if card.is_none()
                && let Some(c) = c_card
            {
                card = last_digits(&clean(cell(c)));
            }
            // Amount and its sign.
            let amt = if let Some(c) = c_amt {
                match amount(cell(c)) {
                    Ok(a) => {
                        if self.sign == SignRule::Inverted {
                            -a
                        } else {
                            a
                        }
                    }
                    Err(e) => {
                        errors.push(err(Some(c), &clean(cell(c)), format!("the amount {e}")));
                        continue;
                    }
                }
            } else {
                let (ci, co) = (c_in.unwrap_or(0), c_out.unwrap_or(0));
                let (vi, vo) = (clean(cell(ci)), clean(cell(co)));
                let parse = |c: usize, v: &str| {
                    if v.is_empty() {
                        Ok(Money::ZERO)
                    } else {
                        amount(v).map_err(|e| err(Some(c), v, format!("the amount {e}")))
                    }
                };
                match (parse(ci, &vi), parse(co, &vo)) {
                    (Ok(i), Ok(o)) => {
                        if vi.is_empty() && vo.is_empty() {
                            errors.push(err(
                                Some(ci),
                                "",
                                "both the income and the expense amount are empty".into(),
                            ));
                            continue;
                        }
                        i.abs() - o.abs()
                    }
                    (Err(e), _) | (_, Err(e)) => {
                        errors.push(e);
                        continue;
                    }
                }
            };
            let join = |cols: &[usize]| {
                cols.iter()
                    .map(|&c| clean(cell(c)))
                    .filter(|s| !s.is_empty())
                    .collect::<Vec<_>>()
                    .join(" ")
            };
            let description = join(&c_desc);
            let counterparty = join(&c_cp);
            let dir_text = c_dir.map(|c| clean(cell(c))).unwrap_or_default();
            let dir = if c_dir.is_some() {
                if self
                    .direction_in
                    .iter()
                    .any(|v| dir_text.starts_with(v.as_str()))
                {
                    Dir::In
                } else if self
                    .direction_out
                    .iter()
                    .any(|v| dir_text.starts_with(v.as_str()))
                {
                    Dir::Out
                } else {
                    Dir::Neutral
                }
            } else if !self.description_in.is_empty() {
                if self
                    .description_in
                    .iter()
                    .any(|p| description.starts_with(p.as_str()))
                {
                    Dir::In
                } else {
                    Dir::Out
                }
            } else if amt.is_negative() {
                Dir::Out
            } else {
                Dir::In
            };
            let magnitude = amt.abs();
            let method = c_method.map(|c| clean(cell(c))).unwrap_or_default();
            let kind_text = c_kind.map(|c| clean(cell(c))).unwrap_or_default();
            let mut category = c_cat.map(|c| clean(cell(c))).unwrap_or_default();
            let wallet = c_method.is_some();
            if let Some(orig) = description.strip_prefix("退款-") {
                let amt_text = c_amt.map(|i| clean(cell(i))).unwrap_or_default();
                if let Some(pos) = closed.iter().position(|(d, a)| d == orig && *a == amt_text) {
                    closed.remove(pos);
                    skipped += 1;
                    continue;
                }
            }
            if let Some(rp) = self
                .repayments
                .iter()
                .find(|r| format!("{kind_text} {description}").contains(r.pattern.as_str()))
            {
                let hint = rp.hint();
                let row = |account: Option<AccountHint>, amount: Money| NewTransaction {
                    account,
                    date,
                    amount,
                    balance: None,
                    description: description.clone(),
                    counterparty: counterparty.clone(),
                    category: "transfer".into(),
                    source_id: c_id.map(|c| clean(cell(c))).filter(|s| !s.is_empty()),
                    line: *line,
                };
                out.push(row(Some(hint), magnitude));
                if !method.is_empty()
                    && self
                        .balance_methods
                        .iter()
                        .any(|m| method.contains(m.as_str()))
                {
                    out.push(row(None, -magnitude));
                }
                continue;
            }
            // Route: (account override, signed amount), held for the
            // card's statement, or skip.
            let credit = self
                .credit_methods
                .iter()
                .find(|m| method.contains(m.pattern.as_str()));
            let on_balance = method.is_empty()
                || self
                    .balance_methods
                    .iter()
                    .any(|m| method.contains(m.as_str()));
            let signed = |d: &Dir| match d {
                Dir::In => magnitude,
                _ => -magnitude,
            };
            // A card was charged the whole amount; refunds come back as
            // rows of their own, in the wallet and in the card's statement.
            let gross = c_amt
                .and_then(|c| cells::gross(cell(c)).ok())
                .unwrap_or(magnitude);
            let refund = description.starts_with("退款") || kind_text.contains("退款");
            let by_card = |d: &Dir| -> Route {
                match d {
                    Dir::In => Route::Card(gross),
                    Dir::Out => Route::Card(-gross),
                    Dir::Neutral if refund => Route::Card(gross),
                    Dir::Neutral => Route::Card(-gross),
                }
            };
            let route = match (&dir, wallet) {
                (Dir::In | Dir::Out, false)
                    if c_dir.is_some() || !self.description_in.is_empty() =>
                {
                    Route::To(None, signed(&dir))
                }
                (_, false) => Route::To(None, amt),
                (Dir::In | Dir::Out, true) => match credit {
                    Some(cm) => Route::To(Some(cm.hint()), signed(&dir)),
                    None if on_balance => Route::To(None, signed(&dir)),
                    None => by_card(&dir),
                },
                (Dir::Neutral, true) => {
                    let text = format!("{kind_text} {description}");
                    let rule = self
                        .transfers
                        .iter()
                        .find(|r| text.contains(r.pattern.as_str()))
                        .map(|r| r.effect);
                    let sign = if refund { magnitude } else { -magnitude };
                    match (rule, credit) {
                        (Some(Effect::In), _) => Route::To(None, magnitude),
                        (Some(Effect::Out), _) => Route::To(None, -magnitude),
                        (Some(Effect::Skip), _) => Route::Skip,
                        // Pay-later products mark their purchases 不计收支: they
                        // are credit purchases (refunds: money back on credit).
                        (None, Some(cm)) => Route::To(Some(cm.hint()), sign),
                        (None, None) if method.is_empty() => Route::Skip,
                        (None, None) if on_balance => Route::To(None, sign),
                        (None, None) => by_card(&dir),
                    }
                }
            };
            let by_card_row = matches!(route, Route::Card(_));
            // Neutral wallet rows move money between own accounts; a card
            // refund or a refunded card purchase is spending undone, and
            // keeps the wallet's category.
            if matches!(dir, Dir::Neutral) && wallet && !by_card_row {
                category = "transfer".into();
            }
            let (account, signed_amount) = match route {
                Route::To(a, m) if !m.is_zero() => (a, m),
                Route::Card(m) if !m.is_zero() => (None, m),
                _ => {
                    skipped += 1;
                    continue;
                }
            };
            if category.is_empty() || !self.rules.is_empty() {
                let text = format!("{kind_text} {description} {counterparty}");
                if let Some(r) = self
                    .rules
                    .iter()
                    .find(|r| text.contains(r.pattern.as_str()))
                {
                    category = r.category.clone();
                }
            }
            let tx = NewTransaction {
                account,
                date,
                amount: signed_amount,
                // The wallet's running balance says nothing of a card.
                balance: if by_card_row {
                    None
                } else {
                    c_bal.and_then(|c| amount(cell(c)).ok())
                },
                description,
                counterparty,
                category,
                source_id: c_id.map(|c| clean(cell(c))).filter(|s| !s.is_empty()),
                line: *line,
            };
            if by_card_row {
                held.push(CardRow {
                    tx,
                    method,
                    keywords: self.match_keywords.clone(),
                });
            } else {
                out.push(tx);
            }
        }
        if out.is_empty() && held.is_empty() && errors.is_empty() && skipped == 0 {
            return Err(ImportError::Empty {
                file: file.into(),
                what: "the file has a header but no rows".into(),
            });
        }
        // Exports that list the newest first are stored oldest first, so
        // that "position in file" within a day follows time (RULES.md §2).
        oldest_first(&mut out, |t| t.date);
        oldest_first(&mut held, |c| c.tx.date);
        let name = match &card {
            Some(d) => format!("{}-{d}", self.account),
            None => self.account.clone(),
        };
        Ok(ParsedFile {
            profile: self.name.clone(),
            account: Some(AccountHint { name, kind }),
            content: Content::Transactions(out),
            held,
            errors,
            skipped,
        })
    }
}

/// Reverses rows listed newest first.
fn oldest_first<T>(rows: &mut [T], date: impl Fn(&T) -> NaiveDate) {
    if rows
        .first()
        .zip(rows.last())
        .is_some_and(|(a, b)| date(a) > date(b))
    {
        rows.reverse();
    }
}

/// The last four digits in a cell such as `卡号: 1234****5678`.
fn last_digits(s: &str) -> Option<String> {
    let digits: Vec<char> = s.chars().filter(char::is_ascii_digit).collect();
    (digits.len() >= 4).then(|| digits[digits.len() - 4..].iter().collect())
}

/// The card digits after a preamble label: in the label's own cell
/// (`卡号: 1234****5678`) or the next one (a spreadsheet's `账号 | 6200…1230`).
/// Spaces inside the label (`账　　号`) do not matter.
fn labelled_digits(preamble: &[(u64, Vec<String>)], label: &str) -> Option<String> {
    let squeeze = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
    let label = squeeze(label);
    preamble.iter().find_map(|(_, row)| {
        let i = row.iter().position(|c| squeeze(c).contains(&label))?;
        last_digits(&row[i]).or_else(|| row.get(i + 1).and_then(|c| last_digits(c)))
    })
}

/// `YYYY年MM月` from the preamble: the statement period.
fn statement_period(preamble: &[String]) -> Option<(i32, u32)> {
    for c in preamble {
        if let Some(i) = c.find('年') {
            let y: String = c[..i]
                .chars()
                .rev()
                .take_while(char::is_ascii_digit)
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect();
            let m: String = c[i + '年'.len_utf8()..]
                .chars()
                .take_while(char::is_ascii_digit)
                .collect();
            if let (Ok(y), Ok(m)) = (y.parse::<i32>(), m.parse::<u32>())
                && (1..=12).contains(&m)
                && y > 1900
            {
                return Some((y, m));
            }
        }
    }
    None
}

/// `MM/DD` in a statement for period `y`-`m`: months after the period's
/// month belong to the year before (a January statement lists December).
fn yearless(s: &str, y: i32, m: u32) -> Option<NaiveDate> {
    let (mm, dd) = s.split_once(['/', '-'])?;
    let (mm, dd): (u32, u32) = (mm.trim().parse().ok()?, dd.trim().parse().ok()?);
    let year = if mm > m { y - 1 } else { y };
    let d = NaiveDate::from_ymd_opt(year, mm, dd)?;
    (d.year() == year).then_some(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_profiles_load() {
        assert_eq!(builtin_errors(), Vec::<String>::new());
        assert_eq!(builtin().len(), BUILTIN.len());
    }

    #[test]
    fn yearless_dates_cross_the_year_end() {
        assert_eq!(
            yearless("12/29", 2024, 1),
            NaiveDate::from_ymd_opt(2023, 12, 29)
        );
        assert_eq!(
            yearless("01/05", 2024, 1),
            NaiveDate::from_ymd_opt(2024, 1, 5)
        );
        assert_eq!(
            statement_period(&["招商银行信用卡对账单（个人消费卡账户 2024年01月）（补）".into()]),
            Some((2024, 1))
        );
    }
}
