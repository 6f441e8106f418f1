//! The app's commands. Each body is one call into `doctor`: the shell holds no logic.

use doctor::decoder::DecodedError;
use doctor::plan::{Step, Track};
use doctor::{AppContext, AppError, Mode, StartReport};
use scan::{Progress, ScanReport};
use tauri::State;
use tauri::ipc::Channel;

/// Live or demo, and where the demo tenant listens.
#[tauri::command]
#[specta::specta]
pub fn get_mode(ctx: State<'_, AppContext>) -> Mode {
    ctx.mode()
}

/// "Try the demo": starts the simulated PC and tenant.
#[tauri::command]
#[specta::specta]
pub fn enter_demo(ctx: State<'_, AppContext>) -> Result<Mode, AppError> {
    ctx.enter_demo()
}

/// Back to this computer and the real Microsoft cloud.
#[tauri::command]
#[specta::specta]
pub fn leave_demo(ctx: State<'_, AppContext>) -> Mode {
    ctx.leave_demo()
}

/// The welcome screen's Start button.
#[tauri::command]
#[specta::specta]
pub async fn start_check(ctx: State<'_, AppContext>) -> Result<StartReport, AppError> {
    ctx.start_check().await
}

/// Scans this computer (or the demo's simulated PC), streaming progress per source.
#[tauri::command]
#[specta::specta]
pub async fn run_scan(
    ctx: State<'_, AppContext>,
    on_progress: Channel<Progress>,
) -> Result<ScanReport, AppError> {
    ctx.scan(move |p| drop(on_progress.send(p))).await
}

/// The error decoder: which limit a pasted message points to, and the first steps.
#[tauri::command]
#[specta::specta]
pub fn decode_error(message: String) -> Result<DecodedError, AppError> {
    doctor::decoder::decode_for_user(&message)
}

/// The ordered repair plan of a track.
#[tauri::command]
#[specta::specta]
pub fn get_plan(track: Track) -> Vec<Step> {
    doctor::plan::plan(track)
}
