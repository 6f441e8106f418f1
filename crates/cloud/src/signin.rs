//! The two sign-in flows: authorization code + PKCE (S256) through the system browser
//! and a loopback redirect, and the device code flow for when no browser can come back.

use std::borrow::Cow;
use std::time::{Duration, Instant};

use oauth2::{
    AuthorizationCode, CsrfToken, DeviceAuthorizationResponse, PkceCodeChallenge, RedirectUrl,
    RefreshToken, Scope,
};
use serde::Serialize;

use crate::config::CloudConfig;
use crate::error::CloudError;
use crate::http::Http;
use crate::loopback::{Loopback, Redirect};
use crate::oauth::{self, DeviceMessage, Flow, TokenSet};
use crate::secret::Secret;

fn scopes(admin: bool) -> Vec<Scope> {
    CloudConfig::scopes_with(admin)
        .into_iter()
        .map(|s| Scope::new(s.to_owned()))
        .collect()
}

/// Browser sign-in. `open` receives the authorize URL and must show it to the user (the
/// app's opener, `xdg-open`, or a test's HTTP client); it is called once the loopback
/// listener is ready. `claims` is a claims challenge from an earlier answer (MFA, CAE):
/// sent as the `claims` parameter so Microsoft asks for exactly what it wants. The page
/// the browser shows at the end is worded in `lang`.
pub(crate) async fn browser(
    cfg: &CloudConfig,
    http: &Http,
    open: impl FnOnce(&str) -> Result<(), String>,
    login_hint: Option<&str>,
    claims: Option<&str>,
    lang: words::Lang,
) -> Result<TokenSet, CloudError> {
    let client = oauth::client(cfg)?;
    let loopback = Loopback::bind().await?.speaking(lang);
    let redirect = RedirectUrl::new(loopback.redirect_uri())
        .map_err(|e| CloudError::Loopback(format!("redirect URI: {e}")))?;
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let mut request = client
        .authorize_url(CsrfToken::new_random)
        .set_pkce_challenge(challenge)
        .add_scopes(scopes(cfg.admin))
        .set_redirect_uri(Cow::Borrowed(&redirect));
    if let Some(hint) = login_hint.filter(|h| !h.is_empty()) {
        request = request.add_extra_param("login_hint", hint);
    }
    if let Some(claims) = claims.filter(|c| !c.is_empty()) {
        request = request.add_extra_param("claims", claims);
    }
    let (url, state) = request.url();
    open(url.as_str()).map_err(CloudError::BrowserUnavailable)?;
    log::info!("waiting for the browser on {}", loopback.redirect_uri());
    let code = match loopback.wait(state.secret(), cfg.loopback_timeout).await? {
        Redirect::Code(code) => code,
        Redirect::Error(e) => return Err(e.into_cloud_error(cfg, Flow::Browser)),
    };
    // Handled at most once: no retry after a 5xx, a cut-off answer or a timeout, when
    // Microsoft may have redeemed the single-use code already (only a 429, refused
    // unhandled, and a connection that never opened are tried again). The listener is
    // closed by now, so a browser retrying the redirect cannot bring the code back either.
    let once = http.at_most_once();
    let response = client
        .exchange_code(AuthorizationCode::new(code))
        .set_pkce_verifier(verifier)
        .set_redirect_uri(Cow::Borrowed(&redirect))
        .request_async(&once)
        .await
        .map_err(|e| oauth::map_request_error(e, cfg, Flow::Browser))?;
    log::info!("browser sign-in finished");
    Ok(TokenSet::from_response(&response))
}

/// What the user must do to finish a device code sign-in. Safe to show and serialize:
/// the device code itself is kept in [`DeviceCodeFlow`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub struct DeviceCodePrompt {
    /// The short code to type (show it with a copy button).
    pub user_code: String,
    /// The page to type it on.
    pub verification_uri: String,
    /// Microsoft's own sentence, localised by the service.
    pub message: Option<String>,
    /// Seconds until the code expires.
    pub expires_in_secs: u32,
    /// Seconds between polls.
    pub interval_secs: u32,
}

/// A started device code sign-in: the prompt to show, and the secret to poll with.
#[derive(Debug, Clone)]
pub struct DeviceCodeFlow {
    /// What to show the user.
    pub prompt: DeviceCodePrompt,
    device_code: Secret,
    expires_at: Instant,
}

/// The longest wait between device code polls, whatever the server announces (Microsoft: 5 s).
const MAX_POLL_INTERVAL: Duration = Duration::from_secs(60);

pub(crate) async fn start_device_code(
    cfg: &CloudConfig,
    http: &Http,
) -> Result<DeviceCodeFlow, CloudError> {
    let client = oauth::client(cfg)?;
    let details: DeviceAuthorizationResponse<DeviceMessage> = client
        .exchange_device_code()
        .add_scopes(scopes(cfg.admin))
        .request_async(http)
        .await
        .map_err(|e| oauth::map_request_error(e, cfg, Flow::DeviceCode))?;
    // Bounded: a huge lifetime would overflow the clock, a huge interval stall the polling.
    let expires_in = details.expires_in().min(oauth::MAX_LIFETIME);
    let interval = details.interval().min(MAX_POLL_INTERVAL);
    Ok(DeviceCodeFlow {
        prompt: DeviceCodePrompt {
            user_code: details.user_code().secret().clone(),
            verification_uri: details.verification_uri().to_string(),
            message: details.extra_fields().message.clone(),
            expires_in_secs: u32::try_from(expires_in.as_secs()).unwrap_or(u32::MAX),
            interval_secs: u32::try_from(interval.as_secs()).unwrap_or(u32::MAX),
        },
        device_code: Secret::new(details.device_code().secret().clone()),
        expires_at: Instant::now() + expires_in,
    })
}

/// Polls the token endpoint until the user finishes. Our own loop rather than the crate's:
/// it keeps Microsoft's `error_codes` and lets tests use a short `slow_down` step.
pub(crate) async fn finish_device_code(
    cfg: &CloudConfig,
    http: &Http,
    flow: &DeviceCodeFlow,
) -> Result<TokenSet, CloudError> {
    if cfg.client_id.trim().is_empty() {
        return Err(CloudError::NotConfigured);
    }
    // Microsoft announces 5 s; never poll faster than once a second whatever is announced.
    let mut interval = Duration::from_secs(u64::from(flow.prompt.interval_secs.max(1)));
    loop {
        tokio::time::sleep(interval).await;
        if Instant::now() >= flow.expires_at {
            return Err(CloudError::DeviceCodeExpired);
        }
        let request = http
            .client()
            .post(cfg.endpoint("token"))
            .header(reqwest::header::ACCEPT, "application/json")
            .form(&[
                ("grant_type", "urn:ietf:params:oauth:grant-type:device_code"),
                ("client_id", cfg.client_id.as_str()),
                ("device_code", flow.device_code.expose()),
            ])
            .build()
            .map_err(|e| CloudError::InvalidConfig(format!("token request: {e}")))?;
        let raw = http.send(request).await?;
        if raw.is_success() {
            log::info!("device code sign-in finished");
            return TokenSet::from_raw(&raw);
        }
        match raw.status {
            400 | 401 => {}
            429 => {
                let wait = crate::http::retry_after(&raw.headers, std::time::SystemTime::now());
                return Err(CloudError::Throttled {
                    retry_after_secs: wait.map(|d| d.as_secs()).unwrap_or(0),
                });
            }
            s if s >= 500 => return Err(CloudError::ServiceUnavailable { status: s }),
            _ => return Err(raw.unexpected("unexpected status from the token endpoint".into())),
        }
        let error = oauth::error_from_raw(&raw)?;
        match error.error.as_str() {
            "authorization_pending" => log::debug!("device code: still waiting for the user"),
            "slow_down" => {
                interval += cfg.slow_down_step;
                log::info!("device code: asked to slow down, polling every {interval:?}");
            }
            _ => return Err(error.into_cloud_error(cfg, Flow::DeviceCode)),
        }
    }
}

/// A new access token (and usually a new refresh token) from a refresh token. `claims`
/// answers a claims challenge silently where Microsoft allows it (CAE); where it wants
/// MFA the answer is `interaction_required`, and the browser sign-in takes over.
pub(crate) async fn refresh(
    cfg: &CloudConfig,
    http: &Http,
    refresh_token: &Secret,
    admin: bool,
    claims: Option<&str>,
) -> Result<TokenSet, CloudError> {
    let client = oauth::client(cfg)?;
    let token = RefreshToken::new(refresh_token.expose().to_owned());
    let mut request = client
        .exchange_refresh_token(&token)
        .add_scopes(scopes(admin));
    if let Some(claims) = claims.filter(|c| !c.is_empty()) {
        request = request.add_extra_param("claims", claims);
    }
    let response = request
        .request_async(http)
        .await
        .map_err(|e| oauth::map_request_error(e, cfg, Flow::Refresh))?;
    Ok(TokenSet::from_response(&response))
}
