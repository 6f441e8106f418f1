//! Assembling a report from its input: long lists kept short (saying how much was left out),
//! long lines clipped, then redacted unless personal data was asked for.

// The parent's imports and the siblings' items: one model module, split by concern.
#[allow(unused_imports)]
use super::*;

/// Builds the report. With `include_personal` false (the default the UI offers), every
/// string of it is redacted with consistent pseudonyms (see [`Redactor`]).
pub fn build_report(input: &ReportInput, include_personal: bool) -> Report {
    let mut report = assemble(input, include_personal);
    if !include_personal {
        report = Redactor::for_input(input).redact_report(report);
    }
    // Built from the (already redacted) account, so quoting never hides an address from
    // the redactor.
    let personal = is_personal_account(input, report.account.as_deref());
    let mut shared: Vec<&str> = Vec::new();
    for m in report.profiles.iter().flat_map(|p| p.mailboxes.iter()) {
        if !shared.iter().any(|s| s.eq_ignore_ascii_case(m)) {
            shared.push(m.as_str());
        }
    }
    let (admin_commands, admin_note) = commands::admin_commands(&CommandContext {
        account: report.account.as_deref(),
        shared_mailboxes: shared,
        limit: report.limit.as_ref().map(|l| l.code),
        finding_codes: report.findings.iter().map(|f| f.code).collect(),
        on_premises: input.on_premises,
        personal,
        web_works: input.answers.web_works,
        lang: input.lang,
    });
    report.admin_commands = admin_commands;
    report.admin_note = admin_note;
    report
}

pub(super) fn assemble(input: &ReportInput, include_personal: bool) -> Report {
    let account = input
        .account
        .clone()
        .or_else(|| input.cloud.as_ref().and_then(|c| c.target.clone()))
        .or_else(|| input.cloud.as_ref().map(|c| c.account.upn.clone()));

    let (findings, findings_left_out) = keep_first(
        input
            .findings
            .iter()
            .map(|f| finding_line(f, input.lang))
            .collect(),
        MAX_FINDINGS,
    );
    let (repairs, repairs_left_out) = keep_last(input.repairs.clone(), MAX_REPAIRS);
    let limit = input.limit.as_ref().map(|l| LimitView {
        code: l.name,
        label: limit_label(l.name, input.lang),
        number: l.number,
        counted: l.counted,
        reason: clip(&l.reason),
    });

    let summary = summary(input, &limit);
    let environment = environment(input);

    let (profiles, profiles_left_out, other_accounts, other_accounts_left_out) = match &input.scan {
        Some(scan) => {
            let (p, pl) = keep_first(
                scan.profiles
                    .iter()
                    .map(|p| profile_line(p, input.lang))
                    .collect(),
                MAX_PROFILES,
            );
            let (a, al) = keep_first(
                scan.accounts
                    .iter()
                    .map(|a| account_line(a, input.lang))
                    .collect(),
                MAX_OTHER_ACCOUNTS,
            );
            (p, pl, a, al)
        }
        None => (Vec::new(), 0, Vec::new(), 0),
    };

    let (devices, devices_left_out, sign_ins, sign_ins_left_out, cloud_notes) = match &input.cloud {
        Some(c) => {
            let mut devices: Vec<&cloud::Device> = c.devices.iter().collect();
            // Most recently seen first; RFC 3339 strings of one source sort as time does.
            devices.sort_by(|a, b| b.last_sign_in.cmp(&a.last_sign_in));
            let (d, dl) = keep_first(
                devices
                    .into_iter()
                    .map(|d| device_line(d, input.lang))
                    .collect(),
                MAX_DEVICES,
            );
            let mut sign_ins: Vec<&cloud::SignIn> = c.sign_ins.iter().collect();
            sign_ins.sort_by(|a, b| b.created.cmp(&a.created));
            let s: Vec<SignInLine> = sign_ins
                .into_iter()
                .take(MAX_SIGN_INS)
                .map(|s| sign_in_line(s, include_personal))
                .collect();
            let sl = count(c.sign_ins.len() - s.len());
            let notes = c
                .notes
                .iter()
                .map(|n| match &n.manual {
                    Some(m) => format!("{} ({}: {})", n.message, m.title, m.url),
                    None => n.message.clone(),
                })
                .collect();
            (d, dl, s, sl, notes)
        }
        None => (Vec::new(), 0, Vec::new(), 0, Vec::new()),
    };

    Report {
        redacted: false,
        generated_at: input.generated_at.clone(),
        account,
        summary,
        findings,
        findings_left_out,
        limit,
        steps: input.steps.clone(),
        repairs,
        repairs_left_out,
        before_after: input.before_after.clone(),
        answers: input.answers,
        environment,
        profiles,
        profiles_left_out,
        other_accounts,
        other_accounts_left_out,
        devices,
        devices_left_out,
        sign_ins,
        sign_ins_left_out,
        cloud_notes,
        admin_commands: Vec::new(),
        admin_note: None,
        lang: input.lang,
    }
}

pub(super) fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// The first `max` items and how many were left out.
pub(super) fn keep_first<T>(mut items: Vec<T>, max: usize) -> (Vec<T>, u32) {
    let left_out = count(items.len().saturating_sub(max));
    items.truncate(max);
    (items, left_out)
}

/// The last `max` items and how many were left out.
pub(super) fn keep_last<T>(mut items: Vec<T>, max: usize) -> (Vec<T>, u32) {
    let cut = items.len().saturating_sub(max);
    items.drain(..cut);
    (items, count(cut))
}

/// At most [`MAX_LINE`] characters, on one line.
pub(super) fn clip(s: &str) -> String {
    let one_line: String = s
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if one_line.chars().count() <= MAX_LINE {
        return one_line;
    }
    let mut cut: String = one_line.chars().take(MAX_LINE).collect();
    cut.push('\u{2026}');
    cut
}

pub(super) fn finding_line(f: &FindingLine, lang: Lang) -> FindingLine {
    let mut evidence: Vec<String> = f
        .evidence
        .iter()
        .take(MAX_EVIDENCE)
        .map(|e| clip(e))
        .collect();
    if f.evidence.len() > MAX_EVIDENCE {
        evidence
            .push(Words::of(lang).t("report.more", &[("n", &(f.evidence.len() - MAX_EVIDENCE))]));
    }
    FindingLine {
        code: f.code,
        severity: f.severity,
        title: clip(&f.title),
        evidence,
        step: f.step,
        step_title: f.step_title.as_deref().map(clip),
        advice: f
            .advice
            .iter()
            .take(MAX_EVIDENCE)
            .map(|a| clip(a))
            .collect(),
    }
}
