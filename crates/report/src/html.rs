//! The report as one self-contained HTML page: inline CSS (print and dark variants), no
//! script, no external resource, a Content-Security-Policy that forbids loading anything,
//! and every piece of text escaped.

use std::fmt::Write;

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

fn yes_no(b: Option<bool>) -> &'static str {
    match b {
        Some(true) => "yes",
        Some(false) => "no",
        None => "unknown",
    }
}

/// `<table>` with a header row; cells are escaped here.
fn table(out: &mut String, head: &[&str], rows: impl IntoIterator<Item = Vec<String>>) {
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

fn left_out(out: &mut String, n: u32, what: &str) {
    if n > 0 {
        let _ = write!(
            out,
            "<p class=\"muted\">{} more {} not shown.</p>",
            n,
            escape(what)
        );
    }
}

fn clients_table(out: &mut String, clients: &[ClientLine]) {
    table(
        out,
        &[
            "client",
            "version",
            "open windows",
            "accounts",
            "connections to Microsoft 365",
        ],
        clients.iter().map(|c| {
            vec![
                c.label.clone(),
                c.version.clone().unwrap_or_else(|| "unknown".to_owned()),
                c.running.to_string(),
                c.accounts.to_string(),
                c.microsoft_365_connections
                    .map(|n| n.to_string())
                    .unwrap_or_else(|| "not measured".to_owned()),
            ]
        }),
    );
}

/// The whole page.
pub fn to_html(report: &Report) -> String {
    let mut out = String::with_capacity(16 * 1024);
    let title = match &report.account {
        Some(a) => format!("Session Doctor report \u{2014} {a}"),
        None => "Session Doctor report".to_owned(),
    };
    out.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    out.push_str("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n");
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    out.push_str("<meta name=\"referrer\" content=\"no-referrer\">\n");
    let _ = writeln!(out, "<title>{}</title>", escape(&title));
    let _ = writeln!(out, "<style>{CSS}</style>\n</head>\n<body>\n<main>");

    // Header.
    out.push_str("<header><h1>Session Doctor report</h1>");
    let _ = write!(
        out,
        "<p class=\"meta\">Made {} by Session Doctor {}</p>",
        escape(&report.generated_at),
        escape(&report.environment.app_version)
    );
    out.push_str(if report.redacted {
        "<p class=\"redacted\">Personal data is replaced by pseudonyms (user-1@domain-1, device-1, person-1); IP addresses are masked.</p>"
    } else {
        "<p class=\"redacted\">This report includes personal data: share it only with people who need it.</p>"
    });
    out.push_str("</header>\n");

    // Summary.
    out.push_str("<section id=\"summary\"><h2>Summary</h2>");
    let _ = write!(out, "<p>{}</p><dl>", escape(&report.summary.headline));
    if let Some(a) = &report.account {
        let _ = write!(out, "<dt>Account</dt><dd>{}</dd>", escape(a));
    }
    let _ = write!(
        out,
        "<dt>Error</dt><dd>{}</dd>",
        escape(&report.summary.error)
    );
    // What the user told the guided fix, marked as theirs (the app did not measure it).
    for (label, said) in report.answers.lines() {
        let _ = write!(
            out,
            "<dt>{}</dt><dd>{} <span class=\"muted\">{}</span></dd>",
            escape(label),
            escape(&said),
            escape("(the user's answer)")
        );
    }
    if let Some(l) = &report.limit {
        let _ = write!(out, "<dt>Likely limit</dt><dd>{}", escape(&l.label));
        let _ = write!(out, " \u{2014} {}", escape(&l.counts()));
        let _ = write!(out, "</dd><dt>Why</dt><dd>{}</dd>", escape(&l.reason));
    }
    out.push_str("</dl></section>\n");

    // Findings.
    out.push_str("<section id=\"findings\"><h2>Findings</h2>");
    if report.findings.is_empty() {
        out.push_str("<p class=\"muted\">No findings.</p>");
    }
    for f in &report.findings {
        let sev = escape(&f.severity.to_ascii_lowercase());
        let _ = write!(
            out,
            "<div class=\"card sev-{sev}\"><h3><span class=\"badge\">{sev}</span>{}</h3>",
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
            out.push_str("<p>What you can do:</p><ol>");
            for a in &f.advice {
                let _ = write!(out, "<li>{}</li>", escape(a));
            }
            out.push_str("</ol>");
        }
        // The step by its title: an id like `restart_outlook_here` means nothing to a reader.
        if let Some(title) = &f.step_title {
            let _ = write!(
                out,
                "<p class=\"muted\">Fixed by step: {}</p>",
                escape(title)
            );
        }
        out.push_str("</div>");
    }
    left_out(&mut out, report.findings_left_out, "findings");
    out.push_str("</section>\n");

    // Steps, repairs, before and now.
    if !report.steps.is_empty() {
        out.push_str("<section id=\"steps\"><h2>Steps</h2>");
        table(
            &mut out,
            &["step", "track", "status"],
            report
                .steps
                .iter()
                .map(|s| vec![s.title.clone(), s.track.clone(), s.status.clone()]),
        );
        out.push_str("</section>\n");
    }
    if !report.repairs.is_empty() {
        out.push_str("<section id=\"repairs\"><h2>Repairs made</h2>");
        left_out(&mut out, report.repairs_left_out, "older repairs");
        table(
            &mut out,
            &["when", "what", "result", "undone"],
            report.repairs.iter().map(|r| {
                vec![
                    r.when.clone(),
                    r.what.clone(),
                    r.result.clone(),
                    if r.undone { "yes" } else { "no" }.to_owned(),
                ]
            }),
        );
        out.push_str("</section>\n");
    }
    if !report.before_after.is_empty() {
        out.push_str("<section id=\"before-after\"><h2>Before and now</h2>");
        table(
            &mut out,
            &["measure", "before", "now"],
            report
                .before_after
                .iter()
                .map(|m| vec![m.label.clone(), m.before.to_string(), m.now.to_string()]),
        );
        out.push_str("</section>\n");
    }

    // Environment.
    let env = &report.environment;
    out.push_str("<section id=\"environment\"><h2>Environment</h2><dl>");
    let os = match &env.os_version {
        Some(v) => format!("{} {v}", env.os),
        None => env.os.clone(),
    };
    let _ = write!(out, "<dt>System</dt><dd>{}</dd>", escape(&os));
    if let Some(c) = &env.computer {
        let _ = write!(out, "<dt>Computer</dt><dd>{}</dd>", escape(c));
    }
    let _ = write!(
        out,
        "<dt>Session Doctor</dt><dd>{}</dd>",
        escape(&env.app_version)
    );
    if let Some(d) = &env.m365_ranges_date {
        let _ = write!(
            out,
            "<dt>Microsoft 365 address list</dt><dd>{}</dd>",
            escape(d)
        );
    }
    out.push_str("</dl>");
    out.push_str("<h3>Outlook</h3>");
    if env.outlook.is_empty() {
        out.push_str("<p class=\"muted\">No Outlook seen running or set up.</p>");
    } else {
        clients_table(&mut out, &env.outlook);
    }
    if !env.other_clients.is_empty() {
        out.push_str("<h3>Other mail and calendar apps</h3>");
        clients_table(&mut out, &env.other_clients);
    }
    if !env.scan_problems.is_empty() {
        out.push_str("<h3>What the scan could not read</h3><ul>");
        for p in &env.scan_problems {
            let _ = write!(out, "<li>{}</li>", escape(p));
        }
        out.push_str("</ul>");
    }
    out.push_str("</section>\n");

    // This computer's accounts.
    if !report.profiles.is_empty() {
        out.push_str("<section id=\"profiles\"><h2>Classic Outlook profiles</h2>");
        table(
            &mut out,
            &[
                "profile",
                "version",
                "default",
                "accounts",
                "shared mailboxes",
                "same account as",
                "cached mode",
                "download shared folders",
            ],
            report.profiles.iter().map(|p| {
                vec![
                    p.name.clone(),
                    p.version.clone(),
                    if p.is_default { "yes" } else { "no" }.to_owned(),
                    p.accounts.join("; "),
                    p.shared_mailboxes.to_string(),
                    p.duplicate_of.join(", "),
                    yes_no(p.cached_mode).to_owned(),
                    yes_no(p.download_shared_folders).to_owned(),
                ]
            }),
        );
        left_out(&mut out, report.profiles_left_out, "profiles");
        out.push_str("</section>\n");
    }
    if !report.other_accounts.is_empty() {
        out.push_str("<section id=\"other-accounts\"><h2>Other mail apps' accounts</h2>");
        table(
            &mut out,
            &["app", "address", "server", "type"],
            report.other_accounts.iter().map(|a| {
                vec![
                    a.client.clone(),
                    a.email.clone().unwrap_or_default(),
                    a.host.clone().unwrap_or_default(),
                    a.account_type.clone().unwrap_or_default(),
                ]
            }),
        );
        left_out(&mut out, report.other_accounts_left_out, "accounts");
        out.push_str("</section>\n");
    }

    // The account's devices and sign-ins.
    if !report.devices.is_empty() {
        out.push_str("<section id=\"devices\"><h2>The account's devices</h2>");
        table(
            &mut out,
            &[
                "device",
                "system",
                "joined",
                "last sign-in",
                "managed",
                "compliant",
            ],
            report.devices.iter().map(|d| {
                vec![
                    d.name
                        .clone()
                        .unwrap_or_else(|| "(not readable with this account)".to_owned()),
                    d.operating_system.clone().unwrap_or_default(),
                    d.trust.clone().unwrap_or_default(),
                    d.last_sign_in.clone().unwrap_or_default(),
                    yes_no(d.managed).to_owned(),
                    yes_no(d.compliant).to_owned(),
                ]
            }),
        );
        left_out(&mut out, report.devices_left_out, "devices");
        out.push_str("</section>\n");
    }
    if !report.sign_ins.is_empty() {
        out.push_str("<section id=\"sign-ins\"><h2>Recent sign-ins</h2>");
        table(
            &mut out,
            &[
                "when", "app", "client", "device", "system", "place", "IP", "result",
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
                        Some(e) => format!("failed ({e})"),
                        None => "success".to_owned(),
                    },
                ]
            }),
        );
        left_out(&mut out, report.sign_ins_left_out, "older sign-ins");
        out.push_str("</section>\n");
    }
    if !report.cloud_notes.is_empty() {
        out.push_str("<section id=\"cloud-notes\"><h2>What Microsoft 365 did not show</h2><ul>");
        for n in &report.cloud_notes {
            let _ = write!(out, "<li>{}</li>", escape(n));
        }
        out.push_str("</ul></section>\n");
    }

    // For IT.
    out.push_str("<section id=\"admin\"><h2>For IT: admin commands</h2>");
    if let Some(note) = &report.admin_note {
        let _ = write!(out, "<p>{}</p>", escape(note));
    }
    for c in &report.admin_commands {
        let _ = write!(out, "<div class=\"card\"><h3>{}", escape(&c.title));
        if c.relevant {
            out.push_str(" <span class=\"relevant\">(fits this case)</span>");
        }
        let _ = write!(
            out,
            "</h3><p class=\"muted\">{}</p><pre><code>{}</code></pre></div>",
            escape(&c.applies_when),
            escape(&c.command)
        );
    }
    out.push_str("</section>\n");

    let _ = write!(
        out,
        "<footer>Made by Session Doctor {} on this computer; nothing was uploaded. {}</footer>\n</main>\n</body>\n</html>\n",
        escape(&env.app_version),
        if report.redacted {
            "Personal data redacted."
        } else {
            "Personal data included."
        }
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
