//! Starting and stopping the HTTP server that plays Microsoft.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::Instant;

use axum::extract::Request;
use axum::http::{StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get, post};
use axum::{Json, Router, extract::State};
use serde_json::{Value, json};
use tokio::sync::oneshot;

use crate::faults::{Fault, Faults, retry_after_value};
use crate::graph::{GRAPH_PREFIX, graph_error_body};
use crate::identity::{AuthState, oauth_error};
use crate::tenant::{DeviceFlowPlan, SANDBOX_CLIENT_ID, Tenant};

/// Why the sandbox could not start.
#[derive(Debug, thiserror::Error)]
pub enum SandboxError {
    /// The async runtime could not start.
    #[error("could not create the sandbox's async runtime: {0}")]
    Runtime(std::io::Error),
    /// No port on 127.0.0.1 could be bound.
    #[error("could not listen on 127.0.0.1: {0}")]
    Bind(std::io::Error),
    /// The server thread ended before it was ready.
    #[error("the sandbox thread stopped before it was ready")]
    ThreadDied,
}

/// A running simulated tenant. Dropping it stops the server and waits for its thread.
#[derive(Debug)]
pub struct Sandbox {
    addr: SocketAddr,
    base_url: String,
    shutdown: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
    shared: Arc<Shared>,
}

/// One request as the sandbox saw it (tests count retries and check concurrency).
#[derive(Debug, Clone)]
pub struct RequestRecord {
    /// The HTTP method.
    pub method: String,
    /// The path and query.
    pub path: String,
    /// When it arrived.
    pub at: Instant,
}

/// Tokens handed out by [`Sandbox::issue_tokens`]: a session of the user elsewhere.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssuedTokens {
    /// The access token.
    pub access_token: String,
    /// The refresh token.
    pub refresh_token: String,
}

/// State shared by all handlers of one sandbox.
#[derive(Debug)]
pub(crate) struct Shared {
    pub(crate) tenant: Tenant,
    pub(crate) faults: Faults,
    auth: Mutex<AuthState>,
    log: Mutex<Vec<RequestRecord>>,
}

impl Shared {
    pub(crate) fn auth(&self) -> MutexGuard<'_, AuthState> {
        // A panicked handler must not wedge the whole tenant.
        self.auth.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub(crate) fn record(&self, method: &str, path: &str) {
        self.log
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(RequestRecord {
                method: method.to_owned(),
                path: path.to_owned(),
                at: Instant::now(),
            });
    }
}

impl Sandbox {
    /// Starts the demo tenant on 127.0.0.1 at a port the OS picks.
    pub fn start() -> Result<Self, SandboxError> {
        Self::start_with(Tenant::demo())
    }

    /// Starts a sandbox serving `tenant`.
    pub fn start_with(tenant: Tenant) -> Result<Self, SandboxError> {
        // Bind before spawning so the caller learns about a failure synchronously and the
        // port is known before the first request.
        let listener = std::net::TcpListener::bind("127.0.0.1:0").map_err(SandboxError::Bind)?;
        listener.set_nonblocking(true).map_err(SandboxError::Bind)?;
        let addr = listener.local_addr().map_err(SandboxError::Bind)?;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(SandboxError::Runtime)?;
        let (shutdown_tx, shutdown_rx) = oneshot::channel::<()>();
        let (ready_tx, ready_rx) = std::sync::mpsc::channel::<Result<(), SandboxError>>();
        let shared = Arc::new(Shared {
            tenant,
            faults: Faults::default(),
            auth: Mutex::new(AuthState::default()),
            log: Mutex::new(Vec::new()),
        });
        let server_shared = Arc::clone(&shared);
        let thread = std::thread::Builder::new()
            .name("sandbox-tenant".to_owned())
            .spawn(move || {
                runtime.block_on(async move {
                    let listener = match tokio::net::TcpListener::from_std(listener) {
                        Ok(l) => l,
                        Err(e) => {
                            let _ = ready_tx.send(Err(SandboxError::Bind(e)));
                            return;
                        }
                    };
                    let _ = ready_tx.send(Ok(()));
                    let app = router(server_shared);
                    let _ = axum::serve(listener, app)
                        .with_graceful_shutdown(async {
                            let _ = shutdown_rx.await;
                        })
                        .await;
                });
            })
            .map_err(SandboxError::Runtime)?;
        ready_rx.recv().map_err(|_| SandboxError::ThreadDied)??;
        Ok(Self {
            addr,
            base_url: format!("http://{addr}"),
            shutdown: Some(shutdown_tx),
            thread: Some(thread),
            shared,
        })
    }

    /// `http://127.0.0.1:PORT`, without a trailing slash.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The identity authority to configure clients with (`{authority}/{tenant}/oauth2/v2.0/...`).
    pub fn authority(&self) -> &str {
        &self.base_url
    }

    /// The Graph base URL, like `https://graph.microsoft.com/v1.0`.
    pub fn graph_base(&self) -> String {
        format!("{}{GRAPH_PREFIX}", self.base_url)
    }

    /// The public client id registered in the simulated tenant.
    pub fn client_id(&self) -> &'static str {
        SANDBOX_CLIENT_ID
    }

    /// The simulated organisation it serves.
    pub fn tenant(&self) -> &Tenant {
        &self.shared.tenant
    }

    /// The fault list: `sandbox.faults().push(Fault::on("/graph/v1.0/me").status(503))`.
    pub fn faults(&self) -> &Faults {
        &self.shared.faults
    }

    /// Shorthand for `faults().push(fault)`.
    pub fn inject(&self, fault: Fault) {
        self.shared.faults.push(fault);
    }

    /// Scripts the user's side of device code sign-ins started from now on.
    pub fn set_device_flow(&self, plan: DeviceFlowPlan) {
        self.shared.auth().device_plan = Some(plan);
    }

    /// When each device code poll arrived.
    pub fn device_polls(&self) -> Vec<Instant> {
        self.shared.auth().device_polls.clone()
    }

    /// Every request served so far, including `$batch` sub-requests.
    pub fn requests(&self) -> Vec<RequestRecord> {
        self.shared
            .log
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Signs `upn` in without a browser, as an app on another device would be: a live
    /// access token and refresh token with `scopes` (space separated). `None` for an
    /// unknown user. A revoke kills the refresh token (AADSTS50173 afterwards).
    pub fn issue_tokens(&self, upn: &str, scopes: &str) -> Option<IssuedTokens> {
        let user = self.shared.tenant.user_by_upn(upn)?;
        let (access_token, refresh_token) =
            self.shared
                .auth()
                .mint(&user.id, scopes, self.shared.tenant.token_lengths);
        Some(IssuedTokens {
            access_token,
            refresh_token,
        })
    }

    /// Refresh tokens of `upn` that still work (a revoke brings this to zero).
    pub fn live_refresh_tokens(&self, upn: &str) -> usize {
        match self.shared.tenant.user_by_upn(upn) {
            Some(u) => self.shared.auth().live_refresh_tokens(&u.id),
            None => 0,
        }
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route("/health", get(health))
        .route(
            "/{tenant}/oauth2/v2.0/authorize",
            get(crate::identity::authorize),
        )
        .route("/{tenant}/oauth2/v2.0/token", post(crate::identity::token))
        .route(
            "/{tenant}/oauth2/v2.0/devicecode",
            post(crate::identity::devicecode),
        )
        .route("/devicelogin", get(crate::identity::devicelogin))
        .route("/{tenant}/adminconsent", get(crate::identity::adminconsent))
        .route(
            &format!("{GRAPH_PREFIX}/{{*rest}}"),
            any(crate::graph::handle),
        )
        .layer(middleware::from_fn_with_state(
            Arc::clone(&shared),
            inject_faults,
        ))
        .with_state(shared)
}

/// Logs the request, then applies the first matching fault: a delay, then (if the fault
/// has a status or body) an answer in place of the real handler.
async fn inject_faults(State(shared): State<Arc<Shared>>, req: Request, next: Next) -> Response {
    let method = req.method().as_str().to_owned();
    let path = req.uri().path().to_owned();
    // `$batch` records its sub-requests itself; the envelope is recorded here.
    shared.record(&method, &path);
    let Some(fault) = shared.faults.take(&method, &path) else {
        return next.run(req).await;
    };
    if !fault.delay.is_zero() {
        tokio::time::sleep(fault.delay).await;
    }
    if fault.status.is_none() && fault.body.is_none() {
        return next.run(req).await;
    }
    let status = StatusCode::from_u16(fault.status.unwrap_or(200))
        .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut response = match &fault.body {
        Some(body) => {
            let ct = fault
                .content_type
                .clone()
                .unwrap_or_else(|| "text/plain".to_owned());
            (status, [(header::CONTENT_TYPE, ct)], body.clone()).into_response()
        }
        None if path.contains("/oauth2/") => oauth_error(
            status,
            "temporarily_unavailable",
            90033,
            "A transient error has occurred. Please try again.",
        ),
        None => (
            status,
            Json(graph_error_body(
                graph_code_for(status.as_u16()),
                "Injected fault.",
            )),
        )
            .into_response(),
    };
    if let Some(r) = &fault.retry_after
        && let Ok(v) = header::HeaderValue::try_from(retry_after_value(r))
    {
        response.headers_mut().insert(header::RETRY_AFTER, v);
    }
    for (name, value) in &fault.headers {
        if let (Ok(n), Ok(v)) = (
            header::HeaderName::try_from(name.as_str()),
            header::HeaderValue::try_from(value.as_str()),
        ) {
            response.headers_mut().insert(n, v);
        }
    }
    response
}

/// The Graph error code that goes with an injected status.
pub(crate) fn graph_code_for(status: u16) -> &'static str {
    match status {
        429 => "TooManyRequests",
        503 => "serviceNotAvailable",
        504 => "gatewayTimeout",
        401 => "InvalidAuthenticationToken",
        403 => "Authorization_RequestDenied",
        404 => "Request_ResourceNotFound",
        _ => "generalException",
    }
}

async fn health(State(shared): State<Arc<Shared>>) -> Json<Value> {
    Json(json!({
        "status": "ok",
        "tenant_name": shared.tenant.display_name,
        "tenant_id": shared.tenant.id,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn answers_health_and_stops_when_dropped() {
        let sandbox = Sandbox::start().expect("starts");
        let url = format!("{}/health", sandbox.base_url());
        assert!(sandbox.addr().ip().is_loopback());
        let body: Value = reqwest::get(&url)
            .await
            .expect("reachable")
            .json()
            .await
            .expect("json");
        assert_eq!(body["status"], "ok");
        assert_eq!(body["tenant_name"], "Contoso (simulated)");
        drop(sandbox);
        assert!(
            reqwest::get(&url).await.is_err(),
            "server must stop with the handle"
        );
    }

    #[test]
    fn two_sandboxes_get_different_ports() {
        let a = Sandbox::start().expect("a");
        let b = Sandbox::start().expect("b");
        assert_ne!(a.addr().port(), b.addr().port());
    }
}
