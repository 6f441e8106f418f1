//! Outlook Resiliency `DisabledItems` values (`scan::addins::decode_disabled_item`): the
//! input as REG_BINARY, as another raw type, and as text. When the documented layout
//! (type, path length, name length, UTF-16 path, UTF-16 name) fits, it is used as is.
#![no_main]

use libfuzzer_sys::fuzz_target;
use scan::RegValue;
use scan::addins::decode_disabled_item;

fuzz_target!(|data: &[u8]| {
    let item = decode_disabled_item("fuzz", &RegValue::Binary(data.to_vec()));
    let dword = |at: usize| {
        data.get(at..at + 4)
            .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize)
    };
    let fits = match (dword(0), dword(4), dword(8)) {
        (Some(_), Some(pl), Some(nl)) => {
            12usize.saturating_add(pl).saturating_add(nl) <= data.len()
        }
        _ => false,
    };
    assert_eq!(item.item_type.is_some(), fits, "{item:?}");
    assert_eq!(item.notes.is_empty(), fits, "{item:?}");
    assert_eq!(item.value_name, "fuzz");
    assert!(
        item.path.as_deref() != Some("") && item.name.as_deref() != Some(""),
        "{item:?}"
    );

    let other = decode_disabled_item(
        "x",
        &RegValue::Other {
            kind: 0,
            bytes: data.to_vec(),
        },
    );
    assert_eq!(other.item_type, item.item_type);
    assert_eq!((&other.path, &other.name), (&item.path, &item.name));

    let text = String::from_utf8_lossy(data).into_owned();
    let sz = decode_disabled_item("x", &RegValue::Sz(text.clone()));
    assert_eq!(sz.name.as_deref(), Some(text.trim_end_matches('\0')));
    assert!(sz.item_type.is_none());
});
