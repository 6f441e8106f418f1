//! The config file's shape. Unknown keys are refused with their name (a typo like
//! `client-id` must not silently do nothing), and so are wrong types.

use std::path::Path;

use serde::Deserialize;

/// Files bigger than this are not a config file someone wrote by hand.
pub const MAX_FILE_BYTES: u64 = 64 * 1024;

/// The keys `allow_user_overrides` may name: the file's own keys, tables dotted.
pub const OVERRIDABLE_KEYS: &[&str] = &[
    "client_id",
    "tenant",
    "cloud",
    "authority",
    "graph",
    "report.include_personal_data",
    "report.folder",
    "report.format",
];

/// Which values set in the file a user may change (with an environment variable, or, for
/// the report's personal data, with the app's box and the CLI's flag).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
pub enum UserOverrides {
    /// `true`: every value in the file is only a default; `false`: none (the default).
    All(bool),
    /// Only these keys (see [`OVERRIDABLE_KEYS`]), e.g. `["report.folder"]`.
    Keys(Vec<String>),
}

impl Default for UserOverrides {
    fn default() -> Self {
        Self::All(false)
    }
}

impl UserOverrides {
    /// May the user change `key` when the file sets it?
    pub fn allows(&self, key: &str) -> bool {
        match self {
            Self::All(all) => *all,
            Self::Keys(keys) => keys.iter().any(|k| k.trim() == key),
        }
    }

    /// Names in the list that are not settings (a typo would otherwise do nothing).
    pub fn unknown_keys(&self) -> Vec<String> {
        match self {
            Self::All(_) => Vec::new(),
            Self::Keys(keys) => keys
                .iter()
                .filter(|k| !OVERRIDABLE_KEYS.contains(&k.trim()))
                .cloned()
                .collect(),
        }
    }
}

/// The system config file as IT writes it (TOML; unknown keys are refused).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    /// Values set here are fixed unless this allows users to change them. At the top of the
    /// file (before `[report]`, or TOML reads it as part of that table).
    #[serde(default)]
    pub allow_user_overrides: UserOverrides,
    /// The organisation's app registration.
    pub client_id: Option<String>,
    /// The tenant to sign in to.
    pub tenant: Option<String>,
    /// `public`, `us_gov` or `china`.
    pub cloud: Option<String>,
    /// The sign-in authority URL.
    pub authority: Option<String>,
    /// The Microsoft Graph base URL.
    pub graph: Option<String>,
    /// The `[report]` table.
    #[serde(default)]
    pub report: ReportSection,
}

/// `[report]`: how the help-desk report is made.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReportSection {
    /// `false` forbids reports with personal data; `true` makes them the default.
    pub include_personal_data: Option<bool>,
    /// Save reports here without asking (a help-desk share, for instance).
    pub folder: Option<String>,
    /// `html` or `json`.
    pub format: Option<String>,
}

/// Why the config file was not used.
#[derive(Debug, thiserror::Error)]
pub enum FileError {
    /// It exists but could not be read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The file.
        path: String,
        /// What the OS said.
        source: std::io::Error,
    },
    /// It is larger than any real config file.
    #[error("{path} is {size} bytes; a config file is at most {max} bytes")]
    TooBig {
        /// The file.
        path: String,
        /// Its size.
        size: u64,
        /// The most that is read.
        max: u64,
    },
    /// It is not UTF-8 TOML with the known keys.
    #[error("{path} is not valid TOML for Session Doctor: {message}")]
    Invalid {
        /// The file.
        path: String,
        /// The parser's words.
        message: String,
    },
}

impl ConfigFile {
    /// `Ok(None)` when there is no file: the usual case on an unmanaged computer.
    pub fn read(path: &Path) -> Result<Option<Self>, FileError> {
        let shown = path.display().to_string();
        let meta = match std::fs::metadata(path) {
            Ok(m) => m,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(source) => {
                return Err(FileError::Read {
                    path: shown,
                    source,
                });
            }
        };
        if meta.len() > MAX_FILE_BYTES {
            return Err(FileError::TooBig {
                path: shown,
                size: meta.len(),
                max: MAX_FILE_BYTES,
            });
        }
        let bytes = std::fs::read(path).map_err(|source| FileError::Read {
            path: shown.clone(),
            source,
        })?;
        // Windows editors like to start UTF-8 files with a byte order mark.
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
        let text = std::str::from_utf8(bytes).map_err(|e| FileError::Invalid {
            path: shown.clone(),
            message: format!("not UTF-8 text ({e})"),
        })?;
        Self::parse(text)
            .map(Some)
            .map_err(|message| FileError::Invalid {
                path: shown,
                message,
            })
    }

    /// Parses the file's text; `Err` holds the TOML parser's message.
    pub fn parse(text: &str) -> Result<Self, String> {
        toml::from_str(text).map_err(|e| e.message().to_owned())
    }
}
