//! Outlook in other Windows sessions of this PC: Remote Desktop and Citrix sessions, fast
//! user switching, and above all *disconnected* sessions (closing the Remote Desktop window
//! disconnects, it does not sign out, so that session's Outlook stays connected).
//!
//! The Windows terminal-services API answers (`WTSEnumerateSessionsW`,
//! `WTSQuerySessionInformationW`, `WTSEnumerateProcessesW`) are turned into plain
//! [`SessionSnapshot`]s by a thin unsafe layer; [`other_sessions`], a pure function tested
//! with recorded answers, decides which sessions hold a mail client and are not the user's
//! own. Demo mode and tests inject snapshots the same way.

use serde::Serialize;

use crate::processes::{self, ProcessSnapshot};
use crate::report::ClientKind;

/// A session's connection state, as `WTS_CONNECTSTATE_CLASS` names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum WindowsSessionState {
    /// Someone is signed in and connected (the console or a remote desktop).
    Active,
    /// A client is connected to it.
    Connected,
    /// Connecting.
    ConnectQuery,
    /// Shadowing another session.
    Shadow,
    /// Signed in, nobody connected: its programs (Outlook included) keep running.
    Disconnected,
    /// Waiting for a client to connect.
    Idle,
    /// Listening for connections (the RDP listener).
    Listen,
    /// Being reset.
    Reset,
    /// Down because of an error.
    Down,
    /// Initializing.
    Init,
    /// A state number this version does not know.
    Unknown,
}

impl WindowsSessionState {
    /// From `WTS_CONNECTSTATE_CLASS` (0 = WTSActive ... 9 = WTSInit).
    pub fn from_wts(state: i32) -> Self {
        match state {
            0 => Self::Active,
            1 => Self::Connected,
            2 => Self::ConnectQuery,
            3 => Self::Shadow,
            4 => Self::Disconnected,
            5 => Self::Idle,
            6 => Self::Listen,
            7 => Self::Reset,
            8 => Self::Down,
            9 => Self::Init,
            _ => Self::Unknown,
        }
    }
}

/// One session as the API answers: its id, station, state, user and its processes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SessionSnapshot {
    /// The session id (0 is services).
    pub id: u32,
    /// `Console`, `RDP-Tcp#3`, `ICA-CGP#5` (Citrix); empty for a disconnected one on some
    /// versions.
    pub station: String,
    /// `WTS_CONNECTSTATE_CLASS`.
    pub state: i32,
    /// Empty when nobody is signed in (the listener, session 0).
    pub user: String,
    /// The user's domain (or the computer's name for a local account).
    pub domain: String,
    /// (process id, process name) of every process in the session.
    pub processes: Vec<(u32, String)>,
}

/// What the terminal-services API told about this PC's sessions.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SessionsSnapshot {
    /// The session the scan (the user's own) runs in.
    pub current: u32,
    /// Every session of this PC.
    pub sessions: Vec<SessionSnapshot>,
}

/// A mail client running in another session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct SessionClient {
    /// Which mail app it is.
    pub kind: ClientKind,
    /// The executable's file name.
    pub name: String,
    /// The process id.
    pub pid: u32,
}

/// Another Windows session of this PC with a mail client in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct WindowsSession {
    /// The session id.
    pub id: u32,
    /// The window station's name (`Console`, `RDP-Tcp#3`).
    pub station: String,
    /// Its connection state.
    pub state: WindowsSessionState,
    /// The signed-in user.
    pub user: String,
    /// The user's domain.
    pub domain: String,
    /// The mail clients (windows, not their helpers) running in it.
    pub clients: Vec<SessionClient>,
}

impl WindowsSession {
    /// `DOMAIN\user`, or the user alone when the domain is unknown.
    pub fn account(&self) -> String {
        if self.domain.is_empty() {
            self.user.clone()
        } else {
            format!("{}\\{}", self.domain, self.user)
        }
    }
}

/// The sessions other than the user's own that hold a mail client. Session 0 (services)
/// and sessions nobody is signed in to are never reported: no one's Outlook runs there.
/// Processes are classified by the scan's one classifier, so "a mail client" means here
/// what it means in the process list.
pub fn other_sessions(snapshot: &SessionsSnapshot) -> Vec<WindowsSession> {
    snapshot
        .sessions
        .iter()
        .filter(|s| s.id != 0 && s.id != snapshot.current && !s.user.trim().is_empty())
        .filter_map(|s| {
            let listed: Vec<ProcessSnapshot> = s
                .processes
                .iter()
                .map(|(pid, name)| ProcessSnapshot {
                    name: name.clone(),
                    pid: *pid,
                    ..Default::default()
                })
                .collect();
            let clients: Vec<SessionClient> = processes::classify(&listed, &[])
                .into_iter()
                .filter(|p| !p.helper)
                .map(|p| SessionClient {
                    kind: p.kind,
                    name: p.name,
                    pid: p.pid,
                })
                .collect();
            (!clients.is_empty()).then(|| WindowsSession {
                id: s.id,
                station: s.station.clone(),
                state: WindowsSessionState::from_wts(s.state),
                user: s.user.clone(),
                domain: s.domain.clone(),
                clients,
            })
        })
        .collect()
}

/// Asks Windows for every session of this PC and its processes.
#[cfg(windows)]
pub fn snapshot_live() -> Result<SessionsSnapshot, String> {
    live::snapshot()
}

/// Off Windows there are no terminal-services sessions to ask about.
#[cfg(not(windows))]
pub fn snapshot_live() -> Result<SessionsSnapshot, String> {
    Err("Windows sessions exist only on Windows".to_owned())
}

#[cfg(windows)]
#[allow(unsafe_code)] // The Win32 calls themselves; everything they return is copied out here.
mod live {
    //! The unsafe layer: every buffer the API hands out is freed with `WTSFreeMemory`
    //! before returning, and only owned Rust data leaves this module.

    use super::{SessionSnapshot, SessionsSnapshot};
    use windows_sys::Win32::System::RemoteDesktop::{
        ProcessIdToSessionId, WTS_CURRENT_SERVER_HANDLE, WTS_INFO_CLASS, WTS_PROCESS_INFOW,
        WTS_SESSION_INFOW, WTSDomainName, WTSEnumerateProcessesW, WTSEnumerateSessionsW,
        WTSFreeMemory, WTSQuerySessionInformationW, WTSUserName,
    };
    use windows_sys::Win32::System::Threading::GetCurrentProcessId;
    use windows_sys::core::PWSTR;

    /// A NUL-terminated UTF-16 string the API owns, copied (lossy: a name is for display).
    ///
    /// # Safety
    /// `p` is null or points to a NUL-terminated UTF-16 string.
    unsafe fn wide(p: PWSTR) -> String {
        if p.is_null() {
            return String::new();
        }
        let mut len = 0usize;
        // SAFETY: the caller guarantees a terminating NUL.
        while unsafe { *p.add(len) } != 0 {
            len += 1;
        }
        // SAFETY: `len` units were just read.
        String::from_utf16_lossy(unsafe { std::slice::from_raw_parts(p, len) })
    }

    fn query(session: u32, class: WTS_INFO_CLASS) -> String {
        let mut buf: PWSTR = std::ptr::null_mut();
        let mut bytes = 0u32;
        // SAFETY: out-pointers are valid; the buffer is freed below.
        let ok = unsafe {
            WTSQuerySessionInformationW(
                WTS_CURRENT_SERVER_HANDLE,
                session,
                class,
                &mut buf,
                &mut bytes,
            )
        };
        if ok == 0 || buf.is_null() {
            return String::new();
        }
        // SAFETY: the API returns a NUL-terminated string for these classes.
        let s = unsafe { wide(buf) };
        // SAFETY: `buf` came from WTSQuerySessionInformationW.
        unsafe { WTSFreeMemory(buf.cast()) };
        s
    }

    pub(super) fn snapshot() -> Result<SessionsSnapshot, String> {
        let mut current = 0u32;
        // SAFETY: a valid out-pointer.
        if unsafe { ProcessIdToSessionId(GetCurrentProcessId(), &mut current) } == 0 {
            return Err(format!(
                "Windows did not say which session this is ({})",
                std::io::Error::last_os_error()
            ));
        }
        let mut infos: *mut WTS_SESSION_INFOW = std::ptr::null_mut();
        let mut count = 0u32;
        // SAFETY: out-pointers are valid; the array is freed below.
        if unsafe { WTSEnumerateSessionsW(WTS_CURRENT_SERVER_HANDLE, 0, 1, &mut infos, &mut count) }
            == 0
        {
            return Err(format!(
                "Windows did not list its sessions ({})",
                std::io::Error::last_os_error()
            ));
        }
        let mut sessions = Vec::new();
        if !infos.is_null() {
            // SAFETY: the API returned `count` entries at `infos`.
            for info in unsafe { std::slice::from_raw_parts(infos, count as usize) } {
                sessions.push(SessionSnapshot {
                    id: info.SessionId,
                    // SAFETY: a NUL-terminated string inside the API's array.
                    station: unsafe { wide(info.pWinStationName) },
                    state: info.State,
                    user: query(info.SessionId, WTSUserName),
                    domain: query(info.SessionId, WTSDomainName),
                    processes: Vec::new(),
                });
            }
            // SAFETY: `infos` came from WTSEnumerateSessionsW.
            unsafe { WTSFreeMemory(infos.cast()) };
        }
        // Processes of every session (names only; other users' processes are listed too).
        let mut procs: *mut WTS_PROCESS_INFOW = std::ptr::null_mut();
        let mut n = 0u32;
        // SAFETY: out-pointers are valid; the array is freed below.
        if unsafe { WTSEnumerateProcessesW(WTS_CURRENT_SERVER_HANDLE, 0, 1, &mut procs, &mut n) }
            != 0
            && !procs.is_null()
        {
            // SAFETY: the API returned `n` entries at `procs`.
            for p in unsafe { std::slice::from_raw_parts(procs, n as usize) } {
                if let Some(s) = sessions.iter_mut().find(|s| s.id == p.SessionId) {
                    // SAFETY: a NUL-terminated string inside the API's array.
                    s.processes
                        .push((p.ProcessId, unsafe { wide(p.pProcessName) }));
                }
            }
            // SAFETY: `procs` came from WTSEnumerateProcessesW.
            unsafe { WTSFreeMemory(procs.cast()) };
        }
        Ok(SessionsSnapshot { current, sessions })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session(
        id: u32,
        station: &str,
        state: i32,
        user: &str,
        procs: &[(u32, &str)],
    ) -> SessionSnapshot {
        SessionSnapshot {
            id,
            station: station.to_owned(),
            state,
            user: user.to_owned(),
            domain: if user.is_empty() {
                String::new()
            } else {
                "CONTOSO".to_owned()
            },
            processes: procs.iter().map(|(p, n)| (*p, (*n).to_owned())).collect(),
        }
    }

    /// Recorded from a Remote Desktop host: services in session 0, the listener, the
    /// user's own console session, a disconnected RDP session of another user with Outlook,
    /// a fast-user-switch session with only Teams-less desktop programs.
    fn recorded() -> SessionsSnapshot {
        SessionsSnapshot {
            current: 1,
            sessions: vec![
                session(
                    0,
                    "Services",
                    4,
                    "",
                    &[(640, "svchost.exe"), (700, "OUTLOOK.EXE")],
                ),
                session(
                    1,
                    "Console",
                    0,
                    "megan",
                    &[(4242, "OUTLOOK.EXE"), (5000, "explorer.exe")],
                ),
                session(
                    2,
                    "",
                    4,
                    "megan",
                    &[(6100, "OUTLOOK.EXE"), (6101, "explorer.exe")],
                ),
                session(3, "RDP-Tcp#7", 0, "alex", &[(7100, "notepad.exe")]),
                session(4, "ICA-CGP#5", 1, "alex", &[(8100, "thunderbird.exe")]),
                session(65536, "RDP-Tcp", 6, "", &[]),
            ],
        }
    }

    #[test]
    fn other_sessions_with_a_mail_client_are_reported_with_their_state_and_user() {
        let found = other_sessions(&recorded());
        let ids: Vec<u32> = found.iter().map(|s| s.id).collect();
        // Not session 0, not the user's own (1), not one without a mail client (3), not
        // the listener.
        assert_eq!(ids, [2, 4]);
        let rdp = &found[0];
        assert_eq!(rdp.state, WindowsSessionState::Disconnected);
        assert_eq!(rdp.account(), "CONTOSO\\megan");
        assert_eq!(rdp.clients.len(), 1);
        assert_eq!(rdp.clients[0].kind, ClientKind::ClassicOutlook);
        assert_eq!(rdp.clients[0].pid, 6100);
        assert_eq!(found[1].clients[0].kind, ClientKind::Thunderbird);
        assert_eq!(found[1].state, WindowsSessionState::Connected);
    }

    #[test]
    fn one_session_only_or_an_unknown_state_is_no_problem() {
        let mut one = recorded();
        one.sessions.retain(|s| s.id == 1);
        assert!(other_sessions(&one).is_empty());
        assert_eq!(
            WindowsSessionState::from_wts(42),
            WindowsSessionState::Unknown
        );
        assert_eq!(
            WindowsSessionState::from_wts(4),
            WindowsSessionState::Disconnected
        );
    }

    /// Under Wine (and on Windows) the live query answers and never lists the user's own
    /// session as another one; Wine may know just one session.
    #[cfg(windows)]
    #[test]
    fn the_live_query_answers_and_leaves_out_this_session() {
        let snap = snapshot_live().expect("the terminal-services API answers");
        assert!(
            snap.sessions.iter().any(|s| s.id == snap.current) || snap.sessions.is_empty(),
            "{snap:?}"
        );
        assert!(other_sessions(&snap).iter().all(|s| s.id != snap.current));
    }
}
