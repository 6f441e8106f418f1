//! `session-doctor-cli check --exit-code` as Intune and Configuration Manager run it: the
//! real binary, its exit status being the answer (0 clean, 1 findings, 2 could not check).

use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;

fn cli() -> Command {
    crate::common::cli()
}

/// `check` on an empty computer: an empty home (also as HOME, so nothing of this machine's
/// user leaks in), no live processes, no registry.
fn empty_pc(home: &Path, extra: &[&str]) -> Command {
    let mut c = cli();
    c.env("HOME", home)
        .env("USERPROFILE", home)
        .args(["check", "--exit-code", "--no-live", "--home"])
        .arg(home)
        .args(extra);
    c
}

fn json(stdout: &[u8]) -> Value {
    serde_json::from_slice(stdout).expect("one JSON object")
}

#[test]
fn an_empty_pc_exits_0() {
    let home = tempfile::tempdir().expect("tmp");
    let out = empty_pc(home.path(), &["--json"])
        .assert()
        .code(0)
        .get_output()
        .clone();
    let v = json(&out.stdout);
    assert_eq!(v["result"], "clean", "{v:#}");
    assert_eq!(v["exit_code"], 0);
    assert_eq!(v["findings"], Value::Array(vec![]));
    assert_eq!(v["mode"]["kind"], "live");
    // The text form says so too.
    let out = empty_pc(home.path(), &[])
        .assert()
        .code(0)
        .get_output()
        .clone();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("Nothing found"), "{text}");
}

#[test]
fn the_demo_pc_exits_1_with_its_findings() {
    let out = cli()
        .args(["check", "--exit-code", "--demo", "--json"])
        .assert()
        .code(1)
        .get_output()
        .clone();
    let v = json(&out.stdout);
    assert_eq!(v["result"], "findings");
    assert_eq!(v["exit_code"], 1);
    let codes: Vec<&str> = v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter_map(|f| f["code"].as_str())
        .collect();
    assert!(codes.contains(&"duplicate_profiles"), "{codes:?}");
    // The start check still ran: the simulated tenant answered.
    assert_eq!(v["tenant"]["status"], "ok");
}

#[test]
fn a_registry_export_with_a_duplicate_profile_exits_1() {
    // The simulated PC's export alone, offline: the .reg input a help desk is sent.
    let dir = tempfile::tempdir().expect("tmp");
    let pc = sandbox::pc::write_simulated_pc(dir.path()).expect("pc");
    let home = tempfile::tempdir().expect("tmp");
    let reg = pc.registry_files[0].to_str().expect("utf-8 path");
    empty_pc(home.path(), &["--registry-file", reg])
        .assert()
        .code(1);
}

#[test]
fn without_exit_code_findings_exit_0() {
    // Plain `check` keeps every other command's rule: only an error is non-zero.
    cli().args(["check", "--demo"]).assert().code(0);
}

#[test]
fn an_unreadable_registry_file_exits_2() {
    let home = tempfile::tempdir().expect("tmp");
    let missing = home.path().join("missing.reg");
    let out = empty_pc(home.path(), &["--json", "--registry-file"])
        .arg(&missing)
        .assert()
        .code(2)
        .get_output()
        .clone();
    let v = json(&out.stdout);
    assert_eq!(v["result"], "could_not_check");
    assert!(
        v["error"]
            .as_str()
            .is_some_and(|e| e.contains("missing.reg")),
        "{v:#}"
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    // Without --exit-code the same error is the usual exit 1.
    let mut plain = cli();
    plain
        .args(["check", "--no-live", "--registry-file"])
        .arg(&missing)
        .assert()
        .code(1);
}

#[test]
fn an_export_that_cannot_be_read_as_a_registry_exits_2() {
    // The file opens, but the registry source fails on it: nothing was found, and nothing
    // could have been, so this is not "clean".
    let home = tempfile::tempdir().expect("tmp");
    let garbage = home.path().join("garbage.reg");
    std::fs::write(&garbage, "not an export").expect("write");
    let out = empty_pc(home.path(), &["--json", "--registry-file"])
        .arg(&garbage)
        .assert()
        .code(2)
        .get_output()
        .clone();
    let v = json(&out.stdout);
    assert_eq!(v["result"], "could_not_check", "{v:#}");
    assert_eq!(v["failed_sources"][0]["name"], "registry", "{v:#}");
}

#[test]
fn a_home_that_is_not_a_folder_exits_2() {
    let home = tempfile::tempdir().expect("tmp");
    let file = home.path().join("file");
    std::fs::write(&file, "x").expect("write");
    let mut c = cli();
    c.args(["check", "--exit-code", "--no-live", "--home"])
        .arg(&file)
        .assert()
        .code(2);
}

#[test]
fn a_bad_argument_exits_2_too() {
    // clap's usage errors exit 2: a fleet tool never mistakes a typo for "clean".
    cli()
        .args(["check", "--exit-code", "--no-such-option"])
        .assert()
        .code(2);
}
