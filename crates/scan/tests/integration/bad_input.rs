//! Broken input gives a reason in `sources` or on the item, never a panic.
//! (Tests run as root, so "unreadable" is simulated with a directory where a file belongs.)

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use scan::{ClientKind, RegFile, Registry, ScanOptions, ScanReport, SourceStatus};

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn scan(files: Vec<PathBuf>, home: Option<&Path>) -> ScanReport {
    let options = ScanOptions {
        registry_files: files,
        home: home.map(Path::to_path_buf),
        live: false,
        ..Default::default()
    };
    scan::run(&options, &mut |_| {})
}

fn source(r: &ScanReport, name: &str) -> (SourceStatus, String) {
    let s = r.sources.iter().find(|s| s.name == name).expect("source");
    (s.status, s.reason.clone().unwrap_or_default())
}

fn utf16(text: &str) -> Vec<u8> {
    let mut b = vec![0xFF, 0xFE];
    b.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    b
}

#[test]
fn truncated_utf16_export_keeps_the_complete_part() {
    let full = fs::read(fixture("profiles_v5.reg")).expect("fixture");
    let dir = tempfile::tempdir().expect("tmp");
    let cut = dir.path().join("cut.reg");
    // Cut in the middle of a code unit, past the first profile.
    let at = (full.len() / 2) | 1;
    fs::write(&cut, &full[..at]).expect("write");
    let r = scan(vec![cut], None);
    let (st, reason) = source(&r, "registry");
    assert_eq!(st, SourceStatus::Ok);
    assert!(reason.contains("half a character"), "{reason}");
    assert!(
        r.profiles.iter().any(|p| p.name == "Work"),
        "{:#?}",
        r.profiles
    );
}

#[test]
fn odd_hex_continuation_lines() {
    let text = "Windows Registry Editor Version 5.00\r\n\r\n\
[HKEY_CURRENT_USER\\Software\\Microsoft\\Office\\16.0\\Outlook\\Profiles\\P\\9375CFF0413111d3B88A00104B2A6676\\00000002]\r\n\
\"Email\"=hex:61,00,40,00,62,00,2e,00,\\\r\n\
63,00,6f,00,\\\r\n\
      6d,00,00,00\r\n\
\"clsid\"=\"{ED475412-B0D6-11D2-8C3B-00104B2A6676}\"\r\n\
\"Display Name\"=hex:41,00,\\\r\n\
\r\n\
\"Account Name\"=hex:5a,\\\r\n\
  zz,00,\\\r\n\
[HKEY_CURRENT_USER\\Software\\Microsoft\\Office\\16.0\\Outlook\\Profiles\\Q]\r\n\
\"x\"=hex:01,\\";
    let dir = tempfile::tempdir().expect("tmp");
    let f = dir.path().join("odd.reg");
    fs::write(&f, utf16(text)).expect("write");
    let r = scan(vec![f], None);
    let (st, reason) = source(&r, "registry");
    assert_eq!(st, SourceStatus::Ok);
    assert!(
        reason.contains("continuation") || reason.contains("ends inside"),
        "{reason}"
    );
    let p = r
        .profiles
        .iter()
        .find(|p| p.name == "P")
        .expect("profile P");
    assert_eq!(
        p.accounts[0].email.as_deref(),
        Some("a@b.com"),
        "unindented continuation"
    );
    assert_eq!(p.accounts[0].display_name.as_deref(), Some("A"));
    assert!(r.profiles.iter().any(|p| p.name == "Q"));
}

#[test]
fn binary_or_numbers_where_text_is_expected() {
    let text = "REGEDIT4\r\n\r\n\
[HKEY_CURRENT_USER\\Software\\Microsoft\\Office\\Outlook\\Addins\\Bad.Addin]\r\n\
\"FriendlyName\"=hex:ff,fe,01,02,03,9c\r\n\
\"Description\"=dword:00000007\r\n\
\"LoadBehavior\"=\"three\"\r\n\r\n\
[HKEY_CURRENT_USER\\Software\\Microsoft\\Office\\16.0\\Outlook\\Profiles\\P\\9375CFF0413111d3B88A00104B2A6676\\00000001]\r\n\
\"Email\"=dword:00000001\r\n\
\"Account Name\"=\"c@d.com\"\r\n\
\"clsid\"=hex:01,02\r\n\
\"Service UID\"=\"not binary\"\r\n\r\n\
[HKEY_CURRENT_USER\\Software\\Microsoft\\Office\\16.0\\Outlook\\Resiliency\\DisabledItems]\r\n\
\"1\"=\"text, not binary\"\r\n\
\"2\"=hex:01,00,00,00,ff,ff,ff,ff,00\r\n";
    let dir = tempfile::tempdir().expect("tmp");
    let f = dir.path().join("types.reg");
    fs::write(&f, text).expect("write");
    let r = scan(vec![f], None);
    let a = r
        .addins
        .iter()
        .find(|a| a.prog_id == "Bad.Addin")
        .expect("add-in");
    assert_eq!(a.friendly_name, None);
    assert_eq!(a.load_behavior, None);
    assert!(
        a.notes.iter().any(|n| n.contains("FriendlyName")),
        "{:?}",
        a.notes
    );
    assert!(
        a.notes.iter().any(|n| n.contains("LoadBehavior")),
        "{:?}",
        a.notes
    );
    let p = r.profiles.iter().find(|p| p.name == "P").expect("profile");
    assert!(p.notes.iter().any(|n| n.contains("Email")), "{:?}", p.notes);
    assert_eq!(r.disabled_items.len(), 2);
    assert!(r.disabled_items.iter().all(|d| !d.notes.is_empty()));
}

#[test]
fn fifty_megabyte_export() {
    let dir = tempfile::tempdir().expect("tmp");
    let f = dir.path().join("big.reg");
    let mut w = std::io::BufWriter::new(fs::File::create(&f).expect("create"));
    w.write_all(&[0xFF, 0xFE]).expect("bom");
    fn put(w: &mut impl Write, s: &str) {
        let b: Vec<u8> = s.encode_utf16().flat_map(u16::to_le_bytes).collect();
        w.write_all(&b).expect("write");
    }
    put(&mut w, "Windows Registry Editor Version 5.00\r\n\r\n");
    let mut n = 0u32;
    let mut written = 0usize;
    while written < 50 * 1024 * 1024 {
        let block = format!(
            "[HKEY_CURRENT_USER\\Software\\Microsoft\\Office\\16.0\\Outlook\\Profiles\\P{}\\9375CFF0413111d3B88A00104B2A6676\\00000002]\r\n\"Email\"=\"user{}@contoso.com\"\r\n\"clsid\"=\"{{ED475414-B0D6-11D2-8C3B-00104B2A6676}}\"\r\n\"Blob\"=hex:{}\r\n\r\n",
            n % 2000,
            n % 1000,
            "00,11,22,33,44,55,66,77,88,99,aa,bb,cc,dd,ee,ff,"
                .repeat(8)
                .trim_end_matches(',')
        );
        written += block.len() * 2;
        put(&mut w, &block);
        n += 1;
    }
    w.flush().expect("flush");
    drop(w);
    assert!(fs::metadata(&f).expect("meta").len() >= 50 * 1024 * 1024);
    let r = scan(vec![f], None);
    assert_eq!(source(&r, "registry").0, SourceStatus::Ok);
    assert_eq!(r.profiles.len(), 2000);
    // user0 appears in profiles P0 and P1000: duplicates.
    let p0 = r.profiles.iter().find(|p| p.name == "P0").expect("P0");
    assert_eq!(p0.duplicate_of, vec!["P1000".to_owned()]);
}

#[test]
fn unreadable_and_garbage_exports_fail_the_source_only() {
    let dir = tempfile::tempdir().expect("tmp");
    let as_dir = dir.path().join("export.reg");
    fs::create_dir(&as_dir).expect("mkdir");
    let garbage = dir.path().join("garbage.reg");
    fs::write(&garbage, b"\x00\x01\x02 this is not a registry export").expect("write");
    let r = scan(vec![as_dir, garbage], Some(dir.path()));
    let (st, reason) = source(&r, "registry");
    assert_eq!(st, SourceStatus::Failed);
    assert!(
        reason.contains("export.reg") && reason.contains("garbage.reg"),
        "{reason}"
    );
    assert_eq!(source(&r, "outlook_profiles").0, SourceStatus::Skipped);
    // The rest of the scan went on.
    assert!(r.sources.iter().any(|s| s.name == "credentials"));
    assert_eq!(r.sources.len(), scan::SOURCE_NAMES.len());
}

#[test]
fn one_bad_export_among_good_ones_is_named() {
    let dir = tempfile::tempdir().expect("tmp");
    let missing = dir.path().join("missing.reg");
    let r = scan(vec![fixture("profiles_v5.reg"), missing], None);
    let (st, reason) = source(&r, "registry");
    assert_eq!(st, SourceStatus::Ok);
    assert!(reason.contains("missing.reg"), "{reason}");
    assert_eq!(r.profiles.len(), 4);
}

#[test]
fn non_utf8_prefs_js_and_unreadable_thunderbird_files() {
    let home = tempfile::tempdir().expect("tmp");
    let tb = home.path().join(".thunderbird");
    fs::create_dir_all(tb.join("a.default")).expect("mkdir");
    fs::write(
        tb.join("profiles.ini"),
        "[Profile0]\nName=latin1\nIsRelative=1\nPath=a.default\n\n[Profile1]\nName=broken\nIsRelative=1\nPath=b.default\n",
    )
    .expect("ini");
    let mut prefs = b"user_pref(\"mail.identity.id1.fullName\", \"Jos\xe9 M\xfcller\");\n".to_vec();
    prefs.extend_from_slice(b"user_pref(\"mail.server.server1.hostname\", \"outlook.office365.com\");\nuser_pref(\"mail.server.server1.type\", \"imap\");\nuser_pref(\"mail.server.server1.userName\", \"jose@contoso.com\");\n");
    fs::write(tb.join("a.default/prefs.js"), prefs).expect("prefs");
    // A directory where prefs.js should be: unreadable.
    fs::create_dir_all(tb.join("b.default/prefs.js")).expect("mkdir");
    let r = scan(Vec::new(), Some(home.path()));
    let a = r
        .accounts
        .iter()
        .find(|a| a.client == ClientKind::Thunderbird)
        .expect("account");
    assert_eq!(a.email.as_deref(), Some("jose@contoso.com"));
    assert!(a.notes.iter().any(|n| n.contains("UTF-8")), "{:?}", a.notes);
    let (st, reason) = source(&r, "thunderbird");
    assert_eq!(st, SourceStatus::Ok);
    assert!(reason.contains("b.default"), "{reason}");
}

#[test]
fn unreadable_files_of_other_apps() {
    let home = tempfile::tempdir().expect("tmp");
    fs::create_dir_all(home.path().join(".thunderbird/profiles.ini")).expect("mkdir");
    fs::create_dir_all(home.path().join(".config/evolution/sources/x.source")).expect("mkdir");
    fs::create_dir_all(
        home.path()
            .join("AppData/Local/Microsoft/Olk/UserSettings.json"),
    )
    .expect("mkdir");
    let r = scan(Vec::new(), Some(home.path()));
    assert_eq!(source(&r, "thunderbird").0, SourceStatus::Failed);
    assert_eq!(source(&r, "new_outlook").0, SourceStatus::Failed);
    let (st, reason) = source(&r, "evolution");
    assert_eq!(st, SourceStatus::Failed, "{reason}");
    assert!(reason.contains("x.source"), "{reason}");
}

#[test]
fn broken_json_of_new_outlook() {
    let home = tempfile::tempdir().expect("tmp");
    let f = home
        .path()
        .join("AppData/Local/Microsoft/Olk/UserSettings.json");
    fs::create_dir_all(f.parent().expect("parent")).expect("mkdir");
    fs::write(&f, b"{\"Identities\": {\"IdentityMap\": ").expect("write");
    let r = scan(Vec::new(), Some(home.path()));
    let (st, reason) = source(&r, "new_outlook");
    assert_eq!(st, SourceStatus::Failed);
    assert!(reason.contains("not valid JSON"), "{reason}");
}

#[test]
fn reg_file_api_reports_line_numbers() {
    let reg = RegFile::from_bytes(
        b"REGEDIT4\n[HKEY_CURRENT_USER\\A]\n\"x\"=dword:123456789\n",
        "mem",
    )
    .expect("parses");
    assert_eq!(reg.warnings().len(), 1);
    assert_eq!(reg.warnings()[0].line, 3);
    assert_eq!(reg.values("HKCU\\A").expect("ok").map(|v| v.len()), Some(0));
}
