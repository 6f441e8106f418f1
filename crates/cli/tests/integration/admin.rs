//! `admin register-app-script`: the spawned CLI prints docs/register-app.ps1 byte for
//! byte, and the script registers everything the code asks for (scopes from the code's
//! own constants, the loopback redirect the app sends), so neither can drift.

use crate::common::NoLocale;
use std::process::Command;

const CLI: &str = env!("CARGO_BIN_EXE_session-doctor-cli");

fn script_output() -> String {
    let out = Command::new(CLI)
        .no_locale()
        .args(["admin", "register-app-script"])
        .output()
        .expect("runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8")
}

#[test]
fn register_app_script_prints_the_docs_file_exactly() {
    let docs = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../docs/register-app.ps1"
    ))
    .expect("docs/register-app.ps1");
    assert_eq!(script_output(), docs);
}

#[test]
fn register_app_script_asks_for_every_scope_the_app_requests() {
    let script = script_output();
    // Every scope of both modes, taken from the code, appears as a quoted literal in the
    // script's permission lists.
    for scope in cloud::CloudConfig::scopes_with(true) {
        assert!(
            script.contains(&format!("'{scope}'")),
            "the script does not ask for {scope}"
        );
    }
    let user_line = script
        .lines()
        .find(|l| l.starts_with("$UserScopes = @("))
        .expect("the user scopes line");
    for scope in cloud::USER_SCOPES {
        assert!(user_line.contains(&format!("'{scope}'")), "{user_line}");
    }
    let admin_line = script
        .lines()
        .find(|l| l.starts_with("$AdminScopes = @("))
        .expect("the admin scopes line");
    for scope in cloud::ADMIN_SCOPES {
        assert!(admin_line.contains(&format!("'{scope}'")), "{admin_line}");
    }
    // What makes the registration work with this app.
    for needed in [
        "New-MgApplication",
        "-IsFallbackPublicClient",
        "RedirectUris",
        &format!("'{}'", cloud::REDIRECT_URI_TO_REGISTER),
        "'http://localhost'",
        "00000003-0000-0000-c000-000000000000",
        "RequiredResourceAccess",
        "Type = 'Scope'",
        "client_id = ",
    ] {
        assert!(script.contains(needed), "missing {needed}");
    }
    // The settings file paths are the ones the settings crate reads.
    if cfg!(target_os = "linux") {
        let path = settings::system_config_path();
        assert!(script.contains(&path.display().to_string()), "{path:?}");
    }
    assert!(script.contains(r"%ProgramData%\SessionDoctor\config.toml"));
    assert!(script.contains("/Library/Application Support/SessionDoctor/config.toml"));
}
