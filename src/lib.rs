//! ebb: will the business be able to pay its credit bills on time?
//!
//! Crate map:
//! - [`engine`]: the pure core — book model, import parsing, the projection
//!   of RULES.md, scenarios, solvers, JSON output.
//! - [`store`]: the SQLite book (rusqlite, blocking), rows ⇄ engine types.
//! - [`ingest`]: statement files from disk, streamed into the store.
//! - [`cli`]: the command line over engine + store.
//! - [`demo`]: the sample business, embedded, for `ebb demo`.
//! - [`tui`]: the dashboard (ratatui + crossterm + tokio).

pub mod cli;
pub mod demo;
pub mod engine;
#[doc(hidden)]
pub mod fuzzing;
pub mod ingest;
pub mod store;
pub mod tui;
