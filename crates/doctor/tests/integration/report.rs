//! The help-desk report end to end in demo mode: a real scan of the simulated PC, a real
//! journaled repair, a real sign-in to the simulated tenant, then the report, saved to a
//! temp folder. Nothing personal in it unless asked for; no token in any file written.

use std::path::Path;

use doctor::AppContext;
use doctor::actions::ActionRequest;
use doctor::report::{ReportRequest, StepProgress};
use settings::ReportFormat;

/// Names, addresses, devices and IPs the simulated PC and tenant are known to contain.
const PERSONAL: &[&str] = &[
    "megan.bowen@contoso.example",
    "Megan Bowen",
    "MEGAN-LAPTOP",
    "contoso.example",
];

async fn demo_session() -> AppContext {
    demo_session_in(doctor::Lang::En).await
}

/// [`demo_session`] with the user reading `lang` from the start (the journal keeps each
/// repair's title in the language it was made in).
async fn demo_session_in(lang: doctor::Lang) -> AppContext {
    let ctx = AppContext::demo().expect("demo starts");
    ctx.set_lang(lang);
    ctx.scan(|_| {}).await.expect("scan");
    // A repair, so the report has a journal entry and a before/now.
    ctx.run_action(&ActionRequest::RemoveProfile {
        name: "Outlook - Copy".to_owned(),
        version: None,
    })
    .expect("profile removed");
    ctx.scan(|_| {}).await.expect("rescan");
    let admin = sandbox::demo_users().remove(0).0;
    ctx.sign_in(Some(admin), true, None)
        .await
        .expect("demo admin signs in");
    ctx.account().snapshot(None).await.expect("snapshot");
    ctx
}

fn request(include_personal_data: bool) -> ReportRequest {
    ReportRequest {
        include_personal_data,
        track: None,
        steps: vec![StepProgress {
            id: doctor::plan::StepId::CloseOtherDevices,
            status: domain::StepStatus::Done,
        }],
        error_message: Some(
            "Outlook has exceeded the maximum number of allowed sessions".to_owned(),
        ),
    }
}

/// Every file under `dir`, with its bytes.
fn files(dir: &Path) -> Vec<(std::path::PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if let Ok(bytes) = std::fs::read(&p) {
                out.push((p, bytes));
            }
        }
    }
    out
}

fn contains(hay: &[u8], needle: &str) -> bool {
    let hay = String::from_utf8_lossy(hay).to_lowercase();
    hay.contains(&needle.to_lowercase())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_redacted_report_names_nobody_and_the_full_one_does() {
    let ctx = demo_session().await;
    let redacted = ctx.build_report(&request(false));
    assert!(redacted.report.redacted);
    for text in [
        &redacted.html,
        &redacted.ticket,
        &report::to_json(&redacted.report).expect("json"),
    ] {
        for name in PERSONAL {
            assert!(!contains(text.as_bytes(), name), "{name} leaked");
        }
        assert!(
            !text.contains("sbx-at.") && !text.contains("sbx-rt."),
            "a token leaked"
        );
    }
    // The session's facts are all there: findings, the repair, before/now, the step,
    // the admin commands filled in with the pseudonym.
    let r = &redacted.report;
    assert!(!r.findings.is_empty());
    assert!(
        r.repairs.iter().any(|l| l.what.contains("profile")),
        "{:?}",
        r.repairs
    );
    assert!(
        r.before_after
            .iter()
            .any(|m| m.label == "Duplicate profiles" && m.before == 2 && m.now == 0),
        "{:?}",
        r.before_after
    );
    assert!(
        r.steps
            .iter()
            .any(|s| s.id == "close_other_devices" && s.status == domain::StepStatus::Done)
    );
    let account = r
        .account
        .clone()
        .expect("the account is named by pseudonym");
    assert!(account.starts_with("user-"), "{account}");
    let revoke = r
        .admin_commands
        .iter()
        .find(|c| c.command.starts_with("Revoke-MgUserSignInSession"))
        .expect("the revoke command");
    assert!(revoke.command.contains(&account), "{}", revoke.command);
    assert!(
        r.devices.len() >= 6,
        "the tenant's devices, renamed: {}",
        r.devices.len()
    );

    let full = ctx.build_report(&request(true));
    assert!(!full.report.redacted);
    assert!(full.html.contains("megan.bowen@contoso.example"));
    assert!(full.html.contains("MEGAN-LAPTOP"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn saved_reports_are_private_files_without_tokens() {
    let ctx = demo_session().await;
    let dir = tempfile::tempdir().expect("tmp");
    let html = ctx
        .save_report(
            &request(false),
            ReportFormat::Html,
            Some(dir.path().join("report.html")),
        )
        .expect("saved");
    let json = ctx
        .save_report(
            &request(false),
            ReportFormat::Json,
            Some(dir.path().join("report.json")),
        )
        .expect("saved");
    assert!(html.redacted && json.redacted);
    let parsed = report::from_json(&std::fs::read_to_string(&json.path).expect("read"))
        .expect("the JSON reads back");
    assert!(parsed.redacted);

    // Every file the session wrote: the reports and the demo's journal and backups.
    let mut written = files(dir.path());
    if let Some(pc) = ctx.demo_dir() {
        written.extend(files(&pc));
    }
    assert!(written.len() >= 3, "{} files", written.len());
    for (path, bytes) in &written {
        assert!(
            !contains(bytes, "sbx-at.") && !contains(bytes, "sbx-rt."),
            "token in {path:?}"
        );
    }
    for (path, bytes) in files(dir.path()) {
        for name in PERSONAL {
            assert!(!contains(&bytes, name), "{name} in {path:?}");
        }
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).expect("meta").permissions().mode() & 0o777;
            assert_eq!(mode, 0o600, "{path:?} is {mode:o}");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_target_the_preset_folder_is_used_and_nothing_is_overwritten() {
    let ctx = AppContext::demo().expect("demo");
    ctx.scan(|_| {}).await.expect("scan");
    // No folder preset and no file chosen: a clear error, nothing written.
    if ctx.settings().report_folder.value.is_none() {
        let err = ctx
            .save_report(&request(false), ReportFormat::Html, None)
            .expect_err("nowhere to save");
        assert!(err.hint.contains("save dialog"), "{}", err.hint);
    }
    // An unwritable target is a clear error too.
    let err = ctx
        .save_report(
            &request(false),
            ReportFormat::Html,
            Some("/proc/session-doctor/report.html".into()),
        )
        .expect_err("cannot write there");
    assert!(
        err.message.contains("could not be saved"),
        "{}",
        err.message
    );
}

#[test]
fn it_forbidding_personal_data_overrules_the_request_with_a_notice() {
    let dir = tempfile::tempdir().expect("tmp");
    let config = dir.path().join("config.toml");
    std::fs::write(&config, "[report]\ninclude_personal_data = false\n").expect("write");
    let forbidden = settings::load_from(|_| None, &config);
    let (include, notice) =
        doctor::report::personal_data_choice(&request(true), &forbidden, words::Lang::En);
    assert!(!include, "the backend redacts whatever the UI asked");
    assert!(
        notice
            .as_deref()
            .is_some_and(|n| n.contains("IT department")),
        "{notice:?}"
    );
    // Not asked: nothing to say. No prohibition: the request stands.
    assert_eq!(
        doctor::report::personal_data_choice(&request(false), &forbidden, words::Lang::En),
        (false, None)
    );
    let open = settings::load_from(|_| None, &dir.path().join("missing.toml"));
    assert_eq!(
        doctor::report::personal_data_choice(&request(true), &open, words::Lang::En),
        (true, None)
    );
}

/// A Spanish session's report is Spanish throughout: the sentences the report writes, the
/// diagnosis, the steps, the repairs' results and the measures, with `<html lang="es">`;
/// switching back gives the English report again.
#[tokio::test]
async fn a_spanish_session_reports_in_spanish() {
    let ctx = demo_session_in(doctor::Lang::Es).await;
    for include in [false, true] {
        let view = ctx.build_report(&request(include));
        for (what, text) in [("html", &view.html), ("ticket", &view.ticket)] {
            assert_eq!(
                words::english_left(text, doctor::Lang::Es),
                Vec::<String>::new(),
                "{what}:\n{text}"
            );
        }
        assert!(view.html.contains("<html lang=\"es\">"));
        assert!(
            view.ticket.starts_with("Informe de Session Doctor, "),
            "{}",
            view.ticket
        );
        assert!(
            view.report.repairs.iter().any(|r| r.result == "aplicada"),
            "{:?}",
            view.report.repairs
        );
        assert!(
            view.report
                .before_after
                .iter()
                .any(|m| m.label == "Perfiles duplicados"),
            "{:?}",
            view.report.before_after
        );
        // The JSON keeps its codes (typed now: a translated status cannot be stored).
        let json = report::to_json(&view.report).expect("json");
        assert!(!json.contains("\"hecho\""), "{json}");
        assert!(
            json.contains("\"status\": \"pending\"") || json.contains("\"status\":\"pending\""),
            "{json}"
        );
    }
    let dir = tempfile::tempdir().expect("tmp");
    let config = dir.path().join("config.toml");
    std::fs::write(&config, "[report]\ninclude_personal_data = false\n").expect("write");
    let forbidden = settings::load_from(|_| None, &config);
    let (_, notice) =
        doctor::report::personal_data_choice(&request(true), &forbidden, doctor::Lang::Es);
    assert!(
        notice
            .as_deref()
            .is_some_and(|n| n.contains("departamento de TI")),
        "{notice:?}"
    );

    ctx.set_lang(doctor::Lang::En);
    let view = ctx.build_report(&request(false));
    assert!(view.html.contains("<html lang=\"en\">"));
    assert!(
        view.ticket.starts_with("Session Doctor report, "),
        "{}",
        view.ticket
    );
    assert!(
        view.report.repairs.iter().any(|r| r.result == "applied"),
        "{:?}",
        view.report.repairs
    );
}
