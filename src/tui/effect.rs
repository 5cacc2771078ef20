//! What `update` asks the worker to do, as data.
//!
//! Owns: the `Effect` enum. Must not: perform anything itself.

use crate::engine::scenario::Scenario;

/// A request to the worker.
#[derive(Debug, Clone)]
pub enum Effect {
    /// Stress-test a scenario with Monte Carlo; `cancel` stops it.
    MonteCarlo {
        /// Request generation.
        generation: u64,
        /// The scenario.
        scenario: Scenario,
        /// Number of runs.
        runs: u32,
        /// Set to stop early.
        cancel: std::sync::Arc<std::sync::atomic::AtomicBool>,
    },
    /// Load (or reload) the book and project the baseline.
    Load {
        /// Generation of the projection that follows.
        generation: u64,
        /// The last known day.
        as_of: chrono::NaiveDate,
        /// Days to project.
        horizon: u32,
    },
    /// Project a scenario (the newest request wins).
    Project {
        /// Request generation.
        generation: u64,
        /// The scenario, or none for the baseline only.
        scenario: Option<Scenario>,
    },
    /// Set a transaction's category (with `like_all`, every row like it).
    Categorise {
        /// The transaction as shown.
        transaction: crate::engine::book::Transaction,
        /// The new category.
        category: String,
        /// Every row of the account with the same counterparty.
        like_all: bool,
    },
    /// Parse a statement and dry-run its import.
    PreviewImport {
        /// The file.
        path: std::path::PathBuf,
    },
    /// Import a statement.
    Import {
        /// The file.
        path: std::path::PathBuf,
        /// Import the good rows when some are bad.
        skip_bad_rows: bool,
    },
    /// Undo an import.
    UndoImport {
        /// Its id in the import log.
        id: i64,
    },
    /// Save a scenario under a name.
    SaveScenario {
        /// File name without `.toml`.
        name: String,
        /// The scenario.
        scenario: Scenario,
    },
    /// Fetch a window of the ledger (the transactions screen).
    Ledger {
        /// The filter it answers.
        filter: String,
        /// Index of its first row.
        offset: u64,
        /// Rows wanted.
        limit: u64,
        /// A row already shown: (index, date, id), to seek from.
        near: Option<(u64, chrono::NaiveDate, i64)>,
        /// The number of matching rows, when known (else counted).
        total: Option<u64>,
    },
    /// Run the solvers on a scenario.
    Solve {
        /// Request generation.
        generation: u64,
        /// The scenario.
        scenario: Scenario,
    },
}
