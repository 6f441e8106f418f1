//! The same actions on the real Windows registry (run under Wine on Linux:
//! `scripts/wine-test.sh -p session-doctor-repair`). Every key lives under
//! `HKCU\Software\SessionDoctorTest\<unique>`, created by the test and deleted after it;
//! `reg export` of that subtree before the change and after the undo must be identical.
#![cfg(windows)]

use std::path::Path;
use std::process::Command;

use registry::{RawValue, RegTree};
use repair::registry::{LiveRegistry, RegistryWriter};
use repair::{Env, Journal, RegistryLayout, RemoveProfile, SetAddin};

/// The scratch key; deleted (with everything below) on drop.
struct Scratch {
    root: String,
}

impl Scratch {
    fn new(tag: &str) -> Scratch {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        Scratch {
            root: format!(
                "HKEY_CURRENT_USER\\Software\\SessionDoctorTest\\{tag}-{}-{nanos}",
                std::process::id()
            ),
        }
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = LiveRegistry::new().replace_tree(&self.root, None);
        // The shared parent goes too when no other test uses it (reg refuses nothing here,
        // so check for children first).
        let parent = "HKEY_CURRENT_USER\\Software\\SessionDoctorTest";
        if LiveRegistry::new()
            .subkeys(parent)
            .ok()
            .flatten()
            .is_some_and(|k| k.is_empty())
        {
            let _ = LiveRegistry::new().replace_tree(parent, None);
        }
    }
}

/// Runs reg.exe. Retried a few times: under Wine the first start of a tool right after the
/// prefix comes up sometimes fails although the operation is valid. `query` of a missing key
/// is a wanted failure, so callers that expect failure pass `once`.
fn reg_status(args: &[&str], attempts: u32) -> bool {
    for i in 0..attempts {
        let ok = Command::new("reg")
            .args(args)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if ok {
            return true;
        }
        if i + 1 < attempts {
            std::thread::sleep(std::time::Duration::from_millis(300));
        }
    }
    false
}

fn reg(args: &[&str]) -> bool {
    reg_status(args, 3)
}

/// `reg export KEY FILE /y` and the file's bytes.
fn reg_export(key: &str, dir: &Path, name: &str) -> Vec<u8> {
    let file = dir.join(name);
    assert!(
        reg(&["export", key, file.to_str().expect("path"), "/y"]),
        "reg export {key}"
    );
    std::fs::read(&file).expect("read export")
}

/// Fills the scratch key: a profile tree through our importer and add-ins with `reg add`
/// (an independent writer), and a policy for one add-in.
fn seed(s: &Scratch) -> RegistryLayout {
    let layout = RegistryLayout::under(&s.root);
    let mut live = LiveRegistry::new();
    let mut tree = RegTree::new();
    let outlook = layout.outlook_key("16.0");
    for p in ["Main", "Main (2)"] {
        let k = layout.profile_key("16.0", p);
        tree.touch_key(&k);
        let acct = format!("{k}\\9375CFF0413111d3B88A00104B2A6676\\00000002");
        let mut email: Vec<u8> = "ana@contoso.com"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        email.extend([0, 0]);
        tree.set_value(
            &acct,
            "Email",
            RawValue {
                kind: 3,
                bytes: email,
            },
        );
        tree.set_value(
            &acct,
            "clsid",
            RawValue::sz("{ED475414-B0D6-11D2-8C3B-00104B2A6676}"),
        );
        tree.set_value(
            &format!("{k}\\blob"),
            "0102663d",
            RawValue {
                kind: 3,
                bytes: (0..=255).collect(),
            },
        );
        tree.set_value(
            &format!("{k}\\blob"),
            "multi",
            RawValue {
                kind: 7,
                bytes: b"a\0\0\0b\0\0\0\0\0".to_vec(),
            },
        );
        tree.set_value(
            &format!("{k}\\blob"),
            "q",
            RawValue {
                kind: 11,
                bytes: vec![1, 2, 3, 4, 5, 6, 7, 8],
            },
        );
        tree.touch_key(&format!("{k}\\Empty"));
    }
    live.replace_tree(&layout.office_root, Some(&tree))
        .expect("seed profiles");
    assert!(reg(&[
        "add",
        &outlook,
        "/v",
        "DefaultProfile",
        "/t",
        "REG_SZ",
        "/d",
        "Main",
        "/f"
    ]));
    let crm = layout.addin_key("Contoso.Crm");
    assert!(reg(&[
        "add",
        &crm,
        "/v",
        "FriendlyName",
        "/t",
        "REG_SZ",
        "/d",
        "Contoso CRM",
        "/f"
    ]));
    assert!(reg(&[
        "add",
        &crm,
        "/v",
        "LoadBehavior",
        "/t",
        "REG_DWORD",
        "/d",
        "3",
        "/f"
    ]));
    let nolb = layout.addin_key("NoLb.Addin");
    assert!(reg(&[
        "add",
        &nolb,
        "/v",
        "FriendlyName",
        "/t",
        "REG_SZ",
        "/d",
        "No LB",
        "/f"
    ]));
    let policy = format!(
        "{}\\16.0\\Outlook\\Resiliency\\AddinList",
        layout.policy_roots[0]
    );
    assert!(reg(&[
        "add",
        &policy,
        "/v",
        "Contoso.Crm2",
        "/t",
        "REG_SZ",
        "/d",
        "1",
        "/f"
    ]));
    let crm2 = layout.addin_key("Contoso.Crm2");
    assert!(reg(&[
        "add",
        &crm2,
        "/v",
        "LoadBehavior",
        "/t",
        "REG_DWORD",
        "/d",
        "3",
        "/f"
    ]));
    layout
}

#[test]
fn addin_disable_and_enable_undo_to_an_identical_reg_export() {
    let s = Scratch::new("addin");
    let layout = seed(&s);
    let tmp = tempfile::tempdir().expect("tempdir");
    let before = reg_export(&s.root, tmp.path(), "before.reg");
    let mut live = LiveRegistry::new();
    let mut j = Journal::open(&tmp.path().join("data")).expect("journal");

    let off = j
        .run(
            SetAddin::disable("Contoso.Crm")
                .with_layout(layout.clone())
                .into(),
            &mut Env::with_registry(&mut live),
        )
        .expect("disable");
    assert_eq!(
        live.value(&layout.addin_key("Contoso.Crm"), "LoadBehavior")
            .expect("read"),
        Some(RawValue::dword(0))
    );
    let on = j
        .run(
            SetAddin::enable("NoLb.Addin")
                .with_layout(layout.clone())
                .into(),
            &mut Env::with_registry(&mut live),
        )
        .expect("enable");
    assert_eq!(
        live.value(&layout.addin_key("NoLb.Addin"), "LoadBehavior")
            .expect("read"),
        Some(RawValue::dword(3))
    );
    assert_ne!(reg_export(&s.root, tmp.path(), "during.reg"), before);
    j.undo(&on.id, &mut Env::with_registry(&mut live))
        .expect("undo enable");
    j.undo(&off.id, &mut Env::with_registry(&mut live))
        .expect("undo disable");
    assert_eq!(reg_export(&s.root, tmp.path(), "after.reg"), before);
}

#[test]
fn a_policy_managed_addin_is_refused_on_the_live_registry() {
    let s = Scratch::new("policy");
    let layout = seed(&s);
    let tmp = tempfile::tempdir().expect("tempdir");
    let before = reg_export(&s.root, tmp.path(), "before.reg");
    let mut live = LiveRegistry::new();
    let mut j = Journal::open(&tmp.path().join("data")).expect("journal");
    let e = j
        .run(
            SetAddin::disable("Contoso.Crm2").with_layout(layout).into(),
            &mut Env::with_registry(&mut live),
        )
        .expect_err("policy");
    assert_eq!(e.code(), "addin_policy_managed");
    assert_eq!(reg_export(&s.root, tmp.path(), "after.reg"), before);
}

#[test]
fn profile_removal_undo_reimports_to_an_identical_reg_export() {
    let s = Scratch::new("profile");
    let layout = seed(&s);
    let tmp = tempfile::tempdir().expect("tempdir");
    let before = reg_export(&s.root, tmp.path(), "before.reg");
    let mut live = LiveRegistry::new();
    let mut j = Journal::open(&tmp.path().join("data")).expect("journal");
    let key = layout.profile_key("16.0", "Main (2)");
    let done = j
        .run(
            RemoveProfile::new("Main (2)")
                .with_layout(layout.clone())
                .into(),
            &mut Env::with_registry(&mut live),
        )
        .expect("remove");
    assert!(!reg_status(&["query", &key], 1), "the profile is gone");
    assert!(live.values(&key).expect("read").is_none());
    let e = j
        .run(
            RemoveProfile::new("Main").with_layout(layout).into(),
            &mut Env::with_registry(&mut live),
        )
        .expect_err("default");
    assert_eq!(e.code(), "profile_is_default");
    j.undo(&done.id, &mut Env::with_registry(&mut live))
        .expect("undo");
    assert_eq!(reg_export(&s.root, tmp.path(), "after.reg"), before);
}

#[test]
fn our_writer_reproduces_reg_export_byte_for_byte() {
    let s = Scratch::new("format");
    seed(&s);
    let tmp = tempfile::tempdir().expect("tempdir");
    let exported = reg_export(&s.root, tmp.path(), "x.reg");
    let tree = RegTree::parse_strict(&exported, "reg export").expect("parses");
    let ours = LiveRegistry::new()
        .export_tree(&s.root)
        .expect("read")
        .expect("exists");
    assert_eq!(tree, ours, "API walk and reg export agree");
    assert_eq!(ours.to_reg_bytes(), exported, "same bytes as reg export");
}

#[test]
fn machine_wide_keys_are_never_written() {
    let mut live = LiveRegistry::new();
    let e = live
        .set_value(
            "HKLM\\Software\\SessionDoctorTest",
            "x",
            &RawValue::dword(1),
        )
        .expect_err("refused");
    assert_eq!(e.code(), "registry_not_current_user");
    assert!(
        live.values("HKLM\\Software\\SessionDoctorTest")
            .expect("read")
            .is_none()
    );
}

/// Profiles whose names (and subkeys' names) start or end with spaces, created with `reg add`
/// (an independent writer): the backup holds every subkey and value, the default guard
/// compares the exact name, and undo gives back an identical `reg export`.
#[test]
fn profiles_with_leading_and_trailing_spaces_are_backed_up_whole_and_come_back() {
    let s = Scratch::new("spaces");
    let layout = RegistryLayout::under(&s.root);
    let outlook = layout.outlook_key("16.0");
    assert!(reg(&[
        "add",
        &outlook,
        "/v",
        "DefaultProfile",
        "/t",
        "REG_SZ",
        "/d",
        "Outlook",
        "/f"
    ]));
    for name in ["Outlook", "Outlook ", " Outlook", "Outlook  "] {
        let k = layout.profile_key("16.0", name);
        let acct = format!("{k}\\9375CFF0413111d3B88A00104B2A6676\\ 00000002 ");
        assert!(reg(&[
            "add",
            &acct,
            "/v",
            "Account Name",
            "/t",
            "REG_SZ",
            "/d",
            &format!("[{name}]"),
            "/f"
        ]));
        assert!(reg(&[
            "add",
            &k,
            "/v",
            " spaced ",
            "/t",
            "REG_DWORD",
            "/d",
            "7",
            "/f"
        ]));
    }
    let mut live = LiveRegistry::new();
    let mut names = live
        .subkeys(&format!("{outlook}\\Profiles"))
        .expect("read")
        .expect("exists");
    names.sort();
    assert_eq!(names, vec![" Outlook", "Outlook", "Outlook ", "Outlook  "]);
    let tmp = tempfile::tempdir().expect("tempdir");
    let before = reg_export(&s.root, tmp.path(), "before.reg");
    let mut j = Journal::open(&tmp.path().join("data")).expect("journal");
    let mut done = Vec::new();
    for name in ["Outlook ", " Outlook", "Outlook  "] {
        let remove = RemoveProfile::new(name).with_layout(layout.clone());
        let d = j
            .run(remove.into(), &mut Env::with_registry(&mut live))
            .expect("not the default: another key");
        // The backup holds the profile's subkey with spaces and both values.
        let backup = j
            .entry(&d.id)
            .expect("entry")
            .backup_file
            .clone()
            .expect("file");
        let tree = RegTree::parse_strict(
            &std::fs::read(j.backup_dir().join(backup)).expect("backup"),
            "backup",
        )
        .expect("parses");
        let k = layout.profile_key("16.0", name);
        assert_eq!(
            tree.value(&k, " spaced "),
            Some(RawValue::dword(7)),
            "{name:?}"
        );
        assert_eq!(
            tree.value(
                &format!("{k}\\9375CFF0413111d3B88A00104B2A6676\\ 00000002 "),
                "Account Name"
            ),
            Some(RawValue::sz(&format!("[{name}]"))),
            "{name:?}"
        );
        assert!(live.values(&k).expect("read").is_none(), "{name:?} gone");
        done.push(d.id);
    }
    // Only "Outlook" (the default) is left, and it is refused.
    let mut left = live
        .subkeys(&format!("{outlook}\\Profiles"))
        .expect("read")
        .expect("exists");
    left.sort();
    assert_eq!(left, vec!["Outlook"]);
    let e = j
        .run(
            RemoveProfile::new("Outlook")
                .with_layout(layout.clone())
                .into(),
            &mut Env::with_registry(&mut live),
        )
        .expect_err("default");
    assert_eq!(e.code(), "profile_is_default");
    let ids: Vec<&str> = done.iter().map(String::as_str).collect();
    j.undo_many(&ids, &mut Env::with_registry(&mut live), false)
        .expect("undo all");
    assert_eq!(reg_export(&s.root, tmp.path(), "after.reg"), before);
}

/// Undo on the live registry refuses to overwrite a value changed by another writer
/// (`reg add`), naming it, and restores with confirmation.
#[test]
fn undo_on_the_live_registry_refuses_a_later_edit_until_confirmed() {
    let s = Scratch::new("conflict");
    let layout = seed(&s);
    let tmp = tempfile::tempdir().expect("tempdir");
    let before = reg_export(&s.root, tmp.path(), "before.reg");
    let mut live = LiveRegistry::new();
    let mut j = Journal::open(&tmp.path().join("data")).expect("journal");
    let prog_id = "Contoso.Crm";
    let key = layout.addin_key(prog_id);
    assert!(live.values(&key).expect("read").is_some(), "seeded");
    let done = j
        .run(
            SetAddin::disable(prog_id)
                .with_layout(layout.clone())
                .into(),
            &mut Env::with_registry(&mut live),
        )
        .expect("disable");
    assert!(reg(&[
        "add",
        &key,
        "/v",
        "LoadBehavior",
        "/t",
        "REG_DWORD",
        "/d",
        "9",
        "/f"
    ]));
    let err = j
        .undo(&done.id, &mut Env::with_registry(&mut live))
        .expect_err("conflict");
    assert_eq!(err.code(), "undo_conflict");
    assert!(
        err.to_string().contains("\"LoadBehavior\" was changed"),
        "{err}"
    );
    j.undo_with(&done.id, &mut Env::with_registry(&mut live), true)
        .expect("forced");
    assert_eq!(reg_export(&s.root, tmp.path(), "after.reg"), before);
}
