//! "Copy for a ticket": a short plain-text summary for a help-desk ticket.

use words::Words;

use crate::html::severity_word;
use crate::model::Report;

/// Longest line of the ticket text, in characters.
const MAX_TICKET_LINE: usize = 240;
/// Findings listed by name.
const TICKET_FINDINGS: usize = 5;
/// Measures listed on the "before -> now" line.
const TICKET_MEASURES: usize = 4;

/// One line, at most [`MAX_TICKET_LINE`] characters.
fn line(s: &str) -> String {
    let flat: String = s
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let flat = flat.trim_end();
    if flat.chars().count() <= MAX_TICKET_LINE {
        return flat.to_owned();
    }
    let mut cut: String = flat.chars().take(MAX_TICKET_LINE - 1).collect();
    cut.push('\u{2026}');
    cut
}

/// Plain text of at most about 25 lines: the error, the likely limit, the top findings,
/// what was done, before and now, the environment and the first admin command, in the
/// report's language.
pub fn ticket_summary(report: &Report) -> String {
    let w = Words::of(report.lang);
    let mut lines: Vec<String> = Vec::new();
    let personal = if report.redacted {
        w.t("report.ticket.redacted", &[])
    } else {
        w.t("report.ticket.personal", &[])
    };
    lines.push(line(&w.t(
        "report.ticket.head",
        &[("when", &report.generated_at), ("personal", &personal)],
    )));
    if let Some(a) = &report.account {
        lines.push(line(&w.t("report.ticket.account", &[("account", a)])));
    }
    lines.push(line(
        &w.t("report.ticket.error", &[("error", &report.summary.error)]),
    ));
    for (label, said) in report.answers.lines(report.lang) {
        lines.push(line(&w.t(
            "report.ticket.answer",
            &[("label", &label), ("said", &said)],
        )));
    }
    if let Some(l) = &report.limit {
        lines.push(line(&w.t(
            "report.ticket.limit",
            &[("label", &l.label), ("counts", &l.counts(report.lang))],
        )));
        if !l.reason.is_empty() {
            lines.push(line(&w.t("report.ticket.why", &[("reason", &l.reason)])));
        }
    }
    let total = report.summary.findings;
    if total == 0 {
        lines.push(w.t("report.ticket.no_findings", &[]));
    } else {
        lines.push(line(&w.t(
            "report.ticket.findings",
            &[("total", &total), ("high", &report.summary.high_findings)],
        )));
        for f in report.findings.iter().take(TICKET_FINDINGS) {
            let severity = severity_word(w, f.severity);
            lines.push(line(&format!("- [{severity}] {}", f.title)));
        }
        let shown = report.findings.len().min(TICKET_FINDINGS);
        let more = (total as usize).saturating_sub(shown);
        if more > 0 {
            lines.push(format!("- {}", w.t("report.more", &[("n", &more)])));
        }
    }
    if report.summary.steps_total > 0 {
        let done: Vec<&str> = report
            .steps
            .iter()
            .filter(|s| s.status == domain::StepStatus::Done)
            .map(|s| s.title.as_str())
            .collect();
        let mut text = w.t(
            "report.ticket.steps",
            &[
                ("done", &report.summary.steps_done),
                ("total", &report.summary.steps_total),
            ],
        );
        if !done.is_empty() {
            text.push_str(&format!(" ({})", done.join("; ")));
        }
        lines.push(line(&text));
    }
    if report.summary.repairs > 0 {
        let mut text = w.t("report.ticket.repairs", &[("n", &report.summary.repairs)]);
        if report.summary.repairs_undone > 0 {
            text.push_str(", ");
            text.push_str(&w.t(
                "report.ticket.repairs_undone",
                &[("n", &report.summary.repairs_undone)],
            ));
        }
        if let Some(last) = report.repairs.last() {
            text.push_str("; ");
            text.push_str(&w.t(
                "report.ticket.repairs_last",
                &[("what", &last.what), ("result", &last.result)],
            ));
        }
        lines.push(line(&text));
    }
    if !report.before_after.is_empty() {
        let measures: Vec<String> = report
            .before_after
            .iter()
            .take(TICKET_MEASURES)
            .map(|m| format!("{} {} -> {}", m.label, m.before, m.now))
            .collect();
        lines.push(line(&w.t(
            "report.ticket.before_now",
            &[("list", &measures.join("; "))],
        )));
    }
    let env = &report.environment;
    let mut system = env.os.clone();
    if let Some(v) = &env.os_version {
        system.push(' ');
        system.push_str(v);
    }
    let unknown = w.t("report.ticket.version_unknown", &[]);
    let outlook: Vec<String> = env
        .outlook
        .iter()
        .map(|c| {
            w.count(
                "report.ticket.client",
                u64::from(c.running),
                &[
                    ("label", &c.label),
                    ("version", &c.version.as_deref().unwrap_or(&unknown)),
                ],
            )
        })
        .collect();
    lines.push(line(&w.t("report.ticket.system", &[("system", &system)])));
    if !outlook.is_empty() {
        lines.push(line(
            &w.t("report.ticket.outlook", &[("list", &outlook.join("; "))]),
        ));
    }
    if !report.sign_ins.is_empty() || !report.devices.is_empty() {
        lines.push(line(&w.t(
            "report.ticket.m365",
            &[
                (
                    "devices",
                    &(report.devices.len() as u64 + u64::from(report.devices_left_out)),
                ),
                (
                    "sign_ins",
                    &(report.sign_ins.len() as u64 + u64::from(report.sign_ins_left_out)),
                ),
                (
                    "failed",
                    &report.sign_ins.iter().filter(|s| !s.success).count(),
                ),
            ],
        )));
    }
    match report.admin_commands.first() {
        Some(c) => {
            lines.push(line(&w.t("report.ticket.for_it", &[("text", &c.command)])));
            lines.push(line(&format!(
                "  {}",
                w.t("report.ticket.applies", &[("when", &c.applies_when)])
            )));
        }
        None => {
            if let Some(n) = &report.admin_note {
                lines.push(line(&w.t("report.ticket.for_it", &[("text", n)])));
            }
        }
    }
    lines.push(line(
        &w.t("report.ticket.footer", &[("version", &env.app_version)]),
    ));
    let mut text = lines.join("\n");
    text.push('\n');
    text
}
