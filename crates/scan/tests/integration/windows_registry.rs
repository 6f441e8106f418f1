//! The live registry reader on Windows (run under Wine on Linux CI): keys created under
//! `HKCU\Software\SessionDoctorTest\...`, read through the `Registry` trait, then deleted.
//! Also `reg.exe add` + `reg.exe export`: the export that Windows' (or Wine's) own tool
//! writes must read back exactly as the live registry does.
#![cfg(windows)]

use std::process::Command;

use scan::registry::{LiveRegistry, RawValue, RegValue, Registry, RegistryError, normalize_path};
use scan::{RegFile, addins, profiles};
use winreg::RegKey;
use winreg::enums::{HKEY_CURRENT_USER, RegType};

const BASE: &str = "Software\\SessionDoctorTest";

/// Deletes the test's key tree when dropped, even after a failed assertion.
struct TestKey(String);

impl TestKey {
    fn new(name: &str) -> Self {
        let sub = format!("{BASE}\\{name}-{}", std::process::id());
        let _ = RegKey::predef(HKEY_CURRENT_USER).delete_subkey_all(&sub);
        Self(sub)
    }
    fn full(&self) -> String {
        format!("HKEY_CURRENT_USER\\{}", self.0)
    }
    fn create(&self, rel: &str) -> RegKey {
        let path = if rel.is_empty() {
            self.0.clone()
        } else {
            format!("{}\\{rel}", self.0)
        };
        RegKey::predef(HKEY_CURRENT_USER)
            .create_subkey(&path)
            .expect("create key")
            .0
    }
}

impl Drop for TestKey {
    fn drop(&mut self) {
        let _ = RegKey::predef(HKEY_CURRENT_USER).delete_subkey_all(&self.0);
    }
}

fn utf16z(s: &str) -> Vec<u8> {
    s.encode_utf16()
        .chain([0])
        .flat_map(u16::to_le_bytes)
        .collect()
}

fn set_raw(key: &RegKey, name: &str, vtype: RegType, bytes: Vec<u8>) {
    key.set_raw_value(
        name,
        &winreg::RegValue {
            bytes: bytes.into(),
            vtype,
        },
    )
    .expect("set value");
}

/// Maps `HKEY_CURRENT_USER\X` / `HKEY_LOCAL_MACHINE\X` to `<test key>\HKCU\X` / `...\HKLM\X`,
/// so the real profile and add-in readers run against keys the test owns.
struct Prefixed {
    inner: LiveRegistry,
    prefix: String,
}

impl Prefixed {
    fn map(&self, path: &str) -> String {
        let p = normalize_path(path);
        let (hive, rest) = p.split_once('\\').unwrap_or((p.as_str(), ""));
        let short = match hive {
            "HKEY_CURRENT_USER" => "HKCU",
            "HKEY_LOCAL_MACHINE" => "HKLM",
            other => other,
        };
        format!("{}\\{short}\\{rest}", self.prefix)
    }
}

impl Registry for Prefixed {
    fn subkeys(&self, path: &str) -> Result<Option<Vec<String>>, RegistryError> {
        self.inner.subkeys(&self.map(path))
    }
    fn raw_values(&self, path: &str) -> Result<Option<Vec<(String, RawValue)>>, RegistryError> {
        self.inner.raw_values(&self.map(path))
    }
}

#[test]
fn live_reader_returns_types_and_subkeys() {
    let t = TestKey::new("types");
    let k = t.create("A");
    k.set_value("Sz", &"hello").expect("sz");
    k.set_value("Dw", &7u32).expect("dword");
    k.set_value("Qw", &(1u64 << 40)).expect("qword");
    set_raw(&k, "Bin", RegType::REG_BINARY, utf16z("ann@contoso.com"));
    set_raw(&k, "Multi", RegType::REG_MULTI_SZ, {
        let mut b = utf16z("one");
        b.extend(utf16z("two"));
        b.extend([0, 0]);
        b
    });
    t.create("A\\Child1");
    t.create("A\\Child2");
    let reg = LiveRegistry::new();
    let a = format!("{}\\A", t.full());
    let mut subs = reg.subkeys(&a).expect("ok").expect("exists");
    subs.sort();
    assert_eq!(subs, vec!["Child1".to_owned(), "Child2".to_owned()]);
    assert_eq!(
        reg.value(&a, "sz").expect("ok"),
        Some(RegValue::Sz("hello".into()))
    );
    assert_eq!(reg.value(&a, "Dw").expect("ok"), Some(RegValue::Dword(7)));
    assert_eq!(
        reg.value(&a, "Qw").expect("ok"),
        Some(RegValue::Qword(1 << 40))
    );
    let bin = reg.value(&a, "Bin").expect("ok").expect("present");
    assert_eq!(bin.as_text().as_deref(), Ok("ann@contoso.com"));
    assert_eq!(
        reg.value(&a, "Multi").expect("ok"),
        Some(RegValue::MultiSz(vec!["one".into(), "two".into()]))
    );
    assert_eq!(
        reg.subkeys(&format!("{}\\Nope", t.full())).expect("ok"),
        None
    );
}

#[test]
fn live_profiles_and_addins_through_the_trait() {
    let t = TestKey::new("profiles");
    let outlook = "HKCU\\Software\\Microsoft\\Office\\16.0\\Outlook";
    t.create(outlook)
        .set_value("DefaultProfile", &"Main")
        .expect("default");
    for (profile, sub) in [("Main", "00000002"), ("Main - Copy", "00000009")] {
        let acc = t.create(&format!(
            "{outlook}\\Profiles\\{profile}\\9375CFF0413111d3B88A00104B2A6676\\{sub}"
        ));
        set_raw(&acc, "Account Name", RegType::REG_BINARY, utf16z("Work"));
        set_raw(
            &acc,
            "Email",
            RegType::REG_BINARY,
            utf16z("ann@contoso.com"),
        );
        acc.set_value("clsid", &"{ED475414-B0D6-11D2-8C3B-00104B2A6676}")
            .expect("clsid");
    }
    let cu = t.create("HKCU\\Software\\Microsoft\\Office\\Outlook\\Addins\\TeamsAddin.FastConnect");
    cu.set_value("LoadBehavior", &0u32).expect("lb");
    let lm = t.create("HKLM\\Software\\Microsoft\\Office\\Outlook\\Addins\\TeamsAddin.FastConnect");
    lm.set_value("LoadBehavior", &3u32).expect("lb");
    lm.set_value("FriendlyName", &"Teams Meeting").expect("fn");

    let reg = Prefixed {
        inner: LiveRegistry::new(),
        prefix: t.full(),
    };
    let (ps, problems) = profiles::read_profiles(&reg);
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(ps.len(), 2, "{ps:#?}");
    let main = ps.iter().find(|p| p.name == "Main").expect("Main");
    assert!(main.is_default);
    assert_eq!(main.accounts[0].email.as_deref(), Some("ann@contoso.com"));
    assert_eq!(main.duplicate_of, vec!["Main - Copy".to_owned()]);
    let (ads, _, _) = addins::read_addins(&reg);
    assert_eq!(ads.len(), 1);
    assert_eq!(ads[0].load_behavior, Some(0));
    assert_eq!(ads[0].hive, "HKCU");
    assert_eq!(ads[0].friendly_name.as_deref(), Some("Teams Meeting"));
    assert!(ads[0].opens_connections);
}

fn reg_exe(args: &[&str]) {
    let st = Command::new("reg.exe")
        .args(args)
        .status()
        .expect("run reg.exe");
    assert!(st.success(), "reg.exe {args:?}: {st}");
}

/// Every key and value under `root` as read by `reg`, sorted, for comparison.
fn dump(reg: &dyn Registry, root: &str) -> Vec<(String, String, RegValue)> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_owned()];
    while let Some(k) = stack.pop() {
        for s in reg.subkeys(&k).expect("ok").unwrap_or_default() {
            stack.push(format!("{k}\\{s}"));
        }
        let rel = k[root.len()..].to_lowercase();
        for (n, v) in reg.values(&k).expect("ok").unwrap_or_default() {
            out.push((rel.clone(), n.to_lowercase(), v));
        }
    }
    out.sort_by(|a, b| (&a.0, &a.1).cmp(&(&b.0, &b.1)));
    out
}

#[test]
fn reg_exe_export_reads_back_like_the_live_registry() {
    let t = TestKey::new("export");
    let key = format!("HKCU\\{}", t.0);
    let acc = format!("{key}\\Profiles\\Outlook\\9375CFF0413111d3B88A00104B2A6676\\00000002");
    let email_hex: String = utf16z("ann.smith.with.a.long.address@contoso.example.com")
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    reg_exe(&[
        "add",
        &acc,
        "/v",
        "Email",
        "/t",
        "REG_BINARY",
        "/d",
        &email_hex,
        "/f",
    ]);
    reg_exe(&[
        "add",
        &acc,
        "/v",
        "clsid",
        "/t",
        "REG_SZ",
        "/d",
        "{ED475412-B0D6-11D2-8C3B-00104B2A6676}",
        "/f",
    ]);
    reg_exe(&[
        "add",
        &acc,
        "/v",
        "Quote \"q\" and \\",
        "/t",
        "REG_SZ",
        "/d",
        "C:\\path \"x\"",
        "/f",
    ]);
    reg_exe(&[
        "add",
        &acc,
        "/v",
        "LoadBehavior",
        "/t",
        "REG_DWORD",
        "/d",
        "3",
        "/f",
    ]);
    reg_exe(&[
        "add",
        &acc,
        "/v",
        "Big",
        "/t",
        "REG_QWORD",
        "/d",
        "1099511627776",
        "/f",
    ]);
    reg_exe(&[
        "add",
        &acc,
        "/v",
        "Multi",
        "/t",
        "REG_MULTI_SZ",
        "/d",
        "one\\0two",
        "/f",
    ]);
    reg_exe(&[
        "add",
        &acc,
        "/v",
        "Exp",
        "/t",
        "REG_EXPAND_SZ",
        "/d",
        "%USERPROFILE%\\x.pst",
        "/f",
    ]);
    reg_exe(&["add", &acc, "/ve", "/d", "default value", "/f"]);
    reg_exe(&["add", &format!("{key}\\Empty"), "/f"]);

    let dir = tempfile::tempdir().expect("tmp");
    let file = dir.path().join("export.reg");
    reg_exe(&["export", &key, file.to_str().expect("path"), "/y"]);
    let bytes = std::fs::read(&file).expect("read export");
    assert_eq!(
        &bytes[..2],
        &[0xFF, 0xFE],
        "reg export writes UTF-16LE with a BOM"
    );
    if let Some(save) = std::env::var_os("SCAN_SAVE_WINE_EXPORT") {
        std::fs::write(save, &bytes).expect("save export");
    }
    let exported = RegFile::from_bytes(&bytes, "export.reg").expect("parses");
    assert!(exported.warnings().is_empty(), "{:?}", exported.warnings());
    let live = dump(&LiveRegistry::new(), &t.full());
    let from_file = dump(&exported, &t.full());
    assert!(live.len() >= 8, "{live:?}");
    assert_eq!(from_file, live);
}
