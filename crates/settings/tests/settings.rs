//! Settings from real files in a temp dir and a supplied environment.

use std::collections::HashMap;
use std::path::Path;
use words::Lang;

use settings::{ReportFormat, SettingsSource, load_from, load_system};

fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
    let map: HashMap<String, String> = pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    move |k| map.get(k).cloned()
}

fn write(dir: &Path, text: &[u8]) -> std::path::PathBuf {
    let p = dir.join("config.toml");
    std::fs::write(&p, text).expect("write config");
    p
}

const FULL: &str = r#"
# Preset by Contoso IT
client_id = "11111111-2222-3333-4444-555555555555"
tenant = "contoso.onmicrosoft.com"
cloud = "us_gov"

[report]
include_personal_data = true
folder = '\\helpdesk\reports'
format = "json"
"#;

#[test]
fn no_file_and_no_environment_gives_the_defaults() {
    let dir = tempfile::tempdir().expect("tmp");
    let s = load_from(env(&[]), &dir.path().join("missing.toml"));
    assert!(!s.file_found);
    assert!(s.problems.is_empty());
    assert_eq!(s.client_id.value, None);
    assert_eq!(s.cloud.value, "public");
    assert!(!s.report_include_personal_data.value);
    assert_eq!(s.report_format.value, ReportFormat::Html);
    assert_eq!(s.client_id.source, SettingsSource::Default);
    assert!(!s.tenant_pinned());
}

#[test]
fn the_file_presets_everything_and_says_so() {
    let dir = tempfile::tempdir().expect("tmp");
    let path = write(dir.path(), FULL.as_bytes());
    let s = load_from(env(&[]), &path);
    assert!(s.file_found);
    assert!(s.problems.is_empty(), "{:?}", s.problems);
    assert_eq!(
        s.client_id.value.as_deref(),
        Some("11111111-2222-3333-4444-555555555555")
    );
    assert_eq!(
        s.client_id.source,
        SettingsSource::File {
            path: path.display().to_string()
        }
    );
    assert!(s.tenant_pinned());
    assert_eq!(s.cloud.value, "us_gov");
    assert!(s.report_include_personal_data.value);
    assert_eq!(
        s.report_folder.value.as_deref(),
        Some(r"\\helpdesk\reports")
    );
    assert_eq!(s.report_format.value, ReportFormat::Json);
    assert_eq!(
        s.cloud_value(settings::ENV_TENANT).as_deref(),
        Some("contoso.onmicrosoft.com")
    );
}

#[test]
fn the_environment_wins_over_the_file_when_it_allows_user_overrides() {
    let dir = tempfile::tempdir().expect("tmp");
    let path = write(
        dir.path(),
        format!("allow_user_overrides = true\n{FULL}").as_bytes(),
    );
    let s = load_from(
        env(&[
            ("SESSION_DOCTOR_CLIENT_ID", "from-env"),
            ("SESSION_DOCTOR_REPORT_PERSONAL_DATA", "no"),
            ("SESSION_DOCTOR_TENANT", "   "),
        ]),
        &path,
    );
    assert_eq!(s.client_id.value.as_deref(), Some("from-env"));
    assert_eq!(
        s.client_id.source,
        SettingsSource::Environment {
            variable: "SESSION_DOCTOR_CLIENT_ID".to_owned()
        }
    );
    assert!(!s.report_include_personal_data.value);
    // A blank variable does not blank out the file's value.
    assert_eq!(s.tenant.value.as_deref(), Some("contoso.onmicrosoft.com"));
}

#[test]
fn a_typo_in_the_file_is_named_and_the_defaults_stand_in() {
    let dir = tempfile::tempdir().expect("tmp");
    let path = write(dir.path(), b"client-id = \"x\"\n");
    let s = load_from(env(&[]), &path);
    assert!(s.file_found);
    assert_eq!(s.client_id.value, None);
    assert_eq!(s.problems.len(), 1);
    assert!(
        s.problems[0].words(Lang::En).contains("client-id"),
        "{:?}",
        s.problems
    );
    assert!(s.problems[0].words(Lang::En).contains("ignored"));
}

#[test]
fn broken_odd_and_huge_files_are_problems_not_panics() {
    let dir = tempfile::tempdir().expect("tmp");
    for (name, bytes) in [
        ("not toml", b"client_id = \"unterminated\n".to_vec()),
        (
            "wrong type",
            b"[report]\ninclude_personal_data = \"maybe\"\n".to_vec(),
        ),
        ("not utf-8", vec![0xff, 0xfe, 0x00, 0x41]),
        ("huge", vec![b'#'; 200 * 1024]),
        ("html", b"<html><body>proxy</body></html>".to_vec()),
    ] {
        let path = write(dir.path(), &bytes);
        let s = load_from(env(&[]), &path);
        assert_eq!(s.problems.len(), 1, "{name}: {:?}", s.problems);
        assert_eq!(s.client_id.value, None, "{name}");
    }
    // A byte order mark from Notepad is fine.
    let path = write(dir.path(), b"\xEF\xBB\xBFtenant = \"contoso.example\"\n");
    let s = load_from(env(&[]), &path);
    assert!(s.problems.is_empty(), "{:?}", s.problems);
    assert_eq!(s.tenant.value.as_deref(), Some("contoso.example"));
}

#[test]
fn unknown_values_fall_back_with_a_reason() {
    let dir = tempfile::tempdir().expect("tmp");
    let path = write(
        dir.path(),
        b"cloud = \"mars\"\n[report]\nformat = \"pdf\"\n",
    );
    let s = load_from(
        env(&[("SESSION_DOCTOR_REPORT_PERSONAL_DATA", "sometimes")]),
        &path,
    );
    assert_eq!(s.cloud.value, "public");
    assert_eq!(s.report_format.value, ReportFormat::Html);
    assert!(!s.report_include_personal_data.value);
    assert_eq!(s.problems.len(), 3, "{:?}", s.problems);
}

#[cfg(unix)]
#[test]
fn an_unreadable_file_is_a_problem() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().expect("tmp");
    let path = write(dir.path(), FULL.as_bytes());
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o000)).expect("chmod");
    let readable_anyway = std::fs::read(&path).is_ok(); // root reads everything
    let s = load_from(env(&[]), &path);
    if readable_anyway {
        assert!(s.problems.is_empty());
    } else {
        assert!(
            s.problems[0].words(Lang::En).contains("cannot read"),
            "{:?}",
            s.problems
        );
    }
}

#[test]
fn a_value_the_file_sets_is_locked_against_the_environment() {
    let dir = tempfile::tempdir().expect("tmp");
    let path = write(dir.path(), FULL.as_bytes());
    let s = load_from(
        env(&[
            ("SESSION_DOCTOR_CLIENT_ID", "from-env"),
            ("SESSION_DOCTOR_TENANT", "evil.example"),
            ("SESSION_DOCTOR_REPORT_DIR", "/tmp/elsewhere"),
            ("SESSION_DOCTOR_REPORT_FORMAT", "html"),
            // A key the file leaves unset: the environment fills it in.
            ("SESSION_DOCTOR_GRAPH", "https://graph.example/v1.0"),
        ]),
        &path,
    );
    assert_eq!(
        s.client_id.value.as_deref(),
        Some("11111111-2222-3333-4444-555555555555")
    );
    assert!(s.client_id.locked);
    assert!(matches!(s.client_id.source, SettingsSource::File { .. }));
    assert_eq!(s.tenant.value.as_deref(), Some("contoso.onmicrosoft.com"));
    assert_eq!(
        s.report_folder.value.as_deref(),
        Some(r"\\helpdesk\reports")
    );
    assert_eq!(s.report_format.value, ReportFormat::Json);
    assert!(s.report_format.locked);
    assert_eq!(s.graph.value.as_deref(), Some("https://graph.example/v1.0"));
    assert!(!s.graph.locked);
    // Each ignored variable is named, so nobody wonders why it does nothing.
    assert_eq!(s.problems.len(), 4, "{:?}", s.problems);
    assert!(
        s.problems.iter().any(|p| p
            .words(Lang::En)
            .contains("SESSION_DOCTOR_CLIENT_ID is ignored")),
        "{:?}",
        s.problems
    );
}

#[test]
fn allow_user_overrides_can_open_single_keys() {
    let dir = tempfile::tempdir().expect("tmp");
    let path = write(
        dir.path(),
        format!("allow_user_overrides = [\"report.folder\", \"clientid\"]\n{FULL}").as_bytes(),
    );
    let s = load_from(
        env(&[
            ("SESSION_DOCTOR_CLIENT_ID", "from-env"),
            ("SESSION_DOCTOR_REPORT_DIR", "/tmp/mine"),
        ]),
        &path,
    );
    assert_eq!(s.report_folder.value.as_deref(), Some("/tmp/mine"));
    assert!(!s.report_folder.locked);
    assert_eq!(
        s.client_id.value.as_deref(),
        Some("11111111-2222-3333-4444-555555555555"),
        "a misspelt key opens nothing"
    );
    assert!(
        s.problems
            .iter()
            .any(|p| p.words(Lang::En).contains("'clientid'")),
        "{:?}",
        s.problems
    );
}

#[test]
fn it_forbidding_personal_data_is_locked_and_says_so() {
    let dir = tempfile::tempdir().expect("tmp");
    let path = write(dir.path(), b"[report]\ninclude_personal_data = false\n");
    let s = load_from(
        env(&[("SESSION_DOCTOR_REPORT_PERSONAL_DATA", "yes")]),
        &path,
    );
    assert!(!s.report_include_personal_data.value);
    assert!(s.report_include_personal_data.locked);
    assert!(s.personal_data_forbidden());
    // The default (no file) and an open key are not a prohibition.
    let none = load_from(env(&[]), &dir.path().join("missing.toml"));
    assert!(!none.personal_data_forbidden());
    let open = write(
        dir.path(),
        b"allow_user_overrides = true\n[report]\ninclude_personal_data = false\n",
    );
    assert!(!load_from(env(&[]), &open).personal_data_forbidden());
}

#[test]
fn session_doctor_config_cannot_replace_the_system_file() {
    let dir = tempfile::tempdir().expect("tmp");
    let system = dir.path().join("system.toml");
    std::fs::write(&system, FULL).expect("write");
    let mine = dir.path().join("mine.toml");
    std::fs::write(&mine, "client_id = \"mine\"\n").expect("write");
    let vars = [("SESSION_DOCTOR_CONFIG", mine.to_str().expect("utf-8"))];
    let s = load_system(env(&vars), &system);
    assert_eq!(
        s.client_id.value.as_deref(),
        Some("11111111-2222-3333-4444-555555555555")
    );
    assert!(
        s.problems.iter().any(|p| p
            .words(Lang::En)
            .contains("SESSION_DOCTOR_CONFIG is ignored")),
        "{:?}",
        s.problems
    );
    // Without a system file (an unmanaged computer, the tests) it is followed.
    let s = load_system(env(&vars), &dir.path().join("no-system.toml"));
    assert_eq!(s.client_id.value.as_deref(), Some("mine"));
    // And where IT allows user overrides.
    std::fs::write(&system, format!("allow_user_overrides = true\n{FULL}")).expect("write");
    let s = load_system(env(&vars), &system);
    assert_eq!(s.client_id.value.as_deref(), Some("mine"));
}

#[test]
fn setting_exports_its_lock_to_typescript() {
    let types = specta::Types::default().register::<settings::Settings>();
    let ts = specta_typescript::Typescript::default()
        .export(&types, specta_serde::Format)
        .expect("exports");
    println!("{ts}");
    assert!(ts.contains("locked: boolean"), "{ts}");
}
