//! Per-request fault injection: tests decide that the next N requests under a path answer
//! with a status, a delay, a `Retry-After`, or a raw body (an HTML proxy page, cut JSON).

use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

/// How a `Retry-After` header is written: both forms are legal HTTP and Graph uses both.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RetryAfter {
    /// A number of seconds to wait.
    Seconds(u64),
    /// An absolute instant, sent as an IMF-fixdate (`Fri, 27 Nov 2026 07:33:10 GMT`).
    Date(SystemTime),
}

/// One injected fault. Built with [`Fault::on`] and the builder methods.
#[derive(Debug, Clone)]
pub struct Fault {
    /// Matches requests whose path starts with this (for `$batch`, each sub-request's
    /// path as `/graph/v1.0/users/...`).
    pub path_prefix: String,
    /// Only this method (`GET`, `POST`), or any.
    pub method: Option<String>,
    /// Waits this long before answering (or before passing the request on).
    pub delay: Duration,
    /// Answers with this status instead of the real handler; `None` passes through after
    /// the delay (pure latency).
    pub status: Option<u16>,
    /// A `Retry-After` header to send with the answer.
    pub retry_after: Option<RetryAfter>,
    /// The raw body to send; when `None` and a status is set, a documented-shape error.
    pub body: Option<String>,
    /// The `Content-Type` of `body` (JSON when `None`).
    pub content_type: Option<String>,
    /// Extra response headers (a `WWW-Authenticate` challenge).
    pub headers: Vec<(String, String)>,
    /// How many matching requests it affects; `None` is every one.
    pub times: Option<u32>,
    /// Lets this many matching requests through untouched before the fault applies
    /// ("the 21st to 40th revoke fail": `.after(20).times(20)`).
    pub skip: u32,
    /// Only `$batch` sub-requests match (a plain request to the same path passes).
    pub batch_only: bool,
    /// Only the path itself matches, not paths under it (`/me` but not `/me/ownedDevices`,
    /// which the client may send first: its reads run concurrently).
    pub exact: bool,
}

impl Fault {
    /// A fault for requests under `path_prefix` that, by default, affects one request and
    /// does nothing until a status, delay or body is set.
    pub fn on(path_prefix: impl Into<String>) -> Self {
        Self {
            path_prefix: path_prefix.into(),
            method: None,
            delay: Duration::ZERO,
            status: None,
            retry_after: None,
            body: None,
            content_type: None,
            headers: Vec::new(),
            times: Some(1),
            skip: 0,
            batch_only: false,
            exact: false,
        }
    }

    /// Matches the path itself only, not the paths under it.
    pub fn exact(mut self) -> Self {
        self.exact = true;
        self
    }

    /// Answers with `status` instead of the real handler.
    pub fn status(mut self, status: u16) -> Self {
        self.status = Some(status);
        self
    }

    /// Only for requests of `method`.
    pub fn method(mut self, method: &str) -> Self {
        self.method = Some(method.to_ascii_uppercase());
        self
    }

    /// Waits `delay` before answering.
    pub fn delay(mut self, delay: Duration) -> Self {
        self.delay = delay;
        self
    }

    /// Sends this `Retry-After` header.
    pub fn retry_after(mut self, retry_after: RetryAfter) -> Self {
        self.retry_after = Some(retry_after);
        self
    }

    /// A raw body with its content type, e.g. an HTML page or JSON cut in half.
    pub fn body(mut self, content_type: &str, body: impl Into<String>) -> Self {
        self.content_type = Some(content_type.to_owned());
        self.body = Some(body.into());
        self
    }

    /// Adds a response header to the injected answer.
    pub fn header(mut self, name: &str, value: impl Into<String>) -> Self {
        self.headers.push((name.to_owned(), value.into()));
        self
    }

    /// An identity platform error at `path` (a token or devicecode endpoint) in the
    /// documented shape: `error`, `error_description` ("AADSTSnnnn: ..."), `error_codes`,
    /// `timestamp`, `trace_id`, `correlation_id`, `error_uri`; HTTP 400 as Microsoft sends.
    pub fn aad_error(path: impl Into<String>, error: &str, code: u32, text: &str) -> Self {
        let body = crate::identity::oauth_error_body(error, code, text);
        Self::on(path)
            .status(400)
            .body("application/json; charset=utf-8", body.to_string())
    }

    /// AADSTS65001: the app (or a permission it asks for) has no consent in the tenant.
    pub fn consent_required(path: impl Into<String>) -> Self {
        Self::aad_error(
            path,
            "invalid_grant",
            65001,
            "The user or administrator has not consented to use the application with ID '5e7f1d2c-9a4b-4c3d-8e6f-0a1b2c3d4e5f' named 'Session Doctor'. Send an interactive authorization request for this user and resource.",
        )
    }

    /// AADSTS53003: a Conditional Access policy blocks the sign-in. The same answer comes
    /// when an "authentication flows" policy blocks the device code flow: put it on the
    /// token path during a device code sign-in to play that.
    pub fn conditional_access_blocked(path: impl Into<String>) -> Self {
        Self::aad_error(
            path,
            "invalid_grant",
            53003,
            "Access has been blocked by Conditional Access policies. The access policy does not allow token issuance.",
        )
    }

    /// AADSTS53000 (compliant device required) or 53001 (domain-joined device required).
    pub fn device_not_compliant(path: impl Into<String>, code: u32) -> Self {
        let state = if code == 53001 {
            "domain_joined"
        } else {
            "compliant"
        };
        Self::aad_error(
            path,
            "invalid_grant",
            code,
            &format!(
                "Device is not in required device state: {state}. Conditional Access policy requires a {state} device, and the device is not {state}. The user must enroll their device with an approved MDM provider like Intune."
            ),
        )
    }

    /// AADSTS50076 (or 50079: MFA registration) with the `claims` challenge and the
    /// `suberror` Microsoft sends when multi-factor authentication is wanted.
    pub fn mfa_required(path: impl Into<String>, code: u32, claims: Option<&str>) -> Self {
        let text = if code == 50079 {
            "Due to a configuration change made by your administrator, or because you moved to a new location, you must enroll in multi-factor authentication to access '00000003-0000-0000-c000-000000000000'."
        } else {
            "Due to a configuration change made by your administrator, or because you moved to a new location, you must use multi-factor authentication to access '00000003-0000-0000-c000-000000000000'."
        };
        let mut body = crate::identity::oauth_error_body("invalid_grant", code, text);
        body["suberror"] = serde_json::Value::String("basic_action".into());
        if let Some(c) = claims {
            body["claims"] = serde_json::Value::String(c.to_owned());
        }
        Self::on(path)
            .status(400)
            .body("application/json; charset=utf-8", body.to_string())
    }

    /// A Graph 401 claims challenge (Continuous Access Evaluation, Conditional Access
    /// step-up): `WWW-Authenticate: Bearer ... error="insufficient_claims",
    /// claims="<base64 JSON>"` and Graph's error body.
    pub fn claims_challenge(path: impl Into<String>, claims: &str) -> Self {
        use base64::Engine;
        let encoded = base64::engine::general_purpose::STANDARD.encode(claims);
        let body = crate::graph::graph_error_body(
            "InvalidAuthenticationToken",
            "Continuous access evaluation resulted in challenge with result: InteractionRequired and code: LocationConditionEvaluationSatisfied",
        );
        Self::on(path)
            .status(401)
            .body("application/json", body.to_string())
            .header(
                "WWW-Authenticate",
                format!(
                    r#"Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000", error="insufficient_claims", claims="{encoded}""#
                ),
            )
    }

    /// Applies to the next `n` matching requests only.
    pub fn times(mut self, n: u32) -> Self {
        self.times = Some(n);
        self
    }

    /// Applies to every matching request until cleared.
    pub fn always(mut self) -> Self {
        self.times = None;
        self
    }

    /// Passes the first `n` matching requests through, then applies (`times` counts from
    /// there). Requests taken by an earlier fault are not counted.
    pub fn after(mut self, n: u32) -> Self {
        self.skip = n;
        self
    }

    /// Matches `$batch` sub-requests only: with `.after(20).times(20)` on
    /// `/graph/v1.0/users/` the middle batch of three fails, whatever users it holds.
    pub fn in_batch(mut self) -> Self {
        self.batch_only = true;
        self
    }

    fn matches(&self, method: &str, path: &str, in_batch: bool) -> bool {
        (in_batch || !self.batch_only)
            && (if self.exact {
                path == self.path_prefix
            } else {
                path.starts_with(&self.path_prefix)
            })
            && self
                .method
                .as_deref()
                .is_none_or(|m| m.eq_ignore_ascii_case(method))
            && self.times.is_none_or(|n| n > 0)
    }
}

/// The live list of faults of one sandbox. Cloning shares the list.
#[derive(Debug, Clone, Default)]
pub struct Faults {
    inner: Arc<Mutex<Vec<Fault>>>,
}

impl Faults {
    /// Adds a fault; earlier faults match first.
    pub fn push(&self, fault: Fault) {
        self.lock().push(fault);
    }

    /// Removes every injected fault.
    pub fn clear(&self) {
        self.lock().clear();
    }

    /// How many uses are left in total (a test can check its faults were consumed).
    pub fn remaining(&self) -> u32 {
        self.lock()
            .iter()
            .map(|f| f.times.unwrap_or(u32::MAX))
            .fold(0u32, u32::saturating_add)
    }

    /// Takes one use of the first fault matching the request, if any.
    pub(crate) fn take(&self, method: &str, path: &str) -> Option<Fault> {
        self.take_where(method, path, false)
    }

    /// [`take`](Self::take) for a sub-request of a `$batch`.
    pub(crate) fn take_in_batch(&self, method: &str, path: &str) -> Option<Fault> {
        self.take_where(method, path, true)
    }

    fn take_where(&self, method: &str, path: &str, in_batch: bool) -> Option<Fault> {
        let mut faults = self.lock();
        let mut chosen = None;
        for (i, f) in faults.iter_mut().enumerate() {
            if !f.matches(method, path, in_batch) {
                continue;
            }
            if f.skip > 0 {
                // Counted, let through; a later fault may still take the request.
                f.skip -= 1;
                continue;
            }
            chosen = Some(i);
            break;
        }
        let fault = &mut faults[chosen?];
        if let Some(n) = fault.times.as_mut() {
            *n -= 1;
        }
        let taken = fault.clone();
        faults.retain(|f| f.times != Some(0));
        Some(taken)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Fault>> {
        // A panicking test thread must not make every later request fail.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// The `Retry-After` header value.
pub(crate) fn retry_after_value(r: &RetryAfter) -> String {
    match r {
        RetryAfter::Seconds(s) => s.to_string(),
        RetryAfter::Date(t) => httpdate::fmt_http_date(*t),
    }
}
