//! The summary and the words for codes (limits, kinds of mail app).

// The parent's imports and the siblings' items: one model module, split by concern.
#[allow(unused_imports)]
use super::*;

/// Plain words for the doctor's limit codes; other text is shown as given.
pub fn limit_label(code: &str) -> String {
    match code {
        "mapi_sessions_per_user" => "MAPI sessions per user (Exchange store)",
        "service_sessions_per_user" => "Service sessions per user (IMAP, POP, OWA, EAS, EWS)",
        "rpc_client_access_concurrency" => "RPC Client Access concurrency (RCAMaxConcurrency)",
        "ews_concurrency" => "EWS concurrency (ErrorExceededConnectionCount)",
        "imap_connections" => "IMAP connections (Exchange Online)",
        "mobile_device_partnerships" => "Mobile device partnerships per mailbox",
        "exchange_power_shell_sessions" | "exchange_powershell_sessions" => {
            "Exchange Online PowerShell sessions"
        }
        "simple_mapi_sessions" => "Simple MAPI sessions (MAPI_E_TOO_MANY_SESSIONS)",
        "authentication_concurrency" => "Exchange Online authentication concurrency",
        "allowed_sessions" => "Allowed sessions (most often the MAPI or service session limit)",
        other => return other.replace('_', " "),
    }
    .to_owned()
}

pub(super) fn summary(input: &ReportInput, limit: &Option<LimitView>) -> Summary {
    let findings = count(input.findings.len());
    let high_findings = count(
        input
            .findings
            .iter()
            .filter(|f| f.severity.eq_ignore_ascii_case("high"))
            .count(),
    );
    let steps_done = count(input.steps.iter().filter(|s| s.status == "done").count());
    let repairs_undone = count(input.repairs.iter().filter(|r| r.undone).count());
    let mut parts = Vec::new();
    parts.push(match (findings, high_findings) {
        (0, _) => "No cause found on this computer or account".to_owned(),
        (1, 1) => "1 finding, high severity".to_owned(),
        (1, _) => "1 finding".to_owned(),
        (n, 0) => format!("{n} findings"),
        (n, h) => format!("{n} findings, {h} of high severity"),
    });
    if let Some(l) = limit {
        parts.push(format!("likely limit: {} ({})", l.label, l.counts()));
    }
    if !input.steps.is_empty() {
        parts.push(format!("{steps_done} of {} steps done", input.steps.len()));
    }
    if !input.repairs.is_empty() {
        parts.push(format!(
            "{} repair{} made",
            input.repairs.len(),
            if input.repairs.len() == 1 { "" } else { "s" }
        ));
    }
    Summary {
        error: input
            .error_message
            .as_deref()
            .map(str::trim)
            .filter(|m| !m.is_empty())
            .map(clip)
            .unwrap_or_else(|| DEFAULT_ERROR.to_owned()),
        headline: format!("{}.", parts.join("; ")),
        findings,
        high_findings,
        steps_done,
        steps_total: count(input.steps.len()),
        repairs: count(input.repairs.len()),
        repairs_undone,
    }
}

/// Outlook variants, in the order the report lists them.
pub(super) const OUTLOOK_KINDS: &[&str] = &[
    "classic_outlook",
    "new_outlook",
    "outlook_mac",
    "outlook_web_app",
    "windows_mail",
];

/// Other clients, in the order the report lists them.
pub(super) const OTHER_KINDS: &[&str] = &[
    "teams",
    "thunderbird",
    "evolution",
    "em_client",
    "apple_mail",
    "prospect_mail",
    "mapi_client",
];

/// Plain name of a client kind.
pub fn client_label(kind: &str) -> String {
    match kind {
        "classic_outlook" => "Classic Outlook for Windows",
        "new_outlook" => "New Outlook for Windows",
        "windows_mail" => "Windows Mail and Calendar",
        "outlook_mac" => "Outlook for Mac",
        "teams" => "Microsoft Teams",
        "outlook_web_app" => "Outlook installed as a web app",
        "thunderbird" => "Thunderbird",
        "evolution" => "Evolution",
        "em_client" => "eM Client",
        "apple_mail" => "Apple Mail",
        "prospect_mail" => "Prospect Mail",
        "mapi_client" => "Programs using Outlook's MAPI",
        other => return other.replace('_', " "),
    }
    .to_owned()
}
