//! `report` as a help desk runs it: the real binary on the simulated PC, printing to stdout.

/// Known personal data of the simulated PC (its user, mailbox, computer name).
const PERSONAL: &[&str] = &["megan.bowen@contoso.example", "Megan Bowen", "MEGAN-LAPTOP"];

fn run(args: &[&str]) -> String {
    run_with_env(&[], args)
}

/// [`run`] with the locale variables `vars` (none of the machine's own).
fn run_with_env(vars: &[(&str, &str)], args: &[&str]) -> String {
    crate::common::cli_with_env(vars, args)
}

#[test]
fn json_is_redacted_by_default_and_complete() {
    let text = run(&["report", "--json", "--demo", "--no-live"]);
    let v: serde_json::Value = serde_json::from_str(&text).expect("json");
    assert_eq!(v["redacted"], true);
    assert!(v["findings"].as_array().is_some_and(|f| !f.is_empty()));
    assert!(v["admin_commands"].as_array().is_some_and(|c| c.len() >= 4));
    for name in PERSONAL {
        assert!(!text.contains(name), "{name} in the redacted JSON");
    }
}

#[test]
fn personal_data_only_when_asked() {
    let text = run(&[
        "report",
        "--json",
        "--demo",
        "--no-live",
        "--include-personal-data",
    ]);
    assert!(text.contains("megan.bowen@contoso.example"));
    assert!(text.contains("MEGAN-LAPTOP"));
}

#[test]
fn html_and_the_ticket_summary() {
    let html = run(&["report", "--html", "--demo", "--no-live"]);
    assert!(
        html.starts_with("<!DOCTYPE html>"),
        "{}",
        &html[..40.min(html.len())]
    );
    assert!(html.contains("Revoke-MgUserSignInSession"));
    let ticket = run(&["report", "--demo", "--no-live"]);
    assert!(ticket.lines().count() <= 30, "{ticket}");
    assert!(ticket.contains("Likely limit"));
    for name in PERSONAL {
        assert!(
            !html.contains(name) && !ticket.contains(name),
            "{name} leaked"
        );
    }
}

#[test]
fn json_and_html_together_is_a_usage_error() {
    crate::common::cli()
        .args(["report", "--json", "--html", "--demo"])
        .assert()
        .failure();
}

#[test]
fn include_personal_data_is_refused_where_it_forbids_it() {
    let dir = tempfile::tempdir().expect("tmp");
    let config = dir.path().join("config.toml");
    std::fs::write(&config, "[report]\ninclude_personal_data = false\n").expect("write");
    let out = crate::common::cli()
        .args([
            "report",
            "--json",
            "--demo",
            "--no-live",
            "--include-personal-data",
        ])
        .env("SESSION_DOCTOR_CONFIG", &config)
        // The user's own variable cannot reopen what the file closed.
        .env("SESSION_DOCTOR_REPORT_PERSONAL_DATA", "true")
        .assert()
        .failure()
        .get_output()
        .clone();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("--include-personal-data is refused"),
        "{stderr}"
    );
    assert!(stderr.contains("IT"), "{stderr}");
    let stdout = String::from_utf8_lossy(&out.stdout);
    for name in PERSONAL {
        assert!(!stdout.contains(name), "{name} printed anyway");
    }
    // Without the flag the report is made, redacted.
    let ok = crate::common::cli()
        .args(["report", "--json", "--demo", "--no-live"])
        .env("SESSION_DOCTOR_CONFIG", &config)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&ok).expect("json");
    assert_eq!(v["redacted"], true);
}

/// A Spanish locale gets the summary and the HTML in Spanish, with no English sentence of
/// the catalog; the JSON stays English for scripts unless --lang asks, its fields the same.
#[test]
fn a_spanish_locale_gets_a_spanish_report() {
    let es = [("LANG", "es_ES.UTF-8")];
    let ticket = run_with_env(&es, &["report", "--demo", "--no-live"]);
    let html = run_with_env(&es, &["report", "--html", "--demo", "--no-live"]);
    for text in [&ticket, &html] {
        assert_eq!(
            words::english_left(text, words::Lang::Es),
            Vec::<String>::new(),
            "{text}"
        );
    }
    assert!(
        ticket.starts_with("Informe de Session Doctor, "),
        "{ticket}"
    );
    assert!(ticket.contains("Límite probable: "), "{ticket}");
    assert!(html.contains("<html lang=\"es\">"));

    let json = |vars: &[(&str, &str)], extra: &[&str]| -> serde_json::Value {
        let mut args = extra.to_vec();
        args.extend(["report", "--json", "--demo", "--no-live"]);
        serde_json::from_str(&run_with_env(vars, &args)).expect("json")
    };
    let english = json(&es, &[]);
    let spanish = json(&[], &["--lang", "es"]);
    let headline = |v: &serde_json::Value| {
        v["summary"]["headline"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    };
    assert!(headline(&english).contains("findings"), "{english}");
    assert!(headline(&spanish).contains("hallazgos"), "{spanish}");
    let keys = |v: &serde_json::Value| {
        v.as_object()
            .map(|o| o.keys().cloned().collect::<Vec<_>>())
            .unwrap_or_default()
    };
    assert_eq!(keys(&english), keys(&spanish));
    assert_eq!(
        english["findings"][0]["severity"],
        spanish["findings"][0]["severity"]
    );
}
