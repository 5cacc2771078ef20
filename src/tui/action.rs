//! Everything that can happen to the app: user intents (imperative) and
//! worker results (past tense).
//!
//! Owns: the `Action` enum. Must not: carry terminal types.

use crate::engine::money::Money;
use crate::engine::projection::Projection;
use crate::tui::app::{BookView, Screen};

/// One thing that happened.
#[derive(Debug, Clone)]
pub enum Action {
    /// The app starts: load the book.
    Start,
    /// Leave the app.
    Quit,
    /// Go to the next screen.
    NextScreen,
    /// Go to the previous screen.
    PrevScreen,
    /// Go to a screen.
    GoTo(Screen),
    /// Show or hide the help overlay.
    ToggleHelp,
    /// Move the selection down.
    SelectNext,
    /// Move the selection up.
    SelectPrev,
    /// Move the selection a page down.
    PageDown,
    /// Move the selection a page up.
    PageUp,
    /// Move the selection to the first row.
    First,
    /// Move the selection to the last row.
    Last,
    /// Step the selected scenario value down (−1) or up (+1).
    Adjust(i32),
    /// Start typing a value (lab) or a filter (transactions).
    BeginEdit,
    /// A typed character.
    EditChar(char),
    /// Delete the last typed character.
    EditBackspace,
    /// Accept what was typed.
    CommitEdit,
    /// Drop what was typed.
    CancelEdit,
    /// Switch to the next scenario (baseline → … → baseline).
    CycleScenario,
    /// Reset the lab to the scenario as saved.
    ResetScenario,
    /// Solve for the required bridge and the largest safe prestock.
    Solve,
    /// Start typing a name to save the lab's scenario under.
    BeginSave,
    /// Start (or cancel) a Monte Carlo stress test of the lab's scenario.
    ToggleMonteCarlo,
    /// Monte Carlo progress: runs done.
    MonteCarloProgress {
        /// Which request it answers.
        generation: u64,
        /// Runs done so far.
        done: u32,
    },
    /// Monte Carlo finished (or failed, or was cancelled).
    MonteCarloFinished {
        /// Which request it answers.
        generation: u64,
        /// The statistics, or why there are none.
        result: Result<crate::engine::montecarlo::MonteCarlo, String>,
    },
    /// Start typing the path of a statement to import.
    BeginPath,
    /// Preview the selected inbox file.
    PreviewSelected,
    /// Import the previewed file (`true`: skip its bad rows).
    ConfirmImport(bool),
    /// Undo the newest import.
    UndoLastImport,
    /// The worker previewed an import.
    ImportPreviewed(Box<crate::tui::app::ImportPreview>),
    /// The worker imported a file.
    ImportFinished(Box<crate::store::ImportReport>),
    /// The worker undid an import: (id, transactions removed, bills removed).
    ImportUndone(i64, u64, u64),
    /// Start typing a category for the selected transaction (`true`: for
    /// every row with the same counterparty).
    BeginCategorise(bool),
    /// The worker saved a scenario (`path` is none for the in-memory demo).
    ScenarioSaved {
        /// Its name.
        name: String,
        /// The scenario.
        scenario: Box<crate::engine::scenario::Scenario>,
        /// Where it was written.
        path: Option<String>,
    },
    /// Reload the book from disk.
    Reload,
    /// The terminal was resized to (columns, rows): draw again.
    Resized(u16, u16),
    /// A row of the current screen's list was clicked.
    ClickRow(usize),
    /// The worker fetched a window of the ledger.
    LedgerLoaded {
        /// The filter it answers.
        filter: String,
        /// Index of its first row.
        offset: u64,
        /// Matching rows in all.
        total: u64,
        /// The rows with their ids, newest first.
        rows: Vec<(i64, crate::engine::book::Transaction)>,
    },
    /// The worker loaded the book.
    BookLoaded(Box<BookView>),
    /// The worker finished a projection.
    ProjectionComputed {
        /// Which request it answers.
        generation: u64,
        /// The baseline (sent with the first answer after a load).
        baseline: Option<Box<Projection>>,
        /// The scenario run, if a scenario is active.
        scenario: Option<Box<Projection>>,
    },
    /// The worker finished the solvers.
    SolverFinished {
        /// Which request it answers.
        generation: u64,
        /// Required bridge.
        bridge: Option<Money>,
        /// Largest safe prestock.
        prestock: Option<Money>,
    },
    /// The worker failed; the message says what to do.
    WorkerFailed(String),
}
