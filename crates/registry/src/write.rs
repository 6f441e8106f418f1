//! The one writer: a tree as `reg export` writes it (UTF-16LE with BOM, CRLF, a blank line
//! before each key, `dword:`, hex wrapped at Wine's and regedit's 77 columns).

use crate::tree::RegTree;
use crate::value::RawValue;

impl RegTree {
    /// The tree as `reg export` writes it: UTF-16LE with BOM, CRLF line ends.
    pub fn to_reg_bytes(&self) -> Vec<u8> {
        let text = self.to_reg_text();
        let mut out = Vec::with_capacity(2 + text.len() * 2);
        out.extend([0xFF, 0xFE]);
        out.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
        out
    }

    /// The export as text (before UTF-16 encoding).
    pub fn to_reg_text(&self) -> String {
        let mut s = String::from("Windows Registry Editor Version 5.00\r\n");
        for k in self.keys.values() {
            s.push_str("\r\n[");
            s.push_str(&k.path);
            s.push_str("]\r\n");
            for (name, v) in &k.values {
                write_value(&mut s, name, v);
            }
        }
        s.push_str("\r\n");
        s
    }
}

/// `\\`, `\"`, and line breaks as Wine's `\n` / `\r` (a value name may hold one; written
/// raw it would cut the line and make the backup unreadable).
fn escape(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
        .replace('\r', "\\r")
}

/// A REG_SZ that can be written as `"text"` and read back to the same bytes: valid UTF-16,
/// exactly one terminating NUL, no line breaks.
fn plain_string(v: &RawValue) -> Option<String> {
    if v.kind != 1 || v.bytes.len() < 2 || !v.bytes.len().is_multiple_of(2) {
        return None;
    }
    let units: Vec<u16> = v
        .bytes
        .chunks_exact(2)
        .map(|c| u16::from_le_bytes([c[0], c[1]]))
        .collect();
    let (last, body) = units.split_last()?;
    if *last != 0 || body.contains(&0) {
        return None;
    }
    let s = String::from_utf16(body).ok()?;
    (!s.contains(['\r', '\n'])).then_some(s)
}

/// Hex data wraps like Wine's and regedit's export: a line break after the comma that brings
/// the line to 77 or more columns, continuation lines indented by two spaces.
const MAX_HEX_COLUMNS: usize = 77;

fn write_value(s: &mut String, name: &str, v: &RawValue) {
    let head = if name.is_empty() {
        "@=".to_owned()
    } else {
        format!("\"{}\"=", escape(name))
    };
    s.push_str(&head);
    if let Some(text) = plain_string(v) {
        s.push('"');
        s.push_str(&escape(&text));
        s.push_str("\"\r\n");
        return;
    }
    if v.kind == 4 && v.bytes.len() == 4 {
        let d = u32::from_le_bytes([v.bytes[0], v.bytes[1], v.bytes[2], v.bytes[3]]);
        s.push_str(&format!("dword:{d:08x}\r\n"));
        return;
    }
    let type_text = if v.kind == 3 {
        "hex:".to_owned()
    } else {
        format!("hex({:x}):", v.kind)
    };
    s.push_str(&type_text);
    let mut column = head.chars().count() + type_text.len();
    let last = v.bytes.len().saturating_sub(1);
    for (i, b) in v.bytes.iter().enumerate() {
        s.push_str(&format!("{b:02x}"));
        if i == last {
            break;
        }
        s.push(',');
        column += 3;
        if column >= MAX_HEX_COLUMNS {
            s.push_str("\\\r\n  ");
            column = 2;
        }
    }
    s.push_str("\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> RegTree {
        let mut t = RegTree::new();
        let k = "HKEY_CURRENT_USER\\Software\\T";
        t.set_value(k, "", RawValue::sz("default"));
        t.set_value(k, "S", RawValue::sz("a \"q\" \\ b"));
        t.set_value(k, "D", RawValue::dword(10));
        t.set_value(
            k,
            "B",
            RawValue {
                kind: 3,
                bytes: (0..=255).collect(),
            },
        );
        t.set_value(
            k,
            "E",
            RawValue {
                kind: 2,
                bytes: vec![0x25, 0, 0x41, 0, 0x25, 0, 0, 0],
            },
        );
        t.set_value(
            k,
            "Q",
            RawValue {
                kind: 11,
                bytes: vec![1, 0, 0, 0, 0, 0, 0, 0],
            },
        );
        t.set_value(
            k,
            "Odd",
            RawValue {
                kind: 1,
                bytes: vec![0x41, 0, 0x0a, 0],
            },
        );
        t.set_value(
            k,
            "Empty",
            RawValue {
                kind: 1,
                bytes: vec![],
            },
        );
        t.set_value(
            k,
            "None",
            RawValue {
                kind: 0,
                bytes: vec![],
            },
        );
        t.set_value(&format!("{k}\\b"), "x", RawValue::dword(1));
        t.set_value(&format!("{k}\\A"), "y", RawValue::dword(2));
        t
    }

    #[test]
    fn round_trips_every_type_byte_for_byte() {
        let t = sample();
        let bytes = t.to_reg_bytes();
        let back = RegTree::parse_strict(&bytes, "t").expect("parses");
        assert_eq!(back, t);
        assert_eq!(back.to_reg_bytes(), bytes);
    }

    #[test]
    fn writes_the_reg_export_layout() {
        let mut t = RegTree::new();
        t.set_value("HKCU\\Software\\X", "LoadBehavior", RawValue::dword(3));
        t.set_value(
            "HKCU\\Software\\X",
            "FriendlyName",
            RawValue::sz("My add-in"),
        );
        assert_eq!(
            t.to_reg_text(),
            "Windows Registry Editor Version 5.00\r\n\r\n[HKEY_CURRENT_USER\\Software\\X]\r\n\
             \"LoadBehavior\"=dword:00000003\r\n\"FriendlyName\"=\"My add-in\"\r\n\r\n"
        );
        assert_eq!(&t.to_reg_bytes()[..4], &[0xFF, 0xFE, b'W', 0]);
    }

    #[test]
    fn wraps_hex_like_reg_export() {
        let mut t = RegTree::new();
        t.set_value(
            "HKCU\\K",
            "B",
            RawValue {
                kind: 3,
                bytes: vec![0xab; 30],
            },
        );
        let text = t.to_reg_text();
        let line = text
            .lines()
            .find(|l| l.starts_with("\"B\""))
            .expect("value line");
        // `"B"=hex:` is 8 columns; 23 bytes reach column 77.
        assert_eq!(line.len(), 8 + 23 * 3 + 1, "{line}");
        assert!(text.contains("\\\r\n  ab,"));
    }

    #[test]
    fn subkeys_are_in_registry_order_and_subtrees_restore_exactly() {
        let mut t = sample();
        let before = t.to_reg_bytes();
        assert_eq!(
            t.subkeys("hkcu\\software\\t"),
            Some(vec!["A".to_owned(), "b".to_owned()])
        );
        let part = t.subtree("HKCU\\Software\\T").expect("exists");
        let text = part.to_reg_bytes();
        assert!(t.remove_subtree("HKCU\\Software\\T"));
        assert!(!t.exists("HKCU\\Software\\T"));
        t.merge(&RegTree::parse_strict(&text, "backup").expect("parses"));
        assert_eq!(t.to_reg_bytes(), before);
    }
}
