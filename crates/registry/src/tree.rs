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

/// Keys by their upper-cased path components: this order is a depth-first walk with
/// subkeys sorted case-insensitively, which is `reg export`'s order.
pub(crate) type SortKey = Vec<String>;

/// A registry tree (or part of one). Keys absent from the map but with descendants exist
/// implicitly, as in a `.reg` file that lists only deep keys.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RegTree {
    pub(crate) keys: BTreeMap<SortKey, KeyData>,
}

pub(crate) fn sort_key(path: &str) -> SortKey {
    normalize_path(path)
        .split('\\')
        .map(|p| p.to_uppercase())
        .collect()
}

fn is_under(k: &SortKey, root: &SortKey) -> bool {
    k.len() >= root.len() && k[..root.len()] == root[..]
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
