//! `diagnose` as a help desk runs it: the real binary on the simulated PC.

#[test]
fn diagnose_json_lists_findings_with_evidence_and_the_ordered_plan() {
    let out = crate::common::cli()
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
    let out = crate::common::cli()
        .args(["diagnose", "--json", "--no-live", "--track", "personal"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&out).expect("json");
    assert_eq!(v["plan"][0]["id"], "personal_sign_out_everywhere");
}

fn diagnose_with_env(vars: &[(&str, &str)], args: &[&str]) -> String {
    crate::common::cli_with_env(vars, args)
}

#[test]
fn spanish_locale_diagnosis_has_no_english_sentence() {
    let text = diagnose_with_env(&[("LANG", "es_ES.UTF-8")], &["diagnose", "--demo"]);
    let mut leaked = words::english_left(&text, words::Lang::Es);
    // The plan's English titles (the catalog holds their Spanish).
    for track in [doctor::plan::Track::Work, doctor::plan::Track::Personal] {
        for step in doctor::plan::plan(track) {
            if text.contains(&step.title) {
                leaked.push(format!("step {}: {}", step.id, step.title));
            }
            // Steps are named by title, never by id.
            assert!(
                !text.contains(&format!(" {}\n", step.id)),
                "raw step id {}",
                step.id
            );
        }
    }
    assert!(
        leaked.is_empty(),
        "English on a Spanish diagnosis: {leaked:#?}\n{text}"
    );
    assert!(text.contains("Plan de reparación:"), "{text}");
    assert!(
        text.contains("Outlook está abierto 2 veces en este equipo"),
        "{text}"
    );
    // Mail apps by name, not by their JSON id.
    assert!(!text.contains("thunderbird"), "{text}");
}

#[test]
fn lang_flag_wins_over_the_locale_and_english_is_the_fallback() {
    let forced = diagnose_with_env(
        &[("LANG", "es_ES.UTF-8")],
        &["--lang", "en", "diagnose", "--demo"],
    );
    assert!(
        forced.contains("Plan:") && forced.contains("Outlook is running 2 times"),
        "{forced}"
    );
    let other = diagnose_with_env(&[("LANG", "de_DE.UTF-8")], &["diagnose", "--demo"]);
    assert!(other.contains("Plan:"), "{other}");
    let spanish = diagnose_with_env(&[], &["diagnose", "--demo", "--lang", "es"]);
    assert!(spanish.contains("Plan de reparación:"), "{spanish}");
    // JSON is for scripts: English unless --lang asks.
    let json = diagnose_with_env(
        &[("LANG", "es_ES.UTF-8")],
        &["diagnose", "--demo", "--json"],
    );
    assert!(json.contains("Outlook is running 2 times"), "{json}");
}

/// `check` and `scan` speak the reader's language too: the verdict, the findings with their
/// step's title, the start sentence and the sources' reasons.
#[test]
fn spanish_locale_check_and_scan_have_no_english_sentence() {
    // `check` exits 0 without --exit-code whatever it found.
    let check = diagnose_with_env(&[("LANG", "es_ES.UTF-8")], &["check", "--demo"]);
    let scan = diagnose_with_env(&[("LANG", "es_ES.UTF-8")], &["scan", "--demo"]);
    for text in [&check, &scan] {
        assert_eq!(
            words::english_left(text, words::Lang::Es),
            Vec::<String>::new(),
            "{text}"
        );
        assert!(!text.contains("-> step "), "a raw step id: {text}");
    }
    assert!(check.contains("Modo de demostración"), "{check}");
    assert!(check.contains("hallazgos:"), "{check}");
    assert!(check.contains("-> paso: "), "{check}");
    assert!(scan.contains("perfiles de Outlook"), "{scan}");
    assert!(
        scan.contains("solo en un análisis en directo en Windows"),
        "{scan}"
    );
    // The JSON stays English for scripts.
    let json = diagnose_with_env(&[("LANG", "es_ES.UTF-8")], &["check", "--demo", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&json).expect("json");
    assert!(
        v["verdict"]
            .as_str()
            .is_some_and(|s| s.contains("finding(s)")),
        "{v}"
    );
}
