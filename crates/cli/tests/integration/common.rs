//! What several test files need: the real binary run with a locale of the test's choosing.

use assert_cmd::Command;

/// The CLI's stdout for `args`, with the locale variables `vars` and none of the machine's
/// own, and no IT preset from the machine running the tests. Fails the test on a non-zero
/// exit.
pub fn cli_with_env(vars: &[(&str, &str)], args: &[&str]) -> String {
    let mut cmd = Command::cargo_bin("session-doctor-cli").expect("binary");
    for name in ["LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"] {
        cmd.env_remove(name);
    }
    for (k, v) in vars {
        cmd.env(k, v);
    }
    let out = cmd
        .args(args)
        .env("SESSION_DOCTOR_CONFIG", "/nonexistent/session-doctor.toml")
        .env_remove("SESSION_DOCTOR_REPORT_PERSONAL_DATA")
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    String::from_utf8(out).expect("utf-8")
}
