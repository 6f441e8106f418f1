//! The signed-in session the app and the CLI hold: sign-in (both flows), the stored
//! refresh token, access tokens refreshed on demand, the snapshot and sign-out.

use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::Mutex;
use words::{Lang, Words};

use crate::account::{Account, kind_of};
use crate::config::CloudConfig;
use crate::error::CloudError;
use crate::graph::Graph;
use crate::http::Http;
use crate::oauth::TokenSet;
use crate::revoke::{self, RevokeOutcome, SignOutReport, UserRevoke};
use crate::secret::Secret;
use crate::signin::{self, DeviceCodeFlow};
use crate::snapshot::{self, CloudSnapshot};
use crate::store::{Remembered, StoredSession, TokenStore};

/// Refresh a little before expiry so a request never starts with a dying token.
const EXPIRY_MARGIN: Duration = Duration::from_secs(120);

#[derive(Debug, Default)]
struct State {
    account: Option<Account>,
    access: Option<(Secret, Instant)>,
    refresh: Option<Secret>,
    /// Learned from a revoke attempt: the answer beats the guess from the sign-in log.
    can_revoke: Option<bool>,
    /// How long this sign-in is kept (what the keyring's save gave, or this run only).
    remembered: Option<Remembered>,
    /// Why the keyring refused to keep it, typed, to word in the reader's language.
    not_kept: Option<CloudError>,
    /// A claims challenge Microsoft answered with (MFA, CAE), for the next browser sign-in.
    /// Kept when a saved sign-in is restored: the challenge is about the account and the
    /// policy, not about the tokens in hand.
    claims: Option<String>,
}

/// A Microsoft account session. One per app; share it behind an `Arc`.
#[derive(Debug)]
pub struct CloudSession {
    cfg: CloudConfig,
    http: Http,
    store: Arc<dyn TokenStore>,
    state: Mutex<State>,
}

impl CloudSession {
    /// A session with `cfg`, keeping its sign-in in `store`.
    pub fn new(cfg: CloudConfig, store: Arc<dyn TokenStore>) -> Result<Self, CloudError> {
        cfg.validate()?;
        let http = Http::new(&cfg)?;
        Ok(Self {
            cfg,
            http,
            store,
            state: Mutex::new(State::default()),
        })
    }

    /// Its configuration.
    pub fn config(&self) -> &CloudConfig {
        &self.cfg
    }

    /// The signed-in account, if any (no network).
    pub async fn account(&self) -> Option<Account> {
        self.state.lock().await.account.clone()
    }

    /// Picks up the session saved by an earlier run (no network).
    pub async fn restore(&self) -> Result<Option<Account>, CloudError> {
        let stored = self.store.load()?;
        let mut state = self.state.lock().await;
        *state = State {
            claims: state.claims.take(),
            ..State::default()
        };
        if let Some(s) = stored {
            state.account = Some(s.account.clone());
            state.refresh = Some(s.refresh_token);
            state.remembered = Some(self.store.remembers());
        }
        Ok(state.account.clone())
    }

    /// How long the current sign-in is kept: across restarts, until logout (Linux kernel
    /// keyring), or for this run only (the keyring refused it). `None` when signed out.
    /// Why the keyring refused is worded in `lang` (the keyring's own detail stays as the
    /// system gave it).
    pub async fn remembered(&self, lang: Lang) -> Option<Remembered> {
        let state = self.state.lock().await;
        match (&state.remembered, &state.not_kept) {
            (Some(Remembered::ThisRunOnly { reason: Some(_) }), Some(e)) => {
                Some(Remembered::ThisRunOnly {
                    reason: Some(e.message(lang)),
                })
            }
            (remembered, _) => remembered.clone(),
        }
    }

    /// Saves the session; a keyring that refuses it never fails a sign-in the user already
    /// completed: the session is then kept in memory for this run, and says so (with the
    /// refusal, to word later).
    fn keep(&self, session: &StoredSession) -> (Remembered, Option<CloudError>) {
        match self.store.save(session) {
            Ok(()) => (self.store.remembers(), None),
            Err(e) => {
                log::warn!(
                    "the sign-in could not be saved in the keyring ({e}); keeping it for this run only"
                );
                let remembered = Remembered::ThisRunOnly {
                    reason: Some(e.to_string()),
                };
                (remembered, Some(e))
            }
        }
    }

    /// Browser sign-in (authorization code + PKCE on a loopback redirect). `open` shows
    /// the URL: the Tauri opener, `xdg-open`, or a test acting as the browser.
    /// `login_hint` pre-fills the account on Microsoft's page. The page the browser shows
    /// at the end ("You're signed in", or what went wrong) is worded in `lang`.
    ///
    /// A claims challenge seen earlier on this session (an MFA demand, a Graph 401 with
    /// `insufficient_claims`, or [`set_claims_challenge`](Self::set_claims_challenge)) is
    /// sent as the authorize request's `claims` parameter.
    pub async fn sign_in_browser(
        &self,
        open: impl FnOnce(&str) -> Result<(), String>,
        login_hint: Option<&str>,
        lang: Lang,
    ) -> Result<Account, CloudError> {
        let claims = self.state.lock().await.claims.clone();
        let signed_in = signin::browser(
            &self.cfg,
            &self.http,
            open,
            login_hint,
            claims.as_deref(),
            lang,
        )
        .await;
        match signed_in {
            Ok(tokens) => self.adopt(tokens).await,
            Err(e) => Err(self.noted(e, login_hint.and_then(upn_domain)).await),
        }
    }

    /// Starts a device code sign-in; show `flow.prompt`, then call
    /// [`finish_device_code`](Self::finish_device_code).
    pub async fn start_device_code(&self) -> Result<DeviceCodeFlow, CloudError> {
        match signin::start_device_code(&self.cfg, &self.http).await {
            Ok(flow) => Ok(flow),
            Err(e) => Err(self.noted(e, None).await),
        }
    }

    /// Waits (polling at the announced interval) until the user has entered the code.
    pub async fn finish_device_code(&self, flow: &DeviceCodeFlow) -> Result<Account, CloudError> {
        match signin::finish_device_code(&self.cfg, &self.http, flow).await {
            Ok(tokens) => self.adopt(tokens).await,
            Err(e) => Err(self.noted(e, None).await),
        }
    }

    /// The claims challenge the next browser sign-in will send, if Microsoft gave one.
    pub async fn claims_challenge(&self) -> Option<String> {
        self.state.lock().await.claims.clone()
    }

    /// Carries a claims challenge over from another session (the app makes a new session
    /// for each sign-in); a value that is not a sane JSON object is dropped.
    pub async fn set_claims_challenge(&self, claims: Option<String>) {
        self.state.lock().await.claims = crate::oauth::usable_claims(claims.as_deref());
    }

    /// Remembers what an error teaches (a claims challenge) and names the tenant in a
    /// consent error (`signed_in`: the account's tenant id or the sign-in's domain).
    async fn noted(&self, e: CloudError, signed_in: Option<&str>) -> CloudError {
        if let Some(claims) = e.claims() {
            self.state.lock().await.claims = Some(claims.to_owned());
        }
        e.in_tenant(signed_in)
    }

    async fn adopt(&self, tokens: TokenSet) -> Result<Account, CloudError> {
        let account = match tokens.claims.as_ref().and_then(|c| c.account()) {
            Some(a) => a,
            None => {
                // No id token: ask Graph who this is.
                let graph = Graph {
                    http: &self.http,
                    base: &self.cfg.graph_base,
                    token: &tokens.access_token,
                };
                let me = graph.get("/me").await?;
                let upn = me
                    .get("userPrincipalName")
                    .and_then(|v| v.as_str())
                    .unwrap_or_default()
                    .to_owned();
                Account {
                    kind: kind_of(None, &upn),
                    upn,
                    display_name: me
                        .get("displayName")
                        .and_then(|v| v.as_str())
                        .map(str::to_owned),
                    id: me.get("id").and_then(|v| v.as_str()).map(str::to_owned),
                    tenant_id: None,
                    admin_scopes: false,
                }
            }
        };
        let account = Account {
            admin_scopes: self.cfg.admin,
            ..account
        };
        let (remembered, not_kept) = match &tokens.refresh_token {
            Some(rt) => self.keep(&StoredSession {
                refresh_token: rt.clone(),
                account: account.clone(),
            }),
            // No refresh token (no offline_access): nothing to keep beyond the hour.
            None => (Remembered::ThisRunOnly { reason: None }, None),
        };
        let mut state = self.state.lock().await;
        // A fresh sign-in answered the claims challenge (the browser asked for the MFA).
        *state = State {
            account: Some(account.clone()),
            access: Some((tokens.access_token, tokens.expires_at)),
            refresh: tokens.refresh_token,
            can_revoke: None,
            remembered: Some(remembered),
            not_kept,
            claims: None,
        };
        log::info!("signed in as a {:?} account", account.kind);
        Ok(account)
    }

    /// A usable access token, refreshing (and rotating the stored refresh token) when
    /// needed. A dead refresh token signs the session out.
    pub(crate) async fn access_token(&self, force_refresh: bool) -> Result<Secret, CloudError> {
        self.access_token_with(force_refresh, None).await
    }

    /// [`access_token`](Self::access_token), answering `claims` (a Graph claims challenge)
    /// with the refresh. Where Microsoft wants more than a refresh (MFA), the error is
    /// `mfa_required` carrying the claims for the browser sign-in.
    async fn access_token_with(
        &self,
        force_refresh: bool,
        claims: Option<&str>,
    ) -> Result<Secret, CloudError> {
        let mut state = self.state.lock().await;
        if !force_refresh
            && let Some((token, expires)) = &state.access
            && *expires > Instant::now() + EXPIRY_MARGIN
        {
            return Ok(token.clone());
        }
        let Some(refresh) = state.refresh.clone() else {
            return Err(CloudError::NotSignedIn);
        };
        let admin = state.account.as_ref().is_some_and(|a| a.admin_scopes);
        match signin::refresh(&self.cfg, &self.http, &refresh, admin, claims).await {
            Ok(tokens) => {
                let rt = tokens.refresh_token.clone().unwrap_or(refresh);
                if let Some(account) = state.account.clone() {
                    // A rotated token the keyring refuses is still good for this run.
                    let (kept, not_kept) = self.keep(&StoredSession {
                        refresh_token: rt.clone(),
                        account,
                    });
                    state.remembered = Some(kept);
                    state.not_kept = not_kept;
                }
                state.refresh = Some(rt);
                state.access = Some((tokens.access_token.clone(), tokens.expires_at));
                Ok(tokens.access_token)
            }
            Err(e @ (CloudError::SessionRevoked | CloudError::SignInExpired { .. })) => {
                log::info!(
                    "the stored sign-in is no longer valid ({}); signing out here",
                    e.code()
                );
                *state = State::default();
                // A keyring that cannot forget must not hide why the session ended.
                if let Err(k) = self.store.clear() {
                    log::warn!("could not remove the dead sign-in from the keyring: {k}");
                }
                Err(e)
            }
            Err(e) => {
                let tenant = state.account.as_ref().and_then(|a| {
                    a.tenant_id
                        .clone()
                        .or_else(|| upn_domain(&a.upn).map(str::to_owned))
                });
                let e = match (e, claims) {
                    // Microsoft wants the user (MFA); keep the challenge that asked for it.
                    (
                        CloudError::MfaRequired {
                            detail,
                            claims: None,
                        },
                        Some(c),
                    )
                    | (CloudError::InteractionRequired { detail }, Some(c)) => {
                        CloudError::MfaRequired {
                            detail,
                            claims: Some(c.to_owned()),
                        }
                    }
                    (e, _) => e,
                };
                if let Some(c) = e.claims() {
                    state.claims = Some(c.to_owned());
                }
                Err(e.in_tenant(tenant.as_deref()))
            }
        }
    }

    /// Runs `call` with an access token; a refused token (401) gets one refresh and one
    /// more try, a claims challenge (401 `insufficient_claims`) a refresh that carries it.
    pub(crate) async fn with_token<T, F, Fut>(&self, call: F) -> Result<T, CloudError>
    where
        F: Fn(Secret) -> Fut,
        Fut: std::future::Future<Output = Result<T, CloudError>>,
    {
        let token = self.access_token(false).await?;
        match call(token).await {
            Err(CloudError::Graph { status: 401, .. }) => {
                let token = self.access_token(true).await?;
                call(token).await
            }
            Err(CloudError::MfaRequired { detail, claims }) => {
                let Some(claims) = claims else {
                    return Err(CloudError::MfaRequired {
                        detail,
                        claims: None,
                    });
                };
                let token = self.access_token_with(true, Some(&claims)).await?;
                match call(token).await {
                    // Refreshed with the claims and still refused: only a new sign-in helps.
                    Err(CloudError::MfaRequired {
                        detail,
                        claims: again,
                    }) => {
                        let claims = again.unwrap_or(claims);
                        self.state.lock().await.claims = Some(claims.clone());
                        Err(CloudError::MfaRequired {
                            detail,
                            claims: Some(claims),
                        })
                    }
                    other => other,
                }
            }
            other => other,
        }
    }

    pub(crate) fn graph<'a>(&'a self, token: &'a Secret) -> Graph<'a> {
        Graph {
            http: &self.http,
            base: &self.cfg.graph_base,
            token,
        }
    }

    /// Devices, sign-ins, capabilities and notes of the signed-in user, or of `user` (a UPN) when
    /// an admin looks at someone else; the notes and their manual routes worded in `lang`.
    pub async fn snapshot(
        &self,
        user: Option<&str>,
        lang: Lang,
    ) -> Result<CloudSnapshot, CloudError> {
        let (account, learned) = {
            let state = self.state.lock().await;
            (
                state.account.clone().ok_or(CloudError::NotSignedIn)?,
                state.can_revoke,
            )
        };
        // A refused token (revoked, clock skew) gets one fresh try; a claims challenge a
        // refresh that carries it.
        self.with_token(|token| {
            let account = &account;
            async move {
                snapshot::take(&self.graph(&token), &self.cfg, account, user, learned, lang).await
            }
        })
        .await
    }

    /// Signs out every session of the signed-in user (`users` empty) or of the given users
    /// (admins). Where the API refuses, the outcome is the manual route. When the app's own sign-in
    /// dies too, the report says so and the stored token is removed. The summary, the manual routes
    /// and our own failure messages are worded in `lang` (Microsoft's error messages stay as
    /// Microsoft wrote them).
    pub async fn sign_out_everywhere(
        &self,
        users: &[String],
        lang: Lang,
    ) -> Result<SignOutReport, CloudError> {
        let account = self
            .state
            .lock()
            .await
            .account
            .clone()
            .ok_or(CloudError::NotSignedIn)?;
        let only_me =
            users.is_empty() || users.iter().all(|u| u.eq_ignore_ascii_case(&account.upn));
        let results = if only_me {
            let outcome = if account.kind == crate::account::AccountKind::Personal {
                revoke::revoke_me(&self.graph(&Secret::new("")), &account, lang).await?
            } else {
                let token = self.access_token(false).await?;
                match revoke::revoke_me(&self.graph(&token), &account, lang).await {
                    // The access token was refused: one fresh try.
                    Err(CloudError::Graph { status: 401, .. }) => {
                        let token = self.access_token(true).await?;
                        revoke::revoke_me(&self.graph(&token), &account, lang).await?
                    }
                    other => other?,
                }
            };
            vec![UserRevoke {
                user: account.upn.clone(),
                outcome,
            }]
        } else {
            let token = self.access_token(false).await?;
            revoke::revoke_users(&self.graph(&token), users, self.cfg.retry, lang).await
        };
        let mine = results
            .iter()
            .find(|r| r.user.eq_ignore_ascii_case(&account.upn));
        let mut signed_out_here = false;
        if let Some(r) = mine {
            let learned = match &r.outcome {
                RevokeOutcome::Revoked => Some(true),
                RevokeOutcome::Manual { .. } => Some(false),
                _ => None,
            };
            self.state.lock().await.can_revoke = learned;
            if r.outcome == RevokeOutcome::Revoked {
                // Our refresh token was revoked with the rest; confirm and tidy up.
                match self.access_token(true).await {
                    Err(CloudError::SessionRevoked | CloudError::SignInExpired { .. }) => {
                        signed_out_here = true
                    }
                    Ok(_) => log::info!(
                        "this app's sign-in still works; Microsoft ends it within minutes"
                    ),
                    Err(e) => log::warn!(
                        "could not check this app's own sign-in after the revoke: {}",
                        e.code()
                    ),
                }
            }
        }
        let summary = summarize(&results, signed_out_here, lang);
        Ok(SignOutReport {
            results,
            signed_out_here,
            summary,
        })
    }

    /// Forgets the stored sign-in on this computer only.
    pub async fn sign_out(&self) -> Result<(), CloudError> {
        *self.state.lock().await = State::default();
        self.store.clear()
    }
}

/// The domain of a UPN (`contoso.com` of `ann@contoso.com`): a verified domain of the
/// user's tenant, so it names the tenant in an admin-consent link.
fn upn_domain(upn: &str) -> Option<&str> {
    upn.rsplit_once('@')
        .map(|(_, d)| d.trim())
        .filter(|d| !d.is_empty())
}

/// The report's one sentence, in `lang`.
fn summarize(results: &[UserRevoke], here: bool, lang: Lang) -> String {
    let w = Words::of(lang);
    let count = |f: fn(&RevokeOutcome) -> bool| results.iter().filter(|r| f(&r.outcome)).count();
    let revoked = count(|o| matches!(o, RevokeOutcome::Revoked));
    let manual = count(|o| matches!(o, RevokeOutcome::Manual { .. }));
    let failed = results.len() - revoked - manual;
    let mut parts = Vec::new();
    if results.len() == 1 {
        match &results[0].outcome {
            RevokeOutcome::Revoked if here => parts.push(w.t("cloud.sign_out.here", &[])),
            // What a revoke does and does not do (Microsoft's docs on revokeSignInSessions
            // and token lifetimes): refresh tokens and browser sessions end, access tokens
            // already issued live on, open connections are not cut.
            RevokeOutcome::Revoked => parts.push(w.t("cloud.sign_out.revoked", &[])),
            RevokeOutcome::Manual { route } => parts.push(w.t(
                "cloud.sign_out.manual",
                &[("url", &route.url), ("steps", &route.steps.join(" "))],
            )),
            RevokeOutcome::NotFound => {
                parts.push(w.t("cloud.sign_out.not_found", &[("user", &results[0].user)]))
            }
            RevokeOutcome::Failed { code, message } => parts.push(w.t(
                "cloud.sign_out.failed",
                &[("code", code), ("message", message)],
            )),
        }
    } else {
        parts.push(w.t(
            "cloud.sign_out.many",
            &[("revoked", &revoked), ("total", &results.len())],
        ));
        if manual > 0 {
            parts.push(w.count("cloud.sign_out.many_manual", manual as u64, &[]));
        }
        if failed > 0 {
            parts.push(w.count("cloud.sign_out.many_failed", failed as u64, &[]));
        }
        if here {
            parts.push(w.t("cloud.sign_out.app_too", &[]));
        }
    }
    parts.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_report_on_many_users_is_worded_in_the_language_asked_for() {
        let results = vec![
            UserRevoke {
                user: "a@x.com".into(),
                outcome: RevokeOutcome::Revoked,
            },
            UserRevoke {
                user: "b@x.com".into(),
                outcome: RevokeOutcome::Manual {
                    route: crate::manual::admin_revoke("b@x.com", Lang::Es),
                },
            },
            UserRevoke {
                user: "c@x.com".into(),
                outcome: RevokeOutcome::Failed {
                    code: "x".into(),
                    message: "m".into(),
                },
            },
        ];
        assert_eq!(
            summarize(&results, true, Lang::En),
            "1 of 3 users signed out everywhere. 1 need the admin center. 1 failed. This app was signed out too."
        );
        let es = summarize(&results, true, Lang::Es);
        assert_eq!(
            es,
            "1 de 3 usuarios con la sesión cerrada en todas partes. 1 necesita el centro de \
             administración. 1 falló. También se cerró la sesión de esta aplicación."
        );
        assert!(words::english_left(&es, Lang::Es).is_empty());
        let one = |outcome| {
            let r = [UserRevoke {
                user: "a@x.com".into(),
                outcome,
            }];
            summarize(&r, false, Lang::Es)
        };
        assert_eq!(one(RevokeOutcome::NotFound), "No se encontró a a@x.com.");
        let revoked = one(RevokeOutcome::Revoked);
        assert!(
            revoked.starts_with("Sesión cerrada en todas partes: "),
            "{revoked}"
        );
        assert!(words::english_left(&revoked, Lang::Es).is_empty());
    }
}
