//! The CLI as a user runs it: a real spawned binary.

use assert_cmd::Command;

fn cli() -> Command {
    crate::common::cli()
}

#[test]
fn version_prints_the_package_version() {
    let out = cli()
        .arg("--version")
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).expect("utf-8");
    assert_eq!(
        text.trim(),
        format!("session-doctor-cli {}", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn help_names_the_problem() {
    let out = cli()
        .arg("--help")
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).expect("utf-8");
    assert!(
        text.contains("maximum number of allowed sessions"),
        "{text}"
    );
    assert!(text.contains("check"), "{text}");
}

#[test]
fn demo_check_prints_snake_case_json_from_the_sandbox() {
    let out = cli()
        .args(["check", "--demo", "--json"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&out).expect("json");
    assert_eq!(v["mode"]["kind"], "demo");
    assert_eq!(v["tenant"]["status"], "ok");
    assert!(v["app_version"].is_string());
}

#[test]
fn unknown_subcommand_fails_with_usage() {
    cli().arg("frobnicate").assert().failure();
}
