//! Merging: the file over the environment over defaults, each value with its source. A
//! value the system config file sets is fixed ("locked"): a user's environment variable
//! does not change it unless the file's `allow_user_overrides` allows that key; where the
//! file is silent, the environment fills in.

use std::path::Path;

use serde::{Deserialize, Serialize};
use words::{Lang, Words};

use crate::file::{ConfigFile, UserOverrides};
use crate::{ENV_AUTHORITY, ENV_CLIENT_ID, ENV_CLOUD, ENV_GRAPH, ENV_TENANT};

/// Points at another config file than the system one (tests, a portable copy on a USB stick).
pub const ENV_CONFIG: &str = "SESSION_DOCTOR_CONFIG";
/// The folder reports are saved to without asking.
pub const ENV_REPORT_DIR: &str = "SESSION_DOCTOR_REPORT_DIR";
/// Whether reports may include personal data (`true`/`false`).
pub const ENV_REPORT_PERSONAL: &str = "SESSION_DOCTOR_REPORT_PERSONAL_DATA";
/// The saved report's format (`html` or `json`).
pub const ENV_REPORT_FORMAT: &str = "SESSION_DOCTOR_REPORT_FORMAT";

/// Where a value came from, for the settings panel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SettingsSource {
    /// Built in.
    Default,
    /// The config file.
    File {
        /// Its path.
        path: String,
    },
    /// An environment variable.
    Environment {
        /// Its name.
        variable: String,
    },
}

/// One value with where it came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct Setting<T> {
    /// The value in effect.
    pub value: T,
    /// Where it came from.
    pub source: SettingsSource,
    /// Set by IT in the config file, which does not let users change it: environment
    /// variables, the app's choices and the CLI's flags do not override it.
    pub locked: bool,
}

/// The format a report is saved in.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum ReportFormat {
    /// A page anyone can open.
    #[default]
    Html,
    /// The machine-readable report.
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
    /// The organisation's app registration.
    pub client_id: Setting<Option<String>>,
    /// The tenant to sign in to.
    pub tenant: Setting<Option<String>>,
    /// `public`, `us_gov` or `china`.
    pub cloud: Setting<String>,
    /// The sign-in authority URL.
    pub authority: Setting<Option<String>>,
    /// The Microsoft Graph base URL.
    pub graph: Setting<Option<String>>,
    /// Whether reports include personal data.
    pub report_include_personal_data: Setting<bool>,
    /// Where reports are saved without asking.
    pub report_folder: Setting<Option<String>>,
    /// The saved report's format.
    pub report_format: Setting<ReportFormat>,
    /// The config file looked at.
    pub file: String,
    /// Whether it was there.
    pub file_found: bool,
    /// Values that were refused (a broken file, an unknown cloud); the defaults stand in
    /// for them. [`SettingsProblem::words`] (and the UI, from the same catalog keys) says
    /// each in the reader's language.
    pub problems: Vec<SettingsProblem>,
}

/// A value IT or the user set that was not used, and what stands in for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SettingsProblem {
    /// `SESSION_DOCTOR_CONFIG` names another file, but the system file IT set wins.
    ConfigVariableIgnored {
        /// The variable.
        variable: String,
        /// The system file used instead.
        system: String,
    },
    /// The config file exists but could not be read; its settings are ignored.
    FileUnreadable {
        /// The file.
        path: String,
        /// What the system said.
        detail: String,
    },
    /// The config file is not UTF-8 TOML with the known keys; its settings are ignored.
    FileInvalid {
        /// The file.
        path: String,
        /// What the TOML parser said.
        detail: String,
    },
    /// The config file is larger than any real config file; its settings are ignored.
    FileTooBig {
        /// The file.
        path: String,
        /// Its size in bytes (saturated: the UI's numbers are 32-bit).
        size: u32,
        /// The most that is read.
        max: u32,
    },
    /// `allow_user_overrides` names a key that is not a setting.
    UnknownOverride {
        /// The key named.
        key: String,
        /// The keys it may name.
        keys: String,
    },
    /// The cloud is not one Session Doctor knows; the public cloud is used.
    UnknownCloud {
        /// The value given.
        value: String,
        /// The clouds known.
        clouds: String,
    },
    /// A yes/no variable holds something else; personal data stays out of reports.
    NotTrueOrFalse {
        /// The variable.
        variable: String,
        /// Its value.
        value: String,
    },
    /// The report format is not html or json; html is used.
    UnknownReportFormat {
        /// The value given.
        value: String,
    },
    /// A variable tries to change a setting the config file locks.
    Locked {
        /// The variable.
        variable: String,
        /// The setting the file locks.
        key: String,
    },
}

impl SettingsProblem {
    /// The catalog key of this problem's sentence (`settings.problem.<kind>`), shared with
    /// the UI.
    pub fn key(&self) -> &'static str {
        match self {
            Self::ConfigVariableIgnored { .. } => "settings.problem.config_variable_ignored",
            Self::FileUnreadable { .. } => "settings.problem.file_unreadable",
            Self::FileInvalid { .. } => "settings.problem.file_invalid",
            Self::FileTooBig { .. } => "settings.problem.file_too_big",
            Self::UnknownOverride { .. } => "settings.problem.unknown_override",
            Self::UnknownCloud { .. } => "settings.problem.unknown_cloud",
            Self::NotTrueOrFalse { .. } => "settings.problem.not_true_or_false",
            Self::UnknownReportFormat { .. } => "settings.problem.unknown_report_format",
            Self::Locked { .. } => "settings.problem.locked",
        }
    }

    /// The problem in `lang`.
    pub fn words(&self, lang: Lang) -> String {
        let w = Words::of(lang);
        let key = self.key();
        match self {
            Self::ConfigVariableIgnored { variable, system } => {
                w.t(key, &[("variable", variable), ("system", system)])
            }
            Self::FileUnreadable { path, detail } | Self::FileInvalid { path, detail } => {
                w.t(key, &[("path", path), ("detail", detail)])
            }
            Self::FileTooBig { path, size, max } => {
                w.t(key, &[("path", path), ("size", size), ("max", max)])
            }
            Self::UnknownOverride { key: k, keys } => w.t(key, &[("key", k), ("keys", keys)]),
            Self::UnknownCloud { value, clouds } => {
                w.t(key, &[("value", value), ("clouds", clouds)])
            }
            Self::NotTrueOrFalse { variable, value } => {
                w.t(key, &[("variable", variable), ("value", value)])
            }
            Self::UnknownReportFormat { value } => w.t(key, &[("value", value)]),
            Self::Locked { variable, key: k } => w.t(key, &[("variable", variable), ("key", k)]),
        }
    }
}

impl From<crate::file::FileError> for SettingsProblem {
    fn from(e: crate::file::FileError) -> Self {
        use crate::file::FileError;
        match e {
            FileError::Read { path, source } => Self::FileUnreadable {
                path,
                detail: source.to_string(),
            },
            FileError::TooBig { path, size, max } => Self::FileTooBig {
                path,
                size: u32::try_from(size).unwrap_or(u32::MAX),
                max: u32::try_from(max).unwrap_or(u32::MAX),
            },
            FileError::Invalid { path, message } => Self::FileInvalid {
                path,
                detail: message,
            },
        }
    }
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

    /// IT fixed "no personal data in reports": a report must be redacted whatever the user
    /// asks (`--include-personal-data`, the app's box).
    pub fn personal_data_forbidden(&self) -> bool {
        self.report_include_personal_data.locked && !self.report_include_personal_data.value
    }
}

/// Reads the real environment and the system file (or the one `SESSION_DOCTOR_CONFIG` names,
/// when the system file allows that; see [`load_system`]).
pub fn load() -> Settings {
    load_system(
        |k: &str| std::env::var(k).ok(),
        &crate::system_config_path(),
    )
}

/// [`load`] with the environment and the system file's place supplied by the caller.
/// `SESSION_DOCTOR_CONFIG` is a user's variable like the others: where a system file exists
/// it is only followed when that file says `allow_user_overrides = true` (otherwise a user
/// could swap IT's whole file for their own); without a system file it is followed.
pub fn load_system(env: impl Fn(&str) -> Option<String>, system: &Path) -> Settings {
    let chosen = env(ENV_CONFIG)
        .filter(|p| !p.trim().is_empty())
        .map(std::path::PathBuf::from);
    let Some(chosen) = chosen.filter(|c| c != system) else {
        return load_from(env, system);
    };
    let system_file = match ConfigFile::read(system) {
        Ok(None) => return load_from(env, &chosen),
        other => other,
    };
    if matches!(&system_file, Ok(Some(f)) if f.allow_user_overrides == UserOverrides::All(true)) {
        return load_from(env, &chosen);
    }
    let mut settings = load_from(env, system);
    settings
        .problems
        .push(SettingsProblem::ConfigVariableIgnored {
            variable: ENV_CONFIG.to_owned(),
            system: system.display().to_string(),
        });
    settings
}

/// How one value is chosen: the file, the environment, the default.
struct Merge<'a> {
    env: &'a dyn Fn(&str) -> Option<String>,
    overrides: &'a UserOverrides,
    path: String,
    problems: Vec<SettingsProblem>,
}

impl Merge<'_> {
    /// The variable's value, trimmed; blank counts as unset.
    fn var(&self, var: &str) -> Option<String> {
        (self.env)(var)
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty())
    }

    /// The file's value (locked unless `key` is open to overrides), else the variable's
    /// (read with `parse`, `Err` naming why it was refused), else `None` from the default.
    fn pick<T>(
        &mut self,
        key: &str,
        var: &str,
        file_value: Option<T>,
        parse: impl Fn(&str) -> Result<T, SettingsProblem>,
    ) -> Setting<Option<T>> {
        let file_value = match file_value {
            Some(v) if !self.overrides.allows(key) => return self.locked(key, var, v),
            other => other,
        };
        if let Some(raw) = self.var(var) {
            match parse(&raw) {
                Ok(v) => {
                    return Setting {
                        value: Some(v),
                        source: SettingsSource::Environment {
                            variable: var.to_owned(),
                        },
                        locked: false,
                    };
                }
                Err(why) => self.problems.push(why),
            }
        }
        match file_value {
            Some(v) => Setting {
                value: Some(v),
                source: SettingsSource::File {
                    path: self.path.clone(),
                },
                locked: false,
            },
            None => default_setting(None),
        }
    }

    /// The file's value, which users may not change; a variable trying to is named.
    fn locked<T>(&mut self, key: &str, var: &str, v: T) -> Setting<Option<T>> {
        if self.var(var).is_some() {
            self.problems.push(SettingsProblem::Locked {
                variable: var.to_owned(),
                key: key.to_owned(),
            });
        }
        Setting {
            value: Some(v),
            source: SettingsSource::File {
                path: self.path.clone(),
            },
            locked: true,
        }
    }

    fn text(
        &mut self,
        key: &str,
        var: &str,
        file_value: &Option<String>,
    ) -> Setting<Option<String>> {
        let file_value = file_value
            .as_deref()
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_owned);
        self.pick(key, var, file_value, |v| Ok(v.to_owned()))
    }
}

impl<T> Setting<Option<T>> {
    /// The value, or `default` (then from the defaults, unlocked) when none was set.
    fn or(self, default: T) -> Setting<T> {
        match self.value {
            Some(value) => Setting {
                value,
                source: self.source,
                locked: self.locked,
            },
            None => default_setting(default),
        }
    }
}

/// [`load`] with the environment and the file supplied by the caller.
pub fn load_from(env: impl Fn(&str) -> Option<String>, path: &Path) -> Settings {
    let shown = path.display().to_string();
    let mut problems = Vec::new();
    let (file, found) = match ConfigFile::read(path) {
        Ok(Some(f)) => (f, true),
        Ok(None) => (ConfigFile::default(), false),
        Err(e) => {
            problems.push(SettingsProblem::from(e));
            (ConfigFile::default(), true)
        }
    };
    for key in file.allow_user_overrides.unknown_keys() {
        problems.push(SettingsProblem::UnknownOverride {
            key,
            keys: crate::file::OVERRIDABLE_KEYS.join(", "),
        });
    }
    let mut m = Merge {
        env: &env,
        overrides: &file.allow_user_overrides,
        path: shown.clone(),
        problems,
    };

    let mut cloud = m
        .text("cloud", ENV_CLOUD, &file.cloud)
        .or("public".to_owned());
    cloud.value = cloud.value.to_ascii_lowercase();
    if !CLOUDS.contains(&cloud.value.as_str()) {
        m.problems.push(SettingsProblem::UnknownCloud {
            value: cloud.value.clone(),
            clouds: CLOUDS.join(", "),
        });
        cloud = default_setting("public".to_owned());
    }

    let personal = m
        .pick(
            "report.include_personal_data",
            ENV_REPORT_PERSONAL,
            file.report.include_personal_data,
            |v| {
                parse_bool(v).ok_or_else(|| SettingsProblem::NotTrueOrFalse {
                    variable: ENV_REPORT_PERSONAL.to_owned(),
                    value: v.to_owned(),
                })
            },
        )
        .or(false);

    let format_in_file = match file.report.format.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(v) => match ReportFormat::parse(v) {
            Some(f) => Some(f),
            None => {
                m.problems.push(SettingsProblem::UnknownReportFormat {
                    value: v.to_owned(),
                });
                None
            }
        },
    };
    let format = m
        .pick("report.format", ENV_REPORT_FORMAT, format_in_file, |v| {
            ReportFormat::parse(v).ok_or_else(|| SettingsProblem::UnknownReportFormat {
                value: v.to_owned(),
            })
        })
        .or(ReportFormat::Html);

    let client_id = m.text("client_id", ENV_CLIENT_ID, &file.client_id);
    let tenant = m.text("tenant", ENV_TENANT, &file.tenant);
    let authority = m.text("authority", ENV_AUTHORITY, &file.authority);
    let graph = m.text("graph", ENV_GRAPH, &file.graph);
    let report_folder = m.text("report.folder", ENV_REPORT_DIR, &file.report.folder);
    Settings {
        client_id,
        tenant,
        cloud,
        authority,
        graph,
        report_include_personal_data: personal,
        report_folder,
        report_format: format,
        file: shown,
        file_found: found,
        problems: m.problems,
    }
}

fn default_setting<T>(value: T) -> Setting<T> {
    Setting {
        value,
        source: SettingsSource::Default,
        locked: false,
    }
}

fn parse_bool(s: &str) -> Option<bool> {
    match s.trim().to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "on" => Some(true),
        "0" | "false" | "no" | "off" => Some(false),
        _ => None,
    }
}
