//! The first thing the app does when the user presses Start: find out where it runs and
//! whether the Microsoft side it will talk to answers. Later steps (scan, sign-in) build on it.

use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::error::{AppError, ErrorCode};

/// Where the app gets its data from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Mode {
    /// This computer and the real Microsoft cloud.
    Live,
    /// The simulated PC and tenant of `crates/sandbox`, served on 127.0.0.1.
    Demo {
        /// The simulated tenant's address.
        tenant_url: String,
    },
}

/// What the simulated tenant said about itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct TenantHealth {
    /// `ok` when it is healthy.
    pub status: String,
    /// The simulated organisation's name.
    pub tenant_name: String,
    /// Round trip of the health request, in milliseconds.
    pub latency_ms: u32,
}

/// The `/health` body as the sandbox sends it; kept apart from [`TenantHealth`] so the
/// UI's generated types describe only what the app sends, not what it parses.
#[derive(Deserialize)]
struct HealthBody {
    status: String,
    tenant_name: String,
}

/// The answer to "Start".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct StartReport {
    /// Session Doctor's version.
    pub app_version: String,
    /// The operating system.
    pub os: String,
    /// The computer's name.
    pub hostname: String,
    /// Live or demo.
    pub mode: Mode,
    /// The simulated tenant's health, in the demo.
    pub tenant: Option<TenantHealth>,
    /// One sentence for the welcome screen.
    pub summary: String,
}

/// How long the health request may take before the user is told the tenant is down.
const HEALTH_TIMEOUT: Duration = Duration::from_secs(5);

/// Runs the start check for `mode`; its sentence is in `lang`.
pub async fn start_check(mode: &Mode, lang: words::Lang) -> Result<StartReport, AppError> {
    let w = words::Words::of(lang);
    let os = sysinfo::System::long_os_version().unwrap_or_else(|| std::env::consts::OS.to_owned());
    let hostname = sysinfo::System::host_name().unwrap_or_else(|| w.t("start.this_computer", &[]));
    let tenant = match mode {
        Mode::Live => None,
        Mode::Demo { tenant_url } => Some(tenant_health(tenant_url, lang).await?),
    };
    let summary = match &tenant {
        None => w.t("start.ready", &[("host", &hostname), ("os", &os)]),
        Some(t) => w.t(
            "start.demo",
            &[("tenant", &t.tenant_name), ("ms", &t.latency_ms)],
        ),
    };
    Ok(StartReport {
        app_version: env!("CARGO_PKG_VERSION").to_owned(),
        os,
        hostname,
        mode: mode.clone(),
        tenant,
        summary,
    })
}

/// Asks the simulated tenant's `/health` endpoint over real HTTP; errors are in `lang`.
pub async fn tenant_health(base_url: &str, lang: words::Lang) -> Result<TenantHealth, AppError> {
    let w = words::Words::of(lang);
    let unavailable = |detail: String| {
        AppError::new(
            ErrorCode::SandboxUnavailable,
            w.t("app.error.tenant_silent", &[("detail", &detail)]),
            w.t("app.error.tenant_silent.hint", &[]),
        )
    };
    let client = reqwest::Client::builder()
        .timeout(HEALTH_TIMEOUT)
        .build()
        .map_err(|e| {
            AppError::new(
                ErrorCode::Internal,
                e.to_string(),
                w.t("app.error.bug.hint", &[]),
            )
        })?;
    let started = Instant::now();
    let response = client
        .get(format!("{}/health", base_url.trim_end_matches('/')))
        .send()
        .await
        .map_err(|e| unavailable(e.to_string()))?;
    if !response.status().is_success() {
        return Err(unavailable(format!("HTTP {}", response.status())));
    }
    let body = response
        .text()
        .await
        .map_err(|e| unavailable(e.to_string()))?;
    let health: HealthBody = serde_json::from_str(&body).map_err(|_| {
        AppError::new(
            ErrorCode::UnexpectedResponse,
            w.t("app.error.tenant_not_health", &[]),
            w.t("app.error.tenant_not_health.hint", &[]),
        )
    })?;
    Ok(TenantHealth {
        status: health.status,
        tenant_name: health.tenant_name,
        latency_ms: u32::try_from(started.elapsed().as_millis()).unwrap_or(u32::MAX),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn live_mode_describes_this_computer() {
        let report = start_check(&Mode::Live, words::Lang::En)
            .await
            .expect("live check works offline");
        assert_eq!(report.app_version, env!("CARGO_PKG_VERSION"));
        assert!(report.tenant.is_none());
        assert!(report.summary.contains(&report.hostname));
    }

    #[tokio::test]
    async fn demo_mode_reaches_the_sandbox_over_http() {
        let sandbox = sandbox::Sandbox::start().expect("sandbox starts");
        let mode = Mode::Demo {
            tenant_url: sandbox.base_url().to_owned(),
        };
        let report = start_check(&mode, words::Lang::En)
            .await
            .expect("sandbox answers");
        let tenant = report.tenant.expect("demo has a tenant");
        assert_eq!(tenant.status, "ok");
        assert!(report.summary.contains(&tenant.tenant_name));
    }

    #[tokio::test]
    async fn a_stopped_sandbox_is_a_clear_error() {
        let url = {
            let sandbox = sandbox::Sandbox::start().expect("sandbox starts");
            sandbox.base_url().to_owned()
        }; // dropped: stopped
        let err = tenant_health(&url, words::Lang::En)
            .await
            .expect_err("nothing listens any more");
        assert_eq!(err.code, ErrorCode::SandboxUnavailable);
        // In the user's language, hint included.
        let es = tenant_health(&url, words::Lang::Es)
            .await
            .expect_err("still nothing");
        assert!(
            es.message
                .starts_with("El inquilino de Microsoft simulado no respondió"),
            "{}",
            es.message
        );
        assert_eq!(
            es.hint,
            "Cierre Session Doctor y vuelva a iniciar la demostración."
        );
    }

    #[tokio::test]
    async fn html_instead_of_json_is_unexpected_response() {
        // A real HTTP server that answers like a captive proxy would.
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        tokio::spawn(async move {
            use tokio::io::{AsyncReadExt, AsyncWriteExt};
            if let Ok((mut socket, _)) = listener.accept().await {
                let mut buf = [0u8; 1024];
                let _ = socket.read(&mut buf).await;
                let body = "<html><body>Proxy login</body></html>";
                let reply = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: text/html\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = socket.write_all(reply.as_bytes()).await;
            }
        });
        let err = tenant_health(&format!("http://{addr}"), words::Lang::En)
            .await
            .expect_err("HTML is not a health report");
        assert_eq!(err.code, ErrorCode::UnexpectedResponse);
    }
}
