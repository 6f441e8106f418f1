//! One way to read keys, whatever holds them: a `.reg` export or the live registry.

use crate::path::join;
use crate::value::{RawValue, RegValue};

/// Errors of a registry source.
#[derive(Debug, thiserror::Error)]
pub enum RegistryError {
    /// A file could not be read, or the live registry refused a key.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The file or key.
        path: String,
        /// What the OS said.
        #[source]
        source: std::io::Error,
    },
    /// The bytes are not a `.reg` export (or, read strictly, not all of one).
    #[error("{path} is not a registry export: {reason}")]
    NotAnExport {
        /// The file (or label) read.
        path: String,
        /// Why, with the line number where there is one.
        reason: String,
    },
    /// One key could not be read or written.
    #[error("registry key {key}: {message}")]
    Key {
        /// The key's path.
        key: String,
        /// What went wrong.
        message: String,
    },
}

/// Read access to registry keys. `Ok(None)` means "no such key", which is normal.
pub trait Registry {
    /// Names of the direct subkeys of `path`, or `None` when the key does not exist.
    fn subkeys(&self, path: &str) -> Result<Option<Vec<String>>, RegistryError>;

    /// Values of `path` exactly as stored (name, value), or `None` when the key does not
    /// exist. The default value has the empty name.
    fn raw_values(&self, path: &str) -> Result<Option<Vec<(String, RawValue)>>, RegistryError>;

    /// Values of `path` decoded for reading.
    fn values(&self, path: &str) -> Result<Option<Vec<(String, RegValue)>>, RegistryError> {
        Ok(self
            .raw_values(path)?
            .map(|vals| vals.into_iter().map(|(n, v)| (n, v.decoded())).collect()))
    }

    /// One value by name (case-insensitive), exactly as stored.
    fn raw_value(&self, path: &str, name: &str) -> Result<Option<RawValue>, RegistryError> {
        Ok(self
            .raw_values(path)?
            .and_then(|vals| vals.into_iter().find(|(n, _)| n.eq_ignore_ascii_case(name)))
            .map(|(_, v)| v))
    }

    /// One value by name (case-insensitive), decoded.
    fn value(&self, path: &str, name: &str) -> Result<Option<RegValue>, RegistryError> {
        Ok(self.raw_value(path, name)?.map(|v| v.decoded()))
    }
}

/// Every key at and below `root` (depth-first), bounded so a cyclic or absurd input cannot
/// run away. Errors of single keys are returned alongside what could be read.
pub fn walk(reg: &dyn Registry, root: &str, max_keys: usize) -> (Vec<String>, Vec<RegistryError>) {
    let mut out = Vec::new();
    let mut errors = Vec::new();
    let mut stack = vec![root.to_owned()];
    while let Some(key) = stack.pop() {
        if out.len() >= max_keys {
            errors.push(RegistryError::Key {
                key: root.to_owned(),
                message: format!("more than {max_keys} keys, the rest was not read"),
            });
            break;
        }
        match reg.subkeys(&key) {
            Ok(Some(children)) => {
                for child in children.iter().rev() {
                    stack.push(join(&key, child));
                }
                out.push(key);
            }
            Ok(None) => {}
            Err(e) => errors.push(e),
        }
    }
    (out, errors)
}
