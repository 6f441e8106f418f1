//! `session-doctor-cli scan` as scripts and the help desk run it: the real binary.

use assert_cmd::Command;
use serde_json::Value;

fn cli() -> Command {
    crate::common::cli()
}

fn json_of(args: &[&str]) -> Value {
    let out = cli()
        .args(args)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    serde_json::from_slice(&out).expect("one JSON object")
}

#[test]
fn demo_scan_prints_the_contract_json() {
    let v = json_of(&["scan", "--json", "--demo"]);
    for key in [
        "processes",
        "profiles",
        "addins",
        "accounts",
        "credentials",
        "sources",
    ] {
        assert!(v[key].is_array(), "{key} in {v}");
    }
    let kinds: Vec<&str> = v["processes"]
        .as_array()
        .expect("array")
        .iter()
        .filter_map(|p| p["kind"].as_str())
        .collect();
    assert_eq!(kinds.iter().filter(|k| **k == "classic_outlook").count(), 2);
    for k in ["teams", "outlook_web_app", "thunderbird"] {
        assert!(kinds.contains(&k), "{k} in {kinds:?}");
    }
    let dup: Vec<&str> = v["profiles"][0]["duplicate_of"]
        .as_array()
        .expect("array")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert_eq!(dup, vec!["Outlook - Copy"]);
    let tb = v["accounts"]
        .as_array()
        .expect("array")
        .iter()
        .find(|a| a["client"] == "thunderbird")
        .expect("thunderbird account");
    assert_eq!(tb["host"], "outlook.office365.com");
    assert!(tb["source"].as_str().unwrap_or("").ends_with("prefs.js"));
    for s in v["sources"].as_array().expect("array") {
        assert!(s["ms"].is_number(), "{s}");
        assert!(
            ["ok", "skipped", "failed"].contains(&s["status"].as_str().unwrap_or("")),
            "{s}"
        );
    }
}

#[test]
fn registry_file_and_home_offline() {
    let dir = tempfile::tempdir().expect("tmp");
    let pc = sandbox::pc::write_simulated_pc(dir.path()).expect("pc");
    let reg = pc.registry_files[0].to_str().expect("utf-8 path");
    let home = pc.home.to_str().expect("utf-8 path");
    let v = json_of(&[
        "scan",
        "--json",
        "--no-live",
        "--registry-file",
        reg,
        "--home",
        home,
    ]);
    assert_eq!(v["processes"].as_array().map(Vec::len), Some(0));
    assert_eq!(v["profiles"].as_array().map(Vec::len), Some(2));
    let processes = v["sources"]
        .as_array()
        .expect("array")
        .iter()
        .find(|s| s["name"] == "processes")
        .expect("processes source");
    assert_eq!(processes["status"], "skipped");
    assert_eq!(v["accounts"][0]["email"], sandbox::pc::ACCOUNT);
}

#[test]
fn failed_sources_still_exit_zero() {
    let dir = tempfile::tempdir().expect("tmp");
    let garbage = dir.path().join("garbage.reg");
    std::fs::write(&garbage, "not an export").expect("write");
    let v = json_of(&[
        "scan",
        "--json",
        "--no-live",
        "--home",
        dir.path().to_str().expect("utf-8"),
        "--registry-file",
        garbage.to_str().expect("utf-8"),
    ]);
    let reg = v["sources"]
        .as_array()
        .expect("array")
        .iter()
        .find(|s| s["name"] == "registry")
        .expect("registry source");
    assert_eq!(reg["status"], "failed");
    assert!(
        reg["reason"]
            .as_str()
            .unwrap_or("")
            .contains("not a registry export")
    );
}

#[test]
fn unreadable_registry_file_is_a_one_line_error() {
    let dir = tempfile::tempdir().expect("tmp");
    let missing = dir.path().join("missing.reg");
    let out = cli()
        .args([
            "scan",
            "--json",
            "--registry-file",
            missing.to_str().expect("utf-8"),
        ])
        .assert()
        .failure()
        .get_output()
        .clone();
    let err = String::from_utf8(out.stderr).expect("utf-8");
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(err.contains("missing.reg"), "{err}");
    assert!(out.stdout.is_empty());
    // A directory is not a readable export either.
    cli()
        .args([
            "scan",
            "--json",
            "--registry-file",
            dir.path().to_str().expect("utf-8"),
        ])
        .assert()
        .failure();
}

#[test]
fn an_oversized_registry_file_is_refused_before_it_is_read() {
    let dir = tempfile::tempdir().expect("tmp");
    let big = dir.path().join("huge.reg");
    // Sparse: 257 MB on paper, nothing on disk.
    std::fs::File::create(&big)
        .and_then(|f| f.set_len(257 * 1024 * 1024))
        .expect("sparse file");
    let out = cli()
        .args([
            "scan",
            "--json",
            "--no-live",
            "--registry-file",
            big.to_str().expect("utf-8"),
        ])
        .assert()
        .failure()
        .get_output()
        .clone();
    let err = String::from_utf8(out.stderr).expect("utf-8");
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(err.contains("input_too_large"), "{err}");
    assert!(err.contains("at most 256 MB"), "{err}");
    assert!(err.contains("reg export"), "{err}");
    assert!(out.stdout.is_empty());
}

#[test]
fn bad_arguments_fail() {
    cli().args(["scan", "--json", "--bogus"]).assert().failure();
    cli().args(["scan", "--home"]).assert().failure();
}

#[test]
fn text_summary_without_json() {
    let out = cli()
        .args(["scan", "--demo"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).expect("utf-8");
    assert!(
        text.contains("2 Outlook profiles (2 with a duplicate)"),
        "{text}"
    );
}
