//! "Copy for a ticket": a short plain-text summary for a help-desk ticket.

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
/// what was done, before and now, the environment and the first admin command.
pub fn ticket_summary(report: &Report) -> String {
    let mut lines: Vec<String> = Vec::new();
    lines.push(line(&format!(
        "Session Doctor report, {} ({})",
        report.generated_at,
        if report.redacted {
            "personal data redacted"
        } else {
            "includes personal data"
        }
    )));
    if let Some(a) = &report.account {
        lines.push(line(&format!("Account: {a}")));
    }
    lines.push(line(&format!("Error: {}", report.summary.error)));
    for (label, said) in report.answers.lines() {
        lines.push(line(&format!("{label} (the user's answer): {said}")));
    }
    if let Some(l) = &report.limit {
        lines.push(line(&format!("Likely limit: {} ({})", l.label, l.counts())));
        if !l.reason.is_empty() {
            lines.push(line(&format!("Why: {}", l.reason)));
        }
    }
    let total = report.summary.findings;
    if total == 0 {
        lines.push("Findings: none".to_owned());
    } else {
        lines.push(line(&format!(
            "Findings ({total}, {} high):",
            report.summary.high_findings
        )));
        for f in report.findings.iter().take(TICKET_FINDINGS) {
            lines.push(line(&format!("- [{}] {}", f.severity, f.title)));
        }
        let shown = report.findings.len().min(TICKET_FINDINGS);
        let more = (total as usize).saturating_sub(shown);
        if more > 0 {
            lines.push(format!("- and {more} more"));
        }
    }
    if report.summary.steps_total > 0 {
        let done: Vec<&str> = report
            .steps
            .iter()
            .filter(|s| s.status == "done")
            .map(|s| s.title.as_str())
            .collect();
        let mut text = format!(
            "Steps done: {} of {}",
            report.summary.steps_done, report.summary.steps_total
        );
        if !done.is_empty() {
            text.push_str(&format!(" ({})", done.join("; ")));
        }
        lines.push(line(&text));
    }
    if report.summary.repairs > 0 {
        let mut text = format!("Repairs: {} made", report.summary.repairs);
        if report.summary.repairs_undone > 0 {
            text.push_str(&format!(", {} undone", report.summary.repairs_undone));
        }
        if let Some(last) = report.repairs.last() {
            text.push_str(&format!("; last: {} ({})", last.what, last.result));
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
        lines.push(line(&format!("Before -> now: {}", measures.join("; "))));
    }
    let env = &report.environment;
    let mut system = env.os.clone();
    if let Some(v) = &env.os_version {
        system.push(' ');
        system.push_str(v);
    }
    let outlook: Vec<String> = env
        .outlook
        .iter()
        .map(|c| {
            format!(
                "{} {} ({} open)",
                c.label,
                c.version.as_deref().unwrap_or("version unknown"),
                c.running
            )
        })
        .collect();
    lines.push(line(&format!("System: {system}")));
    if !outlook.is_empty() {
        lines.push(line(&format!("Outlook: {}", outlook.join("; "))));
    }
    if !report.sign_ins.is_empty() || !report.devices.is_empty() {
        lines.push(line(&format!(
            "Microsoft 365: {} devices, {} recent sign-ins ({} failed)",
            report.devices.len() as u64 + u64::from(report.devices_left_out),
            report.sign_ins.len() as u64 + u64::from(report.sign_ins_left_out),
            report.sign_ins.iter().filter(|s| !s.success).count(),
        )));
    }
    match report.admin_commands.first() {
        Some(c) => {
            lines.push(line(&format!("For IT: {}", c.command)));
            lines.push(line(&format!("  Applies: {}", c.applies_when)));
        }
        None => {
            if let Some(n) = &report.admin_note {
                lines.push(line(&format!("For IT: {n}")));
            }
        }
    }
    lines.push(line(&format!(
        "Session Doctor {}; full report attached (HTML or JSON).",
        env.app_version
    )));
    let mut text = lines.join("\n");
    text.push('\n');
    text
}
