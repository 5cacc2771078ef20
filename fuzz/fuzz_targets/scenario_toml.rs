#![no_main]
//! See `ebb::fuzzing::scenario_toml`.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| ebb::fuzzing::scenario_toml(data));
