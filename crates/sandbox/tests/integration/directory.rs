//! Admin mode's side of the simulated tenant, at the HTTP level: `/users` search (and the
//! `ConsistencyLevel` header it needs), filters, `$select`, paging, directory roles,
//! `$batch` validation and per-request answers, and the batch fault knobs.

use reqwest::header::HeaderMap;
use sandbox::{DEMO_ADMIN_UPN, DEMO_MEMBER_UPN, Fault, RetryAfter, Sandbox, Tenant};
use serde_json::{Value, json};

const ADMIN_SCOPES: &str =
    "openid offline_access User.Read User.RevokeSessions.All AuditLog.Read.All Directory.Read.All";

fn at(sb: &Sandbox, upn: &str, scopes: &str) -> String {
    sb.issue_tokens(upn, scopes).expect("user").access_token
}

async fn get(sb: &Sandbox, token: &str, path_and_query: &str, eventual: bool) -> (u16, Value) {
    let mut r = reqwest::Client::new()
        .get(format!("{}{path_and_query}", sb.graph_base()))
        .bearer_auth(token);
    if eventual {
        r = r.header("ConsistencyLevel", "eventual");
    }
    let r = r.send().await.expect("answer");
    (r.status().as_u16(), r.json().await.expect("json"))
}

async fn batch(sb: &Sandbox, token: &str, body: Value) -> (u16, Value, HeaderMap) {
    let r = reqwest::Client::new()
        .post(format!("{}/$batch", sb.graph_base()))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .expect("batch");
    let status = r.status().as_u16();
    let headers = r.headers().clone();
    (status, r.json().await.expect("json"), headers)
}

fn upns(page: &Value) -> Vec<String> {
    page["value"]
        .as_array()
        .expect("value")
        .iter()
        .map(|u| {
            u["userPrincipalName"]
                .as_str()
                .unwrap_or_default()
                .to_owned()
        })
        .collect()
}

const SEARCH_LEE: &str =
    "/users?$search=%22displayName%3Alee%22%20OR%20%22userPrincipalName%3Alee%22";

#[tokio::test]
async fn search_needs_consistency_level_eventual() {
    let sb = Sandbox::start_with(Tenant::demo().with_bulk_users(45)).expect("sandbox");
    let token = at(&sb, DEMO_ADMIN_UPN, ADMIN_SCOPES);
    let (status, body) = get(&sb, &token, SEARCH_LEE, false).await;
    assert_eq!(status, 400);
    assert_eq!(body["error"]["code"], "Request_UnsupportedQuery");
    assert!(
        body["error"]["message"]
            .as_str()
            .expect("message")
            .contains("ConsistencyLevel: eventual")
    );
    let (status, body) = get(&sb, &token, SEARCH_LEE, true).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(upns(&body), [DEMO_MEMBER_UPN]);
    // $count too needs the header, and gives the total.
    let (status, _) = get(&sb, &token, "/users?$count=true", false).await;
    assert_eq!(status, 400);
    let (status, body) = get(&sb, &token, "/users?$count=true&$top=5", true).await;
    assert_eq!(status, 200);
    assert_eq!(body["@odata.count"], 47);
    assert_eq!(body["value"].as_array().map(Vec::len), Some(5));
    // Syntax errors are Graph's 400s, not a crash.
    for bad in [
        "lee",
        "%22lee%22",
        "%22jobTitle%3Ax%22",
        "%22displayName%3Alee",
    ] {
        let (status, body) = get(&sb, &token, &format!("/users?$search={bad}"), true).await;
        assert_eq!(status, 400, "{bad}");
        assert_eq!(body["error"]["code"], "Request_UnsupportedQuery", "{bad}");
    }
}

#[tokio::test]
async fn startswith_filters_select_order_and_paging() {
    let sb = Sandbox::start_with(Tenant::demo().with_bulk_users(45)).expect("sandbox");
    let token = at(&sb, DEMO_ADMIN_UPN, ADMIN_SCOPES);
    let filter = "startswith(displayName,'lee')%20or%20startswith(userPrincipalName,'lee')";
    let (status, body) = get(&sb, &token, &format!("/users?$filter={filter}"), false).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(upns(&body), [DEMO_MEMBER_UPN]);
    let (status, body) = get(
        &sb,
        &token,
        "/users?$filter=userPrincipalName%20eq%20'USER007@contoso.example'&$select=id,displayName",
        false,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let only = &body["value"][0];
    assert_eq!(only.as_object().map(|o| o.len()), Some(2), "{only}");
    assert_eq!(only["displayName"], "Joni Sherman");
    assert!(
        body["@odata.context"]
            .as_str()
            .expect("context")
            .ends_with("#users(id,displayName)")
    );
    let (status, body) = get(&sb, &token, "/users?$select=nope", false).await;
    assert_eq!(status, 400);
    assert!(
        body["error"]["message"]
            .as_str()
            .expect("m")
            .contains("nope")
    );
    let (status, body) = get(&sb, &token, "/users?$filter=jobTitle%20eq%20'x'", false).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (400, Some("Request_UnsupportedQuery"))
    );

    // Paging: 47 work users by 20, each next link keeps the query and the order.
    let mut url = format!(
        "{}/users?$search=%22userPrincipalName%3Acontoso%22&$orderby=displayName&$top=20",
        sb.graph_base()
    );
    let mut all = Vec::new();
    let mut pages = 0;
    loop {
        let r = reqwest::Client::new()
            .get(&url)
            .bearer_auth(&token)
            .header("ConsistencyLevel", "eventual")
            .send()
            .await
            .expect("page");
        let page: Value = r.json().await.expect("json");
        pages += 1;
        all.extend(
            page["value"]
                .as_array()
                .expect("value")
                .iter()
                .map(|u| u["displayName"].as_str().unwrap_or_default().to_owned()),
        );
        match page["@odata.nextLink"].as_str() {
            Some(next) => url = next.to_owned(),
            None => break,
        }
    }
    assert_eq!((all.len(), pages), (47, 3));
    let mut sorted = all.clone();
    sorted.sort_by_key(|n| n.to_lowercase());
    assert_eq!(all, sorted);
}

#[tokio::test]
async fn reading_the_directory_needs_a_directory_permission() {
    let sb = Sandbox::start().expect("sandbox");
    let plain = at(&sb, DEMO_MEMBER_UPN, "openid User.Read");
    let (status, body) = get(&sb, &plain, "/users", false).await;
    assert_eq!(status, 403);
    assert_eq!(body["error"]["code"], "Authorization_RequestDenied");
    let (status, _) = get(&sb, &plain, "/me/transitiveMemberOf", false).await;
    assert_eq!(status, 403);
    // With the permission consented, a member may read the directory, as in Entra ID.
    let consented = at(&sb, DEMO_MEMBER_UPN, ADMIN_SCOPES);
    let (status, _) = get(&sb, &consented, "/users?$top=1", false).await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn member_of_lists_directory_roles() {
    let sb = Sandbox::start().expect("sandbox");
    let admin = at(&sb, DEMO_ADMIN_UPN, ADMIN_SCOPES);
    for path in [
        "/me/memberOf",
        "/me/transitiveMemberOf",
        "/me/memberOf/microsoft.graph.directoryRole",
    ] {
        let (status, body) = get(&sb, &admin, path, false).await;
        assert_eq!(status, 200, "{path}: {body}");
        let role = &body["value"][0];
        assert_eq!(role["@odata.type"], "#microsoft.graph.directoryRole");
        assert_eq!(role["displayName"], "Global Administrator");
        assert_eq!(
            role["roleTemplateId"],
            "62e90394-69f5-4237-9190-012177145e10"
        );
    }
    let (_, groups) = get(&sb, &admin, "/me/memberOf/microsoft.graph.group", false).await;
    assert_eq!(groups["value"].as_array().map(Vec::len), Some(0));
    let member = at(&sb, DEMO_MEMBER_UPN, ADMIN_SCOPES);
    let (status, body) = get(&sb, &member, "/me/transitiveMemberOf", false).await;
    assert_eq!(status, 200);
    assert_eq!(body["value"].as_array().map(Vec::len), Some(0));
}

#[tokio::test]
async fn batches_are_validated_whole_and_answered_per_request() {
    let sb = Sandbox::start_with(Tenant::demo().with_bulk_users(25)).expect("sandbox");
    let token = at(&sb, DEMO_ADMIN_UPN, ADMIN_SCOPES);
    let revoke = |i: usize| json!({"id": i.to_string(), "method": "POST", "url": format!("/users/user{i:03}@contoso.example/revokeSignInSessions")});
    let (status, body, _) = batch(
        &sb,
        &token,
        json!({"requests": (1..=21).map(revoke).collect::<Vec<_>>()}),
    )
    .await;
    assert_eq!(status, 400, "more than 20");
    assert_eq!(body["error"]["code"], "BadRequest");
    let (status, body, _) = batch(&sb, &token, json!({"requests": [revoke(1), revoke(1)]})).await;
    assert_eq!(status, 400, "duplicate ids");
    assert!(
        body["error"]["message"]
            .as_str()
            .expect("m")
            .contains("duplicate")
    );
    let (status, _, _) = batch(
        &sb,
        &token,
        json!({"requests": [{"id": "1", "method": "GET"}]}),
    )
    .await;
    assert_eq!(status, 400, "no url");
    let (status, _, _) = batch(&sb, &token, json!({"no": []})).await;
    assert_eq!(status, 400);
    assert_eq!(sb.live_refresh_tokens("user001@contoso.example"), 0);

    // A mixed batch: each request its own status and, on failure, a Graph error body.
    let user = sb
        .issue_tokens("user001@contoso.example", "openid offline_access User.Read")
        .expect("user001");
    let (status, body, _) = batch(
        &sb,
        &token,
        json!({"requests": [
            revoke(1),
            {"id": "2", "method": "POST", "url": "users/ghost@contoso.example/revokeSignInSessions"},
            {"id": "3", "method": "GET", "url": "/users?$search=\"displayName:lee\"", "headers": {"ConsistencyLevel": "eventual"}},
            {"id": "4", "method": "GET", "url": "/users?$search=\"displayName:lee\""},
            {"id": "5", "method": "GET", "url": "/users/user002@contoso.example?$select=id"},
        ]}),
    )
    .await;
    assert_eq!(status, 200);
    let by_id = |id: &str| {
        body["responses"]
            .as_array()
            .expect("responses")
            .iter()
            .find(|r| r["id"] == id)
            .cloned()
            .expect("answered")
    };
    assert_eq!(by_id("1")["status"], 200);
    assert_eq!(by_id("1")["body"]["value"], true);
    assert_eq!(by_id("2")["status"], 404);
    assert_eq!(
        by_id("2")["body"]["error"]["code"],
        "Request_ResourceNotFound"
    );
    assert_eq!(by_id("3")["status"], 200);
    assert_eq!(
        by_id("3")["body"]["value"][0]["userPrincipalName"],
        DEMO_MEMBER_UPN
    );
    assert_eq!(
        by_id("4")["status"],
        400,
        "the header travels inside the request"
    );
    assert_eq!(by_id("5")["status"], 200);
    let (status, _) = refresh(&sb, &user.refresh_token).await;
    assert_eq!(status, 400, "user001's refresh token died with the revoke");

    // A member gets a 403 per request.
    let member = at(&sb, DEMO_MEMBER_UPN, ADMIN_SCOPES);
    let (_, body, _) = batch(&sb, &member, json!({"requests": [revoke(2), revoke(3)]})).await;
    for r in body["responses"].as_array().expect("responses") {
        assert_eq!(r["status"], 403);
        assert_eq!(r["body"]["error"]["code"], "Authorization_RequestDenied");
    }
}

async fn refresh(sb: &Sandbox, rt: &str) -> (u16, Value) {
    let r = reqwest::Client::new()
        .post(format!("{}/common/oauth2/v2.0/token", sb.authority()))
        .form(&[
            ("client_id", sb.client_id()),
            ("grant_type", "refresh_token"),
            ("refresh_token", rt),
        ])
        .send()
        .await
        .expect("token");
    (r.status().as_u16(), r.json().await.expect("json"))
}

#[tokio::test]
async fn batch_faults_skip_then_hit_only_inside_batches_with_retry_after_inside() {
    let sb = Sandbox::start_with(
        Tenant::demo()
            .with_bulk_users(6)
            .with_batch_responses_reversed(),
    )
    .expect("sandbox");
    let token = at(&sb, DEMO_ADMIN_UPN, ADMIN_SCOPES);
    sb.inject(
        Fault::on("/graph/v1.0/users/")
            .method("POST")
            .in_batch()
            .after(2)
            .times(2)
            .status(429)
            .retry_after(RetryAfter::Seconds(1)),
    );
    // A plain request to the same path neither consumes nor counts towards the fault.
    let plain = reqwest::Client::new()
        .post(format!(
            "{}/users/user006@contoso.example/revokeSignInSessions",
            sb.graph_base()
        ))
        .bearer_auth(&token)
        .send()
        .await
        .expect("plain");
    assert_eq!(plain.status().as_u16(), 200);
    let requests: Vec<Value> = (1..=5)
        .map(|i| json!({"id": i.to_string(), "method": "POST", "url": format!("/users/user{i:03}@contoso.example/revokeSignInSessions")}))
        .collect();
    let (status, body, _) = batch(&sb, &token, json!({ "requests": requests })).await;
    assert_eq!(status, 200);
    let responses = body["responses"].as_array().expect("responses");
    let ids: Vec<&str> = responses.iter().filter_map(|r| r["id"].as_str()).collect();
    assert_eq!(ids, ["5", "4", "3", "2", "1"], "answered in reverse order");
    let status_of = |id: &str| {
        responses
            .iter()
            .find(|r| r["id"] == id)
            .map(|r| (r["status"].as_u64(), r["headers"]["Retry-After"].as_str()))
    };
    assert_eq!(status_of("1"), Some((Some(200), None)));
    assert_eq!(status_of("2"), Some((Some(200), None)));
    assert_eq!(status_of("3"), Some((Some(429), Some("1"))));
    assert_eq!(status_of("4"), Some((Some(429), Some("1"))));
    assert_eq!(status_of("5"), Some((Some(200), None)));
    assert_eq!(sb.faults().remaining(), 0);
    assert_eq!(sb.live_refresh_tokens("user003@contoso.example"), 0);
}

#[tokio::test]
async fn issued_tokens_work_until_revoked() {
    let sb = Sandbox::start_with(Tenant::demo().with_bulk_users(1)).expect("sandbox");
    let t = sb
        .issue_tokens("user001@contoso.example", "openid offline_access User.Read")
        .expect("tokens");
    assert!(
        sb.issue_tokens("ghost@contoso.example", "User.Read")
            .is_none()
    );
    let (status, me) = get(&sb, &t.access_token, "/me", false).await;
    assert_eq!(status, 200);
    assert_eq!(me["displayName"], "Adele Vance");
    assert_eq!(refresh(&sb, &t.refresh_token).await.0, 200);
    let admin = at(&sb, DEMO_ADMIN_UPN, ADMIN_SCOPES);
    let r = reqwest::Client::new()
        .post(format!(
            "{}/users/user001@contoso.example/revokeSignInSessions",
            sb.graph_base()
        ))
        .bearer_auth(&admin)
        .send()
        .await
        .expect("revoke");
    assert_eq!(r.status().as_u16(), 200);
    let (status, body) = refresh(&sb, &t.refresh_token).await;
    assert_eq!(status, 400);
    assert_eq!(body["error_codes"][0], 50173);
}
