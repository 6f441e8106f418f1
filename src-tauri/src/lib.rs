//! The Tauri shell of Session Doctor: window, plugins and command registration only.

mod commands;
pub mod logging;
mod privacy;
mod rendering;

use doctor::AppContext;
use tauri::Manager;

/// The command list, shared by the app and the TypeScript binding export.
pub fn specta_builder<R: tauri::Runtime>() -> tauri_specta::Builder<R> {
    // Unified serde mode: our types only travel Rust -> UI, so one TS type per Rust type.
    tauri_specta::Builder::<R>::new()
        .disable_serde_phases()
        // The UI draws one progress row per scan source before the first event arrives.
        .constant("SCAN_SOURCES", scan::SOURCE_NAMES)
        .commands(tauri_specta::collect_commands![
            commands::get_mode,
            commands::enter_demo,
            commands::leave_demo,
            commands::start_check,
            commands::run_scan,
            commands::decode_error,
            commands::open_page,
            commands::get_plan,
            commands::plan_extras,
            commands::wizard_plan,
            commands::register_app_script,
            commands::wizard_progress,
            commands::save_wizard_progress,
            commands::account_status,
            commands::sign_in,
            commands::start_device_code,
            commands::finish_device_code,
            commands::cloud_snapshot,
            commands::sign_out_everywhere,
            commands::forget_sign_in,
            commands::set_language,
            commands::get_session,
            commands::preview_action,
            commands::run_action,
            commands::undo_action,
            commands::finish_action,
            commands::roll_back_action,
            commands::bisect_start,
            commands::bisect_answer,
            commands::bisect_finish,
            commands::bisect_state,
            commands::bisect_restore_all,
            commands::get_settings,
            commands::build_report,
            commands::save_report,
            commands::admin_access,
            commands::admin_search,
            commands::admin_import_csv,
            commands::admin_user_activity,
            commands::admin_revoke,
        ])
}

/// Where the generated bindings live, relative to this crate.
pub const BINDINGS_PATH: &str = "../ui/src/bindings.ts";

/// Renders the TypeScript bindings for the current commands and types.
pub fn render_bindings() -> Result<String, String> {
    let dir = std::env::temp_dir().join(format!("session-doctor-bindings-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let file = dir.join("bindings.ts");
    specta_builder::<tauri::Wry>()
        .export(bindings_exporter(), &file)
        .map_err(|e| e.to_string())?;
    let text = std::fs::read_to_string(&file).map_err(|e| e.to_string())?;
    let _ = std::fs::remove_dir_all(&dir);
    Ok(text)
}

fn bindings_exporter() -> specta_typescript::Typescript {
    specta_typescript::Typescript::default()
        .header("// Generated from Rust by `make bindings`. Do not edit: CI fails when stale.\n")
}

/// True when `--demo` was passed on the command line.
fn demo_requested() -> bool {
    std::env::args().skip(1).any(|a| a == "--demo")
}

/// Builds the app with every plugin and command; shared by `run` and the command tests.
pub fn build_app<R: tauri::Runtime>(
    builder: tauri::Builder<R>,
    ctx: AppContext,
) -> tauri::Builder<R> {
    let specta = specta_builder::<R>();
    builder.manage(ctx).invoke_handler(specta.invoke_handler())
}

pub fn run() {
    privacy::private_files_by_default();
    rendering::prefer_software_painting();
    let ctx = if demo_requested() {
        AppContext::demo().unwrap_or_else(|e| {
            eprintln!("session-doctor: {} {}", e.message, e.hint);
            AppContext::live()
        })
    } else {
        AppContext::live()
    };
    // single-instance first: a second launch must focus this window before anything else runs.
    let builder = tauri::Builder::default()
        .plugin(tauri_plugin_single_instance::init(|app, _args, _cwd| {
            if let Some(window) = app.get_webview_window("main") {
                let _ = window.unminimize();
                let _ = window.set_focus();
            }
        }))
        .plugin(logging::builder(true).build())
        .plugin(tauri_plugin_opener::init())
        // Used from Rust only (the save dialog); the page gets no dialog permission.
        .plugin(tauri_plugin_dialog::init())
        .setup(|app| {
            // Live repairs keep their journal and backups in the app's data folder.
            if let Ok(dir) = app.path().app_data_dir() {
                app.state::<AppContext>().set_data_dir(dir);
            }
            // Sign-in opens Microsoft's page in the system browser through the opener.
            let handle = app.handle().clone();
            // Reports are saved where the user picks in the native save dialog.
            let dialog = app.handle().clone();
            app.state::<AppContext>().set_save_picker(move |name| {
                use tauri_plugin_dialog::DialogExt;
                dialog
                    .dialog()
                    .file()
                    .set_file_name(name)
                    .blocking_save_file()
                    .and_then(|p| p.into_path().ok())
            });
            app.state::<AppContext>().set_browser(move |url| {
                use tauri_plugin_opener::OpenerExt;
                handle
                    .opener()
                    .open_url(url, None::<&str>)
                    .map_err(|e| e.to_string())
            });
            Ok(())
        });
    let result = build_app(builder, ctx).run(tauri::generate_context!());
    if let Err(e) = result {
        eprintln!("session-doctor: the window could not start: {e}");
        std::process::exit(1);
    }
}
