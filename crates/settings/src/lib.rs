//! Settings an IT department presets for Session Doctor, so users never type a client id:
//! a system-wide config file (TOML, in a documented place per OS) and environment
//! variables. Precedence: a value the file sets wins and is locked (a user's environment
//! variable does not change it) unless the file's `allow_user_overrides` opens it to users;
//! then the environment; then built-in defaults. Every value remembers where it came from
//! and whether it is locked, so the app can say "set by your IT department".
//!
//! Nothing here touches the network or the user's files; a broken file is reported and
//! ignored, never a panic.
#![deny(missing_docs)]

mod file;
mod load;
mod paths;

pub use file::{
    ConfigFile, FileError, MAX_FILE_BYTES, OVERRIDABLE_KEYS, ReportSection, UserOverrides,
};
pub use load::{
    ENV_CONFIG, ENV_REPORT_DIR, ENV_REPORT_FORMAT, ENV_REPORT_PERSONAL, ReportFormat, Setting,
    Settings, SettingsProblem, SettingsSource, load, load_from, load_system,
};
pub use paths::system_config_path;

/// The cloud variables the cloud client reads (see `cloud::config`): the same names in the
/// environment and, lower-cased without the prefix, in the file. This one: the sign-in
/// authority URL.
pub const ENV_AUTHORITY: &str = "SESSION_DOCTOR_AUTHORITY";
/// The tenant to sign in to (a domain or GUID; `organizations` when unset).
pub const ENV_TENANT: &str = "SESSION_DOCTOR_TENANT";
/// The organisation's app registration (see the README's "Sign-in for your organisation").
pub const ENV_CLIENT_ID: &str = "SESSION_DOCTOR_CLIENT_ID";
/// The Microsoft Graph base URL, for a national cloud or a test tenant.
pub const ENV_GRAPH: &str = "SESSION_DOCTOR_GRAPH";
/// The cloud: `public`, `us_gov` or `china`.
pub const ENV_CLOUD: &str = "SESSION_DOCTOR_CLOUD";
