//! "Sign out everywhere" over real HTTP: the manual route where the API refuses, the
//! app's own sign-in dying with the rest, and bulk revokes through `$batch`.

use crate::common;

use std::sync::Arc;

use cloud::{CloudError, CloudSession, MemoryStore, RevokeOutcome, TokenStore};
use common::{config, count, session, sign_in, start};
use sandbox::{DEMO_ADMIN_UPN, DEMO_MEMBER_UPN, DEMO_PERSONAL_UPN, Fault, RetryAfter, Tenant};

#[tokio::test]
async fn admin_revoke_signs_out_everywhere_including_here() {
    let sb = start(Tenant::demo());
    let (s, store) = session(config(&sb));
    sign_in(&s, DEMO_ADMIN_UPN).await;
    let report = s
        .sign_out_everywhere(&[], words::Lang::En)
        .await
        .expect("report");
    assert_eq!(report.results.len(), 1);
    assert_eq!(report.results[0].outcome, RevokeOutcome::Revoked);
    assert!(report.signed_out_here, "the refresh answered AADSTS50173");
    assert_eq!(report.summary, "Signed out everywhere, including here.");
    assert!(report.did_what_it_could());
    assert_eq!(sb.live_refresh_tokens(DEMO_ADMIN_UPN), 0);
    assert!(
        store.load().expect("load").is_none(),
        "the dead token is forgotten"
    );
    assert_eq!(s.account().await, None);
}

#[tokio::test]
async fn a_revoked_refresh_token_fails_like_at_microsoft() {
    let sb = start(Tenant::demo());
    // Two sign-ins of the same user: one revokes, the other's stored token dies.
    let store = Arc::new(MemoryStore::new());
    let dynstore: Arc<dyn TokenStore> = store.clone();
    let first = CloudSession::new(config(&sb), dynstore).expect("session");
    sign_in(&first, DEMO_ADMIN_UPN).await;
    let (second, _) = session(config(&sb));
    sign_in(&second, DEMO_ADMIN_UPN).await;
    second
        .sign_out_everywhere(&[], words::Lang::En)
        .await
        .expect("revoked");
    // A fresh start of the first app: the stored refresh token is all it has.
    let dynstore: Arc<dyn TokenStore> = store.clone();
    let restarted = CloudSession::new(config(&sb), dynstore).expect("session");
    assert!(restarted.restore().await.expect("restore").is_some());
    let err = restarted
        .snapshot(None, words::Lang::En)
        .await
        .expect_err("refresh refused");
    assert_eq!(err, CloudError::SessionRevoked);
    assert_eq!(err.code(), "signed_out_everywhere");
    assert_eq!(err.to_string(), "signed out everywhere, including here");
    assert!(store.load().expect("load").is_none());
}

#[tokio::test]
async fn a_204_is_success_too() {
    let sb = start(Tenant::demo().with_revoke_status(204));
    let (s, _) = session(config(&sb));
    sign_in(&s, DEMO_ADMIN_UPN).await;
    let report = s
        .sign_out_everywhere(&[], words::Lang::En)
        .await
        .expect("report");
    assert_eq!(report.results[0].outcome, RevokeOutcome::Revoked);
    assert!(report.signed_out_here);
}

#[tokio::test]
async fn a_member_gets_the_manual_route_and_stays_signed_in() {
    let sb = start(Tenant::demo());
    let (s, _) = session(config(&sb));
    sign_in(&s, DEMO_MEMBER_UPN).await;
    let report = s
        .sign_out_everywhere(&[], words::Lang::En)
        .await
        .expect("a value, not an error");
    let RevokeOutcome::Manual { route } = &report.results[0].outcome else {
        panic!("expected the manual route: {report:?}");
    };
    assert_eq!(route.url, "https://mysignins.microsoft.com/security-info");
    assert!(
        route
            .steps
            .iter()
            .any(|s| s.contains("Sign out everywhere"))
    );
    assert!(
        route.steps.iter().any(|s| s.contains(DEMO_MEMBER_UPN)),
        "the admin command names the user"
    );
    assert!(!report.signed_out_here);
    assert!(report.did_what_it_could());
    assert!(report.summary.contains(&route.url));
    assert_eq!(count(&sb, "/graph/v1.0/me/revokeSignInSessions"), 1);
    assert_eq!(
        sb.live_refresh_tokens(DEMO_MEMBER_UPN),
        1,
        "nothing was revoked"
    );
    // The refusal is remembered as a capability.
    let snap = s
        .snapshot(None, words::Lang::En)
        .await
        .expect("still signed in");
    assert!(!snap.capabilities.can_revoke);
}

#[tokio::test]
async fn a_personal_account_is_guided_without_calling_graph() {
    let sb = start(Tenant::demo());
    let (s, _) = session(config(&sb));
    sign_in(&s, DEMO_PERSONAL_UPN).await;
    let report = s
        .sign_out_everywhere(&[], words::Lang::En)
        .await
        .expect("report");
    let RevokeOutcome::Manual { route } = &report.results[0].outcome else {
        panic!("expected the manual route: {report:?}");
    };
    assert_eq!(
        route.url,
        "https://account.live.com/proofs/manage/additional"
    );
    assert!(route.steps.iter().any(|s| s.contains("Sign me out")));
    assert!(route.takes_effect.contains("24 hours"));
    assert_eq!(count(&sb, "/graph/v1.0/"), 0);
}

#[tokio::test]
async fn bulk_revoke_of_45_users_in_three_batches_judges_each_answer() {
    let sb = start(Tenant::demo().with_extra_users(45));
    let (s, _) = session(config(&sb));
    sign_in(&s, DEMO_ADMIN_UPN).await;
    let mut users: Vec<String> = (1..=45)
        .map(|i| format!("user{i:03}@contoso.example"))
        .collect();
    // Trouble in the middle batch (positions 21-40): a ghost, a refusal, a throttle that
    // clears, and a server error that does not.
    users[29] = "ghost@contoso.example".to_owned();
    sb.inject(
        Fault::on("/graph/v1.0/users/user025@contoso.example/")
            .status(403)
            .always(),
    );
    sb.inject(
        Fault::on("/graph/v1.0/users/user031@contoso.example/")
            .status(429)
            .retry_after(RetryAfter::Seconds(1))
            .times(1),
    );
    sb.inject(
        Fault::on("/graph/v1.0/users/user035@contoso.example/")
            .status(500)
            .always(),
    );
    let report = s
        .sign_out_everywhere(&users, words::Lang::En)
        .await
        .expect("report");
    assert_eq!(report.results.len(), 45);
    let outcome = |upn: &str| {
        &report
            .results
            .iter()
            .find(|r| r.user == upn)
            .expect("present")
            .outcome
    };
    assert_eq!(*outcome("user001@contoso.example"), RevokeOutcome::Revoked);
    assert_eq!(*outcome("user045@contoso.example"), RevokeOutcome::Revoked);
    assert_eq!(*outcome("ghost@contoso.example"), RevokeOutcome::NotFound);
    assert!(matches!(
        outcome("user025@contoso.example"),
        RevokeOutcome::Manual { .. }
    ));
    assert_eq!(
        *outcome("user031@contoso.example"),
        RevokeOutcome::Revoked,
        "retried after the throttle"
    );
    assert!(
        matches!(outcome("user035@contoso.example"), RevokeOutcome::Failed { code, .. } if code == "generalException")
    );
    let revoked = report
        .results
        .iter()
        .filter(|r| r.outcome == RevokeOutcome::Revoked)
        .count();
    assert_eq!(revoked, 42);
    assert!(!report.did_what_it_could());
    assert!(
        !report.signed_out_here,
        "the admin was not among the targets"
    );

    // The first round was three envelopes of 20, 20 and 5.
    let log = sb.requests();
    let mut sizes = Vec::new();
    for r in &log {
        if r.path == "/graph/v1.0/$batch" {
            sizes.push(0);
        } else if r.path.ends_with("/revokeSignInSessions")
            && let Some(last) = sizes.last_mut()
        {
            *last += 1;
        }
    }
    assert_eq!(&sizes[..3], &[20, 20, 5], "{sizes:?}");
    assert!(sizes.iter().all(|&n| n <= 20));
    assert!(
        sizes[3..].iter().all(|&n| n <= 2),
        "only the throttled and failed are retried: {sizes:?}"
    );
}

#[tokio::test]
async fn not_signed_in_cannot_revoke() {
    let sb = start(Tenant::demo());
    let (s, _) = session(config(&sb));
    assert_eq!(
        s.sign_out_everywhere(&[], words::Lang::En)
            .await
            .expect_err("no"),
        CloudError::NotSignedIn
    );
}
