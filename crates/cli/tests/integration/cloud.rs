//! The cloud commands as a user runs them: the real binary against a sandbox tenant started
//! here, configured by the SESSION_DOCTOR_* variables. Each scenario runs in its own private
//! kernel keyring session (`keyctl session -`) with a unique keyring service name, so the
//! machine's keyrings are never touched; it ends with `signout`, which deletes the entries.

use std::path::Path;
use std::process::Command;

use crate::common::NoLocale;
use sandbox::{
    DEMO_ADMIN_UPN, DEMO_MEMBER_UPN, DeviceFlowPlan, DeviceOutcome, Fault, Sandbox, Tenant,
};

const CLI: &str = env!("CARGO_BIN_EXE_session-doctor-cli");

fn plan(upn: &str) -> DeviceFlowPlan {
    DeviceFlowPlan {
        pending_polls: 1,
        slow_down_polls: 0,
        outcome: DeviceOutcome::Approve(upn.to_owned()),
        interval_secs: 1,
        expires_in_secs: 60,
    }
}

/// Runs `script` (sh, with `$CLI` and `$OUT`) in a private keyring session. `None` (with
/// the reason printed) when no kernel keyring can be reached here.
fn run(sb: &Sandbox, script: &str, out: &Path) -> Option<std::process::Output> {
    let unique = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let service = format!("session-doctor-cli-test-{}-{unique}", std::process::id());
    let result = Command::new("keyctl")
        .no_locale()
        .args(["session", "-", "sh", "-c", script])
        .env("CLI", CLI)
        .env("OUT", out)
        .env("SESSION_DOCTOR_AUTHORITY", sb.authority())
        .env("SESSION_DOCTOR_TENANT", "organizations")
        .env("SESSION_DOCTOR_CLIENT_ID", sb.client_id())
        .env("SESSION_DOCTOR_GRAPH", sb.graph_base())
        .env("SESSION_DOCTOR_KEYRING_SERVICE", service)
        // The private kernel keyring above, never the desktop's Secret Service.
        .env("SESSION_DOCTOR_KEYRING_BACKEND", "kernel")
        .output();
    match result {
        Ok(o) if String::from_utf8_lossy(&o.stderr).contains("keyring_unavailable") => {
            println!(
                "SKIPPED: no kernel keyring backend: {}",
                String::from_utf8_lossy(&o.stderr)
            );
            None
        }
        Ok(o) => Some(o),
        Err(e) => {
            println!("SKIPPED: keyctl (package keyutils) is not available: {e}");
            None
        }
    }
}

fn read(out: &Path, name: &str) -> String {
    std::fs::read_to_string(out.join(name)).unwrap_or_default()
}

#[test]
fn admin_signs_in_lists_sessions_and_signs_out_everywhere() {
    let sb = Sandbox::start_with(Tenant::demo().with_extra_users(3)).expect("sandbox");
    sb.set_device_flow(plan(DEMO_ADMIN_UPN));
    let dir = tempfile::tempdir().expect("tempdir");
    let script = r#"
        "$CLI" signin --device-code --admin >"$OUT/signin.out" 2>"$OUT/signin.err" || exit 11
        "$CLI" sessions --json >"$OUT/me.json" 2>"$OUT/me.err" || exit 12
        "$CLI" sessions --json --user lee.gu@contoso.example >"$OUT/lee.json" || exit 13
        "$CLI" signout-everywhere --user user001@contoso.example --user user002@contoso.example --yes >"$OUT/bulk.out" || exit 14
        "$CLI" signout-everywhere --yes >"$OUT/self.out" 2>"$OUT/self.err" || exit 15
        "$CLI" sessions --json >"$OUT/after.out" 2>"$OUT/after.err"; echo $? >"$OUT/after.rc"
        "$CLI" signout >"$OUT/signout.out" || exit 16
    "#;
    let Some(o) = run(&sb, script, dir.path()) else {
        return;
    };
    let out = dir.path();
    assert!(
        o.status.success(),
        "exit {:?}\n{}\n{}\nsignin: {}{}\nme: {}",
        o.status.code(),
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr),
        read(out, "signin.out"),
        read(out, "signin.err"),
        read(out, "me.err")
    );
    assert!(
        read(out, "signin.err").contains("/devicelogin"),
        "the code prompt names the page"
    );
    assert!(read(out, "signin.out").contains(DEMO_ADMIN_UPN));
    // Honest about the kernel keyring: kept until logout, not across a restart.
    assert!(
        read(out, "signin.out").contains("not remembered after a restart"),
        "{}",
        read(out, "signin.out")
    );

    let me: serde_json::Value =
        serde_json::from_str(&read(out, "me.json")).expect("sessions --json");
    assert_eq!(me["account"]["upn"], DEMO_ADMIN_UPN);
    assert_eq!(me["account"]["kind"], "work");
    assert_eq!(me["devices"].as_array().map(Vec::len), Some(6));
    assert_eq!(me["sign_ins"].as_array().map(Vec::len), Some(40));
    assert_eq!(me["capabilities"]["can_revoke"], true);
    assert_eq!(me["capabilities"]["can_read_sign_ins"], true);
    assert!(me["notes"].is_array());

    let lee: serde_json::Value = serde_json::from_str(&read(out, "lee.json")).expect("--user json");
    assert_eq!(lee["target"], DEMO_MEMBER_UPN);
    assert_eq!(lee["devices"].as_array().map(Vec::len), Some(2));

    assert!(
        read(out, "bulk.out").contains("2 of 2 users signed out everywhere"),
        "{}",
        read(out, "bulk.out")
    );
    assert!(
        read(out, "self.out").contains("Signed out everywhere, including here."),
        "{}",
        read(out, "self.out")
    );
    // The dead token was forgotten: the next command says so instead of failing oddly.
    assert_ne!(read(out, "after.rc").trim(), "0");
    assert!(
        read(out, "after.err").contains("not_signed_in"),
        "{}",
        read(out, "after.err")
    );
    assert_eq!(sb.live_refresh_tokens(DEMO_ADMIN_UPN), 0);
    // No token in anything the CLI printed.
    for f in [
        "signin.out",
        "signin.err",
        "me.json",
        "bulk.out",
        "self.out",
        "self.err",
        "after.err",
    ] {
        let text = read(out, f);
        assert!(
            !text.contains("sbx-rt.") && !text.contains("sbx-at."),
            "{f} shows a token"
        );
    }
}

#[test]
fn a_member_is_given_the_page_to_open_and_exit_zero() {
    let sb = Sandbox::start().expect("sandbox");
    sb.set_device_flow(plan(DEMO_MEMBER_UPN));
    let dir = tempfile::tempdir().expect("tempdir");
    let script = r#"
        "$CLI" signin --device-code >"$OUT/signin.out" 2>"$OUT/signin.err" || exit 11
        "$CLI" sessions --json >"$OUT/me.json" || exit 12
        "$CLI" signout-everywhere --yes >"$OUT/self.out" || exit 13
        "$CLI" signout >/dev/null || exit 14
    "#;
    let Some(o) = run(&sb, script, dir.path()) else {
        return;
    };
    let out = dir.path();
    assert!(
        o.status.success(),
        "exit {:?} {}",
        o.status.code(),
        read(out, "signin.err")
    );
    let me: serde_json::Value = serde_json::from_str(&read(out, "me.json")).expect("json");
    assert_eq!(me["capabilities"]["can_revoke"], false);
    assert_eq!(me["capabilities"]["can_read_sign_ins"], false);
    let notes = me["notes"].to_string();
    assert!(notes.contains("Authorization_RequestDenied"), "{notes}");
    let text = read(out, "self.out");
    assert!(
        text.contains("https://mysignins.microsoft.com/security-info"),
        "{text}"
    );
    assert!(text.contains("Sign out everywhere"), "{text}");
    // Each run refreshed (rotating the token); none was revoked.
    assert!(
        sb.live_refresh_tokens(DEMO_MEMBER_UPN) >= 1,
        "nothing revoked"
    );
}

#[test]
fn signout_everywhere_without_yes_refuses_when_not_interactive() {
    let out = Command::new(CLI)
        .no_locale()
        .args(["signout-everywhere"])
        .stdin(std::process::Stdio::null())
        .output()
        .expect("runs");
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--yes"));
    // It says what it would have done, honestly: what ends, what does not, in what order.
    for said in [
        "refresh token",
        "up to about an hour",
        "Continuous Access Evaluation",
        "does not close connections",
        "Teams, OneDrive and the phone apps",
        "close Outlook and the other mail apps you do not need first",
    ] {
        assert!(err.contains(said), "{said}: {err}");
    }
}

/// Runs the CLI once against `sb` with the cloud variables set; no keyring is touched
/// (sign-ins refused before any token is issued).
fn run_plain(sb: &Sandbox, tenant: &str, args: &[&str]) -> std::process::Output {
    run_plain_with(sb, tenant, args, &[])
}

/// [`run_plain`] with more variables (a locale).
fn run_plain_with(
    sb: &Sandbox,
    tenant: &str,
    args: &[&str],
    vars: &[(&str, &str)],
) -> std::process::Output {
    Command::new(CLI)
        .no_locale()
        .envs(vars.iter().copied())
        .args(args)
        .env("SESSION_DOCTOR_AUTHORITY", sb.authority())
        .env("SESSION_DOCTOR_TENANT", tenant)
        .env("SESSION_DOCTOR_CLIENT_ID", sb.client_id())
        .env("SESSION_DOCTOR_GRAPH", sb.graph_base())
        .env(
            "SESSION_DOCTOR_KEYRING_SERVICE",
            format!("session-doctor-cli-unused-{}", std::process::id()),
        )
        .env("SESSION_DOCTOR_KEYRING_BACKEND", "kernel")
        .stdin(std::process::Stdio::null())
        .output()
        .expect("runs")
}

#[test]
fn signin_prints_the_admin_consent_link_when_the_token_endpoint_answers_65001() {
    let sb = Sandbox::start().expect("sandbox");
    let tenant = sb.tenant().id.clone();
    sb.set_device_flow(plan(DEMO_MEMBER_UPN));
    sb.inject(Fault::consent_required(format!(
        "/{tenant}/oauth2/v2.0/token"
    )));
    let out = run_plain(&sb, &tenant, &["signin", "--device-code"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{err}");
    let link = format!(
        "{}/{tenant}/adminconsent?client_id={}",
        sb.authority(),
        sb.client_id()
    );
    assert!(err.contains(&link), "{err}");
    assert!(err.contains("consent_required"), "{err}");
    // The ticket text for IT, with the permissions to consent to.
    assert!(err.contains("Text for a ticket to IT"), "{err}");
    assert!(err.contains("AADSTS65001"), "{err}");
    assert!(err.contains("User.Read"), "{err}");
    assert_eq!(sb.faults().remaining(), 0, "the token endpoint was asked");
}

#[test]
fn signout_everywhere_and_a_refused_sign_in_speak_spanish() {
    let out = Command::new(CLI)
        .no_locale()
        .env("LANG", "es_ES.UTF-8")
        .args(["signout-everywhere"])
        .stdin(std::process::Stdio::null())
        .output()
        .expect("runs");
    assert!(!out.status.success());
    let refused = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(refused.contains("--yes"), "{refused}");
    assert!(refused.contains("en todas partes"), "{refused}");

    let sb = Sandbox::start().expect("sandbox");
    let tenant = sb.tenant().id.clone();
    sb.set_device_flow(plan(DEMO_MEMBER_UPN));
    sb.inject(Fault::consent_required(format!(
        "/{tenant}/oauth2/v2.0/token"
    )));
    let out = run_plain_with(
        &sb,
        &tenant,
        &["signin", "--device-code"],
        &[("LANG", "es_ES.UTF-8")],
    );
    assert!(!out.status.success());
    let consent = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(
        consent.contains("Texto para una incidencia a TI"),
        "{consent}"
    );
    assert!(consent.contains("adminconsent?client_id="), "{consent}");
    // The code stays as it is, for scripts and tickets.
    assert!(consent.contains("[consent_required]"), "{consent}");
    for text in [&refused, &consent] {
        let leaked = words::english_left(text, words::Lang::Es);
        assert!(leaked.is_empty(), "English left: {leaked:#?}\n{text}");
    }
}

#[test]
fn signin_with_a_code_where_the_tenant_blocks_it_points_to_the_browser_sign_in() {
    let sb = Sandbox::start().expect("sandbox");
    sb.set_device_flow(plan(DEMO_MEMBER_UPN));
    sb.inject(Fault::conditional_access_blocked(
        "/organizations/oauth2/v2.0/token",
    ));
    let out = run_plain(&sb, "organizations", &["signin", "--device-code"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{err}");
    assert!(err.contains("device_code_blocked"), "{err}");
    assert!(
        err.contains("Sign in with the browser instead: session-doctor-cli signin"),
        "{err}"
    );
}

#[test]
fn a_bad_graph_address_is_a_configuration_error() {
    let out = Command::new(CLI)
        .no_locale()
        .args(["sessions", "--json"])
        .env("SESSION_DOCTOR_GRAPH", "http://graph.example.com/v1.0")
        .env("SESSION_DOCTOR_CLIENT_ID", "x")
        .output()
        .expect("runs");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("cloud_config_invalid"));
}

/// The browser flow end to end: a stand-in `xdg-open` (curl) plays the browser.
#[cfg(target_os = "linux")]
#[test]
fn browser_sign_in_through_the_loopback() {
    use std::os::unix::fs::PermissionsExt;
    if Command::new("curl").arg("--version").output().is_err() {
        println!("SKIPPED: curl is needed to play the browser");
        return;
    }
    let sb = Sandbox::start().expect("sandbox");
    let dir = tempfile::tempdir().expect("tempdir");
    let bin = dir.path().join("bin");
    std::fs::create_dir(&bin).expect("bin dir");
    let opener = bin.join("xdg-open");
    std::fs::write(
        &opener,
        "#!/bin/sh\nloc=$(curl -s -o /dev/null -w '%{redirect_url}' \"$1\")\ncurl -s \"$loc\" >\"$OUT/page.html\"\n",
    )
    .expect("write opener");
    std::fs::set_permissions(&opener, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let script = format!(
        r#"
        PATH="{}:$PATH"
        "$CLI" signin --login-hint {DEMO_MEMBER_UPN} >"$OUT/signin.out" 2>"$OUT/signin.err" || exit 11
        "$CLI" sessions >"$OUT/sessions.txt" || exit 12
        LANG=es_ES.UTF-8 "$CLI" sessions >"$OUT/sessions.es.txt" || exit 14
        LANG=es_ES.UTF-8 "$CLI" signout >"$OUT/signout.es.txt" || exit 13
        "#,
        bin.display()
    );
    let Some(o) = run(&sb, &script, dir.path()) else {
        return;
    };
    let out = dir.path();
    assert!(
        o.status.success(),
        "exit {:?}: {}",
        o.status.code(),
        read(out, "signin.err")
    );
    assert!(
        read(out, "signin.err").contains("/oauth2/v2.0/authorize?"),
        "the URL is printed"
    );
    assert!(read(out, "signin.out").contains(DEMO_MEMBER_UPN));
    assert!(
        read(out, "page.html").contains("close this tab"),
        "{}",
        read(out, "page.html")
    );
    let text = read(out, "sessions.txt");
    assert!(text.contains("2 devices"), "{text}");
    assert!(text.contains("https://mysignins.microsoft.com"), "{text}");
    // The same account in Spanish: the listing, its notes and the sign-out.
    let es = read(out, "sessions.es.txt");
    assert!(es.contains("2 dispositivos"), "{es}");
    assert!(es.contains("https://mysignins.microsoft.com"), "{es}");
    let signout = read(out, "signout.es.txt");
    assert!(signout.contains("Se ha olvidado"), "{signout}");
    for text in [&es, &signout] {
        let leaked = words::english_left(text, words::Lang::Es);
        assert!(leaked.is_empty(), "English left: {leaked:#?}\n{text}");
    }
}

/// Runs `script` under its own D-Bus session with an unlocked gnome-keyring-daemon whose
/// files live in `home` (a temp dir): the desktop's Secret Service, never the user's.
#[cfg(target_os = "linux")]
fn run_with_secret_service(
    sb: &Sandbox,
    home: &Path,
    script: &str,
    out: &Path,
) -> Option<std::process::Output> {
    let data = home.join("data");
    let runtime = home.join("run");
    for d in [&data, &runtime] {
        std::fs::create_dir_all(d).ok()?;
    }
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(&runtime, std::fs::Permissions::from_mode(0o700));
    }
    let service = format!("session-doctor-cli-ss-{}", std::process::id());
    let full = format!(
        "echo '' | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1 || exit 97\n{script}"
    );
    let result = Command::new("dbus-run-session")
        .no_locale()
        .args(["--", "sh", "-c", &full])
        .env("CLI", CLI)
        .env("OUT", out)
        .env("HOME", home)
        .env("XDG_DATA_HOME", &data)
        .env("XDG_RUNTIME_DIR", &runtime)
        .env("SESSION_DOCTOR_AUTHORITY", sb.authority())
        .env("SESSION_DOCTOR_TENANT", "organizations")
        .env("SESSION_DOCTOR_CLIENT_ID", sb.client_id())
        .env("SESSION_DOCTOR_GRAPH", sb.graph_base())
        .env("SESSION_DOCTOR_KEYRING_SERVICE", service)
        .env_remove("SESSION_DOCTOR_KEYRING_BACKEND")
        .output();
    match result {
        Ok(o) if o.status.code() == Some(97) => {
            println!("SKIPPED: gnome-keyring-daemon is not installed");
            None
        }
        Ok(o) => Some(o),
        Err(e) => {
            println!("SKIPPED: dbus-run-session is not available: {e}");
            None
        }
    }
}

#[cfg(target_os = "linux")]
#[test]
fn a_sign_in_survives_a_restart_where_a_secret_service_runs() {
    let sb = Sandbox::start().expect("sandbox");
    sb.set_device_flow(plan(DEMO_MEMBER_UPN));
    let home = tempfile::tempdir().expect("home");
    let dir = tempfile::tempdir().expect("out");
    let out = dir.path();
    let Some(first) = run_with_secret_service(
        &sb,
        home.path(),
        r#""$CLI" signin --device-code >"$OUT/signin.out" 2>"$OUT/signin.err" || exit 11"#,
        out,
    ) else {
        return;
    };
    assert!(
        first.status.success(),
        "{}{}",
        read(out, "signin.out"),
        read(out, "signin.err")
    );
    assert!(
        read(out, "signin.out").contains("Remembered in the desktop keyring"),
        "{}",
        read(out, "signin.out")
    );
    // The D-Bus session and the keyring daemon are gone: a new login reads the keyring file.
    let Some(second) = run_with_secret_service(
        &sb,
        home.path(),
        r#""$CLI" sessions --json >"$OUT/me.json" 2>"$OUT/me.err" || exit 12
           "$CLI" signout >"$OUT/signout.out" 2>&1 || exit 13"#,
        out,
    ) else {
        return;
    };
    assert!(second.status.success(), "{}", read(out, "me.err"));
    let me: serde_json::Value = serde_json::from_str(&read(out, "me.json")).expect("json");
    assert_eq!(me["account"]["upn"], DEMO_MEMBER_UPN);
}

/// MFA demanded while signing in with a code: the CLI opens the browser sign-in itself,
/// and the authorize request carries Microsoft's claims challenge.
#[cfg(target_os = "linux")]
#[test]
fn mfa_demanded_during_a_code_sign_in_reruns_the_browser_sign_in_with_the_claims() {
    use std::os::unix::fs::PermissionsExt;
    if Command::new("curl").arg("--version").output().is_err() {
        println!("SKIPPED: curl is needed to play the browser");
        return;
    }
    const CLAIMS: &str = r#"{"access_token":{"capolids":{"essential":true,"values":["p-1"]}}}"#;
    let sb = Sandbox::start().expect("sandbox");
    sb.set_device_flow(plan(DEMO_MEMBER_UPN));
    sb.inject(Fault::mfa_required(
        "/organizations/oauth2/v2.0/token",
        50076,
        Some(CLAIMS),
    ));
    let dir = tempfile::tempdir().expect("tempdir");
    let bin = dir.path().join("bin");
    std::fs::create_dir(&bin).expect("bin dir");
    let opener = bin.join("xdg-open");
    // The browser: note the URL, answer the authorize page as the member, go back.
    std::fs::write(
        &opener,
        format!(
            "#!/bin/sh\nprintf '%s' \"$1\" >\"$OUT/authorize.url\"\nloc=$(curl -s -o /dev/null -w '%{{redirect_url}}' \"$1&login_hint={DEMO_MEMBER_UPN}\")\ncurl -s \"$loc\" >\"$OUT/page.html\"\n"
        ),
    )
    .expect("write opener");
    std::fs::set_permissions(&opener, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let script = format!(
        r#"
        PATH="{}:$PATH"
        "$CLI" signin --device-code >"$OUT/signin.out" 2>"$OUT/signin.err" || exit 11
        "$CLI" signout >/dev/null || exit 12
        "#,
        bin.display()
    );
    let Some(o) = run(&sb, &script, dir.path()) else {
        return;
    };
    let out = dir.path();
    assert!(
        o.status.success(),
        "exit {:?}: {}",
        o.status.code(),
        read(out, "signin.err")
    );
    let err = read(out, "signin.err");
    assert!(err.contains("multi-factor authentication"), "{err}");
    assert!(err.contains("Opening the browser sign-in"), "{err}");
    assert!(read(out, "signin.out").contains(DEMO_MEMBER_UPN));
    let url = url::Url::parse(&read(out, "authorize.url")).expect("the authorize URL");
    let claims = url
        .query_pairs()
        .find(|(k, _)| k == "claims")
        .map(|(_, v)| v.into_owned());
    assert_eq!(claims.as_deref(), Some(CLAIMS));
}
