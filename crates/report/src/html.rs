//! The report as one self-contained HTML page: inline CSS (print and dark variants), no
//! script, no external resource, a Content-Security-Policy that forbids loading anything,
//! and every piece of text escaped.

use std::fmt::Write;

use domain::{Severity, StepStatus, Track};
use words::Words;

use crate::model::{ClientLine, Report};

const CSS: &str = r#"
:root { color-scheme: light dark; --fg: #1b1b1f; --bg: #ffffff; --muted: #5c5f66; --line: #d9dbe0; --card: #f5f6f8; --high: #b3261e; --medium: #8a5a00; --low: #2f6f3e; --accent: #0f5cc0; }
@media (prefers-color-scheme: dark) {
  :root { --fg: #e6e6ea; --bg: #16171a; --muted: #a3a6ad; --line: #34363c; --card: #1f2125; --high: #ff8a80; --medium: #ffcc66; --low: #8fd19e; --accent: #8ab4f8; }
}
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--fg); font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width: 60rem; margin: 0 auto; padding: 1.5rem; }
h1 { font-size: 1.6rem; margin: 0 0 .25rem; }
h2 { font-size: 1.2rem; margin: 2rem 0 .5rem; padding-bottom: .25rem; border-bottom: 1px solid var(--line); }
h3 { font-size: 1rem; margin: 1rem 0 .25rem; }
.meta, .muted { color: var(--muted); }
.badge { display: inline-block; padding: 0 .5rem; border-radius: .75rem; font-size: .8rem; font-weight: 600; border: 1px solid currentColor; margin-right: .4rem; }
.sev-high .badge { color: var(--high); } .sev-medium .badge { color: var(--medium); } .sev-low .badge { color: var(--low); }
.card { background: var(--card); border: 1px solid var(--line); border-radius: .5rem; padding: .75rem 1rem; margin: .75rem 0; break-inside: avoid; page-break-inside: avoid; }
.redacted { display: inline-block; margin-top: .25rem; padding: .15rem .6rem; border-radius: .3rem; background: var(--card); border: 1px solid var(--line); }
table { border-collapse: collapse; width: 100%; margin: .5rem 0; font-size: .9rem; }
th, td { text-align: left; vertical-align: top; padding: .3rem .5rem; border-bottom: 1px solid var(--line); overflow-wrap: anywhere; }
th { color: var(--muted); font-weight: 600; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; margin: .5rem 0; }
dt { color: var(--muted); } dd { margin: 0; overflow-wrap: anywhere; }
pre { background: var(--card); border: 1px solid var(--line); border-radius: .4rem; padding: .6rem .8rem; white-space: pre-wrap; overflow-wrap: anywhere; font: .85rem/1.4 ui-monospace, "Cascadia Mono", Consolas, Menlo, monospace; }
.relevant { color: var(--accent); font-weight: 600; }
ul { margin: .25rem 0; padding-left: 1.25rem; }
footer { margin-top: 2rem; font-size: .85rem; color: var(--muted); }
@media print {
  :root { --fg: #000; --bg: #fff; --muted: #444; --line: #bbb; --card: #fff; --accent: #000; }
  body { font-size: 11pt; }
  main { max-width: none; padding: 0; }
  h2 { break-after: avoid; page-break-after: avoid; }
  table, pre, .card { break-inside: avoid; page-break-inside: avoid; }
}
"#;

/// Escapes text for HTML element content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn yes_no(w: &Words, b: Option<bool>) -> String {
    match b {
        Some(true) => w.t("report.yes", &[]),
        Some(false) => w.t("report.no", &[]),
        None => w.t("report.unknown", &[]),
    }
}

/// Escapes the catalog's own words for element content: `&`, `<` and `>` (its apostrophes
/// and quotes need none there).
fn text(words: &str) -> String {
    let mut out = String::with_capacity(words.len());
    for c in words.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
    out
}

/// `<table>` with a header row; cells are escaped here.
fn table(out: &mut String, head: &[String], rows: impl IntoIterator<Item = Vec<String>>) {
    out.push_str("<table><thead><tr>");
    for h in head {
        let _ = write!(out, "<th>{}</th>", escape(h));
    }
    out.push_str("</tr></thead><tbody>");
    for row in rows {
        out.push_str("<tr>");
        for cell in row {
            let _ = write!(out, "<td>{}</td>", escape(&cell));
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table>");
}

/// "N more … not shown.", `text` being the counted sentence already in words.
fn left_out(out: &mut String, n: u32, text: String) {
    if n > 0 {
        let _ = write!(out, "<p class=\"muted\">{}</p>", escape(&text));
    }
}

fn clients_table(out: &mut String, w: &Words, clients: &[ClientLine]) {
    table(
        out,
        &[
            w.t("report.col.client", &[]),
            w.t("report.col.version", &[]),
            w.t("report.col.open_windows", &[]),
            w.t("report.col.accounts", &[]),
            w.t("report.col.m365", &[]),
        ],
        clients.iter().map(|c| {
            vec![
                c.label.clone(),
                c.version
                    .clone()
                    .unwrap_or_else(|| w.t("report.unknown", &[])),
                c.running.to_string(),
                c.accounts.to_string(),
                c.microsoft_365_connections
                    .map(|n| n.to_string())
                    .unwrap_or_else(|| w.t("report.not_measured", &[])),
            ]
        }),
    );
}

/// A finding's severity in words.
pub(crate) fn severity_word(w: &Words, severity: Severity) -> String {
    match severity {
        Severity::High => w.t("report.severity.high", &[]),
        Severity::Medium => w.t("report.severity.medium", &[]),
        Severity::Low => w.t("report.severity.low", &[]),
    }
}

/// A severity's CSS class (`sev-high`), the JSON's spelling.
fn severity_class(severity: Severity) -> &'static str {
    match severity {
        Severity::High => "high",
        Severity::Medium => "medium",
        Severity::Low => "low",
    }
}

fn track_word(w: &Words, track: Track) -> String {
    match track {
        Track::Work => w.t("report.track.work", &[]),
        Track::Personal => w.t("report.track.personal", &[]),
        Track::Admin => w.t("report.track.admin", &[]),
    }
}

fn status_word(w: &Words, status: StepStatus) -> String {
    match status {
        StepStatus::Done => w.t("report.status.done", &[]),
        StepStatus::Skipped => w.t("report.status.skipped", &[]),
        StepStatus::Pending => w.t("report.status.pending", &[]),
    }
}

/// The whole page, in the report's language.
pub fn to_html(report: &Report) -> String {
    let w = Words::of(report.lang);
    let n = |x: u32| u64::from(x);
    let mut out = String::with_capacity(16 * 1024);
    let title = match &report.account {
        Some(a) => w.t("report.doc.title_account", &[("account", a)]),
        None => w.t("report.doc.title", &[]),
    };
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n",
        report.lang.code()
    );
    out.push_str("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n");
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    out.push_str("<meta name=\"referrer\" content=\"no-referrer\">\n");
    let _ = writeln!(out, "<title>{}</title>", escape(&title));
    let _ = writeln!(out, "<style>{CSS}</style>\n</head>\n<body>\n<main>");

    // Header.
    let _ = write!(
        out,
        "<header><h1>{}</h1>",
        escape(&w.t("report.doc.title", &[]))
    );
    let _ = write!(
        out,
        "<p class=\"meta\">{}</p>",
        escape(&w.t(
            "report.doc.made",
            &[
                ("when", &report.generated_at),
                ("version", &report.environment.app_version)
            ],
        ))
    );
    let _ = write!(
        out,
        "<p class=\"redacted\">{}</p>",
        escape(&if report.redacted {
            w.t("report.doc.redacted", &[])
        } else {
            w.t("report.doc.personal", &[])
        })
    );
    out.push_str("</header>\n");

    // Summary.
    let _ = write!(
        out,
        "<section id=\"summary\"><h2>{}</h2>",
        text(&w.t("report.section.summary", &[]))
    );
    let _ = write!(out, "<p>{}</p><dl>", escape(&report.summary.headline));
    if let Some(a) = &report.account {
        let _ = write!(
            out,
            "<dt>{}</dt><dd>{}</dd>",
            escape(&w.t("report.field.account", &[])),
            escape(a)
        );
    }
    let _ = write!(
        out,
        "<dt>{}</dt><dd>{}</dd>",
        escape(&w.t("report.field.error", &[])),
        escape(&report.summary.error)
    );
    // What the user told the guided fix, marked as theirs (the app did not measure it).
    for (label, said) in report.answers.lines(report.lang) {
        let _ = write!(
            out,
            "<dt>{}</dt><dd>{} <span class=\"muted\">{}</span></dd>",
            escape(&label),
            escape(&said),
            escape(&w.t("report.user_answer", &[]))
        );
    }
    if let Some(l) = &report.limit {
        let _ = write!(
            out,
            "<dt>{}</dt><dd>{}",
            escape(&w.t("report.field.likely_limit", &[])),
            escape(&l.label)
        );
        let _ = write!(out, " \u{2014} {}", escape(&l.counts(report.lang)));
        let _ = write!(
            out,
            "</dd><dt>{}</dt><dd>{}</dd>",
            escape(&w.t("report.field.why", &[])),
            escape(&l.reason)
        );
    }
    out.push_str("</dl></section>\n");

    // Findings.
    let _ = write!(
        out,
        "<section id=\"findings\"><h2>{}</h2>",
        text(&w.t("report.section.findings", &[]))
    );
    if report.findings.is_empty() {
        let _ = write!(
            out,
            "<p class=\"muted\">{}</p>",
            escape(&w.t("report.no_findings", &[]))
        );
    }
    for f in &report.findings {
        let _ = write!(
            out,
            "<div class=\"card sev-{}\"><h3><span class=\"badge\">{}</span>{}</h3>",
            severity_class(f.severity),
            escape(&severity_word(w, f.severity)),
            escape(&f.title)
        );
        if !f.evidence.is_empty() {
            out.push_str("<ul>");
            for e in &f.evidence {
                let _ = write!(out, "<li>{}</li>", escape(e));
            }
            out.push_str("</ul>");
        }
        if !f.advice.is_empty() {
            let _ = write!(
                out,
                "<p>{}</p><ol>",
                escape(&w.t("report.what_you_can_do", &[]))
            );
            for a in &f.advice {
                let _ = write!(out, "<li>{}</li>", escape(a));
            }
            out.push_str("</ol>");
        }
        // The step by its title: an id like `restart_outlook_here` means nothing to a reader.
        if let Some(title) = &f.step_title {
            let _ = write!(
                out,
                "<p class=\"muted\">{}</p>",
                escape(&w.t("report.fixed_by_step", &[("title", title)]))
            );
        }
        out.push_str("</div>");
    }
    left_out(
        &mut out,
        report.findings_left_out,
        w.count("report.left_out.findings", n(report.findings_left_out), &[]),
    );
    out.push_str("</section>\n");

    // Steps, repairs, before and now.
    if !report.steps.is_empty() {
        let _ = write!(
            out,
            "<section id=\"steps\"><h2>{}</h2>",
            text(&w.t("report.section.steps", &[]))
        );
        table(
            &mut out,
            &[
                w.t("report.col.step", &[]),
                w.t("report.col.track", &[]),
                w.t("report.col.status", &[]),
            ],
            report.steps.iter().map(|s| {
                vec![
                    s.title.clone(),
                    track_word(w, s.track),
                    status_word(w, s.status),
                ]
            }),
        );
        out.push_str("</section>\n");
    }
    if !report.repairs.is_empty() {
        let _ = write!(
            out,
            "<section id=\"repairs\"><h2>{}</h2>",
            text(&w.t("report.section.repairs", &[]))
        );
        left_out(
            &mut out,
            report.repairs_left_out,
            w.count("report.left_out.repairs", n(report.repairs_left_out), &[]),
        );
        table(
            &mut out,
            &[
                w.t("report.col.when", &[]),
                w.t("report.col.what", &[]),
                w.t("report.col.result", &[]),
                w.t("report.col.undone", &[]),
            ],
            report.repairs.iter().map(|r| {
                vec![
                    r.when.clone(),
                    r.what.clone(),
                    r.result.clone(),
                    yes_no(w, Some(r.undone)),
                ]
            }),
        );
        out.push_str("</section>\n");
    }
    if !report.before_after.is_empty() {
        let _ = write!(
            out,
            "<section id=\"before-after\"><h2>{}</h2>",
            escape(&w.t("verify.title", &[]))
        );
        table(
            &mut out,
            &[
                w.t("report.col.measure", &[]),
                w.t("report.col.before", &[]),
                w.t("report.col.now", &[]),
            ],
            report
                .before_after
                .iter()
                .map(|m| vec![m.label.clone(), m.before.to_string(), m.now.to_string()]),
        );
        out.push_str("</section>\n");
    }

    // Environment.
    let env = &report.environment;
    let _ = write!(
        out,
        "<section id=\"environment\"><h2>{}</h2><dl>",
        text(&w.t("report.section.environment", &[]))
    );
    let os = match &env.os_version {
        Some(v) => format!("{} {v}", env.os),
        None => env.os.clone(),
    };
    let field = |out: &mut String, label: String, value: &str| {
        let _ = write!(out, "<dt>{}</dt><dd>{}</dd>", escape(&label), escape(value));
    };
    field(&mut out, w.t("report.field.system", &[]), &os);
    if let Some(c) = &env.computer {
        field(&mut out, w.t("report.field.computer", &[]), c);
    }
    let _ = write!(
        out,
        "<dt>Session Doctor</dt><dd>{}</dd>",
        escape(&env.app_version)
    );
    if let Some(d) = &env.m365_ranges_date {
        field(&mut out, w.t("report.field.m365_list", &[]), d);
    }
    out.push_str("</dl>");
    out.push_str("<h3>Outlook</h3>");
    if env.outlook.is_empty() {
        let _ = write!(
            out,
            "<p class=\"muted\">{}</p>",
            escape(&w.t("report.no_outlook", &[]))
        );
    } else {
        clients_table(&mut out, w, &env.outlook);
    }
    if !env.other_clients.is_empty() {
        let _ = write!(
            out,
            "<h3>{}</h3>",
            text(&w.t("report.section.other_clients", &[]))
        );
        clients_table(&mut out, w, &env.other_clients);
    }
    if !env.scan_problems.is_empty() {
        let _ = write!(
            out,
            "<h3>{}</h3><ul>",
            text(&w.t("report.section.scan_problems", &[]))
        );
        for p in &env.scan_problems {
            let _ = write!(out, "<li>{}</li>", escape(p));
        }
        out.push_str("</ul>");
    }
    out.push_str("</section>\n");

    // This computer's accounts.
    if !report.profiles.is_empty() {
        let _ = write!(
            out,
            "<section id=\"profiles\"><h2>{}</h2>",
            text(&w.t("report.section.profiles", &[]))
        );
        table(
            &mut out,
            &[
                w.t("report.col.profile", &[]),
                w.t("report.col.version", &[]),
                w.t("report.col.default", &[]),
                w.t("report.col.accounts", &[]),
                w.t("report.col.shared_mailboxes", &[]),
                w.t("report.col.same_account", &[]),
                w.t("report.col.cached_mode", &[]),
                w.t("report.col.download_shared", &[]),
            ],
            report.profiles.iter().map(|p| {
                vec![
                    p.name.clone(),
                    p.version.clone(),
                    yes_no(w, Some(p.is_default)),
                    p.accounts.join("; "),
                    p.shared_mailboxes.to_string(),
                    p.duplicate_of.join(", "),
                    yes_no(w, p.cached_mode),
                    yes_no(w, p.download_shared_folders),
                ]
            }),
        );
        left_out(
            &mut out,
            report.profiles_left_out,
            w.count("report.left_out.profiles", n(report.profiles_left_out), &[]),
        );
        out.push_str("</section>\n");
    }
    if !report.other_accounts.is_empty() {
        let _ = write!(
            out,
            "<section id=\"other-accounts\"><h2>{}</h2>",
            text(&w.t("report.section.other_accounts", &[]))
        );
        table(
            &mut out,
            &[
                w.t("report.col.app", &[]),
                w.t("report.col.address", &[]),
                w.t("report.col.server", &[]),
                w.t("report.col.type", &[]),
            ],
            report.other_accounts.iter().map(|a| {
                vec![
                    a.client.clone(),
                    a.email.clone().unwrap_or_default(),
                    a.host.clone().unwrap_or_default(),
                    a.account_type.clone().unwrap_or_default(),
                ]
            }),
        );
        left_out(
            &mut out,
            report.other_accounts_left_out,
            w.count(
                "report.left_out.accounts",
                n(report.other_accounts_left_out),
                &[],
            ),
        );
        out.push_str("</section>\n");
    }

    // The account's devices and sign-ins.
    if !report.devices.is_empty() {
        let _ = write!(
            out,
            "<section id=\"devices\"><h2>{}</h2>",
            text(&w.t("report.section.devices", &[]))
        );
        table(
            &mut out,
            &[
                w.t("report.col.device", &[]),
                w.t("report.col.system", &[]),
                w.t("report.col.joined", &[]),
                w.t("report.col.last_sign_in", &[]),
                w.t("report.col.managed", &[]),
                w.t("report.col.compliant", &[]),
            ],
            report.devices.iter().map(|d| {
                vec![
                    d.name
                        .clone()
                        .unwrap_or_else(|| w.t("report.not_readable", &[])),
                    d.operating_system.clone().unwrap_or_default(),
                    d.trust.clone().unwrap_or_default(),
                    d.last_sign_in.clone().unwrap_or_default(),
                    yes_no(w, d.managed),
                    yes_no(w, d.compliant),
                ]
            }),
        );
        left_out(
            &mut out,
            report.devices_left_out,
            w.count("report.left_out.devices", n(report.devices_left_out), &[]),
        );
        out.push_str("</section>\n");
    }
    if !report.sign_ins.is_empty() {
        let _ = write!(
            out,
            "<section id=\"sign-ins\"><h2>{}</h2>",
            text(&w.t("report.section.sign_ins", &[]))
        );
        table(
            &mut out,
            &[
                w.t("report.col.when", &[]),
                w.t("report.col.app", &[]),
                w.t("report.col.client_app", &[]),
                w.t("report.col.device", &[]),
                w.t("report.col.system", &[]),
                w.t("report.col.place", &[]),
                w.t("report.col.ip", &[]),
                w.t("report.col.result", &[]),
            ],
            report.sign_ins.iter().map(|s| {
                vec![
                    s.when.clone(),
                    s.app.clone(),
                    s.client_app.clone(),
                    s.device.clone().unwrap_or_default(),
                    [s.operating_system.as_deref(), s.browser.as_deref()]
                        .into_iter()
                        .flatten()
                        .collect::<Vec<_>>()
                        .join(", "),
                    s.location.clone().unwrap_or_default(),
                    s.ip.clone().unwrap_or_default(),
                    match &s.error {
                        Some(e) => w.t("report.sign_in.failed", &[("error", e)]),
                        None => w.t("report.sign_in.success", &[]),
                    },
                ]
            }),
        );
        left_out(
            &mut out,
            report.sign_ins_left_out,
            w.count("report.left_out.sign_ins", n(report.sign_ins_left_out), &[]),
        );
        out.push_str("</section>\n");
    }
    if !report.cloud_notes.is_empty() {
        let _ = write!(
            out,
            "<section id=\"cloud-notes\"><h2>{}</h2><ul>",
            text(&w.t("report.section.cloud_notes", &[]))
        );
        for n in &report.cloud_notes {
            let _ = write!(out, "<li>{}</li>", escape(n));
        }
        out.push_str("</ul></section>\n");
    }

    // For IT.
    let _ = write!(
        out,
        "<section id=\"admin\"><h2>{}</h2>",
        text(&w.t("report.section.admin", &[]))
    );
    if let Some(note) = &report.admin_note {
        let _ = write!(out, "<p>{}</p>", escape(note));
    }
    for c in &report.admin_commands {
        let _ = write!(out, "<div class=\"card\"><h3>{}", escape(&c.title));
        if c.relevant {
            let _ = write!(
                out,
                " <span class=\"relevant\">{}</span>",
                escape(&w.t("report.fits", &[]))
            );
        }
        let _ = write!(
            out,
            "</h3><p class=\"muted\">{}</p><pre><code>{}</code></pre></div>",
            escape(&c.applies_when),
            escape(&c.command)
        );
    }
    out.push_str("</section>\n");

    let personal = if report.redacted {
        w.t("report.doc.footer_redacted", &[])
    } else {
        w.t("report.doc.footer_personal", &[])
    };
    let _ = write!(
        out,
        "<footer>{}</footer>\n</main>\n</body>\n</html>\n",
        escape(&w.t(
            "report.doc.footer",
            &[("version", &env.app_version), ("personal", &personal)],
        ))
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_everything_that_matters() {
        assert_eq!(
            escape("<script>alert('x') & \"y\"</script>"),
            "&lt;script&gt;alert(&#39;x&#39;) &amp; &quot;y&quot;&lt;/script&gt;"
        );
    }
}
