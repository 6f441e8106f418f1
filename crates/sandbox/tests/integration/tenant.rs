//! The simulated tenant answers in Microsoft's documented shapes and semantics: redirect
//! matching, PKCE verification, error bodies, paging, `$batch` limits, revocation, faults.

use std::collections::HashMap;
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use reqwest::redirect::Policy;
use sandbox::{DEMO_ADMIN_UPN, DEMO_MEMBER_UPN, Fault, RetryAfter, Sandbox, Tenant};
use serde_json::Value;
use sha2::{Digest, Sha256};

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(Policy::none())
        .build()
        .expect("client")
}

const VERIFIER: &str = "a-verifier-that-is-long-enough-for-pkce-0123456789";

fn authorize_url(sb: &Sandbox, redirect: &str, upn: &str) -> String {
    let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(VERIFIER.as_bytes()));
    let mut u =
        url::Url::parse(&format!("{}/common/oauth2/v2.0/authorize", sb.authority())).expect("url");
    u.query_pairs_mut()
        .append_pair("client_id", sb.client_id())
        .append_pair("response_type", "code")
        .append_pair("redirect_uri", redirect)
        .append_pair(
            "scope",
            "openid offline_access User.Read AuditLog.Read.All User.RevokeSessions.All",
        )
        .append_pair("state", "s1")
        .append_pair("code_challenge", &challenge)
        .append_pair("code_challenge_method", "S256")
        .append_pair("login_hint", upn);
    u.to_string()
}

async fn code_for(sb: &Sandbox, redirect: &str, upn: &str) -> String {
    let r = client()
        .get(authorize_url(sb, redirect, upn))
        .send()
        .await
        .expect("authorize");
    assert_eq!(r.status().as_u16(), 302);
    let loc = url::Url::parse(r.headers()["location"].to_str().expect("ascii")).expect("location");
    let q: HashMap<_, _> = loc.query_pairs().into_owned().collect();
    assert_eq!(q["state"], "s1");
    q["code"].clone()
}

async fn token(sb: &Sandbox, form: &[(&str, &str)]) -> (u16, Value) {
    let r = client()
        .post(format!("{}/common/oauth2/v2.0/token", sb.authority()))
        .form(form)
        .send()
        .await
        .expect("token");
    (r.status().as_u16(), r.json().await.expect("json"))
}

async fn tokens_for(sb: &Sandbox, upn: &str) -> Value {
    let redirect = "http://localhost:4321/";
    let code = code_for(sb, redirect, upn).await;
    let (status, body) = token(
        sb,
        &[
            ("client_id", sb.client_id()),
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", redirect),
            ("code_verifier", VERIFIER),
        ],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    body
}

fn assert_oauth_error(body: &Value, error: &str, code: u64) {
    assert_eq!(body["error"], error, "{body}");
    assert_eq!(body["error_codes"][0], code, "{body}");
    assert!(
        body["error_description"]
            .as_str()
            .expect("description")
            .starts_with(&format!("AADSTS{code}:"))
    );
    assert!(body["trace_id"].is_string() && body["correlation_id"].is_string());
}

#[tokio::test]
async fn loopback_redirects_match_whatever_the_port() {
    let sb = Sandbox::start().expect("sandbox");
    for ok in [
        "http://localhost:1/",
        "http://127.0.0.1:65000/",
        "http://localhost",
    ] {
        let r = client()
            .get(authorize_url(&sb, ok, DEMO_ADMIN_UPN))
            .send()
            .await
            .expect("answer");
        assert_eq!(r.status().as_u16(), 302, "{ok}");
    }
    for bad in [
        "http://[::1]:5000/",
        "https://evil.example/",
        "http://localhost:5/other",
    ] {
        let r = client()
            .get(authorize_url(&sb, bad, DEMO_ADMIN_UPN))
            .send()
            .await
            .expect("answer");
        assert_eq!(r.status().as_u16(), 400, "{bad}");
        assert!(r.text().await.expect("page").contains("AADSTS50011"));
    }
}

#[tokio::test]
async fn without_a_hint_the_user_picks_an_account() {
    let sb = Sandbox::start().expect("sandbox");
    let url = authorize_url(&sb, "http://localhost:9/", "").replace("&login_hint=", "");
    let page = client()
        .get(url)
        .send()
        .await
        .expect("answer")
        .text()
        .await
        .expect("page");
    assert!(
        page.contains("Pick an account") && page.contains(DEMO_MEMBER_UPN),
        "{page}"
    );
}

#[tokio::test]
async fn pkce_is_verified_and_codes_are_single_use() {
    let sb = Sandbox::start().expect("sandbox");
    let redirect = "http://localhost:4321/";
    let code = code_for(&sb, redirect, DEMO_ADMIN_UPN).await;
    let form = |verifier: &'static str, code: &str| {
        vec![
            ("client_id".to_owned(), sb.client_id().to_owned()),
            ("grant_type".to_owned(), "authorization_code".to_owned()),
            ("code".to_owned(), code.to_owned()),
            ("redirect_uri".to_owned(), redirect.to_owned()),
            ("code_verifier".to_owned(), verifier.to_owned()),
        ]
    };
    let post = |f: Vec<(String, String)>| {
        let url = format!("{}/common/oauth2/v2.0/token", sb.authority());
        async move {
            let r = client().post(url).form(&f).send().await.expect("token");
            (r.status().as_u16(), r.json::<Value>().await.expect("json"))
        }
    };
    let (status, body) = post(form("wrong-verifier", &code)).await;
    assert_eq!(status, 400);
    assert_oauth_error(&body, "invalid_grant", 501481);
    // The failed attempt consumed the code, as at Microsoft.
    let (status, body) = post(form(VERIFIER, &code)).await;
    assert_eq!(status, 400);
    assert_oauth_error(&body, "invalid_grant", 70008);
}

#[tokio::test]
async fn revoke_kills_refresh_tokens_with_aadsts50173() {
    let sb = Sandbox::start().expect("sandbox");
    let t = tokens_for(&sb, DEMO_ADMIN_UPN).await;
    let rt = t["refresh_token"].as_str().expect("refresh token");
    let at = t["access_token"].as_str().expect("access token");
    let refresh = [
        ("client_id", sb.client_id()),
        ("grant_type", "refresh_token"),
        ("refresh_token", rt),
    ];
    assert_eq!(token(&sb, &refresh).await.0, 200);
    let r = client()
        .post(format!("{}/me/revokeSignInSessions", sb.graph_base()))
        .bearer_auth(at)
        .send()
        .await
        .expect("revoke");
    assert_eq!(r.status().as_u16(), 200);
    assert_eq!(r.json::<Value>().await.expect("json")["value"], true);
    let (status, body) = token(&sb, &refresh).await;
    assert_eq!(status, 400);
    assert_oauth_error(&body, "invalid_grant", 50173);
    assert_eq!(sb.live_refresh_tokens(DEMO_ADMIN_UPN), 0);
}

#[tokio::test]
async fn members_get_graph_shaped_403s() {
    let sb = Sandbox::start().expect("sandbox");
    let t = tokens_for(&sb, DEMO_MEMBER_UPN).await;
    let at = t["access_token"].as_str().expect("access token");
    for (method, path) in [
        ("POST", "/me/revokeSignInSessions"),
        ("GET", "/auditLogs/signIns"),
    ] {
        let r = client()
            .request(
                method.parse().expect("method"),
                format!("{}{path}", sb.graph_base()),
            )
            .bearer_auth(at)
            .send()
            .await
            .expect("answer");
        assert_eq!(r.status().as_u16(), 403, "{path}");
        let body: Value = r.json().await.expect("json");
        assert_eq!(body["error"]["code"], "Authorization_RequestDenied");
        assert!(body["error"]["innerError"]["request-id"].is_string());
    }
    let r = client()
        .get(format!("{}/me", sb.graph_base()))
        .send()
        .await
        .expect("answer");
    assert_eq!(r.status().as_u16(), 401);
}

#[tokio::test]
async fn sign_ins_page_with_whole_next_links_and_batches_are_capped_at_20() {
    let sb = Sandbox::start_with(Tenant::demo().with_extra_users(21)).expect("sandbox");
    let t = tokens_for(&sb, DEMO_ADMIN_UPN).await;
    let at = t["access_token"].as_str().expect("access token").to_owned();
    let mut url = format!(
        "{}/auditLogs/signIns?$filter={}&$top=15",
        sb.graph_base(),
        "userPrincipalName%20eq%20%27megan.bowen@contoso.example%27"
    );
    let mut rows = 0;
    let mut pages = 0;
    loop {
        let page: Value = client()
            .get(&url)
            .bearer_auth(&at)
            .send()
            .await
            .expect("page")
            .json()
            .await
            .expect("json");
        rows += page["value"].as_array().expect("value").len();
        pages += 1;
        match page["@odata.nextLink"].as_str() {
            Some(next) => {
                assert!(
                    next.contains("%24filter") || next.contains("$filter"),
                    "the link keeps the query: {next}"
                );
                url = next.to_owned();
            }
            None => break,
        }
    }
    assert_eq!((rows, pages), (40, 3));

    let requests: Vec<Value> = (1..=21)
        .map(|i| serde_json::json!({"id": i.to_string(), "method": "POST", "url": format!("/users/user{i:03}@contoso.example/revokeSignInSessions")}))
        .collect();
    let r = client()
        .post(format!("{}/$batch", sb.graph_base()))
        .bearer_auth(&at)
        .json(&serde_json::json!({ "requests": requests }))
        .send()
        .await
        .expect("batch");
    assert_eq!(r.status().as_u16(), 400, "more than 20 is refused");
    let r = client()
        .post(format!("{}/$batch", sb.graph_base()))
        .bearer_auth(&at)
        .json(&serde_json::json!({ "requests": requests[..20] }))
        .send()
        .await
        .expect("batch");
    let body: Value = r.json().await.expect("json");
    assert_eq!(body["responses"].as_array().map(Vec::len), Some(20));
    assert!(
        body["responses"]
            .as_array()
            .expect("array")
            .iter()
            .all(|r| r["status"] == 200)
    );
}

#[tokio::test]
async fn faults_answer_with_status_retry_after_body_and_delay() {
    let sb = Sandbox::start().expect("sandbox");
    let at = std::time::SystemTime::now() + Duration::from_secs(30);
    sb.inject(
        Fault::on("/health")
            .status(429)
            .retry_after(RetryAfter::Seconds(7)),
    );
    sb.inject(
        Fault::on("/health")
            .status(503)
            .retry_after(RetryAfter::Date(at)),
    );
    sb.inject(
        Fault::on("/health")
            .status(200)
            .body("text/html", "<html>proxy</html>"),
    );
    sb.inject(Fault::on("/health").delay(Duration::from_millis(200)));
    let url = format!("{}/health", sb.base_url());
    let r = client().get(&url).send().await.expect("429");
    assert_eq!(
        (
            r.status().as_u16(),
            r.headers()["retry-after"].to_str().expect("ascii")
        ),
        (429, "7")
    );
    let r = client().get(&url).send().await.expect("503");
    assert_eq!(r.status().as_u16(), 503);
    assert!(
        r.headers()["retry-after"]
            .to_str()
            .expect("ascii")
            .ends_with("GMT")
    );
    let r = client().get(&url).send().await.expect("html");
    assert_eq!(r.text().await.expect("body"), "<html>proxy</html>");
    let started = std::time::Instant::now();
    let r = client().get(&url).send().await.expect("slow");
    assert!(started.elapsed() >= Duration::from_millis(200));
    assert_eq!(
        r.json::<Value>().await.expect("json")["status"],
        "ok",
        "a pure delay passes through"
    );
    assert_eq!(sb.faults().remaining(), 0);
}

#[tokio::test]
async fn sign_in_block_faults_use_the_documented_error_shape() {
    let sb = Sandbox::start().expect("sandbox");
    let claims = r#"{"access_token":{"capolids":{"essential":true,"values":["p"]}}}"#;
    let path = "/common/oauth2/v2.0/token";
    for (fault, code) in [
        (Fault::consent_required(path), 65001),
        (Fault::conditional_access_blocked(path), 53003),
        (Fault::device_not_compliant(path, 53000), 53000),
        (Fault::device_not_compliant(path, 53001), 53001),
        (Fault::mfa_required(path, 50076, Some(claims)), 50076),
        (Fault::mfa_required(path, 50079, None), 50079),
    ] {
        sb.inject(fault);
        let (status, body) = token(&sb, &[("grant_type", "refresh_token")]).await;
        assert_eq!(status, 400, "{body}");
        assert_eq!(body["error_codes"], serde_json::json!([code]));
        let description = body["error_description"].as_str().expect("description");
        assert!(
            description.starts_with(&format!("AADSTS{code}: ")),
            "{description}"
        );
        for field in [
            "error",
            "timestamp",
            "trace_id",
            "correlation_id",
            "error_uri",
        ] {
            assert!(body[field].is_string(), "{field} in {body}");
        }
        if code == 50076 {
            assert_eq!(body["claims"], claims);
            assert_eq!(body["suberror"], "basic_action");
        }
    }

    // Graph's claims challenge: 401, Graph's error body, the base64 claims in the header.
    sb.inject(Fault::claims_challenge("/graph/v1.0/me", claims));
    let answer = client()
        .get(format!("{}/me", sb.graph_base()))
        .bearer_auth("any")
        .send()
        .await
        .expect("graph");
    assert_eq!(answer.status().as_u16(), 401);
    let header = answer
        .headers()
        .get("www-authenticate")
        .and_then(|v| v.to_str().ok())
        .expect("a challenge")
        .to_owned();
    assert!(
        header.contains(r#"error="insufficient_claims""#),
        "{header}"
    );
    let encoded = base64::engine::general_purpose::STANDARD.encode(claims);
    assert!(
        header.contains(&format!(r#"claims="{encoded}""#)),
        "{header}"
    );
    let body: Value = answer.json().await.expect("json");
    assert_eq!(body["error"]["code"], "InvalidAuthenticationToken");
}

#[tokio::test]
async fn the_admin_consent_page_answers_for_the_registered_app_only() {
    let sb = Sandbox::start().expect("sandbox");
    let page = |tenant: &str, client_id: &str| {
        format!(
            "{}/{tenant}/adminconsent?client_id={client_id}",
            sb.authority()
        )
    };
    let ok = client()
        .get(page(&sb.tenant().id, sb.client_id()))
        .send()
        .await
        .expect("page");
    assert_eq!(ok.status().as_u16(), 200);
    assert!(
        ok.text()
            .await
            .expect("html")
            .contains("Permissions requested")
    );
    let unknown = client()
        .get(page("contoso.example", "not-registered"))
        .send()
        .await
        .expect("page");
    assert_eq!(unknown.status().as_u16(), 400);
    assert!(unknown.text().await.expect("html").contains("AADSTS700016"));
}
