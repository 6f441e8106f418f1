//! Merging: environment over file over defaults, each value with its source.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::file::ConfigFile;
use crate::{ENV_AUTHORITY, ENV_CLIENT_ID, ENV_CLOUD, ENV_GRAPH, ENV_TENANT};

/// Points at another config file than the system one (tests, a portable copy on a USB stick).
pub const ENV_CONFIG: &str = "SESSION_DOCTOR_CONFIG";
pub const ENV_REPORT_DIR: &str = "SESSION_DOCTOR_REPORT_DIR";
pub const ENV_REPORT_PERSONAL: &str = "SESSION_DOCTOR_REPORT_PERSONAL_DATA";
pub const ENV_REPORT_FORMAT: &str = "SESSION_DOCTOR_REPORT_FORMAT";

/// Where a value came from, for the settings panel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SettingsSource {
    Default,
    File { path: String },
    Environment { variable: String },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct Setting<T> {
    pub value: T,
    pub source: SettingsSource,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum ReportFormat {
    #[default]
    Html,
    Json,
}

impl ReportFormat {
    fn parse(s: &str) -> Option<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "html" => Some(Self::Html),
            "json" => Some(Self::Json),
            _ => None,
        }
    }
}

/// Everything an administrator can preset.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct Settings {
    pub client_id: Setting<Option<String>>,
    pub tenant: Setting<Option<String>>,
    /// `public`, `us_gov` or `china`.
    pub cloud: Setting<String>,
    pub authority: Setting<Option<String>>,
    pub graph: Setting<Option<String>>,
    pub report_include_personal_data: Setting<bool>,
    pub report_folder: Setting<Option<String>>,
    pub report_format: Setting<ReportFormat>,
    /// The config file looked at, and whether it was there.
    pub file: String,
    pub file_found: bool,
    /// Values that were refused (a broken file, an unknown cloud), in words; the defaults
    /// stand in for them.
    pub problems: Vec<String>,
}

const CLOUDS: &[&str] = &["public", "us_gov", "china"];

impl Settings {
    /// The values the cloud client reads through `CloudConfig::from_lookup`.
    pub fn cloud_value(&self, key: &str) -> Option<String> {
        match key {
            ENV_CLIENT_ID => self.client_id.value.clone(),
            ENV_TENANT => self.tenant.value.clone(),
            ENV_AUTHORITY => self.authority.value.clone(),
            ENV_GRAPH => self.graph.value.clone(),
            ENV_CLOUD => Some(self.cloud.value.clone()),
            _ => None,
        }
    }

    /// An organisation pinned its tenant: the app must not widen it to `organizations`.
    pub fn tenant_pinned(&self) -> bool {
        self.tenant.value.is_some()
    }
}

/// Reads the real environment and the system file (or the one `SESSION_DOCTOR_CONFIG` names).
pub fn load() -> Settings {
    let env = |k: &str| std::env::var(k).ok();
    let path = env(ENV_CONFIG)
        .filter(|p| !p.trim().is_empty())
        .map(std::path::PathBuf::from)
        .unwrap_or_else(crate::system_config_path);
    load_from(env, &path)
}

/// [`load`] with the environment and the file supplied by the caller.
pub fn load_from(env: impl Fn(&str) -> Option<String>, path: &Path) -> Settings {
    let shown = path.display().to_string();
    let mut problems = Vec::new();
    let (file, found) = match ConfigFile::read(path) {
        Ok(Some(f)) => (f, true),
        Ok(None) => (ConfigFile::default(), false),
        Err(e) => {
            problems.push(format!("{e}; the settings in it are ignored"));
            (ConfigFile::default(), true)
        }
    };
    let env = |k: &str| {
        env(k)
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty())
    };
    let from_file = || SettingsSource::File {
        path: shown.clone(),
    };
    let from_env = |k: &str| SettingsSource::Environment {
        variable: k.to_owned(),
    };
    let text = |key: &str, file_value: &Option<String>| -> Setting<Option<String>> {
        if let Some(v) = env(key) {
            return Setting {
                value: Some(v),
                source: from_env(key),
            };
        }
        match file_value
            .as_deref()
            .map(str::trim)
            .filter(|v| !v.is_empty())
        {
            Some(v) => Setting {
                value: Some(v.to_owned()),
                source: from_file(),
            },
            None => Setting {
                value: None,
                source: SettingsSource::Default,
            },
        }
    };

    let mut cloud = match text(ENV_CLOUD, &file.cloud) {
        Setting {
            value: Some(v),
            source,
        } => Setting {
            value: v.to_ascii_lowercase(),
            source,
        },
        Setting { source, .. } => Setting {
            value: "public".to_owned(),
            source,
        },
    };
    if !CLOUDS.contains(&cloud.value.as_str()) {
        problems.push(format!(
            "cloud '{}' is not one of {}; using public",
            cloud.value,
            CLOUDS.join(", ")
        ));
        cloud = Setting {
            value: "public".to_owned(),
            source: SettingsSource::Default,
        };
    }

    let personal = match env(ENV_REPORT_PERSONAL) {
        Some(v) => match parse_bool(&v) {
            Some(b) => Setting {
                value: b,
                source: from_env(ENV_REPORT_PERSONAL),
            },
            None => {
                problems.push(format!(
                    "{ENV_REPORT_PERSONAL}='{v}' is not true or false; personal data stays out"
                ));
                default_setting(false)
            }
        },
        None => match file.report.include_personal_data {
            Some(b) => Setting {
                value: b,
                source: from_file(),
            },
            None => default_setting(false),
        },
    };

    let format = match text(ENV_REPORT_FORMAT, &file.report.format) {
        Setting {
            value: Some(v),
            source,
        } => match ReportFormat::parse(&v) {
            Some(f) => Setting { value: f, source },
            None => {
                problems.push(format!(
                    "report format '{v}' is not html or json; using html"
                ));
                default_setting(ReportFormat::Html)
            }
        },
        Setting { .. } => default_setting(ReportFormat::Html),
    };

    Settings {
        client_id: text(ENV_CLIENT_ID, &file.client_id),
        tenant: text(ENV_TENANT, &file.tenant),
        cloud,
        authority: text(ENV_AUTHORITY, &file.authority),
        graph: text(ENV_GRAPH, &file.graph),
        report_include_personal_data: personal,
        report_folder: text(ENV_REPORT_DIR, &file.report.folder),
        report_format: format,
        file: shown,
        file_found: found,
        problems,
    }
}

fn default_setting<T>(value: T) -> Setting<T> {
    Setting {
        value,
        source: SettingsSource::Default,
    }
}

fn parse_bool(s: &str) -> Option<bool> {
    match s.trim().to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "on" => Some(true),
        "0" | "false" | "no" | "off" => Some(false),
        _ => None,
    }
}
