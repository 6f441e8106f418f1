//! Admin mode: find users (directory search, or a CSV of UPNs via
//! [`parse_upn_csv`](crate::parse_upn_csv)), see one user's recent sign-ins and devices,
//! and sign many users out everywhere through `$batch`, 20 per request, with progress, a
//! result per user and an easy "retry the failed ones".
//!
//! What it needs is spelled out by [`admin_requirements`]: an Entra role that may revoke
//! other users' sessions, and admin-consented delegated permissions. A refusal from Graph
//! (403) becomes [`CloudError::AdminRequired`] carrying them, never a bare 403.

mod batch;
mod requirements;
mod results;
mod search;
mod session;
mod types;

use std::time::{Duration, SystemTime};

use serde::Serialize;
use serde_json::{Value, json};

use crate::account::AccountKind;
use crate::config::RetryPolicy;
use crate::csv_users::{is_object_id, upn_problem};
use crate::error::{AdminAction, CloudError, Oversized};
use crate::graph::{BATCH_LIMIT, Graph, SubResponse, encode};
use crate::session::CloudSession;
use crate::snapshot::{
    Device, Note, NoteTopic, SignIn, device_lists, merge_devices, note_for, s, sign_in_from,
};

use batch::*;
pub use requirements::*;
pub use results::*;
use search::*;
pub use types::*;

/// Users returned by one search at most (pages are followed until then).
pub const USER_SEARCH_CAP: usize = 200;
/// Recent sign-ins shown for one user in admin mode.
pub const ACTIVITY_SIGN_INS: usize = 50;
/// `$top` of a directory search: Graph's usual page of users.
const SEARCH_PAGE: usize = 100;
/// Longest search text sent to Graph.
const QUERY_MAX: usize = crate::limits::SEARCH_MAX_CHARS;
const USER_SELECT: &str = "id,displayName,userPrincipalName,mail";

#[cfg(test)]
mod tests {
    use super::*;

    fn result(upn: &str, outcome: BulkRevokeOutcome) -> UserRevokeResult {
        UserRevokeResult {
            upn: upn.into(),
            outcome,
        }
    }

    #[test]
    fn failed_upns_keep_only_what_a_retry_can_fix_and_merge_replaces_rows() {
        let mut results = vec![
            result("a@x.com", BulkRevokeOutcome::Revoked),
            result(
                "b@x.com",
                failed("serviceNotAvailable", "down".into(), true),
            ),
            result(
                "c@x.com",
                failed("Request_ResourceNotFound", "gone".into(), false),
            ),
            result("d@x.com", failed("TooManyRequests", "slow".into(), true)),
        ];
        assert_eq!(failed_upns(&results), ["b@x.com", "d@x.com"]);
        let s = summarize_bulk(&results, words::Lang::En);
        assert_eq!((s.total, s.revoked, s.failed, s.retryable), (4, 1, 3, 2));
        assert_eq!(
            s.summary,
            "1 of 4 users signed out everywhere. 3 failed (2 can be retried)."
        );
        merge_results(
            &mut results,
            vec![
                result("B@X.com", BulkRevokeOutcome::Revoked),
                result("d@x.com", BulkRevokeOutcome::Revoked),
            ],
        );
        assert_eq!(results.len(), 4);
        assert!(results[1].is_revoked() && results[3].is_revoked());
        assert!(failed_upns(&results).is_empty());
    }

    #[test]
    fn the_bulk_summary_and_the_failures_are_worded_in_spanish() {
        use words::{Lang, english_left};
        let results = vec![
            result("a@x.com", BulkRevokeOutcome::Revoked),
            result(
                "b@x.com",
                failed("serviceNotAvailable", "down".into(), true),
            ),
            result(
                "c@x.com",
                failed("Request_ResourceNotFound", "gone".into(), false),
            ),
            result("d@x.com", failed("TooManyRequests", "slow".into(), true)),
        ];
        let s = summarize_bulk(&results, Lang::Es);
        assert_eq!(
            s.summary,
            "1 de 4 usuarios con la sesión cerrada en todas partes. 3 fallaron (reintentables: 2)."
        );
        assert!(english_left(&s.summary, Lang::Es).is_empty());
        let one = [result("b@x.com", failed("x", "down".into(), true))];
        assert_eq!(
            summarize_bulk(&one, Lang::Es).summary,
            "0 de 1 usuario con la sesión cerrada en todas partes. 1 falló (1 se puede reintentar)."
        );
        assert_eq!(
            summarize_bulk(&one, Lang::En).summary,
            "0 of 1 user signed out everywhere. 1 failed (1 can be retried)."
        );
        let sub = |status: u16, headers: Value| SubResponse {
            id: "1".into(),
            status,
            headers: headers.as_object().cloned().unwrap_or_default(),
            body: Some(json!({"error": {"code": "c", "message": "m"}})),
        };
        let message = |o: BulkRevokeOutcome| match o {
            BulkRevokeOutcome::Failed { message, .. } => message,
            BulkRevokeOutcome::Revoked => panic!("not a failure"),
        };
        assert_eq!(
            message(judge(&sub(403, json!({})), Lang::Es)),
            "Microsoft lo rechazó (m): revocar a este usuario requiere un rol que lo abarque \
             (Privileged Authentication Administrator abarca a todos los usuarios, también a los \
             administradores)."
        );
        for (status, headers) in [
            (400, json!({})),
            (404, json!({})),
            (429, json!({"Retry-After": "3"})),
            (429, json!({})),
            (503, json!({})),
        ] {
            let es = message(judge(&sub(status, headers), Lang::Es));
            assert!(english_left(&es, Lang::Es).is_empty(), "{status}: {es}");
        }
    }

    #[test]
    fn sub_responses_are_judged_with_codes_and_retryability() {
        let sub = |status: u16, body: Value, headers: Value| SubResponse {
            id: "1".into(),
            status,
            headers: headers.as_object().cloned().unwrap_or_default(),
            body: Some(body),
        };
        let err = |code: &str| json!({"error": {"code": code, "message": "m"}});
        assert_eq!(
            judge(&sub(204, Value::Null, json!({})), words::Lang::En),
            BulkRevokeOutcome::Revoked
        );
        let BulkRevokeOutcome::Failed {
            code, retryable, ..
        } = judge(
            &sub(404, err("Request_ResourceNotFound"), json!({})),
            words::Lang::En,
        )
        else {
            panic!("404 fails");
        };
        assert_eq!(
            (code.as_str(), retryable),
            ("Request_ResourceNotFound", false)
        );
        let throttled = sub(429, err("TooManyRequests"), json!({"Retry-After": "3"}));
        assert!(comes_back(&throttled));
        assert_eq!(sub_retry_after(&throttled), Some(Duration::from_secs(3)));
        assert!(matches!(
            judge(&throttled, words::Lang::En),
            BulkRevokeOutcome::Failed { retryable: true, ref message, .. } if message.contains("3 s")
        ));
        assert!(!comes_back(&sub(
            503,
            err("serviceNotAvailable"),
            json!({})
        )));
        assert!(comes_back(&sub(503, err("x"), json!({"retry-after": 1}))));
        let odd = judge(&sub(418, json!("teapot"), json!({})), words::Lang::En);
        assert!(
            matches!(odd, BulkRevokeOutcome::Failed { ref code, retryable: false, .. } if code == "http_418")
        );
    }

    #[test]
    fn queries_are_cleaned_and_escaped_for_search() {
        assert_eq!(clean_query("  lee\u{0}\n gu "), "lee gu");
        assert_eq!(clean_query(&"x".repeat(500)).len(), QUERY_MAX);
        assert_eq!(search_term(r#"a "b" \c"#), r#"a \"b\" \\c"#);
        assert_eq!(
            normalise(&[
                " a@x.com ".into(),
                "A@X.COM".into(),
                "".into(),
                "b@x.com".into()
            ]),
            ["a@x.com", "b@x.com"]
        );
    }

    #[test]
    fn the_refusal_names_roles_and_permissions() {
        let e = admin_required(crate::error::AdminAction::SignOutOthers);
        assert_eq!(e.code(), "admin_required");
        let CloudError::AdminRequired {
            roles, permissions, ..
        } = &e
        else {
            panic!("typed");
        };
        assert!(roles.iter().any(|r| r == "User Administrator"));
        assert!(
            roles
                .iter()
                .any(|r| r == "Privileged Authentication Administrator")
        );
        assert!(permissions.iter().any(|p| p == "User.RevokeSessions.All"));
        assert!(
            e.hint(words::Lang::En).contains("AuditLog.Read.All"),
            "{}",
            e.hint(words::Lang::En)
        );
        assert!(
            e.to_string()
                .starts_with("signing out other users needs an admin role")
        );
    }
}
