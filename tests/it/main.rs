//! ebb's integration tests: one binary, to keep link time down on 2 cores.

mod cli;
mod common;
mod engine_examples;
mod fixtures;
mod props;
mod purity;
