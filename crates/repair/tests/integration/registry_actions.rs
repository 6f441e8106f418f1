//! Add-in disable/enable and profile removal through the journal, on a real `.reg` file
//! (the simulated PC of demo mode): the file after undo is byte-identical to before.

use crate::common;

use std::path::Path;

use registry::RawValue;
use repair::registry::{RegFileStore, RegistryWriter};
use repair::{EntryState, Env, Journal, RegistryLayout, RemoveProfile, SetAddin};

const ADDINS: &str = "HKEY_CURRENT_USER\\Software\\Microsoft\\Office\\Outlook\\Addins";

fn setup() -> (tempfile::TempDir, RegFileStore, Journal) {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = RegFileStore::create(&dir.path().join("pc.reg"), &common::pc()).expect("store");
    let journal = Journal::open(&dir.path().join("data")).expect("journal");
    (dir, store, journal)
}

fn bytes(p: &Path) -> Vec<u8> {
    std::fs::read(p).expect("read")
}

#[test]
fn disable_then_undo_restores_the_file_byte_for_byte() {
    let (_dir, mut store, mut journal) = setup();
    let before = bytes(store.path());
    let mut env = Env::with_registry(&mut store);
    let preview = journal
        .preview(&SetAddin::disable("Contoso.Crm").into(), &mut env)
        .expect("preview");
    assert!(
        preview.text().contains("3 (loads at startup) -> 0 (off)"),
        "{}",
        preview.text()
    );
    assert!(preview.undoable);

    let done = journal
        .run(SetAddin::disable("Contoso.Crm").into(), &mut env)
        .expect("disable");
    assert_eq!(done.state, EntryState::Applied);
    assert!(done.can_undo);
    let now = env
        .registry
        .as_deref()
        .map(|r| r.value(&format!("{ADDINS}\\Contoso.Crm"), "LoadBehavior"));
    assert!(matches!(now, Some(Ok(Some(v))) if v == RawValue::dword(0)));
    // The backup is the key's export, in the journal's backup folder.
    let backup = std::fs::read_to_string(
        journal
            .backup_dir()
            .join(format!("{}.reg", done.id))
            .as_path(),
    )
    .err();
    assert!(backup.is_some(), "UTF-16 export is not UTF-8 text");
    assert_eq!(journal.undoable().len(), 1);

    let undone = journal.undo(&done.id, &mut env).expect("undo");
    assert_eq!(undone.state, EntryState::Undone);
    assert_eq!(bytes(store.path()), before);
    assert!(journal.undoable().is_empty());
    // A second undo is refused with a typed error, not applied twice.
    let mut env = Env::with_registry(&mut store);
    assert_eq!(
        journal.undo(&done.id, &mut env).expect_err("twice").code(),
        "journal_wrong_state"
    );
}

#[test]
fn enabling_an_addin_without_load_behavior_and_undo_removes_the_value_again() {
    let (_dir, mut store, mut journal) = setup();
    let before = bytes(store.path());
    let mut env = Env::with_registry(&mut store);
    let done = journal
        .run(SetAddin::enable("NoLb.Addin").into(), &mut env)
        .expect("enable");
    let now = store
        .value(&format!("{ADDINS}\\NoLb.Addin"), "LoadBehavior")
        .expect("read");
    assert_eq!(now, Some(RawValue::dword(3)));
    assert_ne!(bytes(store.path()), before);
    let mut env = Env::with_registry(&mut store);
    journal.undo(&done.id, &mut env).expect("undo");
    assert_eq!(
        bytes(store.path()),
        before,
        "value absent again, key as before"
    );
}

#[test]
fn a_machine_wide_addin_gets_an_hkcu_key_that_undo_deletes() {
    let (_dir, mut store, mut journal) = setup();
    let before = bytes(store.path());
    let mut env = Env::with_registry(&mut store);
    let done = journal
        .run(SetAddin::disable("Machine.Only").into(), &mut env)
        .expect("disable");
    assert!(
        store
            .values(&format!("{ADDINS}\\Machine.Only"))
            .expect("read")
            .is_some()
    );
    // The machine-wide key is never touched.
    assert_eq!(
        store
            .value(
                "HKLM\\Software\\Microsoft\\Office\\Outlook\\Addins\\Machine.Only",
                "LoadBehavior"
            )
            .expect("read"),
        Some(RawValue::dword(3))
    );
    let mut env = Env::with_registry(&mut store);
    journal.undo(&done.id, &mut env).expect("undo");
    assert_eq!(bytes(store.path()), before);
}

#[test]
fn policy_managed_addins_are_refused_with_the_reason_and_nothing_is_journaled() {
    let (_dir, mut store, mut journal) = setup();
    let before = bytes(store.path());
    let mut env = Env::with_registry(&mut store);
    let err = journal
        .run(SetAddin::disable("teamsaddin.fastconnect").into(), &mut env)
        .expect_err("refused");
    assert_eq!(err.code(), "addin_policy_managed");
    assert!(err.to_string().contains("AddinList"), "{err}");
    assert!(err.to_string().contains("always on"), "{err}");
    assert!(!err.hint(words::Lang::En).is_empty());
    assert_eq!(bytes(store.path()), before);
    assert!(journal.entries().is_empty());
}

#[test]
fn bad_addin_names_are_refused() {
    let (_dir, mut store, mut journal) = setup();
    let mut env = Env::with_registry(&mut store);
    for bad in ["", "..\\..\\Policies", "a\\b"] {
        assert!(
            journal
                .run(SetAddin::disable(bad).into(), &mut env)
                .is_err(),
            "{bad}"
        );
    }
    assert!(journal.entries().is_empty());
}

#[test]
fn removing_a_duplicate_profile_exports_it_and_undo_reimports_it_exactly() {
    let (_dir, mut store, mut journal) = setup();
    let before = bytes(store.path());
    let profile = "HKCU\\Software\\Microsoft\\Office\\16.0\\Outlook\\Profiles\\Outlook (2)";
    let mut env = Env::with_registry(&mut store);
    let preview = journal
        .preview(&RemoveProfile::new("Outlook (2)").into(), &mut env)
        .expect("preview");
    assert!(preview.text().contains("Outlook (2)"));
    let done = journal
        .run(RemoveProfile::new("Outlook (2)").into(), &mut env)
        .expect("remove");
    assert!(store.values(profile).expect("read").is_none());
    assert!(
        store
            .values("HKCU\\Software\\Microsoft\\Office\\16.0\\Outlook\\Profiles\\Outlook")
            .expect("read")
            .is_some()
    );
    // The backup is a complete .reg export of the subtree.
    let backup =
        std::fs::read(journal.backup_dir().join(format!("{}.reg", done.id))).expect("backup");
    let tree = registry::RegTree::parse_strict(&backup, "backup").expect("a .reg export");
    assert_eq!(tree.key_count(), 4, "{:?}", tree.paths());

    let mut env = Env::with_registry(&mut store);
    journal.undo(&done.id, &mut env).expect("undo");
    assert_eq!(bytes(store.path()), before);
}

#[test]
fn the_default_profile_and_a_missing_profile_are_refused() {
    let (_dir, mut store, mut journal) = setup();
    let before = bytes(store.path());
    let mut env = Env::with_registry(&mut store);
    let e = journal
        .run(RemoveProfile::new("outlook").into(), &mut env)
        .expect_err("default");
    assert_eq!(e.code(), "profile_is_default");
    let e = journal
        .run(RemoveProfile::new("Nope").into(), &mut env)
        .expect_err("missing");
    assert_eq!(e.code(), "profile_missing");
    assert_eq!(bytes(store.path()), before);
}

#[test]
fn the_journal_survives_a_restart_and_undo_works_from_disk() {
    let (dir, mut store, mut journal) = setup();
    let before = bytes(store.path());
    let mut env = Env::with_registry(&mut store);
    let a = journal
        .run(SetAddin::disable("Contoso.Crm").into(), &mut env)
        .expect("a");
    let b = journal
        .run(RemoveProfile::new("Outlook (2)").into(), &mut env)
        .expect("b");
    drop(journal);
    let mut journal = Journal::open(&dir.path().join("data")).expect("reopen");
    assert!(journal.interrupted().is_empty());
    let ids: Vec<String> = journal.undoable().into_iter().map(|e| e.id).collect();
    assert_eq!(ids, vec![b.id.clone(), a.id.clone()], "newest first");
    let mut env = Env::with_registry(&mut store);
    for id in ids {
        journal.undo(&id, &mut env).expect("undo");
    }
    assert_eq!(bytes(store.path()), before);
}

#[cfg(unix)]
#[test]
fn journal_files_are_private() {
    use std::os::unix::fs::PermissionsExt;
    let (dir, mut store, mut journal) = setup();
    let mut env = Env::with_registry(&mut store);
    let done = journal
        .run(SetAddin::disable("Contoso.Crm").into(), &mut env)
        .expect("disable");
    let data = dir.path().join("data");
    for p in [
        data.join("entries").join(format!("{}.json", done.id)),
        data.join("backups").join(format!("{}.reg", done.id)),
    ] {
        let mode = std::fs::metadata(&p).expect("meta").permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "{}", p.display());
    }
}

#[test]
fn a_layout_under_a_scratch_key_keeps_away_from_real_settings() {
    let dir = tempfile::tempdir().expect("tempdir");
    let layout = RegistryLayout::under("HKCU\\Software\\SessionDoctorTest\\x1");
    let mut tree = registry::RegTree::new();
    common::with_addins(&mut tree, &layout.office_root, &["A".to_owned()]);
    let mut store = RegFileStore::create(&dir.path().join("pc.reg"), &tree).expect("store");
    let mut journal = Journal::open(&dir.path().join("data")).expect("journal");
    let mut env = Env::with_registry(&mut store);
    journal
        .run(
            SetAddin::disable("A").with_layout(layout.clone()).into(),
            &mut env,
        )
        .expect("disable");
    assert_eq!(
        store
            .value(&layout.addin_key("A"), "LoadBehavior")
            .expect("read"),
        Some(RawValue::dword(0))
    );
}

#[test]
fn a_damaged_entry_is_reported_and_does_not_block_the_journal() {
    let (dir, mut store, mut journal) = setup();
    let done = journal
        .run(
            SetAddin::disable("Contoso.Crm").into(),
            &mut Env::with_registry(&mut store),
        )
        .expect("disable");
    let entries = dir.path().join("data").join("entries");
    std::fs::write(entries.join("0000000000000-bad.json"), b"{ half an entry").expect("write");
    let mut journal = Journal::open(&dir.path().join("data")).expect("opens anyway");
    assert_eq!(journal.problems().len(), 1, "{:?}", journal.problems());
    assert!(journal.problems()[0].contains("damaged"));
    assert_eq!(journal.entries().len(), 1);
    journal
        .undo(&done.id, &mut Env::with_registry(&mut store))
        .expect("undo still works");
    assert_eq!(
        journal
            .undo("no-such-id", &mut Env::with_registry(&mut store))
            .expect_err("unknown")
            .code(),
        "journal_entry_not_found"
    );
    assert_eq!(
        journal
            .finish(&done.id, &mut Env::with_registry(&mut store))
            .expect_err("not interrupted")
            .code(),
        "journal_wrong_state"
    );
}

#[test]
fn restart_starts_only_outlook() {
    let (_dir, _store, mut journal) = setup();
    let spec = repair::RestartOutlook {
        pid: None,
        exe: Some(
            if cfg!(windows) {
                "C:\\Windows\\system32\\cmd.exe"
            } else {
                "/bin/sh"
            }
            .to_owned(),
        ),
        ..repair::RestartOutlook::running(0, "outlook", repair::RestartMode::Safe)
    };
    let e = journal
        .run(spec.into(), &mut Env::default())
        .expect_err("refused");
    assert_eq!(e.code(), "start_failed");
    assert!(e.to_string().contains("only Outlook"), "{e}");
}
