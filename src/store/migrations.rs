//! Schema migrations: an ordered list of SQL scripts; `PRAGMA user_version`
//! records how many have run. Each runs in its own transaction.
//!
//! Owns: the schema. Must not: change a script once released — add one.

/// The migrations, oldest first.
pub const MIGRATIONS: &[&str] = &[
    r#"
CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

CREATE TABLE accounts (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    kind       TEXT NOT NULL CHECK (kind IN ('bank', 'wallet', 'credit')),
    decl       TEXT NOT NULL DEFAULT '{}',  -- the [[account]] as declared (JSON)
    created_by INTEGER                       -- import that created it, if any
) STRICT;

CREATE TABLE imports (
    id         INTEGER PRIMARY KEY,
    file       TEXT NOT NULL,
    hash       TEXT NOT NULL,
    profile    TEXT NOT NULL,
    account    TEXT NOT NULL,
    added      INTEGER NOT NULL,
    duplicates INTEGER NOT NULL,
    rejected   INTEGER NOT NULL,
    at         TEXT NOT NULL
) STRICT;

-- Money is integer cents, never REAL.
CREATE TABLE transactions (
    id           INTEGER PRIMARY KEY,       -- insertion order = position in file
    account_id   INTEGER NOT NULL REFERENCES accounts(id),
    date         TEXT NOT NULL,
    amount       INTEGER NOT NULL,
    balance      INTEGER,
    description  TEXT NOT NULL,
    counterparty TEXT NOT NULL,
    category     TEXT NOT NULL,
    source_id    TEXT,
    hash         BLOB NOT NULL,
    import_id    INTEGER REFERENCES imports(id)
) STRICT;
CREATE UNIQUE INDEX transactions_dedup ON transactions (account_id, date, hash);
CREATE INDEX transactions_import ON transactions (import_id);

CREATE TABLE bills (
    id                INTEGER PRIMARY KEY,
    account_id        INTEGER NOT NULL REFERENCES accounts(id),
    statement_date    TEXT NOT NULL,
    due_date          TEXT NOT NULL,
    amount_due        INTEGER NOT NULL,
    min_due           INTEGER,
    paid              INTEGER NOT NULL,
    penalty           INTEGER NOT NULL,
    fees              INTEGER NOT NULL,
    installment_no    INTEGER NOT NULL DEFAULT 0,   -- 0: a bill
    installment_total INTEGER NOT NULL DEFAULT 0,
    fee               INTEGER NOT NULL,
    note              TEXT NOT NULL,
    import_id         INTEGER REFERENCES imports(id),
    UNIQUE (account_id, due_date, installment_no)
) STRICT;

CREATE TABLE purchases (
    id         INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts(id),
    date       TEXT NOT NULL,
    amount     INTEGER NOT NULL,
    label      TEXT NOT NULL,
    UNIQUE (account_id, date, label)
) STRICT;

CREATE TABLE recurring (
    id        INTEGER PRIMARY KEY,
    name      TEXT NOT NULL UNIQUE,
    decl      TEXT NOT NULL,                 -- the [[recurring]] as declared (JSON)
    confirmed INTEGER NOT NULL DEFAULT 1
) STRICT;

CREATE TABLE scheduled (
    id         INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts(id),
    date       TEXT NOT NULL,
    amount     INTEGER NOT NULL,
    label      TEXT NOT NULL,
    UNIQUE (date, account_id, label)
) STRICT;
"#,
    // 2: what the forecast's slim load looks up by index: the last reported
    // balance, and the positive sales rows of the baseline window.
    r#"
CREATE INDEX transactions_reported ON transactions (account_id, date, id) WHERE balance IS NOT NULL;
CREATE INDEX transactions_sales ON transactions (account_id, date) WHERE category = 'sales' AND amount > 0;
"#,
    // 3: an import's rows are one run of ids (one writer, one transaction),
    // so undo finds them by id range; the per-row import index cost every
    // import a third B-tree insert per row.
    r#"
ALTER TABLE imports ADD COLUMN first_tx INTEGER;
ALTER TABLE imports ADD COLUMN last_tx INTEGER;
UPDATE imports SET
    first_tx = (SELECT min(id) FROM transactions WHERE import_id = imports.id),
    last_tx = (SELECT max(id) FROM transactions WHERE import_id = imports.id);
DROP INDEX transactions_import;
"#,
    // 4: the dedup index leads with the date, so the ledger's newest-first
    // listing walks it instead of sorting every row; lookups by account and
    // a date range still use it (or the partial indexes).
    r#"
DROP INDEX transactions_dedup;
CREATE UNIQUE INDEX transactions_dedup ON transactions (date, account_id, hash);
"#,
    // 5: wallet rows paid by a bank card. They move no balance; each waits
    // for the same payment in the card's statement and, matched, lends it
    // the wallet's counterparty and category (restored when unlinked).
    r#"
CREATE TABLE card_rows (
    id               INTEGER PRIMARY KEY,
    import_id        INTEGER NOT NULL REFERENCES imports(id),
    wallet           TEXT NOT NULL,            -- the wallet whose export it is from
    date             TEXT NOT NULL,
    amount           INTEGER NOT NULL,         -- cents charged, card holder's side
    description      TEXT NOT NULL,
    counterparty     TEXT NOT NULL,
    category         TEXT NOT NULL,
    source_id        TEXT,
    method           TEXT NOT NULL,            -- e.g. 中国银行信用卡(1875)
    keywords         TEXT NOT NULL,            -- JSON list of channel words
    hash             BLOB NOT NULL,
    state            TEXT NOT NULL DEFAULT 'open'
                     CHECK (state IN ('open', 'near', 'matched', 'confirmed', 'rejected')),
    tx_id            INTEGER,                  -- the statement row (near: the candidate)
    was_counterparty TEXT,                     -- the statement row's own, while matched
    was_category     TEXT,
    evidence         TEXT NOT NULL DEFAULT '[]', -- JSON list: why they pair
    UNIQUE (wallet, hash)
) STRICT;
CREATE INDEX card_rows_date ON card_rows (date);
CREATE INDEX card_rows_tx ON card_rows (tx_id) WHERE tx_id IS NOT NULL;
CREATE INDEX card_rows_import ON card_rows (import_id);
"#,
];
