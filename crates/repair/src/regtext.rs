//! A lossless in-memory registry tree with a `.reg` reader and writer.
//!
//! Why not `scan::RegFile`: it is read-only and decodes values for display (hex(1) becomes a
//! string, trailing NULs are dropped), so writing it back would change bytes. Backups and
//! undo need the exact bytes: here every value keeps its raw type number and data, and the
//! writer emits the layout of `reg export` (UTF-16LE with BOM, CRLF, a blank line before each
//! key, `dword:`, hex wrapped at Wine/regedit's 77 columns). Keys are kept in registry order
//! (subkeys sorted case-insensitively, as Windows enumerates them) and values in their order,
//! so deleting a subtree and importing its export again gives the same file, byte for byte.

use std::collections::BTreeMap;

use crate::error::RepairError;

/// A value as the registry stores it: type number and raw bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawValue {
    /// REG_SZ = 1, REG_EXPAND_SZ = 2, REG_BINARY = 3, REG_DWORD = 4, REG_MULTI_SZ = 7, REG_QWORD = 11.
    pub kind: u32,
    pub bytes: Vec<u8>,
}

impl RawValue {
    pub fn dword(v: u32) -> Self {
        Self {
            kind: 4,
            bytes: v.to_le_bytes().to_vec(),
        }
    }

    /// REG_SZ with its terminating NUL, as Windows stores it.
    pub fn sz(s: &str) -> Self {
        let mut bytes: Vec<u8> = s.encode_utf16().flat_map(u16::to_le_bytes).collect();
        bytes.extend([0, 0]);
        Self { kind: 1, bytes }
    }

    /// The value as a number when it is a 4-byte DWORD (or a decimal string, as some
    /// installers write LoadBehavior).
    pub fn as_u32(&self) -> Option<u32> {
        match (self.kind, self.bytes.as_slice()) {
            (4, [a, b, c, d]) => Some(u32::from_le_bytes([*a, *b, *c, *d])),
            (1, _) => self.as_text().and_then(|s| s.trim().parse().ok()),
            _ => None,
        }
    }

    /// REG_SZ / REG_EXPAND_SZ as text (UTF-16LE up to the first NUL).
    pub fn as_text(&self) -> Option<String> {
        if self.kind != 1 && self.kind != 2 {
            return None;
        }
        let units: Vec<u16> = self
            .bytes
            .chunks_exact(2)
            .map(|c| u16::from_le_bytes([c[0], c[1]]))
            .take_while(|&u| u != 0)
            .collect();
        Some(String::from_utf16_lossy(&units))
    }
}

/// One key: its path as first written (original case) and its values in order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct KeyData {
    pub path: String,
    pub values: Vec<(String, RawValue)>,
}

/// Keys by their upper-cased path components: this order is a depth-first walk with
/// subkeys sorted case-insensitively, which is `reg export`'s order.
type SortKey = Vec<String>;

/// A registry tree (or part of one). Keys absent from the map but with descendants exist
/// implicitly, as in a `.reg` file that lists only deep keys.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RegTree {
    keys: BTreeMap<SortKey, KeyData>,
}

/// Canonical key path: long hive names, single backslashes, no leading/trailing backslash.
/// Key names are kept exactly as written: spaces are part of a registry key name (a profile
/// named "Outlook " is not "Outlook"), so nothing is trimmed; only the hive's short aliases
/// are expanded. Case is kept too (lookups compare case-insensitively, as Windows does).
pub fn normalize_path(path: &str) -> String {
    let mut parts = path.split('\\').filter(|p| !p.is_empty());
    let hive = match parts.next() {
        Some(h) => h,
        None => return String::new(),
    };
    let hive = match hive.to_ascii_uppercase().as_str() {
        "HKCU" | "HKEY_CURRENT_USER" => "HKEY_CURRENT_USER".to_owned(),
        "HKLM" | "HKEY_LOCAL_MACHINE" => "HKEY_LOCAL_MACHINE".to_owned(),
        "HKCR" | "HKEY_CLASSES_ROOT" => "HKEY_CLASSES_ROOT".to_owned(),
        "HKU" | "HKEY_USERS" => "HKEY_USERS".to_owned(),
        "HKCC" | "HKEY_CURRENT_CONFIG" => "HKEY_CURRENT_CONFIG".to_owned(),
        _ => hive.to_owned(),
    };
    let mut out = hive;
    for p in parts {
        out.push('\\');
        out.push_str(p);
    }
    out
}

fn sort_key(path: &str) -> SortKey {
    normalize_path(path)
        .split('\\')
        .map(|p| p.to_uppercase())
        .collect()
}

fn is_under(k: &SortKey, root: &SortKey) -> bool {
    k.len() >= root.len() && k[..root.len()] == root[..]
}

impl RegTree {
    pub fn new() -> Self {
        Self::default()
    }

    /// True when the tree holds no key.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// Number of keys written explicitly.
    pub fn key_count(&self) -> usize {
        self.keys.len()
    }

    /// Keys in export order.
    pub fn keys(&self) -> impl Iterator<Item = &KeyData> {
        self.keys.values()
    }

    /// Whether the key exists, explicitly or as the parent of one.
    pub fn exists(&self, path: &str) -> bool {
        let root = sort_key(path);
        self.keys
            .range(root.clone()..)
            .next()
            .is_some_and(|(k, _)| is_under(k, &root))
    }

    /// The key's values (empty for an implicit key), `None` when absent.
    pub fn values(&self, path: &str) -> Option<Vec<(String, RawValue)>> {
        match self.keys.get(&sort_key(path)) {
            Some(k) => Some(k.values.clone()),
            None if self.exists(path) => Some(Vec::new()),
            None => None,
        }
    }

    /// One value by name (case-insensitive, as Windows).
    pub fn value(&self, path: &str, name: &str) -> Option<RawValue> {
        self.keys.get(&sort_key(path)).and_then(|k| {
            k.values
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case(name))
                .map(|(_, v)| v.clone())
        })
    }

    /// Names of direct subkeys in registry order, `None` when the key is absent.
    pub fn subkeys(&self, path: &str) -> Option<Vec<String>> {
        if !self.exists(path) {
            return None;
        }
        let root = sort_key(path);
        let mut out: Vec<String> = Vec::new();
        let mut last_upper: Option<String> = None;
        for (k, data) in self.keys.range(root.clone()..) {
            if !is_under(k, &root) {
                break;
            }
            if k.len() == root.len() {
                continue;
            }
            let upper = &k[root.len()];
            if last_upper.as_ref() == Some(upper) {
                continue;
            }
            // The original spelling of the child comes from the key path itself.
            let name = data
                .path
                .split('\\')
                .filter(|p| !p.is_empty())
                .nth(root.len())
                .unwrap_or(upper.as_str())
                .to_owned();
            last_upper = Some(upper.clone());
            out.push(name);
        }
        Some(out)
    }

    /// Creates the key (only this key: parents stay implicit, so deleting it again restores
    /// the same file). Returns its sort key.
    fn ensure_key(&mut self, path: &str) -> SortKey {
        let sk = sort_key(path);
        self.keys.entry(sk.clone()).or_insert_with(|| KeyData {
            path: normalize_path(path),
            values: Vec::new(),
        });
        sk
    }

    /// Creates an (empty) key explicitly, so an export lists it.
    pub fn touch_key(&mut self, path: &str) {
        self.ensure_key(path);
    }

    /// Sets a value, keeping its position when it exists (so an undo restores the same order).
    pub fn set_value(&mut self, path: &str, name: &str, value: RawValue) {
        let sk = self.ensure_key(path);
        if let Some(k) = self.keys.get_mut(&sk) {
            match k
                .values
                .iter_mut()
                .find(|(n, _)| n.eq_ignore_ascii_case(name))
            {
                Some(slot) => slot.1 = value,
                None => k.values.push((name.to_owned(), value)),
            }
        }
    }

    /// Removes a value; true when it was there.
    pub fn delete_value(&mut self, path: &str, name: &str) -> bool {
        match self.keys.get_mut(&sort_key(path)) {
            Some(k) => {
                let before = k.values.len();
                k.values.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
                before != k.values.len()
            }
            None => false,
        }
    }

    /// The key and everything below it, as its own tree (`None` when absent).
    pub fn subtree(&self, path: &str) -> Option<RegTree> {
        if !self.exists(path) {
            return None;
        }
        let root = sort_key(path);
        let mut out = RegTree::new();
        for (k, v) in self.keys.range(root.clone()..) {
            if !is_under(k, &root) {
                break;
            }
            out.keys.insert(k.clone(), v.clone());
        }
        // An implicit root stays implicit: its descendants re-create it on import, and making
        // it explicit would add a line the original file did not have.
        Some(out)
    }

    /// Deletes the key and everything below it; true when something was removed.
    pub fn remove_subtree(&mut self, path: &str) -> bool {
        let root = sort_key(path);
        let doomed: Vec<SortKey> = self
            .keys
            .range(root.clone()..)
            .take_while(|(k, _)| is_under(k, &root))
            .map(|(k, _)| k.clone())
            .collect();
        for k in &doomed {
            self.keys.remove(k);
        }
        !doomed.is_empty()
    }

    /// Imports another tree: keys are created, values set (like `reg import`).
    pub fn merge(&mut self, other: &RegTree) {
        for k in other.keys.values() {
            self.ensure_key(&k.path);
            for (n, v) in &k.values {
                self.set_value(&k.path, n, v.clone());
            }
        }
    }

    /// Every key path in export order.
    pub fn paths(&self) -> Vec<String> {
        self.keys.values().map(|k| k.path.clone()).collect()
    }

    /// Parses a `.reg` export (UTF-16LE with BOM or 8-bit; `Windows Registry Editor Version
    /// 5.00` or `REGEDIT4`). `[-KEY]` and `"v"=-` are applied as deletions. Lines that cannot
    /// be read are errors: a backup must be complete or refused, never half-read.
    pub fn parse(bytes: &[u8], origin: &str) -> Result<RegTree, RepairError> {
        let bad = |reason: String| RepairError::NotAnExport {
            origin: origin.to_owned(),
            reason,
        };
        let text = decode(bytes).ok_or_else(|| bad("not UTF-16 or UTF-8 text".into()))?;
        let mut lines = text.split('\n').map(|l| l.strip_suffix('\r').unwrap_or(l));
        let header = lines
            .by_ref()
            .map(|l| l.trim_start_matches('\u{feff}').trim())
            .find(|l| !l.is_empty())
            .ok_or_else(|| bad("the file is empty".into()))?;
        let v4 = if header == "Windows Registry Editor Version 5.00" {
            false
        } else if header == "REGEDIT4" {
            true
        } else {
            return Err(bad(format!(
                "first line {header:?} is not a regedit header"
            )));
        };
        let mut tree = RegTree::new();
        let mut current: Option<String> = None;
        let mut pending = String::new();
        for (i, raw) in lines.enumerate() {
            let lineno = i + 2;
            let line = if pending.is_empty() {
                raw.trim_start()
            } else {
                raw.trim()
            };
            if !pending.is_empty() {
                if line.is_empty() || line.starts_with('[') || line.starts_with('"') {
                    return Err(bad(format!(
                        "line {lineno}: wrapped hex data has no continuation line"
                    )));
                }
                pending.push_str(line);
                if pending.ends_with('\\') {
                    pending.pop();
                    continue;
                }
                let full = std::mem::take(&mut pending);
                tree.value_line(&full, current.as_deref(), v4)
                    .map_err(|e| bad(format!("line {lineno}: {e}")))?;
                continue;
            }
            if line.is_empty() || line.starts_with(';') {
                continue;
            }
            if let Some(rest) = line.strip_prefix('[') {
                let inner = rest
                    .trim_end()
                    .strip_suffix(']')
                    .ok_or_else(|| bad(format!("line {lineno}: key without ']'")))?;
                if let Some(del) = inner.strip_prefix('-') {
                    tree.remove_subtree(del);
                    current = None;
                } else {
                    let p = normalize_path(inner);
                    if p.is_empty() {
                        return Err(bad(format!("line {lineno}: empty key name")));
                    }
                    tree.ensure_key(&p);
                    current = Some(p);
                }
                continue;
            }
            let line = line.trim_end();
            if let Some(head) = line.strip_suffix('\\') {
                pending.push_str(head);
                continue;
            }
            tree.value_line(line, current.as_deref(), v4)
                .map_err(|e| bad(format!("line {lineno}: {e}")))?;
        }
        if !pending.is_empty() {
            return Err(bad("the file ends inside wrapped hex data".into()));
        }
        Ok(tree)
    }

    fn value_line(&mut self, line: &str, key: Option<&str>, v4: bool) -> Result<(), String> {
        let key = key.ok_or("value outside of any key")?;
        let (name, rest) = if let Some(r) = line.strip_prefix('@') {
            (String::new(), r)
        } else {
            parse_quoted(line).ok_or("value name without closing quote")?
        };
        let data = rest
            .trim_start()
            .strip_prefix('=')
            .ok_or("no '=' after the name")?
            .trim();
        if data == "-" {
            self.delete_value(key, &name);
            return Ok(());
        }
        let value = parse_data(data, v4)?;
        self.set_value(key, &name, value);
        Ok(())
    }

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

/// UTF-16LE (BOM or zero high bytes) or UTF-8 (with or without BOM); `None` otherwise.
fn decode(bytes: &[u8]) -> Option<String> {
    let utf16 = if let Some(body) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        Some(body)
    } else if bytes.len() >= 4 && bytes[1] == 0 && bytes[3] == 0 && bytes[0] != 0 {
        Some(bytes)
    } else {
        None
    };
    if let Some(body) = utf16 {
        if !body.len().is_multiple_of(2) {
            return None;
        }
        let units = body
            .chunks_exact(2)
            .map(|c| u16::from_le_bytes([c[0], c[1]]));
        return char::decode_utf16(units)
            .collect::<Result<String, _>>()
            .ok();
    }
    let body = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes);
    match std::str::from_utf8(body) {
        Ok(s) => Some(s.to_owned()),
        // REGEDIT4 files are ANSI: Latin-1 keeps every byte.
        Err(_) => Some(body.iter().map(|&b| b as char).collect()),
    }
}

/// `"..."` with `\\`, `\"` (and Wine's `\n`, `\r`) escapes; returns it and the rest.
fn parse_quoted(s: &str) -> Option<(String, &str)> {
    let body = s.strip_prefix('"')?;
    let mut out = String::new();
    let mut chars = body.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some((_, 'n')) => out.push('\n'),
                Some((_, 'r')) => out.push('\r'),
                Some((_, other)) => out.push(other),
                None => return None,
            },
            '"' => return Some((out, &body[i + 1..])),
            c => out.push(c),
        }
    }
    None
}

fn parse_data(data: &str, v4: bool) -> Result<RawValue, String> {
    if data.starts_with('"') {
        let (s, rest) = parse_quoted(data).ok_or("string without closing quote")?;
        if !rest.trim().is_empty() {
            return Err("text after the closing quote".into());
        }
        return Ok(RawValue::sz(&s));
    }
    let lower = data.to_ascii_lowercase();
    if let Some(hex) = lower.strip_prefix("dword:") {
        let hex = hex.trim();
        if hex.is_empty() || hex.len() > 8 {
            return Err(format!("bad dword {hex:?}"));
        }
        let v = u32::from_str_radix(hex, 16).map_err(|_| format!("bad dword {hex:?}"))?;
        return Ok(RawValue::dword(v));
    }
    let (kind, list) = if let Some(rest) = lower.strip_prefix("hex:") {
        (3u32, rest)
    } else if let Some(rest) = lower.strip_prefix("hex(") {
        let (k, rest) = rest.split_once("):").ok_or("hex( without '):'")?;
        (
            u32::from_str_radix(k.trim(), 16).map_err(|_| format!("bad type {k:?}"))?,
            rest,
        )
    } else {
        return Err(format!(
            "unknown data {:?}",
            data.chars().take(20).collect::<String>()
        ));
    };
    let mut bytes = Vec::new();
    for tok in list.split(',') {
        let t = tok.trim();
        if t.is_empty() {
            continue;
        }
        if t.len() > 2 {
            return Err(format!("bad hex byte {t:?}"));
        }
        bytes.push(u8::from_str_radix(t, 16).map_err(|_| format!("bad hex byte {t:?}"))?);
    }
    // REGEDIT4 stores strings in hex as ANSI; the registry (and our model) holds UTF-16.
    if v4 && matches!(kind, 1 | 2 | 7) {
        bytes = bytes
            .iter()
            .flat_map(|&b| u16::from(b).to_le_bytes())
            .collect();
    }
    Ok(RawValue { kind, bytes })
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

    #[test]
    fn key_names_keep_their_spaces() {
        // A profile "Outlook " (trailing space) is a different key from "Outlook": parsing,
        // lookups, deleting and writing must never merge the two.
        let p = "HKEY_CURRENT_USER\\Software\\Microsoft\\Office\\16.0\\Outlook\\Profiles";
        let text = format!(
            "Windows Registry Editor Version 5.00\r\n\r\n[{p}\\Outlook]\r\n\"A\"=dword:00000001\r\n\r\n[{p}\\Outlook ]\r\n\"B\"=dword:00000002\r\n\r\n[{p}\\ Lead]\r\n\r\n"
        );
        let mut t = RegTree::parse(text.as_bytes(), "test").expect("parse");
        assert_eq!(t.key_count(), 3, "{:?}", t.paths());
        assert_eq!(
            t.subkeys(p).expect("listed"),
            vec![
                " Lead".to_owned(),
                "Outlook".to_owned(),
                "Outlook ".to_owned()
            ]
        );
        assert_eq!(
            t.value(&format!("{p}\\Outlook "), "B"),
            Some(RawValue::dword(2))
        );
        assert_eq!(t.value(&format!("{p}\\Outlook "), "A"), None);
        let dup = t.subtree(&format!("{p}\\Outlook ")).expect("subtree");
        assert_eq!(dup.paths(), vec![format!("{p}\\Outlook ")]);
        assert!(t.remove_subtree(&format!("{p}\\Outlook ")));
        assert_eq!(
            t.value(&format!("{p}\\Outlook"), "A"),
            Some(RawValue::dword(1))
        );
        assert!(t.to_reg_text().contains(&format!("[{p}\\ Lead]")));
        assert_eq!(
            normalize_path("hkcu\\A \\\\ B\\"),
            "HKEY_CURRENT_USER\\A \\ B"
        );
    }

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
        let back = RegTree::parse(&bytes, "t").expect("parses");
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
        t.merge(&RegTree::parse(&text, "backup").expect("parses"));
        assert_eq!(t.to_reg_bytes(), before);
    }

    #[test]
    fn implicit_parents_exist_but_are_not_written() {
        let mut t = RegTree::new();
        t.set_value("HKCU\\A\\B\\C", "v", RawValue::dword(1));
        assert!(t.exists("HKCU\\A"));
        assert_eq!(t.subkeys("HKCU\\A"), Some(vec!["B".to_owned()]));
        assert_eq!(t.values("HKCU\\A"), Some(vec![]));
        assert_eq!(t.key_count(), 1);
        assert!(t.values("HKCU\\Z").is_none());
    }

    #[test]
    fn deletions_and_regedit4_are_read() {
        let text = "REGEDIT4\r\n[HKEY_CURRENT_USER\\A\\B]\r\n\"x\"=\"1\"\r\n\"y\"=\"2\"\r\n\"y\"=-\r\n\
                    [HKEY_CURRENT_USER\\A\\C]\r\n\"e\"=hex(2):25,41,25,00\r\n[-HKEY_CURRENT_USER\\A\\B]\r\n";
        let t = RegTree::parse(text.as_bytes(), "t").expect("parses");
        assert!(!t.exists("HKCU\\A\\B"));
        assert_eq!(
            t.value("HKCU\\A\\C", "e").and_then(|v| v.as_text()),
            Some("%A%".to_owned())
        );
    }

    #[test]
    fn bad_input_is_an_error_not_a_panic() {
        for bad in [
            &b""[..],
            b"hello",
            b"REGEDIT4\n\"orphan\"=\"x\"\n",
            b"REGEDIT4\n[HKEY_CURRENT_USER\\A]\n\"d\"=dword:xyz\n",
            b"REGEDIT4\n[HKEY_CURRENT_USER\\A]\n\"h\"=hex:01,\\\n",
            b"REGEDIT4\n[HKEY_CURRENT_USER\\A\n",
            &[0xFF, 0xFE, 0x00, 0xD8],
        ] {
            assert!(RegTree::parse(bad, "t").is_err(), "{bad:?}");
        }
    }
}
