//! Declares the app's own commands so each gets an `allow-<command>` permission; the
//! capability file then grants the main window exactly these and nothing else.

fn main() {
    tauri_build::try_build(tauri_build::Attributes::new().app_manifest(
        tauri_build::AppManifest::new().commands(&[
            "get_mode",
            "enter_demo",
            "leave_demo",
            "start_check",
            "run_scan",
            "decode_error",
            "open_page",
            "get_plan",
            "plan_extras",
            "wizard_plan",
            "wizard_progress",
            "save_wizard_progress",
            "account_status",
            "sign_in",
            "start_device_code",
            "finish_device_code",
            "cloud_snapshot",
            "sign_out_everywhere",
            "forget_sign_in",
            "get_diagnosis",
            "preview_action",
            "run_action",
            "undo_action",
            "journal_entries",
            "finish_action",
            "roll_back_action",
            "bisect_start",
            "bisect_answer",
            "bisect_finish",
            "bisect_state",
            "bisect_restore_all",
            "get_settings",
            "build_report",
            "save_report",
            "admin_access",
            "admin_search",
            "admin_import_csv",
            "admin_user_activity",
            "admin_revoke",
        ]),
    ))
    .unwrap_or_else(|e| panic!("tauri build script failed: {e}"));
}
