//! The engine: domain model, import parsing, projection, scenarios and
//! solvers. Pure: data in, values out — no files, no clock, no SQLite, no
//! terminal. A test (`tests/it/purity.rs`) keeps it that way.

pub mod book;
pub mod bookfile;
pub mod calendar;
pub mod credit;
pub mod fixed;
pub mod import;
pub mod matching;
pub mod money;
pub mod montecarlo;
pub mod projection;
pub mod recurring;
pub mod report;
pub mod scenario;
pub mod solve;
pub mod tomlnum;
