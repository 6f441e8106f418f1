//! The catalogs, built into the binary, and filling a message's placeholders.

use std::collections::BTreeMap;
use std::fmt::Display;
use std::sync::OnceLock;

use serde::Deserialize;

use crate::Lang;

/// One placeholder's value: `("n", &3)` fills `{n}`.
pub type Arg<'a> = (&'a str, &'a dyn Display);

/// A plan step's words in one language.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct StepText {
    /// The step's title.
    pub title: String,
    /// What the user does (or what the app will do), one line each.
    pub instructions: Vec<String>,
}

const EN: &str = include_str!("../../../i18n/en.json");
const ES: &str = include_str!("../../../i18n/es.json");
const STEPS_ES: &str = include_str!("../../../i18n/steps.es.json");

/// One language's catalog: its messages and (for languages other than English, whose step
/// words live with the plan) its plan steps.
#[derive(Debug)]
pub struct Words {
    lang: Lang,
    messages: BTreeMap<String, String>,
    steps: BTreeMap<String, StepText>,
}

fn parse<T: for<'de> Deserialize<'de>>(text: &str) -> BTreeMap<String, T> {
    // A catalog that does not parse is caught by the tests; at run time the key itself is
    // shown rather than the program stopping.
    serde_json::from_str(text).unwrap_or_default()
}

impl Words {
    /// The catalog of `lang` (parsed once per process).
    pub fn of(lang: Lang) -> &'static Words {
        static EN_WORDS: OnceLock<Words> = OnceLock::new();
        static ES_WORDS: OnceLock<Words> = OnceLock::new();
        match lang {
            Lang::En => EN_WORDS.get_or_init(|| Words {
                lang,
                messages: parse(EN),
                steps: BTreeMap::new(),
            }),
            Lang::Es => ES_WORDS.get_or_init(|| Words {
                lang,
                messages: parse(ES),
                steps: parse(STEPS_ES),
            }),
        }
    }

    /// The language of this catalog.
    pub fn lang(&self) -> Lang {
        self.lang
    }

    /// Every key and its text, in key order.
    pub fn messages(&self) -> &BTreeMap<String, String> {
        &self.messages
    }

    /// The Spanish (or other non-English) words of a plan step; `None` for English, whose
    /// words are the plan's own.
    pub fn step(&self, id: &str) -> Option<&StepText> {
        self.steps.get(id)
    }

    /// Every step id this catalog translates.
    pub fn step_ids(&self) -> impl Iterator<Item = &str> {
        self.steps.keys().map(String::as_str)
    }

    /// The raw text of `key`: this language's, else English's, else `None`.
    pub fn raw(&self, key: &str) -> Option<&str> {
        self.messages
            .get(key)
            .or_else(|| Words::of(Lang::En).messages.get(key))
            .map(String::as_str)
    }

    /// The message `key` with its `{name}` placeholders filled from `args`. A placeholder
    /// without a value stays as written; a key no catalog has comes back as itself.
    pub fn t(&self, key: &str, args: &[Arg<'_>]) -> String {
        match self.raw(key) {
            Some(text) => fill(text, args),
            None => key.to_owned(),
        }
    }

    /// The singular (`key.one`) or plural (`key.other`) form for `n`, with `{n}` filled
    /// too. Both languages here pluralise the same way: one, or not one.
    pub fn count(&self, key: &str, n: u64, args: &[Arg<'_>]) -> String {
        let form = if n == 1 { "one" } else { "other" };
        let mut all: Vec<Arg<'_>> = Vec::with_capacity(args.len() + 1);
        all.push(("n", &n));
        all.extend_from_slice(args);
        self.t(&format!("{key}.{form}"), &all)
    }
}

/// `text` with each `{name}` replaced by its value; `{` without a matching name is kept.
fn fill(text: &str, args: &[Arg<'_>]) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let close = after.find('}');
        let name = close.map(|c| &after[..c]);
        match name.and_then(|n| args.iter().find(|(k, _)| *k == n)) {
            Some((_, value)) => {
                out.push_str(&value.to_string());
                rest = &after[close.unwrap_or(0) + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_filled_and_unknown_ones_kept() {
        assert_eq!(
            fill("{n} of {limit}", &[("n", &3), ("limit", &10)]),
            "3 of 10"
        );
        assert_eq!(fill("{n} and {other}", &[("n", &"x")]), "x and {other}");
        assert_eq!(fill("a { b", &[]), "a { b");
        assert_eq!(fill("ends {", &[]), "ends {");
        assert_eq!(fill("{ñ}", &[("ñ", &"é")]), "é");
    }

    #[test]
    fn a_key_no_catalog_has_comes_back_as_itself() {
        let unknown = "no.such.key";
        assert_eq!(Words::of(Lang::Es).t(unknown, &[]), unknown);
    }
}
