//! The keyring store on real backends, with tokens as long as Microsoft's (refresh tokens
//! past 3,000 characters; Windows Credential Manager holds 2,560 bytes per entry).
//!
//! - Linux kernel keyring: the test re-runs itself inside a private session keyring
//!   (`keyctl session -`), so none of the user's keyrings is touched.
//! - Linux Secret Service: the test re-runs itself under `dbus-run-session` with a
//!   gnome-keyring-daemon whose HOME and data folders are temp dirs, twice: the sign-in
//!   saved in the first session (the daemon then stops) is read in the second, as after a
//!   restart of the computer.
//! - Windows Credential Manager: under Wine (`make wine-test`), the real credential API.
//!
//! Every entry uses a unique service name and is deleted at the end.

use cloud::{
    Account, AccountKind, KeyringBackend, KeyringStore, Remembered, Secret, StoredSession,
    TokenStore,
};

#[cfg(target_os = "linux")]
const CHILD: &str = "SESSION_DOCTOR_KEYRING_CHILD";
#[cfg(target_os = "linux")]
const SERVICE_VAR: &str = "SESSION_DOCTOR_KEYRING_TEST_SERVICE";

fn unique_service() -> String {
    format!(
        "session-doctor-test-{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0)
    )
}

/// A session with a refresh token of `len` characters (base64url-like, not repetitive, so
/// a part boundary cannot hide behind a repeating pattern).
fn session(len: usize) -> StoredSession {
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15 ^ len as u64;
    let token: String = (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            alphabet[(x % 64) as usize] as char
        })
        .collect();
    StoredSession {
        refresh_token: Secret::new(format!("0.AXoA{token}")),
        account: Account {
            upn: "megan.bowen@contoso.example".into(),
            display_name: Some("Megan Bowen (Ventas, Área Norte)".into()),
            id: Some("a1f3b0c2-6d7e-4f80-9a1b-2c3d4e5f6071".into()),
            tenant_id: Some("5b1c7a52-3f0e-4d6b-9a3e-0c1d2e3f4a5b".into()),
            kind: AccountKind::Work,
            admin_scopes: true,
        },
    }
}

/// Saves and reads back long sessions through `make` (a new store each time, as a new
/// process would make), then clears. Returns `Err` with the reason when the backend cannot
/// be reached at all.
fn round_trip(make: &dyn Fn() -> KeyringStore) -> Result<(), String> {
    let store = make();
    match store.load() {
        Ok(None) => {}
        Ok(Some(_)) => panic!("a fresh service name must be empty"),
        Err(e) => return Err(e.to_string()),
    }
    struct Cleanup(KeyringStore);
    impl Drop for Cleanup {
        fn drop(&mut self) {
            let _ = self.0.clear();
        }
    }
    let _cleanup = Cleanup(make());

    // The lengths users meet: short, Microsoft's usual, long, the sandbox's 8 KB cap.
    for len in [40, 3_400, 5_000, 8_192] {
        let s = session(len);
        store.save(&s).expect("saves");
        assert_eq!(make().load().expect("loads"), Some(s), "{len} chars");
    }
    // A shorter token after a long one: nothing of the old one is left to mix in.
    let short = session(100);
    store.save(&short).expect("saves");
    assert_eq!(make().load().expect("loads"), Some(short));

    store.clear().expect("clears");
    assert_eq!(make().load().expect("loads"), None);
    store.clear().expect("clearing twice is fine");
    Ok(())
}

/// The same with parts of 500 units, so the split and its damage checks run on every OS.
fn small_parts(make: &dyn Fn() -> KeyringStore) {
    let small = || make().with_part_limit(500);
    let s = session(3_400);
    small().save(&s).expect("saves in parts");
    assert_eq!(small().load().expect("loads"), Some(s.clone()));
    // Read with the platform's part size: the header says how it was split.
    assert_eq!(make().load().expect("loads"), Some(s));
    small().clear().expect("clears");
    assert_eq!(small().load().expect("loads"), None);
}

// ---------------------------------------------------------------------------------------
// Linux: kernel keyring

#[cfg(target_os = "linux")]
#[test]
fn kernel_keyring_keeps_long_tokens_and_says_until_logout() {
    if std::env::var_os(CHILD).is_some() {
        return; // The inner run only executes the ignored tests.
    }
    let out = rerun(
        std::process::Command::new("keyctl").args(["session", "-"]),
        "inner_kernel",
        &[],
    );
    let Some(out) = out else { return };
    if out.contains("NO BACKEND") {
        println!("SKIPPED: no kernel keyring is reachable here: {out}");
        return;
    }
    assert!(out.contains("kernel round trip ok"), "{out}");
}

#[cfg(target_os = "linux")]
#[test]
#[ignore = "run by kernel_keyring_keeps_long_tokens_and_says_until_logout in `keyctl session -`"]
fn inner_kernel() {
    if std::env::var_os(CHILD).is_none() {
        return;
    }
    let service = unique_service();
    let make = || KeyringStore::with_backend(&service, KeyringBackend::Kernel);
    if let Err(e) = round_trip(&make) {
        println!("NO BACKEND: {e}");
        return;
    }
    small_parts(&make);
    assert_eq!(make().remembers(), Remembered::UntilLogout);
    assert!(
        make()
            .remembers()
            .sentence(words::Lang::En)
            .contains("not remembered after a restart")
    );
    println!("kernel round trip ok");
}

// ---------------------------------------------------------------------------------------
// Linux: Secret Service (gnome-keyring in a private D-Bus session)

/// Runs `inner` under its own D-Bus session with an unlocked gnome-keyring-daemon whose
/// files live in `home`. `None` (with the reason printed) when the tools are missing.
#[cfg(target_os = "linux")]
fn in_secret_service(home: &std::path::Path, inner: &str, service: &str) -> Option<String> {
    let exe = std::env::current_exe().ok()?;
    let script = format!(
        "echo '' | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1 || exit 97; \
         exec '{}' --exact keyring::{inner} --ignored --nocapture --test-threads=1",
        exe.display()
    );
    let data = home.join("data");
    let runtime = home.join("run");
    for d in [&data, &runtime] {
        std::fs::create_dir_all(d).ok()?;
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(&runtime, std::fs::Permissions::from_mode(0o700));
    }
    let out = std::process::Command::new("dbus-run-session")
        .args(["--", "sh", "-c", &script])
        .env(CHILD, "1")
        .env(SERVICE_VAR, service)
        .env("HOME", home)
        .env("XDG_DATA_HOME", &data)
        .env("XDG_RUNTIME_DIR", &runtime)
        .env_remove("SESSION_DOCTOR_KEYRING_BACKEND")
        .output();
    match out {
        Ok(o) if o.status.code() == Some(97) => {
            println!("SKIPPED: gnome-keyring-daemon is not installed");
            None
        }
        Ok(o) => Some(format!(
            "status {:?}\n{}\n{}",
            o.status.code(),
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        )),
        Err(e) => {
            println!("SKIPPED: dbus-run-session (package dbus) is not available: {e}");
            None
        }
    }
}

#[cfg(target_os = "linux")]
#[test]
fn secret_service_keeps_a_sign_in_across_a_restart() {
    if std::env::var_os(CHILD).is_some() {
        return;
    }
    let home = tempfile::tempdir().expect("tempdir");
    let service = unique_service();
    let Some(first) = in_secret_service(home.path(), "inner_ss_save", &service) else {
        return;
    };
    assert!(first.contains("secret service save ok"), "{first}");
    // A new D-Bus session and a new daemon reading the keyring file: a restart.
    let Some(second) = in_secret_service(home.path(), "inner_ss_load", &service) else {
        return;
    };
    assert!(second.contains("secret service load ok"), "{second}");
}

#[cfg(target_os = "linux")]
#[test]
#[ignore = "run by secret_service_keeps_a_sign_in_across_a_restart"]
fn inner_ss_save() {
    let Ok(service) = std::env::var(SERVICE_VAR) else {
        return;
    };
    // Detected, not forced: a session bus with a Secret Service is what a desktop has.
    let make = || KeyringStore::new(&service);
    assert_eq!(make().backend(), KeyringBackend::SecretService);
    round_trip(&make).expect("the Secret Service answers");
    small_parts(&make);
    assert!(make().remembers().survives_restart());
    make()
        .save(&session(3_400))
        .expect("saves for the second run");
    println!("secret service save ok");
}

#[cfg(target_os = "linux")]
#[test]
#[ignore = "run by secret_service_keeps_a_sign_in_across_a_restart"]
fn inner_ss_load() {
    let Ok(service) = std::env::var(SERVICE_VAR) else {
        return;
    };
    let store = KeyringStore::new(&service);
    assert_eq!(store.backend(), KeyringBackend::SecretService);
    assert_eq!(store.load().expect("loads"), Some(session(3_400)));
    store.clear().expect("clears");
    assert_eq!(store.load().expect("loads"), None);
    println!("secret service load ok");
}

/// Without a session bus there is no Secret Service: the kernel keyring, said honestly.
#[cfg(target_os = "linux")]
#[test]
fn without_a_session_bus_the_fallback_is_the_kernel_keyring() {
    if std::env::var_os(CHILD).is_some() {
        return;
    }
    let out = rerun(
        std::process::Command::new("keyctl").args(["session", "-"]),
        "inner_detect_headless",
        &[("DBUS_SESSION_BUS_ADDRESS", "")],
    );
    if let Some(out) = out {
        assert!(out.contains("headless detect ok"), "{out}");
    }
}

#[cfg(target_os = "linux")]
#[test]
#[ignore = "run by without_a_session_bus_the_fallback_is_the_kernel_keyring"]
fn inner_detect_headless() {
    if std::env::var_os(CHILD).is_none() {
        return;
    }
    let store = KeyringStore::new(unique_service());
    assert_eq!(store.backend(), KeyringBackend::Kernel);
    assert_eq!(store.remembers(), Remembered::UntilLogout);
    println!("headless detect ok");
}

/// Re-runs this test binary's `inner` test under `wrapper`; `None` when it cannot start.
#[cfg(target_os = "linux")]
fn rerun(wrapper: &mut std::process::Command, inner: &str, env: &[(&str, &str)]) -> Option<String> {
    let exe = std::env::current_exe().ok()?;
    // One integration binary per crate: the test's name carries its module.
    let inner = format!("keyring::{inner}");
    let cmd = wrapper
        .arg(exe)
        .args([
            "--exact",
            &inner,
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD, "1")
        .env_remove("SESSION_DOCTOR_KEYRING_BACKEND");
    for (k, v) in env {
        cmd.env(k, v);
    }
    match cmd.output() {
        Ok(o) => {
            let text = format!(
                "{}\n{}",
                String::from_utf8_lossy(&o.stdout),
                String::from_utf8_lossy(&o.stderr)
            );
            if !o.status.success() && text.contains("Operation not permitted") {
                println!("SKIPPED: no kernel keyring is reachable here: {text}");
                return None;
            }
            assert!(o.status.success(), "inner test failed:\n{text}");
            Some(text)
        }
        Err(e) => {
            println!("SKIPPED: keyctl (package keyutils) is not available: {e}");
            None
        }
    }
}

// ---------------------------------------------------------------------------------------
// Windows: Credential Manager (under Wine in `make wine-test`)

#[cfg(windows)]
#[test]
fn credential_manager_keeps_tokens_longer_than_one_credential() {
    let service = unique_service();
    let make = || KeyringStore::new(&service);
    assert_eq!(make().backend(), KeyringBackend::Native);
    // One credential holds 2,560 bytes: a 3,400-character token needs three parts.
    round_trip(&make).expect("Credential Manager answers");
    small_parts(&make);
    assert_eq!(
        make().remembers(),
        Remembered::AcrossRestarts {
            store: cloud::KeyStore::WindowsCredentialManager
        }
    );
}

// ---------------------------------------------------------------------------------------
// macOS: the Keychain (the release workflow's macOS job; type-checked here)

#[cfg(target_os = "macos")]
#[test]
fn keychain_keeps_long_tokens() {
    let service = unique_service();
    let make = || KeyringStore::new(&service);
    assert_eq!(make().backend(), KeyringBackend::Native);
    if let Err(e) = round_trip(&make) {
        println!("SKIPPED: the login keychain is not reachable here: {e}");
        return;
    }
    small_parts(&make);
    assert!(matches!(
        make().remembers(),
        Remembered::AcrossRestarts { .. }
    ));
}
