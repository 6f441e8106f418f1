//! Every action acts on exactly what the scan saw, and undo never clobbers a later edit
//! (issue "Every action acts on exactly what the scan saw", items 3 and 4), on a `.reg`
//! file store: profiles are addressed by Office version and exact key name, undo checks
//! the key still holds what the change left, and several undos run newest first.

use registry::{RawValue, RegTree};
use repair::registry::{RegFileStore, RegistryWriter};
use repair::{EntryState, Env, Journal, RemoveProfile, SetAddin};

const OFFICE: &str = "HKEY_CURRENT_USER\\Software\\Microsoft\\Office";
const ADDIN: &str = "HKEY_CURRENT_USER\\Software\\Microsoft\\Office\\Outlook\\Addins\\Contoso.Crm";
const WMS: &str = "HKEY_CURRENT_USER\\Software\\Microsoft\\Windows NT\\CurrentVersion\\Windows Messaging Subsystem\\Profiles";

fn profiles(v: &str) -> String {
    format!("{OFFICE}\\{v}\\Outlook\\Profiles")
}

/// 16.0 and 15.0 both hold "Outlook", "Outlook " and " Outlook"; the old Windows Messaging
/// Subsystem key holds "Outlook" too. 16.0's default is "Outlook", 15.0's is "Outlook ".
fn tree() -> RegTree {
    let mut t = RegTree::new();
    for (v, default) in [("16.0", "Outlook"), ("15.0", "Outlook ")] {
        t.set_value(
            &format!("{OFFICE}\\{v}\\Outlook"),
            "DefaultProfile",
            RawValue::sz(default),
        );
        for name in ["Outlook", "Outlook ", " Outlook"] {
            let k = format!("{}\\{name}", profiles(v));
            t.set_value(&k, "Tag", RawValue::sz(&format!("{v}/{name}")));
            t.set_value(
                &format!("{k}\\9375CFF0413111d3B88A00104B2A6676\\ 00000002 "),
                "Account Name",
                RawValue::sz("ana@contoso.com"),
            );
        }
    }
    t.set_value(&format!("{WMS}\\Outlook"), "Tag", RawValue::sz("wms"));
    t.set_value(ADDIN, "LoadBehavior", RawValue::dword(3));
    t
}

fn setup() -> (tempfile::TempDir, RegFileStore, Journal) {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = RegFileStore::create(&dir.path().join("pc.reg"), &tree()).expect("store");
    let journal = Journal::open(&dir.path().join("data")).expect("journal");
    (dir, store, journal)
}

fn remove(v: &str, name: &str) -> RemoveProfile {
    let mut r = RemoveProfile::new(name);
    r.version = v.to_owned();
    r
}

fn names(store: &RegFileStore, v: &str) -> Vec<String> {
    let mut n = store
        .subkeys(&profiles(v))
        .expect("read")
        .unwrap_or_default();
    n.sort();
    n
}

#[test]
fn a_profile_is_the_exact_key_of_its_version_and_the_default_guard_is_per_version() {
    let (_dir, mut store, mut journal) = setup();
    let all = vec![
        " Outlook".to_owned(),
        "Outlook".to_owned(),
        "Outlook ".to_owned(),
    ];
    // 16.0's default is "Outlook": "Outlook " (trailing space) is another key and goes.
    let mut env = Env::with_registry(&mut store);
    let done = journal
        .run(remove("16.0", "Outlook ").into(), &mut env)
        .expect("16.0 'Outlook ' is not the default");
    assert_eq!(
        names(&store, "16.0"),
        vec![" Outlook".to_owned(), "Outlook".to_owned()]
    );
    assert_eq!(names(&store, "15.0"), all, "15.0 untouched");
    let mut env = Env::with_registry(&mut store);
    // The default of 16.0 is refused, in any letter case (one key to Windows)...
    for name in ["Outlook", "OUTLOOK"] {
        let err = journal
            .run(remove("16.0", name).into(), &mut env)
            .expect_err("16.0's default");
        assert_eq!(err.code(), "profile_is_default", "{name:?}");
    }
    // ...but 15.0's default is "Outlook ", so 15.0's "Outlook" may go and its "Outlook " not.
    assert_eq!(
        journal
            .run(remove("15.0", "Outlook ").into(), &mut env)
            .expect_err("15.0's default")
            .code(),
        "profile_is_default"
    );
    journal
        .run(remove("15.0", "Outlook").into(), &mut env)
        .expect("15.0 'Outlook' is not 15.0's default");
    assert_eq!(
        names(&store, "15.0"),
        vec![" Outlook".to_owned(), "Outlook ".to_owned()]
    );
    assert_eq!(
        names(&store, "16.0"),
        vec![" Outlook".to_owned(), "Outlook".to_owned()],
        "removing 15.0's Outlook left 16.0's alone"
    );
    // The backup held every subkey, spaces included: undo brings the whole key back.
    let mut env = Env::with_registry(&mut store);
    journal.undo(&done.id, &mut env).expect("undo");
    assert_eq!(names(&store, "16.0"), all);
    let k = format!(
        "{}\\Outlook \\9375CFF0413111d3B88A00104B2A6676\\ 00000002 ",
        profiles("16.0")
    );
    assert_eq!(
        store.value(&k, "Account Name").expect("read"),
        Some(RawValue::sz("ana@contoso.com"))
    );
}

#[test]
fn windows_messaging_subsystem_and_unknown_versions_are_refused_not_taken_for_16() {
    let (dir, mut store, mut journal) = setup();
    let before = std::fs::read(dir.path().join("pc.reg")).expect("read");
    let mut env = Env::with_registry(&mut store);
    for v in ["windows_messaging_subsystem", "14.0", "16", " 16.0", ""] {
        let err = journal
            .run(remove(v, "Outlook").into(), &mut env)
            .expect_err("refused");
        assert!(
            matches!(
                err.code().as_str(),
                "profile_version_unsupported" | "registry_error"
            ),
            "{v:?}: {err}"
        );
    }
    let wms = journal
        .preview(
            &remove("windows_messaging_subsystem", "Outlook").into(),
            &mut env,
        )
        .expect_err("refused");
    assert!(
        wms.to_string().contains("Windows Messaging Subsystem"),
        "{wms}"
    );
    assert!(journal.entries().is_empty(), "nothing journaled");
    assert_eq!(
        std::fs::read(dir.path().join("pc.reg")).expect("read"),
        before,
        "nothing changed"
    );
}

fn load_behavior(store: &RegFileStore) -> Option<u32> {
    store
        .value(ADDIN, "LoadBehavior")
        .expect("read")
        .and_then(|v| v.as_u32())
}

#[test]
fn undo_refuses_to_overwrite_a_later_edit_and_names_it_then_goes_ahead_when_confirmed() {
    let (_dir, mut store, mut journal) = setup();
    let mut env = Env::with_registry(&mut store);
    let done = journal
        .run(SetAddin::disable("Contoso.Crm").into(), &mut env)
        .expect("disable");
    assert!(
        journal
            .entry(&done.id)
            .and_then(|e| e.after.as_ref())
            .is_some(),
        "the state after the change is recorded"
    );
    // Someone (Outlook, an admin, the user in regedit) sets it to 9 afterwards.
    store
        .set_value(ADDIN, "LoadBehavior", &RawValue::dword(9))
        .expect("edit");
    store
        .set_value(ADDIN, "Note", &RawValue::sz("added later"))
        .expect("edit");
    let mut env = Env::with_registry(&mut store);
    let err = journal.undo(&done.id, &mut env).expect_err("conflict");
    assert_eq!(err.code(), "undo_conflict");
    let text = err.to_string();
    assert!(text.contains("Contoso.Crm"), "{text}");
    assert!(text.contains("\"LoadBehavior\" was changed"), "{text}");
    assert!(text.contains("\"Note\" was added"), "{text}");
    assert_eq!(load_behavior(&store), Some(9), "nothing was undone");
    assert_eq!(
        journal.entry(&done.id).map(|e| e.state),
        Some(EntryState::Applied)
    );
    // Confirmed: the backup wins.
    let mut env = Env::with_registry(&mut store);
    let undone = journal.undo_with(&done.id, &mut env, true).expect("forced");
    assert_eq!(undone.state, EntryState::Undone);
    assert_eq!(load_behavior(&store), Some(3));
    assert_eq!(store.value(ADDIN, "Note").expect("read"), None);
}

#[test]
fn an_untouched_key_undoes_without_confirmation_and_a_recreated_profile_is_a_conflict() {
    let (_dir, mut store, mut journal) = setup();
    let mut env = Env::with_registry(&mut store);
    let gone = journal
        .run(remove("16.0", " Outlook").into(), &mut env)
        .expect("remove");
    // Outlook re-created a profile of that name meanwhile: undo must not merge over it.
    let k = format!("{}\\ Outlook", profiles("16.0"));
    store
        .set_value(&k, "Tag", &RawValue::sz("new"))
        .expect("recreate");
    let mut env = Env::with_registry(&mut store);
    let err = journal.undo(&gone.id, &mut env).expect_err("conflict");
    assert_eq!(err.code(), "undo_conflict");
    assert!(err.to_string().contains("was added"), "{err}");
    // Put back the state the removal left: now undo needs no confirmation.
    store.replace_tree(&k, None).expect("delete");
    let mut env = Env::with_registry(&mut store);
    journal.undo(&gone.id, &mut env).expect("undo");
    assert_eq!(
        store.value(&k, "Tag").expect("read"),
        Some(RawValue::sz("16.0/ Outlook"))
    );
}

#[test]
fn undo_many_takes_the_changes_back_newest_first() {
    let (_dir, mut store, mut journal) = setup();
    let mut env = Env::with_registry(&mut store);
    // 3 -> 0 -> 16 -> 9 on one key: only newest-first undo passes every check.
    let a = journal
        .run(SetAddin::disable("Contoso.Crm").into(), &mut env)
        .expect("a");
    let mut on16 = SetAddin::enable("Contoso.Crm");
    on16.load_behavior = Some(16);
    let b = journal.run(on16.into(), &mut env).expect("b");
    let mut on9 = SetAddin::enable("Contoso.Crm");
    on9.load_behavior = Some(9);
    let c = journal.run(on9.into(), &mut env).expect("c");
    assert_eq!(load_behavior(&store), Some(9));
    let mut env = Env::with_registry(&mut store);
    // Given oldest first, and one twice.
    let done = journal
        .undo_many(&[&a.id, &b.id, &c.id, &a.id], &mut env, false)
        .expect("undo all three");
    let order: Vec<&str> = done.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(order, vec![c.id.as_str(), b.id.as_str(), a.id.as_str()]);
    assert!(done.iter().all(|e| e.state == EntryState::Undone));
    assert_eq!(load_behavior(&store), Some(3), "back to before the first");
    // The journal's own record agrees: c was undone first, a last.
    let undone_at = |id: &str| {
        journal
            .entry(id)
            .and_then(|e| {
                e.history
                    .iter()
                    .rev()
                    .find(|h| h.state == EntryState::Undone)
            })
            .map(|h| h.at_ms)
            .expect("undone")
    };
    assert!(undone_at(&c.id) <= undone_at(&b.id) && undone_at(&b.id) <= undone_at(&a.id));
    // An unknown id is refused before anything is undone.
    let mut env = Env::with_registry(&mut store);
    let d = journal
        .run(SetAddin::disable("Contoso.Crm").into(), &mut env)
        .expect("d");
    let err = journal
        .undo_many(&[&d.id, "no-such-entry"], &mut env, false)
        .expect_err("unknown id");
    assert_eq!(err.code(), "journal_entry_not_found");
    assert_eq!(load_behavior(&store), Some(0), "d was not undone");
}
