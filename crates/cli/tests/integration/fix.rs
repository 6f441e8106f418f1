//! `session-doctor-cli fix` on a copy of a `.reg` export, each step in a new process as a
//! script runs it: list, run without and with --yes, journal, undo (byte for byte).

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

const OUTLOOK: &str = "HKEY_CURRENT_USER\\Software\\Microsoft\\Office\\16.0\\Outlook";
const ADDINS: &str = "HKEY_CURRENT_USER\\Software\\Microsoft\\Office\\Outlook\\Addins";
const ACCOUNTS: &str = "9375CFF0413111d3B88A00104B2A6676";
const EXCHANGE: &str = "{ED475414-B0D6-11D2-8C3B-00104B2A6676}";

/// An HKCU export as `reg export` writes it (UTF-16LE with BOM, CRLF, a blank line before
/// each key, keys in registry order): the default profile "Outlook", its duplicate
/// "Outlook " (trailing space, same mailbox) and an enabled add-in of the user's.
fn export_bytes() -> Vec<u8> {
    let account = |profile: &str, n: &str| {
        format!(
            "\r\n[{OUTLOOK}\\Profiles\\{profile}]\r\n\
             \r\n[{OUTLOOK}\\Profiles\\{profile}\\{ACCOUNTS}\\{n}]\r\n\
             \"Account Name\"=\"ann@contoso.example\"\r\n\
             \"Email\"=\"ann@contoso.example\"\r\n\
             \"clsid\"=\"{EXCHANGE}\"\r\n"
        )
    };
    let text = format!(
        "Windows Registry Editor Version 5.00\r\n\
         \r\n[{OUTLOOK}]\r\n\"DefaultProfile\"=\"Outlook\"\r\n\
         {}{}\
         \r\n[{ADDINS}\\Contoso.Crm.Addin]\r\n\
         \"FriendlyName\"=\"Contoso CRM\"\r\n\
         \"LoadBehavior\"=dword:00000003\r\n\
         \r\n",
        account("Outlook", "00000001"),
        account("Outlook ", "00000002"),
    );
    let mut bytes = vec![0xFF, 0xFE];
    bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    bytes
}

struct Setup {
    _dir: tempfile::TempDir,
    export: PathBuf,
    data: PathBuf,
    home: PathBuf,
    original: Vec<u8>,
}

fn setup() -> Setup {
    let dir = tempfile::tempdir().expect("tmp");
    let export = dir.path().join("hkcu export.reg");
    let original = export_bytes();
    // The fixture is in the store's own layout, so an undo can be compared byte for byte.
    let tree = registry::RegTree::parse_strict(&original, "fixture").expect("parses");
    assert!(
        tree.to_reg_bytes() == original,
        "fixture is not in reg export layout"
    );
    std::fs::write(&export, &original).expect("write");
    let home = dir.path().join("home");
    std::fs::create_dir(&home).expect("home");
    let data = dir.path().join("data");
    Setup {
        export,
        data,
        home,
        original,
        _dir: dir,
    }
}

impl Setup {
    /// The CLI with the scan and journal options of this setup after `args`.
    fn cli(&self, args: &[&str]) -> Command {
        let mut c = crate::common::cli();
        c.args(args)
            .arg("--registry-file")
            .arg(&self.export)
            .arg("--home")
            .arg(&self.home)
            .arg("--no-live")
            .arg("--data-dir")
            .arg(&self.data)
            .env_remove("SESSION_DOCTOR_DATA_DIR");
        c
    }

    fn json(&self, args: &[&str]) -> Value {
        let out = self
            .cli(args)
            .assert()
            .success()
            .get_output()
            .stdout
            .clone();
        serde_json::from_slice(&out).expect("JSON")
    }

    fn text(&self, args: &[&str]) -> String {
        let out = self
            .cli(args)
            .assert()
            .success()
            .get_output()
            .stdout
            .clone();
        String::from_utf8(out).expect("utf-8")
    }

    fn failure(&self, args: &[&str]) -> String {
        let out = self
            .cli(args)
            .assert()
            .failure()
            .get_output()
            .stderr
            .clone();
        String::from_utf8(out).expect("utf-8")
    }

    fn bytes(&self) -> Vec<u8> {
        std::fs::read(&self.export).expect("read")
    }

    fn profiles(&self) -> Vec<String> {
        let mut c = crate::common::cli();
        let out = c
            .args(["scan", "--json", "--no-live", "--registry-file"])
            .arg(&self.export)
            .arg("--home")
            .arg(&self.home)
            .assert()
            .success()
            .get_output()
            .stdout
            .clone();
        let v: Value = serde_json::from_slice(&out).expect("JSON");
        v["profiles"]
            .as_array()
            .expect("profiles")
            .iter()
            .map(|p| p["name"].as_str().expect("name").to_owned())
            .collect()
    }

    fn offers(&self) -> Vec<Value> {
        self.json(&["fix", "list", "--json"])["offers"]
            .as_array()
            .expect("an array of offers")
            .clone()
    }
}

fn offer<'a>(offers: &'a [Value], kind: &str) -> &'a Value {
    offers
        .iter()
        .find(|o| o["kind"] == kind)
        .unwrap_or_else(|| panic!("{kind} in {offers:#?}"))
}

fn id(offer: &Value) -> &str {
    offer["id"].as_str().expect("id")
}

#[test]
fn lists_the_duplicate_profile_exactly_and_the_addin() {
    let s = setup();
    assert_eq!(s.profiles(), vec!["Outlook", "Outlook "]);
    let offers = s.offers();
    let profile = offer(&offers, "remove_profile");
    assert_eq!(profile["target"]["profile"], "Outlook ", "{profile}");
    assert_eq!(profile["target"]["version"], "16.0");
    assert_eq!(id(profile), "remove_profile:16.0:Outlook%20");
    assert!(
        profile["title"]
            .as_str()
            .expect("title")
            .contains("\"Outlook \"")
    );
    assert_eq!(
        offers
            .iter()
            .filter(|o| o["kind"] == "remove_profile")
            .count(),
        1,
        "the default profile is never offered: {offers:#?}"
    );
    let addin = offer(&offers, "disable_addin");
    assert_eq!(addin["target"]["prog_id"], "Contoso.Crm.Addin");
    assert_eq!(addin["target"]["hive"], "HKCU");
    assert_eq!(id(addin), "disable_addin:Contoso.Crm.Addin");
    // Same machine state, same ids.
    assert_eq!(s.offers(), offers);
    let text = s.text(&["fix", "list"]);
    assert!(text.contains("remove_profile:16.0:Outlook%20\n"), "{text}");
    // Listing and previewing change nothing.
    let preview = s.json(&["fix", "preview", "remove_profile:16.0:Outlook%20", "--json"]);
    assert_eq!(preview["offer"]["id"], "remove_profile:16.0:Outlook%20");
    assert_eq!(preview["preview"]["undoable"], true);
    assert!(s.bytes() == s.original);
}

#[test]
fn removing_the_duplicate_profile_then_undoing_it_in_new_processes() {
    let s = setup();
    let dup = "remove_profile:16.0:Outlook%20";

    let dry = s.text(&["fix", "run", dup]);
    assert!(dry.contains("Nothing was changed"), "{dry}");
    assert!(dry.contains("--yes"), "{dry}");
    let dry_json = s.json(&["fix", "run", dup, "--json"]);
    assert_eq!(dry_json["changed"], false);
    assert!(
        s.bytes() == s.original,
        "run without --yes changed the file"
    );
    assert_eq!(
        s.json(&["fix", "journal", "--json"])["entries"],
        Value::Array(vec![])
    );

    let entry = s.json(&["fix", "run", dup, "--yes", "--json"]);
    assert_eq!(entry["kind"], "remove_profile");
    assert_eq!(entry["state"], "applied");
    assert_eq!(entry["target"], "Outlook ");
    assert_eq!(entry["can_undo"], true);
    let entry_id = entry["id"].as_str().expect("entry id").to_owned();
    assert!(s.bytes() != s.original);
    assert_eq!(
        s.profiles(),
        vec!["Outlook"],
        "the duplicate is gone, the default stays"
    );
    let after = String::from_utf16(
        &s.bytes()[2..]
            .chunks_exact(2)
            .map(|c| u16::from_le_bytes([c[0], c[1]]))
            .collect::<Vec<u16>>(),
    )
    .expect("utf-16");
    assert!(!after.contains("Profiles\\Outlook ]") && !after.contains("Profiles\\Outlook \\"));
    assert!(after.contains(&format!("Profiles\\Outlook\\{ACCOUNTS}\\00000001]")));
    // Done: not offered any more, and asking again changes nothing.
    let err = s.failure(&["fix", "run", dup, "--yes"]);
    assert!(err.contains("not offered by the current scan"), "{err}");
    assert!(err.contains("nothing was changed"), "{err}");
    assert_eq!(err.trim().lines().count(), 1, "{err}");

    let journal = s.json(&["fix", "journal", "--json"]);
    let listed = journal["entries"].as_array().expect("entries");
    assert_eq!(listed.len(), 1, "{journal:#}");
    assert_eq!(listed[0]["id"], entry_id.as_str());
    assert_eq!(listed[0]["can_undo"], true);
    let text = s.text(&["fix", "journal"]);
    assert!(
        text.contains(&entry_id) && text.contains("can be undone"),
        "{text}"
    );

    let changed = s.bytes();
    let dry = s.text(&["fix", "undo", &entry_id]);
    assert!(dry.contains("Nothing was changed"), "{dry}");
    assert!(s.bytes() == changed, "undo without --yes changed the file");

    let undone = s.json(&["fix", "undo", &entry_id, "--yes", "--json"]);
    assert_eq!(undone["changed"], true);
    assert_eq!(undone["entries"][0]["state"], "undone");
    assert!(
        s.bytes() == s.original,
        "undo did not restore the file byte for byte"
    );
    assert_eq!(s.profiles(), vec!["Outlook", "Outlook "]);
    let err = s.failure(&["fix", "undo", &entry_id, "--yes"]);
    assert!(err.contains("cannot be undone"), "{err}");
}

#[test]
fn turning_the_addin_off_then_undoing_it() {
    let s = setup();
    let disable = "disable_addin:Contoso.Crm.Addin";
    s.text(&["fix", "run", disable]);
    assert!(s.bytes() == s.original);

    let entry = s.json(&["fix", "run", disable, "--yes", "--json"]);
    assert_eq!(entry["kind"], "disable_addin");
    let entry_id = entry["id"].as_str().expect("id").to_owned();
    assert!(s.bytes() != s.original);
    // Off now: the scan offers to turn it back on instead.
    let offers = s.offers();
    assert!(
        offers.iter().all(|o| o["kind"] != "disable_addin"),
        "{offers:#?}"
    );
    assert_eq!(
        id(offer(&offers, "enable_addin")),
        "enable_addin:Contoso.Crm.Addin"
    );

    let journal = s.json(&["fix", "journal", "--json"]);
    assert_eq!(journal["entries"][0]["id"], entry_id.as_str());
    s.json(&["fix", "undo", &entry_id, "--yes", "--json"]);
    assert!(s.bytes() == s.original, "undo did not restore the file");
}

#[test]
fn bad_ids_unknown_entries_and_a_read_only_export_change_nothing() {
    let s = setup();
    let err = s.failure(&["fix", "run", "format_disk:C", "--yes"]);
    assert!(err.contains("not an action id"), "{err}");
    let err = s.failure(&["fix", "preview", "remove_profile:16.0:Nobody"]);
    assert!(err.contains("not offered by the current scan"), "{err}");
    // The default profile is never offered, even when asked for by id.
    let err = s.failure(&["fix", "run", "remove_profile:16.0:Outlook", "--yes"]);
    assert!(err.contains("not offered by the current scan"), "{err}");
    let err = s.failure(&["fix", "undo", "0000000000000-1-0", "--yes"]);
    assert!(err.contains("no journal entry"), "{err}");

    let mut perms = std::fs::metadata(&s.export).expect("meta").permissions();
    perms.set_readonly(true);
    std::fs::set_permissions(&s.export, perms.clone()).expect("read-only");
    let err = s.failure(&["fix", "run", "disable_addin:Contoso.Crm.Addin", "--yes"]);
    assert!(
        err.contains("read-only") && err.contains("nothing was changed"),
        "{err}"
    );
    #[allow(clippy::permissions_set_readonly_false)]
    perms.set_readonly(false);
    std::fs::set_permissions(&s.export, perms).expect("writable");
    assert!(s.bytes() == s.original);
    assert_eq!(
        s.json(&["fix", "journal", "--json"])["entries"],
        Value::Array(vec![])
    );
}

#[test]
fn the_journal_dir_comes_from_the_environment_and_is_per_export() {
    let s = setup();
    let env_data = s.data.with_file_name("env data");
    let run = |export: &Path| {
        crate::common::cli()
            .args([
                "fix",
                "run",
                "disable_addin:Contoso.Crm.Addin",
                "--yes",
                "--json",
            ])
            .arg("--registry-file")
            .arg(export)
            .arg("--home")
            .arg(&s.home)
            .arg("--no-live")
            .env("SESSION_DOCTOR_DATA_DIR", &env_data)
            .assert()
            .success();
    };
    run(&s.export);
    let other = s.export.with_file_name("other.reg");
    std::fs::write(&other, &s.original).expect("write");
    run(&other);
    let journals: Vec<PathBuf> = std::fs::read_dir(env_data.join("exports"))
        .expect("exports journals")
        .map(|e| e.expect("entry").path())
        .collect();
    assert_eq!(journals.len(), 2, "one journal per export: {journals:?}");
    // The --data-dir journal saw none of it.
    assert_eq!(
        s.json(&["fix", "journal", "--json"])["entries"],
        Value::Array(vec![])
    );
}

#[test]
fn the_demo_lists_and_previews_the_simulated_pc() {
    let out = crate::common::cli()
        .args(["fix", "list", "--json", "--demo"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let offers: Value = serde_json::from_slice(&out).expect("JSON");
    let ids: Vec<&str> = offers["offers"]
        .as_array()
        .expect("array")
        .iter()
        .map(id)
        .collect();
    assert!(
        ids.contains(&"remove_profile:16.0:Outlook%20-%20Copy"),
        "{ids:?}"
    );
    let out = crate::common::cli()
        .args([
            "fix",
            "preview",
            "remove_profile:16.0:Outlook%20-%20Copy",
            "--json",
            "--demo",
        ])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let preview: Value = serde_json::from_slice(&out).expect("JSON");
    assert!(
        preview["preview"]["title"]
            .as_str()
            .expect("title")
            .contains("Outlook - Copy"),
        "{preview:#}"
    );
}

#[test]
fn with_an_hklm_export_beside_it_only_the_hkcu_export_changes() {
    let s = setup();
    let hklm = s.export.with_file_name("hklm.reg");
    let machine = "Windows Registry Editor Version 5.00\r\n\r\n\
        [HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Office\\Outlook\\Addins\\Fabrikam.Archiver]\r\n\
        \"LoadBehavior\"=dword:00000003\r\n\r\n";
    std::fs::write(&hklm, machine).expect("write");
    let with_hklm = |args: &[&str]| {
        let mut c = s.cli(args);
        c.arg("--registry-file").arg(&hklm);
        c
    };
    let out = with_hklm(&["fix", "list", "--json"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let offers: Value = serde_json::from_slice(&out).expect("JSON");
    let machine_addin = offers["offers"]
        .as_array()
        .expect("array")
        .iter()
        .find(|o| o["target"]["prog_id"] == "Fabrikam.Archiver")
        .expect("the machine's add-in is offered");
    assert_eq!(machine_addin["target"]["hive"], "HKLM");
    // Turning it off writes the user's setting into the HKCU export; HKLM stays as it is.
    with_hklm(&["fix", "run", "disable_addin:Fabrikam.Archiver", "--yes"])
        .assert()
        .success();
    assert_eq!(std::fs::read(&hklm).expect("read"), machine.as_bytes());
    assert!(s.bytes() != s.original);
}

/// Sets the add-in's LoadBehavior in the export, as another program would.
fn edit_load_behavior(s: &Setup, value: u32) {
    use repair::registry::RegistryWriter;
    let mut store = repair::registry::RegFileStore::open(&s.export).expect("store");
    store
        .set_value(
            &format!("{ADDINS}\\Contoso.Crm.Addin"),
            "LoadBehavior",
            &registry::RawValue::dword(value),
        )
        .expect("edit");
}

#[test]
fn undo_refuses_to_clobber_a_later_edit_until_forced() {
    let s = setup();
    let entry = s.json(&[
        "fix",
        "run",
        "disable_addin:Contoso.Crm.Addin",
        "--yes",
        "--json",
    ]);
    let entry_id = entry["id"].as_str().expect("id").to_owned();
    edit_load_behavior(&s, 9);
    let edited = s.bytes();
    let err = s.failure(&["fix", "undo", &entry_id, "--yes"]);
    assert!(err.contains("undo_conflict:"), "{err}");
    assert!(err.contains("\"LoadBehavior\" was changed"), "{err}");
    assert!(err.contains("--force"), "{err}");
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(s.bytes() == edited, "a refused undo changed the file");
    let undone = s.json(&["fix", "undo", &entry_id, "--yes", "--force", "--json"]);
    assert_eq!(undone["entries"][0]["state"], "undone");
    assert!(
        s.bytes() == s.original,
        "the forced undo restored the backup"
    );
}

#[test]
fn several_entries_are_undone_newest_first() {
    let s = setup();
    let off = s.json(&[
        "fix",
        "run",
        "disable_addin:Contoso.Crm.Addin",
        "--yes",
        "--json",
    ]);
    let on = s.json(&[
        "fix",
        "run",
        "enable_addin:Contoso.Crm.Addin",
        "--yes",
        "--json",
    ]);
    let (off, on) = (
        off["id"].as_str().expect("id").to_owned(),
        on["id"].as_str().expect("id").to_owned(),
    );
    // Given oldest first: undone newest first, so each undo finds what its change left.
    let done = s.json(&["fix", "undo", &off, &on, "--yes", "--json"]);
    let order: Vec<&str> = done["entries"]
        .as_array()
        .expect("a list")
        .iter()
        .map(|e| e["id"].as_str().expect("id"))
        .collect();
    assert_eq!(order, vec![on.as_str(), off.as_str()]);
    assert!(
        s.bytes() == s.original,
        "both undone: the file is as before"
    );
}

#[test]
fn the_fix_commands_speak_spanish() {
    let s = setup();
    let dup = "remove_profile:16.0:Outlook%20";
    let es = |args: &[&str], ok: bool| {
        let mut c = s.cli(args);
        c.env("LANG", "es_ES.UTF-8");
        let out = if ok {
            c.assert().success()
        } else {
            c.assert().failure()
        };
        let out = out.get_output();
        String::from_utf8_lossy(if ok { &out.stdout } else { &out.stderr }).into_owned()
    };
    let list = es(&["fix", "list"], true);
    assert!(list.contains(dup), "ids stay as they are: {list}");
    let dry = es(&["fix", "run", dup], true);
    assert!(dry.contains("No se ha cambiado nada"), "{dry}");
    let done = es(&["fix", "run", dup, "--yes"], true);
    assert!(done.contains("Hecho:"), "{done}");
    let journal = es(&["fix", "journal"], true);
    assert!(journal.contains("se puede deshacer"), "{journal}");
    let entry = s.json(&["fix", "journal", "--json"])["entries"][0]["id"]
        .as_str()
        .expect("entry id")
        .to_owned();
    let dry_undo = es(&["fix", "undo", &entry], true);
    assert!(dry_undo.contains("No se ha cambiado nada"), "{dry_undo}");
    let undone = es(&["fix", "undo", &entry, "--yes"], true);
    assert!(undone.contains("Deshecho:"), "{undone}");
    let not_offered = es(
        &["fix", "run", "disable_addin:Nobody.Addin", "--yes"],
        false,
    );
    assert!(
        not_offered.contains("no se ha cambiado nada"),
        "{not_offered}"
    );
    let bad_id = es(&["fix", "run", "format_disk:C", "--yes"], false);
    assert!(bad_id.contains("no es un identificador"), "{bad_id}");
    for text in [
        &list,
        &dry,
        &done,
        &journal,
        &dry_undo,
        &undone,
        &not_offered,
        &bad_id,
    ] {
        let leaked = words::english_left(text, words::Lang::Es);
        assert!(leaked.is_empty(), "English left: {leaked:#?}\n{text}");
    }
    assert!(s.bytes() == s.original, "undo restored the export");
}
