//! Helpers shared by the integration tests: a sandbox tenant, a client configured for it
//! with short timeouts, and a test HTTP client that plays the browser.
#![allow(dead_code)]

use std::sync::{Arc, Mutex};
use std::time::Duration;

use cloud::{Account, CloudConfig, CloudSession, MemoryStore, RetryPolicy, TokenStore};
use sandbox::{Sandbox, Tenant};

pub fn start(tenant: Tenant) -> Sandbox {
    Sandbox::start_with(tenant).expect("sandbox starts")
}

/// A configuration pointing at `sb`, with retries and waits short enough for tests.
pub fn config(sb: &Sandbox) -> CloudConfig {
    let mut cfg = CloudConfig::sandbox(sb.authority(), &sb.graph_base(), sb.client_id());
    cfg.admin = true;
    cfg.retry = RetryPolicy {
        max_retries: 3,
        base_delay: Duration::from_millis(50),
        max_delay: Duration::from_secs(3),
    };
    cfg.request_timeout = Duration::from_secs(5);
    cfg.loopback_timeout = Duration::from_secs(10);
    cfg.slow_down_step = Duration::from_secs(1);
    cfg
}

pub fn session(cfg: CloudConfig) -> (CloudSession, Arc<MemoryStore>) {
    let store = Arc::new(MemoryStore::new());
    let dynstore: Arc<dyn TokenStore> = store.clone();
    (
        CloudSession::new(cfg, dynstore).expect("valid config"),
        store,
    )
}

/// What the test browser saw.
#[derive(Debug, Default, Clone)]
pub struct BrowserLog {
    pub authorize_url: Option<String>,
    pub location: Option<String>,
    pub loopback_status: Option<u16>,
    pub loopback_page: Option<String>,
}

/// An `open` callback that plays the browser: GET the authorize URL without following
/// the redirect, optionally tamper with the Location, then GET it on the loopback.
pub fn browser(
    tamper: impl FnOnce(String) -> String + Send + 'static,
) -> (
    impl FnOnce(&str) -> Result<(), String>,
    Arc<Mutex<BrowserLog>>,
) {
    let log = Arc::new(Mutex::new(BrowserLog::default()));
    let seen = Arc::clone(&log);
    let open = move |url: &str| {
        let url = url.to_owned();
        seen.lock().expect("lock").authorize_url = Some(url.clone());
        tokio::spawn(async move {
            let client = reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .expect("client");
            let answer = client.get(&url).send().await.expect("authorize answers");
            assert_eq!(answer.status().as_u16(), 302, "authorize redirects");
            let location = answer
                .headers()
                .get("location")
                .and_then(|v| v.to_str().ok())
                .expect("a Location")
                .to_owned();
            seen.lock().expect("lock").location = Some(location.clone());
            let back = client
                .get(tamper(location))
                .send()
                .await
                .expect("loopback answers");
            let status = back.status().as_u16();
            let page = back.text().await.unwrap_or_default();
            let mut l = seen.lock().expect("lock");
            l.loopback_status = Some(status);
            l.loopback_page = Some(page);
        });
        Ok(())
    };
    (open, log)
}

/// Signs `session` in as `upn` through the real PKCE flow.
pub async fn sign_in(session: &CloudSession, upn: &str) -> Account {
    let (open, _) = browser(|l| l);
    session
        .sign_in_browser(open, Some(upn), words::Lang::En)
        .await
        .expect("signs in")
}

/// Requests whose path starts with `prefix`.
pub fn count(sb: &Sandbox, prefix: &str) -> usize {
    sb.requests()
        .iter()
        .filter(|r| r.path.starts_with(prefix))
        .count()
}
