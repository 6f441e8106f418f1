//! The simulated Microsoft Graph v1.0 under `{base}/graph/v1.0`: `/me`, device lists,
//! `/auditLogs/signIns`, `revokeSignInSessions`, `$batch`, and the directory reads of
//! admin mode (`/users`, `/me/memberOf`: see `directory.rs`), with `@odata.nextLink`
//! paging and errors in the documented shape
//! `{"error":{"code","message","innerError":{"request-id","date"}}}`.

use std::collections::HashMap;
use std::hash::{BuildHasher, RandomState};
use std::sync::Arc;
use std::time::SystemTime;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

use crate::faults::retry_after_value;
use crate::identity::base_url;
use crate::server::Shared;
use crate::users::{User, UserKind};

/// Where Graph lives on the sandbox.
pub const GRAPH_PREFIX: &str = "/graph/v1.0";
/// Graph's documented limit of requests in one `$batch`.
const BATCH_LIMIT: usize = 20;
/// `/auditLogs/signIns` accepts `$top` up to 1000.
const SIGN_INS_MAX_TOP: usize = 1000;

/// A Graph answer before it becomes HTTP (so `$batch` can embed it).
pub(crate) struct Answer {
    pub(crate) status: StatusCode,
    pub(crate) body: Option<Value>,
    pub(crate) headers: Vec<(String, String)>,
}

impl Answer {
    fn ok(body: Value) -> Self {
        Self {
            status: StatusCode::OK,
            body: Some(body),
            headers: Vec::new(),
        }
    }
}

/// A Graph error in the documented shape.
pub(crate) fn graph_error_body(code: &str, message: &str) -> Value {
    let request_id = format!("{:016x}", RandomState::new().hash_one(SystemTime::now()));
    json!({
        "error": {
            "code": code,
            "message": message,
            "innerError": {
                "date": crate::time::rfc3339(SystemTime::now()),
                "request-id": request_id,
                "client-request-id": request_id,
            }
        }
    })
}

pub(crate) fn err(status: StatusCode, code: &str, message: &str) -> Answer {
    Answer {
        status,
        body: Some(graph_error_body(code, message)),
        headers: Vec::new(),
    }
}

pub(crate) fn denied() -> Answer {
    err(
        StatusCode::FORBIDDEN,
        "Authorization_RequestDenied",
        "Insufficient privileges to complete the operation.",
    )
}

fn not_found(what: &str) -> Answer {
    err(
        StatusCode::NOT_FOUND,
        "Request_ResourceNotFound",
        &format!(
            "Resource '{what}' does not exist or one of its queried reference-property objects are not present."
        ),
    )
}

/// Every request under `/graph/v1.0/...`.
pub(crate) async fn handle(
    State(shared): State<Arc<Shared>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let base = base_url(&headers);
    let path = uri
        .path()
        .strip_prefix(GRAPH_PREFIX)
        .unwrap_or(uri.path())
        .to_owned();
    let query = uri.query().unwrap_or_default().to_owned();
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|h| h.to_str().ok())
        .and_then(|h| h.strip_prefix("Bearer "))
        .map(str::to_owned);
    let eventual = headers
        .get("consistencylevel")
        .and_then(|h| h.to_str().ok())
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("eventual"));
    let answer = if path == "/$batch" && method == Method::POST {
        batch(&shared, &base, bearer.as_deref(), &body).await
    } else {
        dispatch(
            &shared,
            &base,
            method.as_str(),
            &path,
            &query,
            bearer.as_deref(),
            eventual,
        )
    };
    let mut response = match answer.body {
        Some(b) => (answer.status, axum::Json(b)).into_response(),
        None => answer.status.into_response(),
    };
    for (k, v) in answer.headers {
        if let (Ok(k), Ok(v)) = (
            header::HeaderName::try_from(k),
            header::HeaderValue::try_from(v),
        ) {
            response.headers_mut().insert(k, v);
        }
    }
    response
}

fn dispatch(
    shared: &Shared,
    base: &str,
    method: &str,
    path: &str,
    query: &str,
    bearer: Option<&str>,
    // `ConsistencyLevel: eventual` was sent (needed for `$search` and `$count`).
    eventual: bool,
) -> Answer {
    let grant = {
        let auth = shared.auth();
        bearer
            .and_then(|t| auth.access_user(t))
            .map(|g| (g.user_id.clone(), g.scopes.clone()))
    };
    let (user, scopes) = match grant {
        Some((id, scopes)) => (Some(id), scopes),
        None => (None, String::new()),
    };
    // Delegated permissions are checked as well as roles: an admin signed in without the
    // admin scopes is refused like anyone else.
    let has = |s: &str| scopes.split_whitespace().any(|x| x.eq_ignore_ascii_case(s));
    let Some(me) = user.and_then(|id| shared.tenant.users.iter().find(|u| u.id == id).cloned())
    else {
        return err(
            StatusCode::UNAUTHORIZED,
            "InvalidAuthenticationToken",
            if bearer.is_none() {
                "Access token is empty."
            } else {
                "Access token validation failure. Invalid audience."
            },
        );
    };
    let q: HashMap<String, String> = url::form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect();
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    match (method, segments.as_slice()) {
        ("GET", ["me"]) => Answer::ok(me.to_graph()),
        ("GET", ["me", list @ ("registeredDevices" | "ownedDevices")]) => {
            if me.kind == UserKind::Personal {
                return err(
                    StatusCode::BAD_REQUEST,
                    "Request_BadRequest",
                    "This operation is not supported for personal Microsoft accounts.",
                );
            }
            devices(shared, base, path, &q, &me, list)
        }
        ("GET", ["users"]) => {
            crate::directory::list_users(shared, base, path, &q, &me, &has, eventual)
        }
        ("GET", ["me", "memberOf" | "transitiveMemberOf"]) => {
            crate::directory::member_of(shared, base, path, &q, &me, &has, None)
        }
        ("GET", ["me", "memberOf" | "transitiveMemberOf", cast]) => {
            crate::directory::member_of(shared, base, path, &q, &me, &has, Some(cast))
        }
        ("GET", ["users", key, ..])
            if !(key.eq_ignore_ascii_case(&me.id)
                || key.eq_ignore_ascii_case(&me.upn)
                || has("Directory.Read.All")
                || has("User.Read.All")) =>
        {
            denied()
        }
        ("GET", ["users", key]) => {
            if me.kind != UserKind::Admin
                && !key.eq_ignore_ascii_case(&me.id)
                && !key.eq_ignore_ascii_case(&me.upn)
            {
                return denied();
            }
            match shared.tenant.user_by_id_or_upn(key) {
                Some(u) => Answer::ok(u.to_graph()),
                None => not_found(key),
            }
        }
        ("GET", ["users", key, list @ ("registeredDevices" | "ownedDevices")]) => {
            if me.kind != UserKind::Admin {
                return denied();
            }
            match shared.tenant.user_by_id_or_upn(key).cloned() {
                Some(u) => devices(shared, base, path, &q, &u, list),
                None => not_found(key),
            }
        }
        ("GET", ["auditLogs", "signIns"]) if !has("AuditLog.Read.All") => denied(),
        ("GET", ["auditLogs", "signIns"]) => sign_ins(shared, base, path, &q, &me),
        ("POST", [.., "revokeSignInSessions"])
            if me.kind == UserKind::Admin && !has("User.RevokeSessions.All") =>
        {
            denied()
        }
        ("POST", ["me", "revokeSignInSessions"]) => revoke(shared, &me, &me),
        ("POST", ["users", key, "revokeSignInSessions"]) => {
            match shared.tenant.user_by_id_or_upn(key).cloned() {
                Some(target) => revoke(shared, &me, &target),
                // Non-admins learn nothing about other users: 403 before 404.
                None if me.kind != UserKind::Admin => denied(),
                None => not_found(key),
            }
        }
        _ => err(
            StatusCode::BAD_REQUEST,
            "BadRequest",
            &format!(
                "Resource not found for the segment '{}'.",
                segments.last().unwrap_or(&"")
            ),
        ),
    }
}

fn devices(
    shared: &Shared,
    base: &str,
    path: &str,
    q: &HashMap<String, String>,
    owner: &User,
    list: &str,
) -> Answer {
    let items: Vec<&crate::users::Device> = shared
        .tenant
        .devices
        .iter()
        .filter(|d| d.owner_user_id == owner.id)
        .filter(|d| {
            if list == "ownedDevices" {
                d.owned
            } else {
                d.registered
            }
        })
        .collect();
    let context = "https://graph.microsoft.com/v1.0/$metadata#directoryObjects";
    let size = shared.tenant.page_size;
    page(base, path, q, &items, |d| d.to_graph(), size, 999, context)
}

fn sign_ins(
    shared: &Shared,
    base: &str,
    path: &str,
    q: &HashMap<String, String>,
    me: &User,
) -> Answer {
    if me.kind != UserKind::Admin {
        return denied();
    }
    let filter = q.get("$filter").map(String::as_str).unwrap_or_default();
    let wanted = if filter.is_empty() {
        None
    } else {
        match parse_eq_filter(filter) {
            Some(f) => Some(f),
            None => {
                return err(
                    StatusCode::BAD_REQUEST,
                    "BadRequest",
                    &format!("Invalid filter clause: {filter}"),
                );
            }
        }
    };
    let mut rows: Vec<&crate::users::SignIn> = shared
        .tenant
        .sign_ins
        .iter()
        .filter(|s| match &wanted {
            None => true,
            Some(("userId", v)) => s.user_id.eq_ignore_ascii_case(v),
            Some((_, v)) => s.upn.eq_ignore_ascii_case(v),
        })
        .collect();
    // Newest first, as the portal and `$orderby=createdDateTime desc` give them.
    rows.sort_by(|a, b| b.created.cmp(&a.created));
    let context = "https://graph.microsoft.com/v1.0/$metadata#auditLogs/signIns";
    page(
        base,
        path,
        q,
        &rows,
        |s| s.to_graph(),
        SIGN_INS_MAX_TOP,
        SIGN_INS_MAX_TOP,
        context,
    )
}

/// `userId eq '...'` or `userPrincipalName eq '...'`; the only filters the client uses.
fn parse_eq_filter(filter: &str) -> Option<(&'static str, String)> {
    let (field, rest) = filter.trim().split_once(" eq ")?;
    let field = match field.trim() {
        "userId" => "userId",
        "userPrincipalName" => "userPrincipalName",
        _ => return None,
    };
    let value = rest.trim().strip_prefix('\'')?.strip_suffix('\'')?;
    Some((field, value.replace("''", "'")))
}

/// One page of `items`, with `@odata.nextLink` carrying the whole query on to the next.
/// Only the page's rows are rendered, so a page costs the same however long the list.
#[allow(clippy::too_many_arguments)]
pub(crate) fn page<T>(
    base: &str,
    path: &str,
    q: &HashMap<String, String>,
    items: &[T],
    render: impl Fn(&T) -> Value,
    default_size: usize,
    max_top: usize,
    context: &str,
) -> Answer {
    let size = match q.get("$top") {
        None => default_size,
        Some(t) => match t.parse::<usize>() {
            Ok(n) if (1..=max_top).contains(&n) => n,
            _ => {
                return err(
                    StatusCode::BAD_REQUEST,
                    "BadRequest",
                    &format!(
                        "Invalid page size specified: '{t}'. Must be between 1 and {max_top} inclusive."
                    ),
                );
            }
        },
    };
    let offset = match q.get("$skiptoken") {
        None => 0,
        Some(t) => match t.strip_prefix("sbx").and_then(|n| n.parse::<usize>().ok()) {
            Some(n) => n,
            None => return err(StatusCode::BAD_REQUEST, "BadRequest", "Invalid skip token."),
        },
    };
    let end = offset.saturating_add(size).min(items.len());
    let value: Vec<Value> = items
        .get(offset..end)
        .map(|rows| rows.iter().map(&render).collect())
        .unwrap_or_default();
    let mut body = Map::new();
    body.insert("@odata.context".into(), Value::String(context.to_owned()));
    body.insert("value".into(), Value::Array(value));
    if end < items.len() {
        let mut next = url::form_urlencoded::Serializer::new(String::new());
        let mut keys: Vec<&String> = q.keys().filter(|k| k.as_str() != "$skiptoken").collect();
        keys.sort();
        for k in keys {
            next.append_pair(k, &q[k]);
        }
        next.append_pair("$skiptoken", &format!("sbx{end}"));
        body.insert(
            "@odata.nextLink".into(),
            Value::String(format!("{base}{GRAPH_PREFIX}{path}?{}", next.finish())),
        );
    }
    Answer::ok(Value::Object(body))
}

fn revoke(shared: &Shared, me: &User, target: &User) -> Answer {
    if me.kind == UserKind::Personal {
        return err(
            StatusCode::BAD_REQUEST,
            "Request_BadRequest",
            "This operation is not supported for personal Microsoft accounts.",
        );
    }
    if me.kind != UserKind::Admin {
        return denied();
    }
    shared.auth().revoke_user(&target.id);
    if shared.tenant.revoke_status == 204 {
        return Answer {
            status: StatusCode::NO_CONTENT,
            body: None,
            headers: Vec::new(),
        };
    }
    Answer::ok(json!({
        "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#Edm.Boolean",
        "value": true,
    }))
}

/// `POST /$batch`: at most 20 requests with unique ids, each answered on its own
/// (faults included); answers match requests by `id`, not by position.
async fn batch(shared: &Shared, base: &str, bearer: Option<&str>, body: &[u8]) -> Answer {
    let invalid = |why: &str| {
        err(
            StatusCode::BAD_REQUEST,
            "BadRequest",
            &format!("Invalid batch payload format: {why}"),
        )
    };
    let Ok(parsed) = serde_json::from_slice::<Value>(body) else {
        return invalid("the body is not JSON.");
    };
    let Some(requests) = parsed.get("requests").and_then(Value::as_array) else {
        return invalid("a \"requests\" array is required.");
    };
    if requests.len() > BATCH_LIMIT {
        return err(
            StatusCode::BAD_REQUEST,
            "BadRequest",
            "Number of batch request steps exceeds the maximum of 20.",
        );
    }
    // Every request needs a string id, method and url; ids are unique, ignoring case.
    let mut seen: Vec<String> = Vec::with_capacity(requests.len());
    for r in requests {
        let field = |k: &str| r.get(k).and_then(Value::as_str).filter(|v| !v.is_empty());
        let (Some(id), Some(_), Some(_)) = (field("id"), field("method"), field("url")) else {
            return invalid("each request needs \"id\", \"method\" and \"url\".");
        };
        if seen.iter().any(|s| s.eq_ignore_ascii_case(id)) {
            return err(
                StatusCode::BAD_REQUEST,
                "BadRequest",
                &format!("Batch request contains duplicate request id '{id}'."),
            );
        }
        seen.push(id.to_owned());
    }
    let mut responses = Vec::with_capacity(requests.len());
    for r in requests {
        let id = r.get("id").cloned().unwrap_or(Value::Null);
        let method = r
            .get("method")
            .and_then(Value::as_str)
            .unwrap_or("GET")
            .to_ascii_uppercase();
        let url = r.get("url").and_then(Value::as_str).unwrap_or_default();
        let url = if url.starts_with('/') {
            url.to_owned()
        } else {
            format!("/{url}")
        };
        let eventual = r
            .get("headers")
            .and_then(Value::as_object)
            .and_then(|h| {
                h.iter()
                    .find(|(k, _)| k.eq_ignore_ascii_case("ConsistencyLevel"))
            })
            .and_then(|(_, v)| v.as_str())
            .is_some_and(|v| v.trim().eq_ignore_ascii_case("eventual"));
        let (path, query) = url.split_once('?').unwrap_or((&url, ""));
        let full_path = format!("{GRAPH_PREFIX}{path}");
        shared.record(&method, &full_path);
        let answer = match shared.faults.take_in_batch(&method, &full_path) {
            Some(fault) => {
                if !fault.delay.is_zero() {
                    tokio::time::sleep(fault.delay).await;
                }
                match fault.status {
                    Some(status) => {
                        let code = StatusCode::from_u16(status)
                            .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
                        let body = match &fault.body {
                            Some(b) => serde_json::from_str(b).unwrap_or(Value::String(b.clone())),
                            None => graph_error_body(
                                crate::server::graph_code_for(status),
                                "Injected fault.",
                            ),
                        };
                        let headers = fault
                            .retry_after
                            .as_ref()
                            .map(|r| vec![("Retry-After".to_owned(), retry_after_value(r))])
                            .unwrap_or_default();
                        Answer {
                            status: code,
                            body: Some(body),
                            headers,
                        }
                    }
                    None => dispatch(shared, base, &method, path, query, bearer, eventual),
                }
            }
            None => dispatch(shared, base, &method, path, query, bearer, eventual),
        };
        let mut headers = Map::new();
        if answer.body.is_some() {
            headers.insert(
                "Content-Type".into(),
                Value::String("application/json".into()),
            );
        }
        for (k, v) in answer.headers {
            headers.insert(k, Value::String(v));
        }
        let mut sub = json!({"id": id, "status": answer.status.as_u16(), "headers": headers});
        if let Some(b) = answer.body {
            sub["body"] = b;
        }
        responses.push(sub);
    }
    if shared.tenant.batch_responses_reversed {
        responses.reverse();
    }
    Answer::ok(json!({"responses": responses}))
}
