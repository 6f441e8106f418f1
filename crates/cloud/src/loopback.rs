//! The loopback redirect listener: 127.0.0.1 at a port the OS picks, waiting for the one
//! browser request that carries the authorization answer with the right `state`, answering
//! a "you can close this tab" page, and giving up after a timeout. Requests with a wrong or
//! missing `state` get a 400 and are ignored: the wait goes on for the real redirect.

use std::collections::HashMap;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinSet;

use words::{Lang, Words};

use crate::error::CloudError;
use crate::oauth::AadError;

/// Requests larger than this are not an authorization redirect.
const MAX_REQUEST: usize = 16 * 1024;
/// One connection may not stall the wait (browsers preconnect and stay silent).
const READ_TIMEOUT: Duration = Duration::from_secs(10);

/// The redirect URI an organisation registers ("Mobile and desktop applications"): the
/// app sends it with the port it listens on, which Microsoft ignores for loopback URIs.
pub const REDIRECT_URI_TO_REGISTER: &str = "http://127.0.0.1";

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
    /// The same port on ::1 when free. The redirect URI names 127.0.0.1, so a browser
    /// never needs it; it is there for a user who retypes the address with `localhost`.
    v6: Option<TcpListener>,
    port: u16,
    /// The language of the pages the browser shows (English unless told).
    lang: Lang,
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
        let v6 = bind_v6(port).await;
        Ok(Self {
            v4,
            v6,
            port,
            lang: Lang::En,
        })
    }

    /// `http://127.0.0.1:PORT/`, the IP literal (Microsoft: "prefer 127.0.0.1 over
    /// localhost"; RFC 8252 section 7.3), so neither a hosts file nor a resolver that prefers ::1
    /// can send the browser elsewhere. Microsoft ignores the port when matching a registered
    /// loopback URI (`http://127.0.0.1`), so any free port works.
    pub fn redirect_uri(&self) -> String {
        format!("{REDIRECT_URI_TO_REGISTER}:{}/", self.port)
    }

    /// Waits for the redirect. Strays (favicon, silent preconnects) get a 404 or are
    /// dropped, answers with a wrong or missing `state` get a 400, and the wait goes on;
    /// the first request with the right `state` and `code` or `error` ends it. Connections
    /// are served side by side, so a browser's idle preconnect cannot hold up the real
    /// redirect. Once it returns the listener is closed: a browser retrying the redirect
    /// (or anyone replaying the code) finds nothing on the port.
    ///
    /// When the time runs out after only answers with the wrong `state`, the error is
    /// [`CloudError::StateMismatch`] (an old sign-in tab, or a forged answer) rather than a
    /// plain timeout.
    /// The pages shown in the browser are worded in `lang`.
    pub fn speaking(mut self, lang: Lang) -> Self {
        self.lang = lang;
        self
    }

    pub async fn wait(
        self,
        expected_state: &str,
        timeout: Duration,
    ) -> Result<Redirect, CloudError> {
        let mismatched = std::sync::atomic::AtomicBool::new(false);
        let work = async {
            let mut connections = JoinSet::new();
            loop {
                tokio::select! {
                    accepted = self.accept() => match accepted {
                        Ok(stream) => {
                            let state = expected_state.to_owned();
                            let lang = self.lang;
                            connections.spawn(async move { serve_one(stream, &state, lang).await });
                        }
                        // Out of file descriptors and the like: do not spin.
                        Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
                    },
                    Some(done) = connections.join_next(), if !connections.is_empty() => {
                        match done {
                            Ok(Served::Answer(result)) => return result,
                            Ok(Served::WrongState) => {
                                log::warn!(
                                    "loopback: an answer with a wrong or missing state was refused; still waiting"
                                );
                                mismatched.store(true, std::sync::atomic::Ordering::Relaxed);
                            }
                            Ok(Served::Stray) | Err(_) => {}
                        }
                    }
                }
            }
        };
        match tokio::time::timeout(timeout, work).await {
            Ok(result) => result,
            Err(_) if mismatched.load(std::sync::atomic::Ordering::Relaxed) => {
                Err(CloudError::StateMismatch)
            }
            Err(_) => Err(CloudError::LoopbackTimeout {
                secs: timeout.as_secs(),
            }),
        }
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

/// The listener on ::1 at `port`, or `None` with a warning saying why (IPv6 disabled,
/// the port taken there by another program).
async fn bind_v6(port: u16) -> Option<TcpListener> {
    match TcpListener::bind(("::1", port)).await {
        Ok(listener) => Some(listener),
        Err(e) => {
            log::warn!(
                "loopback: no listener on [::1]:{port} ({e}); the sign-in answer comes to 127.0.0.1:{port} only"
            );
            None
        }
    }
}

/// What one connection turned out to be.
enum Served {
    /// Not an authorization answer (favicon, a silent preconnect, garbage).
    Stray,
    /// An answer whose `state` is not the one this sign-in sent: refused with a 400.
    WrongState,
    /// The redirect of this sign-in.
    Answer(Result<Redirect, CloudError>),
}

/// Handles one connection.
async fn serve_one(mut stream: TcpStream, expected_state: &str, lang: Lang) -> Served {
    let w = Words::of(lang);
    let page_lang = lang.code();
    let head = match tokio::time::timeout(READ_TIMEOUT, read_head(&mut stream)).await {
        Ok(Some(h)) => h,
        _ => return Served::Stray,
    };
    let Some(target) = head
        .lines()
        .next()
        .and_then(|l| l.strip_prefix("GET "))
        .and_then(|l| l.split(' ').next())
        .map(str::to_owned)
    else {
        return Served::Stray;
    };
    let (path, query) = target.split_once('?').unwrap_or((&target, ""));
    let params: HashMap<String, String> = url::form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect();
    if path != "/" || !(params.contains_key("code") || params.contains_key("error")) {
        let page = w.t("cloud.loopback.not_found", &[]);
        let _ = respond(&mut stream, "404 Not Found", &page, page_lang).await;
        return Served::Stray;
    }
    if params.get("state").map(String::as_str) != Some(expected_state) {
        let page = w.t("cloud.loopback.wrong_state", &[]);
        let _ = respond(&mut stream, "400 Bad Request", &page, page_lang).await;
        return Served::WrongState;
    }
    if let Some(code) = params.get("code") {
        let page = w.t("cloud.loopback.signed_in", &[]);
        let _ = respond(&mut stream, "200 OK", &page, page_lang).await;
        return Served::Answer(Ok(Redirect::Code(code.clone())));
    }
    let page = w.t("cloud.loopback.failed", &[]);
    let _ = respond(&mut stream, "200 OK", &page, page_lang).await;
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
    Served::Answer(Ok(Redirect::Error(AadError {
        error: params.get("error").cloned().unwrap_or_default(),
        error_description: description,
        error_codes: code.into_iter().collect(),
        trace_id: None,
        correlation_id: None,
        // A claims challenge comes in a token answer or a Graph 401, not in a redirect.
        claims: None,
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

/// A small page with `message` (catalog text: no markup), in language `lang` (its code).
async fn respond(
    stream: &mut TcpStream,
    status: &str,
    message: &str,
    lang: &str,
) -> std::io::Result<()> {
    let body = format!(
        "<!DOCTYPE html><html lang=\"{lang}\"><head><meta charset=\"utf-8\"><title>Session Doctor</title>\
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
    async fn the_pages_speak_the_users_language() {
        let lb = Loopback::bind().await.expect("bind").speaking(Lang::Es);
        let port = lb.port;
        let waiting = tokio::spawn(lb.wait("st4te", Duration::from_secs(10)));
        let wrong = get(port, "/?code=abc&state=other").await.expect("refused");
        assert!(wrong.contains("<html lang=\"es\">"), "{wrong}");
        assert!(
            wrong.contains("no corresponde al inicio de sesión"),
            "{wrong}"
        );
        let page = get(port, "/?code=abc&state=st4te").await.expect("redirect");
        assert!(
            page.contains(
                "<p>Ha iniciado sesión. Puede cerrar esta pestaña y volver a Session Doctor.</p>"
            ),
            "{page}"
        );
        assert!(words::english_left(&page, Lang::Es).is_empty(), "{page}");
        assert!(matches!(
            waiting.await.expect("joined"),
            Ok(Redirect::Code(_))
        ));
    }

    #[tokio::test]
    async fn it_listens_on_loopback_addresses_only() {
        let lb = Loopback::bind().await.expect("bind");
        let v4 = lb.v4.local_addr().expect("addr");
        assert!(v4.ip().is_loopback(), "{v4}");
        if let Some(v6) = &lb.v6 {
            assert!(v6.local_addr().expect("addr").ip().is_loopback());
        }
        assert!(lb.redirect_uri().starts_with("http://127.0.0.1:"));
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
    async fn a_wrong_or_missing_state_gets_a_400_and_the_wait_goes_on() {
        let lb = Loopback::bind().await.expect("bind");
        let port = lb.port;
        let waiting = tokio::spawn(lb.wait("st4te", Duration::from_secs(10)));
        for stray in [
            "/?code=forged&state=other",
            "/?code=forged",
            "/?error=access_denied&state=",
        ] {
            let page = get(port, stray).await.expect("answered");
            assert!(page.starts_with("HTTP/1.1 400"), "{stray}: {page}");
            assert!(!waiting.is_finished(), "{stray} ended the wait");
        }
        let page = get(port, "/?code=real&state=st4te")
            .await
            .expect("redirect");
        assert!(page.starts_with("HTTP/1.1 200"), "{page}");
        match waiting.await.expect("joined") {
            Ok(Redirect::Code(code)) => assert_eq!(code, "real"),
            other => panic!("expected the real code, got {other:?}"),
        }
    }

    #[tokio::test]
    async fn only_wrong_states_until_the_timeout_is_a_state_mismatch() {
        let lb = Loopback::bind().await.expect("bind");
        let port = lb.port;
        let waiting = tokio::spawn(lb.wait("st4te", Duration::from_millis(500)));
        let page = get(port, "/?code=old&state=old-tab")
            .await
            .expect("answered");
        assert!(page.starts_with("HTTP/1.1 400"), "{page}");
        let err = waiting.await.expect("joined").expect_err("no real answer");
        assert_eq!(err, CloudError::StateMismatch);
    }

    static LINES: std::sync::Mutex<Vec<String>> = std::sync::Mutex::new(Vec::new());
    struct Capture;
    impl log::Log for Capture {
        fn enabled(&self, _: &log::Metadata) -> bool {
            true
        }
        fn log(&self, record: &log::Record) {
            LINES
                .lock()
                .expect("lock")
                .push(format!("{} {}", record.level(), record.args()));
        }
        fn flush(&self) {}
    }
    static LOGGER: Capture = Capture;

    #[tokio::test]
    async fn a_failed_ipv6_listener_is_logged_as_a_warning() {
        let _ = log::set_logger(&LOGGER);
        log::set_max_level(log::LevelFilter::Trace);
        // Take a port on ::1 first; where IPv6 is off the bind fails anyway.
        let taken = std::net::TcpListener::bind(("::1", 0)).ok();
        let port = taken
            .as_ref()
            .and_then(|l| l.local_addr().ok())
            .map_or(1, |a| a.port());
        assert!(bind_v6(port).await.is_none(), "the port is taken on ::1");
        let lines = LINES.lock().expect("lock").join("\n");
        assert!(
            lines.contains(&format!("WARN loopback: no listener on [::1]:{port}")),
            "{lines}"
        );
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
