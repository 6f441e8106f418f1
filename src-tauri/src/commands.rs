//! The app's commands. Each body is one call into `doctor`: the shell holds no logic.

use cloud::{Account, AccountKind, CloudSnapshot, DeviceCodePrompt, SignOutReport};
use doctor::account::{AccountStatus, BulkRevokeView};
use doctor::decoder::DecodedError;
use doctor::plan::{Step, Track};
use doctor::report::{ReportRequest, ReportView, SavedReport};
use doctor::{
    Acted, AddinCheckRestored, AddinCheckStep, AddinCheckStepped, AppContext, AppError, Change,
    Mode, SessionView, StartReport,
};
use scan::Progress;
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

/// Scans this computer (or the demo's simulated PC), streaming progress per source, and
/// returns the session: the scan, its diagnosis, the journal and what changed.
#[tauri::command]
#[specta::specta]
pub async fn run_scan(
    ctx: State<'_, AppContext>,
    on_progress: Channel<Progress>,
) -> Result<SessionView, AppError> {
    ctx.refresh(move |p| drop(on_progress.send(p))).await
}

/// The session as it stands, without scanning (after a sign-in or a change of language).
#[tauri::command]
#[specta::specta]
pub fn get_session(ctx: State<'_, AppContext>) -> SessionView {
    ctx.session()
}

/// The error decoder: which limit a pasted message points to, and the first steps.
#[tauri::command]
#[specta::specta]
pub fn decode_error(ctx: State<'_, AppContext>, message: String) -> Result<DecodedError, AppError> {
    doctor::decoder::decode_for_user(&message, ctx.lang())
}

/// Opens a Microsoft page in the system browser after the backend checked it (https, no
/// user name, Microsoft's domains only). The page itself may open nothing.
#[tauri::command]
#[specta::specta]
pub fn open_page(ctx: State<'_, AppContext>, url: String) -> Result<(), AppError> {
    ctx.open_page(&url)
}

/// The seed's "methods compared" table and tips, shown with the plan.
#[tauri::command]
#[specta::specta]
pub fn plan_extras(ctx: State<'_, AppContext>) -> doctor::plan::PlanExtras {
    doctor::plan::extras(ctx.lang())
}

/// The ordered repair plan of a track.
#[tauri::command]
#[specta::specta]
pub fn get_plan(track: Track) -> Vec<Step> {
    doctor::plan::plan(track)
}

/// The guided fix of a track (the guessed one when `None`) for the last scan: its stages,
/// each step with what was found for it and the repair behind its button.
#[tauri::command]
#[specta::specta]
pub fn wizard_plan(
    ctx: State<'_, AppContext>,
    track: Option<Track>,
) -> Result<doctor::wizard::WizardPlan, AppError> {
    ctx.wizard_plan(track)
}

/// The PowerShell script that registers Session Doctor in an organisation's tenant, for
/// the Help desk tab (the same bytes as `docs/register-app.ps1` and the CLI's).
#[tauri::command]
#[specta::specta]
pub fn register_app_script() -> String {
    cloud::REGISTER_APP_SCRIPT.to_owned()
}

/// Where the user is in the guided fix (kept across restarts).
#[tauri::command]
#[specta::specta]
pub fn wizard_progress(
    ctx: State<'_, AppContext>,
) -> Result<doctor::wizard::WizardProgress, AppError> {
    ctx.wizard_progress()
}

/// Saves a move through the guided fix; returns the progress as saved.
#[tauri::command]
#[specta::specta]
pub fn save_wizard_progress(
    ctx: State<'_, AppContext>,
    progress: doctor::wizard::WizardProgress,
) -> Result<doctor::wizard::WizardProgress, AppError> {
    ctx.save_wizard_progress(progress)
}

/// Who is signed in (restored from the keyring), and the demo's test users.
#[tauri::command]
#[specta::specta]
pub async fn account_status(ctx: State<'_, AppContext>) -> Result<AccountStatus, AppError> {
    Ok(ctx.account().status().await)
}

/// Browser sign-in: Microsoft's page opens in the system browser and returns to the app.
#[tauri::command]
#[specta::specta]
pub async fn sign_in(
    ctx: State<'_, AppContext>,
    login_hint: Option<String>,
    admin: bool,
    kind: Option<AccountKind>,
) -> Result<Account, AppError> {
    ctx.sign_in(login_hint, admin, kind).await
}

/// Sign-in with a code typed on another device (when the browser cannot come back).
#[tauri::command]
#[specta::specta]
pub async fn start_device_code(
    ctx: State<'_, AppContext>,
    admin: bool,
    kind: Option<AccountKind>,
) -> Result<DeviceCodePrompt, AppError> {
    ctx.account().start_device_code(admin, kind).await
}

/// Waits for the code to be entered.
#[tauri::command]
#[specta::specta]
pub async fn finish_device_code(ctx: State<'_, AppContext>) -> Result<Account, AppError> {
    ctx.account().finish_device_code().await
}

/// The account's devices and recent sign-ins, and what it may do.
#[tauri::command]
#[specta::specta]
pub async fn cloud_snapshot(
    ctx: State<'_, AppContext>,
    user: Option<String>,
) -> Result<CloudSnapshot, AppError> {
    ctx.account().snapshot(user).await
}

/// Signs out every session of the account (or of `users`, for an admin).
#[tauri::command]
#[specta::specta]
pub async fn sign_out_everywhere(
    ctx: State<'_, AppContext>,
    users: Vec<String>,
) -> Result<SignOutReport, AppError> {
    ctx.account().sign_out_everywhere(users).await
}

/// Forgets the sign-in on this computer.
#[tauri::command]
#[specta::specta]
pub async fn forget_sign_in(ctx: State<'_, AppContext>) -> Result<(), AppError> {
    ctx.account().forget().await
}

/// The language the user reads: the backend's sentences (findings, evidence, the estimate,
/// offers) follow it. Called at start and whenever the user switches language.
#[tauri::command]
#[specta::specta]
pub fn set_language(ctx: State<'_, AppContext>, lang: doctor::Lang) {
    ctx.set_lang(lang);
}

/// What a repair would change, shown before the user confirms.
#[tauri::command]
#[specta::specta]
pub fn preview_action(
    ctx: State<'_, AppContext>,
    request: doctor::actions::ActionRequest,
) -> Result<repair::Preview, AppError> {
    ctx.preview_action(&request)
}

// The four changes below scan again and return what they did with the session after it
// (`Acted`): the UI renders it and runs no loop of its own. `async` keeps their waits (a
// polite close, the scan) off the UI thread.

/// Runs a confirmed repair: journal, backup, change, record.
#[tauri::command(async)]
#[specta::specta]
pub fn run_action(
    ctx: State<'_, AppContext>,
    request: doctor::actions::ActionRequest,
    on_progress: Channel<Progress>,
) -> Result<Acted, AppError> {
    ctx.act(Change::Run(&request), move |p| drop(on_progress.send(p)))
}

/// Puts a change back from its backup. Refused with `undo_conflict` when the key changed
/// since; `force` after the user confirmed to overwrite that later edit.
#[tauri::command(async)]
#[specta::specta]
pub fn undo_action(
    ctx: State<'_, AppContext>,
    id: String,
    force: Option<bool>,
    on_progress: Channel<Progress>,
) -> Result<Acted, AppError> {
    let change = Change::Undo {
        id: &id,
        force: force.unwrap_or(false),
    };
    ctx.act(change, move |p| drop(on_progress.send(p)))
}

/// Completes a change the app was killed in the middle of.
#[tauri::command(async)]
#[specta::specta]
pub fn finish_action(
    ctx: State<'_, AppContext>,
    id: String,
    on_progress: Channel<Progress>,
) -> Result<Acted, AppError> {
    ctx.act(Change::Finish(&id), move |p| drop(on_progress.send(p)))
}

/// Rolls back a change the app was killed in the middle of.
#[tauri::command(async)]
#[specta::specta]
pub fn roll_back_action(
    ctx: State<'_, AppContext>,
    id: String,
    on_progress: Channel<Progress>,
) -> Result<Acted, AppError> {
    ctx.act(Change::RollBack(&id), move |p| drop(on_progress.send(p)))
}

/// Starts the add-in check: turns off half of the enabled add-ins (journaled), then scans.
#[tauri::command(async)]
#[specta::specta]
pub fn bisect_start(
    ctx: State<'_, AppContext>,
    on_progress: Channel<Progress>,
) -> Result<AddinCheckStepped, AppError> {
    ctx.addin_check(AddinCheckStep::Start, move |p| drop(on_progress.send(p)))
}

/// Answers "did the error come back?" and moves to the next round, then scans.
#[tauri::command(async)]
#[specta::specta]
pub fn bisect_answer(
    ctx: State<'_, AppContext>,
    error_came_back: bool,
    on_progress: Channel<Progress>,
) -> Result<AddinCheckStepped, AppError> {
    ctx.addin_check(AddinCheckStep::Answer { error_came_back }, move |p| {
        drop(on_progress.send(p))
    })
}

/// Ends the add-in check: everything back on, except the culprit if the user keeps it off;
/// then scans.
#[tauri::command(async)]
#[specta::specta]
pub fn bisect_finish(
    ctx: State<'_, AppContext>,
    keep_culprit_disabled: bool,
    on_progress: Channel<Progress>,
) -> Result<AddinCheckStepped, AppError> {
    ctx.addin_check(
        AddinCheckStep::Finish {
            keep_culprit_disabled,
        },
        move |p| drop(on_progress.send(p)),
    )
}

/// The add-in check under way, if any.
#[tauri::command]
#[specta::specta]
pub fn bisect_state(
    ctx: State<'_, AppContext>,
) -> Result<Option<repair::bisect::Bisect>, AppError> {
    ctx.bisect_state()
}

/// Abandons the add-in check (also one saved before a restart or crash): every add-in it
/// turned off is put back through the journal's undo.
#[tauri::command(async)]
#[specta::specta]
pub fn bisect_restore_all(
    ctx: State<'_, AppContext>,
    on_progress: Channel<Progress>,
) -> Result<AddinCheckRestored, AppError> {
    ctx.addin_check_restore_all(move |p| drop(on_progress.send(p)))
}

/// What IT preset for this app (config file, environment), each value with its source.
#[tauri::command]
#[specta::specta]
pub fn get_settings(ctx: State<'_, AppContext>) -> settings::Settings {
    ctx.settings()
}

/// The help-desk report of this session, with its HTML and the ticket summary.
#[tauri::command]
#[specta::specta]
pub fn build_report(ctx: State<'_, AppContext>, request: ReportRequest) -> ReportView {
    ctx.build_report(&request)
}

/// Saves the report (the save dialog, or the folder IT preset); `None` when cancelled.
#[tauri::command]
#[specta::specta]
pub async fn save_report(
    ctx: State<'_, AppContext>,
    request: ReportRequest,
    format: settings::ReportFormat,
) -> Result<Option<SavedReport>, AppError> {
    ctx.save_report_interactive(&request, format).await
}

/// Admin mode: who is signed in, which roles and permissions they hold or lack.
#[tauri::command]
#[specta::specta]
pub async fn admin_access(ctx: State<'_, AppContext>) -> Result<cloud::AdminAccess, AppError> {
    ctx.account().admin_access().await
}

/// Admin mode: find users by name or address.
#[tauri::command]
#[specta::specta]
pub async fn admin_search(
    ctx: State<'_, AppContext>,
    query: String,
) -> Result<cloud::UserSearch, AppError> {
    ctx.account().admin_search(&query).await
}

/// Admin mode: the user addresses in a CSV file's text, and the lines skipped with why.
#[tauri::command]
#[specta::specta]
pub fn admin_import_csv(
    ctx: State<'_, AppContext>,
    text: String,
) -> Result<cloud::UpnImport, AppError> {
    // Bounded in bytes before it is parsed (CSV_MAX_BYTES); rows are capped inside.
    cloud::import_upn_csv(&text, ctx.lang())
        .map_err(|e| doctor::account::cloud_error(&e, ctx.lang()))
}

/// Admin mode: one user's recent sign-ins and devices.
#[tauri::command]
#[specta::specta]
pub async fn admin_user_activity(
    ctx: State<'_, AppContext>,
    upn: String,
) -> Result<cloud::UserActivity, AppError> {
    ctx.account().admin_user_activity(&upn).await
}

/// Admin mode: signs these users out everywhere, in batches, streaming progress.
#[tauri::command]
#[specta::specta]
pub async fn admin_revoke(
    ctx: State<'_, AppContext>,
    upns: Vec<String>,
    on_progress: Channel<cloud::BatchProgress>,
) -> Result<BulkRevokeView, AppError> {
    ctx.account()
        .admin_revoke(&upns, move |p| drop(on_progress.send(p)))
        .await
}
