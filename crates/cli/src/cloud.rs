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
use words::{Lang, Words};

use crate::Language;

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

fn session(admin: bool, lang: Lang) -> Result<CloudSession, String> {
    // What IT preset (config file, environment variables) over the defaults, as in the app.
    let preset = settings::load();
    let describe = |e| describe(e, lang);
    let mut cfg = CloudConfig::from_lookup(|k| preset.cloud_value(k)).map_err(describe)?;
    cfg.admin = admin;
    let service = std::env::var(ENV_KEYRING_SERVICE)
        .ok()
        .filter(|s| !s.trim().is_empty())
        .unwrap_or_else(|| DEFAULT_KEYRING_SERVICE.to_owned());
    let store: Arc<dyn TokenStore> = Arc::new(KeyringStore::new(service));
    CloudSession::new(cfg, store).map_err(describe)
}

/// A cloud error as one line: what happened, its code (for scripts and tickets) and what
/// to do, in `lang`, in the same words as the app's error card.
fn describe(e: CloudError, lang: Lang) -> String {
    let said = doctor::account::cloud_error(&e, lang);
    format!(
        "{} [{}]. {}",
        said.message.trim_end_matches('.'),
        e.code(),
        said.hint
    )
}

fn runtime(lang: Lang) -> Result<tokio::runtime::Runtime, String> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Words::of(lang).t("cli.cloud.cannot_start", &[("error", &e)]))
}

/// Opens `url` in the default browser without waiting for it.
fn open_browser(url: &str, lang: Lang) -> Result<(), String> {
    let w = Words::of(lang);
    eprintln!("{}", w.t("cli.cloud.opening_browser", &[("url", &url)]));
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
        eprintln!("{}", w.t("cli.cloud.no_browser", &[("error", &e)]));
    }
    Ok(())
}

pub fn signin(args: &SigninArgs, language: Language) -> Result<(), String> {
    let lang = language.lang;
    let w = Words::of(lang);
    let s = session(args.admin, lang)?;
    let rt = runtime(lang)?;
    let open = |url: &str| open_browser(url, lang);
    let account = rt.block_on(async {
        let first = if args.device_code {
            let started = s.start_device_code().await;
            match started {
                Ok(flow) => {
                    // Our sentence, not Microsoft's `message`: it is in the user's language
                    // and says the same (the page and the code).
                    let p = &flow.prompt;
                    eprintln!(
                        "{}",
                        w.t(
                            "cli.cloud.device_code",
                            &[("url", &p.verification_uri), ("code", &p.user_code)]
                        )
                    );
                    s.finish_device_code(&flow).await
                }
                Err(e) => Err(e),
            }
        } else {
            s.sign_in_browser(open, args.login_hint.as_deref(), lang)
                .await
        };
        match first {
            // MFA wanted: the browser sign-in asks for it, carrying Microsoft's claims
            // challenge (the session keeps it). Once only: a second demand is the answer.
            Err(e @ CloudError::MfaRequired { .. }) => {
                eprintln!(
                    "{}",
                    w.t("cli.cloud.mfa_browser", &[("error", &e.message(lang))])
                );
                s.sign_in_browser(open, args.login_hint.as_deref(), lang)
                    .await
            }
            other => other,
        }
    });
    let account = account.map_err(|e| {
        explain_sign_in_error(&e, args.device_code, lang);
        describe(e, lang)
    })?;
    let key = match account.kind {
        ::cloud::AccountKind::Work => "cli.cloud.signed_in.work",
        ::cloud::AccountKind::Personal => "cli.cloud.signed_in.personal",
    };
    println!("{}", w.t(key, &[("upn", &account.upn)]));
    // Say how long it is kept, as it is: a kernel keyring or a refused save is not "remembered".
    if let Some(remembered) = rt.block_on(s.remembered(lang)) {
        println!("{}", remembered.sentence(lang));
    }
    Ok(())
}

/// What to do about a refused sign-in, in more words than one error line: the
/// admin-consent link and the ticket for IT, or the browser sign-in to use instead.
fn explain_sign_in_error(e: &CloudError, device_code: bool, lang: Lang) {
    let w = Words::of(lang);
    if let Some(consent) = e.admin_consent() {
        // The same ticket as the app's error card, in the user's language.
        let ticket = consent.ticket(lang);
        eprintln!(
            "{}",
            w.t(
                "cli.cloud.consent",
                &[("url", &consent.url), ("ticket", &ticket)]
            )
        );
        return;
    }
    let browser: &dyn std::fmt::Display = &"session-doctor-cli signin";
    match e {
        CloudError::DeviceCodeBlocked { .. } => eprintln!(
            "{}",
            w.t("cli.cloud.device_code_blocked", &[("command", browser)])
        ),
        CloudError::ConditionalAccessBlocked { .. } | CloudError::DeviceNotCompliant { .. }
            if device_code =>
        {
            eprintln!(
                "{}",
                w.t("cli.cloud.rule_refused_code", &[("command", browser)])
            )
        }
        CloudError::ConditionalAccessBlocked { .. } | CloudError::DeviceNotCompliant { .. } => {
            eprintln!("{}", w.t("cli.cloud.rule_refused", &[]))
        }
        _ => {}
    }
}

pub fn sessions(args: &SessionsArgs, language: Language) -> Result<(), String> {
    let lang = language.lang;
    let w = Words::of(lang);
    let s = session(false, lang)?;
    let rt = runtime(lang)?;
    // The notes follow the output: JSON stays English for scripts unless --lang asked.
    let notes_lang = if args.json { language.for_json() } else { lang };
    let snap = rt.block_on(async {
        restored_async(&s, lang).await?;
        s.snapshot(args.user.as_deref(), notes_lang)
            .await
            .map_err(|e| describe(e, lang))
    })?;
    if args.json {
        return crate::output::print_json(&snap);
    }
    let who = snap.target.as_deref().unwrap_or(&snap.account.upn);
    let unknown = w.t("cli.cloud.unknown", &[]);
    println!(
        "{}",
        w.t(
            "cli.cloud.summary",
            &[
                ("who", &who),
                (
                    "devices",
                    &w.count("cli.cloud.devices", snap.devices.len() as u64, &[])
                ),
                (
                    "sign_ins",
                    &w.count("cli.cloud.sign_ins", snap.sign_ins.len() as u64, &[])
                ),
            ]
        )
    );
    for d in &snap.devices {
        println!(
            "{}",
            w.t(
                "cli.cloud.device",
                &[
                    (
                        "name",
                        &d.display_name
                            .clone()
                            .unwrap_or_else(|| w.t("cli.cloud.hidden", &[]))
                    ),
                    ("os", &d.operating_system.as_deref().unwrap_or("?")),
                    (
                        "version",
                        &d.operating_system_version.as_deref().unwrap_or("")
                    ),
                    ("last", &d.last_sign_in.as_deref().unwrap_or(&unknown)),
                ]
            )
        );
    }
    for si in snap.sign_ins.iter().take(20) {
        let key = if si.success {
            "cli.cloud.sign_in"
        } else {
            "cli.cloud.sign_in_failed"
        };
        println!(
            "{}",
            w.t(
                key,
                &[
                    ("when", &si.created),
                    ("app", &si.app),
                    ("client", &si.client_app),
                    (
                        "device",
                        &si.device
                            .as_deref()
                            .or(si.operating_system.as_deref())
                            .unwrap_or("?")
                    ),
                    ("city", &si.city.as_deref().unwrap_or("?")),
                ]
            )
        );
    }
    for n in &snap.notes {
        match &n.manual {
            Some(m) => println!(
                "{}",
                w.t(
                    "cli.cloud.note_link",
                    &[("message", &n.message), ("url", &m.url)]
                )
            ),
            None => println!("{}", w.t("cli.cloud.note", &[("message", &n.message)])),
        }
    }
    Ok(())
}

async fn restored_async(s: &CloudSession, lang: Lang) -> Result<(), String> {
    match s.restore().await.map_err(|e| describe(e, lang))? {
        Some(_) => Ok(()),
        None => Err(describe(CloudError::NotSignedIn, lang)),
    }
}

/// What "sign out everywhere" really does, said before the user agrees (the app's
/// confirmation says the same, in account.confirm_work).
pub fn signout_everywhere_text(who: &str, lang: Lang) -> String {
    Words::of(lang).t("cli.cloud.sign_out_everywhere", &[("who", &who)])
}

/// Whether the line typed at "Continue? [y/N]" is a yes, in English or the user's language.
fn is_yes(line: &str, lang: Lang) -> bool {
    let answer = line.trim().to_lowercase();
    answer == "y"
        || answer == "yes"
        || Words::of(lang)
            .t("cli.cloud.yes_answers", &[])
            .split(',')
            .any(|y| y.trim() == answer)
}

fn confirm(users: &[String], lang: Lang) -> Result<bool, String> {
    let w = Words::of(lang);
    let who = if users.is_empty() {
        w.t("cli.cloud.your_account", &[])
    } else {
        users.join(", ")
    };
    if !std::io::stdin().is_terminal() {
        // Nobody to ask: say what it would do, so the one who adds --yes knows.
        eprint!("{}", signout_everywhere_text(&who, lang));
        return Err(w.t("cli.cloud.unconfirmed", &[]));
    }
    eprint!(
        "{}{}",
        signout_everywhere_text(&who, lang),
        w.t("cli.cloud.continue", &[])
    );
    let _ = std::io::stderr().flush();
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|e| e.to_string())?;
    Ok(is_yes(&line, lang))
}

pub fn signout_everywhere(args: &SignoutEverywhereArgs, language: Language) -> Result<(), String> {
    let lang = language.lang;
    let w = Words::of(lang);
    if !args.yes && !confirm(&args.users, lang)? {
        println!("{}", w.t("cli.cloud.nothing_changed", &[]));
        return Ok(());
    }
    let s = session(false, lang)?;
    let report_lang = if args.json { language.for_json() } else { lang };
    let report = runtime(lang)?.block_on(async {
        restored_async(&s, lang).await?;
        s.sign_out_everywhere(&args.users, report_lang)
            .await
            .map_err(|e| describe(e, lang))
    })?;
    if args.json {
        crate::output::print_json(&report)?;
    } else {
        println!("{}", report.summary);
        for r in &report.results {
            let user: &dyn std::fmt::Display = &r.user;
            match &r.outcome {
                RevokeOutcome::Revoked => {
                    println!("{}", w.t("cli.cloud.result.revoked", &[("user", user)]))
                }
                RevokeOutcome::NotFound => {
                    println!("{}", w.t("cli.cloud.result.not_found", &[("user", user)]))
                }
                RevokeOutcome::Failed { code, message } => println!(
                    "{}",
                    w.t(
                        "cli.cloud.result.failed",
                        &[("user", user), ("code", code), ("message", message)]
                    )
                ),
                RevokeOutcome::Manual { route } => {
                    println!(
                        "{}",
                        w.t(
                            "cli.cloud.result.manual",
                            &[("user", user), ("reason", &route.reason)]
                        )
                    );
                    println!("{}", w.t("cli.cloud.result.open", &[("url", &route.url)]));
                    for step in &route.steps {
                        println!("    - {step}");
                    }
                    println!(
                        "{}",
                        w.t(
                            "cli.cloud.result.takes_effect",
                            &[("when", &route.takes_effect)]
                        )
                    );
                }
            }
        }
    }
    let revoked = report
        .results
        .iter()
        .any(|r| r.outcome == RevokeOutcome::Revoked);
    if revoked && !args.json {
        println!("{}", w.t("cli.cloud.from_now", &[]));
    }
    if report.did_what_it_could() {
        Ok(())
    } else {
        Err(w.t("cli.cloud.some_failed", &[]))
    }
}

pub fn signout(language: Language) -> Result<(), String> {
    let lang = language.lang;
    let s = session(false, lang)?;
    runtime(lang)?
        .block_on(s.sign_out())
        .map_err(|e| describe(e, lang))?;
    println!("{}", Words::of(lang).t("cli.cloud.forgot", &[]));
    Ok(())
}
