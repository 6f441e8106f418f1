//! `.reg` exports as the scan reads them (`scan::RegFile::from_bytes`), through the oracle
//! `scan::registry::fuzz_check`: parse, walk every key of both hives (each listed subkey
//! must have its values entry), then the profile and add-in readers on the tree.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Err(e) = scan::registry::fuzz_check(data) {
        panic!("{e}");
    }
});
