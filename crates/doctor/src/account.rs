//! The Microsoft account side of the app: sign-in (browser or code), the sessions snapshot,
//! and sign out everywhere, for the current mode. Live mode keeps the refresh token in the
//! OS keyring; demo mode talks to the simulated tenant and keeps tokens in memory only, so
//! the demo never touches the real keyring.

use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use cloud::{
    Account, AccountKind, CloudConfig, CloudError, CloudSession, CloudSnapshot, DeviceCodeFlow,
    DeviceCodePrompt, KeyringStore, MemoryStore, SignOutReport, TokenStore,
};
use serde::Serialize;

use crate::error::{AppError, ErrorAction, ErrorCode};
use words::{Lang, Words};

/// The answer to a bulk sign-out: one result per user, the counts, and who to retry.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct BulkRevokeView {
    /// Each user's result, in the order given.
    pub results: Vec<cloud::UserRevokeResult>,
    /// The counts and one sentence.
    pub summary: cloud::BulkRevokeSummary,
    /// The users whose failure may pass on a second try ("Retry the failed ones").
    pub retry: Vec<String>,
}

/// Where the cloud calls go.
#[derive(Debug, Clone)]
pub enum Endpoint {
    /// Microsoft, as configured by IT (config file, environment) over the defaults.
    Live,
    /// The simulated tenant at this base URL.
    Demo {
        /// The sign-in authority.
        authority: String,
        /// The Graph base address.
        graph_base: String,
        /// The simulated app registration's client id.
        client_id: String,
    },
}

/// What the account screen shows before anything is fetched.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct AccountStatus {
    /// The signed-in account, if any.
    pub account: Option<Account>,
    /// False when no client id is configured (live mode without setup).
    pub configured: bool,
    /// Demo mode: the simulated tenant's test users, to pick from.
    pub demo_users: Vec<DemoUser>,
    /// Why a saved sign-in could not be restored (a locked keyring, a dead token), when
    /// that is not simply "nothing saved".
    pub problem: Option<AppError>,
    /// How long the sign-in is kept (across restarts, until logout, this run only).
    pub remembered: Option<cloud::Remembered>,
    /// When this account was last signed out everywhere from here (RFC 3339, UTC): the
    /// wait-or-act countdown starts from it. Absent when there was none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub revoked_at: Option<String>,
}

/// A test user of the simulated tenant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct DemoUser {
    /// The user principal name.
    pub upn: String,
    /// Who they are in the demo story.
    pub description: String,
}

/// The cloud session of one mode, created on first use and replaced at each sign-in
/// (the admin choice is part of the configuration).
#[derive(Debug)]
pub struct AccountState {
    endpoint: Endpoint,
    store: Arc<dyn TokenStore>,
    session: Mutex<Option<Arc<CloudSession>>>,
    device_flow: tokio::sync::Mutex<Option<DeviceCodeFlow>>,
    /// The last snapshot read, for the diagnosis.
    last_snapshot: Mutex<Option<CloudSnapshot>>,
    /// A claims challenge (MFA wanted) from a failed call, for the next browser sign-in:
    /// each sign-in gets a new session, so the challenge is kept here, not in the session.
    claims: Mutex<Option<String>>,
    /// When the signed-in account's sessions were revoked from here ("sign out
    /// everywhere" accepted by Microsoft). Refresh tokens die within minutes, access
    /// tokens within about an hour: waiting is measured from this moment.
    revoked_at: Mutex<Option<SystemTime>>,
    /// The language of its errors and of the cloud's sentences (the context hands the
    /// user's over).
    lang: Mutex<Lang>,
}

impl AccountState {
    /// The account side for `endpoint`, nobody signed in.
    pub fn new(endpoint: Endpoint) -> Self {
        let store: Arc<dyn TokenStore> = match endpoint {
            Endpoint::Live => Arc::new(KeyringStore::new(cloud::DEFAULT_KEYRING_SERVICE)),
            Endpoint::Demo { .. } => Arc::new(MemoryStore::new()),
        };
        Self {
            endpoint,
            store,
            session: Mutex::new(None),
            device_flow: tokio::sync::Mutex::new(None),
            last_snapshot: Mutex::new(None),
            claims: Mutex::new(None),
            revoked_at: Mutex::new(None),
            lang: Mutex::new(Lang::En),
        }
    }

    /// Its errors, notes and reports are worded in `lang` from now on.
    pub fn set_lang(&self, lang: Lang) {
        if let Ok(mut guard) = self.lang.lock() {
            *guard = lang;
        }
    }

    fn lang(&self) -> Lang {
        self.lang.lock().map(|g| *g).unwrap_or_default()
    }

    /// A cloud error for the UI; a claims challenge in it is kept for the next browser
    /// sign-in.
    fn failed(&self, e: CloudError) -> AppError {
        if let Some(c) = e.claims()
            && let Ok(mut guard) = self.claims.lock()
        {
            *guard = Some(c.to_owned());
        }
        cloud_error(&e, self.lang())
    }

    /// When the signed-in account was signed out everywhere from here (RFC 3339), if it was.
    pub fn revoked_at(&self) -> Option<String> {
        self.revoked_at
            .lock()
            .ok()
            .and_then(|g| *g)
            .map(platform::time::rfc3339)
    }

    fn config(&self, admin: bool, kind: Option<AccountKind>) -> Result<CloudConfig, AppError> {
        let mut cfg = match &self.endpoint {
            Endpoint::Live => {
                // What IT preset (config file, environment variables) over the defaults.
                let preset = settings::load();
                let mut cfg = CloudConfig::from_lookup(|k| preset.cloud_value(k))
                    .map_err(|e| cloud_error(&e, self.lang()))?;
                // The user's choice narrows Microsoft's page to work or personal accounts,
                // unless IT pinned a tenant.
                if !preset.tenant_pinned() {
                    match kind {
                        Some(AccountKind::Work) => cfg.tenant = "organizations".to_owned(),
                        Some(AccountKind::Personal) => cfg.tenant = "consumers".to_owned(),
                        None => {}
                    }
                }
                cfg
            }
            Endpoint::Demo {
                authority,
                graph_base,
                client_id,
            } => CloudConfig::sandbox(authority, graph_base, client_id),
        };
        cfg.admin = admin;
        Ok(cfg)
    }

    fn new_session(
        &self,
        admin: bool,
        kind: Option<AccountKind>,
    ) -> Result<Arc<CloudSession>, AppError> {
        let session = Arc::new(
            CloudSession::new(self.config(admin, kind)?, self.store.clone())
                .map_err(|e| cloud_error(&e, self.lang()))?,
        );
        if let Ok(mut guard) = self.session.lock() {
            *guard = Some(session.clone());
        }
        Ok(session)
    }

    /// The current session, restoring a saved sign-in on first use.
    async fn session(&self) -> Result<Arc<CloudSession>, AppError> {
        let existing = self.session.lock().ok().and_then(|g| g.clone());
        if let Some(s) = existing {
            return Ok(s);
        }
        let session = self.new_session(false, None)?;
        session
            .restore()
            .await
            .map_err(|e| cloud_error(&e, self.lang()))?;
        Ok(session)
    }

    /// Who is signed in, if anyone (from the keyring or memory).
    pub async fn status(&self) -> AccountStatus {
        let demo_users = match self.endpoint {
            Endpoint::Live => Vec::new(),
            Endpoint::Demo { .. } => sandbox::demo_users()
                .into_iter()
                .map(|(upn, description)| DemoUser { upn, description })
                .collect(),
        };
        match self.session().await {
            Ok(s) => AccountStatus {
                account: s.account().await,
                configured: true,
                demo_users,
                problem: None,
                remembered: s.remembered(self.lang()).await,
                revoked_at: self.revoked_at(),
            },
            // Only a missing or broken configuration means "not set up"; a locked keyring
            // must not send the user looking for a client id.
            Err(e) => AccountStatus {
                account: None,
                configured: !matches!(
                    e.code,
                    ErrorCode::CloudNotConfigured | ErrorCode::CloudConfigInvalid
                ),
                demo_users,
                problem: Some(e),
                remembered: None,
                revoked_at: self.revoked_at(),
            },
        }
    }

    /// Browser sign-in. `open` shows the page in the system browser; in demo mode the
    /// simulated browser answers the simulated Microsoft page instead (`login_hint` picks
    /// the test user), so the demo works without a browser.
    pub async fn sign_in_browser(
        &self,
        open: impl FnOnce(&str) -> Result<(), String>,
        login_hint: Option<String>,
        admin: bool,
        kind: Option<AccountKind>,
    ) -> Result<Account, AppError> {
        let session = self.new_session(admin, kind)?;
        let claims = self.claims.lock().ok().and_then(|g| g.clone());
        session.set_claims_challenge(claims).await;
        let result = match &self.endpoint {
            Endpoint::Live => {
                session
                    .sign_in_browser(open, login_hint.as_deref(), self.lang())
                    .await
            }
            Endpoint::Demo { .. } => {
                session
                    .sign_in_browser(simulated_browser, login_hint.as_deref(), self.lang())
                    .await
            }
        };
        match result {
            Ok(account) => {
                // Answered by this sign-in (the browser asked for what the claims wanted).
                if let Ok(mut guard) = self.claims.lock() {
                    *guard = None;
                }
                Ok(account)
            }
            Err(e) => Err(self.failed(e)),
        }
    }

    /// Starts a device code sign-in and returns the code to show.
    pub async fn start_device_code(
        &self,
        admin: bool,
        kind: Option<AccountKind>,
    ) -> Result<DeviceCodePrompt, AppError> {
        let session = self.new_session(admin, kind)?;
        let flow = session
            .start_device_code()
            .await
            .map_err(|e| self.failed(e))?;
        let prompt = flow.prompt.clone();
        *self.device_flow.lock().await = Some(flow);
        Ok(prompt)
    }

    /// Waits until the code was entered (or declined, or expired).
    pub async fn finish_device_code(&self) -> Result<Account, AppError> {
        let flow = self.device_flow.lock().await.take().ok_or_else(|| {
            let w = words::Words::of(self.lang());
            AppError::new(
                ErrorCode::DeviceCodeExpired,
                w.t("app.error.no_code_waiting", &[]),
                w.t("app.error.no_code_waiting.hint", &[]),
            )
        })?;
        let session = self.session().await?;
        session
            .finish_device_code(&flow)
            .await
            .map_err(|e| self.failed(e))
    }

    /// The account's devices and sign-ins (an admin may name another `user`).
    pub async fn snapshot(&self, user: Option<String>) -> Result<CloudSnapshot, AppError> {
        let session = self.session().await?;
        let snapshot = session
            .snapshot(user.as_deref(), self.lang())
            .await
            .map_err(|e| self.failed(e))?;
        if user.is_none()
            && let Ok(mut guard) = self.last_snapshot.lock()
        {
            *guard = Some(snapshot.clone());
        }
        Ok(snapshot)
    }

    /// The last snapshot of the signed-in account, if any was read.
    pub fn last_snapshot(&self) -> Option<CloudSnapshot> {
        self.last_snapshot.lock().ok().and_then(|g| g.clone())
    }

    /// Signs `users` (the signed-in user when empty) out everywhere.
    pub async fn sign_out_everywhere(&self, users: Vec<String>) -> Result<SignOutReport, AppError> {
        let session = self.session().await?;
        let me = session.account().await.map(|a| a.upn);
        let report = session
            .sign_out_everywhere(&users, self.lang())
            .await
            .map_err(|e| self.failed(e))?;
        // Only the own account's revoke restarts the wait: signing others out (admin mode)
        // does not change this mailbox's sessions.
        let mine = report.results.iter().any(|r| {
            r.outcome == cloud::RevokeOutcome::Revoked
                && me
                    .as_deref()
                    .is_some_and(|m| r.user.eq_ignore_ascii_case(m))
        });
        if mine && let Ok(mut guard) = self.revoked_at.lock() {
            *guard = Some(SystemTime::now());
        }
        Ok(report)
    }

    // Admin mode: one call each into the signed-in session (crates/cloud/src/admin.rs).

    /// What the signed-in account may do in admin mode.
    pub async fn admin_access(&self) -> Result<cloud::AdminAccess, AppError> {
        let session = self.session().await?;
        session
            .admin_access(self.lang())
            .await
            .map_err(|e| cloud_error(&e, self.lang()))
    }

    /// Searches the directory for `query`.
    pub async fn admin_search(&self, query: &str) -> Result<cloud::UserSearch, AppError> {
        let session = self.session().await?;
        session
            .search_users(query)
            .await
            .map_err(|e| cloud_error(&e, self.lang()))
    }

    /// One user's recent sign-ins and devices.
    pub async fn admin_user_activity(&self, upn: &str) -> Result<cloud::UserActivity, AppError> {
        let session = self.session().await?;
        session
            .user_activity(upn, self.lang())
            .await
            .map_err(|e| cloud_error(&e, self.lang()))
    }

    /// Signs many users out everywhere through `$batch`, reporting after each batch.
    pub async fn admin_revoke(
        &self,
        upns: &[String],
        progress: impl FnMut(cloud::BatchProgress),
    ) -> Result<BulkRevokeView, AppError> {
        let session = self.session().await?;
        let results = session
            .revoke_many(upns, self.lang(), progress)
            .await
            .map_err(|e| cloud_error(&e, self.lang()))?;
        Ok(BulkRevokeView {
            summary: cloud::summarize_bulk(&results, self.lang()),
            retry: cloud::failed_upns(&results),
            results,
        })
    }

    /// Forgets the sign-in on this computer (removes the refresh token from the keyring).
    pub async fn forget(&self) -> Result<(), AppError> {
        let session = self.session().await?;
        session
            .sign_out()
            .await
            .map_err(|e| cloud_error(&e, self.lang()))
    }
}

/// Demo mode's browser: it loads the simulated authorize page (the test user is chosen by
/// `login_hint`) and follows its redirect to the app's loopback listener, as a browser would.
fn simulated_browser(url: &str) -> Result<(), String> {
    let url = url.to_owned();
    tokio::spawn(async move {
        let client = match reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::limited(3))
            .build()
        {
            Ok(c) => c,
            Err(_) => return,
        };
        // The loopback answers the final request; its page is for a person, not for us.
        let _ = client.get(&url).send().await;
    });
    Ok(())
}

/// A cloud error in the user's words, under a code the UI can branch on. The refusals a
/// person acts on (consent, MFA, Conditional Access, a blocked code sign-in) have whole
/// sentences of their own (`error.<code>` in the catalogs); the others take cloud's. The
/// app's error card and the CLI both word errors here, so they say the same.
pub fn cloud_error(e: &CloudError, lang: Lang) -> AppError {
    let code = ErrorCode::from(e.code());
    let w = Words::of(lang);
    let own = |suffix: &str| {
        w.raw(&format!("error.{}{suffix}", e.code()))
            .map(str::to_owned)
    };
    let error = AppError::new(
        code,
        own("").unwrap_or_else(|| e.message(lang)),
        own(".hint").unwrap_or_else(|| e.hint(lang)),
    );
    if let Some(consent) = e.admin_consent() {
        let ticket = consent.ticket(lang);
        error.with_action(ErrorAction::AdminConsent { consent, ticket })
    } else if e.wants_browser_sign_in() {
        error.with_action(ErrorAction::BrowserSignIn)
    } else {
        error
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn demo_state(sb: &sandbox::Sandbox) -> AccountState {
        AccountState::new(Endpoint::Demo {
            authority: sb.authority().to_owned(),
            graph_base: sb.graph_base(),
            client_id: sb.client_id().to_owned(),
        })
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn demo_sign_in_snapshot_and_sign_out_everywhere() {
        let sb = sandbox::Sandbox::start().expect("sandbox");
        let state = demo_state(&sb);
        assert!(state.status().await.account.is_none());
        let admin = sandbox::demo_users()
            .into_iter()
            .next()
            .map(|(upn, _)| upn)
            .expect("a demo user");
        let account = state
            .sign_in_browser(
                |_| Err("no real browser in demo".into()),
                Some(admin.clone()),
                true,
                None,
            )
            .await
            .expect("simulated browser signs in");
        assert_eq!(account.upn, admin);
        let snapshot = state.snapshot(None).await.expect("snapshot");
        assert_eq!(snapshot.devices.len(), 6);
        assert_eq!(state.revoked_at(), None);
        let before = platform::time::rfc3339(SystemTime::now());
        let report = state.sign_out_everywhere(Vec::new()).await.expect("revoke");
        assert!(report.did_what_it_could(), "{report:?}");
        // The revoke's time is kept for the wait-or-act countdown.
        let at = state.revoked_at().expect("revoked at");
        assert!(at >= before, "{at} < {before}");
        assert_eq!(state.status().await.revoked_at, Some(at));
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_cloud_sentences_follow_the_users_language() {
        let sb = sandbox::Sandbox::start().expect("sandbox");
        let state = demo_state(&sb);
        state.set_lang(Lang::Es);
        state
            .sign_in_browser(
                |_| Ok(()),
                Some(sandbox::DEMO_MEMBER_UPN.into()),
                false,
                None,
            )
            .await
            .expect("browser sign-in");
        let snapshot = state.snapshot(None).await.expect("snapshot");
        assert!(!snapshot.notes.is_empty());
        for note in &snapshot.notes {
            // Microsoft's own message, in brackets, stays as Microsoft wrote it.
            let ours = note.message.split(" (").next().unwrap_or_default();
            let left = words::english_left(ours, Lang::Es);
            assert!(left.is_empty(), "{}: {left:?}", note.message);
        }
        let report = state.sign_out_everywhere(Vec::new()).await.expect("report");
        let json = serde_json::to_string(&report).expect("json");
        assert!(words::english_left(&json, Lang::Es).is_empty(), "{json}");
        state.set_lang(Lang::En);
        let access = state.admin_access().await.expect("access");
        assert!(
            access
                .summary
                .starts_with("This sign-in did not ask for the admin permissions"),
            "{}",
            access.summary
        );
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn mfa_wanted_offers_the_browser_and_its_claims_reach_the_next_sign_in() {
        const CLAIMS: &str = r#"{"access_token":{"capolids":{"essential":true,"values":["p"]}}}"#;
        let sb = sandbox::Sandbox::start().expect("sandbox");
        let state = demo_state(&sb);
        sb.set_device_flow(sandbox::DeviceFlowPlan {
            pending_polls: 0,
            slow_down_polls: 0,
            outcome: sandbox::DeviceOutcome::Approve(sandbox::DEMO_MEMBER_UPN.into()),
            interval_secs: 1,
            expires_in_secs: 60,
        });
        sb.inject(sandbox::Fault::mfa_required(
            "/common/oauth2/v2.0/token",
            50076,
            Some(CLAIMS),
        ));
        state.start_device_code(false, None).await.expect("a code");
        let err = state.finish_device_code().await.expect_err("MFA wanted");
        assert_eq!(err.code, ErrorCode::MfaRequired);
        assert_eq!(err.action.as_deref(), Some(&ErrorAction::BrowserSignIn));
        // The demo's browser signs in; the authorize request it was given carried the claims.
        state
            .sign_in_browser(
                |_| Ok(()),
                Some(sandbox::DEMO_MEMBER_UPN.into()),
                false,
                None,
            )
            .await
            .expect("browser sign-in");
        assert!(state.claims.lock().expect("lock").is_none(), "answered");
    }

    #[test]
    fn consent_errors_carry_the_link_and_the_ticket_to_the_ui() {
        let e = CloudError::ConsentRequired {
            code: 65001,
            authority: "https://login.microsoftonline.com".into(),
            tenant: "contoso.com".into(),
            client_id: "abc".into(),
            permissions: vec!["User.Read".into()],
        };
        let app = cloud_error(&e, Lang::En);
        assert_eq!(app.code, ErrorCode::ConsentRequired);
        let json = serde_json::to_value(&app).expect("json");
        assert_eq!(json["action"]["kind"], "admin_consent");
        assert_eq!(
            json["action"]["consent"]["url"],
            "https://login.microsoftonline.com/contoso.com/adminconsent?client_id=abc"
        );
        assert!(
            json["action"]["ticket"]
                .as_str()
                .is_some_and(|t| t.contains("User.Read"))
        );
        // In Spanish: the card's own sentences and the ticket, all from the catalogs.
        let es = cloud_error(&e, Lang::Es);
        assert!(
            es.message
                .contains("Su organización aún no ha dado permiso"),
            "{}",
            es.message
        );
        let Some(ErrorAction::AdminConsent { ticket, .. }) = es.action.as_deref() else {
            panic!("no consent action: {es:?}");
        };
        assert!(
            ticket.contains("Consentimiento del administrador"),
            "{ticket}"
        );
        assert!(ticket.contains("AADSTS65001"), "{ticket}");
        assert!(words::english_left(&es.message, Lang::Es).is_empty());
        // Other errors keep the plain shape.
        let plain =
            serde_json::to_value(cloud_error(&CloudError::NotSignedIn, Lang::En)).expect("json");
        assert!(plain.get("action").is_none(), "{plain}");
    }

    #[test]
    fn every_cloud_code_has_its_own_error_code() {
        let errors = [
            CloudError::NotConfigured,
            CloudError::NotSignedIn,
            CloudError::ConsentRequired {
                code: 65001,
                authority: "https://login.microsoftonline.com".into(),
                tenant: "organizations".into(),
                client_id: "x".into(),
                permissions: Vec::new(),
            },
            CloudError::MfaRequired {
                detail: "AADSTS50076".into(),
                claims: None,
            },
            CloudError::ConditionalAccessBlocked { code: 53003 },
            CloudError::DeviceNotCompliant { code: 53001 },
            CloudError::DeviceCodeBlocked { code: 53003 },
            CloudError::SessionRevoked,
            CloudError::SignInDeclined,
            CloudError::DeviceCodeExpired,
            CloudError::StateMismatch,
            CloudError::PublicClientFlowsDisabled,
            CloudError::InputTooLarge {
                what: cloud::Oversized::SearchText,
                size: 500,
                max: 120,
            },
            CloudError::AdminRequired {
                action: cloud::AdminAction::SignOutOthers,
                roles: vec!["Helpdesk Administrator".into()],
                permissions: vec!["User.RevokeSessions.All".into()],
            },
        ];
        for e in errors {
            let mapped = cloud_error(&e, Lang::En);
            let json = serde_json::to_value(mapped.code).expect("code");
            assert_eq!(json, e.code().as_str(), "{e:?} lost its code");
        }
    }
}
