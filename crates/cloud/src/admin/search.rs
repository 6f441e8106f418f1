//! Directory search: the query cleaned and quoted, pages followed up to the cap.

// The parent's imports and the siblings' items: one admin module, split by concern.
#[allow(unused_imports)]
use super::*;

pub(super) fn user_from(v: &Value) -> Option<DirectoryUser> {
    Some(DirectoryUser {
        id: s(v, "id")?,
        display_name: s(v, "displayName"),
        upn: s(v, "userPrincipalName")?,
        mail: s(v, "mail"),
    })
}

/// `"..."` inside a `$search` clause: backslash escapes.
pub(super) fn search_term(q: &str) -> String {
    q.replace('\\', "\\\\").replace('"', "\\\"")
}

/// The search text as sent: no control characters, trimmed, at most 120 characters.
pub(super) fn clean_query(query: &str) -> String {
    let q: String = query
        .chars()
        .filter(|c| !c.is_control())
        .take(QUERY_MAX)
        .collect();
    q.trim().to_owned()
}

pub(super) async fn search(graph: &Graph<'_>, q: &str) -> Result<(Vec<Value>, bool), CloudError> {
    let eventual = [("ConsistencyLevel", "eventual")];
    if q.is_empty() {
        let path = format!("/users?$select={USER_SELECT}&$orderby=displayName&$top={SEARCH_PAGE}");
        return graph.get_all(&path, USER_SEARCH_CAP).await;
    }
    let t = search_term(q);
    let expr = format!("\"displayName:{t}\" OR \"userPrincipalName:{t}\" OR \"mail:{t}\"");
    let path = format!(
        "/users?$search={}&$select={USER_SELECT}&$orderby=displayName&$count=true&$top={SEARCH_PAGE}",
        encode(&expr),
    );
    match graph.get_all_with(&path, USER_SEARCH_CAP, &eventual).await {
        // Where `$search` is refused (an older cloud, a proxy stripping the header), a
        // prefix filter still finds people by the start of their name or address.
        Err(CloudError::Graph {
            status: 400, code, ..
        }) if code == "Request_UnsupportedQuery" => {
            log::info!("directory $search refused; falling back to startswith filters");
            let v = q.replace('\'', "''");
            let filter = format!(
                "startswith(displayName,'{v}') or startswith(userPrincipalName,'{v}') or startswith(mail,'{v}')"
            );
            let path = format!(
                "/users?$filter={}&$select={USER_SELECT}&$top={SEARCH_PAGE}",
                encode(&filter),
            );
            graph.get_all(&path, USER_SEARCH_CAP).await
        }
        other => other,
    }
}
