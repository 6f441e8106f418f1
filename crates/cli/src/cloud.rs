//! `signin`, `sessions`, `signout-everywhere` and `signout`: the Microsoft account side of
//! Session Doctor for help desks and scripts. Configuration comes from
//! `SESSION_DOCTOR_AUTHORITY`, `SESSION_DOCTOR_TENANT`, `SESSION_DOCTOR_CLIENT_ID` and
//! `SESSION_DOCTOR_GRAPH`; the refresh token lives in the OS keyring only.

use std::io::{BufRead, IsTerminal, Write};
use std::sync::Arc;

use ::cloud::{
    CloudConfig, CloudError, CloudSession, DEFAULT_KEYRING_SERVICE, KeyringStore, RevokeOutcome,
    TokenStore,
};
use clap::Args;

/// Overrides the keyring service name (separate profiles, and tests in a private keyring).
const ENV_KEYRING_SERVICE: &str = "SESSION_DOCTOR_KEYRING_SERVICE";

#[derive(Debug, Args)]
pub struct SigninArgs {
    /// Sign in with a code shown here, entered on another device or browser.
    #[arg(long)]
    device_code: bool,
    /// Also ask for the admin permissions (revoke other users, read the sign-in log).
    #[arg(long)]
    admin: bool,
    /// Pre-fill this account on Microsoft's sign-in page.
    #[arg(long, value_name = "UPN")]
    login_hint: Option<String>,
}

#[derive(Debug, Args)]
pub struct SessionsArgs {
    /// Print JSON (account, devices, sign_ins, capabilities, notes).
    #[arg(long)]
    json: bool,
    /// Look at another user (admins).
    #[arg(long, value_name = "UPN")]
    user: Option<String>,
}

#[derive(Debug, Args)]
pub struct SignoutEverywhereArgs {
    /// Sign out this user everywhere (admins; repeat for many). Default: yourself.
    #[arg(long = "user", value_name = "UPN")]
    users: Vec<String>,
    /// Do not ask for confirmation.
    #[arg(long)]
    yes: bool,
    /// Print the report as JSON.
    #[arg(long)]
    json: bool,
}

fn session(admin: bool) -> Result<CloudSession, String> {
    // What IT preset (config file, environment variables) over the defaults, as in the app.
    let preset = settings::load();
    let mut cfg = CloudConfig::from_lookup(|k| preset.cloud_value(k)).map_err(describe)?;
    cfg.admin = admin;
    let service = std::env::var(ENV_KEYRING_SERVICE)
        .ok()
        .filter(|s| !s.trim().is_empty())
        .unwrap_or_else(|| DEFAULT_KEYRING_SERVICE.to_owned());
    let store: Arc<dyn TokenStore> = Arc::new(KeyringStore::new(service));
    CloudSession::new(cfg, store).map_err(describe)
}

fn describe(e: CloudError) -> String {
    format!("{e} [{}]. {}", e.code(), e.hint(doctor::Lang::En))
}

fn runtime() -> Result<tokio::runtime::Runtime, String> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start: {e}"))
}

/// Opens `url` in the default browser without waiting for it.
fn open_browser(url: &str) -> Result<(), String> {
    eprintln!("Opening your browser to sign in. If it does not open, visit:\n{url}");
    #[cfg(target_os = "windows")]
    let mut cmd = {
        let mut c = std::process::Command::new("rundll32");
        c.args(["url.dll,FileProtocolHandler", url]);
        c
    };
    #[cfg(target_os = "macos")]
    let mut cmd = {
        let mut c = std::process::Command::new("open");
        c.arg(url);
        c
    };
    #[cfg(not(any(target_os = "windows", target_os = "macos")))]
    let mut cmd = {
        let mut c = std::process::Command::new("xdg-open");
        c.arg(url);
        c
    };
    // The URL is printed above, so a missing opener is not fatal.
    if let Err(e) = cmd
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
    {
        eprintln!("(could not start the browser: {e})");
    }
    Ok(())
}

pub fn signin(args: &SigninArgs) -> Result<(), String> {
    let s = session(args.admin)?;
    let rt = runtime()?;
    let account = rt.block_on(async {
        let first = if args.device_code {
            let started = s.start_device_code().await;
            match started {
                Ok(flow) => {
                    let p = &flow.prompt;
                    eprintln!(
                        "{}",
                        p.message.clone().unwrap_or_else(|| format!(
                            "To sign in, open {} and enter the code {}.",
                            p.verification_uri, p.user_code
                        ))
                    );
                    s.finish_device_code(&flow).await
                }
                Err(e) => Err(e),
            }
        } else {
            s.sign_in_browser(open_browser, args.login_hint.as_deref())
                .await
        };
        match first {
            // MFA wanted: the browser sign-in asks for it, carrying Microsoft's claims
            // challenge (the session keeps it). Once only: a second demand is the answer.
            Err(e @ CloudError::MfaRequired { .. }) => {
                eprintln!("{e}. Opening the browser sign-in so Microsoft can ask for it.");
                s.sign_in_browser(open_browser, args.login_hint.as_deref())
                    .await
            }
            other => other,
        }
    });
    let account = account.map_err(|e| {
        explain_sign_in_error(&e, args.device_code);
        describe(e)
    })?;
    let kind = match account.kind {
        ::cloud::AccountKind::Work => "work or school",
        ::cloud::AccountKind::Personal => "personal",
    };
    println!("Signed in as {} ({kind} account).", account.upn);
    // Say how long it is kept, as it is: a kernel keyring or a refused save is not "remembered".
    if let Some(remembered) = rt.block_on(s.remembered()) {
        println!("{}", remembered.sentence());
    }
    Ok(())
}

/// What to do about a refused sign-in, in more words than one error line: the
/// admin-consent link and the ticket for IT, or the browser sign-in to use instead.
fn explain_sign_in_error(e: &CloudError, device_code: bool) {
    if let Some(consent) = e.admin_consent() {
        eprintln!(
            "Your organisation has not given Session Doctor permission yet. An admin grants it once, for everyone, here:\n\n  {}\n\nText for a ticket to IT:\n\n{}\n",
            consent.url, consent.ticket
        );
        return;
    }
    let browser = "session-doctor-cli signin";
    match e {
        CloudError::DeviceCodeBlocked { .. } => eprintln!(
            "Your organisation blocks the sign-in with a code (a Conditional Access rule against device code phishing). Sign in with the browser instead: {browser}"
        ),
        CloudError::ConditionalAccessBlocked { .. } | CloudError::DeviceNotCompliant { .. }
            if device_code =>
        {
            eprintln!(
                "Your organisation's sign-in rules refused this sign-in. The browser sign-in on this computer may be allowed: {browser}"
            )
        }
        CloudError::ConditionalAccessBlocked { .. } | CloudError::DeviceNotCompliant { .. } => {
            eprintln!(
                "This is a rule your organisation set (Conditional Access), not a fault of Session Doctor or of your account."
            )
        }
        _ => {}
    }
}

pub fn sessions(args: &SessionsArgs) -> Result<(), String> {
    let s = session(false)?;
    let rt = runtime()?;
    let snap = rt.block_on(async {
        restored_async(&s).await?;
        s.snapshot(args.user.as_deref()).await.map_err(describe)
    })?;
    if args.json {
        return crate::output::print_json(&snap);
    }
    let who = snap.target.as_deref().unwrap_or(&snap.account.upn);
    println!(
        "{who}: {} devices, {} recent sign-ins",
        snap.devices.len(),
        snap.sign_ins.len()
    );
    for d in &snap.devices {
        println!(
            "  device  {} ({} {}), last sign-in {}",
            d.display_name.as_deref().unwrap_or("(hidden)"),
            d.operating_system.as_deref().unwrap_or("?"),
            d.operating_system_version.as_deref().unwrap_or(""),
            d.last_sign_in.as_deref().unwrap_or("unknown")
        );
    }
    for si in snap.sign_ins.iter().take(20) {
        println!(
            "  sign-in {}  {} via {} on {}, {}{}",
            si.created,
            si.app,
            si.client_app,
            si.device
                .as_deref()
                .or(si.operating_system.as_deref())
                .unwrap_or("?"),
            si.city.as_deref().unwrap_or("?"),
            if si.success { "" } else { "  (failed)" }
        );
    }
    for n in &snap.notes {
        match &n.manual {
            Some(m) => println!("  note    {} -> {}", n.message, m.url),
            None => println!("  note    {}", n.message),
        }
    }
    Ok(())
}

async fn restored_async(s: &CloudSession) -> Result<(), String> {
    match s.restore().await.map_err(describe)? {
        Some(_) => Ok(()),
        None => Err(describe(CloudError::NotSignedIn)),
    }
}

/// What "sign out everywhere" really does, said before the user agrees (the app's
/// confirmation says the same, in account.confirm_work).
pub fn signout_everywhere_text(who: &str) -> String {
    format!(
        "This signs out {who} everywhere. What happens:\n\
         - Within minutes Microsoft cancels every refresh token and browser session: phones, \
         other computers, browsers and this app.\n\
         - Apps that already hold an access token keep working for up to about an hour \
         (less where Continuous Access Evaluation applies, as in Outlook and Teams).\n\
         - It does not close connections that are open right now.\n\
         - Teams, OneDrive and the phone apps will ask to sign in again.\n\
         Best order: close Outlook and the other mail apps you do not need first, sign out \
         everywhere only if the error stays, then wait (up to about an hour) before opening \
         Outlook again. Personal accounts: up to 24 hours.\n"
    )
}

fn confirm(users: &[String]) -> Result<bool, String> {
    let who = if users.is_empty() {
        "your account".to_owned()
    } else {
        users.join(", ")
    };
    if !std::io::stdin().is_terminal() {
        // Nobody to ask: say what it would do, so the one who adds --yes knows.
        eprint!("{}", signout_everywhere_text(&who));
        return Err("refusing to sign out everywhere without confirmation: pass --yes".into());
    }
    eprint!("{}Continue? [y/N] ", signout_everywhere_text(&who));
    let _ = std::io::stderr().flush();
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|e| e.to_string())?;
    Ok(matches!(line.trim(), "y" | "Y" | "yes" | "Yes"))
}

pub fn signout_everywhere(args: &SignoutEverywhereArgs) -> Result<(), String> {
    if !args.yes && !confirm(&args.users)? {
        println!("Nothing was changed.");
        return Ok(());
    }
    let s = session(false)?;
    let report = runtime()?.block_on(async {
        restored_async(&s).await?;
        s.sign_out_everywhere(&args.users).await.map_err(describe)
    })?;
    if args.json {
        crate::output::print_json(&report)?;
    } else {
        println!("{}", report.summary);
        for r in &report.results {
            match &r.outcome {
                RevokeOutcome::Revoked => println!("  {}: signed out everywhere", r.user),
                RevokeOutcome::NotFound => println!("  {}: no such user", r.user),
                RevokeOutcome::Failed { code, message } => {
                    println!("  {}: failed ({code}) {message}", r.user)
                }
                RevokeOutcome::Manual { route } => {
                    println!("  {}: {}", r.user, route.reason);
                    println!("    open {}", route.url);
                    for step in &route.steps {
                        println!("    - {step}");
                    }
                    println!("    takes effect: {}", route.takes_effect);
                }
            }
        }
    }
    let revoked = report
        .results
        .iter()
        .any(|r| r.outcome == RevokeOutcome::Revoked);
    if revoked && !args.json {
        println!(
            "From now: apps already signed in may keep working for up to about an hour, open connections stay open until they close; \
             Teams, OneDrive and phones will ask to sign in again. Wait about an hour from now before judging the result."
        );
    }
    if report.did_what_it_could() {
        Ok(())
    } else {
        Err("some users could not be signed out (see above)".into())
    }
}

pub fn signout() -> Result<(), String> {
    let s = session(false)?;
    runtime()?.block_on(s.sign_out()).map_err(describe)?;
    println!("Forgot the saved sign-in on this computer.");
    Ok(())
}
