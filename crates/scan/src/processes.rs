//! Mail and calendar client processes (field guide section 2), from `sysinfo` or from an
//! injected list (demo mode, tests).

use std::collections::HashMap;

#[cfg(not(windows))]
use sysinfo::Users;
use sysinfo::{ProcessRefreshKind, ProcessesToUpdate, System, Uid, UpdateKind};

use crate::command::{CommandRunner, decode_output};
use crate::report::{ClientKind, ConnectionCounts, ProcessInfo};

/// App ids of Outlook installed as a web app (PWA) in Chromium browsers.
pub const OUTLOOK_WEB_APP_IDS: &[&str] = &["faolnafnngnfdaknnbpnkhgohbobgegn"];

/// A process as the OS lists it: the input of classification. Public so demo mode and tests
/// can inject a fixed list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProcessSnapshot {
    /// The executable's file name.
    pub name: String,
    /// The process id.
    pub pid: u32,
    /// The parent's process id, when known.
    pub parent_pid: Option<u32>,
    /// The command line, one argument per item (empty when the OS does not show it).
    pub cmdline: Vec<String>,
    /// The executable's full path, when readable.
    pub exe: Option<String>,
    /// The account the process runs as, when readable.
    pub user: Option<String>,
    /// Seconds since the Unix epoch.
    pub start_time: Option<u32>,
    /// Known connection counts (injected lists); live scans measure them instead.
    pub connections: Option<ConnectionCounts>,
}

/// Lists every process of this computer (threads excluded).
pub fn snapshot_live() -> Vec<ProcessSnapshot> {
    let mut sys = System::new();
    sys.refresh_processes_specifics(
        ProcessesToUpdate::All,
        true,
        ProcessRefreshKind::nothing()
            .without_tasks()
            .with_cmd(UpdateKind::OnlyIfNotSet)
            .with_exe(UpdateKind::OnlyIfNotSet)
            .with_user(UpdateKind::OnlyIfNotSet),
    );
    let user_name = user_names(&sys);
    sys.processes()
        .values()
        .filter(|p| p.thread_kind().is_none())
        .map(|p| ProcessSnapshot {
            name: p.name().to_string_lossy().into_owned(),
            pid: p.pid().as_u32(),
            parent_pid: p.parent().map(|pp| pp.as_u32()),
            cmdline: p
                .cmd()
                .iter()
                .map(|a| a.to_string_lossy().into_owned())
                .collect(),
            exe: p.exe().map(|e| e.display().to_string()),
            user: user_name(p.user_id()),
            start_time: u32::try_from(p.start_time()).ok().filter(|&t| t > 0),
            connections: None,
        })
        .collect()
}

/// Maps a process owner to a user name through the OS's user list.
#[cfg(not(windows))]
fn user_names(_sys: &System) -> impl Fn(Option<&Uid>) -> Option<String> {
    let users = Users::new_with_refreshed_list();
    move |uid| {
        uid.and_then(|u| users.get_user_by_id(u))
            .map(|u| u.name().to_owned())
    }
}

/// Windows: `sysinfo::Users` is not used. Its logon-session listing builds a slice from a
/// null pointer when the system reports no sessions (seen under Wine: an abort in debug
/// builds, undefined behaviour in release). Processes of the current user get
/// `DOMAIN\user` from the environment; others are named by their SID.
#[cfg(windows)]
fn user_names(sys: &System) -> impl Fn(Option<&Uid>) -> Option<String> {
    let me = sysinfo::get_current_pid()
        .ok()
        .and_then(|pid| sys.process(pid))
        .and_then(|p| p.user_id().cloned());
    let name = std::env::var("USERNAME")
        .ok()
        .map(|u| match std::env::var("USERDOMAIN") {
            Ok(d) if !d.is_empty() => format!("{d}\\{u}"),
            _ => u,
        });
    move |uid| {
        let uid = uid?;
        if Some(uid) == me.as_ref()
            && let Some(n) = &name
        {
            return Some(n.clone());
        }
        Some(uid.to_string())
    }
}

use platform::process::base_name;

/// Kind of a process by its own name and command line; `bool` = helper process.
fn kind_of(p: &ProcessSnapshot) -> Option<(ClientKind, bool, Option<String>)> {
    let name = base_name(&p.name);
    // The web app is a browser started with Outlook's app id, whatever the browser is.
    for arg in &p.cmdline {
        if let Some(id) = arg.strip_prefix("--app-id=")
            && OUTLOOK_WEB_APP_IDS.contains(&id.trim())
        {
            return Some((
                ClientKind::OutlookWebApp,
                false,
                Some(format!("{} running the Outlook web app", p.name)),
            ));
        }
    }
    let exe_lower = p.exe.as_deref().unwrap_or("").to_lowercase();
    let k = match name.as_str() {
        "outlook" => (ClientKind::ClassicOutlook, false),
        "olk" => (ClientKind::NewOutlook, false),
        "olkexthost" => (ClientKind::NewOutlook, true),
        "hxoutlook" | "hxcalendarappimm" => (ClientKind::WindowsMail, false),
        "hxtsr" | "hxaccounts" => (ClientKind::WindowsMail, true),
        "microsoft outlook" => (ClientKind::OutlookMac, false),
        "ms-teams" | "teams" | "msteams" | "teams-for-linux" => (ClientKind::Teams, false),
        "thunderbird" | "thunderbird-bin" => (ClientKind::Thunderbird, false),
        "mailclient" => (ClientKind::EmClient, false),
        "evolution" => (ClientKind::Evolution, false),
        "evolution-source-registry"
        | "evolution-calendar-factory"
        | "evolution-addressbook-factory"
        | "evolution-alarm-notify" => (ClientKind::Evolution, true),
        "prospect-mail" => (ClientKind::ProspectMail, false),
        // "Mail" alone is too common a name: require Apple's bundle path.
        "mail" if exe_lower.contains("/mail.app/") => (ClientKind::AppleMail, false),
        _ => return None,
    };
    Some((k.0, k.1, None))
}

/// Classifies processes into clients; numbers instances per kind. `mapi_pids` are processes
/// that loaded Outlook's MAPI (Windows), reported as `mapi_client` unless already a client.
pub fn classify(snapshots: &[ProcessSnapshot], mapi_pids: &[u32]) -> Vec<ProcessInfo> {
    let by_pid: HashMap<u32, &ProcessSnapshot> = snapshots.iter().map(|p| (p.pid, p)).collect();
    let kinds: HashMap<u32, (ClientKind, bool, Option<String>)> = snapshots
        .iter()
        .filter_map(|p| kind_of(p).map(|k| (p.pid, k)))
        .collect();
    let mut out = Vec::new();
    for p in snapshots {
        let (kind, mut helper, detail) = match kinds.get(&p.pid) {
            Some(k) => k.clone(),
            None => {
                let parent_kind = p.parent_pid.and_then(|pp| kinds.get(&pp)).map(|k| k.0);
                if base_name(&p.name) == "msedgewebview2"
                    && parent_kind == Some(ClientKind::NewOutlook)
                {
                    (
                        ClientKind::NewOutlook,
                        true,
                        Some("WebView2 of new Outlook".to_owned()),
                    )
                } else if mapi_pids.contains(&p.pid) {
                    (
                        ClientKind::MapiClient,
                        false,
                        Some(format!("{} loaded Outlook's MAPI (olmapi32.dll)", p.name)),
                    )
                } else {
                    continue;
                }
            }
        };
        // A child of a process of the same kind is part of it (Teams, Thunderbird content
        // processes), not another window the user opened.
        if let Some(parent) = p.parent_pid.and_then(|pp| by_pid.get(&pp))
            && parent.pid != p.pid
            && kinds.get(&parent.pid).map(|k| k.0) == Some(kind)
        {
            helper = true;
        }
        out.push(ProcessInfo {
            kind,
            name: p.name.clone(),
            pid: p.pid,
            parent_pid: p.parent_pid,
            user: p.user.clone(),
            start_time: p.start_time,
            exe: p.exe.clone(),
            helper,
            instance: 0,
            instances_of_kind: 0,
            detail,
            connections: p.connections,
        });
    }
    out.sort_by_key(|p| (p.kind.as_str(), p.helper, p.start_time, p.pid));
    let mut totals: HashMap<ClientKind, u32> = HashMap::new();
    for p in out.iter_mut().filter(|p| !p.helper) {
        let n = totals.entry(p.kind).or_default();
        *n += 1;
        p.instance = *n;
    }
    for p in &mut out {
        p.instances_of_kind = totals.get(&p.kind).copied().unwrap_or(0);
    }
    out
}

/// PIDs of processes that loaded `olmapi32.dll`, from `tasklist /m olmapi32.dll /fo csv /nh`.
pub fn mapi_pids(runner: &dyn CommandRunner) -> Result<Vec<u32>, String> {
    let out = runner
        .run("tasklist", &["/m", "olmapi32.dll", "/fo", "csv", "/nh"])
        .map_err(|e| e.to_string())?;
    Ok(parse_tasklist_csv(&decode_output(&out)))
}

/// Parses `"NAME","PID","modules"` lines; anything else (the "INFO: no tasks" line) is skipped.
pub fn parse_tasklist_csv(text: &str) -> Vec<u32> {
    text.lines()
        .filter_map(|l| {
            let mut fields = l.trim().split("\",\"");
            let _name = fields.next()?;
            fields.next()?.trim_matches('"').parse().ok()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn snap(name: &str, pid: u32, parent: Option<u32>, cmd: &[&str]) -> ProcessSnapshot {
        ProcessSnapshot {
            name: name.to_owned(),
            pid,
            parent_pid: parent,
            cmdline: cmd.iter().map(|s| (*s).to_owned()).collect(),
            ..Default::default()
        }
    }

    #[test]
    fn kinds_helpers_and_instances() {
        let list = vec![
            snap("OUTLOOK.EXE", 10, Some(1), &[]),
            snap("OUTLOOK.EXE", 11, Some(1), &[]),
            snap("olk.exe", 20, Some(1), &[]),
            snap("msedgewebview2.exe", 21, Some(20), &[]),
            snap(
                "msedge.exe",
                30,
                Some(1),
                &["msedge", "--app-id=faolnafnngnfdaknnbpnkhgohbobgegn"],
            ),
            snap(
                "msedge.exe",
                31,
                Some(1),
                &["msedge", "--app-id=somethingelse"],
            ),
            snap("thunderbird", 40, Some(1), &[]),
            snap("thunderbird", 41, Some(40), &["-contentproc"]),
            snap("bash", 50, Some(1), &[]),
            snap("SCANNER.EXE", 60, Some(1), &[]),
        ];
        let got = classify(&list, &[60, 10]);
        let find = |pid| got.iter().find(|p| p.pid == pid);
        assert_eq!(
            find(10).map(|p| (p.kind, p.instances_of_kind)),
            Some((ClientKind::ClassicOutlook, 2))
        );
        assert_eq!(
            find(21).map(|p| (p.kind, p.helper)),
            Some((ClientKind::NewOutlook, true))
        );
        assert_eq!(find(30).map(|p| p.kind), Some(ClientKind::OutlookWebApp));
        assert!(find(31).is_none());
        assert!(find(50).is_none());
        assert_eq!(
            find(41).map(|p| (p.helper, p.instances_of_kind)),
            Some((true, 1))
        );
        assert_eq!(find(60).map(|p| p.kind), Some(ClientKind::MapiClient));
    }

    #[test]
    fn tasklist_csv() {
        let text = "\r\n\"OUTLOOK.EXE\",\"4242\",\"olmapi32.dll\"\r\n\"ERP.exe\",\"77\",\"olmapi32.dll\"\r\nINFO: nothing\r\n";
        assert_eq!(parse_tasklist_csv(text), vec![4242, 77]);
        assert!(
            parse_tasklist_csv("INFO: No tasks are running which match the specified criteria.")
                .is_empty()
        );
    }
}
