#![no_main]
//! See `ebb::fuzzing::book_toml`.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| ebb::fuzzing::book_toml(data));
