//! Outlook COM add-ins: where they are registered, their effective LoadBehavior, what Outlook's
//! Resiliency lists and policy say about them, and whether they open their own connections.

use std::collections::HashMap;

use crate::registry::{RegValue, Registry, join, utf16le_to_string};
use crate::report::{Addin, DisabledItem};

/// Registration roots in precedence order: the first that has a LoadBehavior wins (HKCU
/// overrides machine-wide settings, as Office does).
const HIVES: &[(&str, &str)] = &[
    (
        "HKCU",
        "HKEY_CURRENT_USER\\Software\\Microsoft\\Office\\Outlook\\Addins",
    ),
    (
        "HKLM",
        "HKEY_LOCAL_MACHINE\\Software\\Microsoft\\Office\\Outlook\\Addins",
    ),
    (
        "HKLM_WOW6432Node",
        "HKEY_LOCAL_MACHINE\\Software\\WOW6432Node\\Microsoft\\Office\\Outlook\\Addins",
    ),
    (
        "HKLM_ClickToRun",
        "HKEY_LOCAL_MACHINE\\Software\\Microsoft\\Office\\ClickToRun\\REGISTRY\\MACHINE\\Software\\Microsoft\\Office\\Outlook\\Addins",
    ),
];

const VERSIONS: &[&str] = &["16.0", "15.0"];

/// The shipped list of add-ins that open connections (see the file's header).
const CONNECTION_ADDINS: &str = include_str!("../data/connection_addins.txt");

/// Whether a LoadBehavior keeps an add-in from loading: 0 (off) and 2 (failed or unloaded).
/// An unknown value (`None`) is not "off": nothing says Outlook skips it. The one place
/// this rule is written; the scan's `Addin::off` carries it to the UI.
pub fn load_behavior_off(load_behavior: Option<u32>) -> bool {
    matches!(load_behavior, Some(0) | Some(2))
}

/// Plain words for a LoadBehavior value (field guide section 3).
pub fn load_behavior_meaning(v: u32) -> &'static str {
    match v {
        0 => "off (not loaded)",
        1 => "loaded by hand, not at startup",
        2 => "should load at startup but failed or was unloaded",
        3 => "loads at startup",
        8 => "loads on demand",
        9 => "loads on demand, loaded now",
        16 => "loads the first time, then on demand",
        _ => "unusual value",
    }
}

/// One `pattern | note key` line of the data file.
#[derive(Debug, Clone)]
pub struct ConnectionRule {
    /// The add-in ProgID glob (`*` and `?`), matched without case.
    pub pattern: String,
    /// The catalog key of why it opens connections (`addin_note.*`).
    pub note: String,
}

/// Parses `data/connection_addins.txt`-shaped text; bad lines are skipped.
pub fn parse_connection_rules(text: &str) -> Vec<ConnectionRule> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .filter_map(|l| {
            let (p, n) = l.split_once('|').unwrap_or((l, ""));
            let p = p.trim();
            (!p.is_empty()).then(|| ConnectionRule {
                pattern: p.to_lowercase(),
                note: n.trim().to_owned(),
            })
        })
        .collect()
}

/// Case-insensitive glob with `*` only.
fn glob(pattern: &str, text: &str) -> bool {
    let text = text.to_lowercase();
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == text;
    }
    let mut rest = text.as_str();
    for (i, part) in parts.iter().enumerate() {
        if part.is_empty() {
            continue;
        }
        if i == 0 {
            match rest.strip_prefix(part) {
                Some(r) => rest = r,
                None => return false,
            }
        } else if i == parts.len() - 1 {
            return rest.ends_with(part);
        } else {
            match rest.find(part) {
                Some(pos) => rest = &rest[pos + part.len()..],
                None => return false,
            }
        }
    }
    true
}

/// Reads every add-in. Returns the add-ins, `DisabledItems` entries that match none of them,
/// and problems for the source's reason.
pub fn read_addins(reg: &dyn Registry) -> (Vec<Addin>, Vec<DisabledItem>, Vec<String>) {
    let rules = parse_connection_rules(CONNECTION_ADDINS);
    let mut problems = Vec::new();
    let mut addins: Vec<Addin> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();

    for (hive, root) in HIVES {
        let names = match reg.subkeys(root) {
            Ok(Some(n)) => n,
            Ok(None) => continue,
            Err(e) => {
                problems.push(e.to_string());
                continue;
            }
        };
        for prog_id in names {
            let key = join(root, &prog_id);
            let values = match reg.values(&key) {
                Ok(v) => v.unwrap_or_default(),
                Err(e) => {
                    problems.push(e.to_string());
                    continue;
                }
            };
            let i = *index.entry(prog_id.to_lowercase()).or_insert_with(|| {
                addins.push(new_addin(&prog_id));
                addins.len() - 1
            });
            let a = &mut addins[i];
            a.hives.push((*hive).to_owned());
            for (name, value) in &values {
                if name.eq_ignore_ascii_case("LoadBehavior") {
                    match value.as_u32() {
                        // Earlier hives take precedence: only fill when not set yet.
                        Some(lb) if a.load_behavior.is_none() => {
                            a.load_behavior = Some(lb);
                            a.hive = (*hive).to_owned();
                        }
                        Some(_) => {}
                        None => a
                            .notes
                            .push(format!("{hive}: LoadBehavior is not a number")),
                    }
                } else if name.eq_ignore_ascii_case("FriendlyName") && a.friendly_name.is_none() {
                    match value.as_text() {
                        Ok(t) => a.friendly_name = Some(t),
                        Err(why) => a.notes.push(format!("{hive}: FriendlyName: {why}")),
                    }
                } else if name.eq_ignore_ascii_case("Description") && a.description.is_none() {
                    match value.as_text() {
                        Ok(t) => a.description = Some(t),
                        Err(why) => a.notes.push(format!("{hive}: Description: {why}")),
                    }
                }
            }
            if a.hive.is_empty() {
                a.hive = (*hive).to_owned();
            }
        }
    }

    // Policy: HKCU policies first, then machine policies, 16.0 then 15.0.
    for base in [
        "HKEY_CURRENT_USER\\Software\\Policies\\Microsoft\\Office",
        "HKEY_LOCAL_MACHINE\\Software\\Policies\\Microsoft\\Office",
    ] {
        for v in VERSIONS {
            let key = format!("{base}\\{v}\\Outlook\\Resiliency\\AddinList");
            for (prog_id, value) in read_values(reg, &key, &mut problems) {
                let i = *index.entry(prog_id.to_lowercase()).or_insert_with(|| {
                    let mut a = new_addin(&prog_id);
                    a.hive = "policy".to_owned();
                    addins.push(a);
                    addins.len() - 1
                });
                let a = &mut addins[i];
                if !a.policy {
                    a.policy = true;
                    a.policy_value = value.as_u32();
                    if a.policy_value.is_none() {
                        a.notes.push("policy value is not 0, 1 or 2".to_owned());
                    }
                }
            }
        }
    }

    let mut unmatched = Vec::new();
    for v in VERSIONS {
        let res =
            format!("HKEY_CURRENT_USER\\Software\\Microsoft\\Office\\{v}\\Outlook\\Resiliency");
        for (name, _) in read_values(reg, &format!("{res}\\DoNotDisableAddinList"), &mut problems) {
            if let Some(&i) = index.get(&name.to_lowercase()) {
                addins[i].do_not_disable = true;
            }
        }
        for (name, value) in read_values(reg, &format!("{res}\\CrashingAddinList"), &mut problems) {
            let mut candidates = vec![name];
            if let Ok(t) = value.as_text() {
                candidates.push(t);
            }
            for c in candidates {
                if let Some(i) = find_addin(&addins, &index, &c) {
                    addins[i].crashing = true;
                }
            }
        }
        for (name, value) in read_values(reg, &format!("{res}\\DisabledItems"), &mut problems) {
            let item = decode_disabled_item(&name, &value);
            let hit = item
                .name
                .as_deref()
                .and_then(|n| find_addin(&addins, &index, n))
                .or_else(|| {
                    item.path
                        .as_deref()
                        .and_then(|p| find_addin(&addins, &index, p))
                });
            match hit {
                Some(i) => {
                    addins[i].disabled_by_outlook = true;
                    addins[i].notes.extend(item.notes.iter().cloned());
                }
                None => unmatched.push(item),
            }
        }
    }

    for a in &mut addins {
        a.load_behavior_meaning = a.load_behavior.map(|v| load_behavior_meaning(v).to_owned());
        a.off = load_behavior_off(a.load_behavior);
        if let Some(rule) = rules.iter().find(|r| glob(&r.pattern, &a.prog_id)) {
            a.opens_connections = true;
            // The JSON keeps the English sentence; the key lets the diagnosis word it in
            // the reader's language.
            a.connections_note = Some(words::Words::of(words::Lang::En).t(&rule.note, &[]));
            a.connections_note_key = Some(rule.note.clone());
        }
    }
    (addins, unmatched, problems)
}

fn new_addin(prog_id: &str) -> Addin {
    Addin {
        prog_id: prog_id.to_owned(),
        friendly_name: None,
        description: None,
        load_behavior: None,
        load_behavior_meaning: None,
        off: false,
        hive: String::new(),
        hives: Vec::new(),
        policy: false,
        policy_value: None,
        disabled_by_outlook: false,
        crashing: false,
        do_not_disable: false,
        opens_connections: false,
        connections_note: None,
        connections_note_key: None,
        notes: Vec::new(),
    }
}

fn read_values(
    reg: &dyn Registry,
    key: &str,
    problems: &mut Vec<String>,
) -> Vec<(String, RegValue)> {
    match reg.values(key) {
        Ok(v) => v.unwrap_or_default(),
        Err(e) => {
            problems.push(e.to_string());
            Vec::new()
        }
    }
}

/// Finds an add-in by ProgID, or by friendly name, or by a path or name that contains its
/// ProgID (DisabledItems stores the DLL path and the friendly name).
fn find_addin(addins: &[Addin], index: &HashMap<String, usize>, needle: &str) -> Option<usize> {
    let n = needle.trim().to_lowercase();
    if n.is_empty() {
        return None;
    }
    if let Some(&i) = index.get(&n) {
        return Some(i);
    }
    addins.iter().position(|a| {
        a.friendly_name
            .as_deref()
            .is_some_and(|f| f.trim().eq_ignore_ascii_case(&n))
    })
}

/// Decodes one `DisabledItems` value: DWORD type, DWORD path byte length, DWORD name byte
/// length, UTF-16 path, UTF-16 name (layout unverified, so every length is checked and a
/// mismatch falls back to pulling UTF-16 strings out of the bytes).
pub fn decode_disabled_item(value_name: &str, value: &RegValue) -> DisabledItem {
    let mut item = DisabledItem {
        item_type: None,
        path: None,
        name: None,
        value_name: value_name.to_owned(),
        notes: Vec::new(),
    };
    let bytes = match value {
        RegValue::Binary(b) | RegValue::Other { bytes: b, .. } => b.as_slice(),
        other => {
            item.notes
                .push(format!("DisabledItems {value_name}: not binary"));
            if let Ok(t) = other.as_text() {
                item.name = Some(t);
            }
            return item;
        }
    };
    let dword = |at: usize| -> Option<u32> {
        let b = bytes.get(at..at + 4)?;
        Some(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    };
    if let (Some(t), Some(pl), Some(nl)) = (dword(0), dword(4), dword(8)) {
        let (pl, nl) = (pl as usize, nl as usize);
        let path_end = 12usize.saturating_add(pl);
        let name_end = path_end.saturating_add(nl);
        if name_end <= bytes.len() {
            item.item_type = Some(t);
            let path = utf16le_to_string(&bytes[12..path_end]);
            let name = utf16le_to_string(&bytes[path_end..name_end]);
            item.path = (!path.is_empty()).then_some(path);
            item.name = (!name.is_empty()).then_some(name);
            return item;
        }
    }
    item.notes.push(format!(
        "DisabledItems {value_name}: {} bytes do not match the expected layout",
        bytes.len()
    ));
    let strings = utf16_strings(bytes);
    item.path = strings
        .iter()
        .find(|s| s.contains('\\') || s.contains('.'))
        .cloned();
    item.name = strings.into_iter().rfind(|s| Some(s) != item.path.as_ref());
    item
}

/// Runs of printable UTF-16LE text at least 3 characters long.
fn utf16_strings(bytes: &[u8]) -> Vec<String> {
    let mut out = Vec::new();
    for start in [0usize, 1] {
        let mut cur = String::new();
        for c in bytes.get(start..).unwrap_or_default().chunks_exact(2) {
            let u = u16::from_le_bytes([c[0], c[1]]);
            match char::from_u32(u32::from(u)) {
                Some(ch) if !ch.is_control() && u != 0 => cur.push(ch),
                _ => {
                    if cur.chars().count() >= 3 {
                        out.push(std::mem::take(&mut cur));
                    }
                    cur.clear();
                }
            }
        }
        if cur.chars().count() >= 3 {
            out.push(cur);
        }
        if !out.is_empty() {
            break;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utf16(s: &str) -> Vec<u8> {
        s.encode_utf16().flat_map(u16::to_le_bytes).collect()
    }

    #[test]
    fn disabled_item_layout_is_decoded() {
        let path = utf16("c:\\x\\addin.dll\0");
        let name = utf16("Crashy Add-in\0");
        let mut b = Vec::new();
        b.extend(1u32.to_le_bytes());
        b.extend((path.len() as u32).to_le_bytes());
        b.extend((name.len() as u32).to_le_bytes());
        b.extend(&path);
        b.extend(&name);
        let item = decode_disabled_item("v", &RegValue::Binary(b.clone()));
        assert_eq!(item.item_type, Some(1));
        assert_eq!(item.path.as_deref(), Some("c:\\x\\addin.dll"));
        assert_eq!(item.name.as_deref(), Some("Crashy Add-in"));
        assert!(item.notes.is_empty());
        // Lengths that overrun the data: fall back, note it, no panic.
        b[8] = 0xff;
        b[9] = 0xff;
        let item = decode_disabled_item("v", &RegValue::Binary(b));
        assert!(!item.notes.is_empty());
        assert_eq!(item.name.as_deref(), Some("Crashy Add-in"));
        let item = decode_disabled_item("v", &RegValue::Binary(vec![1, 2]));
        assert!(!item.notes.is_empty());
    }

    #[test]
    fn globs_and_rules() {
        let rules = parse_connection_rules(CONNECTION_ADDINS);
        assert!(rules.len() >= 4);
        let hit = |p: &str| rules.iter().any(|r| glob(&r.pattern, p));
        assert!(hit("TeamsAddin.FastConnect"));
        assert!(hit("UCAddin.LyncAddin.1"));
        assert!(hit("My.SalesforceForOutlook.Addin"));
        assert!(!hit("OneNote.OutlookAddin"));
        assert!(glob("a*b*c", "axxbyyc"));
        assert!(!glob("a*b*c", "axxbyy"));
    }

    #[test]
    fn every_rule_has_its_words_in_every_language() {
        for rule in parse_connection_rules(CONNECTION_ADDINS) {
            for lang in words::Lang::ALL {
                let text = words::Words::of(lang).raw(&rule.note);
                assert!(
                    text.is_some_and(|t| !t.trim().is_empty()),
                    "{lang:?} {}",
                    rule.note
                );
            }
        }
    }
}
