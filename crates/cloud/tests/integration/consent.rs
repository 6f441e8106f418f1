//! Consent and blocked sign-ins over real HTTP against the sandbox: AADSTS65001 with the
//! tenant's admin-consent link and the ticket for IT, Conditional Access blocks (53003,
//! 53000/53001), a tenant that blocks the device code flow, and MFA demanded (50076/50079,
//! a `claims` challenge in a token error or a Graph 401 `insufficient_claims`) answered by
//! a browser sign-in that carries the claims.

use crate::common;

use std::collections::HashMap;
use std::sync::Arc;

use cloud::{CloudConfig, CloudError, CloudSession, TokenStore};
use common::{browser, config, count, session, sign_in, start};
use sandbox::{DEMO_ADMIN_UPN, DEMO_MEMBER_UPN, DeviceFlowPlan, DeviceOutcome, Fault, Tenant};

const TOKEN: &str = "/common/oauth2/v2.0/token";
const DEVICECODE: &str = "/common/oauth2/v2.0/devicecode";
/// A Conditional Access claims challenge as Microsoft sends it (a policy id to satisfy).
const CLAIMS: &str = r#"{"access_token":{"capolids":{"essential":true,"values":["c1a0e2b4-0000-4000-8000-00000000ca01"]}}}"#;

fn approve(upn: &str) -> DeviceFlowPlan {
    DeviceFlowPlan {
        pending_polls: 0,
        slow_down_polls: 0,
        outcome: DeviceOutcome::Approve(upn.to_owned()),
        interval_secs: 1,
        expires_in_secs: 60,
    }
}

fn query(url: &str) -> HashMap<String, String> {
    url::Url::parse(url)
        .expect("url")
        .query_pairs()
        .into_owned()
        .collect()
}

/// The delegated permissions the app asks for, from the code's own scope list.
fn requested(admin: bool) -> Vec<String> {
    CloudConfig::scopes_with(admin)
        .into_iter()
        .map(str::to_owned)
        .collect()
}

#[tokio::test]
async fn consent_missing_at_sign_in_gives_the_admin_consent_link_of_the_users_tenant() {
    let sb = start(Tenant::demo());
    sb.inject(Fault::consent_required(TOKEN));
    let (s, store) = session(config(&sb));
    let (open, _) = browser(|l| l);
    let err = s
        .sign_in_browser(open, Some(DEMO_MEMBER_UPN), words::Lang::En)
        .await
        .expect_err("no consent");
    assert_eq!(err.code(), "consent_required");
    let consent = err.admin_consent().expect("a consent link");
    // The configured tenant is `common`: the link names the tenant of the account that
    // tried (its UPN's domain is a verified domain of that tenant), never `common`.
    assert_eq!(
        consent.url,
        format!(
            "{}/contoso.example/adminconsent?client_id={}",
            sb.authority(),
            sb.client_id()
        )
    );
    assert_eq!(consent.permissions, requested(true));
    for needed in [
        consent.url.as_str(),
        sb.client_id(),
        "AADSTS65001",
        "User.RevokeSessions.All",
        "Grant admin consent",
    ] {
        assert!(
            consent.ticket(words::Lang::En).contains(needed),
            "{needed}: {}",
            consent.ticket(words::Lang::En)
        );
    }
    assert!(
        err.hint(words::Lang::En).contains(&consent.url),
        "{}",
        err.hint(words::Lang::En)
    );
    assert!(store.load().expect("load").is_none(), "nothing stored");
}

#[tokio::test]
async fn consent_withdrawn_at_a_refresh_links_to_the_signed_in_tenant_and_a_pinned_one_wins() {
    let sb = start(Tenant::demo());
    let (first, store) = session(config(&sb));
    sign_in(&first, DEMO_ADMIN_UPN).await;
    let dynstore: Arc<dyn TokenStore> = store.clone();
    let later = CloudSession::new(config(&sb), dynstore).expect("session");
    later.restore().await.expect("restore");
    sb.inject(Fault::consent_required(TOKEN));
    let err = later
        .snapshot(None, words::Lang::En)
        .await
        .expect_err("refresh refused");
    let consent = err.admin_consent().expect("link");
    // The account's tenant id, from the sign-in.
    assert_eq!(consent.tenant, sb.tenant().id);
    assert!(
        consent.url.ends_with(&format!(
            "/{}/adminconsent?client_id={}",
            sb.tenant().id,
            sb.client_id()
        )),
        "{}",
        consent.url
    );

    // IT pinned the tenant by domain: that is the link, whoever signs in.
    let mut cfg = config(&sb);
    cfg.tenant = "contoso.example".into();
    cfg.admin = false;
    let (pinned, _) = session(cfg);
    sb.set_device_flow(approve(DEMO_MEMBER_UPN));
    sb.inject(Fault::consent_required(
        "/contoso.example/oauth2/v2.0/devicecode",
    ));
    let err = pinned.start_device_code().await.expect_err("no consent");
    let consent = err.admin_consent().expect("link");
    assert_eq!(consent.tenant, "contoso.example");
    assert_eq!(consent.permissions, requested(false));
    assert!(
        !consent
            .ticket(words::Lang::En)
            .contains("User.RevokeSessions.All")
    );
}

#[tokio::test]
async fn conditional_access_blocks_are_explained_and_offer_the_browser_sign_in() {
    let sb = start(Tenant::demo());
    sb.inject(Fault::conditional_access_blocked(TOKEN));
    let (s, _) = session(config(&sb));
    let (open, _) = browser(|l| l);
    let err = s
        .sign_in_browser(open, Some(DEMO_ADMIN_UPN), words::Lang::En)
        .await
        .expect_err("blocked");
    assert_eq!(err, CloudError::ConditionalAccessBlocked { code: 53003 });
    assert_eq!(err.code(), "conditional_access_blocked");
    assert!(err.wants_browser_sign_in());
    assert!(
        err.hint(words::Lang::En).contains("Conditional Access"),
        "{}",
        err.hint(words::Lang::En)
    );

    for code in [53000, 53001] {
        sb.set_device_flow(approve(DEMO_ADMIN_UPN));
        sb.inject(Fault::device_not_compliant(TOKEN, code));
        let flow = s.start_device_code().await.expect("a code");
        let err = s
            .finish_device_code(&flow)
            .await
            .expect_err("not compliant");
        assert_eq!(err, CloudError::DeviceNotCompliant { code });
        assert_eq!(err.code(), "device_not_compliant");
        assert!(
            err.hint(words::Lang::En).contains("managed"),
            "{}",
            err.hint(words::Lang::En)
        );
    }
    assert_eq!(sb.faults().remaining(), 0, "every fault was met");
}

#[tokio::test]
async fn a_tenant_that_blocks_the_device_code_flow_is_told_to_use_the_browser() {
    let sb = start(Tenant::demo());
    sb.set_device_flow(approve(DEMO_ADMIN_UPN));
    // The "authentication flows" policy answers the poll with AADSTS53003.
    sb.inject(Fault::conditional_access_blocked(TOKEN));
    let (s, _) = session(config(&sb));
    let flow = s.start_device_code().await.expect("a code");
    let err = s.finish_device_code(&flow).await.expect_err("blocked");
    assert_eq!(err, CloudError::DeviceCodeBlocked { code: 53003 });
    assert_eq!(err.code(), "device_code_blocked");
    assert!(err.to_string().contains("device code"), "{err}");
    assert!(
        err.hint(words::Lang::En).contains("browser"),
        "{}",
        err.hint(words::Lang::En)
    );
    assert!(err.wants_browser_sign_in());

    // Some tenants refuse at the devicecode endpoint already.
    sb.inject(Fault::conditional_access_blocked(DEVICECODE));
    let err = s.start_device_code().await.expect_err("blocked");
    assert_eq!(err, CloudError::DeviceCodeBlocked { code: 53003 });

    // The browser sign-in the message offers goes through.
    let account = sign_in(&s, DEMO_ADMIN_UPN).await;
    assert_eq!(account.upn, DEMO_ADMIN_UPN);
}

#[tokio::test]
async fn mfa_demanded_at_the_device_code_reruns_the_browser_sign_in_with_the_claims() {
    let sb = start(Tenant::demo());
    sb.set_device_flow(approve(DEMO_ADMIN_UPN));
    sb.inject(Fault::mfa_required(TOKEN, 50076, Some(CLAIMS)));
    let (s, store) = session(config(&sb));
    let flow = s.start_device_code().await.expect("a code");
    let err = s.finish_device_code(&flow).await.expect_err("MFA wanted");
    assert_eq!(err.code(), "mfa_required");
    assert_eq!(err.claims(), Some(CLAIMS));
    assert!(err.wants_browser_sign_in());
    assert_eq!(s.claims_challenge().await.as_deref(), Some(CLAIMS));

    let (open, log) = browser(|l| l);
    let account = s
        .sign_in_browser(open, Some(DEMO_ADMIN_UPN), words::Lang::En)
        .await
        .expect("the browser sign-in with the claims");
    assert_eq!(account.upn, DEMO_ADMIN_UPN);
    let authorize = log
        .lock()
        .expect("lock")
        .authorize_url
        .clone()
        .expect("opened");
    assert_eq!(
        query(&authorize).get("claims").map(String::as_str),
        Some(CLAIMS)
    );
    assert!(store.load().expect("load").is_some());
    // Answered: the next sign-in carries no stale challenge.
    assert_eq!(s.claims_challenge().await, None);
    let (open, log) = browser(|l| l);
    s.sign_in_browser(open, Some(DEMO_ADMIN_UPN), words::Lang::En)
        .await
        .expect("signs in");
    let again = log
        .lock()
        .expect("lock")
        .authorize_url
        .clone()
        .expect("opened");
    assert!(!query(&again).contains_key("claims"), "{again}");
}

#[tokio::test]
async fn mfa_registration_and_garbled_claims_are_still_mfa_required() {
    let sb = start(Tenant::demo());
    let (s, _) = session(config(&sb));
    sb.set_device_flow(approve(DEMO_ADMIN_UPN));
    sb.inject(Fault::mfa_required(TOKEN, 50079, None));
    let flow = s.start_device_code().await.expect("a code");
    let err = s.finish_device_code(&flow).await.expect_err("MFA wanted");
    assert_eq!(err.code(), "mfa_required");
    assert_eq!(err.claims(), None);

    // Claims that are not a JSON object are dropped, never sent on.
    sb.set_device_flow(approve(DEMO_ADMIN_UPN));
    sb.inject(Fault::mfa_required(
        TOKEN,
        50076,
        Some("<html>not claims</html>"),
    ));
    let flow = s.start_device_code().await.expect("a code");
    let err = s.finish_device_code(&flow).await.expect_err("MFA wanted");
    assert_eq!(err.code(), "mfa_required");
    assert_eq!(err.claims(), None);
    assert_eq!(s.claims_challenge().await, None);
}

#[tokio::test]
async fn a_graph_claims_challenge_refreshes_with_the_claims_then_asks_for_the_browser() {
    let sb = start(Tenant::demo());
    let (s, _) = session(config(&sb));
    sign_in(&s, DEMO_ADMIN_UPN).await;
    let tokens_before = count(&sb, TOKEN);
    // Graph refuses the token with a claims challenge; the refresh that carries the claims
    // answers that MFA is needed (without claims of its own).
    sb.inject(
        Fault::claims_challenge("/graph/v1.0/me", CLAIMS)
            .exact()
            .always(),
    );
    sb.inject(Fault::mfa_required(TOKEN, 50076, None));
    let err = s
        .snapshot(None, words::Lang::En)
        .await
        .expect_err("MFA wanted");
    assert_eq!(err.code(), "mfa_required");
    assert_eq!(err.claims(), Some(CLAIMS), "the Graph challenge is kept");
    assert_eq!(
        count(&sb, TOKEN),
        tokens_before + 1,
        "one refresh, with the claims"
    );
    sb.faults().clear();

    let (open, log) = browser(|l| l);
    s.sign_in_browser(open, Some(DEMO_ADMIN_UPN), words::Lang::En)
        .await
        .expect("signs in");
    let authorize = log
        .lock()
        .expect("lock")
        .authorize_url
        .clone()
        .expect("opened");
    assert_eq!(
        query(&authorize).get("claims").map(String::as_str),
        Some(CLAIMS)
    );
    let snap = s
        .snapshot(None, words::Lang::En)
        .await
        .expect("after the new sign-in");
    assert_eq!(snap.devices.len(), 6);
}

#[tokio::test]
async fn a_graph_claims_challenge_a_refresh_satisfies_needs_no_new_sign_in() {
    let sb = start(Tenant::demo());
    let (s, _) = session(config(&sb));
    sign_in(&s, DEMO_ADMIN_UPN).await;
    sb.inject(Fault::claims_challenge("/graph/v1.0/me", CLAIMS).exact());
    let snap = s
        .snapshot(None, words::Lang::En)
        .await
        .expect("refreshed with the claims");
    assert_eq!(snap.sign_ins.len(), 40);
    assert_eq!(s.claims_challenge().await, None);
}
