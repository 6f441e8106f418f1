use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use words::{Lang, Words};

fn placeholders(text: &str) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        rest = &rest[open + 1..];
        if let Some(close) = rest.find('}') {
            let name = &rest[..close];
            if !name.is_empty() && name.chars().all(|c| c.is_alphanumeric() || c == '_') {
                names.insert(name.to_owned());
            }
        }
    }
    names
}

#[test]
fn every_language_has_every_key_with_the_same_placeholders() {
    let en = Words::of(Lang::En).messages();
    assert!(
        en.len() > 300,
        "the English catalog did not parse ({} keys)",
        en.len()
    );
    for lang in Lang::ALL {
        let words = Words::of(lang).messages();
        let missing: Vec<_> = en.keys().filter(|k| !words.contains_key(*k)).collect();
        let extra: Vec<_> = words.keys().filter(|k| !en.contains_key(*k)).collect();
        assert!(missing.is_empty(), "{lang:?} lacks {missing:?}");
        assert!(
            extra.is_empty(),
            "{lang:?} has keys English lacks: {extra:?}"
        );
        for (key, text) in words {
            assert!(!text.trim().is_empty(), "{lang:?} {key} is empty");
            assert_eq!(
                placeholders(text),
                placeholders(&en[key]),
                "{lang:?} {key}: the placeholders differ from English"
            );
        }
    }
}

#[test]
fn counted_messages_have_both_forms() {
    // The Rust side's counted messages; the UI's own (`wizard.summary.*`) name theirs apart.
    for key in Words::of(Lang::En).messages().keys() {
        if let Some(base) = key.strip_suffix(".one")
            && !key.starts_with("wizard.")
        {
            assert!(
                Words::of(Lang::En).raw(&format!("{base}.other")).is_some(),
                "{key} has no .other"
            );
        }
    }
}

#[test]
fn spanish_translates_every_plan_step() {
    let es = Words::of(Lang::Es);
    let ids: Vec<_> = es.step_ids().collect();
    assert!(ids.len() >= 21, "{ids:?}");
    for id in ids {
        let step = es.step(id).expect("listed");
        assert!(!step.title.trim().is_empty(), "{id}");
        assert!(!step.instructions.is_empty(), "{id}");
    }
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The literal keys in `.t("key"` and `.count("key"` calls (a call may wrap after its
/// parenthesis). Keys built at run time are not seen here; the code keeps them literal.
fn keys_asked_for(source: &str) -> Vec<String> {
    let mut keys = Vec::new();
    for call in [".t(", ".count("] {
        let mut rest = source;
        while let Some(at) = rest.find(call) {
            rest = &rest[at + call.len()..];
            let arg = rest.trim_start();
            if let Some(body) = arg.strip_prefix('"')
                && let Some(end) = body.find('"')
            {
                let key = &body[..end];
                if !key.is_empty()
                    && key.contains('.')
                    && key
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "._".contains(c))
                {
                    keys.push(key.to_owned());
                }
            }
        }
    }
    keys
}

#[test]
fn every_key_the_rust_code_asks_for_is_in_the_catalog() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut files = Vec::new();
    rust_files(&root.join("crates"), &mut files);
    rust_files(&root.join("src-tauri/src"), &mut files);
    let en = Words::of(Lang::En);
    let mut asked = 0;
    let mut missing = Vec::new();
    for file in files {
        let source = std::fs::read_to_string(&file).unwrap_or_default();
        for key in keys_asked_for(&source) {
            asked += 1;
            let counted = en.raw(&format!("{key}.one")).is_some();
            if en.raw(&key).is_none() && !counted {
                missing.push(format!("{}: {key}", file.display()));
            }
        }
    }
    assert!(asked > 50, "only {asked} keys found: the scanner is broken");
    assert!(missing.is_empty(), "keys no catalog has: {missing:#?}");
}
