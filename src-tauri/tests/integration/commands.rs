//! The app's commands through Tauri's real IPC and ACL, on the mock runtime (no display).
//!
//! The context is generated from the shipped tauri.conf.json and capabilities, so these
//! tests also prove the main window may call exactly the app's own commands.

use doctor::AppContext;
use serde_json::Value;
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{INVOKE_KEY, MockRuntime, get_ipc_response, mock_builder};
use tauri::webview::InvokeRequest;
use tauri::{App, WebviewWindow, WebviewWindowBuilder};

fn app(ctx: AppContext) -> App<MockRuntime> {
    session_doctor_lib::build_app(mock_builder(), ctx)
        .build(tauri::generate_context!(test = true))
        .expect("app builds on the mock runtime")
}

fn window(app: &App<MockRuntime>, label: &str) -> WebviewWindow<MockRuntime> {
    WebviewWindowBuilder::new(app, label, Default::default())
        .build()
        .expect("mock window")
}

fn invoke(window: &WebviewWindow<MockRuntime>, cmd: &str) -> Result<Value, Value> {
    invoke_with(window, cmd, Value::Object(Default::default()))
}

fn invoke_with(
    window: &WebviewWindow<MockRuntime>,
    cmd: &str,
    args: Value,
) -> Result<Value, Value> {
    let request = InvokeRequest {
        cmd: cmd.into(),
        callback: CallbackFn(0),
        error: CallbackFn(1),
        // The origin the real app has on Linux and macOS.
        url: "tauri://localhost".parse().expect("url"),
        body: InvokeBody::Json(args),
        headers: Default::default(),
        invoke_key: INVOKE_KEY.to_string(),
    };
    get_ipc_response(window, request).map(|body| body.deserialize::<Value>().expect("json body"))
}

#[test]
fn start_check_answers_in_live_mode() {
    let app = app(AppContext::live());
    let main = window(&app, "main");
    assert_eq!(
        invoke(&main, "get_mode").expect("allowed"),
        serde_json::json!({"kind": "live"})
    );
    let report = invoke(&main, "start_check").expect("start check succeeds");
    assert_eq!(report["app_version"], env!("CARGO_PKG_VERSION"));
    assert!(
        report["summary"]
            .as_str()
            .expect("summary")
            .starts_with("Ready to check")
    );
    assert!(report["tenant"].is_null());
}

#[test]
fn demo_mode_reaches_the_simulated_tenant_through_ipc() {
    let app = app(AppContext::live());
    let main = window(&app, "main");
    let mode = invoke(&main, "enter_demo").expect("demo starts");
    assert_eq!(mode["kind"], "demo");
    assert!(
        mode["tenant_url"]
            .as_str()
            .expect("url")
            .starts_with("http://127.0.0.1:")
    );
    let report = invoke(&main, "start_check").expect("start check in demo");
    assert_eq!(report["tenant"]["status"], "ok");
    assert_eq!(
        invoke(&main, "leave_demo").expect("leave"),
        serde_json::json!({"kind": "live"})
    );
}

#[test]
fn a_window_outside_the_capability_is_refused() {
    let app = app(AppContext::live());
    let other = window(&app, "other");
    let err = invoke(&other, "start_check").expect_err("not granted to other windows");
    assert!(err.to_string().contains("not allowed"), "{err}");
}

#[test]
fn unknown_commands_are_refused() {
    let app = app(AppContext::live());
    let main = window(&app, "main");
    assert!(invoke(&main, "delete_everything").is_err());
}

#[test]
fn decoder_and_plan_answer_through_ipc() {
    let app = app(AppContext::live());
    let main = window(&app, "main");
    let decoded = invoke_with(
        &main,
        "decode_error",
        serde_json::json!({"message": "Event 9646: exceeded the maximum of 32 objects of type session"}),
    )
    .expect("decoded");
    assert_eq!(decoded["limit"], "mapi_sessions_per_user");
    let err = invoke_with(&main, "decode_error", serde_json::json!({"message": "  "}))
        .expect_err("empty input is refused");
    assert_eq!(err["code"], "invalid_input");
    let plan =
        invoke_with(&main, "get_plan", serde_json::json!({"track": "personal"})).expect("plan");
    assert_eq!(plan[0]["id"], "personal_sign_out_everywhere");
}

#[test]
fn the_session_before_any_scan_holds_nothing_to_diagnose() {
    let app = app(AppContext::live());
    let main = window(&app, "main");
    let session = invoke(&main, "get_session").expect("allowed");
    assert!(session["scan"].is_null(), "{session}");
    assert!(session["diagnosis"].is_null(), "{session}");
    assert_eq!(session["changes"], serde_json::json!([]));
    // Live, without a data folder, the journal cannot be opened: said, not hidden.
    assert_eq!(session["journal"], serde_json::json!([]));
    assert_eq!(session["journal_error"]["code"], "internal", "{session}");
}

#[test]
fn demo_repair_preview_and_account_status_through_ipc() {
    let app = app(AppContext::demo().expect("demo"));
    let main = window(&app, "main");
    let status = invoke(&main, "account_status").expect("status");
    assert_eq!(status["configured"], true);
    assert!(status["demo_users"].as_array().expect("users").len() >= 3);
    let preview = invoke_with(
        &main,
        "preview_action",
        serde_json::json!({"request": {"kind": "remove_profile", "name": "Outlook - Copy"}}),
    )
    .expect("preview");
    assert_eq!(preview["undoable"], true);
    let session = invoke(&main, "get_session").expect("session");
    assert_eq!(session["journal"], serde_json::json!([]));
    assert!(session["journal_error"].is_null(), "{session}");
    // A refused repair still returns the session after it, scanned again.
    let acted = invoke_with(
        &main,
        "run_action",
        serde_json::json!({
            "request": {"kind": "remove_profile", "name": "No such profile"},
            "onProgress": "__CHANNEL__:7",
        }),
    )
    .expect("the change was tried");
    let refused = &acted["failed"];
    assert_eq!(refused["code"], "profile_missing");
    assert!(acted["done"].is_null());
    assert!(
        !acted["session"]["scan"]["profiles"]
            .as_array()
            .expect("the simulated PC scanned again")
            .is_empty(),
        "{acted}"
    );
}

#[test]
fn the_guided_fix_keeps_its_place_across_a_restart() {
    let data = tempfile::tempdir().expect("tempdir");
    let progress = serde_json::json!({
        "screen": "step", "track": "personal", "stage": 1, "step": 0,
        "states": {"personal_sign_out_everywhere": "done"}, "message": "event 9646",
        "answers": {"web_works": true, "connections_counted": 7},
    });
    {
        let ctx = AppContext::live();
        ctx.set_data_dir(data.path().to_path_buf());
        let app = app(ctx);
        let main = window(&app, "main");
        let fresh = invoke(&main, "wizard_progress").expect("allowed");
        assert_eq!(fresh["screen"], "message");
        let saved = invoke_with(
            &main,
            "save_wizard_progress",
            serde_json::json!({ "progress": progress }),
        )
        .expect("saved");
        assert_eq!(saved, progress);
        // Without a scan: the track's steps in the seeds' order, nothing found.
        let plan = invoke_with(
            &main,
            "wizard_plan",
            serde_json::json!({ "track": "personal" }),
        )
        .expect("plan");
        assert_eq!(plan["found_here"], 0);
        assert_eq!(
            plan["stages"][0]["steps"][0]["step"]["id"],
            "personal_sign_out_everywhere"
        );
    }
    // A new app (a restart) with the same data folder resumes where the user was.
    let ctx = AppContext::live();
    ctx.set_data_dir(data.path().to_path_buf());
    let app = app(ctx);
    let main = window(&app, "main");
    assert_eq!(invoke(&main, "wizard_progress").expect("allowed"), progress);
    // A progress of the wrong shape is refused by the command, the saved one kept.
    assert!(
        invoke_with(
            &main,
            "save_wizard_progress",
            serde_json::json!({ "progress": {"screen": "nowhere"} })
        )
        .is_err()
    );
    assert_eq!(invoke(&main, "wizard_progress").expect("allowed"), progress);
    // A count no Connection Status dialog shows is refused in words, the saved one kept.
    let mut typo = progress.clone();
    typo["answers"]["connections_counted"] = serde_json::json!(70000);
    let refused = invoke_with(
        &main,
        "save_wizard_progress",
        serde_json::json!({ "progress": typo }),
    )
    .expect_err("refused");
    assert_eq!(refused["code"], "invalid_input", "{refused}");
    assert_eq!(invoke(&main, "wizard_progress").expect("allowed"), progress);
    // The answers reach the report from the saved progress, named as the user's.
    let view = invoke_with(
        &main,
        "build_report",
        serde_json::json!({ "request": {
            "include_personal_data": false, "track": "personal", "steps": [], "error_message": null,
        }}),
    )
    .expect("report");
    assert_eq!(view["report"]["answers"]["connections_counted"], 7);
    assert_eq!(view["report"]["answers"]["web_works"], true);
    let ticket = view["ticket"].as_str().unwrap_or_default();
    assert!(
        ticket.contains("Connection Status (the user's answer): 7 connections counted"),
        "{ticket}"
    );
}

/// The Help desk tab hands IT the same registration script as docs/ and the CLI.
#[test]
fn the_help_desk_gets_the_documented_registration_script() {
    let app = app(AppContext::live());
    let main = window(&app, "main");
    let script = invoke(&main, "register_app_script").expect("allowed");
    let docs = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../docs/register-app.ps1"
    ))
    .expect("docs/register-app.ps1");
    assert_eq!(script.as_str(), Some(docs.as_str()));
    assert!(docs.contains("New-MgApplication"), "a real Graph script");
}
