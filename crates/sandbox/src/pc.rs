//! The simulated PC of demo mode: a realistic, messy Outlook setup written as files into a
//! directory, and the process list that goes with it.
//!
//! What it shows: classic Outlook open twice on two profiles for one account ("Outlook" and
//! "Outlook - Copy"), the Teams meeting add-in, a crashing add-in that Outlook disabled, a
//! policy-managed add-in, Outlook as a web app in Edge, Teams, and Thunderbird signed in to
//! the same mailbox over IMAP (outlook.office365.com) three times, as three accounts.
//!
//! The registry is written as `reg export` writes it: UTF-16LE with a BOM, CRLF line ends,
//! hex data wrapped at 80 columns with a trailing `\` and two spaces of indent, one file per
//! exported root (HKCU and HKLM). The processes are plain data ([`SimulatedProcess`]) on
//! purpose: the scan crate dev-depends on this crate for its tests, so this crate must not
//! depend on the scan crate; callers (CLI, app) convert these into `scan::ProcessSnapshot`
//! field by field.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// The mailbox everything in the simulated PC is connected to.
/// The mailbox the simulated PC is set up for: the simulated tenant's demo user, so the
/// scan and the account screens tell one story.
pub const ACCOUNT: &str = crate::tenant::DEMO_ADMIN_UPN;
/// App id of the Outlook web app (PWA) in Chromium browsers.
/// The simulated PC's Windows user and computer name (the tenant lists the same laptop).
pub const WINDOWS_USER: &str = "megan";
/// The simulated PC's computer name.
pub const COMPUTER_NAME: &str = "MEGAN-LAPTOP";

/// The Chrome/Edge app id of the installed Outlook on the web app (PWA).
pub const OUTLOOK_PWA_APP_ID: &str = "faolnafnngnfdaknnbpnkhgohbobgegn";

/// A process of the simulated PC, with the connections it "holds".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimulatedProcess {
    /// The executable's file name.
    pub name: String,
    /// The process id.
    pub pid: u32,
    /// The parent's process id.
    pub parent_pid: Option<u32>,
    /// The command line, one argument per item.
    pub cmdline: Vec<String>,
    /// The executable's full path.
    pub exe: String,
    /// The account it runs as.
    pub user: String,
    /// Seconds since the Unix epoch.
    pub start_time: u32,
    /// Established TCP connections.
    pub established: u32,
    /// Of those, connections to Microsoft 365 on port 443.
    pub microsoft_365: u32,
}

/// What [`write_simulated_pc`] wrote.
#[derive(Debug, Clone)]
pub struct SimulatedPc {
    /// `.reg` exports (HKCU, HKLM), to pass as registry files.
    pub registry_files: Vec<PathBuf>,
    /// Home directory with the other mail apps' files.
    pub home: PathBuf,
    /// The running programs.
    pub processes: Vec<SimulatedProcess>,
    /// Saved Office credential names (Windows Credential Manager targets).
    pub credentials: Vec<String>,
    /// The Windows session the user works in, and every session of the PC as the
    /// terminal-services API lists them.
    pub current_session: u32,
    /// Every Windows session of the PC.
    pub sessions: Vec<SimulatedSession>,
}

/// One Windows session of the simulated PC.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimulatedSession {
    /// The session id.
    pub id: u32,
    /// `Console`, `RDP-Tcp#3`, or empty (a disconnected session has no station).
    pub station: String,
    /// `WTS_CONNECTSTATE_CLASS`: 0 active, 4 disconnected, 6 listening.
    pub state: i32,
    /// The signed-in user.
    pub user: String,
    /// The user's domain.
    pub domain: String,
    /// (pid, process name) in the session.
    pub processes: Vec<(u32, String)>,
}

/// The PC's sessions: services, the user's console (the scanned processes), the listener,
/// and the case issue 14 asks for: yesterday's Remote Desktop session of the same user,
/// disconnected (the window was closed, not signed out), its Outlook still connected.
fn sessions() -> Vec<SimulatedSession> {
    let s =
        |id: u32, station: &str, state: i32, user: &str, procs: &[(u32, &str)]| SimulatedSession {
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
        };
    vec![
        s(0, "Services", 4, "", &[(612, "svchost.exe")]),
        s(1, "Console", 0, WINDOWS_USER, &[(5120, "explorer.exe")]),
        s(
            2,
            "",
            4,
            WINDOWS_USER,
            &[(9310, "explorer.exe"), (9344, "OUTLOOK.EXE")],
        ),
        s(65536, "RDP-Tcp", 6, "", &[]),
    ]
}

/// Errors writing the simulated PC.
#[derive(Debug, thiserror::Error)]
pub enum PcError {
    /// A file could not be written.
    #[error("cannot write {path}: {source}")]
    Write {
        /// The file.
        path: String,
        /// Why.
        #[source]
        source: std::io::Error,
    },
}

/// Writes the simulated PC into `dir` (which should be empty, e.g. a temp dir).
pub fn write_simulated_pc(dir: &Path) -> Result<SimulatedPc, PcError> {
    let hkcu = dir.join("hkcu.reg");
    let hklm = dir.join("hklm.reg");
    write(&hkcu, &utf16_with_bom(&hkcu_export()))?;
    write(&hklm, &utf16_with_bom(&hklm_export()))?;
    let home = dir.join("home");
    write_thunderbird(&home)?;
    Ok(SimulatedPc {
        registry_files: vec![hkcu, hklm],
        home,
        processes: processes(),
        credentials: vec![
            format!("MicrosoftOffice16_Data:SSPI:{ACCOUNT}"),
            "MicrosoftOffice16_Data:ADAL:9188040d-6c67-4c5b-b112-36a304b66dad".to_owned(),
        ],
        current_session: 1,
        sessions: sessions(),
    })
}

fn write(path: &Path, bytes: &[u8]) -> Result<(), PcError> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|source| PcError::Write {
            path: parent.display().to_string(),
            source,
        })?;
    }
    std::fs::write(path, bytes).map_err(|source| PcError::Write {
        path: path.display().to_string(),
        source,
    })
}

/// UTF-16LE with BOM, as `reg export` writes.
pub fn utf16_with_bom(text: &str) -> Vec<u8> {
    let mut out = vec![0xFF, 0xFE];
    out.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    out
}

fn utf16z(s: &str) -> Vec<u8> {
    s.encode_utf16()
        .chain(std::iter::once(0))
        .flat_map(u16::to_le_bytes)
        .collect()
}

/// Builds a `.reg` text with CRLF line ends.
#[derive(Default)]
struct RegText(String);

impl RegText {
    fn key(&mut self, path: &str) -> &mut Self {
        let _ = write!(self.0, "\r\n[{path}]\r\n");
        self
    }
    fn sz(&mut self, name: &str, value: &str) -> &mut Self {
        let esc = |s: &str| s.replace('\\', "\\\\").replace('"', "\\\"");
        let _ = write!(self.0, "\"{}\"=\"{}\"\r\n", esc(name), esc(value));
        self
    }
    fn dword(&mut self, name: &str, value: u32) -> &mut Self {
        let _ = write!(self.0, "\"{name}\"=dword:{value:08x}\r\n");
        self
    }
    /// `hex:` data wrapped like regedit: lines up to 80 columns, `\` at the end, two spaces.
    fn hex(&mut self, name: &str, bytes: &[u8]) -> &mut Self {
        let mut line = format!("\"{name}\"=hex:");
        for (i, b) in bytes.iter().enumerate() {
            let last = i + 1 == bytes.len();
            let token = if last {
                format!("{b:02x}")
            } else {
                format!("{b:02x},")
            };
            if line.len() + token.len() > 77 {
                self.0.push_str(&line);
                self.0.push_str("\\\r\n");
                line = "  ".to_owned();
            }
            line.push_str(&token);
        }
        self.0.push_str(&line);
        self.0.push_str("\r\n");
        self
    }
}

const EXCHANGE_CLSID: &str = "{ED475414-B0D6-11D2-8C3B-00104B2A6676}";
const PST_CLSID: &str = "{ED475420-B0D6-11D2-8C3B-00104B2A6676}";
const ACCOUNTS_KEY: &str = "9375CFF0413111d3B88A00104B2A6676";

fn hkcu_export() -> String {
    let office = "HKEY_CURRENT_USER\\Software\\Microsoft\\Office";
    let outlook = format!("{office}\\16.0\\Outlook");
    let mut r = RegText::default();
    r.0.push_str("Windows Registry Editor Version 5.00\r\n");
    r.key(&outlook).sz("DefaultProfile", "Outlook");

    // Profile "Outlook": Exchange account whose address sits in the service section named
    // by its Service UID (one key shape).
    let p1 = format!("{outlook}\\Profiles\\Outlook");
    let service_uid: [u8; 16] = [
        0x5e, 0x8b, 0x1f, 0x30, 0x2c, 0x4a, 0x9d, 0x41, 0xa1, 0x7e, 0x0b, 0x33, 0x5c, 0x90, 0x12,
        0xd4,
    ];
    let uid_hex: String = service_uid.iter().map(|b| format!("{b:02x}")).collect();
    r.key(&p1);
    r.key(&format!("{p1}\\{ACCOUNTS_KEY}"))
        .hex("{ED475418-B0D6-11D2-8C3B-00104B2A6676}", &[2, 0, 0, 0]);
    r.key(&format!("{p1}\\{ACCOUNTS_KEY}\\00000001"))
        .hex("Account Name", &utf16z("Outlook Data File"))
        .sz("clsid", PST_CLSID);
    r.key(&format!("{p1}\\{ACCOUNTS_KEY}\\00000002"))
        .hex("Account Name", &utf16z(ACCOUNT))
        .hex("Display Name", &utf16z("Megan Bowen"))
        .sz("clsid", EXCHANGE_CLSID)
        .hex("Service UID", &service_uid);
    r.key(&format!("{p1}\\{uid_hex}"))
        .hex("001f3001", &utf16z("Microsoft Exchange"))
        .hex("001f6641", &utf16z(ACCOUNT))
        .hex(
            "001f6610",
            &utf16z(&format!(
                "C:\\Users\\megan\\AppData\\Local\\Microsoft\\Outlook\\{ACCOUNT}.ost"
            )),
        )
        .hex("00036601", &[0x84, 0x01, 0x00, 0x00]);
    // A shared mailbox added to the profile: with "download shared folders" it is cached too.
    r.key(&format!("{p1}\\0a0d020000000000c000000000000046"))
        .hex("001f3001", &utf16z("Sales"))
        .hex("001f6641", &utf16z("sales@contoso.example"));

    // Profile "Outlook - Copy": the same mailbox again, other key shape (Email value in the
    // account key), plus an old PST.
    let p2 = format!("{outlook}\\Profiles\\Outlook - Copy");
    r.key(&p2);
    r.key(&format!("{p2}\\{ACCOUNTS_KEY}\\00000003"))
        .hex("Account Name", &utf16z("Megan (work)"))
        .hex("Display Name", &utf16z("Megan Bowen"))
        .hex("Email", &utf16z(ACCOUNT))
        .sz("clsid", EXCHANGE_CLSID)
        .sz("Service Name", "MSEMS");
    r.key(&format!("{p2}\\13dbb0c8aa05101a9bb000aa002fc45a"))
        .hex("00036601", &[0x04, 0x00, 0x00, 0x00])
        .hex(
            "001f6700",
            &utf16z("C:\\Users\\megan\\Documents\\Outlook Files\\archive 2019.pst"),
        );

    // Add-ins: Teams (user hive), a crashing one Outlook disabled (HKLM says 3, HKCU 2).
    let addins = format!("{office}\\Outlook\\Addins");
    r.key(&format!("{addins}\\TeamsAddin.FastConnect"))
        .sz(
            "Description",
            "Microsoft Teams Meeting Add-in for Microsoft Office",
        )
        .sz(
            "FriendlyName",
            "Microsoft Teams Meeting Add-in for Microsoft Office",
        )
        .dword("LoadBehavior", 3);
    r.key(&format!("{addins}\\Contoso.PdfMaker.Addin"))
        .dword("LoadBehavior", 2);

    let res = format!("{outlook}\\Resiliency");
    r.key(&format!("{res}\\CrashingAddinList"))
        .dword("Contoso.PdfMaker.Addin", 1);
    r.key(&format!("{res}\\DisabledItems")).hex(
        "4C1A2B",
        &disabled_item(
            "C:\\Program Files\\Contoso\\PdfMaker\\PdfMakerOutlook.dll",
            "PDF Maker for Outlook",
        ),
    );
    r.key(&format!("{res}\\DoNotDisableAddinList"))
        .dword("TeamsAddin.FastConnect", 1);
    r.key("HKEY_CURRENT_USER\\Software\\Policies\\Microsoft\\Office\\16.0\\Outlook\\Resiliency\\AddinList")
        .sz("Fabrikam.Archiver.Connect", "1");
    r.0.push_str("\r\n");
    r.0
}

fn hklm_export() -> String {
    let mut r = RegText::default();
    r.0.push_str("Windows Registry Editor Version 5.00\r\n");
    let addins = "HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Office\\Outlook\\Addins";
    r.key(&format!("{addins}\\Contoso.PdfMaker.Addin"))
        .sz("Description", "Save mails as PDF")
        .sz("FriendlyName", "PDF Maker for Outlook")
        .dword("LoadBehavior", 3);
    r.key(
        "HKEY_LOCAL_MACHINE\\SOFTWARE\\WOW6432Node\\Microsoft\\Office\\Outlook\\Addins\\Fabrikam.Archiver.Connect",
    )
    .sz("Description", "Archives old mail to the company archive")
    .sz("FriendlyName", "Fabrikam Mail Archiver")
    .dword("LoadBehavior", 3);
    r.0.push_str("\r\n");
    r.0
}

/// A Resiliency `DisabledItems` value: type, path length, name length (bytes), UTF-16 path
/// and name (field guide section 3).
fn disabled_item(path: &str, name: &str) -> Vec<u8> {
    let p = utf16z(path);
    let n = utf16z(name);
    let mut out = Vec::new();
    out.extend(1u32.to_le_bytes());
    out.extend((p.len() as u32).to_le_bytes());
    out.extend((n.len() as u32).to_le_bytes());
    out.extend(p);
    out.extend(n);
    out
}

fn write_thunderbird(home: &Path) -> Result<(), PcError> {
    let root = home.join(".thunderbird");
    write(
        &root.join("profiles.ini"),
        b"[Install4F96D1932A9F858E]\nDefault=k2x9a7.default-release\nLocked=1\n\n[Profile0]\nName=default-release\nIsRelative=1\nPath=k2x9a7.default-release\nDefault=1\n\n[General]\nStartWithLastProfile=1\nVersion=2\n",
    )?;
    // The same Microsoft 365 mailbox added three times (mail, a second copy for the
    // calendar's invitations, and one left from an old setup), each with Thunderbird's
    // default of 5 IMAP connections: 15 from this PC, which `imap_connections` reports.
    let mut prefs = String::from(
        "// Mozilla User Preferences\n\
         user_pref(\"mail.accountmanager.accounts\", \"account1,account3,account4,account2\");\n\
         user_pref(\"mail.account.account2.server\", \"server2\");\n",
    );
    for (account, server) in [(1, 1), (3, 3), (4, 4)] {
        let _ = write!(
            prefs,
            "user_pref(\"mail.account.account{account}.identities\", \"id{account}\");\n\
             user_pref(\"mail.account.account{account}.server\", \"server{server}\");\n\
             user_pref(\"mail.identity.id{account}.fullName\", \"Megan Bowen\");\n\
             user_pref(\"mail.identity.id{account}.useremail\", \"{ACCOUNT}\");\n\
             user_pref(\"mail.server.server{server}.hostname\", \"outlook.office365.com\");\n\
             user_pref(\"mail.server.server{server}.port\", 993);\n\
             user_pref(\"mail.server.server{server}.type\", \"imap\");\n\
             user_pref(\"mail.server.server{server}.userName\", \"{ACCOUNT}\");\n\
             user_pref(\"mail.server.server{server}.authMethod\", 10);\n"
        );
    }
    let _ = write!(
        prefs,
        "user_pref(\"mail.server.server2.hostname\", \"Local Folders\");\n\
         user_pref(\"mail.server.server2.type\", \"none\");\n\
         user_pref(\"mail.server.server2.userName\", \"nobody\");\n"
    );
    write(
        &root.join("k2x9a7.default-release").join("prefs.js"),
        prefs.as_bytes(),
    )
}

fn processes() -> Vec<SimulatedProcess> {
    let user = format!("CONTOSO\\{WINDOWS_USER}");
    let outlook_exe = "C:\\Program Files\\Microsoft Office\\root\\Office16\\OUTLOOK.EXE";
    let edge = "C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\msedge.exe";
    let p = |name: &str, pid, exe: &str, cmd: &[&str], start, est, m365| SimulatedProcess {
        name: name.to_owned(),
        pid,
        parent_pid: Some(5128), // explorer.exe
        cmdline: cmd.iter().map(|s| (*s).to_owned()).collect(),
        exe: exe.to_owned(),
        user: user.clone(),
        start_time: start,
        established: est,
        microsoft_365: m365,
    };
    vec![
        p(
            "OUTLOOK.EXE",
            4120,
            outlook_exe,
            &[outlook_exe],
            1_764_226_800,
            14,
            13,
        ),
        p(
            "OUTLOOK.EXE",
            7344,
            outlook_exe,
            &[outlook_exe, "/profile", "Outlook - Copy"],
            1_764_230_400,
            11,
            11,
        ),
        p(
            "ms-teams.exe",
            6020,
            "C:\\Program Files\\WindowsApps\\MSTeams_25290.205.4069.4894_x64__8wekyb3d8bbwe\\ms-teams.exe",
            &["ms-teams.exe"],
            1_764_226_700,
            9,
            7,
        ),
        p(
            "msedge.exe",
            8812,
            edge,
            &[
                edge,
                "--profile-directory=Default",
                &format!("--app-id={OUTLOOK_PWA_APP_ID}"),
            ],
            1_764_231_000,
            6,
            6,
        ),
        p(
            "thunderbird.exe",
            9408,
            "C:\\Program Files\\Mozilla Thunderbird\\thunderbird.exe",
            &["C:\\Program Files\\Mozilla Thunderbird\\thunderbird.exe"],
            1_764_229_000,
            3,
            3,
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_utf16_exports_and_a_home_tree() {
        let dir = std::env::temp_dir().join(format!("sd-pc-{}", std::process::id()));
        let pc = write_simulated_pc(&dir).expect("writes");
        let bytes = std::fs::read(&pc.registry_files[0]).expect("reads");
        assert_eq!(&bytes[..2], &[0xFF, 0xFE]);
        let units: Vec<u16> = bytes[2..]
            .chunks_exact(2)
            .map(|c| u16::from_le_bytes([c[0], c[1]]))
            .collect();
        let text = String::from_utf16(&units).expect("utf-16");
        assert!(text.starts_with("Windows Registry Editor Version 5.00\r\n"));
        assert!(text.contains("Outlook - Copy"));
        // Wrapped hex: no line longer than 80 columns, continuation lines indented.
        let hex_lines = text
            .lines()
            .filter(|l| l.starts_with("  ") || l.contains("=hex:"));
        assert!(hex_lines.clone().count() > 10);
        assert!(
            hex_lines.into_iter().all(|l| l.len() <= 80),
            "long hex line"
        );
        assert!(text.contains("\\\r\n  "));
        assert!(
            pc.home
                .join(".thunderbird/k2x9a7.default-release/prefs.js")
                .is_file()
        );
        let outlooks = pc
            .processes
            .iter()
            .filter(|p| p.name == "OUTLOOK.EXE")
            .count();
        assert_eq!(outlooks, 2);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
