#![no_main]
//! See `ebb::fuzzing::profile_toml`.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| ebb::fuzzing::profile_toml(data));
