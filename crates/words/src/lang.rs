//! The languages Session Doctor speaks, and how one is chosen from a locale name.

use serde::{Deserialize, Serialize};

/// A language with a complete catalog.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, specta::Type,
)]
#[serde(rename_all = "snake_case")]
pub enum Lang {
    /// English, the fallback for every other locale.
    #[default]
    En,
    /// Spanish.
    Es,
}

impl Lang {
    /// Every language, English first.
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Es];

    /// The language of a locale name such as `es_ES.UTF-8`, `es-MX` or `en`; `None` for a
    /// language without a catalog (and for `C`/`POSIX`).
    pub fn from_locale(name: &str) -> Option<Lang> {
        let code: String = name
            .trim()
            .chars()
            .take_while(|c| c.is_ascii_alphabetic())
            .collect::<String>()
            .to_ascii_lowercase();
        match code.as_str() {
            "en" => Some(Lang::En),
            "es" => Some(Lang::Es),
            _ => None,
        }
    }

    /// The language the environment asks for, read as POSIX does: `LC_ALL`, then
    /// `LC_MESSAGES`, then `LANG` (`LANGUAGE`'s list first, as gettext reads it). The first
    /// set variable decides; one naming a language without a catalog means English.
    pub fn from_env() -> Lang {
        Self::from_vars(|name| std::env::var(name).ok())
    }

    /// [`Lang::from_env`] over any variable lookup (so tests need not change the process's
    /// environment).
    pub fn from_vars(get: impl Fn(&str) -> Option<String>) -> Lang {
        let set = |name: &str| get(name).filter(|v| !v.trim().is_empty());
        // gettext: LANGUAGE is a colon list, honoured unless the locale is C.
        let locale = set("LC_ALL")
            .or_else(|| set("LC_MESSAGES"))
            .or_else(|| set("LANG"));
        if locale.as_deref().is_some_and(|l| l != "C" && l != "POSIX")
            && let Some(list) = set("LANGUAGE")
            && let Some(lang) = list.split(':').find_map(Lang::from_locale)
        {
            return lang;
        }
        locale
            .as_deref()
            .and_then(Lang::from_locale)
            .unwrap_or_default()
    }

    /// The short code the catalogs and the UI use (`en`, `es`).
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Es => "es",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locale_names_pick_the_language() {
        assert_eq!(Lang::from_locale("es_ES.UTF-8"), Some(Lang::Es));
        assert_eq!(Lang::from_locale("es-MX"), Some(Lang::Es));
        assert_eq!(Lang::from_locale("EN_us"), Some(Lang::En));
        assert_eq!(Lang::from_locale("fr_FR.UTF-8"), None);
        assert_eq!(Lang::from_locale("C"), None);
        assert_eq!(Lang::from_locale(""), None);
    }

    #[test]
    fn the_environment_is_read_in_posix_order() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                pairs
                    .iter()
                    .find(|(k, _)| *k == name)
                    .map(|(_, v)| v.to_string())
            }
        };
        assert_eq!(Lang::from_vars(env(&[("LANG", "es_ES.UTF-8")])), Lang::Es);
        assert_eq!(
            Lang::from_vars(env(&[("LANG", "es_ES.UTF-8"), ("LC_ALL", "en_GB.UTF-8")])),
            Lang::En
        );
        assert_eq!(
            Lang::from_vars(env(&[("LANG", "en_US.UTF-8"), ("LANGUAGE", "fr:es")])),
            Lang::Es
        );
        // C ignores LANGUAGE, as gettext does.
        assert_eq!(
            Lang::from_vars(env(&[("LC_ALL", "C"), ("LANGUAGE", "es")])),
            Lang::En
        );
        assert_eq!(Lang::from_vars(env(&[("LANG", "de_DE.UTF-8")])), Lang::En);
        assert_eq!(Lang::from_vars(env(&[])), Lang::En);
    }
}
