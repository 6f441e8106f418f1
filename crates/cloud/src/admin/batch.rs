//! Judging `$batch` sub-responses: what comes back, when to retry, what failed and why.

// The parent's imports and the siblings' items: one admin module, split by concern.
#[allow(unused_imports)]
use super::*;

/// Whether the server asked us to come back (throttled, or unavailable with a time).
pub(super) fn comes_back(r: &SubResponse) -> bool {
    r.status == 429 || (matches!(r.status, 503 | 504) && sub_retry_after(r).is_some())
}

/// `Retry-After` of a sub-response, in seconds or as an HTTP date.
pub(super) fn sub_retry_after(r: &SubResponse) -> Option<Duration> {
    let (_, v) = r
        .headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("retry-after"))?;
    if let Some(n) = v.as_u64() {
        return Some(Duration::from_secs(n));
    }
    let text = v.as_str()?.trim();
    if let Ok(n) = text.parse::<u64>() {
        return Some(Duration::from_secs(n));
    }
    let at = httpdate::parse_http_date(text).ok()?;
    Some(
        at.duration_since(SystemTime::now())
            .unwrap_or(Duration::ZERO),
    )
}

pub(super) fn retryable_status(status: u16) -> bool {
    matches!(status, 401 | 408 | 429 | 500 | 502 | 503 | 504)
}

/// Whether an envelope failure means the network path is broken (the next batches would
/// fail the same way), rather than this one request being refused.
pub(super) fn path_broken(e: &CloudError) -> bool {
    matches!(
        e,
        CloudError::Network { .. }
            | CloudError::Timeout { .. }
            | CloudError::UnexpectedResponse { .. }
            | CloudError::Throttled { .. }
            | CloudError::ServiceUnavailable { .. }
    )
}

pub(super) fn failed(code: &str, message: String, retryable: bool) -> BulkRevokeOutcome {
    BulkRevokeOutcome::Failed {
        code: code.to_owned(),
        message,
        retryable,
    }
}

/// One sub-response as a final outcome.
pub(super) fn judge(r: &SubResponse) -> BulkRevokeOutcome {
    if (200..300).contains(&r.status) {
        return BulkRevokeOutcome::Revoked;
    }
    let (code, graph_message) = r.error();
    let code = if code == "unknown" {
        format!("http_{}", r.status)
    } else {
        code
    };
    let detail = if graph_message.is_empty() {
        String::new()
    } else {
        format!(" ({graph_message})")
    };
    let message = match r.status {
        403 => format!(
            "Microsoft refused{detail}: revoking this user needs a role that covers them (Privileged Authentication Administrator covers every user, admins included)."
        ),
        404 => format!("No such user in the directory{detail}."),
        429 => format!(
            "Microsoft is throttling requests{}; retry in a minute.",
            sub_retry_after(r)
                .map(|d| format!(" and asked to wait {} s", d.as_secs()))
                .unwrap_or_default()
        ),
        400 => format!(
            "Microsoft rejected the request{detail}; personal and external (guest) accounts cannot be signed out from here."
        ),
        s if s >= 500 => format!("Microsoft's service failed (HTTP {s}){detail}."),
        s => format!("HTTP {s}{detail}."),
    };
    failed(&code, message, retryable_status(r.status))
}

/// The users as they will be sent: trimmed, without duplicates (ignoring case).
pub(super) fn normalise(upns: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(upns.len());
    for u in upns {
        let u = u.trim();
        if u.is_empty() || out.iter().any(|o| o.eq_ignore_ascii_case(u)) {
            continue;
        }
        out.push(u.to_owned());
    }
    out
}
