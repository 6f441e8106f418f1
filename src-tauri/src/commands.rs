//! The app's commands. Each body is one call into `doctor`: the shell holds no logic.

use doctor::{AppContext, AppError, Mode, StartReport};
use tauri::State;

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
