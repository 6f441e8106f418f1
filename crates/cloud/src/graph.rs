//! A small Microsoft Graph client: GET with `@odata.nextLink` paging followed whole, POST,
//! and `$batch`, with Graph's error shape turned into typed errors.

use std::time::SystemTime;

use reqwest::Method;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::error::CloudError;
use crate::http::{Http, RawResponse, retry_after};
use crate::secret::Secret;

/// Graph's documented limit of requests per `$batch`.
pub const BATCH_LIMIT: usize = 20;

/// Graph calls made with one access token.
#[derive(Debug)]
pub(crate) struct Graph<'a> {
    pub http: &'a Http,
    pub base: &'a str,
    pub token: &'a Secret,
}

/// One answer inside a `$batch` response.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct SubResponse {
    pub id: String,
    pub status: u16,
    #[serde(default)]
    pub headers: serde_json::Map<String, Value>,
    #[serde(default)]
    pub body: Option<Value>,
}

impl SubResponse {
    /// The Graph error code and message of a failed sub-request.
    pub fn error(&self) -> (String, String) {
        let e = self.body.as_ref().and_then(|b| b.get("error"));
        let code = e
            .and_then(|e| e.get("code"))
            .and_then(Value::as_str)
            .unwrap_or("unknown");
        let message = e
            .and_then(|e| e.get("message"))
            .and_then(Value::as_str)
            .unwrap_or("");
        (code.to_owned(), message.to_owned())
    }

    /// `Retry-After` seconds of a throttled sub-request.
    pub fn retry_after_secs(&self) -> Option<u64> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case("retry-after"))
            .and_then(|(_, v)| {
                v.as_str()
                    .and_then(|s| s.trim().parse().ok())
                    .or_else(|| v.as_u64())
            })
    }
}

impl Graph<'_> {
    fn url(&self, path: &str) -> String {
        if path.starts_with("https://") || path.starts_with("http://") {
            path.to_owned()
        } else {
            format!("{}{path}", self.base)
        }
    }

    async fn send(
        &self,
        method: Method,
        url: &str,
        body: Option<&Value>,
    ) -> Result<RawResponse, CloudError> {
        self.send_with(method, url, body, &[]).await
    }

    /// [`send`](Self::send) with extra request headers (`ConsistencyLevel: eventual`).
    async fn send_with(
        &self,
        method: Method,
        url: &str,
        body: Option<&Value>,
        headers: &[(&str, &str)],
    ) -> Result<RawResponse, CloudError> {
        let mut builder = self
            .http
            .client()
            .request(method, url)
            .bearer_auth(self.token.expose())
            .header(reqwest::header::ACCEPT, "application/json");
        for (name, value) in headers {
            builder = builder.header(*name, *value);
        }
        if let Some(b) = body {
            builder = builder.json(b);
        } else {
            builder = builder.header(reqwest::header::CONTENT_LENGTH, "0");
        }
        let request = builder
            .build()
            .map_err(|e| CloudError::InvalidConfig(format!("Graph URL {url}: {e}")))?;
        self.http.send(request).await
    }

    pub async fn get(&self, path: &str) -> Result<Value, CloudError> {
        self.get_with(path, &[]).await
    }

    /// [`get`](Self::get) with extra request headers.
    pub async fn get_with(
        &self,
        path: &str,
        headers: &[(&str, &str)],
    ) -> Result<Value, CloudError> {
        let raw = self
            .send_with(Method::GET, &self.url(path), None, headers)
            .await?;
        if !raw.is_success() {
            return Err(graph_error(&raw));
        }
        raw.json()
    }

    /// Every item of a collection, following `@odata.nextLink` exactly as given until it
    /// is absent, up to `cap` items. Returns the items and whether the cap cut them off.
    pub async fn get_all(&self, path: &str, cap: usize) -> Result<(Vec<Value>, bool), CloudError> {
        self.get_all_with(path, cap, &[]).await
    }

    /// [`get_all`](Self::get_all) sending `headers` with every page (advanced queries
    /// need `ConsistencyLevel: eventual` on the next pages too).
    pub async fn get_all_with(
        &self,
        path: &str,
        cap: usize,
        headers: &[(&str, &str)],
    ) -> Result<(Vec<Value>, bool), CloudError> {
        let mut items = Vec::new();
        let mut next = Some(self.url(path));
        while let Some(url) = next.take() {
            let page = self.get_with(&url, headers).await?;
            let Some(value) = page.get("value").and_then(Value::as_array) else {
                return Err(CloudError::UnexpectedResponse {
                    host: host_of(&url),
                    status: 200,
                    detail: "a collection without \"value\"".into(),
                });
            };
            items.extend(value.iter().cloned());
            if items.len() >= cap {
                items.truncate(cap);
                return Ok((items, page.get("@odata.nextLink").is_some()));
            }
            if let Some(link) = page.get("@odata.nextLink").and_then(Value::as_str) {
                // The link is opaque and followed whole, but only on Graph's own origin:
                // the bearer token must not travel anywhere else.
                if !same_origin(link, self.base) {
                    return Err(CloudError::UnexpectedResponse {
                        host: host_of(link),
                        status: 200,
                        detail: "a next-page link pointing away from Microsoft Graph".into(),
                    });
                }
                next = Some(link.to_owned());
            }
        }
        Ok((items, false))
    }

    /// A POST whose success is any 2xx; returns the body if there is one.
    pub async fn post(&self, path: &str) -> Result<Option<Value>, CloudError> {
        let raw = self.send(Method::POST, &self.url(path), None).await?;
        if !raw.is_success() {
            return Err(graph_error(&raw));
        }
        if raw.body.iter().all(u8::is_ascii_whitespace) {
            return Ok(None);
        }
        raw.json().map(Some)
    }

    /// One `$batch` of at most [`BATCH_LIMIT`] requests (`{id, method, url}`); each answer
    /// is returned for the caller to judge on its own.
    pub async fn batch(&self, requests: &[Value]) -> Result<Vec<SubResponse>, CloudError> {
        if requests.len() > BATCH_LIMIT {
            return Err(CloudError::InvalidConfig(format!(
                "a $batch holds at most {BATCH_LIMIT} requests"
            )));
        }
        let body = json!({ "requests": requests });
        let raw = self
            .send(Method::POST, &self.url("/$batch"), Some(&body))
            .await?;
        if !raw.is_success() {
            return Err(graph_error(&raw));
        }
        #[derive(Deserialize)]
        struct Envelope {
            responses: Vec<SubResponse>,
        }
        let envelope: Envelope = raw.json()?;
        Ok(envelope.responses)
    }
}

fn host_of(url: &str) -> String {
    url::Url::parse(url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_owned))
        .unwrap_or_default()
}

fn same_origin(a: &str, b: &str) -> bool {
    match (url::Url::parse(a), url::Url::parse(b)) {
        (Ok(a), Ok(b)) => a.origin() == b.origin(),
        _ => false,
    }
}

/// A failed Graph answer as a typed error.
pub(crate) fn graph_error(raw: &RawResponse) -> CloudError {
    if raw.status == 429 {
        let secs = retry_after(&raw.headers, SystemTime::now())
            .map(|d| d.as_secs())
            .unwrap_or(0);
        return CloudError::Throttled {
            retry_after_secs: secs,
        };
    }
    if raw.status >= 500 {
        return CloudError::ServiceUnavailable { status: raw.status };
    }
    // Continuous Access Evaluation and Conditional Access step-up: a 401 whose
    // WWW-Authenticate says `insufficient_claims` carries the claims (base64) that a new
    // sign-in must satisfy; a plain refresh would get the same refused token.
    if raw.status == 401
        && let Some(header) = raw
            .headers
            .get(reqwest::header::WWW_AUTHENTICATE)
            .and_then(|v| v.to_str().ok())
        && auth_param(header, "error").as_deref() == Some("insufficient_claims")
    {
        return CloudError::MfaRequired {
            detail: "insufficient_claims".into(),
            claims: auth_param(header, "claims").and_then(|c| decode_claims(&c)),
        };
    }
    match raw.json::<Value>() {
        Ok(v) => {
            let e = v.get("error");
            let code = e.and_then(|e| e.get("code")).and_then(Value::as_str);
            let message = e
                .and_then(|e| e.get("message"))
                .and_then(Value::as_str)
                .unwrap_or_default();
            match code {
                Some(code) => CloudError::Graph {
                    status: raw.status,
                    code: code.to_owned(),
                    message: message.to_owned(),
                },
                None => raw.unexpected("an error without Graph's error object".into()),
            }
        }
        Err(e) => e,
    }
}

/// The value of `name="..."` (or `name=token`) in a `WWW-Authenticate` challenge.
fn auth_param(header: &str, name: &str) -> Option<String> {
    let mut rest = header;
    while let Some(at) = rest.find(name) {
        let before = rest[..at].chars().next_back();
        let after = &rest[at + name.len()..];
        rest = after;
        // Only the parameter itself, not a longer name ending the same way.
        if before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_') {
            continue;
        }
        let Some(value) = after.trim_start().strip_prefix('=') else {
            continue;
        };
        let value = value.trim_start();
        return Some(match value.strip_prefix('"') {
            Some(quoted) => quoted.split('"').next().unwrap_or_default().to_owned(),
            None => value
                .split(|c: char| c == ',' || c.is_whitespace())
                .next()
                .unwrap_or_default()
                .to_owned(),
        });
    }
    None
}

/// A challenge's `claims` are base64 (standard, sometimes URL-safe) JSON.
fn decode_claims(value: &str) -> Option<String> {
    use base64::Engine;
    use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
    if value.len() > crate::oauth::MAX_CLAIMS_BYTES * 2 {
        return None;
    }
    let bytes = STANDARD
        .decode(value)
        .or_else(|_| URL_SAFE_NO_PAD.decode(value.trim_end_matches('=')))
        .ok()?;
    crate::oauth::usable_claims(std::str::from_utf8(&bytes).ok())
}

/// Percent-encodes a path segment or query value (RFC 3986 unreserved characters kept),
/// so spaces become `%20`, quotes `%27` and `#` cannot cut a URL short.
pub(crate) fn encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'@') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_claims_challenge_from_www_authenticate() {
        let claims = r#"{"access_token":{"nbf":{"essential":true,"value":"1604106651"}}}"#;
        use base64::Engine;
        let b64 = base64::engine::general_purpose::STANDARD.encode(claims);
        let header = format!(
            r#"Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000", error="insufficient_claims", claims="{b64}""#
        );
        assert_eq!(
            auth_param(&header, "error").as_deref(),
            Some("insufficient_claims")
        );
        assert_eq!(
            auth_param(&header, "claims")
                .and_then(|c| decode_claims(&c))
                .as_deref(),
            Some(claims)
        );
        assert_eq!(
            auth_param("Bearer error=invalid_token", "error").as_deref(),
            Some("invalid_token")
        );
        assert_eq!(auth_param("Bearer xerror=\"a\"", "error"), None);
        assert_eq!(decode_claims("!!not base64!!"), None);
        assert_eq!(decode_claims(""), None);
    }

    #[test]
    fn encodes_filters_and_upns() {
        assert_eq!(encode("userId eq 'a'"), "userId%20eq%20%27a%27");
        assert_eq!(encode("o'neil#x@contoso.com"), "o%27neil%23x@contoso.com");
        assert!(same_origin(
            "http://127.0.0.1:5/graph/v1.0/x?y",
            "http://127.0.0.1:5/graph/v1.0"
        ));
        assert!(!same_origin(
            "https://evil.example/graph",
            "https://graph.microsoft.com/v1.0"
        ));
    }
}
