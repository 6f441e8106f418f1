//! `.reg` files as repair reads its backups (`repair::regtext::RegTree::parse`). Whatever
//! it accepts, its own export (`to_reg_bytes`) must read back to the same tree, and
//! exporting that again must give the same bytes: a backup restores exactly.
#![no_main]

use libfuzzer_sys::fuzz_target;
use repair::regtext::RegTree;

fuzz_target!(|data: &[u8]| {
    let Ok(tree) = RegTree::parse(data, "fuzz") else {
        return;
    };
    let bytes = tree.to_reg_bytes();
    let back = match RegTree::parse(&bytes, "export") {
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
