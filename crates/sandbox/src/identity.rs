//! The simulated Microsoft identity platform v2.0 endpoints: `authorize`, `token` and
//! `devicecode`, with PKCE, refresh tokens that a revoke really kills, and the device code
//! flow's pending / slow_down / declined / expired answers. Error bodies use the documented
//! shape `{"error","error_description","error_codes","timestamp","trace_id","correlation_id"}`.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasher, RandomState};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::server::Shared;
use crate::tenant::{DeviceFlowPlan, DeviceOutcome, TokenLengths};
use crate::users::{CONSUMER_TENANT_ID, User, UserKind};

/// Authorization codes live about ten minutes at Microsoft.
const CODE_LIFETIME: Duration = Duration::from_secs(600);
const ACCESS_LIFETIME: Duration = Duration::from_secs(3600);

/// Everything the identity endpoints remember between requests.
#[derive(Debug, Default)]
pub(crate) struct AuthState {
    codes: HashMap<String, PendingCode>,
    refresh: HashMap<String, Grant>,
    /// Refresh tokens killed by a revoke: they answer AADSTS50173, not "unknown".
    revoked: HashSet<String>,
    access: HashMap<String, AccessGrant>,
    device: HashMap<String, DeviceGrant>,
    pub(crate) device_plan: Option<DeviceFlowPlan>,
    pub(crate) device_polls: Vec<Instant>,
    counter: u64,
}

#[derive(Debug)]
struct PendingCode {
    client_id: String,
    redirect_uri: String,
    challenge: String,
    user_id: String,
    scopes: String,
    expires: Instant,
}

#[derive(Debug, Clone)]
struct Grant {
    user_id: String,
    scopes: String,
}

#[derive(Debug, Clone)]
pub(crate) struct AccessGrant {
    pub(crate) user_id: String,
    /// The delegated scopes granted (space separated), checked by Graph.
    pub(crate) scopes: String,
    expires: Instant,
}

#[derive(Debug)]
struct DeviceGrant {
    polls: u32,
    expires: Instant,
    last_poll: Option<Instant>,
    scopes: String,
    plan: DeviceFlowPlan,
}

impl AuthState {
    /// A new opaque value `len` characters long (at least the prefix, counter and nonce).
    /// Microsoft does not specify token lengths and real ones pass 2,000 characters, so
    /// tokens are padded to the tenant's [`TokenLengths`]; codes stay short.
    fn token(&mut self, prefix: &str, len: usize) -> String {
        self.counter += 1;
        // Unpredictable enough for a simulation, without a randomness dependency.
        let r = RandomState::new().hash_one((self.counter, SystemTime::now()));
        let mut value = format!("{prefix}.{}.{r:016x}", self.counter);
        if value.len() < len {
            value.push('.');
        }
        // base64url characters, as in real tokens, from a xorshift seeded by the nonce.
        const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        let mut x = r | 1;
        while value.len() < len {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            value.push(ALPHABET[(x % 64) as usize] as char);
        }
        value
    }

    /// The user a bearer token belongs to, if it is a live access token.
    pub(crate) fn access_user(&self, token: &str) -> Option<&AccessGrant> {
        self.access
            .get(token)
            .filter(|g| g.expires > Instant::now())
    }

    /// Kills every refresh token of the user; access tokens live on, as at Microsoft.
    pub(crate) fn revoke_user(&mut self, user_id: &str) {
        let dead: Vec<String> = self
            .refresh
            .iter()
            .filter(|(_, g)| g.user_id == user_id)
            .map(|(t, _)| t.clone())
            .collect();
        for t in dead {
            self.refresh.remove(&t);
            self.revoked.insert(t);
        }
    }

    /// An access token and a refresh token for `user_id`, as a sign-in on some other
    /// device would leave them (tests give many users live sessions to revoke).
    pub(crate) fn mint(
        &mut self,
        user_id: &str,
        scopes: &str,
        lengths: TokenLengths,
    ) -> (String, String) {
        let access = self.token("sbx-at", lengths.access);
        self.access.insert(
            access.clone(),
            AccessGrant {
                user_id: user_id.to_owned(),
                scopes: scopes.to_owned(),
                expires: Instant::now() + ACCESS_LIFETIME,
            },
        );
        let refresh = self.token("sbx-rt", lengths.refresh);
        self.refresh.insert(
            refresh.clone(),
            Grant {
                user_id: user_id.to_owned(),
                scopes: scopes.to_owned(),
            },
        );
        (access, refresh)
    }

    /// Live refresh tokens of a user (tests check a revoke really removed them).
    pub(crate) fn live_refresh_tokens(&self, user_id: &str) -> usize {
        self.refresh
            .values()
            .filter(|g| g.user_id == user_id)
            .count()
    }
}

fn ids() -> (String, String) {
    let h = RandomState::new();
    (
        format!("{:016x}{:016x}", h.hash_one(1u8), h.hash_one(2u8)),
        format!("{:016x}{:016x}", h.hash_one(3u8), h.hash_one(4u8)),
    )
}

/// An OAuth error in the documented shape. The description starts with the AADSTS code,
/// as Microsoft's does, but clients must branch on `error` / `error_codes`.
pub(crate) fn oauth_error(status: StatusCode, error: &str, code: u32, text: &str) -> Response {
    let body = oauth_error_body(error, code, text);
    (
        status,
        [(header::CACHE_CONTROL, "no-store")],
        axum::Json(body),
    )
        .into_response()
}

/// The documented error body: `error`, `error_description` ("AADSTSnnnn: ..."),
/// `error_codes`, `timestamp`, `trace_id`, `correlation_id`, `error_uri`.
pub(crate) fn oauth_error_body(error: &str, code: u32, text: &str) -> Value {
    let (trace, correlation) = ids();
    let now = crate::time::rfc3339(SystemTime::now());
    json!({
        "error": error,
        "error_description": format!(
            "AADSTS{code}: {text} Trace ID: {trace} Correlation ID: {correlation} Timestamp: {now}"
        ),
        "error_codes": [code],
        "timestamp": now,
        "trace_id": trace,
        "correlation_id": correlation,
        "error_uri": format!("https://login.microsoftonline.com/error?code={code}"),
    })
}

fn bad(error: &str, code: u32, text: &str) -> Response {
    oauth_error(StatusCode::BAD_REQUEST, error, code, text)
}

/// The page Microsoft shows when it cannot even redirect back (bad client or redirect URI).
fn error_page(code: u32, text: &str) -> Response {
    let html = format!(
        "<!DOCTYPE html><html><head><title>Sign in to your account</title></head><body>\
         <h1>Sign in</h1><p>Sorry, but we're having trouble signing you in.</p>\
         <p>AADSTS{code}: {}</p></body></html>",
        escape(text)
    );
    (StatusCode::BAD_REQUEST, Html(html)).into_response()
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// `common`, `organizations`, `consumers`, the tenant id or its domain.
fn tenant_ok(shared: &Shared, tenant: &str) -> bool {
    matches!(tenant, "common" | "organizations" | "consumers")
        || tenant.eq_ignore_ascii_case(&shared.tenant.id)
        || tenant.eq_ignore_ascii_case(&shared.tenant.domain)
}

fn user_allowed_for(tenant: &str, user: &User) -> bool {
    match tenant {
        "consumers" => user.kind == UserKind::Personal,
        "common" => true,
        _ => user.kind != UserKind::Personal,
    }
}

/// Loopback redirect URIs match the registered `http://127.0.0.1` (and the older
/// `http://localhost`) whatever the port; `[::1]` is not registered.
pub(crate) fn redirect_matches(redirect_uri: &str) -> bool {
    let Ok(u) = url::Url::parse(redirect_uri) else {
        return false;
    };
    u.scheme() == "http"
        && matches!(u.host_str(), Some("localhost") | Some("127.0.0.1"))
        && (u.path() == "/" || u.path().is_empty())
        && u.fragment().is_none()
}

/// `GET /{tenant}/oauth2/v2.0/authorize`: with a `login_hint` naming a test user it
/// consents as that user and redirects to the loopback with `code` and `state`; without
/// one it shows a page to pick a user (demo mode, in a real browser).
pub(crate) async fn authorize(
    State(shared): State<Arc<Shared>>,
    Path(tenant): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    if !tenant_ok(&shared, &tenant) {
        return error_page(90002, &format!("Tenant '{tenant}' not found."));
    }
    let get = |k: &str| q.get(k).map(String::as_str).unwrap_or_default();
    let client_id = get("client_id");
    if !shared.tenant.client_ids.iter().any(|c| c == client_id) {
        return error_page(
            700016,
            &format!("Application with identifier '{client_id}' was not found in the directory."),
        );
    }
    let redirect_uri = get("redirect_uri");
    if !redirect_matches(redirect_uri) {
        return error_page(
            50011,
            &format!(
                "The redirect URI '{redirect_uri}' specified in the request does not match the redirect URIs configured for the application."
            ),
        );
    }
    let state = get("state");
    let redirect_error = |error: &str, code: u32, text: &str| {
        let mut u = match url::Url::parse(redirect_uri) {
            Ok(u) => u,
            Err(_) => return error_page(50011, "Invalid redirect URI."),
        };
        u.query_pairs_mut()
            .append_pair("error", error)
            .append_pair("error_description", &format!("AADSTS{code}: {text}"))
            .append_pair("state", state);
        redirect(u.as_str())
    };
    if get("response_type") != "code" {
        return redirect_error(
            "unsupported_response_type",
            700054,
            "response_type 'code' is required.",
        );
    }
    let challenge = get("code_challenge");
    if challenge.is_empty() || get("code_challenge_method") != "S256" {
        // Public clients must use PKCE; S256 is what we require of ourselves.
        return redirect_error(
            "invalid_request",
            9002325,
            "Proof Key for Code Exchange is required for cross-origin authorization code redemption.",
        );
    }
    if get("sandbox_action") == "deny" {
        return redirect_error(
            "access_denied",
            65004,
            "User declined to consent to access the app.",
        );
    }
    let hint = get("login_hint");
    let Some(user) = (!hint.is_empty())
        .then(|| shared.tenant.user_by_upn(hint))
        .flatten()
        .filter(|u| user_allowed_for(&tenant, u))
        .cloned()
    else {
        return chooser(&shared, &tenant, &q);
    };
    let code = {
        let mut auth = shared.auth();
        let code = auth.token("sbx-code", 0);
        auth.codes.insert(
            code.clone(),
            PendingCode {
                client_id: client_id.to_owned(),
                redirect_uri: redirect_uri.to_owned(),
                challenge: challenge.to_owned(),
                user_id: user.id.clone(),
                scopes: get("scope").to_owned(),
                expires: Instant::now() + CODE_LIFETIME,
            },
        );
        code
    };
    let Ok(mut u) = url::Url::parse(redirect_uri) else {
        return error_page(50011, "Invalid redirect URI.");
    };
    u.query_pairs_mut()
        .append_pair("code", &code)
        .append_pair("state", state);
    redirect(u.as_str())
}

fn redirect(location: &str) -> Response {
    (StatusCode::FOUND, [(header::LOCATION, location.to_owned())]).into_response()
}

/// The "Pick an account" page: one link per test user, each the same request plus a hint.
fn chooser(shared: &Shared, tenant: &str, q: &HashMap<String, String>) -> Response {
    let mut items = String::new();
    for user in shared
        .tenant
        .users
        .iter()
        .filter(|u| user_allowed_for(tenant, u))
        .take(10)
    {
        let mut query = url::form_urlencoded::Serializer::new(String::new());
        for (k, v) in q.iter().filter(|(k, _)| k.as_str() != "login_hint") {
            query.append_pair(k, v);
        }
        query.append_pair("login_hint", &user.upn);
        let kind = match user.kind {
            UserKind::Admin => "work account, admin",
            UserKind::Member => "work account",
            UserKind::Personal => "personal account",
        };
        items.push_str(&format!(
            "<li><a href=\"/{}/oauth2/v2.0/authorize?{}\">{} &lt;{}&gt; ({kind})</a></li>",
            escape(tenant),
            escape(&query.finish()),
            escape(&user.display_name),
            escape(&user.upn)
        ));
    }
    Html(format!(
        "<!DOCTYPE html><html><head><title>Pick an account</title></head><body>\
         <h1>Pick an account</h1><p>{} &mdash; a simulated Microsoft sign-in.</p><ul>{items}</ul>\
         </body></html>",
        escape(&shared.tenant.display_name)
    ))
    .into_response()
}

/// `POST /{tenant}/oauth2/v2.0/devicecode`
pub(crate) async fn devicecode(
    State(shared): State<Arc<Shared>>,
    Path(tenant): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if !tenant_ok(&shared, &tenant) {
        return bad(
            "invalid_request",
            90002,
            &format!("Tenant '{tenant}' not found."),
        );
    }
    let form = parse_form(&body);
    let client_id = form
        .get("client_id")
        .map(String::as_str)
        .unwrap_or_default();
    if !shared.tenant.client_ids.iter().any(|c| c == client_id) {
        return bad(
            "unauthorized_client",
            700016,
            &format!("Application with identifier '{client_id}' was not found in the directory."),
        );
    }
    let base = base_url(&headers);
    let mut auth = shared.auth();
    let plan = auth
        .device_plan
        .clone()
        .unwrap_or_else(|| shared.tenant.device_flow.clone());
    let device_code = auth.token("sbx-device", 0);
    let user_code = format!(
        "S{:08X}",
        auth.counter.wrapping_mul(2_654_435_761) & 0xFFFF_FFFF
    );
    let verification_uri = format!("{base}/devicelogin");
    auth.device.insert(
        device_code.clone(),
        DeviceGrant {
            polls: 0,
            expires: Instant::now() + Duration::from_secs(plan.expires_in_secs),
            last_poll: None,
            scopes: form.get("scope").cloned().unwrap_or_default(),
            plan: plan.clone(),
        },
    );
    axum::Json(json!({
        "user_code": user_code,
        "device_code": device_code,
        "verification_uri": verification_uri,
        "expires_in": plan.expires_in_secs,
        "interval": plan.interval_secs,
        "message": format!("To sign in, use a web browser to open the page {verification_uri} and enter the code {user_code} to authenticate."),
    }))
    .into_response()
}

/// `GET /{tenant}/adminconsent?client_id=...`: the page an admin opens from the link the
/// app gives when consent is missing. The simulated tenant only shows what would be asked.
pub(crate) async fn adminconsent(
    State(shared): State<Arc<Shared>>,
    Path(tenant): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    if !tenant_ok(&shared, &tenant) {
        return error_page(90002, &format!("Tenant '{tenant}' not found."));
    }
    let client_id = q.get("client_id").map(String::as_str).unwrap_or_default();
    if !shared.tenant.client_ids.iter().any(|c| c == client_id) {
        return error_page(
            700016,
            &format!("Application with identifier '{client_id}' was not found in the directory."),
        );
    }
    Html(format!(
        "<!DOCTYPE html><html><head><title>Permissions requested</title></head><body>\
         <h1>Permissions requested</h1><p>Session Doctor ({}) &mdash; accept for your organisation \
         ({}, a simulated Microsoft tenant: nothing is changed).</p></body></html>",
        escape(client_id),
        escape(&shared.tenant.display_name)
    ))
    .into_response()
}

/// `GET /devicelogin`: in the sandbox the code is approved by the tenant's script.
pub(crate) async fn devicelogin() -> Html<&'static str> {
    Html(
        "<!DOCTYPE html><html><head><title>Enter code</title></head><body><h1>Enter code</h1>\
         <p>This is the simulated tenant: the code you were shown is approved automatically.</p>\
         </body></html>",
    )
}

fn parse_form(body: &[u8]) -> HashMap<String, String> {
    url::form_urlencoded::parse(body).into_owned().collect()
}

pub(crate) fn base_url(headers: &HeaderMap) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("127.0.0.1");
    format!("http://{host}")
}

/// `POST /{tenant}/oauth2/v2.0/token`
pub(crate) async fn token(
    State(shared): State<Arc<Shared>>,
    Path(tenant): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if !tenant_ok(&shared, &tenant) {
        return bad(
            "invalid_request",
            90002,
            &format!("Tenant '{tenant}' not found."),
        );
    }
    let form = parse_form(&body);
    let get = |k: &str| form.get(k).map(String::as_str).unwrap_or_default();
    let client_id = get("client_id");
    if !shared.tenant.client_ids.iter().any(|c| c == client_id) {
        return bad(
            "unauthorized_client",
            700016,
            &format!("Application with identifier '{client_id}' was not found in the directory."),
        );
    }
    let base = base_url(&headers);
    match get("grant_type") {
        "authorization_code" => {
            let pending = shared.auth().codes.remove(get("code"));
            let Some(p) = pending.filter(|p| p.expires > Instant::now()) else {
                return bad(
                    "invalid_grant",
                    70008,
                    "The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource.",
                );
            };
            if p.client_id != client_id {
                return bad(
                    "invalid_grant",
                    70000,
                    "The provided value for the 'code' parameter is not valid.",
                );
            }
            if p.redirect_uri != get("redirect_uri") {
                return bad(
                    "invalid_grant",
                    500117,
                    "The reply uri specified in the request isn't expected.",
                );
            }
            let verifier = get("code_verifier");
            let computed = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
            if verifier.is_empty() || computed != p.challenge {
                return bad(
                    "invalid_grant",
                    501481,
                    "The Code_Verifier does not match the code_challenge supplied in the authorization request.",
                );
            }
            issue(&shared, &base, client_id, &p.user_id, &p.scopes)
        }
        "refresh_token" => {
            let rt = get("refresh_token");
            let grant = {
                let auth = shared.auth();
                if auth.revoked.contains(rt) {
                    drop(auth);
                    return bad(
                        "invalid_grant",
                        50173,
                        "The provided grant has expired due to it being revoked, a fresh auth token is needed. The user might have changed or reset their password.",
                    );
                }
                auth.refresh.get(rt).cloned()
            };
            let Some(g) = grant else {
                return bad(
                    "invalid_grant",
                    9002313,
                    "Invalid request. Request is malformed or invalid.",
                );
            };
            let scopes = if get("scope").is_empty() {
                g.scopes.clone()
            } else {
                get("scope").to_owned()
            };
            issue(&shared, &base, client_id, &g.user_id, &scopes)
        }
        "urn:ietf:params:oauth:grant-type:device_code" | "device_code" => {
            device_poll(&shared, &base, client_id, get("device_code"))
        }
        other => bad(
            "unsupported_grant_type",
            70003,
            &format!("The app requested an unsupported grant type '{other}'."),
        ),
    }
}

fn device_poll(shared: &Shared, base: &str, client_id: &str, device_code: &str) -> Response {
    let now = Instant::now();
    let verdict = {
        let mut auth = shared.auth();
        auth.device_polls.push(now);
        let Some(g) = auth.device.get_mut(device_code) else {
            drop(auth);
            return bad(
                "invalid_grant",
                70000,
                "The provided value for the 'device_code' parameter is not valid.",
            );
        };
        g.last_poll = Some(now);
        g.polls += 1;
        if now >= g.expires {
            Err((
                "expired_token",
                70020u32,
                "The provided value for the input parameter 'device_code' is not valid. This device code has expired.",
            ))
        } else if g.polls <= g.plan.slow_down_polls {
            Err((
                "slow_down",
                70016,
                "Polling too fast: wait the given interval plus 5 seconds.",
            ))
        } else if g.polls <= g.plan.pending_polls {
            Err((
                "authorization_pending",
                70016,
                "OAuth 2.0 device flow error. Authorization is pending. Continue polling.",
            ))
        } else {
            match &g.plan.outcome {
                DeviceOutcome::Approve(upn) => Ok((upn.clone(), g.scopes.clone())),
                DeviceOutcome::Decline => Err((
                    "authorization_declined",
                    70000,
                    "The user declined the authentication request.",
                )),
                DeviceOutcome::Expire => Err((
                    "expired_token",
                    70020,
                    "The provided value for the input parameter 'device_code' is not valid. This device code has expired.",
                )),
            }
        }
    };
    match verdict {
        Err((error, code, text)) => bad(error, code, text),
        Ok((upn, scopes)) => {
            shared.auth().device.remove(device_code);
            match shared.tenant.user_by_upn(&upn) {
                Some(user) => {
                    let id = user.id.clone();
                    issue(shared, base, client_id, &id, &scopes)
                }
                None => bad(
                    "invalid_grant",
                    50034,
                    "The user account does not exist in this directory.",
                ),
            }
        }
    }
}

/// A token response: access token, refresh token with `offline_access`, id token with
/// `openid` (unsigned claims only: the client reads them for display, Graph is the truth).
fn issue(shared: &Shared, base: &str, client_id: &str, user_id: &str, scopes: &str) -> Response {
    let Some(user) = shared
        .tenant
        .users
        .iter()
        .find(|u| u.id == user_id)
        .cloned()
    else {
        return bad(
            "invalid_grant",
            50034,
            "The user account does not exist in this directory.",
        );
    };
    let has = |s: &str| scopes.split_whitespace().any(|x| x.eq_ignore_ascii_case(s));
    let lengths = shared.tenant.token_lengths;
    let mut auth = shared.auth();
    let access = auth.token("sbx-at", lengths.access);
    auth.access.insert(
        access.clone(),
        AccessGrant {
            user_id: user.id.clone(),
            scopes: scopes.to_owned(),
            expires: Instant::now() + ACCESS_LIFETIME,
        },
    );
    let granted: Vec<&str> = scopes
        .split_whitespace()
        .filter(|s| !matches!(*s, "openid" | "profile" | "offline_access" | "email"))
        .collect();
    let mut body = json!({
        "token_type": "Bearer",
        "scope": granted.join(" "),
        "expires_in": ACCESS_LIFETIME.as_secs(),
        "ext_expires_in": ACCESS_LIFETIME.as_secs(),
        "access_token": access,
    });
    if has("offline_access") {
        let rt = auth.token("sbx-rt", lengths.refresh);
        auth.refresh.insert(
            rt.clone(),
            Grant {
                user_id: user.id.clone(),
                scopes: scopes.to_owned(),
            },
        );
        body["refresh_token"] = Value::String(rt);
    }
    drop(auth);
    if has("openid") {
        body["id_token"] = Value::String(id_token(shared, base, client_id, &user));
    }
    (
        StatusCode::OK,
        [(header::CACHE_CONTROL, "no-store")],
        axum::Json(body),
    )
        .into_response()
}

fn id_token(shared: &Shared, base: &str, client_id: &str, user: &User) -> String {
    let tid = if user.kind == UserKind::Personal {
        CONSUMER_TENANT_ID
    } else {
        shared.tenant.id.as_str()
    };
    let header = json!({"typ": "JWT", "alg": "RS256", "kid": "sandbox"});
    let claims = json!({
        "aud": client_id,
        "iss": format!("{base}/{tid}/v2.0"),
        "tid": tid,
        "oid": user.id,
        "preferred_username": user.upn,
        "name": user.display_name,
        "ver": "2.0",
    });
    format!(
        "{}.{}.{}",
        URL_SAFE_NO_PAD.encode(header.to_string()),
        URL_SAFE_NO_PAD.encode(claims.to_string()),
        URL_SAFE_NO_PAD.encode("sandbox-signature")
    )
}
