//! This computer and account as the report shows them: mail apps with their versions,
//! profiles, other apps' accounts, devices and sign-ins.

// The parent's imports and the siblings' items: one model module, split by concern.
#[allow(unused_imports)]
use super::*;

pub(super) fn environment(input: &ReportInput) -> Environment {
    let mut outlook = Vec::new();
    let mut other_clients = Vec::new();
    let mut scan_problems = Vec::new();
    if let Some(scan) = &input.scan {
        // Every kind is in one of the two lists (a test checks it), in the report's order.
        for &kind in OUTLOOK_KINDS.iter().chain(OTHER_KINDS) {
            let line = client_line(scan, kind, input.lang);
            if line.running == 0 && line.accounts == 0 && line.version.is_none() {
                continue;
            }
            if OUTLOOK_KINDS.contains(&kind) {
                outlook.push(line);
            } else {
                other_clients.push(line);
            }
        }
        scan_problems = scan
            .sources
            .iter()
            .filter(|s| s.status == scan::SourceStatus::Failed)
            .map(|s| match s.reason_worded(input.lang) {
                Some(r) => format!("{}: {}", s.name, clip(&r)),
                None => s.name.clone(),
            })
            .collect();
    }
    Environment {
        os: input
            .os
            .clone()
            .filter(|s| !s.trim().is_empty())
            .unwrap_or_else(|| Words::of(input.lang).t("report.unknown", &[])),
        os_version: input.os_version.clone(),
        computer: input.host_name.clone(),
        app_version: input.app_version.clone(),
        outlook,
        other_clients,
        scan_problems,
        m365_ranges_date: input
            .scan
            .as_ref()
            .map(|s| s.m365_ranges_date.clone())
            .filter(|d| !d.is_empty()),
    }
}

pub(super) fn client_line(scan: &scan::ScanReport, kind: ClientKind, lang: Lang) -> ClientLine {
    let procs: Vec<&scan::ProcessInfo> = scan.processes.iter().filter(|p| p.kind == kind).collect();
    let running = count(procs.iter().filter(|p| !p.helper).count());
    let measured: Vec<u32> = procs
        .iter()
        .filter_map(|p| p.connections.map(|c| c.microsoft_365))
        .collect();
    let microsoft_365_connections = (!measured.is_empty()).then(|| measured.iter().sum());
    let accounts = if kind == ClientKind::ClassicOutlook {
        count(scan.profiles.iter().map(|p| p.accounts.len()).sum())
    } else {
        count(scan.accounts.iter().filter(|a| a.client == kind).count())
    };
    let mut version = procs
        .iter()
        .filter_map(|p| p.exe.as_deref().and_then(scan::outlook_version::from_exe))
        .map(|v| describe_version(&v, lang))
        .next();
    if version.is_none() && kind == ClientKind::ClassicOutlook {
        version = scan::outlook_version::classic_from_profiles(&scan.profiles)
            .map(|v| describe_version(&v, lang));
    }
    ClientLine {
        kind,
        label: client_label(kind, lang),
        version,
        running,
        microsoft_365_connections,
        accounts,
    }
}

/// An Outlook version with where it was read, as the report shows it (the scan's
/// `describe` is its English).
pub(super) fn describe_version(v: &scan::outlook_version::OutlookVersion, lang: Lang) -> String {
    use scan::outlook_version::VersionSource;
    let w = Words::of(lang);
    let version = if v.version == "2010 or older" {
        w.t("report.version.older", &[])
    } else {
        v.version.clone()
    };
    match (v.source, v.version.as_str()) {
        (VersionSource::InstallFolder, _) => {
            w.t("report.version.install_folder", &[("version", &version)])
        }
        (VersionSource::AppPackage, _) => {
            w.t("report.version.app_package", &[("version", &version)])
        }
        (VersionSource::ProfileKey, "16.0") => w.t("report.version.profile_key_16", &[]),
        (VersionSource::ProfileKey, "15.0") => w.t("report.version.profile_key_15", &[]),
        (VersionSource::ProfileKey, _) => {
            w.t("report.version.profile_key", &[("version", &version)])
        }
    }
}

pub(super) fn profile_line(p: &scan::Profile, lang: Lang) -> ProfileLine {
    ProfileLine {
        name: p.name.clone(),
        version: p.version.clone(),
        is_default: p.is_default,
        accounts: p
            .accounts
            .iter()
            .take(MAX_EVIDENCE)
            .map(|a| {
                let who = a
                    .email
                    .clone()
                    .or_else(|| a.display_name.clone())
                    .or_else(|| a.account_name.clone())
                    .unwrap_or_else(|| Words::of(lang).t("report.no_address", &[]));
                format!("{who} ({})", a.kind)
            })
            .collect(),
        shared_mailboxes: count(p.mailboxes.len()),
        mailboxes: p.mailboxes.iter().take(MAX_EVIDENCE).cloned().collect(),
        duplicate_of: p.duplicate_of.clone(),
        cached_mode: p.cached_mode,
        download_shared_folders: p.download_shared_folders,
    }
}

pub(super) fn account_line(a: &scan::OtherAccount, lang: Lang) -> AccountLine {
    AccountLine {
        client: client_label(a.client, lang),
        email: a.email.clone(),
        host: a.host.clone(),
        account_type: a.account_type.clone(),
    }
}

pub(super) fn device_line(d: &cloud::Device, lang: Lang) -> DeviceLine {
    let operating_system = match (&d.operating_system, &d.operating_system_version) {
        (Some(os), Some(v)) => Some(format!("{os} {v}")),
        (Some(os), None) => Some(os.clone()),
        (None, v) => v.clone(),
    };
    DeviceLine {
        name: d.display_name.clone(),
        operating_system,
        trust: d.trust_type.as_deref().map(|t| {
            let w = Words::of(lang);
            match t {
                "AzureAd" => w.t("report.trust.joined", &[]),
                "ServerAd" => w.t("report.trust.hybrid_joined", &[]),
                "Workplace" => w.t("report.trust.registered", &[]),
                other => other.to_owned(),
            }
        }),
        last_sign_in: d.last_sign_in.clone(),
        managed: d.is_managed,
        compliant: d.is_compliant,
    }
}

pub(super) fn sign_in_line(s: &cloud::SignIn, include_personal: bool) -> SignInLine {
    let location = if include_personal {
        match (&s.city, &s.country) {
            (Some(city), Some(country)) => Some(format!("{city}, {country}")),
            (Some(city), None) => Some(city.clone()),
            (None, country) => country.clone(),
        }
    } else {
        s.country.clone()
    };
    SignInLine {
        when: s.created.clone(),
        app: s.app.clone(),
        client_app: s.client_app.clone(),
        device: s.device.clone(),
        operating_system: s.operating_system.clone(),
        browser: s.browser.clone(),
        location,
        ip: s.ip_address.clone(),
        success: s.success,
        error: (!s.success).then(|| match &s.failure_reason {
            Some(r) => format!("{}: {r}", s.error_code),
            None => s.error_code.to_string(),
        }),
        interactive: s.interactive,
    }
}

/// Personal Microsoft accounts have no admin, so no admin commands.
pub(super) fn is_personal_account(input: &ReportInput, account: Option<&str>) -> bool {
    if let Some(c) = &input.cloud
        && c.target.is_none()
        && c.account.kind == cloud::AccountKind::Personal
    {
        return true;
    }
    let domain = input
        .account
        .as_deref()
        .or(account)
        .and_then(|a| a.rsplit_once('@'))
        .map(|(_, d)| d.to_ascii_lowercase())
        .unwrap_or_default();
    ["outlook.", "hotmail.", "live.", "msn.com", "passport.com"]
        .iter()
        .any(|p| domain.starts_with(p) || domain == *p)
}
