//! The one `.reg` parser, as `reg export` and regedit write the files.
//!
//! Written here rather than taken from a crate: the maintained parser we evaluated
//! (`regashii` 0.4) rejects a whole file on one bad line and has `unwrap()`s on paths that
//! malformed input reaches, while a help desk's exports are often truncated or hand-edited.
//! This parser never panics, keeps every line it can understand, and reports the rest as
//! [`ParseWarning`]s with line numbers. It is a single pass over the decoded text. Backups use
//! it strictly ([`RegTree::parse_strict`]): there a warning refuses the file, because a backup
//! must be complete or refused, never half-read.
//!
//! Format (field guide section 3): UTF-16LE with BOM and CRLF for
//! `Windows Registry Editor Version 5.00`, ANSI for `REGEDIT4`. `[KEY]` starts a key, `[-KEY]`
//! deletes one; values are `"name"="text"`, `@=` (default), `dword:`, `hex:`, `hex(N):`, `=-`
//! deletes; hex data wraps with a trailing `\` and leading spaces on the next line. Values are
//! kept as the registry would store them after `reg import` (strings as UTF-16LE with their
//! NUL), so what is read can be written back byte for byte.

use std::path::Path;

use crate::path::normalize_path;
use crate::source::{Registry, RegistryError};
use crate::text::{decode, latin1, truncate};
use crate::tree::{KeyData, RegTree, SortKey};
use crate::value::RawValue;

/// Warnings kept per tree; later ones are only counted, so a broken 50 MB file stays cheap.
const MAX_WARNINGS: usize = 50;

/// A line the parser skipped or read only partly.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseWarning {
    /// File (or label) the line came from.
    pub origin: String,
    /// 1-based line number (0 for the file as a whole).
    pub line: usize,
    /// What was wrong with it.
    pub message: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    /// `Windows Registry Editor Version 5.00`: strings in hex data are UTF-16LE.
    V5,
    /// `REGEDIT4`: strings in hex data are ANSI.
    V4,
}

/// One or more `.reg` exports merged into one tree, later files winning (like importing them
/// in order), with what the parser could not read.
#[derive(Debug, Default)]
pub struct RegFile {
    tree: RegTree,
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
            let Some((_, line)) = lines.next() else {
                return Err(RegistryError::NotAnExport {
                    path: origin.to_owned(),
                    reason: "the file is empty".to_owned(),
                });
            };
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
        };

        let mut current: Option<SortKey> = None; // the key being filled
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
                    self.value_line(&value_line, current.as_ref(), format, origin, pending_line);
                    // Fall through: this line is handled on its own below.
                } else {
                    let more = cont.strip_suffix('\\');
                    pending.push_str(more.unwrap_or(cont));
                    if more.is_none() {
                        let value_line = std::mem::take(&mut pending);
                        self.value_line(
                            &value_line,
                            current.as_ref(),
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
            self.value_line(end_trimmed, current.as_ref(), format, origin, lineno);
        }
        if !pending.is_empty() {
            self.warn(
                origin,
                pending_line,
                "file ends inside wrapped hex data".into(),
            );
            let value_line = std::mem::take(&mut pending);
            self.value_line(&value_line, current.as_ref(), format, origin, pending_line);
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

    /// Number of keys written explicitly in the exports.
    pub fn key_count(&self) -> usize {
        self.tree.key_count()
    }

    /// Bytes of export read so far.
    pub fn bytes_read(&self) -> usize {
        self.bytes_read
    }

    /// The tree read so far.
    pub fn tree(&self) -> &RegTree {
        &self.tree
    }

    /// The tree, without the warnings.
    pub fn into_tree(self) -> RegTree {
        self.tree
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
    fn key_line(&mut self, line: &str, origin: &str, lineno: usize) -> Option<SortKey> {
        let Some(close) = line.rfind(']') else {
            self.warn(origin, lineno, "key line without ']'".into());
            return None;
        };
        let inner = &line[1..close];
        if let Some(deleted) = inner.strip_prefix('-') {
            self.tree.remove_subtree(deleted);
            return None;
        }
        let path = normalize_path(inner);
        if path.is_empty() {
            self.warn(origin, lineno, "empty key name".into());
            return None;
        }
        Some(self.tree.ensure_key(&path))
    }

    fn value_line(
        &mut self,
        line: &str,
        current: Option<&SortKey>,
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
        let Some(k) = self.tree.keys.get_mut(key) else {
            return; // deleted by a later `[-KEY]` of the same file: nothing to fill
        };
        if data == "-" {
            k.values.retain(|(n, _)| !n.eq_ignore_ascii_case(&name));
            return;
        }
        let (value, note) = match parse_data(data, format) {
            Ok(parsed) => parsed,
            Err(message) => {
                self.warn(origin, lineno, format!("value {name:?}: {message}"));
                return;
            }
        };
        set(k, name.clone(), value);
        if let Some(note) = note {
            self.warn(origin, lineno, format!("value {name:?}: {note}"));
        }
    }
}

/// Later lines win, as on import, in the first one's place. Keys rarely hold more than a
/// few dozen values.
fn set(k: &mut KeyData, name: String, value: RawValue) {
    match k
        .values
        .iter_mut()
        .find(|(n, _)| n.eq_ignore_ascii_case(&name))
    {
        Some(slot) => slot.1 = value,
        None => k.values.push((name, value)),
    }
}

impl Registry for RegFile {
    fn subkeys(&self, path: &str) -> Result<Option<Vec<String>>, RegistryError> {
        Ok(self.tree.subkeys(path))
    }

    fn raw_values(&self, path: &str) -> Result<Option<Vec<(String, RawValue)>>, RegistryError> {
        Ok(self.tree.values(path))
    }

    fn raw_value(&self, path: &str, name: &str) -> Result<Option<RawValue>, RegistryError> {
        Ok(self.tree.value(path, name))
    }
}

impl RegTree {
    /// Parses an export strictly, for backups: any line the parser could not read fully
    /// refuses the whole file (with its line number), so a restore never applies half a backup.
    pub fn parse_strict(bytes: &[u8], origin: &str) -> Result<RegTree, RegistryError> {
        let reg = RegFile::from_bytes(bytes, origin)?;
        if let Some(w) = reg.warnings.first() {
            let reason = if w.line == 0 {
                w.message.clone()
            } else {
                format!("line {}: {}", w.line, w.message)
            };
            return Err(RegistryError::NotAnExport {
                path: origin.to_owned(),
                reason,
            });
        }
        Ok(reg.tree)
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

/// Parses a `"..."` string; returns it and the rest of the line. Escapes are those the writer
/// uses (`\\`, `\"`, and Wine's `\n` and `\r` for line breaks); any other backslash is kept
/// as written, as hand-edited files have them (`"C:\Temp"`).
fn parse_quoted(s: &str) -> Option<(String, &str)> {
    let body = s.strip_prefix('"')?;
    let mut out = String::new();
    let mut chars = body.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some((_, '\\')) => out.push('\\'),
                Some((_, '"')) => out.push('"'),
                Some((_, 'n')) => out.push('\n'),
                Some((_, 'r')) => out.push('\r'),
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
fn parse_data(data: &str, format: Format) -> Result<(RawValue, Option<String>), String> {
    if data.starts_with('"') {
        let (s, rest) = parse_quoted(data).ok_or("string without closing quote")?;
        let note = (!rest.trim().is_empty()).then(|| "text after the closing quote ignored".into());
        return Ok((RawValue::sz(&s), note));
    }
    if let Some(hex) = strip_prefix_ci(data, "dword:") {
        let hex = hex.trim();
        if hex.is_empty() || hex.len() > 8 {
            return Err(format!("bad dword {:?}", truncate(hex, 20)));
        }
        return u32::from_str_radix(hex, 16)
            .map(|d| (RawValue::dword(d), None))
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
    let (mut bytes, bad) = parse_hex_bytes(bytes_text);
    let mut note = (bad > 0).then(|| format!("{bad} malformed hex bytes skipped"));
    // REGEDIT4 stores strings in hex as ANSI; the registry (and this model) holds UTF-16.
    if format == Format::V4 && matches!(kind, 1 | 2 | 7) {
        let text = match std::str::from_utf8(&bytes) {
            Ok(s) => s.to_owned(),
            Err(_) => latin1(&bytes),
        };
        bytes = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
    }
    if (kind == 4 && bytes.len() != 4) || (kind == 0xb && bytes.len() != 8) {
        note = Some(format!(
            "{} bytes for a {} value",
            bytes.len(),
            if kind == 4 { "dword" } else { "qword" }
        ));
    }
    Ok((RawValue { kind, bytes }, note))
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::path::normalize_path;
    use crate::value::RegValue;

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

    #[test]
    fn key_names_keep_their_spaces() {
        // A profile "Outlook " (trailing space) is a different key from "Outlook": parsing,
        // lookups, deleting and writing must never merge the two.
        let p = "HKEY_CURRENT_USER\\Software\\Microsoft\\Office\\16.0\\Outlook\\Profiles";
        let text = format!(
            "Windows Registry Editor Version 5.00\r\n\r\n[{p}\\Outlook]\r\n\"A\"=dword:00000001\r\n\r\n[{p}\\Outlook ]\r\n\"B\"=dword:00000002\r\n\r\n[{p}\\ Lead]\r\n\r\n"
        );
        let mut t = RegTree::parse_strict(text.as_bytes(), "test").expect("parse");
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

    #[test]
    fn deletions_and_regedit4_are_read() {
        let text = "REGEDIT4\r\n[HKEY_CURRENT_USER\\A\\B]\r\n\"x\"=\"1\"\r\n\"y\"=\"2\"\r\n\"y\"=-\r\n\
                    [HKEY_CURRENT_USER\\A\\C]\r\n\"e\"=hex(2):25,41,25,00\r\n[-HKEY_CURRENT_USER\\A\\B]\r\n";
        let t = RegTree::parse_strict(text.as_bytes(), "t").expect("parses");
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
            assert!(RegTree::parse_strict(bad, "t").is_err(), "{bad:?}");
        }
    }
}
