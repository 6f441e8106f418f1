//! The scan's result: one JSON object, snake_case, exactly as the CLI contract of issue 3 says.
//!
//! Every type here derives `Serialize` for the CLI and the Tauri commands, and `specta::Type`
//! so the UI's generated TypeScript bindings include them. Numbers are `u32`/`f64` on purpose:
//! 64-bit integers become `bigint` in TypeScript, which the UI does not want.

use serde::Serialize;

/// Everything the scan found. The six arrays of the CLI contract, plus the date of the
/// Microsoft 365 address list that classified connections.
#[derive(Debug, Clone, Default, Serialize, specta::Type)]
pub struct ScanReport {
    /// Mail and calendar clients running now.
    pub processes: Vec<ProcessInfo>,
    /// Classic Outlook profiles from the registry (16.0, 15.0, Windows Messaging Subsystem).
    pub profiles: Vec<Profile>,
    /// Outlook COM add-ins, one entry per ProgID with its effective settings.
    pub addins: Vec<Addin>,
    /// Entries of Outlook's Resiliency `DisabledItems` that match no installed add-in.
    pub disabled_items: Vec<DisabledItem>,
    /// Accounts of other mail apps (new Outlook, Outlook for Mac, Thunderbird, Evolution, Mail).
    pub accounts: Vec<OtherAccount>,
    /// Saved Office credentials, by name only: secrets are never read.
    pub credentials: Vec<Credential>,
    /// One entry per place the scan looked, with its duration and outcome.
    pub sources: Vec<Source>,
    /// Date of the shipped Microsoft 365 address ranges (`data/m365_ranges.txt`).
    /// Other Windows sessions of this PC (Remote Desktop, Citrix, fast user switching,
    /// disconnected) with a mail client running in them.
    pub windows_sessions: Vec<crate::windows_sessions::WindowsSession>,
    /// The date of the Microsoft 365 address ranges the connection counts used.
    pub m365_ranges_date: String,
}

/// What a client process is. The names are the CLI contract's `kind` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, serde::Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum ClientKind {
    /// Classic Outlook for Windows (OUTLOOK.EXE).
    ClassicOutlook,
    /// The new Outlook for Windows (olk.exe).
    NewOutlook,
    /// The Windows Mail and Calendar app.
    WindowsMail,
    /// Outlook for Mac.
    OutlookMac,
    /// Microsoft Teams (it opens its own mailbox connections).
    Teams,
    /// Outlook on the web, opened as an app or in a browser window.
    OutlookWebApp,
    /// Mozilla Thunderbird.
    Thunderbird,
    /// GNOME Evolution.
    Evolution,
    /// eM Client.
    EmClient,
    /// Apple Mail.
    AppleMail,
    /// Prospect Mail (an Outlook on the web wrapper for Linux).
    ProspectMail,
    /// Another program that loaded Outlook's MAPI (a CRM, an archiver, a scanner's mail button).
    MapiClient,
}

impl ClientKind {
    /// The snake_case name used in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ClassicOutlook => "classic_outlook",
            Self::NewOutlook => "new_outlook",
            Self::WindowsMail => "windows_mail",
            Self::OutlookMac => "outlook_mac",
            Self::Teams => "teams",
            Self::OutlookWebApp => "outlook_web_app",
            Self::Thunderbird => "thunderbird",
            Self::Evolution => "evolution",
            Self::EmClient => "em_client",
            Self::AppleMail => "apple_mail",
            Self::ProspectMail => "prospect_mail",
            Self::MapiClient => "mapi_client",
        }
    }
}

/// One running client process.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct ProcessInfo {
    /// Which mail app it is.
    pub kind: ClientKind,
    /// Process name as the OS reports it (`OUTLOOK.EXE`, `thunderbird`, ...).
    pub name: String,
    /// The process id.
    pub pid: u32,
    /// The parent's process id, when known.
    pub parent_pid: Option<u32>,
    /// The account it runs as, when readable.
    pub user: Option<String>,
    /// Start time, seconds since the Unix epoch.
    pub start_time: Option<u32>,
    /// The executable's full path, when readable.
    pub exe: Option<String>,
    /// A helper of a client (new Outlook's `olkexthost.exe`, its WebView2 children, Evolution's
    /// factories) rather than a window the user opened.
    pub helper: bool,
    /// 1-based number of this instance among the non-helper processes of the same kind.
    pub instance: u32,
    /// How many non-helper processes of this kind run: 2 means "Outlook is open twice".
    pub instances_of_kind: u32,
    /// Why it was classified so, in plain words (e.g. "browser with the Outlook web app id").
    pub detail: Option<String>,
    /// Live TCP connections, `None` when they were not measured (`--no-live`, no permission).
    pub connections: Option<ConnectionCounts>,
}

/// Established TCP connections of one process.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, specta::Type)]
pub struct ConnectionCounts {
    /// Established TCP connections held by the process.
    pub established: u32,
    /// Of those, how many go to port 443 of a published Microsoft 365 address.
    pub microsoft_365: u32,
}

/// A classic Outlook profile.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct Profile {
    /// The profile's name, exactly as the registry spells it (no trimming).
    pub name: String,
    /// `16.0`, `15.0` or `windows_messaging_subsystem` (Outlook 2010 and older).
    pub version: String,
    /// Whether Outlook opens this profile by default.
    pub is_default: bool,
    /// The mail accounts in the profile.
    pub accounts: Vec<ProfileAccount>,
    /// Extra and shared mailboxes found in the profile (SMTP addresses not of an account).
    pub mailboxes: Vec<String>,
    /// The data files (.ost, .pst) it uses.
    pub data_files: Vec<DataFile>,
    /// Exchange cached mode, when the profile says.
    pub cached_mode: Option<bool>,
    /// "Download shared folders" in cached mode, when the profile says.
    pub download_shared_folders: Option<bool>,
    /// Names of other profiles of the same Outlook version sharing an account email.
    pub duplicate_of: Vec<String>,
    /// Registry key of the profile.
    pub key: String,
    /// Values that could not be read as expected, in plain words.
    pub notes: Vec<String>,
}

/// An account inside a classic Outlook profile.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct ProfileAccount {
    /// The account's address, when the profile names one.
    pub email: Option<String>,
    /// The display name, when set.
    pub display_name: Option<String>,
    /// `exchange`, `imap`, `pop3`, `outlook_com` or `other` (from `clsid`).
    pub kind: String,
    /// The account's own name in Outlook, when set.
    pub account_name: Option<String>,
}

/// An Outlook data file referenced by a profile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct DataFile {
    /// The file's path as the profile stores it.
    pub path: String,
    /// `ost` (cached Exchange copy) or `pst` (personal folders).
    pub kind: String,
}

/// A COM add-in of Outlook.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct Addin {
    /// The add-in's ProgID (its registry key name).
    pub prog_id: String,
    /// Its name in Outlook's list, when set.
    pub friendly_name: Option<String>,
    /// Its description, when set.
    pub description: Option<String>,
    /// Effective LoadBehavior: HKCU wins over HKLM, which wins over WOW6432Node.
    pub load_behavior: Option<u32>,
    /// What the effective LoadBehavior means, in plain words.
    pub load_behavior_meaning: Option<String>,
    /// The effective LoadBehavior keeps it from loading (0 or 2), as the scan found it: for
    /// the UI. Rust code asks [`Addin::is_off`], which follows a changed `load_behavior`.
    pub off: bool,
    /// Hive the effective LoadBehavior came from: `HKCU`, `HKLM`, `HKLM_WOW6432Node`,
    /// `HKLM_ClickToRun`.
    pub hive: String,
    /// Every hive that registers this add-in.
    pub hives: Vec<String>,
    /// Managed by policy (`Policies\...\Resiliency\AddinList`): never change it.
    pub policy: bool,
    /// The policy's value: 0 always off, 1 always on, 2 user choice.
    pub policy_value: Option<u32>,
    /// Listed in Outlook's Resiliency `DisabledItems`.
    pub disabled_by_outlook: bool,
    /// Listed in Resiliency `CrashingAddinList`.
    pub crashing: bool,
    /// Listed in Resiliency `DoNotDisableAddinList` (the user told Outlook to keep it).
    pub do_not_disable: bool,
    /// Known to open its own connections to the mailbox or Microsoft 365 (from
    /// `data/connection_addins.txt`).
    pub opens_connections: bool,
    /// Why it opens connections, from the data file.
    pub connections_note: Option<String>,
    /// The catalog key of `connections_note`, for words in another language (not in JSON).
    #[serde(skip)]
    pub connections_note_key: Option<String>,
    /// What could not be read about it.
    pub notes: Vec<String>,
}

impl Addin {
    /// Its LoadBehavior keeps it from loading ([`crate::load_behavior_off`]).
    pub fn is_off(&self) -> bool {
        crate::load_behavior_off(self.load_behavior)
    }
}

/// A decoded `Resiliency\DisabledItems` entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct DisabledItem {
    /// Item type from the first DWORD (1 = add-in, per admin scripts; unverified).
    pub item_type: Option<u32>,
    /// The disabled add-in's file path, when decoded.
    pub path: Option<String>,
    /// The disabled add-in's name, when decoded.
    pub name: Option<String>,
    /// Registry value name and key it came from.
    pub value_name: String,
    /// What could not be decoded.
    pub notes: Vec<String>,
}

/// An account of another mail app on this computer.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct OtherAccount {
    /// The app, as a process `kind`.
    pub client: ClientKind,
    /// The account's address, when found.
    pub email: Option<String>,
    /// The mail server's host name, when found.
    pub host: Option<String>,
    /// The file it came from.
    pub source: String,
    /// App profile name (Thunderbird profile, Outlook for Mac profile), when there is one.
    pub profile: Option<String>,
    /// Account type as the app writes it (`imap`, `ews`, `Office365`, ...).
    pub account_type: Option<String>,
    /// How many IMAP connections the app may open at once for this account, when the app
    /// has such a setting and the account is IMAP (Thunderbird's `max_cached_connections`).
    pub imap_connections: Option<ImapConnectionSetting>,
    /// What could not be read about it.
    pub notes: Vec<String>,
}

/// An IMAP account's connection setting, as the app will read it at its next start.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct ImapConnectionSetting {
    /// The app's key of the account's server settings (Thunderbird: `server3`), which a
    /// repair names to change exactly this account.
    pub server_key: String,
    /// The app profile's folder holding the settings (Thunderbird: the folder of `prefs.js`
    /// and `user.js`).
    pub profile_dir: String,
    /// Connections the app may open at once to this server: the value in effect.
    pub max_connections: u32,
    /// Where that value comes from: `user.js`, `prefs.js` (the account's own setting or
    /// `mail.server.default` in one of them, see `pref`) or `default` (the app's built-in).
    pub from: String,
    /// The preference name that decided it (`mail.server.server3.max_cached_connections`),
    /// `None` for the built-in default.
    pub pref: Option<String>,
}

/// A saved credential, by name only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct Credential {
    /// The credential's target name (never its secret).
    pub name: String,
    /// `windows_credential_manager` or `macos_keychain`.
    pub store: String,
}

/// Outcome of one source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum SourceStatus {
    /// Read.
    Ok,
    /// Not read, and why (not on this OS, not asked for).
    Skipped,
    /// Could not be read, and why.
    Failed,
}

/// One place the scan looked.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct Source {
    /// The source's name (a `SCAN_SOURCES` entry).
    pub name: String,
    /// Duration in milliseconds.
    pub ms: f64,
    /// How it went.
    pub status: SourceStatus,
    /// Why it was skipped or failed, or what was partly unreadable (English, as the JSON
    /// output and the logs keep it; [`Source::reason_worded`] words it for a person).
    pub reason: Option<String>,
    /// The same reason as catalog words, when the scan's own rule gave it (the system's
    /// error texts have none). Not in the JSON.
    #[serde(skip)]
    pub why: Option<SourceNote>,
}

impl Source {
    /// The reason in `lang`: the catalog's words when there are some, else as recorded.
    pub fn reason_worded(&self, lang: words::Lang) -> Option<String> {
        match &self.why {
            Some(note) => Some(note.words(lang)),
            None => self.reason.clone(),
        }
    }
}

/// Why a source was skipped or what it counted from, as the scan's rules say it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SourceNote {
    /// The live processes were not asked for (`--no-live`).
    NoLiveProcesses,
    /// Only a live scan on Windows lists the programs that loaded Outlook's MAPI.
    MapiNeedsLiveWindows,
    /// Outlook's MAPI exists only on Windows.
    MapiOnlyOnWindows,
    /// The live connections were not asked for (`--no-live`).
    NoLiveConnections,
    /// The counts come from the given process list.
    CountsFromGivenList,
    /// There is no registry to read.
    NoRegistryToRead,
    /// There is no home directory.
    NoHomeDirectory,
    /// The mail app's files were not found in these places.
    NotFound {
        /// Where the scan looked.
        looked_in: Vec<String>,
    },
    /// Neither Windows Credential Manager nor a macOS keychain is here.
    NoCredentialStore,
    /// The live Windows sessions were not asked for (`--no-live`).
    NoLiveSessions,
    /// Windows sessions exist only on Windows.
    SessionsOnlyOnWindows,
    /// No Windows registry here; `.reg` exports can be passed instead.
    NoWindowsRegistry,
    /// The OS listed connections without saying which process owns them (Wine does):
    /// counting them would say "0 connections" for every client, which is wrong.
    ConnectionOwnersUnknown {
        /// How many connections it listed.
        count: usize,
    },
    /// The registry holds no Outlook profile.
    NoOutlookProfiles,
    /// The source panicked (a bug).
    Internal,
}

impl SourceNote {
    /// The English reason, as the JSON and the logs keep it.
    pub fn english(&self) -> String {
        self.words(words::Lang::En)
    }

    /// The reason in `lang`.
    pub fn words(&self, lang: words::Lang) -> String {
        let w = words::Words::of(lang);
        match self {
            Self::NoLiveProcesses => w.t("scan.note.no_live_processes", &[]),
            Self::MapiNeedsLiveWindows => w.t("scan.note.mapi_needs_live_windows", &[]),
            Self::MapiOnlyOnWindows => w.t("scan.note.mapi_only_on_windows", &[]),
            Self::NoLiveConnections => w.t("scan.note.no_live_connections", &[]),
            Self::CountsFromGivenList => w.t("scan.note.counts_from_given_list", &[]),
            Self::NoRegistryToRead => w.t("scan.note.no_registry_to_read", &[]),
            Self::NoHomeDirectory => w.t("scan.note.no_home_directory", &[]),
            Self::NotFound { looked_in } => {
                w.t("scan.note.not_found", &[("places", &looked_in.join(", "))])
            }
            Self::NoCredentialStore => w.t("scan.note.no_credential_store", &[]),
            Self::NoLiveSessions => w.t("scan.note.no_live_sessions", &[]),
            Self::SessionsOnlyOnWindows => w.t("scan.note.sessions_only_on_windows", &[]),
            Self::NoWindowsRegistry => w.t("scan.note.no_windows_registry", &[]),
            Self::ConnectionOwnersUnknown { count } => {
                w.t("scan.note.connection_owners_unknown", &[("n", count)])
            }
            Self::NoOutlookProfiles => w.t("scan.note.no_outlook_profiles", &[]),
            Self::Internal => w.t("scan.note.internal", &[]),
        }
    }
}

/// Start or end of a source, for a progress bar per source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum ProgressState {
    /// The source started.
    Started,
    /// The source finished.
    Finished,
}

/// A progress event.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct Progress {
    /// The source's name.
    pub source: String,
    /// Started or finished.
    pub state: ProgressState,
    /// Sources finished / all sources, 0.0 ..= 1.0.
    pub fraction: f64,
    /// Set when `state` is `finished`.
    pub status: Option<SourceStatus>,
}
