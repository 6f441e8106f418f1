//! Inputs the fuzz targets in `fuzz/` (see `scripts/fuzz.sh`) found failing, kept as tests.

use registry::{RawValue, RegTree};

const KEY: &str = "HKEY_CURRENT_USER\\Software\\Session Doctor";

/// `fuzz/` target `reg_backup`: a value name with a line break (read from Wine's `\n`
/// escape, or set from the live registry) was written raw, cutting the line, so the backup
/// could not be read back ("value name without closing quote").
#[test]
fn reg_backup_value_name_with_line_break_round_trips() {
    let text = "Windows Registry Editor Version 5.00\r\n\r\n\
                [HKEY_CURRENT_USER\\Software\\Session Doctor]\r\n\
                \"a\\nb\"=dword:00000001\r\n\
                \"c\\rd\"=\"v\"\r\n";
    let tree = RegTree::parse_strict(text.as_bytes(), "fuzz").expect("parses");
    assert_eq!(tree.value(KEY, "a\nb"), Some(RawValue::dword(1)));
    assert_eq!(tree.value(KEY, "c\rd"), Some(RawValue::sz("v")));
    let bytes = tree.to_reg_bytes();
    let back = RegTree::parse_strict(&bytes, "export").expect("own export reads back");
    assert_eq!(back, tree);
    assert_eq!(back.to_reg_bytes(), bytes, "export is a fixed point");

    let mut live = RegTree::new();
    live.set_value(KEY, "line\r\nbreak", RawValue::sz("x"));
    let back = RegTree::parse_strict(&live.to_reg_bytes(), "export").expect("reads back");
    assert_eq!(back, live);
}
