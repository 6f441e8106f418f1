//! One HTTP client for identity and Graph: timeouts, retries with exponential backoff for
//! 5xx and network errors, and 429 honouring `Retry-After` in seconds or as an HTTP date.
//! It also serves as the `oauth2` crate's HTTP client, so token requests get the same care.

use std::future::Future;
use std::pin::Pin;
use std::time::{Duration, SystemTime};

use reqwest::header::{HeaderMap, RETRY_AFTER};

use crate::config::{CloudConfig, RetryPolicy};
use crate::error::CloudError;

/// A complete answer: status, headers and the whole body.
#[derive(Debug, Clone)]
pub(crate) struct RawResponse {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
    pub host: String,
}

impl RawResponse {
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// The body as JSON, or [`CloudError::UnexpectedResponse`] naming what came instead.
    pub fn json<T: serde::de::DeserializeOwned>(&self) -> Result<T, CloudError> {
        let ct = self
            .headers
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_ascii_lowercase();
        if ct.contains("text/html") || self.body.trim_ascii_start().starts_with(b"<") {
            return Err(self.unexpected("an HTML page came back instead of JSON".to_owned()));
        }
        serde_json::from_slice(&self.body)
            .map_err(|e| self.unexpected(format!("the JSON could not be read ({e})")))
    }

    pub fn unexpected(&self, detail: String) -> CloudError {
        CloudError::UnexpectedResponse {
            host: self.host.clone(),
            status: self.status,
            detail,
        }
    }
}

/// The shared HTTP client. Cheap to clone.
#[derive(Debug, Clone)]
pub(crate) struct Http {
    client: reqwest::Client,
    retry: RetryPolicy,
    /// Retry nothing the server may have handled (see [`Http::at_most_once`]).
    at_most_once: bool,
}

impl Http {
    pub fn new(cfg: &CloudConfig) -> Result<Self, CloudError> {
        let client = reqwest::Client::builder()
            .timeout(cfg.request_timeout)
            .connect_timeout(cfg.connect_timeout)
            // Redirects would carry the bearer token to wherever a proxy points; Graph and
            // the token endpoint never redirect.
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("SessionDoctor/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| CloudError::InvalidConfig(format!("HTTP client: {e}")))?;
        Ok(Self {
            client,
            retry: cfg.retry,
            at_most_once: false,
        })
    }

    /// The same client, retrying only `429 Too Many Requests` (the server refused the
    /// request without handling it, and says when to come back): for requests that must be
    /// handled at most once, like redeeming an authorization code. After a 5xx, a cut-off
    /// answer or a network error the server may have redeemed the code already; sending it
    /// again would be a replay (Microsoft treats a reused code as an attack), so the caller
    /// gets the error and the user starts again.
    pub fn at_most_once(&self) -> Self {
        Self {
            client: self.client.clone(),
            retry: self.retry,
            at_most_once: true,
        }
    }

    pub fn client(&self) -> &reqwest::Client {
        &self.client
    }

    /// Sends `request`, retrying 5xx, 429 and network errors. Returns the last answer
    /// (even an error status): the caller knows what the body means.
    pub async fn send(&self, request: reqwest::Request) -> Result<RawResponse, CloudError> {
        let host = request.url().host_str().unwrap_or_default().to_owned();
        let mut attempt = 0u32;
        loop {
            let Some(req) = request.try_clone() else {
                return Err(CloudError::InvalidConfig(
                    "request body cannot be retried".into(),
                ));
            };
            let method = req.method().clone();
            let path = req.url().path().to_owned();
            let retries_left = attempt < self.retry.max_retries;
            // What the server may have handled already is not sent again in at-most-once mode.
            let may_repeat = retries_left && !self.at_most_once;
            match self.client.execute(req).await {
                Ok(mut resp) => {
                    let status = resp.status().as_u16();
                    let headers = resp.headers().clone();
                    let body = match read_capped(&mut resp).await {
                        Ok(Some(b)) => b,
                        Ok(None) => {
                            log::warn!("{method} {host}{path}: answer over the size cap");
                            return Err(CloudError::UnexpectedResponse {
                                host,
                                status,
                                detail: format!(
                                    "the answer is larger than {} MiB and was not read",
                                    MAX_RESPONSE_BYTES / (1024 * 1024)
                                ),
                            });
                        }
                        Err(e) if may_repeat => {
                            log::warn!("{method} {host}{path}: body cut off ({e}), retrying");
                            self.pause(attempt, None).await;
                            attempt += 1;
                            continue;
                        }
                        Err(e) => return Err(net_error(&host, e)),
                    };
                    let retryable = (status == 429 && retries_left)
                        || (matches!(status, 500 | 502 | 503 | 504) && may_repeat);
                    if retryable {
                        let asked = retry_after(&headers, SystemTime::now());
                        log::info!(
                            "{method} {host}{path}: HTTP {status}, retry {} after {asked:?}",
                            attempt + 1
                        );
                        self.pause(attempt, asked).await;
                        attempt += 1;
                        continue;
                    }
                    log::debug!("{method} {host}{path}: HTTP {status}");
                    return Ok(RawResponse {
                        status,
                        headers,
                        body,
                        host,
                    });
                }
                // A refused connection never reached the server: safe to repeat even at most once.
                Err(e) if retries_left && e.is_connect() && !e.is_timeout() => {
                    log::info!(
                        "{method} {host}{path}: could not connect ({e}), retry {}",
                        attempt + 1
                    );
                    self.pause(attempt, None).await;
                    attempt += 1;
                }
                Err(e) if may_repeat && (e.is_timeout() || e.is_request()) => {
                    log::info!(
                        "{method} {host}{path}: network error ({e}), retry {}",
                        attempt + 1
                    );
                    self.pause(attempt, None).await;
                    attempt += 1;
                }
                Err(e) => return Err(net_error(&host, e)),
            }
        }
    }

    /// Waits what the server asked (capped) or an exponential backoff.
    async fn pause(&self, attempt: u32, asked: Option<Duration>) {
        let backoff = self
            .retry
            .base_delay
            .saturating_mul(2u32.saturating_pow(attempt));
        let wait = asked.unwrap_or(backoff).min(self.retry.max_delay);
        tokio::time::sleep(wait).await;
    }
}

/// The largest answer read into memory. Graph's biggest pages (1,000 sign-ins) are a few
/// MB; anything far larger is a proxy or a fault, and reading it whole could exhaust memory.
pub(crate) const MAX_RESPONSE_BYTES: usize = 32 * 1024 * 1024;

/// The whole body, or `None` as soon as it (or its announced length) passes the cap.
async fn read_capped(resp: &mut reqwest::Response) -> Result<Option<Vec<u8>>, reqwest::Error> {
    if resp
        .content_length()
        .is_some_and(|n| n > MAX_RESPONSE_BYTES as u64)
    {
        return Ok(None);
    }
    let mut body = Vec::new();
    while let Some(chunk) = resp.chunk().await? {
        if body.len() + chunk.len() > MAX_RESPONSE_BYTES {
            return Ok(None);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(Some(body))
}

fn net_error(host: &str, e: reqwest::Error) -> CloudError {
    if e.is_timeout() {
        CloudError::Timeout {
            host: host.to_owned(),
        }
    } else {
        // Without the URL: a query can carry an authorization code.
        CloudError::Network {
            host: host.to_owned(),
            detail: e.without_url().to_string(),
        }
    }
}

/// `Retry-After` as a wait: delta-seconds, or an HTTP date measured from `now`.
pub(crate) fn retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

/// Why an `oauth2` request failed at the HTTP level; carries our typed error through.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub(crate) struct OAuthHttpError(pub CloudError);

impl<'c> oauth2::AsyncHttpClient<'c> for Http {
    type Error = OAuthHttpError;
    type Future =
        Pin<Box<dyn Future<Output = Result<oauth2::HttpResponse, Self::Error>> + Send + 'c>>;

    fn call(&'c self, request: oauth2::HttpRequest) -> Self::Future {
        Box::pin(async move {
            let request = reqwest::Request::try_from(request).map_err(|e| {
                OAuthHttpError(CloudError::InvalidConfig(format!("token request: {e}")))
            })?;
            let raw = self.send(request).await.map_err(OAuthHttpError)?;
            let mut builder = oauth2::http::Response::builder().status(raw.status);
            for (name, value) in raw.headers.iter() {
                builder = builder.header(name, value);
            }
            builder.body(raw.body).map_err(|e| {
                OAuthHttpError(CloudError::InvalidConfig(format!("token response: {e}")))
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    #[test]
    fn retry_after_reads_seconds_and_http_dates() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let mut h = HeaderMap::new();
        h.insert(RETRY_AFTER, HeaderValue::from_static("7"));
        assert_eq!(retry_after(&h, now), Some(Duration::from_secs(7)));
        let later = httpdate::fmt_http_date(now + Duration::from_secs(12));
        h.insert(RETRY_AFTER, HeaderValue::from_str(&later).expect("ascii"));
        assert_eq!(retry_after(&h, now), Some(Duration::from_secs(12)));
        let past = httpdate::fmt_http_date(now - Duration::from_secs(12));
        h.insert(RETRY_AFTER, HeaderValue::from_str(&past).expect("ascii"));
        assert_eq!(retry_after(&h, now), Some(Duration::ZERO));
        h.insert(RETRY_AFTER, HeaderValue::from_static("soon"));
        assert_eq!(retry_after(&h, now), None);
    }
}
