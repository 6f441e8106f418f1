//! Finding English left in a text meant for another language: what the shells' tests check
//! every Spanish screen and output with (the e2e's JavaScript applies the same rule).

use crate::{Lang, Words};

/// The literal pieces of a catalog text between its `{placeholders}` that read as a phrase
/// (three words or more), trimmed of punctuation.
fn phrases(text: &str) -> impl Iterator<Item = &str> {
    text.split(['{', '}'])
        .step_by(2)
        .map(|piece| piece.trim_matches(|c: char| c.is_whitespace() || ",.;:()\"".contains(c)))
        .filter(|piece| piece.split_whitespace().count() >= 3)
}

/// Every English phrase that `lang`'s own text for the same key does not contain, with its
/// key: any of them in a text for `lang` is English left behind.
pub fn english_phrases_absent_from(lang: Lang) -> Vec<(&'static str, &'static str)> {
    let en = Words::of(Lang::En);
    let other = Words::of(lang);
    let mut out = Vec::new();
    for (key, text) in en.messages() {
        let own = other.raw(key).unwrap_or_default();
        for phrase in phrases(text) {
            if !own.contains(phrase) {
                out.push((key.as_str(), phrase));
            }
        }
    }
    out
}

/// The English phrases found in `text`, which is meant for `lang`, as `key: phrase` (empty
/// when there is none, and always empty for English).
pub fn english_left(text: &str, lang: Lang) -> Vec<String> {
    if lang == Lang::En {
        return Vec::new();
    }
    english_phrases_absent_from(lang)
        .into_iter()
        .filter(|(_, phrase)| text.contains(phrase))
        .map(|(key, phrase)| format!("{key}: {phrase}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_sentences_are_found_and_spanish_ones_are_not() {
        let en = Words::of(Lang::En).t("diag.connections_line", &[("n", &3)]);
        let es = Words::of(Lang::Es).t("diag.connections_line", &[("n", &3)]);
        let found = english_left(&en, Lang::Es);
        assert!(
            found.contains(
                &"diag.connections_line: connections from this PC to Microsoft 365".to_owned()
            ),
            "{found:?}"
        );
        assert!(english_left(&es, Lang::Es).is_empty(), "{es}");
        assert!(english_left(&en, Lang::En).is_empty());
        assert!(english_phrases_absent_from(Lang::Es).len() > 100);
    }
}
