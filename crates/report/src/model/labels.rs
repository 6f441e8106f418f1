//! The summary and the words for codes (limits, kinds of mail app).

// The parent's imports and the siblings' items: one model module, split by concern.
#[allow(unused_imports)]
use super::*;

/// Plain words for a limit in `lang`: one arm per limit, so a new one cannot go unnamed.
pub fn limit_label(limit: Limit, lang: Lang) -> String {
    let w = Words::of(lang);
    match limit {
        Limit::MapiSessionsPerUser => w.t("report.limit.mapi_sessions_per_user", &[]),
        Limit::ServiceSessionsPerUser => w.t("report.limit.service_sessions_per_user", &[]),
        Limit::RpcClientAccessConcurrency => w.t("report.limit.rpc_client_access_concurrency", &[]),
        Limit::EwsConcurrency => w.t("report.limit.ews_concurrency", &[]),
        Limit::ImapConnections => w.t("report.limit.imap_connections", &[]),
        Limit::MobileDevicePartnerships => w.t("report.limit.mobile_device_partnerships", &[]),
        Limit::ExchangePowerShellSessions => w.t("report.limit.exchange_power_shell_sessions", &[]),
        Limit::SimpleMapiSessions => w.t("report.limit.simple_mapi_sessions", &[]),
        Limit::AuthenticationConcurrency => w.t("report.limit.authentication_concurrency", &[]),
        Limit::AllowedSessions => w.t("report.limit.allowed_sessions", &[]),
    }
}

pub(super) fn summary(input: &ReportInput, limit: &Option<LimitView>) -> Summary {
    let w = Words::of(input.lang);
    let findings = count(input.findings.len());
    let high_findings = count(
        input
            .findings
            .iter()
            .filter(|f| f.severity == Severity::High)
            .count(),
    );
    let steps_done = count(
        input
            .steps
            .iter()
            .filter(|s| s.status == StepStatus::Done)
            .count(),
    );
    let repairs_undone = count(input.repairs.iter().filter(|r| r.undone).count());
    let mut parts = Vec::new();
    parts.push(match (findings, high_findings) {
        (0, _) => w.t("report.summary.none", &[]),
        (1, 1) => w.t("report.summary.one_high", &[]),
        (n, 0) | (n @ 1, _) => w.count("report.summary.findings", u64::from(n), &[]),
        (n, h) => w.t("report.summary.findings_high", &[("n", &n), ("high", &h)]),
    });
    if let Some(l) = limit {
        parts.push(w.t(
            "report.summary.limit",
            &[("label", &l.label), ("counts", &l.counts(input.lang))],
        ));
    }
    if !input.steps.is_empty() {
        parts.push(w.t(
            "report.summary.steps",
            &[("done", &steps_done), ("total", &input.steps.len())],
        ));
    }
    if !input.repairs.is_empty() {
        parts.push(w.count("report.summary.repairs", input.repairs.len() as u64, &[]));
    }
    Summary {
        error: input
            .error_message
            .as_deref()
            .map(str::trim)
            .filter(|m| !m.is_empty())
            .map(clip)
            .unwrap_or_else(|| w.t("report.default_error", &[])),
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
pub(super) const OUTLOOK_KINDS: &[ClientKind] = &[
    ClientKind::ClassicOutlook,
    ClientKind::NewOutlook,
    ClientKind::OutlookMac,
    ClientKind::OutlookWebApp,
    ClientKind::WindowsMail,
];

/// Other clients, in the order the report lists them.
pub(super) const OTHER_KINDS: &[ClientKind] = &[
    ClientKind::Teams,
    ClientKind::Thunderbird,
    ClientKind::Evolution,
    ClientKind::EmClient,
    ClientKind::AppleMail,
    ClientKind::ProspectMail,
    ClientKind::MapiClient,
];

/// Plain name of a client kind, in `lang`.
pub fn client_label(kind: ClientKind, lang: Lang) -> String {
    let w = Words::of(lang);
    match kind {
        ClientKind::ClassicOutlook => w.t("report.client.classic_outlook", &[]),
        ClientKind::NewOutlook => w.t("report.client.new_outlook", &[]),
        ClientKind::WindowsMail => w.t("report.client.windows_mail", &[]),
        ClientKind::OutlookMac => w.t("report.client.outlook_mac", &[]),
        ClientKind::Teams => w.t("report.client.teams", &[]),
        ClientKind::OutlookWebApp => w.t("report.client.outlook_web_app", &[]),
        ClientKind::Thunderbird => w.t("report.client.thunderbird", &[]),
        ClientKind::Evolution => w.t("report.client.evolution", &[]),
        ClientKind::EmClient => w.t("report.client.em_client", &[]),
        ClientKind::AppleMail => w.t("report.client.apple_mail", &[]),
        ClientKind::ProspectMail => w.t("report.client.prospect_mail", &[]),
        ClientKind::MapiClient => w.t("report.client.mapi_client", &[]),
    }
}
