#![no_main]
//! See `ebb::fuzzing::statement`.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| ebb::fuzzing::statement(data));
