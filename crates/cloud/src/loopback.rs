//! The loopback redirect listener: 127.0.0.1 at a port the OS picks, waiting for the one
//! browser request that carries the authorization answer, checking `state`, answering a
//! "you can close this tab" page, and giving up after a timeout.

use std::collections::HashMap;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinSet;

use crate::error::CloudError;
use crate::oauth::AadError;

/// Requests larger than this are not an authorization redirect.
const MAX_REQUEST: usize = 16 * 1024;
/// One connection may not stall the wait (browsers preconnect and stay silent).
const READ_TIMEOUT: Duration = Duration::from_secs(10);

/// What came back in the redirect.
#[derive(Debug)]
pub(crate) enum Redirect {
    Code(String),
    Error(AadError),
}

/// A bound listener, ready before the browser opens.
#[derive(Debug)]
pub(crate) struct Loopback {
    v4: TcpListener,
    /// `localhost` may resolve to ::1 first; listen there too when the port is free.
    v6: Option<TcpListener>,
    port: u16,
}

impl Loopback {
    pub async fn bind() -> Result<Self, CloudError> {
        let v4 = TcpListener::bind("127.0.0.1:0")
            .await
            .map_err(|e| CloudError::Loopback(e.to_string()))?;
        let port = v4
            .local_addr()
            .map_err(|e| CloudError::Loopback(e.to_string()))?
            .port();
        let v6 = TcpListener::bind(("::1", port)).await.ok();
        Ok(Self { v4, v6, port })
    }

    /// `http://localhost:PORT/`: Microsoft ignores the port when matching a registered
    /// `http://localhost`, so any free port works.
    pub fn redirect_uri(&self) -> String {
        format!("http://localhost:{}/", self.port)
    }

    /// Waits for the redirect. Strays (favicon, silent preconnects) get a 404 or are
    /// dropped and the wait goes on; the first request with `code` or `error` ends it
    /// either way. Connections are served side by side, so a browser's idle preconnect
    /// cannot hold up the real redirect.
    pub async fn wait(
        self,
        expected_state: &str,
        timeout: Duration,
    ) -> Result<Redirect, CloudError> {
        let work = async {
            let mut connections = JoinSet::new();
            loop {
                tokio::select! {
                    accepted = self.accept() => match accepted {
                        Ok(stream) => {
                            let state = expected_state.to_owned();
                            connections.spawn(async move { serve_one(stream, &state).await });
                        }
                        // Out of file descriptors and the like: do not spin.
                        Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
                    },
                    Some(done) = connections.join_next(), if !connections.is_empty() => {
                        if let Ok(Some(result)) = done {
                            return result;
                        }
                    }
                }
            }
        };
        tokio::time::timeout(timeout, work)
            .await
            .map_err(|_| CloudError::LoopbackTimeout {
                secs: timeout.as_secs(),
            })?
    }

    async fn accept(&self) -> std::io::Result<TcpStream> {
        let (stream, _) = match &self.v6 {
            Some(v6) => tokio::select! {
                r = self.v4.accept() => r,
                r = v6.accept() => r,
            }?,
            None => self.v4.accept().await?,
        };
        Ok(stream)
    }
}

/// Handles one connection; `None` when it was not the redirect.
async fn serve_one(
    mut stream: TcpStream,
    expected_state: &str,
) -> Option<Result<Redirect, CloudError>> {
    let head = match tokio::time::timeout(READ_TIMEOUT, read_head(&mut stream)).await {
        Ok(Some(h)) => h,
        _ => return None,
    };
    let target = head
        .lines()
        .next()?
        .strip_prefix("GET ")?
        .split(' ')
        .next()?
        .to_owned();
    let (path, query) = target.split_once('?').unwrap_or((&target, ""));
    let params: HashMap<String, String> = url::form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect();
    if path != "/" || !(params.contains_key("code") || params.contains_key("error")) {
        let _ = respond(&mut stream, "404 Not Found", "Not found.").await;
        return None;
    }
    if params.get("state").map(String::as_str) != Some(expected_state) {
        let _ = respond(&mut stream, "400 Bad Request", PAGE_STATE).await;
        return Some(Err(CloudError::StateMismatch));
    }
    if let Some(code) = params.get("code") {
        let _ = respond(&mut stream, "200 OK", PAGE_OK).await;
        return Some(Ok(Redirect::Code(code.clone())));
    }
    let _ = respond(&mut stream, "200 OK", PAGE_FAILED).await;
    let description = params.get("error_description").cloned();
    // Redirect errors carry no `error_codes`; the AADSTS number leads the description.
    let code = description
        .as_deref()
        .and_then(|d| d.strip_prefix("AADSTS"))
        .map(|d| {
            d.chars()
                .take_while(char::is_ascii_digit)
                .collect::<String>()
        })
        .and_then(|d| d.parse().ok());
    Some(Ok(Redirect::Error(AadError {
        error: params.get("error").cloned().unwrap_or_default(),
        error_description: description,
        error_codes: code.into_iter().collect(),
        trace_id: None,
        correlation_id: None,
    })))
}

async fn read_head(stream: &mut TcpStream) -> Option<String> {
    let mut buf = Vec::with_capacity(2048);
    let mut chunk = [0u8; 2048];
    while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 || buf.len() + n > MAX_REQUEST {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    String::from_utf8(buf).ok()
}

async fn respond(stream: &mut TcpStream, status: &str, message: &str) -> std::io::Result<()> {
    let body = format!(
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Session Doctor</title>\
         <style>body{{font-family:system-ui,sans-serif;margin:4em auto;max-width:32em;text-align:center}}</style>\
         </head><body><h1>Session Doctor</h1><p>{message}</p></body></html>"
    );
    let response = format!(
        "HTTP/1.1 {status}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\n\
         Cache-Control: no-store\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(response.as_bytes()).await?;
    stream.shutdown().await
}

const PAGE_OK: &str = "You're signed in. You can close this tab and go back to Session Doctor.";
const PAGE_FAILED: &str =
    "Sign-in did not finish. You can close this tab; Session Doctor says what to do next.";
const PAGE_STATE: &str = "This sign-in answer does not belong to the sign-in Session Doctor started, so it was ignored. Close this tab and start again from the app.";

#[cfg(test)]
mod tests {
    use super::*;

    async fn get(port: u16, path: &str) -> std::io::Result<String> {
        let mut s = TcpStream::connect(("127.0.0.1", port)).await?;
        s.write_all(format!("GET {path} HTTP/1.1\r\nHost: localhost\r\n\r\n").as_bytes())
            .await?;
        let mut out = String::new();
        s.read_to_string(&mut out).await?;
        Ok(out)
    }

    #[tokio::test]
    async fn it_listens_on_loopback_addresses_only() {
        let lb = Loopback::bind().await.expect("bind");
        let v4 = lb.v4.local_addr().expect("addr");
        assert!(v4.ip().is_loopback(), "{v4}");
        if let Some(v6) = &lb.v6 {
            assert!(v6.local_addr().expect("addr").ip().is_loopback());
        }
        assert!(lb.redirect_uri().starts_with("http://localhost:"));
    }

    #[tokio::test]
    async fn one_redirect_ends_the_wait_and_the_port_closes() {
        let lb = Loopback::bind().await.expect("bind");
        let port = lb.port;
        let waiting = tokio::spawn(lb.wait("st4te", Duration::from_secs(10)));
        // A stray request (favicon) is answered 404 and does not end the wait.
        let stray = get(port, "/favicon.ico").await.expect("stray answered");
        assert!(stray.starts_with("HTTP/1.1 404"), "{stray}");
        let page = get(port, "/?code=abc&state=st4te").await.expect("redirect");
        assert!(page.contains("You're signed in"), "{page}");
        match waiting.await.expect("joined") {
            Ok(Redirect::Code(code)) => assert_eq!(code, "abc"),
            other => panic!("expected the code, got {other:?}"),
        }
        // The listener is gone with the wait: nothing answers on the port any more.
        assert!(TcpStream::connect(("127.0.0.1", port)).await.is_err());
    }

    #[tokio::test]
    async fn it_gives_up_after_the_timeout() {
        let lb = Loopback::bind().await.expect("bind");
        let started = std::time::Instant::now();
        let err = lb
            .wait("s", Duration::from_millis(200))
            .await
            .expect_err("nobody came back");
        assert!(matches!(err, CloudError::LoopbackTimeout { .. }), "{err:?}");
        assert!(started.elapsed() < Duration::from_secs(5));
    }
}
