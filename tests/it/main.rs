//! ebb's integration tests: one binary, to keep link time down on 2 cores.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod bad_input;
mod cli;
mod common;
mod demo;
mod engine_examples;
mod fixtures;
mod fuzz_corpus;
mod matching;
mod props;
mod purity;
mod sample_data;
mod slim;
mod spreadsheets;
mod tui;
