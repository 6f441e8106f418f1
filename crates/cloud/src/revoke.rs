//! "Sign out everywhere": revoke through Graph where the account may, the manual route
//! where it may not, and many users at once through `$batch` for admins.

use std::time::Duration;

use serde::Serialize;
use serde_json::json;
use words::{Lang, Words};

use crate::account::{Account, AccountKind};
use crate::config::RetryPolicy;
use crate::error::CloudError;
use crate::graph::{BATCH_LIMIT, Graph, SubResponse, encode};
use crate::manual::{self, ManualRoute};

/// What happened for one user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum RevokeOutcome {
    /// Microsoft accepted the revoke: every refresh token of the user is dead.
    Revoked,
    /// The API refused or does not exist for this account: open the page and press.
    Manual {
        /// The page and what to press there.
        route: ManualRoute,
    },
    /// No such user in the directory.
    NotFound,
    /// Anything else, with Graph's (or our) code and message (ours in the report's
    /// language, Microsoft's as Microsoft wrote it).
    Failed {
        /// Graph's error code, or ours.
        code: String,
        /// What went wrong, in words.
        message: String,
    },
}

/// The result for one user (`upn`, or the signed-in user).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub struct UserRevoke {
    /// The user principal name (the signed-in user's own).
    pub user: String,
    /// What happened.
    pub outcome: RevokeOutcome,
}

/// What "sign out everywhere" did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub struct SignOutReport {
    /// One per user.
    pub results: Vec<UserRevoke>,
    /// The app's own sign-in died with the others (AADSTS50173): expected, not an error.
    pub signed_out_here: bool,
    /// One sentence for the UI and the CLI, in the language asked for.
    pub summary: String,
}

impl SignOutReport {
    /// True when everything the account allows was done (manual routes count: opening
    /// the page is the part the app can do).
    pub fn did_what_it_could(&self) -> bool {
        self.results.iter().all(|r| {
            matches!(
                r.outcome,
                RevokeOutcome::Revoked | RevokeOutcome::Manual { .. }
            )
        })
    }
}

/// The signed-in user: `POST /me/revokeSignInSessions`; a manual route in `lang`.
pub(crate) async fn revoke_me(
    graph: &Graph<'_>,
    account: &Account,
    lang: Lang,
) -> Result<RevokeOutcome, CloudError> {
    if account.kind == AccountKind::Personal {
        return Ok(RevokeOutcome::Manual {
            route: manual::personal_sign_out(lang),
        });
    }
    match graph.post("/me/revokeSignInSessions").await {
        // Any 2xx: 200 `{"value": true}` or 204.
        Ok(_) => Ok(RevokeOutcome::Revoked),
        Err(CloudError::Graph { status: 403, .. }) => Ok(RevokeOutcome::Manual {
            route: manual::work_sign_out(&account.upn, lang),
        }),
        // 401 goes back to the session, which refreshes the token and tries again.
        Err(CloudError::Graph {
            status,
            code,
            message,
        }) if (400..500).contains(&status) && status != 401 => {
            Ok(RevokeOutcome::Failed { code, message })
        }
        Err(e) => Err(e),
    }
}

fn judge(upn: &str, r: &SubResponse, lang: Lang) -> RevokeOutcome {
    let (code, message) = r.error();
    match r.status {
        200..=299 => RevokeOutcome::Revoked,
        403 => RevokeOutcome::Manual {
            route: manual::admin_revoke(upn, lang),
        },
        404 => RevokeOutcome::NotFound,
        _ => RevokeOutcome::Failed { code, message },
    }
}

fn retryable(status: u16) -> bool {
    status == 429 || matches!(status, 500 | 502 | 503 | 504)
}

/// Many users through `$batch`, 20 per request, each answer judged on its own; throttled
/// and 5xx sub-requests are sent again in later rounds. Our own messages are in `lang`.
pub(crate) async fn revoke_users(
    graph: &Graph<'_>,
    upns: &[String],
    retry: RetryPolicy,
    lang: Lang,
) -> Vec<UserRevoke> {
    let w = Words::of(lang);
    let mut outcomes: Vec<Option<RevokeOutcome>> = vec![None; upns.len()];
    let mut pending: Vec<usize> = (0..upns.len()).collect();
    let mut round = 0u32;
    while !pending.is_empty() {
        let mut again = Vec::new();
        let mut wait = Duration::ZERO;
        for chunk in pending.chunks(BATCH_LIMIT) {
            let requests: Vec<_> = chunk
                .iter()
                .map(|&i| {
                    json!({
                        "id": i.to_string(),
                        "method": "POST",
                        "url": format!("/users/{}/revokeSignInSessions", encode(&upns[i])),
                    })
                })
                .collect();
            match graph.batch(&requests).await {
                Ok(responses) => {
                    for &i in chunk {
                        let id = i.to_string();
                        let Some(r) = responses.iter().find(|r| r.id == id) else {
                            outcomes[i] = Some(RevokeOutcome::Failed {
                                code: "missing_response".into(),
                                message: w.t("cloud.revoke.missing_response", &[]),
                            });
                            continue;
                        };
                        if retryable(r.status) && round < retry.max_retries {
                            wait = wait.max(Duration::from_secs(r.retry_after_secs().unwrap_or(0)));
                            again.push(i);
                        }
                        outcomes[i] = Some(judge(&upns[i], r, lang));
                    }
                }
                Err(e) => {
                    log::warn!("a $batch of {} revokes failed: {e}", chunk.len());
                    for &i in chunk {
                        outcomes[i] = Some(RevokeOutcome::Failed {
                            code: e.code().as_str().into(),
                            message: e.message(lang),
                        });
                    }
                }
            }
        }
        if again.is_empty() {
            break;
        }
        let backoff = retry.base_delay.saturating_mul(2u32.saturating_pow(round));
        tokio::time::sleep(wait.max(backoff).min(retry.max_delay)).await;
        round += 1;
        pending = again;
    }
    upns.iter()
        .zip(outcomes)
        .map(|(upn, o)| UserRevoke {
            user: upn.clone(),
            outcome: o.unwrap_or(RevokeOutcome::Failed {
                code: "not_attempted".into(),
                message: String::new(),
            }),
        })
        .collect()
}
