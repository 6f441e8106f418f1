//! Entry points for the fuzz targets in `fuzz/` (`graph_json`, `oauth_json`): the crate's
//! private decoders of Microsoft's answers, run on arbitrary bytes as if they had come back
//! over HTTP. Not part of the API. Each returns `Err` when an invariant breaks; a panic is
//! the fuzzer's to catch.

use std::time::SystemTime;

use reqwest::header::{CONTENT_TYPE, HeaderMap, HeaderValue, RETRY_AFTER};
use serde_json::Value;

use crate::error::CloudError;
use crate::graph::{SubResponse, graph_error};
use crate::http::{RawResponse, retry_after};
use crate::oauth::{AadTokenResponse, TokenSet, error_from_raw};
use crate::snapshot::{merge_devices, s, sign_in_from};

fn raw(status: u16, retry_after_header: &[u8], body: &[u8], host: &str) -> RawResponse {
    let mut headers = HeaderMap::new();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    if let Ok(v) = HeaderValue::from_bytes(retry_after_header) {
        headers.insert(RETRY_AFTER, v);
    }
    RawResponse {
        status,
        headers,
        body: body.to_vec(),
        host: host.to_owned(),
    }
}

fn check_error(e: &CloudError) -> Result<(), String> {
    if e.code().as_str().is_empty()
        || e.hint(words::Lang::En).is_empty()
        || e.to_string().is_empty()
    {
        return Err(format!("error without code, hint or message: {e:?}"));
    }
    Ok(())
}

/// A Graph answer with `status`, a `Retry-After` header (when the bytes are a valid header
/// value) and `body`: the error mapping, collection pages read as devices, sign-ins and
/// users, and `$batch` envelopes.
#[doc(hidden)]
pub fn graph_response(status: u16, retry_after_header: &[u8], body: &[u8]) -> Result<(), String> {
    let raw = raw(status, retry_after_header, body, "graph.fuzz");
    let _ = retry_after(&raw.headers, SystemTime::now());
    let e = graph_error(&raw);
    check_error(&e)?;
    match (&e, status) {
        (CloudError::Throttled { .. }, 429) => {}
        (_, 429) => return Err(format!("429 became {e:?}")),
        (CloudError::ServiceUnavailable { status: got }, st) if st >= 500 && *got == st => {}
        (_, st) if st >= 500 => return Err(format!("HTTP {st} became {e:?}")),
        _ => {}
    }
    let Ok(v) = raw.json::<Value>() else {
        return Ok(());
    };
    if let Some(items) = v.get("value").and_then(Value::as_array) {
        // Every device listed both ways is marked owned (on one of its records when the
        // list repeats an id).
        let devices = merge_devices(items.clone(), items.clone());
        for d in &devices {
            if d.id.is_empty() || !devices.iter().any(|o| o.id == d.id && o.owned) {
                return Err(format!(
                    "device without id or not marked owned: {devices:?}"
                ));
            }
        }
        let owned_only = merge_devices(Vec::new(), items.clone());
        if owned_only.iter().any(|d| d.registered) {
            return Err("an owned-only device is marked registered".into());
        }
        for item in items {
            let sign_in = sign_in_from(item);
            if sign_in.success != (sign_in.error_code == 0)
                || (sign_in.success && sign_in.failure_reason.is_some())
            {
                return Err(format!("inconsistent sign-in {sign_in:?}"));
            }
            let _ = (s(item, "id"), s(item, "userPrincipalName"));
        }
    }
    if let Some(responses) = v.get("responses")
        && let Ok(subs) = serde_json::from_value::<Vec<SubResponse>>(responses.clone())
    {
        for r in &subs {
            let _ = r.error();
            let _ = r.retry_after_secs();
        }
    }
    Ok(())
}

/// A token endpoint answer with `status` and `body`: the token response (with its
/// `id_token` claims), the error body and its mapping, and the stored account JSON.
#[doc(hidden)]
pub fn oauth_response(status: u16, body: &[u8]) -> Result<(), String> {
    let raw = raw(status, b"", body, "login.fuzz");
    if let Ok(t) = raw.json::<AadTokenResponse>() {
        let set = TokenSet::from_response(&t);
        if let Some(a) = set.claims.as_ref().and_then(|c| c.account()) {
            let _ = crate::account::kind_of(a.tenant_id.as_deref(), &a.upn);
        }
    }
    match error_from_raw(&raw) {
        Ok(aad) => {
            if aad.error.is_empty() {
                return Err("an AAD error without an error code was accepted".into());
            }
            for flow in [
                crate::oauth::Flow::Browser,
                crate::oauth::Flow::DeviceCode,
                crate::oauth::Flow::Refresh,
            ] {
                let e = aad
                    .clone()
                    .into_cloud_error(&crate::config::CloudConfig::default(), flow);
                check_error(&e)?;
                // A consent link is always a URL on the authority, whatever the answer held.
                if let Some(c) = e.admin_consent()
                    && !c.url.starts_with("https://login.microsoftonline.com/")
                {
                    return Err(format!("consent link off the authority: {}", c.url));
                }
            }
        }
        Err(e) => check_error(&e)?,
    }
    if let Ok(text) = std::str::from_utf8(body) {
        if let Some(c) = crate::account::IdClaims::from_jwt(text) {
            let _ = c.account();
        }
        if let Ok(a) = serde_json::from_str::<crate::account::Account>(text) {
            let back = serde_json::to_string(&a).map_err(|e| e.to_string())?;
            let again: crate::account::Account =
                serde_json::from_str(&back).map_err(|e| format!("account JSON {back}: {e}"))?;
            if again != a {
                return Err(format!("account JSON does not round-trip: {back}"));
            }
        }
    }
    Ok(())
}
