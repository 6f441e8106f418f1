//! The fault suite, cloud half (issue 7): what the client does when the network, a proxy,
//! the token endpoint, Graph, the clock or the keyring misbehaves. Each test names the fault;
//! `docs/faults.md` lists them with the expected behaviour. None may panic, hang beyond its
//! configured timeouts, send a token to a host other than the one configured, or leave half
//! a snapshot behind.
//!
//! The sandbox's fault injection plays most faults; where it cannot (a connection that
//! never answers, a redirect, an endless body) a raw TCP server on 127.0.0.1 does.

use crate::common;

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use cloud::{
    Account, AccountKind, CloudConfig, CloudError, CloudSession, MemoryStore, NoteTopic,
    Remembered, RetryPolicy, Secret, StoredSession, TokenStore,
};
use common::{browser, config, count, session, sign_in, start};
use sandbox::{DEMO_ADMIN_UPN, Fault, RetryAfter, Sandbox, Tenant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

// ---------------------------------------------------------------------------------------
// A raw HTTP/1.1 server for what the sandbox cannot express.

/// How the raw server answers one connection.
#[derive(Clone)]
enum Answer {
    /// Reads the request, then holds the connection open and never answers.
    Hang,
    /// Sends these bytes (a whole response) and closes.
    Bytes(Vec<u8>),
    /// Sends this head (status line and headers announcing a body), then stalls.
    HeadThenStall(Vec<u8>),
    /// A 200 JSON answer whose chunked body never ends: `{"value":[{...},{...},...`.
    Endless,
}

#[derive(Clone, Default)]
struct Seen {
    /// Request heads (request line and headers), in arrival order.
    heads: Arc<Mutex<Vec<String>>>,
    /// Bytes of body the server managed to send.
    sent: Arc<AtomicU64>,
    connections: Arc<AtomicUsize>,
}

struct RawServer {
    port: u16,
    seen: Seen,
    task: tokio::task::JoinHandle<()>,
}

impl RawServer {
    async fn start(answer: impl Fn(&str) -> Answer + Send + Sync + 'static) -> RawServer {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let port = listener.local_addr().expect("addr").port();
        let seen = Seen::default();
        let answer = Arc::new(answer);
        let s = seen.clone();
        let task = tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    return;
                };
                s.connections.fetch_add(1, Ordering::SeqCst);
                let (s, answer) = (s.clone(), Arc::clone(&answer));
                tokio::spawn(async move { serve(stream, s, answer).await });
            }
        });
        RawServer { port, seen, task }
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    fn heads(&self) -> Vec<String> {
        self.seen.heads.lock().expect("lock").clone()
    }

    fn requests_to(&self, path: &str) -> usize {
        let line = format!(" {path} ");
        self.heads().iter().filter(|h| h.contains(&line)).count()
    }
}

impl Drop for RawServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn read_head(stream: &mut TcpStream) -> Option<String> {
    let mut buf = Vec::new();
    let mut byte = [0u8; 1024];
    while !buf.windows(4).any(|w| w == b"\r\n\r\n") && buf.len() < 64 * 1024 {
        let n = stream.read(&mut byte).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&byte[..n]);
    }
    Some(String::from_utf8_lossy(&buf).into_owned())
}

async fn serve(
    mut stream: TcpStream,
    seen: Seen,
    answer: Arc<dyn Fn(&str) -> Answer + Send + Sync>,
) {
    let Some(head) = read_head(&mut stream).await else {
        return;
    };
    seen.heads.lock().expect("lock").push(head.clone());
    match answer(&head) {
        Answer::Hang => {
            tokio::time::sleep(Duration::from_secs(3600)).await;
        }
        Answer::Bytes(b) => {
            let _ = stream.write_all(&b).await;
            let _ = stream.shutdown().await;
        }
        Answer::HeadThenStall(h) => {
            let _ = stream.write_all(&h).await;
            tokio::time::sleep(Duration::from_secs(3600)).await;
        }
        Answer::Endless => {
            let head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n";
            if stream.write_all(head.as_bytes()).await.is_err() {
                return;
            }
            let row = r#"{"createdDateTime":"2026-11-27T07:00:00Z","appDisplayName":"Microsoft Outlook","clientAppUsed":"Mobile Apps and Desktop clients","ipAddress":"203.0.113.9","status":{"errorCode":0}},"#;
            let mut chunk = String::from(r#"{"value":["#);
            while chunk.len() < 64 * 1024 {
                chunk.push_str(row);
            }
            let mut framed = format!("{:x}\r\n", chunk.len()).into_bytes();
            framed.extend_from_slice(chunk.as_bytes());
            framed.extend_from_slice(b"\r\n");
            // Stops when the client hangs up (or after 1 GiB, far beyond any cap).
            while seen.sent.load(Ordering::SeqCst) < 1 << 30 {
                if stream.write_all(&framed).await.is_err() {
                    return;
                }
                seen.sent.fetch_add(chunk.len() as u64, Ordering::SeqCst);
            }
        }
    }
}

fn response(status: &str, headers: &[(&str, &str)], body: &str) -> Vec<u8> {
    let mut s = format!("HTTP/1.1 {status}\r\n");
    for (k, v) in headers {
        s.push_str(&format!("{k}: {v}\r\n"));
    }
    s.push_str(&format!(
        "Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    ));
    s.into_bytes()
}

// ---------------------------------------------------------------------------------------
// Helpers.

/// Fast retries: three tries in all, short backoffs, short request timeout.
fn quick(mut cfg: CloudConfig) -> CloudConfig {
    cfg.retry = RetryPolicy {
        max_retries: 2,
        base_delay: Duration::from_millis(20),
        max_delay: Duration::from_millis(500),
    };
    cfg.request_timeout = Duration::from_millis(400);
    cfg.connect_timeout = Duration::from_millis(400);
    cfg
}

/// A session signed in at the sandbox whose Graph is `graph` (a raw server).
async fn signed_in_with_graph(sb: &Sandbox, graph: &str) -> CloudSession {
    let mut cfg = config(sb);
    cfg.graph_base = format!("{graph}/graph/v1.0");
    let (s, _) = session(quick(cfg));
    sign_in(&s, DEMO_ADMIN_UPN).await;
    s
}

/// A session restored from a store holding `refresh_token` (as after a restart), talking
/// to `authority` for tokens.
async fn restored_at(authority: &str, graph: &str, refresh_token: &str) -> CloudSession {
    let cfg = quick(CloudConfig::sandbox(
        authority,
        &format!("{graph}/graph/v1.0"),
        sandbox::SANDBOX_CLIENT_ID,
    ));
    let store = Arc::new(MemoryStore::new());
    store
        .save(&StoredSession {
            refresh_token: Secret::new(refresh_token),
            account: Account {
                upn: DEMO_ADMIN_UPN.into(),
                display_name: None,
                id: None,
                tenant_id: None,
                kind: AccountKind::Work,
                admin_scopes: true,
            },
        })
        .expect("save");
    let s = CloudSession::new(cfg, store).expect("session");
    s.restore().await.expect("restore").expect("stored");
    s
}

fn aad_body(error: &str, code: u32) -> String {
    serde_json::json!({
        "error": error,
        "error_description": format!("AADSTS{code}: text. Trace ID: t Correlation ID: c"),
        "error_codes": [code],
        "trace_id": "0f0e0d0c-0000-4000-8000-000000000001",
        "correlation_id": "0f0e0d0c-0000-4000-8000-000000000002",
    })
    .to_string()
}

const TOKEN: &str = "/common/oauth2/v2.0/token";
const ADMIN_SCOPES: &str = "openid profile offline_access User.Read User.RevokeSessions.All AuditLog.Read.All Directory.Read.All";

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// A token answer with a real (sandbox-minted) access token, as the test wants it otherwise.
fn token_answer(
    sb: &Sandbox,
    expires_in: serde_json::Value,
    id_claims: serde_json::Value,
) -> String {
    let t = sb
        .issue_tokens(DEMO_ADMIN_UPN, ADMIN_SCOPES)
        .expect("known user");
    let jwt = format!(
        "{}.{}.{}",
        URL_SAFE_NO_PAD.encode(r#"{"typ":"JWT","alg":"RS256"}"#),
        URL_SAFE_NO_PAD.encode(id_claims.to_string()),
        URL_SAFE_NO_PAD.encode("sig"),
    );
    serde_json::json!({
        "token_type": "Bearer",
        "scope": "User.Read User.RevokeSessions.All AuditLog.Read.All Directory.Read.All",
        "expires_in": expires_in,
        "access_token": t.access_token,
        "refresh_token": t.refresh_token,
        "id_token": jwt,
    })
    .to_string()
}

fn megan_claims() -> serde_json::Value {
    let u = sandbox::Tenant::demo();
    let megan = u.user_by_upn(DEMO_ADMIN_UPN).expect("megan");
    serde_json::json!({
        "tid": u.id,
        "oid": megan.id,
        "preferred_username": DEMO_ADMIN_UPN,
        "name": "Megan Bowen",
    })
}

// ---------------------------------------------------------------------------------------
// Network: a hung connection, a stalled body.

#[tokio::test]
async fn a_hung_connection_gives_up_after_the_request_timeout() {
    let sb = start(Tenant::demo());
    let hung = RawServer::start(|_| Answer::Hang).await;
    let s = signed_in_with_graph(&sb, &hung.url()).await;
    let started = Instant::now();
    let err = s
        .snapshot(None, words::Lang::En)
        .await
        .expect_err("nobody answers");
    let took = started.elapsed();
    assert_eq!(
        err,
        CloudError::Timeout {
            host: "127.0.0.1".into()
        }
    );
    assert_eq!(err.code(), "timeout");
    // Three tries of 400 ms and two short backoffs: about 1.3 s, never the default 30 s.
    assert!(took >= Duration::from_millis(1200), "{took:?}");
    assert!(took < Duration::from_secs(4), "{took:?}");
    assert_eq!(hung.requests_to("/graph/v1.0/me"), 3, "1 try + 2 retries");
    assert!(s.account().await.is_some(), "a timeout does not sign out");

    // The token endpoint hanging during a refresh is the same typed timeout.
    let s = restored_at(&hung.url(), &hung.url(), "rt-1").await;
    let started = Instant::now();
    let err = s
        .snapshot(None, words::Lang::En)
        .await
        .expect_err("token endpoint hangs");
    assert_eq!(err.code(), "timeout", "{err:?}");
    assert!(started.elapsed() < Duration::from_secs(4));
}

#[tokio::test]
async fn headers_then_a_stalled_body_is_a_timeout_too() {
    let sb = start(Tenant::demo());
    let stall = RawServer::start(|_| {
        Answer::HeadThenStall(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 5000\r\n\r\n{\"id\":"
                .to_vec(),
        )
    })
    .await;
    let s = signed_in_with_graph(&sb, &stall.url()).await;
    let started = Instant::now();
    let err = s
        .snapshot(None, words::Lang::En)
        .await
        .expect_err("body never ends");
    assert_eq!(err.code(), "timeout", "{err:?}");
    assert!(started.elapsed() < Duration::from_secs(4));
    assert_eq!(stall.requests_to("/graph/v1.0/me"), 3);
}

// ---------------------------------------------------------------------------------------
// Throttling and a failing service.

#[tokio::test]
async fn a_429_storm_stops_after_the_retry_budget_with_a_throttled_error() {
    let sb = start(Tenant::demo());
    let mut cfg = config(&sb);
    cfg.retry = RetryPolicy {
        max_retries: 2,
        base_delay: Duration::from_millis(20),
        max_delay: Duration::from_secs(5),
    };
    let (s, _) = session(cfg);
    sign_in(&s, DEMO_ADMIN_UPN).await;
    sb.inject(
        Fault::on("/graph/v1.0/")
            .status(429)
            .retry_after(RetryAfter::Seconds(1))
            .always(),
    );
    let started = Instant::now();
    let err = s
        .snapshot(None, words::Lang::En)
        .await
        .expect_err("throttled");
    let took = started.elapsed();
    assert_eq!(
        err,
        CloudError::Throttled {
            retry_after_secs: 1
        }
    );
    assert_eq!(
        err.hint(words::Lang::En),
        "Wait about 1 seconds and try again."
    );
    // Two waits of the asked 1 s, then it stops.
    assert!(took >= Duration::from_millis(1900), "{took:?}");
    assert!(took < Duration::from_secs(4), "{took:?}");
    let me = sb
        .requests()
        .iter()
        .filter(|r| r.path == "/graph/v1.0/me")
        .count();
    assert_eq!(me, 3, "1 try + max_retries");
    assert!(s.account().await.is_some());
}

#[tokio::test]
async fn a_retry_after_of_an_hour_is_capped_by_max_delay() {
    let sb = start(Tenant::demo());
    let mut cfg = config(&sb);
    cfg.retry = RetryPolicy {
        max_retries: 3,
        base_delay: Duration::from_millis(20),
        max_delay: Duration::from_millis(200),
    };
    let (s, _) = session(cfg);
    sign_in(&s, DEMO_ADMIN_UPN).await;
    sb.inject(
        Fault::on("/graph/v1.0/me")
            .method("GET")
            .status(429)
            .retry_after(RetryAfter::Seconds(3600))
            .always(),
    );
    let started = Instant::now();
    let err = s
        .snapshot(None, words::Lang::En)
        .await
        .expect_err("throttled");
    // The UI learns what Microsoft asked; the client never waited longer than max_delay.
    assert_eq!(
        err,
        CloudError::Throttled {
            retry_after_secs: 3600
        }
    );
    assert!(
        started.elapsed() < Duration::from_millis(3 * 200 + 1500),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn a_throttled_token_endpoint_is_retried_then_signs_in() {
    let sb = start(Tenant::demo());
    sb.inject(
        Fault::on(TOKEN)
            .status(429)
            .retry_after(RetryAfter::Seconds(0))
            .times(2),
    );
    let (s, _) = session(config(&sb));
    let account = sign_in(&s, DEMO_ADMIN_UPN).await;
    assert_eq!(account.upn, DEMO_ADMIN_UPN);
    assert_eq!(count(&sb, TOKEN), 3);
}

// ---------------------------------------------------------------------------------------
// Tokens: revoked mid-run, consent missing, keyring broken.

#[tokio::test]
async fn a_token_revoked_between_the_concurrent_reads_is_sign_in_again_not_half_a_snapshot() {
    let sb = start(Tenant::demo());
    let (s, store) = session(config(&sb));
    sign_in(&s, DEMO_ADMIN_UPN).await;
    // Another device signs out everywhere while this snapshot runs: the refresh token dies,
    // and Graph starts refusing the access token; /me still got through, the device list
    // after it did not.
    let (other, _) = session(config(&sb));
    sign_in(&other, DEMO_ADMIN_UPN).await;
    other
        .sign_out_everywhere(&[], words::Lang::En)
        .await
        .expect("revoked");
    sb.inject(Fault::on("/graph/v1.0/me/ownedDevices").status(401));
    let err = s
        .snapshot(None, words::Lang::En)
        .await
        .expect_err("no half snapshot");
    assert_eq!(err, CloudError::SessionRevoked);
    assert_eq!(err.code(), "signed_out_everywhere");
    assert!(
        err.hint(words::Lang::En).contains("sign in again"),
        "{}",
        err.hint(words::Lang::En)
    );
    assert!(
        store.load().expect("load").is_none(),
        "the dead token is gone"
    );
    assert_eq!(s.account().await, None);
    assert_eq!(
        s.snapshot(None, words::Lang::En)
            .await
            .expect_err("signed out"),
        CloudError::NotSignedIn
    );
}

#[tokio::test]
async fn a_token_refused_on_one_read_is_refreshed_and_the_whole_snapshot_read_again() {
    let sb = start(Tenant::demo());
    let (s, _) = session(config(&sb));
    sign_in(&s, DEMO_ADMIN_UPN).await;
    // An access token refused on one read only (clock skew at one Graph front end).
    sb.inject(Fault::on("/graph/v1.0/auditLogs").status(401));
    let snap = s
        .snapshot(None, words::Lang::En)
        .await
        .expect("snapshot after a refresh");
    assert!(snap.notes.is_empty(), "{:#?}", snap.notes);
    assert_eq!(snap.sign_ins.len(), 40);
    assert_eq!(snap.devices.len(), 6);
    assert_eq!(count(&sb, TOKEN), 2, "sign-in and one refresh");
}

#[tokio::test]
async fn consent_missing_at_the_token_endpoint_is_consent_required() {
    // At sign-in: the code exchange answers AADSTS65001.
    let sb = start(Tenant::demo());
    sb.inject(
        Fault::on(TOKEN)
            .status(400)
            .body("application/json", aad_body("invalid_grant", 65001)),
    );
    let (s, store) = session(config(&sb));
    let (open, _) = browser(|l| l);
    let err = s
        .sign_in_browser(open, Some(DEMO_ADMIN_UPN), words::Lang::En)
        .await
        .expect_err("no consent");
    assert!(
        matches!(err, CloudError::ConsentRequired { code: 65001, .. }),
        "{err:?}"
    );
    assert_eq!(err.code(), "consent_required");
    assert!(err.hint(words::Lang::En).contains("Grant admin consent"));
    assert!(store.load().expect("load").is_none());
    assert_eq!(s.account().await, None);

    // Mid-run: an admin withdrew consent; the refresh after a restart answers 65001. The
    // stored sign-in is kept (consent can come back), and works once it does.
    let (first, store) = session(config(&sb));
    sign_in(&first, DEMO_ADMIN_UPN).await;
    let dynstore: Arc<dyn TokenStore> = store.clone();
    let later = CloudSession::new(config(&sb), dynstore).expect("session");
    later.restore().await.expect("restore");
    sb.inject(
        Fault::on(TOKEN)
            .status(400)
            .body("application/json", aad_body("invalid_grant", 65001)),
    );
    assert_eq!(
        later
            .snapshot(None, words::Lang::En)
            .await
            .expect_err("refresh refused")
            .code(),
        "consent_required"
    );
    assert!(store.load().expect("load").is_some(), "kept for later");
    let snap = later
        .snapshot(None, words::Lang::En)
        .await
        .expect("consent granted again");
    assert_eq!(snap.sign_ins.len(), 40);
}

/// A keyring that is locked (or missing): every call fails.
#[derive(Debug, Default)]
struct LockedKeyring {
    calls: AtomicUsize,
}

impl TokenStore for LockedKeyring {
    fn load(&self) -> Result<Option<StoredSession>, CloudError> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        Err(CloudError::Keyring("the collection is locked".into()))
    }
    fn save(&self, _: &StoredSession) -> Result<(), CloudError> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        Err(CloudError::Keyring("the collection is locked".into()))
    }
    fn clear(&self) -> Result<(), CloudError> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        Err(CloudError::Keyring("no secret service is running".into()))
    }
    fn remembers(&self) -> Remembered {
        Remembered::AcrossRestarts {
            store: cloud::KeyStore::SecretService,
        }
    }
}

#[tokio::test]
async fn a_locked_or_missing_keyring_is_a_clear_error_never_a_panic() {
    let sb = start(Tenant::demo());
    let store = Arc::new(LockedKeyring::default());
    let s = CloudSession::new(config(&sb), store.clone()).expect("session");
    let err = s.restore().await.expect_err("cannot read the keyring");
    assert_eq!(err.code(), "keyring_unavailable");
    assert!(
        err.hint(words::Lang::En).contains("keyring"),
        "{}",
        err.hint(words::Lang::En)
    );

    // Sign-in succeeds at Microsoft but cannot be remembered: the user is signed in for this
    // run (never a failed sign-in after authenticating), told why it will not be kept, and
    // the token is kept nowhere else (no file).
    let (open, _) = browser(|l| l);
    let account = s
        .sign_in_browser(open, Some(DEMO_ADMIN_UPN), words::Lang::En)
        .await
        .expect("signed in for this run");
    assert_eq!(account.upn, DEMO_ADMIN_UPN);
    match s.remembered(words::Lang::En).await {
        Some(Remembered::ThisRunOnly { reason: Some(why) }) => {
            assert!(why.contains("locked"), "{why}")
        }
        other => panic!("expected 'this run only': {other:?}"),
    }
    // In Spanish, our words around the keyring's own detail.
    match s.remembered(words::Lang::Es).await {
        Some(Remembered::ThisRunOnly { reason: Some(why) }) => {
            assert!(
                why.starts_with("el llavero del sistema no está disponible: "),
                "{why}"
            );
            assert!(why.contains("locked"), "{why}");
        }
        other => panic!("expected 'this run only': {other:?}"),
    }
    assert!(s.remembered(words::Lang::En).await.is_some_and(|r| {
        r.sentence(words::Lang::En)
            .contains("not remembered after a restart")
    }));
    // It works for this run: the snapshot reads with the in-memory tokens.
    assert_eq!(
        s.snapshot(None, words::Lang::En)
            .await
            .expect("snapshot")
            .devices
            .len(),
        6
    );
    // Signing out here with a keyring that cannot forget: an error, but signed out in memory.
    assert_eq!(
        s.sign_out().await.expect_err("cannot clear").code(),
        "keyring_unavailable"
    );
    assert!(store.calls.load(Ordering::SeqCst) >= 3);
}

/// A keyring that stores but cannot delete (a read-only keychain).
#[derive(Debug, Default)]
struct UndeletableKeyring(MemoryStore);

impl TokenStore for UndeletableKeyring {
    fn load(&self) -> Result<Option<StoredSession>, CloudError> {
        self.0.load()
    }
    fn save(&self, s: &StoredSession) -> Result<(), CloudError> {
        self.0.save(s)
    }
    fn clear(&self) -> Result<(), CloudError> {
        Err(CloudError::Keyring("read-only keychain".into()))
    }
    fn remembers(&self) -> Remembered {
        self.0.remembers()
    }
}

#[tokio::test]
async fn a_revoked_session_is_reported_as_such_even_when_the_keyring_cannot_forget_it() {
    let sb = start(Tenant::demo());
    let s =
        CloudSession::new(config(&sb), Arc::new(UndeletableKeyring::default())).expect("session");
    sign_in(&s, DEMO_ADMIN_UPN).await;
    let report = s
        .sign_out_everywhere(&[], words::Lang::En)
        .await
        .expect("revoked");
    assert!(
        report.signed_out_here,
        "the keyring's failure must not hide that this app was signed out: {report:?}"
    );
    assert_eq!(s.account().await, None);
}

// ---------------------------------------------------------------------------------------
// Odd answers: empty bodies, content types, redirects, huge bodies.

#[tokio::test]
async fn graph_200_with_an_empty_body_or_the_wrong_shape_is_an_unexpected_response() {
    let sb = start(Tenant::demo());
    let (s, _) = session(config(&sb));
    sign_in(&s, DEMO_ADMIN_UPN).await;

    sb.inject(
        Fault::on("/graph/v1.0/me")
            .exact()
            .method("GET")
            .status(200)
            .body("application/json", ""),
    );
    let err = s.snapshot(None, words::Lang::En).await.expect_err("empty");
    assert!(
        matches!(err, CloudError::UnexpectedResponse { status: 200, .. }),
        "{err:?}"
    );

    // JSON labelled as HTML (or HTML labelled as JSON) is refused as a proxy page.
    sb.inject(
        Fault::on("/graph/v1.0/me")
            .exact()
            .method("GET")
            .status(200)
            .body(
                "application/json",
                "<html><body>Sign in to the Wi-Fi</body></html>",
            ),
    );
    let err = s
        .snapshot(None, words::Lang::En)
        .await
        .expect_err("html as json");
    assert!(err.to_string().contains("HTML"), "{err}");

    // A collection without "value" is not read as "no devices".
    sb.inject(
        Fault::on("/graph/v1.0/me/registeredDevices")
            .status(200)
            .body("application/json", r#"{"items":[]}"#),
    );
    let snap = s.snapshot(None, words::Lang::En).await.expect("partial");
    let note = snap
        .notes
        .iter()
        .find(|n| n.topic == NoteTopic::Devices)
        .expect("a note, not an empty list");
    assert_eq!(note.reason, "unexpected_response");

    // Real JSON under a plain-text content type is still read (lenient where it is safe).
    sb.inject(
        Fault::on("/graph/v1.0/me")
            .method("GET")
            .status(200)
            .body(
                "text/plain",
                r#"{"id":"a1f3b0c2-6d7e-4f80-9a1b-2c3d4e5f6071","userPrincipalName":"megan.bowen@contoso.example"}"#,
            ),
    );
    let snap = s.snapshot(None, words::Lang::En).await.expect("read");
    assert_eq!(snap.devices.len(), 6);
    assert_eq!(sb.faults().remaining(), 0);
}

#[tokio::test]
async fn a_redirect_to_another_host_is_not_followed_and_no_token_leaves() {
    let sb = start(Tenant::demo());
    let evil = RawServer::start(|_| Answer::Bytes(response("200 OK", &[], "{}"))).await;
    let target = format!("{}/steal", evil.url());
    let t = target.clone();
    let proxy = RawServer::start(move |_| {
        Answer::Bytes(response(
            "301 Moved Permanently",
            &[("Location", t.as_str())],
            "",
        ))
    })
    .await;

    // Graph behind a proxy that redirects: the bearer token must not follow.
    let s = signed_in_with_graph(&sb, &proxy.url()).await;
    let err = s
        .snapshot(None, words::Lang::En)
        .await
        .expect_err("not followed");
    assert!(
        matches!(err, CloudError::UnexpectedResponse { status: 301, .. }),
        "{err:?}"
    );
    assert_eq!(proxy.requests_to("/graph/v1.0/me"), 1, "no retry of a 301");

    // The token endpoint answering 307 (which keeps the POST body): the refresh token must
    // not be posted to the other host.
    let t = target.clone();
    let token_proxy = RawServer::start(move |_| {
        Answer::Bytes(response(
            "307 Temporary Redirect",
            &[("Location", t.as_str())],
            "",
        ))
    })
    .await;
    let s = restored_at(&token_proxy.url(), &proxy.url(), "rt-must-stay-home").await;
    let err = s
        .snapshot(None, words::Lang::En)
        .await
        .expect_err("not followed");
    assert_eq!(err.code(), "unexpected_response", "{err:?}");
    assert_eq!(
        token_proxy.requests_to("/common/oauth2/v2.0/token"),
        1,
        "asked once"
    );
    assert!(
        evil.heads().is_empty(),
        "nothing reached the other host: {:?}",
        evil.heads()
    );
    assert_eq!(evil.seen.connections.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn a_redirect_loop_is_one_request_and_a_clear_error() {
    let sb = start(Tenant::demo());
    let looping = RawServer::start(|head| {
        // Always back to the same path.
        let path = head.split_whitespace().nth(1).unwrap_or("/").to_owned();
        Answer::Bytes(response("302 Found", &[("Location", &path)], ""))
    })
    .await;
    let s = signed_in_with_graph(&sb, &looping.url()).await;
    let started = Instant::now();
    let err = s.snapshot(None, words::Lang::En).await.expect_err("loop");
    assert_eq!(err.code(), "unexpected_response", "{err:?}");
    assert!(started.elapsed() < Duration::from_secs(2));
    assert_eq!(looping.requests_to("/graph/v1.0/me"), 1);
}

#[tokio::test]
async fn a_next_page_link_to_another_host_is_not_followed() {
    let sb = start(Tenant::demo());
    let evil =
        RawServer::start(|_| Answer::Bytes(response("200 OK", &[], r#"{"value":[]}"#))).await;
    let (s, _) = session(config(&sb));
    sign_in(&s, DEMO_ADMIN_UPN).await;
    sb.inject(
        Fault::on("/graph/v1.0/me/registeredDevices").status(200).body(
            "application/json",
            serde_json::json!({
                "value": [{"id": "d1", "displayName": "Laptop"}],
                "@odata.nextLink": format!("{}/graph/v1.0/me/registeredDevices?$skiptoken=x", evil.url()),
            })
            .to_string(),
        ),
    );
    let snap = s
        .snapshot(None, words::Lang::En)
        .await
        .expect("partial snapshot");
    let note = snap
        .notes
        .iter()
        .find(|n| n.topic == NoteTopic::Devices)
        .expect("note");
    assert_eq!(note.reason, "unexpected_response");
    assert!(note.message.contains("next-page link"), "{}", note.message);
    assert!(evil.heads().is_empty());
}

// Multi-threaded: the connection the client gave up on is closed by a task of this
// runtime, which must keep running while the sandbox shuts down at the end.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_endless_response_is_cut_at_the_size_cap_not_read_into_memory() {
    let sb = start(Tenant::demo());
    let endless = RawServer::start(|_| Answer::Endless).await;
    let mut cfg = quick(config(&sb));
    cfg.graph_base = format!("{}/graph/v1.0", endless.url());
    // Long enough that only the cap, not the timeout, can stop it.
    cfg.request_timeout = Duration::from_secs(60);
    let (s, _) = session(cfg);
    sign_in(&s, DEMO_ADMIN_UPN).await;
    let started = Instant::now();
    let err = s
        .snapshot(None, words::Lang::En)
        .await
        .expect_err("too big");
    assert!(
        matches!(err, CloudError::UnexpectedResponse { status: 200, .. }),
        "{err:?}"
    );
    assert!(err.to_string().contains("larger than"), "{err}");
    assert!(started.elapsed() < Duration::from_secs(30));
    // Four concurrent reads, each stopped a little past the cap (socket buffers aside).
    let sent = endless.seen.sent.load(Ordering::SeqCst);
    assert!(
        sent < 4 * 48 * 1024 * 1024,
        "the server pushed {sent} bytes"
    );
    assert_eq!(endless.requests_to("/graph/v1.0/me"), 1, "not retried");
}

// Multi-threaded: the connection the client gave up on is closed by a task of this
// runtime, which must keep running while the sandbox shuts down at the end.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifty_megabytes_of_sign_ins_become_a_note_and_the_rest_of_the_snapshot_stays() {
    let sb = start(Tenant::demo());
    let (s, _) = session(config(&sb));
    sign_in(&s, DEMO_ADMIN_UPN).await;
    let row = r#"{"createdDateTime":"2026-11-27T07:00:00Z","appDisplayName":"Microsoft Outlook","clientAppUsed":"Mobile Apps and Desktop clients","ipAddress":"203.0.113.9","deviceDetail":{"displayName":"Phone","operatingSystem":"iOS 18"},"status":{"errorCode":0}}"#;
    let mut body = String::with_capacity(51 * 1024 * 1024);
    body.push_str(r#"{"value":["#);
    while body.len() < 50 * 1024 * 1024 {
        body.push_str(row);
        body.push(',');
    }
    body.push_str(row);
    body.push_str("]}");
    sb.inject(
        Fault::on("/graph/v1.0/auditLogs/signIns")
            .status(200)
            .body("application/json", body),
    );
    let snap = s.snapshot(None, words::Lang::En).await.expect("snapshot");
    assert_eq!(snap.devices.len(), 6);
    assert!(snap.sign_ins.is_empty());
    let note = snap
        .notes
        .iter()
        .find(|n| n.topic == NoteTopic::SignIns)
        .expect("note");
    assert_eq!(note.reason, "unexpected_response", "{note:?}");
    assert!(note.message.contains("larger than"), "{}", note.message);
}

// ---------------------------------------------------------------------------------------
// Clock skew.

#[tokio::test]
async fn clock_skew_in_the_id_token_and_odd_expires_in_values_neither_panic_nor_block() {
    let sb = start(Tenant::demo());
    // The id token says it expired a day ago and is valid only from tomorrow: the client's
    // clock (or Microsoft's) is off. It is read for display only, so sign-in works.
    let now = unix_now();
    let mut claims = megan_claims();
    claims["iat"] = (now + 86_400).into();
    claims["nbf"] = (now + 86_400).into();
    claims["exp"] = (now - 86_400).into();
    for expires_in in [
        serde_json::json!(3599),
        serde_json::json!(0),
        serde_json::json!(u64::MAX),
        serde_json::json!(9_999_999_999u64),
    ] {
        sb.inject(Fault::on(TOKEN).status(200).body(
            "application/json",
            token_answer(&sb, expires_in.clone(), claims.clone()),
        ));
        let (s, _) = session(config(&sb));
        let account = sign_in(&s, DEMO_ADMIN_UPN).await;
        assert_eq!(account.upn, DEMO_ADMIN_UPN, "expires_in {expires_in}");
        // The expiry comes from expires_in on the local clock; even 0 works (it refreshes).
        let snap = s.snapshot(None, words::Lang::En).await.expect("snapshot");
        assert_eq!(snap.sign_ins.len(), 40, "expires_in {expires_in}");
    }
    // A negative or textual lifetime is not a number of seconds: a clear error.
    sb.inject(Fault::on(TOKEN).status(200).body(
        "application/json",
        token_answer(&sb, serde_json::json!(-5), claims.clone()),
    ));
    let (s, _) = session(config(&sb));
    let (open, _) = browser(|l| l);
    let err = s
        .sign_in_browser(open, Some(DEMO_ADMIN_UPN), words::Lang::En)
        .await
        .expect_err("negative lifetime");
    assert_eq!(err.code(), "unexpected_response", "{err:?}");
}

#[tokio::test]
async fn clock_skew_in_device_code_lifetimes_does_not_panic_or_poll_forever() {
    let sb = start(Tenant::demo());
    sb.inject(
        Fault::on("/common/oauth2/v2.0/devicecode")
            .status(200)
            .body(
                "application/json",
                serde_json::json!({
                    "device_code": "dc-1",
                    "user_code": "SKEW1234",
                    "verification_uri": "https://microsoft.com/devicelogin",
                    "expires_in": u64::MAX,
                    "interval": u64::MAX,
                    "message": "To sign in, use a web browser.",
                })
                .to_string(),
            ),
    );
    let (s, _) = session(config(&sb));
    let flow = s.start_device_code().await.expect("a code, not a panic");
    assert_eq!(flow.prompt.user_code, "SKEW1234");
    // The poll loop must not sleep for the announced 584 billion years, nor the code live
    // that long: both are bounded (a minute between polls, a day at most).
    assert!(flow.prompt.interval_secs <= 60, "{:?}", flow.prompt);
    assert!(flow.prompt.expires_in_secs <= 86_400, "{:?}", flow.prompt);
}

#[tokio::test]
async fn clock_skew_in_retry_after_dates_is_capped_or_immediate() {
    let sb = start(Tenant::demo());
    let mut cfg = config(&sb);
    cfg.retry.max_delay = Duration::from_millis(300);
    let (s, _) = session(cfg);
    sign_in(&s, DEMO_ADMIN_UPN).await;
    // The server's clock a day ahead: "retry at" tomorrow.
    sb.inject(
        Fault::on("/graph/v1.0/me")
            .method("GET")
            .status(429)
            .retry_after(RetryAfter::Date(
                SystemTime::now() + Duration::from_secs(86_400),
            )),
    );
    // And a day behind: "retry at" yesterday.
    sb.inject(
        Fault::on("/graph/v1.0/auditLogs")
            .status(503)
            .retry_after(RetryAfter::Date(
                SystemTime::now() - Duration::from_secs(86_400),
            )),
    );
    let started = Instant::now();
    let snap = s.snapshot(None, words::Lang::En).await.expect("retried");
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    assert!(snap.notes.is_empty(), "{:#?}", snap.notes);
    assert_eq!(sb.faults().remaining(), 0);
}

#[tokio::test]
async fn sign_ins_dated_in_the_future_or_garbled_are_shown_as_given() {
    let sb = start(Tenant::demo());
    let (s, _) = session(config(&sb));
    sign_in(&s, DEMO_ADMIN_UPN).await;
    sb.inject(
        Fault::on("/graph/v1.0/auditLogs/signIns").status(200).body(
            "application/json",
            serde_json::json!({"value": [
                {"createdDateTime": "2999-12-31T23:59:59Z", "appDisplayName": "Microsoft Outlook",
                 "status": {"errorCode": 0}},
                {"createdDateTime": "not a date", "appDisplayName": "Teams",
                 "status": {"errorCode": 50126, "failureReason": "Invalid password"}},
                {"appDisplayName": "no time at all", "status": {"errorCode": 99999999999i64}},
                {"createdDateTime": "1601-01-01T00:00:00Z"},
            ]})
            .to_string(),
        ),
    );
    let snap = s.snapshot(None, words::Lang::En).await.expect("snapshot");
    let times: Vec<&str> = snap.sign_ins.iter().map(|x| x.created.as_str()).collect();
    assert_eq!(
        times,
        [
            "2999-12-31T23:59:59Z",
            "not a date",
            "",
            "1601-01-01T00:00:00Z"
        ]
    );
    assert!(!snap.sign_ins[1].success);
    assert_eq!(snap.sign_ins[1].error_code, 50126);
    serde_json::to_string(&snap).expect("serializes for the UI");
}
