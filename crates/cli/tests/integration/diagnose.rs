//! `diagnose` as a help desk runs it: the real binary on the simulated PC.

use assert_cmd::Command;

#[test]
fn diagnose_json_lists_findings_with_evidence_and_the_ordered_plan() {
    let out = Command::cargo_bin("session-doctor-cli")
        .expect("binary")
        .args(["diagnose", "--json", "--demo"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&out).expect("json");
    let codes: Vec<&str> = v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| f["code"].as_str().expect("code"))
        .collect();
    for expected in [
        "outlook_running_multiple",
        "duplicate_profiles",
        "addin_opens_connections",
        "imap_connections",
        "shared_mailboxes",
    ] {
        assert!(codes.contains(&expected), "{expected} missing: {codes:?}");
    }
    let shared = v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|f| f["code"] == "shared_mailboxes")
        .expect("shared mailboxes");
    assert!(
        shared["advice"][0]
            .as_str()
            .is_some_and(|a| a.contains("Change > More Settings > Advanced")),
        "{shared:#}"
    );
    let first = &v["findings"][0];
    assert!(first["severity"].is_string() && first["step"].is_string());
    assert!(!first["evidence"].as_array().expect("evidence").is_empty());
    let plan = v["plan"].as_array().expect("plan");
    // The triage question first (issue 14), then the first seed's steps in its order.
    assert_eq!(plan[0]["id"], "owa_triage");
    assert_eq!(plan[0]["input"], "web_works");
    assert_eq!(plan[1]["id"], "close_other_devices");
    assert_eq!(plan[0]["track"], "work");
    assert!(
        plan.iter()
            .all(|s| s["kind"] == "action" || s["kind"] == "guide")
    );
}

#[test]
fn personal_track_follows_the_second_article() {
    let out = Command::cargo_bin("session-doctor-cli")
        .expect("binary")
        .args(["diagnose", "--json", "--no-live", "--track", "personal"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&out).expect("json");
    assert_eq!(v["plan"][0]["id"], "personal_sign_out_everywhere");
}
