//! The directory reads admin mode needs: `GET /users` with `$search` (which, as at
//! Microsoft, needs `ConsistencyLevel: eventual`), `$filter=startswith(...)`, `$select`,
//! `$orderby`, `$count`, `$top` and paging; and `/me/memberOf` / `/me/transitiveMemberOf`
//! with the signed-in user's directory roles.

use std::collections::HashMap;

use axum::http::StatusCode;
use serde_json::{Map, Value, json};

use crate::graph::{Answer, denied, err, page};
use crate::server::Shared;
use crate::users::{User, UserKind};

/// Graph's limit for `$top` on `/users`.
const USERS_MAX_TOP: usize = 999;

/// The built-in role the simulated admins hold (its template id is the same in every
/// tenant).
pub(crate) const ROLE_GLOBAL_ADMINISTRATOR: (&str, &str) = (
    "Global Administrator",
    "62e90394-69f5-4237-9190-012177145e10",
);

/// The properties of a user the sandbox knows, as Graph spells them.
const USER_PROPERTIES: [&str; 11] = [
    "businessPhones",
    "displayName",
    "givenName",
    "jobTitle",
    "mail",
    "mobilePhone",
    "officeLocation",
    "preferredLanguage",
    "surname",
    "userPrincipalName",
    "id",
];

/// Properties `$search` and `startswith` work on.
const SEARCHABLE: [&str; 5] = [
    "displayName",
    "givenName",
    "surname",
    "mail",
    "userPrincipalName",
];

fn unsupported(message: &str) -> Answer {
    err(StatusCode::BAD_REQUEST, "Request_UnsupportedQuery", message)
}

fn canonical(list: &[&'static str], name: &str) -> Option<&'static str> {
    list.iter()
        .copied()
        .find(|p| p.eq_ignore_ascii_case(name.trim()))
}

/// One property of a user as a string, for matching and sorting.
fn property(u: &User, name: &str) -> String {
    match name {
        "id" => u.id.clone(),
        "displayName" => u.display_name.clone(),
        "userPrincipalName" | "mail" => u.upn.clone(),
        "givenName" => u.display_name.split(' ').next().unwrap_or("").to_owned(),
        "surname" => u
            .display_name
            .split_once(' ')
            .map(|(_, s)| s)
            .unwrap_or("")
            .to_owned(),
        _ => String::new(),
    }
}

/// A boolean expression of clauses: OR of AND groups (no parentheses, as the client
/// never needs them).
type Expr<C> = Vec<Vec<C>>;

#[derive(Debug, Clone, PartialEq)]
enum FilterClause {
    StartsWith(&'static str, String),
    Eq(&'static str, String),
}

fn skip_ws(s: &str) -> &str {
    s.trim_start()
}

/// A single-quoted OData string (`''` is a quote); returns it and the rest.
fn quoted(s: &str) -> Option<(String, &str)> {
    let mut rest = s.strip_prefix('\'')?;
    let mut out = String::new();
    loop {
        let i = rest.find('\'')?;
        out.push_str(&rest[..i]);
        rest = &rest[i + 1..];
        match rest.strip_prefix('\'') {
            Some(r) => {
                out.push('\'');
                rest = r;
            }
            None => return Some((out, rest)),
        }
    }
}

/// The operator joining two clauses (`or` / `and`, any case), and the rest.
fn operator<'a>(s: &'a str, or: &str, and: &str) -> Option<(bool, &'a str)> {
    let s = skip_ws(s);
    for (word, is_or) in [(or, true), (and, false)] {
        if s.len() > word.len()
            && s[..word.len()].eq_ignore_ascii_case(word)
            && s[word.len()..].starts_with(char::is_whitespace)
        {
            return Some((is_or, &s[word.len()..]));
        }
    }
    None
}

/// `startswith(displayName,'x') or startswith(userPrincipalName,'x')`, `mail eq 'x'`...
fn parse_filter(filter: &str) -> Result<Expr<FilterClause>, String> {
    let mut groups: Expr<FilterClause> = vec![Vec::new()];
    let mut rest = skip_ws(filter);
    loop {
        let (clause, after) = parse_filter_clause(rest)?;
        if let Some(g) = groups.last_mut() {
            g.push(clause);
        }
        rest = skip_ws(after);
        if rest.is_empty() {
            return Ok(groups);
        }
        match operator(rest, "or", "and") {
            Some((true, r)) => {
                groups.push(Vec::new());
                rest = skip_ws(r);
            }
            Some((false, r)) => rest = skip_ws(r),
            None => return Err(format!("Invalid filter clause near '{rest}'.")),
        }
    }
}

fn parse_filter_clause(s: &str) -> Result<(FilterClause, &str), String> {
    let bad = || format!("Invalid filter clause near '{s}'.");
    if s.len() >= 11 && s[..11].eq_ignore_ascii_case("startswith(") {
        let inner = &s[11..];
        let (prop, after) = inner.split_once(',').ok_or_else(bad)?;
        let prop = canonical(&SEARCHABLE, prop).ok_or_else(|| unsupported_property(prop))?;
        let (value, after) = quoted(skip_ws(after)).ok_or_else(bad)?;
        let after = skip_ws(after).strip_prefix(')').ok_or_else(bad)?;
        return Ok((FilterClause::StartsWith(prop, value), after));
    }
    let end = s.find(char::is_whitespace).ok_or_else(bad)?;
    let prop = &s[..end];
    let after = skip_ws(&s[end..]);
    let after = after
        .get(..2)
        .filter(|op| op.eq_ignore_ascii_case("eq"))
        .map(|_| &after[2..])
        .ok_or_else(bad)?;
    let mut props = SEARCHABLE.to_vec();
    props.push("id");
    let prop = canonical(&props, prop).ok_or_else(|| unsupported_property(prop))?;
    let (value, after) = quoted(skip_ws(after)).ok_or_else(bad)?;
    Ok((FilterClause::Eq(prop, value), after))
}

fn unsupported_property(prop: &str) -> String {
    format!(
        "Unsupported or invalid query filter clause specified for property '{}' of resource 'User'.",
        prop.trim()
    )
}

fn filter_matches(u: &User, c: &FilterClause) -> bool {
    match c {
        FilterClause::StartsWith(p, v) => {
            property(u, p).to_lowercase().starts_with(&v.to_lowercase())
        }
        FilterClause::Eq(p, v) => property(u, p).eq_ignore_ascii_case(v),
    }
}

/// `"displayName:lee" OR "userPrincipalName:lee"`: quoted `property:term` clauses joined
/// by `OR` / `AND` (upper case, as Graph requires). `\"` and `\\` escape inside quotes.
fn parse_search(search: &str) -> Result<Expr<(&'static str, String)>, String> {
    let mut groups: Expr<(&'static str, String)> = vec![Vec::new()];
    let mut rest = skip_ws(search);
    loop {
        let Some(body) = rest.strip_prefix('"') else {
            return Err(
                "Syntax error: each $search clause must be quoted, as \"property:term\"."
                    .to_owned(),
            );
        };
        let mut clause = String::new();
        let mut chars = body.char_indices();
        let mut end = None;
        while let Some((i, c)) = chars.next() {
            match c {
                '\\' => {
                    if let Some((_, next)) = chars.next() {
                        clause.push(next);
                    }
                }
                '"' => {
                    end = Some(i);
                    break;
                }
                c => clause.push(c),
            }
        }
        let end = end.ok_or("Syntax error: unterminated quote in $search.")?;
        let (prop, term) = clause
            .split_once(':')
            .ok_or("Syntax error: a $search clause needs a property, as \"displayName:term\".")?;
        let prop = canonical(&SEARCHABLE, prop)
            .ok_or_else(|| format!("Property '{prop}' does not support $search."))?;
        if let Some(g) = groups.last_mut() {
            g.push((prop, term.trim().to_owned()));
        }
        rest = skip_ws(&body[end + 1..]);
        if rest.is_empty() {
            return Ok(groups);
        }
        // Graph's search operators are upper case only.
        match operator(rest, "OR", "AND") {
            Some((is_or, r)) if rest.starts_with("OR") || rest.starts_with("AND") => {
                if is_or {
                    groups.push(Vec::new());
                }
                rest = skip_ws(r);
            }
            _ => return Err(format!("Syntax error: unexpected '{rest}' in $search.")),
        }
    }
}

/// Graph's directory search is tokenized: every word of the term must start a word of
/// the value (words split at spaces and symbols: `lee.gu@contoso` is lee, gu, contoso).
fn search_matches(u: &User, prop: &str, term: &str) -> bool {
    let value = property(u, prop).to_lowercase();
    let words: Vec<&str> = value
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let term = term.to_lowercase();
    value.starts_with(&term)
        || term
            .split(|c: char| c.is_whitespace())
            .filter(|t| !t.is_empty())
            .all(|t| words.iter().any(|w| w.starts_with(t)))
}

fn matches_all<C>(expr: &Expr<C>, mut one: impl FnMut(&C) -> bool) -> bool {
    expr.iter()
        .any(|group| !group.is_empty() && group.iter().all(&mut one))
}

/// A user as a collection entry, limited to `$select` when given.
fn render(u: &User, select: Option<&[&'static str]>) -> Value {
    let mut full = match u.to_graph() {
        Value::Object(m) => m,
        _ => Map::new(),
    };
    full.remove("@odata.context");
    match select {
        None => Value::Object(full),
        Some(props) => Value::Object(
            props
                .iter()
                .filter_map(|p| full.get(*p).map(|v| ((*p).to_owned(), v.clone())))
                .collect(),
        ),
    }
}

/// Delegated permissions that let a user read other users.
fn may_read_users(has: &dyn Fn(&str) -> bool) -> bool {
    [
        "User.ReadBasic.All",
        "User.Read.All",
        "User.ReadWrite.All",
        "Directory.Read.All",
        "Directory.ReadWrite.All",
    ]
    .iter()
    .any(|s| has(s))
}

/// `GET /users`.
pub(crate) fn list_users(
    shared: &Shared,
    base: &str,
    path: &str,
    q: &HashMap<String, String>,
    me: &User,
    has: &dyn Fn(&str) -> bool,
    eventual: bool,
) -> Answer {
    if me.kind == UserKind::Personal {
        return err(
            StatusCode::BAD_REQUEST,
            "Request_BadRequest",
            "This operation is not supported for personal Microsoft accounts.",
        );
    }
    if !may_read_users(has) {
        return denied();
    }
    let search = q.get("$search").map(|s| s.trim()).filter(|s| !s.is_empty());
    let count = q.get("$count").map(|c| c.eq_ignore_ascii_case("true"));
    if (search.is_some() || count == Some(true)) && !eventual {
        let param = if search.is_some() {
            "$search"
        } else {
            "$count"
        };
        return unsupported(&format!(
            "Request with {param} query parameter only works through MSGraph with a special request header: 'ConsistencyLevel: eventual'"
        ));
    }
    let search = match search.map(parse_search).transpose() {
        Ok(s) => s,
        Err(e) => return unsupported(&e),
    };
    let filter = q.get("$filter").map(|s| s.trim()).filter(|s| !s.is_empty());
    let filter = match filter.map(parse_filter).transpose() {
        Ok(f) => f,
        Err(e) => return unsupported(&e),
    };
    let select: Option<Vec<&'static str>> = match q.get("$select") {
        None => None,
        Some(list) => {
            let mut props = Vec::new();
            for p in list.split(',').map(str::trim).filter(|p| !p.is_empty()) {
                match canonical(&USER_PROPERTIES, p) {
                    Some(c) => props.push(c),
                    None => {
                        return err(
                            StatusCode::BAD_REQUEST,
                            "BadRequest",
                            &format!(
                                "Parsing OData Select and Expand failed: Could not find a property named '{p}' on type 'microsoft.graph.user'."
                            ),
                        );
                    }
                }
            }
            Some(props)
        }
    };
    let mut rows: Vec<&User> = shared
        .tenant
        .users
        .iter()
        // Personal accounts are not members of a work tenant's directory.
        .filter(|u| u.kind != UserKind::Personal)
        .filter(|u| {
            search
                .as_ref()
                .is_none_or(|s| matches_all(s, |(p, t)| search_matches(u, p, t)))
        })
        .filter(|u| {
            filter
                .as_ref()
                .is_none_or(|f| matches_all(f, |c| filter_matches(u, c)))
        })
        .collect();
    if let Some(order) = q.get("$orderby") {
        let mut parts = order.split_whitespace();
        let prop = parts.next().and_then(|p| canonical(&SEARCHABLE, p));
        let desc = parts.next().is_some_and(|d| d.eq_ignore_ascii_case("desc"));
        let Some(prop) = prop else {
            return unsupported(&format!("Sorting by '{order}' is not supported."));
        };
        rows.sort_by_key(|u| property(u, prop).to_lowercase());
        if desc {
            rows.reverse();
        }
    }
    let context = match &select {
        Some(props) => format!(
            "https://graph.microsoft.com/v1.0/$metadata#users({})",
            props.join(",")
        ),
        None => "https://graph.microsoft.com/v1.0/$metadata#users".to_owned(),
    };
    let total = rows.len();
    let size = shared.tenant.page_size;
    let mut answer = page(
        base,
        path,
        q,
        &rows,
        |u| render(u, select.as_deref()),
        size,
        USERS_MAX_TOP,
        &context,
    );
    if count == Some(true)
        && let Some(Value::Object(body)) = answer.body.as_mut()
    {
        body.insert("@odata.count".into(), json!(total));
    }
    answer
}

/// The directory roles a user holds, as `(displayName, roleTemplateId)`.
pub(crate) fn directory_roles_of(u: &User) -> Vec<(&'static str, &'static str)> {
    match u.kind {
        UserKind::Admin => vec![ROLE_GLOBAL_ADMINISTRATOR],
        _ => Vec::new(),
    }
}

/// `GET /me/memberOf` and `/me/transitiveMemberOf`, optionally cast to
/// `microsoft.graph.directoryRole`: the user's directory roles (the sandbox has no groups).
pub(crate) fn member_of(
    shared: &Shared,
    base: &str,
    path: &str,
    q: &HashMap<String, String>,
    me: &User,
    has: &dyn Fn(&str) -> bool,
    cast: Option<&str>,
) -> Answer {
    if me.kind == UserKind::Personal {
        return err(
            StatusCode::BAD_REQUEST,
            "Request_BadRequest",
            "This operation is not supported for personal Microsoft accounts.",
        );
    }
    let allowed = [
        "Directory.Read.All",
        "Directory.ReadWrite.All",
        "GroupMember.Read.All",
        "RoleManagement.Read.Directory",
    ]
    .iter()
    .any(|s| has(s));
    if !allowed {
        return denied();
    }
    match cast {
        None | Some("microsoft.graph.directoryRole") => {}
        Some("microsoft.graph.group" | "microsoft.graph.administrativeUnit") => {
            return page(
                base,
                path,
                q,
                &Vec::<Value>::new(),
                Clone::clone,
                100,
                999,
                "https://graph.microsoft.com/v1.0/$metadata#directoryObjects",
            );
        }
        Some(other) => {
            return err(
                StatusCode::BAD_REQUEST,
                "Request_BadRequest",
                &format!("'{other}' is not a valid type cast for this collection."),
            );
        }
    }
    let roles: Vec<Value> = directory_roles_of(me)
        .into_iter()
        .map(|(name, template)| {
            json!({
                "@odata.type": "#microsoft.graph.directoryRole",
                // A role's object id differs per tenant; derive a stable one.
                "id": format!("{}-{}", &shared.tenant.id[..8], &template[9..]),
                "displayName": name,
                "description": format!("Built-in role: {name}."),
                "roleTemplateId": template,
            })
        })
        .collect();
    page(
        base,
        path,
        q,
        &roles,
        Clone::clone,
        100,
        999,
        "https://graph.microsoft.com/v1.0/$metadata#directoryObjects",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(name: &str, upn: &str) -> User {
        User::new("x", upn, name, UserKind::Member)
    }

    #[test]
    fn search_is_tokenized_and_clauses_combine() {
        let lee = user("Lee Gu", "lee.gu@contoso.example");
        let adele = user("Adele Vance", "user001@contoso.example");
        let s = parse_search(r#""displayName:lee" OR "userPrincipalName:lee""#).expect("parses");
        assert_eq!(s.len(), 2);
        assert!(matches_all(&s, |(p, t)| search_matches(&lee, p, t)));
        assert!(!matches_all(&s, |(p, t)| search_matches(&adele, p, t)));
        let s = parse_search(r#""displayName:van""#).expect("parses");
        assert!(matches_all(&s, |(p, t)| search_matches(&adele, p, t)));
        let s = parse_search(r#""userPrincipalName:user0""#).expect("parses");
        assert!(matches_all(&s, |(p, t)| search_matches(&adele, p, t)));
        let s = parse_search(r#""displayName:adele" AND "displayName:gu""#).expect("parses");
        assert!(!matches_all(&s, |(p, t)| search_matches(&adele, p, t)));
        assert!(parse_search("lee").is_err(), "unquoted");
        assert!(parse_search(r#""lee""#).is_err(), "no property");
        assert!(parse_search(r#""jobTitle:x""#).is_err(), "not searchable");
        assert!(
            parse_search(r#""displayName:a" or "mail:b""#).is_err(),
            "lower-case or"
        );
        assert!(parse_search(r#""displayName:a"#).is_err(), "unterminated");
        let s = parse_search(r#""displayName:say \"hi\"""#).expect("escapes");
        assert_eq!(s[0][0].1, "say \"hi\"");
    }

    #[test]
    fn filters_parse_startswith_and_eq_with_quotes_doubled() {
        let f =
            parse_filter("startswith(displayName,'lee') or startswith(userPrincipalName, 'lee')")
                .expect("parses");
        assert_eq!(f.len(), 2);
        let lee = user("Lee Gu", "lee.gu@contoso.example");
        assert!(matches_all(&f, |c| filter_matches(&lee, c)));
        let f = parse_filter("userPrincipalName eq 'o''neil@contoso.example'").expect("parses");
        assert_eq!(
            f[0][0],
            FilterClause::Eq("userPrincipalName", "o'neil@contoso.example".into())
        );
        let f = parse_filter("startswith(displayName,'Lee') and mail eq 'lee.gu@contoso.example'")
            .expect("parses");
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].len(), 2);
        assert!(matches_all(&f, |c| filter_matches(&lee, c)));
        assert!(parse_filter("startswith(jobTitle,'x')").is_err());
        assert!(parse_filter("displayName ne 'x'").is_err());
        assert!(parse_filter("startswith(displayName,'x'").is_err());
        assert!(parse_filter("startswith(displayName,'x') xor mail eq 'y'").is_err());
    }
}
