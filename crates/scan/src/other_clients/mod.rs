//! Accounts of other mail apps, read from their files under a home directory: new Outlook,
//! Outlook for Mac, Thunderbird, Evolution and the Windows Mail app.
//!
//! Every reader takes the home directory explicitly so tests (and `--home`) point it at a
//! temporary tree; nothing here writes.

pub mod evolution;
pub mod new_outlook;
pub mod outlook_mac;
pub mod thunderbird;
pub mod windows_mail;

use std::path::{Path, PathBuf};

use crate::report::OtherAccount;

/// What one reader found.
#[derive(Debug, Default)]
pub struct ClientScan {
    /// Whether the app's files exist at all (else the source is "skipped").
    pub found: bool,
    /// The accounts found.
    pub accounts: Vec<OtherAccount>,
    /// Files that could not be read, in plain words.
    pub problems: Vec<String>,
    /// Where it looked, for the "skipped" reason.
    pub looked_in: Vec<String>,
}

/// `base` joined with a `/`-separated relative path, component by component, so Windows
/// paths get `\\` throughout.
pub(crate) fn under(base: &Path, rel: &str) -> PathBuf {
    rel.split('/')
        .filter(|c| !c.is_empty())
        .fold(base.to_path_buf(), |p, c| p.join(c))
}

/// Reads a text file that should be UTF-8; other bytes are replaced and noted.
pub(crate) fn read_text(path: &Path, notes: &mut Vec<String>) -> Option<String> {
    match std::fs::read(path) {
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(s) => Some(s),
            Err(e) => {
                notes.push(format!(
                    "{} is not valid UTF-8; read with replacement characters",
                    path.display()
                ));
                Some(String::from_utf8_lossy(e.as_bytes()).into_owned())
            }
        },
        Err(e) => {
            notes.push(format!("cannot read {}: {e}", path.display()));
            None
        }
    }
}

/// Minimal INI reader: `[section]` and `key=value`, comments `;`/`#`. Returns
/// (section, key, value) triples in file order.
pub(crate) fn parse_ini(text: &str) -> Vec<(String, String, String)> {
    let mut section = String::new();
    let mut out = Vec::new();
    for line in text.lines() {
        let line = line.trim().trim_start_matches('\u{feff}');
        if line.is_empty() || line.starts_with(';') || line.starts_with('#') {
            continue;
        }
        if let Some(s) = line.strip_prefix('[') {
            section = s.trim_end_matches(']').trim().to_owned();
            continue;
        }
        if let Some((k, v)) = line.split_once('=') {
            out.push((section.clone(), k.trim().to_owned(), v.trim().to_owned()));
        }
    }
    out
}
