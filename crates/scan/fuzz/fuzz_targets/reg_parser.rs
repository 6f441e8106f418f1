//! `cargo fuzz run reg_parser` (nightly, or `RUSTC_BOOTSTRAP=1`): arbitrary bytes through
//! the `.reg` parser, the tree walk and the profile and add-in readers. Seeds: `fuzz/seeds/`
//! and `tests/fixtures/`. The same oracle runs on stable in `tests/fuzz_loop.rs`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Err(e) = scan::registry::fuzz_check(data) {
        panic!("{e}");
    }
});
