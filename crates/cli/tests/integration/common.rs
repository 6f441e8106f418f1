//! What several test files need: the real binary run with a locale of the test's choosing.

use assert_cmd::Command;

/// The CLI's stdout for `args`, with the locale variables `vars` and none of the machine's
/// own, and no IT preset from the machine running the tests. Fails the test on a non-zero
/// exit.
pub fn cli_with_env(vars: &[(&str, &str)], args: &[&str]) -> String {
    let mut cmd = cli();
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

/// The locale variables a test run may inherit from the machine. Tests that read English
/// (or Spanish) output set the language themselves; a developer's `LANG=es_ES.UTF-8` must
/// not turn an English assertion red.
const LOCALE_VARS: [&str; 4] = ["LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"];

/// A command without the machine's locale: English unless the test says otherwise.
pub trait NoLocale {
    /// Removes the locale variables from the child's environment.
    fn no_locale(&mut self) -> &mut Self;
}

impl NoLocale for Command {
    fn no_locale(&mut self) -> &mut Self {
        for name in LOCALE_VARS {
            self.env_remove(name);
        }
        self
    }
}

impl NoLocale for std::process::Command {
    fn no_locale(&mut self) -> &mut Self {
        for name in LOCALE_VARS {
            self.env_remove(name);
        }
        self
    }
}

/// The CLI binary, in English unless the test sets a language.
pub fn cli() -> Command {
    let mut cmd = Command::cargo_bin("session-doctor-cli").expect("binary is built");
    cmd.no_locale();
    cmd
}
