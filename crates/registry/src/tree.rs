//! A lossless in-memory registry tree: keys in registry order, values with their exact bytes.
//!
//! Keys are kept in `reg export`'s order (subkeys sorted case-insensitively, as Windows
//! enumerates them) and values in their order, so deleting a subtree and importing its export
//! again gives the same file, byte for byte. Parents of listed keys exist implicitly, as in a
//! `.reg` file that lists only deep keys.

use std::collections::BTreeMap;

use crate::path::normalize_path;
use crate::source::{Registry, RegistryError};
use crate::value::RawValue;

/// One key: its path as first written (original case) and its values in order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct KeyData {
    /// The key's path, normalized, in the case first written.
    pub path: String,
    /// Its values in order (the default value has the empty name).
    pub values: Vec<(String, RawValue)>,
}

/// Keys by their upper-cased path components joined by NUL: this order is a depth-first walk
/// with subkeys sorted case-insensitively, which is `reg export`'s order. One string, not a
/// list of components: NUL sorts below every character a key name holds, so comparing the
/// joined strings orders keys exactly as comparing their components would, at memcmp speed
/// and with one allocation per key instead of one per component.
pub(crate) type SortKey = String;

/// Between two components of a [`SortKey`].
const SEP: char = '\0';

/// A registry tree (or part of one). Keys absent from the map but with descendants exist
/// implicitly, as in a `.reg` file that lists only deep keys.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RegTree {
    pub(crate) keys: BTreeMap<SortKey, KeyData>,
}

pub(crate) fn sort_key(path: &str) -> SortKey {
    let path = normalize_path(path);
    let mut out = String::with_capacity(path.len());
    for (i, part) in path.split('\\').enumerate() {
        if i > 0 {
            out.push(SEP);
        }
        for c in part.chars() {
            match c {
                // A NUL inside a name (only damaged files have one) must not read as a
                // separator: escaped, with the escape itself escaped, so no two names meet.
                '\0' => out.push_str("\u{1}0"),
                '\u{1}' => out.push_str("\u{1}1"),
                c => out.extend(c.to_uppercase()),
            }
        }
    }
    out
}

/// Whether `k` is `root` or below it.
fn is_under(k: &str, root: &str) -> bool {
    k.starts_with(root) && (k.len() == root.len() || k.as_bytes()[root.len()] == 0)
}

/// How many path components a sort key has.
fn depth(k: &str) -> usize {
    k.bytes().filter(|b| *b == 0).count() + 1
}

impl RegTree {
    /// An empty tree.
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
        let root_depth = depth(&root);
        let mut out: Vec<String> = Vec::new();
        let mut last_upper: Option<&str> = None;
        for (k, data) in self.keys.range(root.clone()..) {
            if !is_under(k, &root) {
                break;
            }
            if k.len() == root.len() {
                continue;
            }
            let below = &k[root.len() + 1..];
            let upper = below.split(SEP).next().unwrap_or(below);
            if last_upper == Some(upper) {
                continue;
            }
            // The original spelling of the child comes from the key path itself.
            let name = data
                .path
                .split('\\')
                .filter(|p| !p.is_empty())
                .nth(root_depth)
                .unwrap_or(upper)
                .to_owned();
            last_upper = Some(upper);
            out.push(name);
        }
        Some(out)
    }

    /// Creates the key (only this key: parents stay implicit, so deleting it again restores
    /// the same file). Returns its sort key.
    pub(crate) fn ensure_key(&mut self, path: &str) -> SortKey {
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
}

impl Registry for RegTree {
    fn subkeys(&self, path: &str) -> Result<Option<Vec<String>>, RegistryError> {
        Ok(RegTree::subkeys(self, path))
    }

    fn raw_values(&self, path: &str) -> Result<Option<Vec<(String, RawValue)>>, RegistryError> {
        Ok(RegTree::values(self, path))
    }

    fn raw_value(&self, path: &str, name: &str) -> Result<Option<RawValue>, RegistryError> {
        Ok(RegTree::value(self, path, name))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_nul_in_a_name_is_not_a_separator() {
        let mut t = RegTree::new();
        t.set_value("HKCU\\A\0B", "v", RawValue::dword(1));
        t.set_value("HKCU\\A\\B", "v", RawValue::dword(2));
        assert_eq!(t.key_count(), 2);
        assert_eq!(
            t.subkeys("HKCU\\A"),
            Some(vec!["B".to_owned()]),
            "A\\0B is not under A"
        );
        assert_eq!(t.value("HKCU\\A\\B", "v"), Some(RawValue::dword(2)));
    }

    #[test]
    fn export_order_is_component_order() {
        let mut t = RegTree::new();
        for p in ["HKCU\\A B", "HKCU\\A\\Z", "HKCU\\a", "HKCU\\A!"] {
            t.touch_key(p);
        }
        // "A" and its children before "A B" and "A!", as Windows enumerates.
        assert_eq!(
            t.paths(),
            vec![
                "HKEY_CURRENT_USER\\a",
                "HKEY_CURRENT_USER\\A\\Z",
                "HKEY_CURRENT_USER\\A B",
                "HKEY_CURRENT_USER\\A!"
            ]
        );
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
}
