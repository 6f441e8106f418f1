//! Admin mode over real HTTP against the simulated tenant: bulk revokes through `$batch`
//! (45 users in batches of 20, 20 and 5, failures in the middle one, then "retry the
//! failed ones"), throttling inside a batch, a proxy's HTML page, a token expiring mid-run,
//! what a non-admin is told, directory search with paging, one user's activity, and a CSV
//! of users feeding a revoke.

use crate::common;

use std::time::{Duration, Instant};

use cloud::{
    BatchProgress, BulkRevokeOutcome, CloudError, CloudSession, UserRevokeResult, failed_upns,
    merge_results, parse_upn_csv, summarize_bulk,
};
use common::{config, count, session, sign_in, start};
use sandbox::{DEMO_ADMIN_UPN, DEMO_MEMBER_UPN, Fault, RetryAfter, Sandbox, Tenant};
use serde_json::Value;
use words::Lang;

const USER_SCOPES: &str = "openid offline_access User.Read";

fn bulk_upns(n: usize) -> Vec<String> {
    (1..=n)
        .map(|i| format!("user{i:03}@contoso.example"))
        .collect()
}

/// Gives each user a live session elsewhere (a refresh token), returning the tokens.
fn sessions_for(sb: &Sandbox, upns: &[String]) -> Vec<String> {
    upns.iter()
        .map(|u| {
            let t = sb
                .issue_tokens(u, USER_SCOPES)
                .expect("a user of the tenant");
            assert_eq!(sb.live_refresh_tokens(u), 1);
            t.refresh_token
        })
        .collect()
}

/// Sizes of the `$batch` envelopes, in order (sub-requests counted from the log).
fn batch_sizes(sb: &Sandbox) -> Vec<usize> {
    let mut sizes = Vec::new();
    for r in sb.requests() {
        if r.path == "/graph/v1.0/$batch" {
            sizes.push(0);
        } else if r.path.ends_with("/revokeSignInSessions")
            && let Some(last) = sizes.last_mut()
        {
            *last += 1;
        }
    }
    sizes
}

/// The token endpoint's answer to a refresh with `refresh_token`.
async fn refresh_with(sb: &Sandbox, refresh_token: &str) -> (u16, Value) {
    let r = reqwest::Client::new()
        .post(format!("{}/common/oauth2/v2.0/token", sb.authority()))
        .form(&[
            ("client_id", sb.client_id()),
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh_token),
        ])
        .send()
        .await
        .expect("token endpoint");
    (r.status().as_u16(), r.json().await.expect("json"))
}

async fn admin(sb: &Sandbox) -> CloudSession {
    let (s, _) = session(config(sb));
    sign_in(&s, DEMO_ADMIN_UPN).await;
    s
}

async fn revoke(s: &CloudSession, upns: &[String]) -> (Vec<UserRevokeResult>, Vec<BatchProgress>) {
    let mut seen = Vec::new();
    let results = s
        .revoke_many(upns, Lang::En, |p| seen.push(p))
        .await
        .expect("results");
    (results, seen)
}

fn code_of(r: &UserRevokeResult) -> (&str, bool) {
    match &r.outcome {
        BulkRevokeOutcome::Failed {
            code, retryable, ..
        } => (code.as_str(), *retryable),
        BulkRevokeOutcome::Revoked => ("revoked", false),
    }
}

#[tokio::test]
async fn forty_five_users_in_three_batches_the_middle_one_fails_and_the_retry_finishes_it() {
    // Answers come back in reverse order: results must be matched by id.
    let sb = start(
        Tenant::demo()
            .with_bulk_users(45)
            .with_batch_responses_reversed(),
    );
    let s = admin(&sb).await;
    let users = bulk_upns(45);
    let refresh_tokens = sessions_for(&sb, &users);
    // The 21st to 40th revokes sent inside a $batch answer 503: the whole middle batch.
    sb.inject(
        Fault::on("/graph/v1.0/users/")
            .method("POST")
            .in_batch()
            .after(20)
            .times(20)
            .status(503),
    );
    let (results, progress) = revoke(&s, &users).await;

    assert_eq!(batch_sizes(&sb), [20, 20, 5]);
    let steps: Vec<(u32, u32, u32)> = progress
        .iter()
        .map(|p| (p.batch, p.done, p.revoked))
        .collect();
    assert_eq!(steps, [(0, 0, 0), (1, 20, 20), (2, 40, 20), (3, 45, 25)]);
    assert!(progress.iter().all(|p| p.total == 45 && p.batches == 3));
    assert_eq!(progress[3].failed, 20);

    assert_eq!(results.len(), 45);
    for (i, r) in results.iter().enumerate() {
        assert_eq!(r.upn, users[i], "results keep the order given");
        if (20..40).contains(&i) {
            assert_eq!(code_of(r), ("serviceNotAvailable", true), "{r:?}");
            assert_eq!(sb.live_refresh_tokens(&r.upn), 1, "not revoked: {}", r.upn);
        } else {
            assert!(r.is_revoked(), "{r:?}");
            assert_eq!(sb.live_refresh_tokens(&r.upn), 0, "revoked: {}", r.upn);
        }
    }
    let json = serde_json::to_value(&results[20]).expect("json");
    assert_eq!(json["outcome"]["kind"], "failed");
    assert_eq!(json["outcome"]["retryable"], true);
    let summary = summarize_bulk(&results, Lang::En);
    assert_eq!(
        summary.summary,
        "25 of 45 users signed out everywhere. 20 failed (20 can be retried)."
    );

    // "Retry the failed ones".
    let retry = failed_upns(&results);
    assert_eq!(retry, users[20..40]);
    let (again, progress) = revoke(&s, &retry).await;
    assert!(again.iter().all(UserRevokeResult::is_revoked), "{again:?}");
    assert_eq!(progress.last().map(|p| (p.done, p.total)), Some((20, 20)));
    assert_eq!(batch_sizes(&sb), [20, 20, 5, 20]);
    let mut all = results;
    merge_results(&mut all, again);
    assert_eq!(all.len(), 45);
    assert_eq!(summarize_bulk(&all, Lang::En).revoked, 45);
    assert!(failed_upns(&all).is_empty());
    assert_eq!(sb.faults().remaining(), 0);

    // Really revoked: every user's refresh token is refused as Microsoft refuses it.
    for (upn, rt) in users.iter().zip(&refresh_tokens) {
        assert_eq!(sb.live_refresh_tokens(upn), 0, "{upn}");
        let (status, body) = refresh_with(&sb, rt).await;
        assert_eq!(status, 400, "{upn}");
        assert_eq!(body["error"], "invalid_grant");
        assert_eq!(body["error_codes"][0], 50173, "{upn}: {body}");
    }
    // The admin was not a target: still signed in.
    assert_eq!(sb.live_refresh_tokens(DEMO_ADMIN_UPN), 1);
}

#[tokio::test]
async fn throttled_revokes_are_sent_again_in_place_after_retry_after() {
    let sb = start(Tenant::demo().with_bulk_users(25));
    let s = admin(&sb).await;
    let users = bulk_upns(25);
    sessions_for(&sb, &users);
    for upn in ["user003", "user022"] {
        sb.inject(
            Fault::on(format!("/graph/v1.0/users/{upn}@contoso.example/"))
                .in_batch()
                .status(429)
                .retry_after(RetryAfter::Seconds(1)),
        );
    }
    let started = Instant::now();
    let (results, progress) = revoke(&s, &users).await;
    let took = started.elapsed();
    assert!(
        results.iter().all(UserRevokeResult::is_revoked),
        "{results:?}"
    );
    assert!(
        took >= Duration::from_millis(1900),
        "two waits of 1 s: {took:?}"
    );
    // Only the throttled item is sent again, inside its own batch's turn.
    assert_eq!(batch_sizes(&sb), [20, 1, 5, 1]);
    assert_eq!(progress.len(), 3);
    assert!(users.iter().all(|u| sb.live_refresh_tokens(u) == 0));
}

#[tokio::test]
async fn endless_throttling_stops_after_the_policy_retries_and_is_retryable() {
    let sb = start(Tenant::demo().with_bulk_users(3));
    let s = admin(&sb).await;
    sb.inject(
        Fault::on("/graph/v1.0/users/user002@contoso.example/")
            .in_batch()
            .status(429)
            .retry_after(RetryAfter::Seconds(0))
            .always(),
    );
    let (results, _) = revoke(&s, &bulk_upns(3)).await;
    assert!(results[0].is_revoked() && results[2].is_revoked());
    assert_eq!(code_of(&results[1]), ("TooManyRequests", true));
    // The first try plus max_retries (3) resends of that one user.
    assert_eq!(batch_sizes(&sb), [3, 1, 1, 1]);
    assert_eq!(failed_upns(&results), ["user002@contoso.example"]);
}

#[tokio::test]
async fn an_html_page_instead_of_the_middle_batch_is_a_clear_retryable_failure() {
    let sb = start(Tenant::demo().with_bulk_users(45));
    let s = admin(&sb).await;
    let users = bulk_upns(45);
    sessions_for(&sb, &users);
    sb.inject(
        Fault::on("/graph/v1.0/$batch")
            .method("POST")
            .after(1)
            .status(200)
            .body(
                "text/html",
                "<html><body><h1>Web filter</h1>Please sign in to the proxy.</body></html>",
            ),
    );
    let (results, progress) = revoke(&s, &users).await;
    assert_eq!(progress.last().map(|p| p.done), Some(45));
    assert!(results[..20].iter().all(UserRevokeResult::is_revoked));
    for r in &results[20..40] {
        let BulkRevokeOutcome::Failed {
            code,
            message,
            retryable,
        } = &r.outcome
        else {
            panic!("failed: {r:?}");
        };
        assert_eq!(code, "unexpected_response");
        assert!(message.contains("HTML"), "{message}");
        assert!(retryable);
    }
    // The path is broken: the last batch is not sent into the same proxy.
    for r in &results[40..] {
        assert!(
            matches!(&r.outcome, BulkRevokeOutcome::Failed { message, retryable: true, .. } if message.starts_with("Not sent")),
            "{r:?}"
        );
    }
    assert_eq!(count(&sb, "/graph/v1.0/$batch"), 2);
    let (again, _) = revoke(&s, &failed_upns(&results)).await;
    assert_eq!(again.len(), 25);
    assert!(again.iter().all(UserRevokeResult::is_revoked));
    assert!(users.iter().all(|u| sb.live_refresh_tokens(u) == 0));
}

#[tokio::test]
async fn an_access_token_refused_mid_run_is_refreshed_and_the_batch_resent() {
    let sb = start(Tenant::demo().with_bulk_users(45));
    let s = admin(&sb).await;
    let users = bulk_upns(45);
    sb.inject(
        Fault::on("/graph/v1.0/$batch")
            .method("POST")
            .after(1)
            .status(401),
    );
    let (results, _) = revoke(&s, &users).await;
    assert!(
        results.iter().all(UserRevokeResult::is_revoked),
        "{results:?}"
    );
    assert_eq!(
        count(&sb, "/graph/v1.0/$batch"),
        4,
        "the refused batch went twice"
    );
}

#[tokio::test]
async fn a_member_is_told_which_role_and_permissions_admin_mode_needs() {
    let sb = start(Tenant::demo().with_bulk_users(30));
    let (s, _) = session(config(&sb));
    sign_in(&s, DEMO_MEMBER_UPN).await;
    let users = bulk_upns(30);
    sessions_for(&sb, &users);

    let err = s
        .revoke_many(&users, Lang::En, |_| {})
        .await
        .expect_err("a member may not revoke others");
    assert_eq!(err.code(), "admin_required");
    let CloudError::AdminRequired {
        action,
        roles,
        permissions,
    } = &err
    else {
        panic!("typed: {err:?}");
    };
    assert_eq!(*action, cloud::AdminAction::SignOutOthers);
    assert!(roles.iter().any(|r| r == "User Administrator"));
    assert!(
        roles
            .iter()
            .any(|r| r == "Privileged Authentication Administrator")
    );
    for p in [
        "User.RevokeSessions.All",
        "Directory.Read.All",
        "AuditLog.Read.All",
    ] {
        assert!(permissions.iter().any(|x| x == p), "{p}");
    }
    assert!(
        err.hint(words::Lang::En).contains("Grant admin consent"),
        "{}",
        err.hint(words::Lang::En)
    );
    assert_eq!(
        batch_sizes(&sb),
        [20],
        "one refused batch is enough to know; the second is not sent"
    );
    assert!(users.iter().all(|u| sb.live_refresh_tokens(u) == 1));

    let access = s
        .admin_access(Lang::En)
        .await
        .expect("an answer, not an error");
    assert!(access.roles_known && access.roles.is_empty());
    assert!(!access.can_revoke && !access.can_read_sign_ins);
    assert!(
        access.summary.contains("User Administrator"),
        "{}",
        access.summary
    );
    assert!(
        access
            .requirements
            .revoke_roles
            .iter()
            .any(|r| r.template_id == "fe930be7-5e62-47db-91af-98c3a49a38b1")
    );
    // Reading another user's profile is refused with the same typed error.
    let err = s
        .user_activity("user001@contoso.example", Lang::En)
        .await
        .expect_err("refused");
    assert_eq!(err.code(), "admin_required");
}

#[tokio::test]
async fn without_the_admin_permissions_search_and_roles_say_what_is_missing() {
    let sb = start(Tenant::demo());
    let mut cfg = config(&sb);
    cfg.admin = false;
    let (s, _) = session(cfg);
    sign_in(&s, DEMO_MEMBER_UPN).await;
    let err = s
        .search_users("lee")
        .await
        .expect_err("no Directory.Read.All");
    assert!(
        matches!(&err, CloudError::AdminRequired { action, .. } if *action == cloud::AdminAction::SearchDirectory),
        "{err:?}"
    );
    let access = s.admin_access(Lang::En).await.expect("answer");
    assert!(!access.roles_known && !access.can_search);
    assert_eq!(
        access.missing_permissions,
        [
            "User.RevokeSessions.All",
            "Directory.Read.All",
            "AuditLog.Read.All"
        ]
    );

    // An admin who signed in without the admin permissions is refused per user by Graph.
    let mut cfg = config(&sb);
    cfg.admin = false;
    let (s, _) = session(cfg);
    sign_in(&s, DEMO_ADMIN_UPN).await;
    let err = s
        .revoke_many(&[DEMO_MEMBER_UPN.to_owned()], Lang::En, |_| {})
        .await
        .expect_err("no User.RevokeSessions.All");
    assert_eq!(err.code(), "admin_required");
}

#[tokio::test]
async fn an_admin_sees_its_roles_and_may_do_everything() {
    let sb = start(Tenant::demo());
    let s = admin(&sb).await;
    let access = s.admin_access(Lang::En).await.expect("access");
    assert_eq!(access.roles, ["Global Administrator"]);
    assert!(access.can_search && access.can_revoke && access.can_read_sign_ins);
    assert!(access.missing_permissions.is_empty());
    assert!(
        access.summary.contains("sign them out everywhere"),
        "{}",
        access.summary
    );
}

#[tokio::test]
async fn search_finds_by_name_or_address() {
    let sb = start(Tenant::demo().with_bulk_users(45));
    let s = admin(&sb).await;
    let lee = s.search_users("lee").await.expect("search");
    assert_eq!(lee.users.len(), 1, "{:?}", lee.users);
    assert_eq!(lee.users[0].upn, DEMO_MEMBER_UPN);
    assert_eq!(lee.users[0].display_name.as_deref(), Some("Lee Gu"));
    assert!(!lee.users[0].id.is_empty());

    let adele = s.search_users("  Adele ").await.expect("search");
    assert_eq!(adele.query, "Adele");
    assert_eq!(adele.users.len(), 3, "{:?}", adele.users);
    assert!(adele.users.iter().all(|u| {
        u.display_name
            .as_deref()
            .is_some_and(|n| n.starts_with("Adele "))
    }));
    let by_upn = s.search_users("user0").await.expect("search");
    assert_eq!(by_upn.users.len(), 45);
    assert!(!by_upn.truncated);

    let everyone = s.search_users("").await.expect("list");
    assert_eq!(
        everyone.users.len(),
        47,
        "work users only, no personal account"
    );
    let names: Vec<&str> = everyone
        .users
        .iter()
        .filter_map(|u| u.display_name.as_deref())
        .collect();
    let mut sorted = names.clone();
    sorted.sort_by_key(|n| n.to_lowercase());
    assert_eq!(names, sorted, "ordered by name");

    let nobody = s.search_users("zz\"top").await.expect("quotes are escaped");
    assert!(nobody.users.is_empty());
}

#[tokio::test]
async fn search_follows_pages_up_to_the_cap_and_says_so() {
    let sb = start(Tenant::demo().with_bulk_users(230));
    let s = admin(&sb).await;
    let before = count(&sb, "/graph/v1.0/users");
    let r = s.search_users("user").await.expect("search");
    assert_eq!(r.users.len(), cloud::USER_SEARCH_CAP);
    assert!(r.truncated);
    let upns: std::collections::HashSet<&str> = r.users.iter().map(|u| u.upn.as_str()).collect();
    assert_eq!(upns.len(), r.users.len(), "no page read twice");
    // Pages of 100: two next links followed whole, then the cap stops the reading.
    assert_eq!(count(&sb, "/graph/v1.0/users") - before, 2);
}

#[tokio::test]
async fn where_search_is_refused_a_startswith_filter_still_finds_people() {
    let sb = start(Tenant::demo().with_bulk_users(5));
    let s = admin(&sb).await;
    sb.inject(
        Fault::on("/graph/v1.0/users").method("GET").status(400).body(
            "application/json",
            r#"{"error":{"code":"Request_UnsupportedQuery","message":"Request with $search query parameter only works through MSGraph with a special request header: 'ConsistencyLevel: eventual'"}}"#,
        ),
    );
    let r = s.search_users("user00").await.expect("fallback");
    assert_eq!(r.users.len(), 5);
    assert_eq!(count(&sb, "/graph/v1.0/users"), 2);
}

#[tokio::test]
async fn one_users_activity_shows_devices_and_recent_sign_ins() {
    let sb = start(Tenant::demo().with_bulk_users(3));
    let s = admin(&sb).await;
    let a = s
        .user_activity("user001@contoso.example", Lang::En)
        .await
        .expect("activity");
    assert_eq!(a.user.display_name.as_deref(), Some("Adele Vance"));
    assert_eq!(a.devices.len(), 2, "{:?}", a.devices);
    assert!(a.devices.iter().all(|d| d.registered && d.owned));
    assert_eq!(a.sign_ins.len(), 4);
    let times: Vec<&str> = a.sign_ins.iter().map(|x| x.created.as_str()).collect();
    let mut sorted = times.clone();
    sorted.sort_by(|x, y| y.cmp(x));
    assert_eq!(times, sorted, "newest first");
    assert!(a.notes.is_empty(), "{:?}", a.notes);

    // By object id too, and for the demo member with more history.
    let by_id = s.user_activity(&a.user.id, Lang::En).await.expect("by id");
    assert_eq!(by_id.user.upn, "user001@contoso.example");
    let lee = s
        .user_activity(DEMO_MEMBER_UPN, Lang::En)
        .await
        .expect("lee");
    assert_eq!((lee.devices.len(), lee.sign_ins.len()), (2, 8));

    let ghost = s
        .user_activity("ghost@contoso.example", Lang::En)
        .await
        .expect_err("no such user");
    assert!(
        matches!(ghost, CloudError::Graph { status: 404, .. }),
        "{ghost:?}"
    );
    let bad = s
        .user_activity("not an address", Lang::En)
        .await
        .expect_err("invalid");
    assert!(matches!(&bad, CloudError::Graph { code, .. } if code == "invalid_user"));

    // Sign-ins refused (no reader role or licence): a note, the rest still shown.
    sb.inject(Fault::on("/graph/v1.0/auditLogs").status(403));
    let a = s
        .user_activity("user002@contoso.example", Lang::En)
        .await
        .expect("partial");
    assert!(a.sign_ins.is_empty());
    assert_eq!(a.devices.len(), 1);
    let note = &a.notes[0];
    assert_eq!(note.reason, "Authorization_RequestDenied");
    assert!(note.message.contains("Reports Reader"), "{}", note.message);
}

#[tokio::test]
async fn a_csv_of_users_feeds_a_revoke_and_unknown_users_are_not_retried() {
    let sb = start(Tenant::demo().with_bulk_users(4));
    let s = admin(&sb).await;
    let csv = "\u{feff}DisplayName,UserPrincipalName\r\n\
               Adele,user001@contoso.example\r\n\
               Alex,USER002@contoso.example\r\n\
               Again,user001@CONTOSO.example\r\n\
               Nobody,not-an-address\r\n\
               Ghost,ghost@contoso.example\r\n\
               \r\n\
               Diego,\"user003@contoso.example\"\r\n";
    let import = parse_upn_csv(csv, Lang::En);
    assert_eq!(import.upns.len(), 4);
    assert_eq!(import.skipped.len(), 2);
    let (results, _) = revoke(&s, &import.upns).await;
    assert_eq!(results.len(), 4);
    assert!(results[0].is_revoked() && results[1].is_revoked() && results[3].is_revoked());
    assert_eq!(code_of(&results[2]), ("Request_ResourceNotFound", false));
    assert!(
        failed_upns(&results).is_empty(),
        "a retry cannot find a ghost"
    );
}

#[tokio::test]
async fn the_admins_own_account_is_revoked_last() {
    let sb = start(Tenant::demo().with_bulk_users(2));
    let s = admin(&sb).await;
    let users = vec![
        DEMO_ADMIN_UPN.to_owned(),
        "user001@contoso.example".to_owned(),
        "bad address".to_owned(),
        "user002@contoso.example".to_owned(),
        "USER001@contoso.example".to_owned(),
    ];
    let (results, progress) = revoke(&s, &users).await;
    let upns: Vec<&str> = results.iter().map(|r| r.upn.as_str()).collect();
    assert_eq!(
        upns,
        [
            DEMO_ADMIN_UPN,
            "user001@contoso.example",
            "bad address",
            "user002@contoso.example"
        ],
        "input order, duplicates removed"
    );
    assert_eq!(code_of(&results[2]), ("invalid_user", false));
    assert_eq!(
        progress[0].done, 1,
        "the invalid one is done before any batch"
    );
    let revokes: Vec<String> = sb
        .requests()
        .into_iter()
        .filter(|r| r.path.ends_with("/revokeSignInSessions"))
        .map(|r| r.path)
        .collect();
    assert_eq!(revokes.len(), 3);
    assert!(revokes[2].contains(DEMO_ADMIN_UPN), "{revokes:?}");
    assert_eq!(sb.live_refresh_tokens(DEMO_ADMIN_UPN), 0);
}

#[tokio::test]
async fn not_signed_in_and_personal_accounts_get_typed_errors() {
    let sb = start(Tenant::demo());
    let (s, _) = session(config(&sb));
    assert_eq!(
        s.revoke_many(&bulk_upns(1), Lang::En, |_| {})
            .await
            .expect_err("no"),
        CloudError::NotSignedIn
    );
    assert_eq!(
        s.search_users("x").await.expect_err("no"),
        CloudError::NotSignedIn
    );
    sign_in(&s, sandbox::DEMO_PERSONAL_UPN).await;
    assert_eq!(
        s.revoke_many(&bulk_upns(1), Lang::En, |_| {})
            .await
            .expect_err("no")
            .code(),
        "admin_required"
    );
    let access = s.admin_access(Lang::En).await.expect("answer");
    assert!(!access.can_revoke && access.summary.contains("Personal"));
    assert_eq!(count(&sb, "/graph/v1.0/"), 0);
}
