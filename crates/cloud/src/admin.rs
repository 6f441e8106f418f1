//! Admin mode: find users (directory search, or a CSV of UPNs via
//! [`parse_upn_csv`](crate::parse_upn_csv)), see one user's recent sign-ins and devices,
//! and sign many users out everywhere through `$batch`, 20 per request, with progress, a
//! result per user and an easy "retry the failed ones".
//!
//! What it needs is spelled out by [`admin_requirements`]: an Entra role that may revoke
//! other users' sessions, and admin-consented delegated permissions. A refusal from Graph
//! (403) becomes [`CloudError::AdminRequired`] carrying them, never a bare 403.

use std::time::{Duration, SystemTime};

use serde::Serialize;
use serde_json::{Value, json};

use crate::account::AccountKind;
use crate::config::RetryPolicy;
use crate::csv_users::{is_object_id, upn_problem};
use crate::error::CloudError;
use crate::graph::{BATCH_LIMIT, Graph, SubResponse, encode};
use crate::session::CloudSession;
use crate::snapshot::{
    Device, Note, NoteTopic, SignIn, device_lists, merge_devices, note_for, s, sign_in_from,
};

/// Users returned by one search at most (pages are followed until then).
pub const USER_SEARCH_CAP: usize = 200;
/// Recent sign-ins shown for one user in admin mode.
pub const ACTIVITY_SIGN_INS: usize = 50;
/// `$top` of a directory search: Graph's usual page of users.
const SEARCH_PAGE: usize = 100;
/// Longest search text sent to Graph.
const QUERY_MAX: usize = crate::limits::SEARCH_MAX_CHARS;
const USER_SELECT: &str = "id,displayName,userPrincipalName,mail";

/// A user of the directory as admin mode lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub struct DirectoryUser {
    /// The directory object id.
    pub id: String,
    pub display_name: Option<String>,
    pub upn: String,
    pub mail: Option<String>,
}

/// The answer to a directory search.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub struct UserSearch {
    /// The text searched for, as used (trimmed, shortened).
    pub query: String,
    pub users: Vec<DirectoryUser>,
    /// More users matched than [`USER_SEARCH_CAP`]: the admin should narrow the search.
    pub truncated: bool,
}

/// One user's recent sign-ins and devices, for an admin.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub struct UserActivity {
    pub user: DirectoryUser,
    pub devices: Vec<Device>,
    /// Newest first, at most [`ACTIVITY_SIGN_INS`].
    pub sign_ins: Vec<SignIn>,
    /// Older sign-ins exist beyond those shown.
    pub sign_ins_truncated: bool,
    /// What could not be read and why (a missing reader role, no Entra ID P1 licence...).
    pub notes: Vec<Note>,
}

/// Where a bulk revoke is, reported after each `$batch` (and once before the first).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub struct BatchProgress {
    /// Users with a final result so far.
    pub done: u32,
    pub total: u32,
    /// Batches finished (0 before the first), of `batches`.
    pub batch: u32,
    pub batches: u32,
    pub revoked: u32,
    pub failed: u32,
}

/// What happened to one user of a bulk revoke.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum BulkRevokeOutcome {
    /// Microsoft accepted the revoke: every refresh token of the user is dead (the
    /// user's apps ask for a sign-in within minutes).
    Revoked,
    /// Not done. `code` is Graph's error code (`Request_ResourceNotFound`,
    /// `Authorization_RequestDenied`, `TooManyRequests`...) or ours (`invalid_user`,
    /// `unexpected_response`...). `retryable`: trying again later may work.
    Failed {
        code: String,
        message: String,
        retryable: bool,
    },
}

/// The result for one user, in the order the users were given.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub struct UserRevokeResult {
    pub upn: String,
    pub outcome: BulkRevokeOutcome,
}

impl UserRevokeResult {
    pub fn is_revoked(&self) -> bool {
        self.outcome == BulkRevokeOutcome::Revoked
    }

    pub fn is_retryable(&self) -> bool {
        matches!(
            self.outcome,
            BulkRevokeOutcome::Failed {
                retryable: true,
                ..
            }
        )
    }
}

/// Counts and one sentence for a bulk revoke's results.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub struct BulkRevokeSummary {
    pub total: u32,
    pub revoked: u32,
    pub failed: u32,
    /// Of the failed, those worth retrying ("Retry the failed ones").
    pub retryable: u32,
    pub summary: String,
}

/// An Entra built-in role and what it covers for admin mode.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub struct AdminRole {
    pub name: String,
    /// The role template id, the same in every tenant.
    pub template_id: String,
    /// Whose sessions (or which logs) it reaches.
    pub covers: String,
}

/// A delegated Microsoft Graph permission admin mode needs (with admin consent).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub struct AdminPermission {
    pub name: String,
    /// Broader permissions that also do.
    pub alternatives: Vec<String>,
    pub needed_for: String,
}

/// Everything admin mode needs, for the screen that tells a non-admin what to ask for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub struct AdminRequirements {
    /// Any one of these lets the signed-in user sign others out (least privileged first).
    pub revoke_roles: Vec<AdminRole>,
    /// Any one of these lets the signed-in user read others' sign-ins.
    pub sign_in_roles: Vec<AdminRole>,
    pub permissions: Vec<AdminPermission>,
    /// Licence needed for sign-in logs through Graph.
    pub licence: String,
    pub summary: String,
}

/// What the signed-in account may do in admin mode, checked when the mode opens.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub struct AdminAccess {
    pub upn: String,
    /// Entra directory roles the account holds (active assignments), by name.
    pub roles: Vec<String>,
    /// Whether the roles could be read at all (they need `Directory.Read.All`).
    pub roles_known: bool,
    /// The directory can be searched.
    pub can_search: bool,
    /// A role held can revoke other users' sessions, and the permission was requested.
    pub can_revoke: bool,
    /// A role held can read other users' sign-ins, and the permission was requested.
    pub can_read_sign_ins: bool,
    /// Admin permissions this sign-in did not ask for or was not granted.
    pub missing_permissions: Vec<String>,
    pub requirements: AdminRequirements,
    pub summary: String,
}

fn role(name: &str, template_id: &str, covers: &str) -> AdminRole {
    AdminRole {
        name: name.to_owned(),
        template_id: template_id.to_owned(),
        covers: covers.to_owned(),
    }
}

const GLOBAL_ADMIN: (&str, &str) = (
    "Global Administrator",
    "62e90394-69f5-4237-9190-012177145e10",
);
const PERM_REVOKE: &str = "User.RevokeSessions.All";
const PERM_DIRECTORY: &str = "Directory.Read.All";
const PERM_AUDIT: &str = "AuditLog.Read.All";

/// The roles and permissions admin mode needs. Roles from Microsoft's "least privileged
/// roles by task" and built-in role permissions (`microsoft.directory/users/
/// invalidateAllRefreshTokens`); sign-in logs need a reports or security reader role.
pub fn admin_requirements() -> AdminRequirements {
    AdminRequirements {
        revoke_roles: vec![
            role(
                "Helpdesk Administrator",
                "729827e3-9c14-49f7-bb1b-9608f156bbb8",
                "users without an admin role",
            ),
            role(
                "Authentication Administrator",
                "c4e39bd9-1100-46d3-8c65-fb160da0071f",
                "users without an admin role",
            ),
            role(
                "User Administrator",
                "fe930be7-5e62-47db-91af-98c3a49a38b1",
                "users without an admin role and some limited admins",
            ),
            role(
                "Privileged Authentication Administrator",
                "7be44c8a-adaf-4e2a-84d6-ab2649e08a13",
                "every user, admins included",
            ),
            role(
                GLOBAL_ADMIN.0,
                GLOBAL_ADMIN.1,
                "every user (more than admin mode needs)",
            ),
        ],
        sign_in_roles: vec![
            role(
                "Reports Reader",
                "4a5d8f65-41da-4de4-8968-e035b65339cf",
                "sign-in and audit logs",
            ),
            role(
                "Security Reader",
                "5d6b6bb7-de71-4623-b4af-96380a352509",
                "sign-in logs and security reports",
            ),
            role(
                "Global Reader",
                "f2ef992c-3afb-46b9-b7cf-a126ee74c451",
                "everything, read only",
            ),
            role(
                "Security Administrator",
                "194ae4cb-b126-40b2-bd5b-6091b380977d",
                "sign-in logs and security settings",
            ),
            role(GLOBAL_ADMIN.0, GLOBAL_ADMIN.1, "everything"),
        ],
        permissions: vec![
            AdminPermission {
                name: PERM_REVOKE.into(),
                alternatives: vec!["User.ReadWrite.All".into(), "Directory.ReadWrite.All".into()],
                needed_for: "signing users out everywhere".into(),
            },
            AdminPermission {
                name: PERM_DIRECTORY.into(),
                alternatives: vec!["User.Read.All (search only)".into()],
                needed_for: "finding users, their devices and your roles".into(),
            },
            AdminPermission {
                name: PERM_AUDIT.into(),
                alternatives: Vec::new(),
                needed_for: "reading users' sign-ins".into(),
            },
        ],
        licence: "Sign-in logs through Microsoft Graph need Microsoft Entra ID P1 or P2 in the organisation.".into(),
        summary: "Admin mode needs an Entra role that may sign other users out (User Administrator, or Privileged Authentication Administrator to include admins), a reader role such as Reports Reader for sign-ins, and the delegated permissions User.RevokeSessions.All, Directory.Read.All and AuditLog.Read.All with admin consent.".into(),
    }
}

/// The typed refusal for `action`, with what is needed.
fn admin_required(action: &str) -> CloudError {
    let req = admin_requirements();
    CloudError::AdminRequired {
        action: action.to_owned(),
        roles: req.revoke_roles.into_iter().map(|r| r.name).collect(),
        permissions: req.permissions.into_iter().map(|p| p.name).collect(),
    }
}

/// Graph's 403 for `action` as [`CloudError::AdminRequired`]; anything else unchanged.
fn refine(action: &str, e: CloudError) -> CloudError {
    if e.is_forbidden() {
        admin_required(action)
    } else {
        e
    }
}

/// The users of `results` worth sending again ("Retry the failed ones"): the failed and
/// retryable, in order. Not-found users and refusals are left out; they would fail again.
pub fn failed_upns(results: &[UserRevokeResult]) -> Vec<String> {
    results
        .iter()
        .filter(|r| r.is_retryable())
        .map(|r| r.upn.clone())
        .collect()
}

/// Puts the results of a retry into the earlier results (matched by UPN, ignoring case;
/// users new to the list are added at the end), so the UI keeps one row per user.
pub fn merge_results(previous: &mut Vec<UserRevokeResult>, retried: Vec<UserRevokeResult>) {
    for r in retried {
        match previous
            .iter_mut()
            .find(|p| p.upn.eq_ignore_ascii_case(&r.upn))
        {
            Some(p) => *p = r,
            None => previous.push(r),
        }
    }
}

/// Counts and a sentence for `results`.
pub fn summarize_bulk(results: &[UserRevokeResult]) -> BulkRevokeSummary {
    let total = results.len() as u32;
    let revoked = results.iter().filter(|r| r.is_revoked()).count() as u32;
    let retryable = results.iter().filter(|r| r.is_retryable()).count() as u32;
    let failed = total - revoked;
    let mut summary = format!(
        "{revoked} of {total} user{} signed out everywhere.",
        if total == 1 { "" } else { "s" }
    );
    if failed > 0 {
        summary.push_str(&format!(" {failed} failed"));
        if retryable > 0 {
            summary.push_str(&format!(" ({retryable} can be retried)"));
        }
        summary.push('.');
    }
    BulkRevokeSummary {
        total,
        revoked,
        failed,
        retryable,
        summary,
    }
}

fn user_from(v: &Value) -> Option<DirectoryUser> {
    Some(DirectoryUser {
        id: s(v, "id")?,
        display_name: s(v, "displayName"),
        upn: s(v, "userPrincipalName")?,
        mail: s(v, "mail"),
    })
}

/// `"..."` inside a `$search` clause: backslash escapes.
fn search_term(q: &str) -> String {
    q.replace('\\', "\\\\").replace('"', "\\\"")
}

/// The search text as sent: no control characters, trimmed, at most 120 characters.
fn clean_query(query: &str) -> String {
    let q: String = query
        .chars()
        .filter(|c| !c.is_control())
        .take(QUERY_MAX)
        .collect();
    q.trim().to_owned()
}

async fn search(graph: &Graph<'_>, q: &str) -> Result<(Vec<Value>, bool), CloudError> {
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

/// Whether the server asked us to come back (throttled, or unavailable with a time).
fn comes_back(r: &SubResponse) -> bool {
    r.status == 429 || (matches!(r.status, 503 | 504) && sub_retry_after(r).is_some())
}

/// `Retry-After` of a sub-response, in seconds or as an HTTP date.
fn sub_retry_after(r: &SubResponse) -> Option<Duration> {
    let (_, v) = r
        .headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("retry-after"))?;
    if let Some(n) = v.as_u64() {
        return Some(Duration::from_secs(n));
    }
    let text = v.as_str()?.trim();
    if let Ok(n) = text.parse::<u64>() {
        return Some(Duration::from_secs(n));
    }
    let at = httpdate::parse_http_date(text).ok()?;
    Some(
        at.duration_since(SystemTime::now())
            .unwrap_or(Duration::ZERO),
    )
}

fn retryable_status(status: u16) -> bool {
    matches!(status, 401 | 408 | 429 | 500 | 502 | 503 | 504)
}

/// Whether an envelope failure means the network path is broken (the next batches would
/// fail the same way), rather than this one request being refused.
fn path_broken(e: &CloudError) -> bool {
    matches!(
        e,
        CloudError::Network { .. }
            | CloudError::Timeout { .. }
            | CloudError::UnexpectedResponse { .. }
            | CloudError::Throttled { .. }
            | CloudError::ServiceUnavailable { .. }
    )
}

fn failed(code: &str, message: String, retryable: bool) -> BulkRevokeOutcome {
    BulkRevokeOutcome::Failed {
        code: code.to_owned(),
        message,
        retryable,
    }
}

/// One sub-response as a final outcome.
fn judge(r: &SubResponse) -> BulkRevokeOutcome {
    if (200..300).contains(&r.status) {
        return BulkRevokeOutcome::Revoked;
    }
    let (code, graph_message) = r.error();
    let code = if code == "unknown" {
        format!("http_{}", r.status)
    } else {
        code
    };
    let detail = if graph_message.is_empty() {
        String::new()
    } else {
        format!(" ({graph_message})")
    };
    let message = match r.status {
        403 => format!(
            "Microsoft refused{detail}: revoking this user needs a role that covers them (Privileged Authentication Administrator covers every user, admins included)."
        ),
        404 => format!("No such user in the directory{detail}."),
        429 => format!(
            "Microsoft is throttling requests{}; retry in a minute.",
            sub_retry_after(r)
                .map(|d| format!(" and asked to wait {} s", d.as_secs()))
                .unwrap_or_default()
        ),
        400 => format!(
            "Microsoft rejected the request{detail}; personal and external (guest) accounts cannot be signed out from here."
        ),
        s if s >= 500 => format!("Microsoft's service failed (HTTP {s}){detail}."),
        s => format!("HTTP {s}{detail}."),
    };
    failed(&code, message, retryable_status(r.status))
}

/// The users as they will be sent: trimmed, without duplicates (ignoring case).
fn normalise(upns: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(upns.len());
    for u in upns {
        let u = u.trim();
        if u.is_empty() || out.iter().any(|o| o.eq_ignore_ascii_case(u)) {
            continue;
        }
        out.push(u.to_owned());
    }
    out
}

impl CloudSession {
    /// What the signed-in account may do in admin mode: its Entra roles (read from
    /// `/me/transitiveMemberOf`), whether the directory can be searched, and what is
    /// missing. For a non-admin the answer says which role and permissions to ask for.
    pub async fn admin_access(&self) -> Result<AdminAccess, CloudError> {
        let account = self.account().await.ok_or(CloudError::NotSignedIn)?;
        let requirements = admin_requirements();
        let all_permissions = || vec![PERM_REVOKE.into(), PERM_DIRECTORY.into(), PERM_AUDIT.into()];
        if account.kind == AccountKind::Personal {
            return Ok(AdminAccess {
                upn: account.upn,
                roles: Vec::new(),
                roles_known: false,
                can_search: false,
                can_revoke: false,
                can_read_sign_ins: false,
                missing_permissions: all_permissions(),
                requirements,
                summary: "Personal Microsoft accounts have no organisation to manage; admin mode needs a work account with an admin role.".into(),
            });
        }
        let (roles, probe) = self
            .with_token(|token| async move {
                let graph = self.graph(&token);
                let roles_path = "/me/transitiveMemberOf?$select=id,displayName,roleTemplateId";
                let probe_path = "/users?$select=id&$top=1";
                let (roles, probe) =
                    tokio::join!(graph.get_all(roles_path, 500), graph.get(probe_path));
                // A refused token retries the whole check; other failures are answers.
                for r in [roles.as_ref().err(), probe.as_ref().err()]
                    .into_iter()
                    .flatten()
                {
                    if matches!(r, CloudError::Graph { status: 401, .. }) {
                        return Err(r.clone());
                    }
                }
                Ok((roles, probe))
            })
            .await?;
        let (held, roles_known) = match roles {
            Ok((items, _)) => (
                items
                    .iter()
                    .filter(|v| {
                        v.get("@odata.type").and_then(Value::as_str)
                            == Some("#microsoft.graph.directoryRole")
                    })
                    .map(|v| {
                        (
                            s(v, "displayName").unwrap_or_default(),
                            s(v, "roleTemplateId"),
                        )
                    })
                    .collect::<Vec<_>>(),
                true,
            ),
            Err(e) if e.is_forbidden() => (Vec::new(), false),
            Err(e) => return Err(e),
        };
        let can_search = match probe {
            Ok(_) => true,
            Err(e) if e.is_forbidden() => false,
            Err(e) => return Err(e),
        };
        let holds = |list: &[AdminRole]| {
            held.iter().any(|(name, template)| {
                list.iter().any(|r| {
                    template.as_deref() == Some(r.template_id.as_str())
                        || r.name.eq_ignore_ascii_case(name)
                })
            })
        };
        let mut missing_permissions = if account.admin_scopes {
            Vec::new()
        } else {
            all_permissions()
        };
        if (!roles_known || !can_search) && !missing_permissions.iter().any(|p| p == PERM_DIRECTORY)
        {
            missing_permissions.push(PERM_DIRECTORY.into());
        }
        let can_revoke = account.admin_scopes && holds(&requirements.revoke_roles);
        let can_read_sign_ins = account.admin_scopes && holds(&requirements.sign_in_roles);
        let roles: Vec<String> = held.into_iter().map(|(n, _)| n).collect();
        let summary = if can_revoke {
            format!(
                "Signed in as {} ({}): you can find users{} and sign them out everywhere.",
                account.upn,
                roles.join(", "),
                if can_read_sign_ins {
                    ", read their sign-ins"
                } else {
                    ""
                }
            )
        } else if !account.admin_scopes {
            "This sign-in did not ask for the admin permissions: sign out and sign in again as an admin (the admin sign-in), with an account that has User Administrator or Privileged Authentication Administrator.".into()
        } else if roles_known {
            format!(
                "{} has no Entra role that may sign other users out{}. Ask for User Administrator (or Privileged Authentication Administrator to include admins) and, for sign-ins, Reports Reader.",
                account.upn,
                if roles.is_empty() {
                    String::new()
                } else {
                    format!(" (roles: {})", roles.join(", "))
                }
            )
        } else {
            "Your roles could not be read: the app needs Directory.Read.All with admin consent, and you need User Administrator or Privileged Authentication Administrator.".into()
        };
        Ok(AdminAccess {
            upn: account.upn,
            roles,
            roles_known,
            can_search,
            can_revoke,
            can_read_sign_ins,
            missing_permissions,
            requirements,
            summary,
        })
    }

    /// Finds users whose name or address starts a word with `query` (Graph's `$search`
    /// with `ConsistencyLevel: eventual`, falling back to `startswith` filters where
    /// search is refused). An empty query lists the directory. Pages are followed up to
    /// [`USER_SEARCH_CAP`] users.
    pub async fn search_users(&self, query: &str) -> Result<UserSearch, CloudError> {
        crate::limits::check_chars("search text", query.trim(), QUERY_MAX)?;
        self.account().await.ok_or(CloudError::NotSignedIn)?;
        let q = clean_query(query);
        let (items, truncated) = self
            .with_token(|token| {
                let q = q.clone();
                async move { search(&self.graph(&token), &q).await }
            })
            .await
            .map_err(|e| refine("searching the directory", e))?;
        Ok(UserSearch {
            query: q,
            users: items.iter().filter_map(user_from).collect(),
            truncated,
        })
    }

    /// One user's profile, devices (registered and owned) and most recent sign-ins. The
    /// user must exist (404 otherwise); a refused profile read is
    /// [`CloudError::AdminRequired`]; refused devices or sign-ins become notes.
    pub async fn user_activity(&self, upn: &str) -> Result<UserActivity, CloudError> {
        self.account().await.ok_or(CloudError::NotSignedIn)?;
        let key = upn.trim().to_owned();
        if upn_problem(&key).is_some() && !is_object_id(&key) {
            return Err(CloudError::Graph {
                status: 400,
                code: "invalid_user".into(),
                message: format!("'{key}' is not a user name (user@domain) or object id"),
            });
        }
        let user_path = format!("/users/{}", encode(&key));
        let filter = if is_object_id(&key) {
            format!("userId eq '{key}'")
        } else {
            format!("userPrincipalName eq '{}'", key.replace('\'', "''"))
        };
        let sign_ins_path = format!(
            "/auditLogs/signIns?$filter={}&$orderby={}&$top={ACTIVITY_SIGN_INS}",
            encode(&filter),
            encode("createdDateTime desc"),
        );
        let (user, registered, owned, sign_ins) = self
            .with_token(|token| {
                let (user_path, sign_ins_path) = (user_path.clone(), sign_ins_path.clone());
                async move {
                    let graph = self.graph(&token);
                    let registered_path = format!("{user_path}/registeredDevices");
                    let owned_path = format!("{user_path}/ownedDevices");
                    let profile_path = format!("{user_path}?$select={USER_SELECT}");
                    let (user, registered, owned, sign_ins) = tokio::join!(
                        graph.get(&profile_path),
                        graph.get_all(&registered_path, 1_000),
                        graph.get_all(&owned_path, 1_000),
                        graph.get_all(&sign_ins_path, ACTIVITY_SIGN_INS),
                    );
                    Ok((user?, registered, owned, sign_ins))
                }
            })
            .await
            .map_err(|e| refine("reading other users", e))?;
        let user = user_from(&user).ok_or_else(|| CloudError::UnexpectedResponse {
            host: String::new(),
            status: 200,
            detail: "a user without id or userPrincipalName".into(),
        })?;
        let mut notes = Vec::new();
        let (registered, owned, _) = device_lists(registered, owned, &mut notes);
        let (sign_ins, sign_ins_truncated) = match sign_ins {
            Ok((rows, cut)) => (rows.iter().map(sign_in_from).collect(), cut),
            Err(e) => {
                let mut note = note_for(NoteTopic::SignIns, "the sign-in log", &e, None);
                if e.is_forbidden() {
                    note.message.push_str(
                        " Reading sign-ins needs a role such as Reports Reader, AuditLog.Read.All with admin consent, and Microsoft Entra ID P1 or P2.",
                    );
                }
                notes.push(note);
                (Vec::new(), false)
            }
        };
        Ok(UserActivity {
            user,
            devices: merge_devices(registered, owned),
            sign_ins,
            sign_ins_truncated,
            notes,
        })
    }

    /// Signs many users out everywhere: `POST /users/{upn}/revokeSignInSessions` through
    /// `$batch`, 20 per request, one batch after another. `progress` is called before the
    /// first batch and after each one.
    ///
    /// Each user gets a result, in the order given (duplicates and blanks removed):
    /// throttled sub-requests (429, or 503/504 with `Retry-After`) are sent again in
    /// place, waiting as asked within the [`RetryPolicy`] caps; other failures are
    /// reported with Graph's code and whether a retry may work. When a batch cannot be
    /// sent at all (network, an HTML page from a proxy), its users and those of the
    /// batches not yet sent fail as retryable. To "retry the failed ones", call this
    /// again with [`failed_upns`] and [`merge_results`] the answer.
    ///
    /// The signed-in admin's own UPN, if listed, goes last: revoking it ends this app's
    /// sign-in too (within minutes).
    ///
    /// Errors only when nothing was done: not signed in, a personal account, or Graph
    /// refusing every revoke of the first batch answered ([`CloudError::AdminRequired`]).
    pub async fn revoke_many(
        &self,
        upns: &[String],
        mut progress: impl FnMut(BatchProgress),
    ) -> Result<Vec<UserRevokeResult>, CloudError> {
        let account = self.account().await.ok_or(CloudError::NotSignedIn)?;
        if account.kind == AccountKind::Personal {
            return Err(admin_required("signing out other users"));
        }
        let retry: RetryPolicy = self.config().retry;
        let users = normalise(upns);
        let mut outcomes: Vec<Option<BulkRevokeOutcome>> = vec![None; users.len()];
        let mut order: Vec<usize> = Vec::with_capacity(users.len());
        for (i, u) in users.iter().enumerate() {
            match upn_problem(u) {
                Some(problem) if !is_object_id(u) => {
                    outcomes[i] = Some(failed(
                        "invalid_user",
                        format!("'{u}' is not a user name (user@domain) or object id: {problem}."),
                        false,
                    ));
                }
                _ => order.push(i),
            }
        }
        // Our own sign-in dies with our own revoke: do it last.
        order.sort_by_key(|&i| users[i].eq_ignore_ascii_case(&account.upn));
        let chunks: Vec<Vec<usize>> = order.chunks(BATCH_LIMIT).map(<[usize]>::to_vec).collect();
        let total = users.len() as u32;
        let batches = chunks.len() as u32;
        let report = |outcomes: &[Option<BulkRevokeOutcome>], batch: u32| {
            let done = outcomes.iter().filter(|o| o.is_some()).count() as u32;
            let revoked = outcomes
                .iter()
                .filter(|o| matches!(o, Some(BulkRevokeOutcome::Revoked)))
                .count() as u32;
            BatchProgress {
                done,
                total,
                batch,
                batches,
                revoked,
                failed: done - revoked,
            }
        };
        progress(report(&outcomes, 0));
        let mut token = self.access_token(false).await?;
        let mut answered_any = false;
        let mut broken: Option<CloudError> = None;
        for (b, chunk) in chunks.iter().enumerate() {
            if let Some(e) = &broken {
                for &i in chunk {
                    outcomes[i] = Some(failed(
                        e.code(),
                        format!("Not sent: an earlier batch failed ({e})."),
                        true,
                    ));
                }
                progress(report(&outcomes, b as u32 + 1));
                continue;
            }
            let mut pending = chunk.clone();
            let mut round = 0u32;
            let mut refreshed = false;
            while !pending.is_empty() {
                let requests: Vec<Value> = pending
                    .iter()
                    .map(|&i| {
                        json!({
                            "id": (i + 1).to_string(),
                            "method": "POST",
                            "url": format!("/users/{}/revokeSignInSessions", encode(&users[i])),
                        })
                    })
                    .collect();
                let answer = self.graph(&token).batch(&requests).await;
                let responses = match answer {
                    Ok(r) => r,
                    Err(CloudError::Graph { status: 401, .. }) if !refreshed => {
                        // The access token expired during a long run: refresh, resend.
                        refreshed = true;
                        match self.access_token(true).await {
                            Ok(t) => {
                                token = t;
                                continue;
                            }
                            Err(e) => {
                                for &i in &pending {
                                    outcomes[i] = Some(failed(e.code(), e.to_string(), true));
                                }
                                broken = Some(e);
                                break;
                            }
                        }
                    }
                    Err(e) if e.is_forbidden() && !answered_any => {
                        return Err(admin_required("signing out other users"));
                    }
                    Err(e) => {
                        log::warn!("a $batch of {} revokes failed: {}", pending.len(), e.code());
                        let retryable = path_broken(&e)
                            || matches!(&e, CloudError::Graph { status, .. } if retryable_status(*status));
                        for &i in &pending {
                            outcomes[i] = Some(failed(e.code(), e.to_string(), retryable));
                        }
                        if path_broken(&e) {
                            broken = Some(e);
                        }
                        break;
                    }
                };
                let find = |i: usize| {
                    let id = (i + 1).to_string();
                    responses.iter().find(|r| r.id.eq_ignore_ascii_case(&id))
                };
                if !answered_any {
                    let all_denied = pending
                        .iter()
                        .all(|&i| find(i).is_some_and(|r| r.status == 403));
                    let revoked_any = outcomes
                        .iter()
                        .any(|o| matches!(o, Some(BulkRevokeOutcome::Revoked)));
                    if all_denied && !revoked_any {
                        log::info!("every revoke of the first batch was refused: not an admin");
                        return Err(admin_required("signing out other users"));
                    }
                    answered_any = true;
                }
                let mut again = Vec::new();
                let mut wait = Duration::ZERO;
                for &i in &pending {
                    let Some(r) = find(i) else {
                        outcomes[i] = Some(failed(
                            "missing_response",
                            "The batch answer had no entry for this user.".into(),
                            true,
                        ));
                        continue;
                    };
                    outcomes[i] = Some(judge(r));
                    if comes_back(r) && round < retry.max_retries {
                        wait = wait.max(sub_retry_after(r).unwrap_or(Duration::ZERO));
                        again.push(i);
                    }
                }
                if again.is_empty() {
                    break;
                }
                let backoff = retry.base_delay.saturating_mul(2u32.saturating_pow(round));
                let pause = wait.max(backoff).min(retry.max_delay);
                log::info!(
                    "{} revokes throttled; sending them again in {pause:?}",
                    again.len()
                );
                tokio::time::sleep(pause).await;
                round += 1;
                pending = again;
            }
            progress(report(&outcomes, b as u32 + 1));
        }
        Ok(users
            .into_iter()
            .zip(outcomes)
            .map(|(upn, o)| UserRevokeResult {
                upn,
                outcome: o.unwrap_or_else(|| failed("not_attempted", "Not sent.".into(), true)),
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn result(upn: &str, outcome: BulkRevokeOutcome) -> UserRevokeResult {
        UserRevokeResult {
            upn: upn.into(),
            outcome,
        }
    }

    #[test]
    fn failed_upns_keep_only_what_a_retry_can_fix_and_merge_replaces_rows() {
        let mut results = vec![
            result("a@x.com", BulkRevokeOutcome::Revoked),
            result(
                "b@x.com",
                failed("serviceNotAvailable", "down".into(), true),
            ),
            result(
                "c@x.com",
                failed("Request_ResourceNotFound", "gone".into(), false),
            ),
            result("d@x.com", failed("TooManyRequests", "slow".into(), true)),
        ];
        assert_eq!(failed_upns(&results), ["b@x.com", "d@x.com"]);
        let s = summarize_bulk(&results);
        assert_eq!((s.total, s.revoked, s.failed, s.retryable), (4, 1, 3, 2));
        assert_eq!(
            s.summary,
            "1 of 4 users signed out everywhere. 3 failed (2 can be retried)."
        );
        merge_results(
            &mut results,
            vec![
                result("B@X.com", BulkRevokeOutcome::Revoked),
                result("d@x.com", BulkRevokeOutcome::Revoked),
            ],
        );
        assert_eq!(results.len(), 4);
        assert!(results[1].is_revoked() && results[3].is_revoked());
        assert!(failed_upns(&results).is_empty());
    }

    #[test]
    fn sub_responses_are_judged_with_codes_and_retryability() {
        let sub = |status: u16, body: Value, headers: Value| SubResponse {
            id: "1".into(),
            status,
            headers: headers.as_object().cloned().unwrap_or_default(),
            body: Some(body),
        };
        let err = |code: &str| json!({"error": {"code": code, "message": "m"}});
        assert_eq!(
            judge(&sub(204, Value::Null, json!({}))),
            BulkRevokeOutcome::Revoked
        );
        let BulkRevokeOutcome::Failed {
            code, retryable, ..
        } = judge(&sub(404, err("Request_ResourceNotFound"), json!({})))
        else {
            panic!("404 fails");
        };
        assert_eq!(
            (code.as_str(), retryable),
            ("Request_ResourceNotFound", false)
        );
        let throttled = sub(429, err("TooManyRequests"), json!({"Retry-After": "3"}));
        assert!(comes_back(&throttled));
        assert_eq!(sub_retry_after(&throttled), Some(Duration::from_secs(3)));
        assert!(matches!(
            judge(&throttled),
            BulkRevokeOutcome::Failed { retryable: true, ref message, .. } if message.contains("3 s")
        ));
        assert!(!comes_back(&sub(
            503,
            err("serviceNotAvailable"),
            json!({})
        )));
        assert!(comes_back(&sub(503, err("x"), json!({"retry-after": 1}))));
        let odd = judge(&sub(418, json!("teapot"), json!({})));
        assert!(
            matches!(odd, BulkRevokeOutcome::Failed { ref code, retryable: false, .. } if code == "http_418")
        );
    }

    #[test]
    fn queries_are_cleaned_and_escaped_for_search() {
        assert_eq!(clean_query("  lee\u{0}\n gu "), "lee gu");
        assert_eq!(clean_query(&"x".repeat(500)).len(), QUERY_MAX);
        assert_eq!(search_term(r#"a "b" \c"#), r#"a \"b\" \\c"#);
        assert_eq!(
            normalise(&[
                " a@x.com ".into(),
                "A@X.COM".into(),
                "".into(),
                "b@x.com".into()
            ]),
            ["a@x.com", "b@x.com"]
        );
    }

    #[test]
    fn the_refusal_names_roles_and_permissions() {
        let e = admin_required("signing out other users");
        assert_eq!(e.code(), "admin_required");
        let CloudError::AdminRequired {
            roles, permissions, ..
        } = &e
        else {
            panic!("typed");
        };
        assert!(roles.iter().any(|r| r == "User Administrator"));
        assert!(
            roles
                .iter()
                .any(|r| r == "Privileged Authentication Administrator")
        );
        assert!(permissions.iter().any(|p| p == "User.RevokeSessions.All"));
        assert!(e.hint().contains("AuditLog.Read.All"), "{}", e.hint());
        assert!(
            e.to_string()
                .starts_with("signing out other users needs an admin role")
        );
    }
}
