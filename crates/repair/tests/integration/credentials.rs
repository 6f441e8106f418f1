//! Removing stale Office sign-ins through the journal, on a real file-backed store.

use repair::credential_store::{CredentialStore, FileCredentialStore};
use repair::{EntryState, Env, Journal, Outcome, RemoveCredential};

const TARGET: &str = "MicrosoftOffice16_Data:SSPI:ana@contoso.com";

fn setup() -> (tempfile::TempDir, FileCredentialStore, Journal) {
    let dir = tempfile::tempdir().expect("tempdir");
    let creds = dir.path().join("creds");
    std::fs::create_dir_all(&creds).expect("mkdir");
    let store = FileCredentialStore::new(&creds);
    store.add(TARGET, b"secret-1").expect("add");
    store
        .add("git:https://example.com", b"secret-2")
        .expect("add");
    let j = Journal::open(&dir.path().join("data")).expect("journal");
    (dir, store, j)
}

fn env(store: &mut FileCredentialStore) -> Env<'_> {
    Env {
        registry: None,
        credentials: Some(store),
        processes: None,
        control: None,
        lang: words::Lang::En,
    }
}

#[test]
fn removal_needs_consent_and_has_no_undo() {
    let (dir, mut store, mut j) = setup();
    let without = RemoveCredential {
        target: TARGET.to_owned(),
        consent: false,
    };
    let e = j
        .run(without.into(), &mut env(&mut store))
        .expect_err("consent");
    assert_eq!(e.code(), "consent_required");
    assert_eq!(store.list().expect("list").len(), 2);
    assert!(j.entries().is_empty());

    let with = RemoveCredential {
        target: TARGET.to_owned(),
        consent: true,
    };
    let preview = j
        .preview(&with.clone().into(), &mut env(&mut store))
        .expect("preview");
    assert!(preview.needs_consent && !preview.undoable);
    assert!(preview.undo.contains("cannot be undone"));
    let done = j.run(with.into(), &mut env(&mut store)).expect("removed");
    assert_eq!(done.state, EntryState::Applied);
    assert!(matches!(
        done.outcome,
        Some(Outcome::CredentialRemoved { existed: true, .. })
    ));
    assert_eq!(
        store.list().expect("list"),
        vec!["git:https://example.com".to_owned()]
    );
    assert_eq!(
        j.undo(&done.id, &mut env(&mut store))
            .expect_err("no undo")
            .code(),
        "not_undoable"
    );
    // The journal's record holds the name, never the secret.
    for sub in ["entries", "backups"] {
        for f in std::fs::read_dir(dir.path().join("data").join(sub))
            .expect("list")
            .flatten()
        {
            let text = std::fs::read(f.path()).expect("read");
            assert!(
                !text.windows(8).any(|w| w == b"secret-1"),
                "{}",
                f.path().display()
            );
        }
    }
}

#[test]
fn only_office_sign_ins_are_removed() {
    let (_dir, mut store, mut j) = setup();
    let other = RemoveCredential {
        target: "git:https://example.com".to_owned(),
        consent: true,
    };
    let e = j
        .run(other.into(), &mut env(&mut store))
        .expect_err("not office");
    assert_eq!(e.code(), "credential_not_office");
    assert_eq!(store.list().expect("list").len(), 2);
}

#[test]
fn without_a_credential_store_the_action_is_unsupported() {
    let (_dir, _store, mut j) = setup();
    let a = RemoveCredential {
        target: TARGET.to_owned(),
        consent: true,
    };
    let e = j.run(a.into(), &mut Env::default()).expect_err("no store");
    assert_eq!(e.code(), "unsupported_on_this_os");
}

#[test]
fn a_target_named_as_cmdkey_lists_it_matches_the_saved_one() {
    let (_dir, mut store, mut j) = setup();
    let a = RemoveCredential {
        target: format!("LegacyGeneric:target={}", TARGET.to_uppercase()),
        consent: true,
    };
    let done = j.run(a.into(), &mut env(&mut store)).expect("removed");
    assert!(matches!(
        done.outcome,
        Some(Outcome::CredentialRemoved { existed: true, .. })
    ));
    assert_eq!(
        store.list().expect("list"),
        vec!["git:https://example.com".to_owned()]
    );
}
