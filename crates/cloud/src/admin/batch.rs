//! Judging `$batch` sub-responses: what comes back, when to retry, what failed and why.

// The parent's imports and the siblings' items: one admin module, split by concern.
#[allow(unused_imports)]
use super::*;
use words::{Lang, Words};

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

/// One sub-response as a final outcome, our words in `lang` (Graph's message, in
/// brackets, as Microsoft wrote it).
pub(super) fn judge(r: &SubResponse, lang: Lang) -> BulkRevokeOutcome {
    let w = Words::of(lang);
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
        403 => w.t("cloud.bulk.refused", &[("detail", &detail)]),
        404 => w.t("cloud.bulk.not_found", &[("detail", &detail)]),
        429 => match sub_retry_after(r) {
            Some(d) => w.t("cloud.bulk.throttled_wait", &[("secs", &d.as_secs())]),
            None => w.t("cloud.bulk.throttled", &[]),
        },
        400 => w.t("cloud.bulk.rejected", &[("detail", &detail)]),
        s if s >= 500 => w.t(
            "cloud.bulk.service_failed",
            &[("status", &s), ("detail", &detail)],
        ),
        // Nothing to word: the status and Microsoft's message.
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
