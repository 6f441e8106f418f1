//! `.reg` files through the one registry crate, both ways they are read.
//! - As the scan reads exports: the lenient parser, a walk of every key of both hives (each
//!   listed subkey must have its values entry), then the profile and add-in readers
//!   (oracle `scan::registry::fuzz_check`).
//! - As repair reads its backups (`RegTree::parse_strict`): whatever it accepts, its own export
//!   (`to_reg_bytes`) must read back to the same tree, and exporting that again must give the
//!   same bytes: a backup restores exactly.
#![no_main]

use libfuzzer_sys::fuzz_target;
use registry::RegTree;

fuzz_target!(|data: &[u8]| {
    if let Err(e) = scan::registry::fuzz_check(data) {
        panic!("{e}");
    }
    let Ok(tree) = RegTree::parse_strict(data, "fuzz") else {
        return;
    };
    let bytes = tree.to_reg_bytes();
    let back = match RegTree::parse_strict(&bytes, "export") {
        Ok(t) => t,
        Err(e) => panic!("own export does not parse: {e}\n{}", tree.to_reg_text()),
    };
    assert_eq!(
        back,
        tree,
        "export reads back differently:\n{}",
        tree.to_reg_text()
    );
    assert!(back.to_reg_bytes() == bytes, "export is not a fixed point");
    for path in tree.paths() {
        assert!(tree.exists(&path), "listed key {path:?} does not exist");
        let _ = tree.subkeys(&path);
        let _ = tree.subtree(&path);
    }
});
