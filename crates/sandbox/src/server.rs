//! Starting and stopping the HTTP server that plays Microsoft.

use std::net::SocketAddr;
use std::sync::Arc;
use std::thread::JoinHandle;

use axum::{Json, Router, extract::State, routing::get};
use serde_json::{Value, json};
use tokio::sync::oneshot;

use crate::tenant::Tenant;

/// Why the sandbox could not start.
#[derive(Debug, thiserror::Error)]
pub enum SandboxError {
    #[error("could not create the sandbox's async runtime: {0}")]
    Runtime(std::io::Error),
    #[error("could not listen on 127.0.0.1: {0}")]
    Bind(std::io::Error),
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
}

struct Shared {
    tenant: Tenant,
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
        let shared = Arc::new(Shared { tenant });
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
                    let app = router(shared);
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
        })
    }

    /// `http://127.0.0.1:PORT`, without a trailing slash.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
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
    Router::new().route("/health", get(health)).with_state(shared)
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
        let body: Value = reqwest::get(&url).await.expect("reachable").json().await.expect("json");
        assert_eq!(body["status"], "ok");
        assert_eq!(body["tenant_name"], "Contoso (simulated)");
        drop(sandbox);
        assert!(reqwest::get(&url).await.is_err(), "server must stop with the handle");
    }

    #[test]
    fn two_sandboxes_get_different_ports() {
        let a = Sandbox::start().expect("a");
        let b = Sandbox::start().expect("b");
        assert_ne!(a.addr().port(), b.addr().port());
    }
}
