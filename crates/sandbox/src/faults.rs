//! Per-request fault injection: tests decide that the next N requests under a path answer
//! with a status, a delay, a `Retry-After`, or a raw body (an HTML proxy page, cut JSON).

use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

/// How a `Retry-After` header is written: both forms are legal HTTP and Graph uses both.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RetryAfter {
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
    pub retry_after: Option<RetryAfter>,
    /// The raw body to send; when `None` and a status is set, a documented-shape error.
    pub body: Option<String>,
    pub content_type: Option<String>,
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

    pub fn status(mut self, status: u16) -> Self {
        self.status = Some(status);
        self
    }

    pub fn method(mut self, method: &str) -> Self {
        self.method = Some(method.to_ascii_uppercase());
        self
    }

    pub fn delay(mut self, delay: Duration) -> Self {
        self.delay = delay;
        self
    }

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

    pub fn times(mut self, n: u32) -> Self {
        self.times = Some(n);
        self
    }

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
