//! The results of a bulk sign-out: the failed ones to retry, a retry merged back, the summary.

// The parent's imports and the siblings' items: one admin module, split by concern.
#[allow(unused_imports)]
use super::*;
use words::{Lang, Words};

/// The users of `results` worth sending again ("Retry the failed ones"): the failed and
/// retryable, in order. Not-found users and refusals are left out; they would fail again.
pub fn failed_upns(results: &[UserRevokeResult]) -> Vec<String> {
    results
        .iter()
        .filter(|r| r.is_retryable())
        .map(|r| r.upn.clone())
        .collect()
}

/// Puts the results of a retry into the earlier results (matched by UPN, ignoring case;
/// users new to the list are added at the end), so the UI keeps one row per user.
pub fn merge_results(previous: &mut Vec<UserRevokeResult>, retried: Vec<UserRevokeResult>) {
    for r in retried {
        match previous
            .iter_mut()
            .find(|p| p.upn.eq_ignore_ascii_case(&r.upn))
        {
            Some(p) => *p = r,
            None => previous.push(r),
        }
    }
}

/// Counts and a sentence for `results`, in `lang`.
pub fn summarize_bulk(results: &[UserRevokeResult], lang: Lang) -> BulkRevokeSummary {
    let w = Words::of(lang);
    let total = results.len() as u32;
    let revoked = results.iter().filter(|r| r.is_revoked()).count() as u32;
    let retryable = results.iter().filter(|r| r.is_retryable()).count() as u32;
    let failed = total - revoked;
    let mut summary = w.count(
        "cloud.bulk.summary",
        u64::from(total),
        &[("revoked", &revoked)],
    );
    if failed > 0 {
        summary.push(' ');
        summary.push_str(&if retryable > 0 {
            w.count(
                "cloud.bulk.summary_failed_retry",
                u64::from(failed),
                &[("retryable", &retryable)],
            )
        } else {
            w.count("cloud.bulk.summary_failed", u64::from(failed), &[])
        });
    }
    BulkRevokeSummary {
        total,
        revoked,
        failed,
        retryable,
        summary,
    }
}
