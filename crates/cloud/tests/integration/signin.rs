//! Sign-in over real HTTP against the sandbox: PKCE with the loopback listener, state
//! checking, timeouts, the device code flow, and the identity errors.

use crate::common;

use std::time::{Duration, Instant};

use cloud::{AccountKind, CloudError};
use common::{browser, config, count, session, sign_in, start};
use sandbox::{DEMO_ADMIN_UPN, DEMO_PERSONAL_UPN, DeviceFlowPlan, DeviceOutcome, Fault, Tenant};

#[tokio::test]
async fn pkce_round_trip_through_the_loopback() {
    let sb = start(Tenant::demo());
    let (s, store) = session(config(&sb));
    let (open, log) = browser(|l| l);
    let account = s
        .sign_in_browser(open, Some(DEMO_ADMIN_UPN), words::Lang::En)
        .await
        .expect("signed in");
    assert_eq!(account.upn, DEMO_ADMIN_UPN);
    assert_eq!(account.kind, AccountKind::Work);
    assert_eq!(account.tenant_id.as_deref(), Some(sb.tenant().id.as_str()));
    let log = log.lock().expect("lock").clone();
    let url = url::Url::parse(log.authorize_url.as_deref().expect("opened")).expect("url");
    let q: std::collections::HashMap<_, _> = url.query_pairs().into_owned().collect();
    assert_eq!(q["code_challenge_method"], "S256");
    assert_eq!(q["code_challenge"].len(), 43, "base64url SHA-256");
    // The IP literal, not `localhost` (which a hosts file or a ::1-first resolver can send
    // elsewhere): what the README tells organisations to register.
    assert!(
        q["redirect_uri"].starts_with("http://127.0.0.1:"),
        "{}",
        q["redirect_uri"]
    );
    assert!(q["scope"].contains("offline_access"));
    assert!(log.location.expect("redirected").contains("code="));
    assert_eq!(log.loopback_status, Some(200));
    assert!(log.loopback_page.expect("page").contains("close this tab"));
    let stored = cloud::TokenStore::load(store.as_ref())
        .expect("load")
        .expect("a stored session");
    assert_eq!(stored.account.upn, DEMO_ADMIN_UPN);
    assert_eq!(sb.live_refresh_tokens(DEMO_ADMIN_UPN), 1);
}

#[tokio::test]
async fn a_wrong_state_is_rejected() {
    let sb = start(Tenant::demo());
    let mut cfg = config(&sb);
    // A wrong state no longer ends the wait: it runs out, then says why.
    cfg.loopback_timeout = Duration::from_secs(1);
    let (s, store) = session(cfg);
    let (open, log) = browser(|location| {
        let mut u = url::Url::parse(&location).expect("url");
        let pairs: Vec<(String, String)> = u
            .query_pairs()
            .into_owned()
            .map(|(k, v)| {
                if k == "state" {
                    (k, "forged".to_owned())
                } else {
                    (k, v)
                }
            })
            .collect();
        u.query_pairs_mut().clear().extend_pairs(pairs);
        u.to_string()
    });
    let err = s
        .sign_in_browser(open, Some(DEMO_ADMIN_UPN), words::Lang::En)
        .await
        .expect_err("rejected");
    assert_eq!(err, CloudError::StateMismatch);
    assert_eq!(err.code(), "sign_in_state_mismatch");
    // Give the browser task a moment to record the page it got.
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(log.lock().expect("lock").loopback_status, Some(400));
    assert!(
        cloud::TokenStore::load(store.as_ref())
            .expect("load")
            .is_none()
    );
    assert_eq!(
        count(&sb, "/common/oauth2/v2.0/token"),
        0,
        "the code was never redeemed"
    );
}

#[tokio::test]
async fn the_loopback_gives_up_after_its_timeout() {
    let sb = start(Tenant::demo());
    let mut cfg = config(&sb);
    cfg.loopback_timeout = Duration::from_millis(300);
    let (s, _) = session(cfg);
    let started = Instant::now();
    // The "browser" never comes back.
    let err = s
        .sign_in_browser(|_| Ok(()), None, words::Lang::En)
        .await
        .expect_err("times out");
    assert!(matches!(err, CloudError::LoopbackTimeout { .. }), "{err:?}");
    assert!(started.elapsed() >= Duration::from_millis(300));
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[tokio::test]
async fn a_browser_that_cannot_open_suggests_the_device_code() {
    let sb = start(Tenant::demo());
    let (s, _) = session(config(&sb));
    let err = s
        .sign_in_browser(|_| Err("no display".into()), None, words::Lang::En)
        .await
        .expect_err("fails");
    assert_eq!(err.code(), "browser_unavailable");
    assert!(err.hint(words::Lang::En).contains("code"));
}

#[tokio::test]
async fn the_user_declining_consent_is_a_typed_error() {
    let sb = start(Tenant::demo());
    let (s, _) = session(config(&sb));
    let (open, _) = browser(|l| l);
    // The sandbox's "press Cancel on the consent page".
    let open = move |url: &str| open(&format!("{url}&sandbox_action=deny"));
    let err = s
        .sign_in_browser(open, Some(DEMO_ADMIN_UPN), words::Lang::En)
        .await
        .expect_err("declined");
    assert_eq!(err, CloudError::SignInDeclined);
}

#[tokio::test]
async fn personal_accounts_are_recognised_from_the_consumer_tenant() {
    let sb = start(Tenant::demo());
    let (s, _) = session(config(&sb));
    let account = sign_in(&s, DEMO_PERSONAL_UPN).await;
    assert_eq!(account.kind, AccountKind::Personal);
    assert_eq!(
        account.tenant_id.as_deref(),
        Some(cloud::CONSUMER_TENANT_ID)
    );
}

fn plan(pending: u32, slow: u32, outcome: DeviceOutcome) -> DeviceFlowPlan {
    DeviceFlowPlan {
        pending_polls: pending,
        slow_down_polls: slow,
        outcome,
        interval_secs: 1,
        expires_in_secs: 60,
    }
}

#[tokio::test]
async fn device_code_pending_then_success_honours_the_interval() {
    let sb = start(Tenant::demo());
    sb.set_device_flow(plan(2, 0, DeviceOutcome::Approve(DEMO_ADMIN_UPN.into())));
    let (s, _) = session(config(&sb));
    let flow = s.start_device_code().await.expect("a code");
    assert!(flow.prompt.user_code.starts_with('S'));
    assert!(flow.prompt.verification_uri.ends_with("/devicelogin"));
    assert_eq!(flow.prompt.interval_secs, 1);
    assert!(
        flow.prompt
            .message
            .as_deref()
            .unwrap_or_default()
            .contains(&flow.prompt.user_code)
    );
    // The prompt is what the UI gets: it must not carry the device code.
    let json = serde_json::to_string(&flow.prompt).expect("json");
    assert!(!json.contains("sbx-device"), "{json}");
    let account = s.finish_device_code(&flow).await.expect("signed in");
    assert_eq!(account.upn, DEMO_ADMIN_UPN);
    let polls = sb.device_polls();
    assert_eq!(polls.len(), 3, "two pending answers, then the tokens");
    for pair in polls.windows(2) {
        assert!(
            pair[1] - pair[0] >= Duration::from_millis(950),
            "polled too fast: {:?}",
            pair[1] - pair[0]
        );
    }
}

#[tokio::test]
async fn device_code_slow_down_lengthens_the_interval() {
    let sb = start(Tenant::demo());
    sb.set_device_flow(plan(2, 1, DeviceOutcome::Approve(DEMO_ADMIN_UPN.into())));
    let (s, _) = session(config(&sb));
    let flow = s.start_device_code().await.expect("a code");
    s.finish_device_code(&flow).await.expect("signed in");
    let polls = sb.device_polls();
    assert_eq!(polls.len(), 3);
    // 1 s interval + 1 s slow_down step (the test's configured step) = 2 s after slow_down.
    assert!(
        polls[1] - polls[0] >= Duration::from_millis(1950),
        "{:?}",
        polls[1] - polls[0]
    );
    assert!(
        polls[2] - polls[1] >= Duration::from_millis(1950),
        "{:?}",
        polls[2] - polls[1]
    );
}

#[tokio::test]
async fn device_code_declined() {
    let sb = start(Tenant::demo());
    sb.set_device_flow(plan(1, 0, DeviceOutcome::Decline));
    let (s, _) = session(config(&sb));
    let flow = s.start_device_code().await.expect("a code");
    let err = s.finish_device_code(&flow).await.expect_err("declined");
    assert_eq!(err, CloudError::SignInDeclined);
    assert_eq!(s.account().await, None);
}

#[tokio::test]
async fn device_code_expired() {
    let sb = start(Tenant::demo());
    sb.set_device_flow(plan(0, 0, DeviceOutcome::Expire));
    let (s, _) = session(config(&sb));
    let flow = s.start_device_code().await.expect("a code");
    let err = s.finish_device_code(&flow).await.expect_err("expired");
    assert_eq!(err, CloudError::DeviceCodeExpired);
    assert_eq!(err.code(), "device_code_expired");
}

/// An OAuth error body exactly as Microsoft documents it.
fn aad_body(error: &str, code: u32) -> String {
    serde_json::json!({
        "error": error,
        "error_description": format!("AADSTS{code}: text. Trace ID: t Correlation ID: c"),
        "error_codes": [code],
        "timestamp": "2026-11-27 07:00:00Z",
        "trace_id": "0f0e0d0c-0000-4000-8000-000000000001",
        "correlation_id": "0f0e0d0c-0000-4000-8000-000000000002",
    })
    .to_string()
}

async fn device_error(fault: Fault) -> CloudError {
    let sb = start(Tenant::demo());
    sb.inject(fault);
    let (s, _) = session(config(&sb));
    s.start_device_code().await.expect_err("refused")
}

#[tokio::test]
async fn identity_errors_are_typed_with_a_next_step() {
    let consent = device_error(
        Fault::on("/common/oauth2/v2.0/devicecode")
            .status(400)
            .body("application/json", aad_body("invalid_grant", 65001)),
    )
    .await;
    assert!(
        matches!(consent, CloudError::ConsentRequired { code: 65001, .. }),
        "{consent:?}"
    );
    assert!(consent.hint(words::Lang::En).contains("admin"));

    let public = device_error(
        Fault::on("/common/oauth2/v2.0/devicecode")
            .status(401)
            .body("application/json", aad_body("invalid_client", 7000218)),
    )
    .await;
    assert_eq!(public, CloudError::PublicClientFlowsDisabled);
    assert!(
        public
            .hint(words::Lang::En)
            .contains("Allow public client flows")
    );

    let interaction = device_error(
        Fault::on("/common/oauth2/v2.0/devicecode")
            .status(400)
            .body("application/json", aad_body("interaction_required", 50076)),
    )
    .await;
    // 50076 is MFA: the browser sign-in asks for it.
    assert_eq!(interaction.code(), "mfa_required");

    let html = device_error(
        Fault::on("/common/oauth2/v2.0/devicecode")
            .status(200)
            .body("text/html", "<html><body>Proxy login</body></html>"),
    )
    .await;
    assert_eq!(html.code(), "unexpected_response", "{html:?}");
}

#[tokio::test]
async fn token_endpoint_html_after_the_browser_is_an_unexpected_response() {
    let sb = start(Tenant::demo());
    sb.inject(
        Fault::on("/common/oauth2/v2.0/token")
            .status(200)
            .body("text/html", "<!DOCTYPE html><title>Blocked</title>"),
    );
    let (s, _) = session(config(&sb));
    let (open, _) = browser(|l| l);
    let err = s
        .sign_in_browser(open, Some(DEMO_ADMIN_UPN), words::Lang::En)
        .await
        .expect_err("html");
    assert_eq!(err.code(), "unexpected_response", "{err:?}");
}

#[tokio::test]
async fn missing_client_id_is_not_configured() {
    let sb = start(Tenant::demo());
    let mut cfg = config(&sb);
    cfg.client_id.clear();
    let (s, _) = session(cfg);
    assert_eq!(
        s.start_device_code().await.expect_err("no id"),
        CloudError::NotConfigured
    );
}

#[tokio::test]
async fn an_idle_preconnect_does_not_hold_up_the_redirect() {
    let sb = start(Tenant::demo());
    let (s, _) = session(config(&sb));
    let (open, _) = browser(|l| l);
    let open = move |url: &str| {
        // Browsers open speculative connections and send nothing on them.
        let u = url::Url::parse(url).map_err(|e| e.to_string())?;
        let redirect = u
            .query_pairs()
            .find(|(k, _)| k == "redirect_uri")
            .map(|(_, v)| v.into_owned())
            .ok_or("no redirect_uri")?;
        let port = url::Url::parse(&redirect)
            .ok()
            .and_then(|r| r.port())
            .ok_or("no port")?;
        let idle = std::net::TcpStream::connect(("127.0.0.1", port)).map_err(|e| e.to_string())?;
        std::mem::forget(idle);
        open(url)
    };
    let started = Instant::now();
    s.sign_in_browser(open, Some(DEMO_ADMIN_UPN), words::Lang::En)
        .await
        .expect("signed in");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
}

/// The loopback address of an authorize URL's `redirect_uri`.
fn loopback_port(authorize_url: &str) -> u16 {
    let u = url::Url::parse(authorize_url).expect("url");
    let redirect = u
        .query_pairs()
        .find(|(k, _)| k == "redirect_uri")
        .map(|(_, v)| v.into_owned())
        .expect("a redirect_uri");
    url::Url::parse(&redirect)
        .ok()
        .and_then(|r| r.port())
        .expect("a port")
}

/// Sends `GET path` to the loopback over a plain TCP connection; the status line's code.
async fn raw_get(port: u16, path: &str) -> std::io::Result<u16> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut s = tokio::net::TcpStream::connect(("127.0.0.1", port)).await?;
    s.write_all(format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n").as_bytes())
        .await?;
    let mut out = String::new();
    s.read_to_string(&mut out).await?;
    Ok(out
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0))
}

#[tokio::test]
async fn strays_with_a_wrong_or_missing_state_get_a_400_and_the_real_redirect_still_completes() {
    let sb = start(Tenant::demo());
    let (s, _) = session(config(&sb));
    let (open, log) = browser(|l| l);
    let strays = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let seen = std::sync::Arc::clone(&strays);
    let open = move |url: &str| {
        let port = loopback_port(url);
        let url = url.to_owned();
        // Before the browser comes back: a forged answer, one without state, one with an
        // empty state, each on its own connection, as another local program could send.
        tokio::spawn(async move {
            for path in [
                "/?code=forged-code&state=forged",
                "/?code=forged-code",
                "/?error=access_denied&state=",
            ] {
                let status = raw_get(port, path).await.unwrap_or(0);
                seen.lock().expect("lock").push((path, status));
            }
            // The real redirect only after the strays were answered.
            open(&url).expect("browser");
        });
        Ok(())
    };
    let account = s
        .sign_in_browser(open, Some(DEMO_ADMIN_UPN), words::Lang::En)
        .await
        .expect("the real redirect completes");
    assert_eq!(account.upn, DEMO_ADMIN_UPN);
    for (path, status) in strays.lock().expect("lock").iter() {
        assert_eq!(*status, 400, "{path}");
    }
    assert_eq!(strays.lock().expect("lock").len(), 3);
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(log.lock().expect("lock").loopback_status, Some(200));
    assert_eq!(
        count(&sb, "/common/oauth2/v2.0/token"),
        1,
        "only the real code was redeemed"
    );
}

#[tokio::test]
async fn the_code_is_sent_once_even_when_the_token_endpoint_fails() {
    let sb = start(Tenant::demo());
    // A 503 the generic retry would answer by sending the code again.
    sb.inject(
        Fault::on("/common/oauth2/v2.0/token")
            .method("POST")
            .status(503)
            .times(1),
    );
    let (s, store) = session(config(&sb));
    let (open, _) = browser(|l| l);
    let err = s
        .sign_in_browser(open, Some(DEMO_ADMIN_UPN), words::Lang::En)
        .await
        .expect_err("no second try with the same code");
    assert_ne!(err.code(), "", "{err:?}");
    assert_eq!(
        count(&sb, "/common/oauth2/v2.0/token"),
        1,
        "the code went to the token endpoint once"
    );
    assert!(
        cloud::TokenStore::load(store.as_ref())
            .expect("load")
            .is_none()
    );
}

#[tokio::test]
async fn a_replayed_redirect_after_sign_in_reaches_nothing() {
    let sb = start(Tenant::demo());
    let (s, _) = session(config(&sb));
    let (open, log) = browser(|l| l);
    s.sign_in_browser(open, Some(DEMO_ADMIN_UPN), words::Lang::En)
        .await
        .expect("signed in");
    let location = log
        .lock()
        .expect("lock")
        .location
        .clone()
        .expect("redirected");
    let u = url::Url::parse(&location).expect("url");
    let port = u.port().expect("port");
    let path = format!("{}?{}", u.path(), u.query().unwrap_or_default());
    // The browser retrying the redirect (or anything replaying the code) finds the port
    // closed, and the token endpoint saw the code once.
    assert!(raw_get(port, &path).await.is_err(), "the listener is gone");
    assert_eq!(count(&sb, "/common/oauth2/v2.0/token"), 1);
}
