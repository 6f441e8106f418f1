//! The keyring store on a real backend. The test re-runs itself inside a private kernel
//! session keyring (`keyctl session -`), so nothing of the user's keyrings is touched; the
//! entries use a unique service name and are deleted (invalidated) at the end.

use std::process::Command;

use cloud::{Account, AccountKind, KeyringStore, Secret, StoredSession, TokenStore};

const CHILD: &str = "SESSION_DOCTOR_KEYRING_CHILD";

#[test]
fn keyring_round_trip_on_a_real_backend() {
    if std::env::var_os(CHILD).is_some() {
        return; // The inner run only executes the ignored test below.
    }
    let Ok(exe) = std::env::current_exe() else {
        println!("SKIPPED: cannot find the test binary to re-run in a private keyring session");
        return;
    };
    let out = match Command::new("keyctl")
        .args(["session", "-"])
        .arg(exe)
        .args([
            "--exact",
            "inner_round_trip",
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD, "1")
        .output()
    {
        Ok(o) => o,
        Err(e) => {
            println!("SKIPPED: keyctl (package keyutils) is not available: {e}");
            return;
        }
    };
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    if stdout.contains("NO BACKEND")
        || (!out.status.success() && stderr.contains("Operation not permitted"))
    {
        println!("SKIPPED: no kernel keyring is reachable here: {stdout} {stderr}");
        return;
    }
    println!("inner run in a private keyring session:\n{stdout}");
    assert!(
        out.status.success(),
        "inner test failed:\n{stdout}\n{stderr}"
    );
    assert!(stdout.contains("keyring round trip ok"), "{stdout}");
}

/// Runs only inside the private session started above.
#[test]
#[ignore = "run by keyring_round_trip_on_a_real_backend inside `keyctl session -`"]
fn inner_round_trip() {
    if std::env::var_os(CHILD).is_none() {
        return;
    }
    let service = format!(
        "session-doctor-test-{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0)
    );
    let store = KeyringStore::new(&service);
    struct Cleanup<'a>(&'a KeyringStore);
    impl Drop for Cleanup<'_> {
        fn drop(&mut self) {
            let _ = self.0.clear();
        }
    }
    let _cleanup = Cleanup(&store);
    let session = StoredSession {
        refresh_token: Secret::new("0.AXoA-refresh-token-".repeat(60)),
        account: Account {
            upn: "megan.bowen@contoso.example".into(),
            display_name: Some("Megan Bowen".into()),
            id: Some("a1f3".into()),
            tenant_id: Some("5b1c".into()),
            kind: AccountKind::Work,
            admin_scopes: true,
        },
    };
    match store.load() {
        Ok(None) => {}
        Ok(Some(_)) => panic!("a fresh service name must be empty"),
        Err(e) => {
            println!("NO BACKEND: {e}");
            return;
        }
    }
    store.save(&session).expect("saves");
    assert_eq!(store.load().expect("loads"), Some(session.clone()));
    // A second store on the same service sees it: it really is in the keyring.
    assert_eq!(
        KeyringStore::new(&service).load().expect("loads"),
        Some(session)
    );
    store.clear().expect("clears");
    assert_eq!(store.load().expect("loads"), None);
    store.clear().expect("clearing twice is fine");
    println!("keyring round trip ok");
}
