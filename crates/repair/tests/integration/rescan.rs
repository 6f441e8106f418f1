//! The loop scan -> act -> scan again over one registry crate: the `.reg` file the store
//! writes is an ordinary export, so a re-scan of demo mode's simulated PC sees the disabled
//! add-in and the removed profile, and the scan's add-ins feed the bisect.

use crate::common;

use repair::registry::RegFileStore;
use repair::{Env, Journal, RemoveProfile, SetAddin, from_scan};

fn scan_of(path: &std::path::Path) -> scan::ScanReport {
    let options = scan::ScanOptions {
        registry_files: vec![path.to_path_buf()],
        live: false,
        ..Default::default()
    };
    scan::run(&options, &mut |_| {})
}

#[test]
fn a_rescan_sees_the_changes_and_the_undo() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut store = RegFileStore::create(&dir.path().join("pc.reg"), &common::pc()).expect("store");
    let before = scan_of(store.path());
    let crm = |r: &scan::ScanReport| {
        r.addins
            .iter()
            .find(|a| a.prog_id == "Contoso.Crm")
            .and_then(|a| a.load_behavior)
    };
    assert_eq!(crm(&before), Some(3));
    assert_eq!(before.profiles.len(), 2, "{:?}", before.sources);
    let teams = before
        .addins
        .iter()
        .find(|a| a.prog_id == "TeamsAddin.FastConnect")
        .expect("teams add-in");
    assert!(teams.policy, "scan sees the policy too");

    let mut j = Journal::open(&dir.path().join("data")).expect("journal");
    let mut env = Env::with_registry(&mut store);
    let a = j
        .run(SetAddin::disable("Contoso.Crm").into(), &mut env)
        .expect("disable");
    let b = j
        .run(RemoveProfile::new("Outlook (2)").into(), &mut env)
        .expect("remove");
    let during = scan_of(store.path());
    assert_eq!(crm(&during), Some(0));
    assert_eq!(during.profiles.len(), 1);

    let mut env = Env::with_registry(&mut store);
    j.undo(&b.id, &mut env).expect("undo b");
    j.undo(&a.id, &mut env).expect("undo a");
    let after = scan_of(store.path());
    assert_eq!(crm(&after), Some(3));
    assert_eq!(after.profiles.len(), 2);

    // The scan's add-ins are the bisect's input: the policy-managed one stays out.
    let states = from_scan::addin_states(&after.addins);
    let b = repair::Bisect::start(&states, repair::RegistryLayout::default()).expect("start");
    assert!(b.candidates.contains(&"Contoso.Crm".to_owned()));
    assert!(!b.candidates.contains(&"TeamsAddin.FastConnect".to_owned()));
}
