//! Reader for `.reg` exports, as `reg export` and regedit write them.
//!
//! Written here rather than taken from a crate: the maintained parser we evaluated
//! (`regashii` 0.4) rejects a whole file on one bad line and has `unwrap()`s on paths that
//! malformed input reaches, while a help desk's exports are often truncated or hand-edited.
//! This parser never panics, keeps every line it can understand, and reports the rest as
//! [`ParseWarning`]s with line numbers. It is a single pass over the decoded text.
//!
//! Format (field guide section 3): UTF-16LE with BOM and CRLF for
//! `Windows Registry Editor Version 5.00`, ANSI for `REGEDIT4`. `[KEY]` starts a key, `[-KEY]`
//! deletes one; values are `"name"="text"`, `@=` (default), `dword:`, `hex:`, `hex(N):`, `=-`
//! deletes; hex data wraps with a trailing `\` and leading spaces on the next line.

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::path::Path;

use super::{RegValue, Registry, RegistryError, normalize_path, utf16le_to_string};

/// Warnings kept per file; later ones are only counted, so a broken 50 MB file stays cheap.
const MAX_WARNINGS: usize = 50;

/// A line the parser skipped or read only partly.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseWarning {
    /// File (or label) the line came from.
    pub origin: String,
    /// 1-based line number.
    pub line: usize,
    pub message: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    /// `Windows Registry Editor Version 5.00`: strings in hex data are UTF-16LE.
    V5,
    /// `REGEDIT4`: strings in hex data are ANSI.
    V4,
}

#[derive(Debug, Default)]
struct KeyData {
    subkeys: Vec<String>,
    values: Vec<(String, RegValue)>,
}

/// One or more `.reg` exports merged into one tree, later files winning (like importing them
/// in order).
#[derive(Debug, Default)]
pub struct RegFile {
    /// Lower-cased normalized path -> key.
    keys: HashMap<String, KeyData>,
    warnings: Vec<ParseWarning>,
    warnings_dropped: usize,
    bytes_read: usize,
}

impl RegFile {
    /// An empty tree.
    pub fn new() -> Self {
        Self::default()
    }

    /// Parses one export from bytes. `origin` names it in warnings.
    pub fn from_bytes(bytes: &[u8], origin: &str) -> Result<Self, RegistryError> {
        let mut reg = Self::new();
        reg.add_bytes(bytes, origin)?;
        Ok(reg)
    }

    /// Reads and merges one export file.
    pub fn add_file(&mut self, path: &Path) -> Result<(), RegistryError> {
        let bytes = std::fs::read(path).map_err(|source| RegistryError::Io {
            path: path.display().to_string(),
            source,
        })?;
        self.add_bytes(&bytes, &path.display().to_string())
    }

    /// Parses and merges one export. Fails only when the bytes are not an export at all
    /// (no header); bad lines become warnings.
    pub fn add_bytes(&mut self, bytes: &[u8], origin: &str) -> Result<(), RegistryError> {
        self.bytes_read += bytes.len();
        let (text, decode_note) = decode(bytes);
        if let Some(note) = decode_note {
            self.warn(origin, 0, note);
        }
        let mut lines = text.split('\n').enumerate();
        let format = loop {
            match lines.next() {
                Some((_, line)) => {
                    let line = line.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}');
                    if line.is_empty() {
                        continue;
                    }
                    if line.eq_ignore_ascii_case("Windows Registry Editor Version 5.00") {
                        break Format::V5;
                    }
                    if line.eq_ignore_ascii_case("REGEDIT4") {
                        break Format::V4;
                    }
                    return Err(RegistryError::NotAnExport {
                        path: origin.to_owned(),
                        reason: format!(
                            "first line is {:?}, not a regedit header",
                            truncate(line, 60)
                        ),
                    });
                }
                None => {
                    return Err(RegistryError::NotAnExport {
                        path: origin.to_owned(),
                        reason: "the file is empty".to_owned(),
                    });
                }
            }
        };

        let mut current: Option<String> = None; // lower-cased path of the key being filled
        let mut pending = String::new();
        let mut pending_line = 0usize;
        for (idx, raw) in lines {
            let lineno = idx + 1;
            let line = raw.strip_suffix('\r').unwrap_or(raw);
            if !pending.is_empty() {
                // A continuation of wrapped hex data: leading spaces, maybe another `\`.
                let cont = line.trim();
                if cont.is_empty() || cont.starts_with('[') || cont.starts_with('"') {
                    self.warn(
                        origin,
                        pending_line,
                        "hex data ends with '\\' but no continuation line follows".into(),
                    );
                    let value_line = std::mem::take(&mut pending);
                    self.value_line(
                        &value_line,
                        current.as_deref(),
                        format,
                        origin,
                        pending_line,
                    );
                    // Fall through: this line is handled on its own below.
                } else {
                    let more = cont.strip_suffix('\\');
                    pending.push_str(more.unwrap_or(cont));
                    if more.is_none() {
                        let value_line = std::mem::take(&mut pending);
                        self.value_line(
                            &value_line,
                            current.as_deref(),
                            format,
                            origin,
                            pending_line,
                        );
                    }
                    continue;
                }
            }
            let trimmed = line.trim_start();
            if trimmed.is_empty() || trimmed.starts_with(';') {
                continue;
            }
            if trimmed.starts_with('[') {
                current = self.key_line(trimmed.trim_end(), origin, lineno);
                continue;
            }
            let end_trimmed = trimmed.trim_end();
            if let Some(head) = end_trimmed.strip_suffix('\\')
                && is_hex_value_line(head)
            {
                pending.push_str(head);
                pending_line = lineno;
                continue;
            }
            self.value_line(end_trimmed, current.as_deref(), format, origin, lineno);
        }
        if !pending.is_empty() {
            self.warn(
                origin,
                pending_line,
                "file ends inside wrapped hex data".into(),
            );
            let value_line = std::mem::take(&mut pending);
            self.value_line(
                &value_line,
                current.as_deref(),
                format,
                origin,
                pending_line,
            );
        }
        Ok(())
    }

    /// Lines that were skipped or partly read.
    pub fn warnings(&self) -> &[ParseWarning] {
        &self.warnings
    }

    /// Warnings beyond the first ones kept.
    pub fn warnings_dropped(&self) -> usize {
        self.warnings_dropped
    }

    /// Number of keys in the tree.
    pub fn key_count(&self) -> usize {
        self.keys.len()
    }

    /// Bytes of export read so far.
    pub fn bytes_read(&self) -> usize {
        self.bytes_read
    }

    fn warn(&mut self, origin: &str, line: usize, message: String) {
        if self.warnings.len() < MAX_WARNINGS {
            self.warnings.push(ParseWarning {
                origin: origin.to_owned(),
                line,
                message,
            });
        } else {
            self.warnings_dropped += 1;
        }
    }

    /// Handles `[KEY]` / `[-KEY]`; returns the key new values go to.
    fn key_line(&mut self, line: &str, origin: &str, lineno: usize) -> Option<String> {
        let Some(close) = line.rfind(']') else {
            self.warn(origin, lineno, "key line without ']'".into());
            return None;
        };
        let inner = &line[1..close];
        if let Some(deleted) = inner.strip_prefix('-') {
            let path = normalize_path(deleted);
            self.remove_key(&path.to_lowercase());
            return None;
        }
        let path = normalize_path(inner);
        if path.is_empty() {
            self.warn(origin, lineno, "empty key name".into());
            return None;
        }
        Some(self.ensure_key(&path))
    }

    /// Creates the key and its parents; returns its lower-cased path.
    fn ensure_key(&mut self, path: &str) -> String {
        let lower = path.to_lowercase();
        if self.keys.contains_key(&lower) {
            return lower;
        }
        // Exports list parents before children, so usually only this key is new: walk up
        // until an existing ancestor, then link the new keys downwards. Lower-casing keeps
        // every `\`, so the components of `lower` and `path` correspond one to one.
        let names: Vec<&str> = path.split('\\').collect();
        let lowers: Vec<&str> = lower.split('\\').collect();
        if names.len() != lowers.len() {
            // Cannot happen (see above); stay safe and store it flat.
            self.keys.insert(lower.clone(), KeyData::default());
            return lower;
        }
        let mut first_new = lowers.len() - 1;
        while first_new > 0
            && !self
                .keys
                .contains_key(&lower[..prefix_len(&lowers, first_new)])
        {
            first_new -= 1;
        }
        for i in first_new..lowers.len() {
            let key = lower[..prefix_len(&lowers, i + 1)].to_owned();
            if let Entry::Vacant(e) = self.keys.entry(key) {
                e.insert(KeyData::default());
                if i > 0
                    && let Some(parent) = self.keys.get_mut(&lower[..prefix_len(&lowers, i)])
                {
                    parent.subkeys.push(names[i].to_owned());
                }
            }
        }
        lower
    }

    fn remove_key(&mut self, lower: &str) {
        let Some(data) = self.keys.remove(lower) else {
            return;
        };
        // Iterative so a deep tree cannot overflow the stack.
        let mut stack: Vec<String> = data
            .subkeys
            .iter()
            .map(|c| format!("{lower}\\{}", c.to_lowercase()))
            .collect();
        while let Some(k) = stack.pop() {
            if let Some(d) = self.keys.remove(&k) {
                stack.extend(
                    d.subkeys
                        .iter()
                        .map(|c| format!("{k}\\{}", c.to_lowercase())),
                );
            }
        }
        if let Some((parent, child)) = lower.rsplit_once('\\')
            && let Some(p) = self.keys.get_mut(parent)
        {
            p.subkeys.retain(|s| s.to_lowercase() != child);
        }
    }

    fn value_line(
        &mut self,
        line: &str,
        current: Option<&str>,
        format: Format,
        origin: &str,
        lineno: usize,
    ) {
        let Some(key) = current else {
            self.warn(origin, lineno, "value outside of any key".into());
            return;
        };
        let (name, rest) = if let Some(rest) = line.strip_prefix('@') {
            (String::new(), rest)
        } else if line.starts_with('"') {
            match parse_quoted(line) {
                Some((name, rest)) => (name, rest),
                None => {
                    self.warn(origin, lineno, "value name without closing quote".into());
                    return;
                }
            }
        } else {
            self.warn(
                origin,
                lineno,
                format!("not a key or value: {:?}", truncate(line, 40)),
            );
            return;
        };
        let Some(data) = rest.trim_start().strip_prefix('=') else {
            self.warn(origin, lineno, format!("value {name:?} has no '='"));
            return;
        };
        let data = data.trim();
        if data == "-" {
            if let Some(k) = self.keys.get_mut(key) {
                k.values.retain(|(n, _)| !n.eq_ignore_ascii_case(&name));
            }
            return;
        }
        let value = match parse_data(data, format) {
            Ok((value, note)) => {
                if let Some(note) = note {
                    self.warn(origin, lineno, format!("value {name:?}: {note}"));
                }
                value
            }
            Err(message) => {
                self.warn(origin, lineno, format!("value {name:?}: {message}"));
                return;
            }
        };
        if let Some(k) = self.keys.get_mut(key) {
            // Later lines win, as on import. Keys rarely hold more than a few dozen values.
            if let Some(slot) = k
                .values
                .iter_mut()
                .find(|(n, _)| n.eq_ignore_ascii_case(&name))
            {
                slot.1 = value;
            } else {
                k.values.push((name, value));
            }
        }
    }
}

impl Registry for RegFile {
    fn subkeys(&self, path: &str) -> Result<Option<Vec<String>>, RegistryError> {
        Ok(self
            .keys
            .get(&normalize_path(path).to_lowercase())
            .map(|k| k.subkeys.clone()))
    }

    fn values(&self, path: &str) -> Result<Option<Vec<(String, RegValue)>>, RegistryError> {
        Ok(self
            .keys
            .get(&normalize_path(path).to_lowercase())
            .map(|k| k.values.clone()))
    }

    fn value(&self, path: &str, name: &str) -> Result<Option<RegValue>, RegistryError> {
        Ok(self
            .keys
            .get(&normalize_path(path).to_lowercase())
            .and_then(|k| k.values.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)))
            .map(|(_, v)| v.clone()))
    }
}

/// Decodes the file: UTF-16LE (BOM, or zero high bytes), UTF-8 (BOM or valid), else
/// Windows-1252-ish Latin-1 for REGEDIT4 ANSI files. Returns a note when bytes were lost.
fn decode(bytes: &[u8]) -> (String, Option<String>) {
    let utf16_body = if let Some(body) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        Some(body)
    } else if bytes.len() >= 4 && bytes[1] == 0 && bytes[3] == 0 && bytes[0] != 0 {
        Some(bytes)
    } else {
        None
    };
    if let Some(body) = utf16_body {
        let mut note = None;
        if body.len() % 2 == 1 {
            note = Some("UTF-16 text ends in half a character (truncated file?)".to_owned());
        }
        let units = body
            .chunks_exact(2)
            .map(|c| u16::from_le_bytes([c[0], c[1]]));
        let mut bad = 0usize;
        let text: String = char::decode_utf16(units)
            .map(|r| {
                r.unwrap_or_else(|_| {
                    bad += 1;
                    char::REPLACEMENT_CHARACTER
                })
            })
            .collect();
        if bad > 0 {
            let msg = format!("{bad} invalid UTF-16 code units replaced");
            note = Some(match note {
                Some(n) => format!("{n}; {msg}"),
                None => msg,
            });
        }
        return (text, note);
    }
    let body = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes);
    match std::str::from_utf8(body) {
        Ok(s) => (s.to_owned(), None),
        Err(_) => (body.iter().map(|&b| b as char).collect(), None),
    }
}

fn truncate(s: &str, max: usize) -> &str {
    match s.char_indices().nth(max) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}

/// True for `"name"=hex...:` or `@=hex...:` heads, the only values that wrap.
fn is_hex_value_line(head: &str) -> bool {
    let rest = if let Some(r) = head.strip_prefix('@') {
        r
    } else if head.starts_with('"') {
        match parse_quoted(head) {
            Some((_, r)) => r,
            None => return false,
        }
    } else {
        return false;
    };
    rest.trim_start()
        .strip_prefix('=')
        .map(|d| d.trim_start().starts_with("hex"))
        .unwrap_or(false)
}

/// Parses a `"..."` string with `\\` and `\"` escapes; returns it and the rest of the line.
fn parse_quoted(s: &str) -> Option<(String, &str)> {
    let body = s.strip_prefix('"')?;
    let mut out = String::new();
    let mut chars = body.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some((_, '\\')) => out.push('\\'),
                Some((_, '"')) => out.push('"'),
                Some((_, other)) => {
                    out.push('\\');
                    out.push(other);
                }
                None => out.push('\\'),
            },
            '"' => return Some((out, &body[i + 1..])),
            c => out.push(c),
        }
    }
    None
}

/// Parses the data after `=`. Returns the value and an optional note about lost bytes.
fn parse_data(data: &str, format: Format) -> Result<(RegValue, Option<String>), String> {
    if data.starts_with('"') {
        let (s, rest) = parse_quoted(data).ok_or("string without closing quote")?;
        let note = (!rest.trim().is_empty()).then(|| "text after the closing quote ignored".into());
        return Ok((RegValue::Sz(s), note));
    }
    if let Some(hex) = strip_prefix_ci(data, "dword:") {
        let hex = hex.trim();
        if hex.is_empty() || hex.len() > 8 {
            return Err(format!("bad dword {:?}", truncate(hex, 20)));
        }
        return u32::from_str_radix(hex, 16)
            .map(|d| (RegValue::Dword(d), None))
            .map_err(|_| format!("bad dword {:?}", truncate(hex, 20)));
    }
    let (kind, bytes_text) = if let Some(rest) = strip_prefix_ci(data, "hex:") {
        (3u32, rest)
    } else if let Some(rest) = strip_prefix_ci(data, "hex(") {
        let (k, rest) = rest.split_once("):").ok_or("hex( without '):'")?;
        let kind = u32::from_str_radix(k.trim(), 16).map_err(|_| format!("bad hex type {k:?}"))?;
        (kind, rest)
    } else {
        return Err(format!("unknown data {:?}", truncate(data, 30)));
    };
    let (bytes, bad) = parse_hex_bytes(bytes_text);
    let mut note = (bad > 0).then(|| format!("{bad} malformed hex bytes skipped"));
    let value = match kind {
        1 | 2 => {
            let s = match format {
                Format::V5 => utf16le_to_string(&bytes),
                Format::V4 => ansi_to_string(&bytes),
            };
            if kind == 1 {
                RegValue::Sz(s)
            } else {
                RegValue::ExpandSz(s)
            }
        }
        7 => RegValue::MultiSz(multi_sz(&bytes, format)),
        4 if bytes.len() == 4 => {
            RegValue::Dword(u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]))
        }
        0xb if bytes.len() == 8 => {
            let mut a = [0u8; 8];
            a.copy_from_slice(&bytes);
            RegValue::Qword(u64::from_le_bytes(a))
        }
        3 => RegValue::Binary(bytes),
        4 | 0xb => {
            note = Some(format!(
                "{} bytes for a {} value",
                bytes.len(),
                if kind == 4 { "dword" } else { "qword" }
            ));
            RegValue::Other { kind, bytes }
        }
        _ => RegValue::Other { kind, bytes },
    };
    Ok((value, note))
}

fn strip_prefix_ci<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    if s.len() >= prefix.len()
        && s.is_char_boundary(prefix.len())
        && s[..prefix.len()].eq_ignore_ascii_case(prefix)
    {
        Some(&s[prefix.len()..])
    } else {
        None
    }
}

/// Byte length of the first `n` components of a `\\`-joined path.
fn prefix_len(parts: &[&str], n: usize) -> usize {
    parts[..n].iter().map(|p| p.len()).sum::<usize>() + n.saturating_sub(1)
}

/// `aa,bb, cc` -> bytes; tokens that are not one or two hex digits are counted and skipped.
/// A byte loop rather than split/trim: hex data is most of a real export.
fn parse_hex_bytes(text: &str) -> (Vec<u8>, usize) {
    let mut out = Vec::with_capacity(text.len() / 3 + 1);
    let mut bad = 0usize;
    let mut value: u8 = 0;
    let mut digits = 0usize;
    let mut junk = false;
    let mut flush = |value: u8, digits: usize, junk: bool, out: &mut Vec<u8>| {
        if digits == 0 && !junk {
            return;
        }
        if junk || digits > 2 {
            bad += 1;
        } else {
            out.push(value);
        }
    };
    for &c in text.as_bytes() {
        match c {
            b',' => {
                flush(value, digits, junk, &mut out);
                value = 0;
                digits = 0;
                junk = false;
            }
            b' ' | b'\t' | b'\\' | b'\r' | b'\n' => {}
            _ => match hex_digit(c) {
                Some(d) => {
                    value = value.wrapping_shl(4) | d;
                    digits += 1;
                }
                None => junk = true,
            },
        }
    }
    flush(value, digits, junk, &mut out);
    (out, bad)
}

fn hex_digit(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

fn ansi_to_string(bytes: &[u8]) -> String {
    let end = bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len());
    let b = &bytes[..end];
    match std::str::from_utf8(b) {
        Ok(s) => s.to_owned(),
        Err(_) => b.iter().map(|&c| c as char).collect(),
    }
}

fn multi_sz(bytes: &[u8], format: Format) -> Vec<String> {
    let parts: Vec<String> = match format {
        Format::V5 => {
            let units: Vec<u16> = bytes
                .chunks_exact(2)
                .map(|c| u16::from_le_bytes([c[0], c[1]]))
                .collect();
            units
                .split(|&u| u == 0)
                .map(String::from_utf16_lossy)
                .collect()
        }
        Format::V4 => bytes
            .split(|&b| b == 0)
            .map(|s| String::from_utf8_lossy(s).into_owned())
            .collect(),
    };
    parts.into_iter().filter(|s| !s.is_empty()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utf16_file(text: &str) -> Vec<u8> {
        let mut out = vec![0xFF, 0xFE];
        out.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
        out
    }

    #[test]
    fn parses_values_of_every_type_and_wrapped_hex() {
        let text = "Windows Registry Editor Version 5.00\r\n\r\n\
            [HKEY_CURRENT_USER\\Software\\T]\r\n\
            @=\"default\"\r\n\
            \"S\"=\"a \\\"q\\\" \\\\ b\"\r\n\
            \"D\"=dword:0000000a\r\n\
            \"B\"=hex:01,02,\\\r\n  03,04\r\n\
            \"E\"=hex(2):25,00,41,00,25,00,00,00\r\n\
            \"M\"=hex(7):61,00,00,00,62,00,00,00,00,00\r\n\
            \"Q\"=hex(b):01,00,00,00,00,00,00,00\r\n";
        let reg = RegFile::from_bytes(&utf16_file(text), "t").expect("parses");
        let k = "HKCU\\Software\\T";
        let get = |n: &str| reg.value(k, n).ok().flatten();
        assert_eq!(get(""), Some(RegValue::Sz("default".into())));
        assert_eq!(get("s"), Some(RegValue::Sz("a \"q\" \\ b".into())));
        assert_eq!(get("D"), Some(RegValue::Dword(10)));
        assert_eq!(get("B"), Some(RegValue::Binary(vec![1, 2, 3, 4])));
        assert_eq!(get("E"), Some(RegValue::ExpandSz("%A%".into())));
        assert_eq!(
            get("M"),
            Some(RegValue::MultiSz(vec!["a".into(), "b".into()]))
        );
        assert_eq!(get("Q"), Some(RegValue::Qword(1)));
        assert!(reg.warnings().is_empty(), "{:?}", reg.warnings());
        assert_eq!(
            reg.subkeys("HKEY_CURRENT_USER\\Software").ok().flatten(),
            Some(vec!["T".to_owned()])
        );
    }

    #[test]
    fn deletions_remove_keys_and_values() {
        let text = "REGEDIT4\n[HKEY_CURRENT_USER\\A\\B\\C]\n\"x\"=\"1\"\n[HKEY_CURRENT_USER\\A\\D]\n\"y\"=\"2\"\n\"z\"=\"3\"\n\"y\"=-\n[-HKEY_CURRENT_USER\\A\\B]\n";
        let reg = RegFile::from_bytes(text.as_bytes(), "t").expect("parses");
        assert_eq!(
            reg.subkeys("HKCU\\A").ok().flatten(),
            Some(vec!["D".to_owned()])
        );
        assert_eq!(reg.subkeys("HKCU\\A\\B\\C").ok().flatten(), None);
        let vals = reg.values("HKCU\\A\\D").ok().flatten().unwrap_or_default();
        assert_eq!(vals.len(), 1);
    }

    #[test]
    fn regedit4_hex_strings_are_ansi() {
        let text = "REGEDIT4\r\n[HKEY_CURRENT_USER\\A]\r\n\"E\"=hex(2):25,41,25,00\r\n";
        let reg = RegFile::from_bytes(text.as_bytes(), "t").expect("parses");
        assert_eq!(
            reg.value("HKCU\\A", "E").ok().flatten(),
            Some(RegValue::ExpandSz("%A%".into()))
        );
    }

    #[test]
    fn bad_lines_become_warnings_not_failures() {
        let text = "REGEDIT4\n\"orphan\"=\"x\"\n[HKEY_CURRENT_USER\\A]\n\"d\"=dword:xyz\n\"h\"=hex:01,zz,02\ngarbage\n\"n\"=\"unterminated\n\"w\"=hex:01,\\\n\n[HKEY_CURRENT_USER\\B\n\"t\"=hex:aa,\\\n";
        let reg = RegFile::from_bytes(text.as_bytes(), "t").expect("parses");
        assert_eq!(
            reg.value("HKCU\\A", "h").ok().flatten(),
            Some(RegValue::Binary(vec![1, 2]))
        );
        assert_eq!(
            reg.value("HKCU\\A", "w").ok().flatten(),
            Some(RegValue::Binary(vec![1]))
        );
        assert!(reg.warnings().len() >= 6, "{:?}", reg.warnings());
    }

    #[test]
    fn not_an_export_is_an_error() {
        assert!(RegFile::from_bytes(b"hello\n", "t").is_err());
        assert!(RegFile::from_bytes(b"", "t").is_err());
        assert!(RegFile::from_bytes(&[0xFF, 0xFE, 0x57], "t").is_err());
    }

    #[test]
    fn truncated_utf16_keeps_what_was_read() {
        let mut bytes = utf16_file(
            "Windows Registry Editor Version 5.00\r\n\r\n[HKEY_CURRENT_USER\\A]\r\n\"x\"=\"yes\"\r\n\"y\"=\"n",
        );
        bytes.push(0x41); // half a code unit
        let reg = RegFile::from_bytes(&bytes, "t").expect("parses");
        assert_eq!(
            reg.value("HKCU\\A", "x").ok().flatten(),
            Some(RegValue::Sz("yes".into()))
        );
        assert!(
            reg.warnings()
                .iter()
                .any(|w| w.message.contains("half a character"))
        );
    }
}
