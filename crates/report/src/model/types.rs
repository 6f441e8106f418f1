//! The report's shape: what the HTML shows, the JSON holds and the ticket sums up.

// The parent's imports and the siblings' items: one model module, split by concern.
#[allow(unused_imports)]
use super::*;

/// A whole report.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct Report {
    /// Personal data replaced by pseudonyms (the default).
    pub redacted: bool,
    /// When it was made, RFC 3339.
    pub generated_at: String,
    /// The account the report is about (a pseudonym when redacted).
    pub account: Option<String>,
    /// The report in a few numbers and one sentence.
    pub summary: Summary,
    /// Most severe first.
    pub findings: Vec<FindingLine>,
    /// Findings not listed (past the report's limit).
    pub findings_left_out: u32,
    /// The limit most likely hit.
    pub limit: Option<LimitView>,
    /// The plan's steps and where each stands.
    pub steps: Vec<StepLine>,
    /// Oldest first.
    pub repairs: Vec<RepairLine>,
    /// Repairs not listed.
    pub repairs_left_out: u32,
    /// The measures in the first and the last scan.
    pub before_after: Vec<MeasureLine>,
    /// What the user told the guided fix (their answers, not measurements).
    #[serde(default)]
    pub answers: UserAnswers,
    /// This computer and its mail apps.
    pub environment: Environment,
    /// Classic Outlook's profiles.
    pub profiles: Vec<ProfileLine>,
    /// Profiles not listed.
    pub profiles_left_out: u32,
    /// Other mail apps' accounts.
    pub other_accounts: Vec<AccountLine>,
    /// Accounts not listed.
    pub other_accounts_left_out: u32,
    /// The account's devices, most recently seen first.
    pub devices: Vec<DeviceLine>,
    /// Devices not listed.
    pub devices_left_out: u32,
    /// The newest sign-ins, newest first.
    pub sign_ins: Vec<SignInLine>,
    /// Older sign-ins not shown.
    pub sign_ins_left_out: u32,
    /// What the cloud side could not read, and where to look instead.
    pub cloud_notes: Vec<String>,
    /// Commands for IT, most relevant first.
    pub admin_commands: Vec<AdminCommand>,
    /// Why there are no admin commands, when there are none.
    pub admin_note: Option<String>,
    /// The language its sentences are in (the HTML and the ticket follow it). Not part of
    /// the JSON, whose schema stays as it is: a report read back from JSON is English.
    #[serde(skip)]
    pub lang: Lang,
}

/// The report in a few numbers and one sentence.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct Summary {
    /// The error the user saw.
    pub error: String,
    /// One sentence: the findings, the likely limit, the steps and the repairs.
    pub headline: String,
    /// Findings in all.
    pub findings: u32,
    /// Of those, of high severity.
    pub high_findings: u32,
    /// Steps done.
    pub steps_done: u32,
    /// Steps in the plan.
    pub steps_total: u32,
    /// Repairs made.
    pub repairs: u32,
    /// Of those, undone since.
    pub repairs_undone: u32,
}

/// The limit most likely hit, in words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct LimitView {
    /// Which limit (`mapi_sessions_per_user` in the JSON).
    pub code: Limit,
    /// Its name in words.
    pub label: String,
    /// Published number, 0 when none is published.
    pub number: u32,
    /// Connections from this PC counted against it.
    pub counted: u32,
    /// Why this limit, in words.
    pub reason: String,
}

impl LimitView {
    /// The numbers in honest words, in `lang`: what was counted is connections from this PC
    /// (nobody can list a mailbox's Exchange Online sessions), and "N of LIMIT" only where
    /// a number is documented (`number` is 0 where none is published, as for Exchange Online
    /// MAPI).
    pub fn counts(&self, lang: Lang) -> String {
        let w = Words::of(lang);
        if self.number > 0 {
            w.t(
                "report.limit.counts_documented",
                &[("counted", &self.counted), ("number", &self.number)],
            )
        } else {
            w.t(
                "report.limit.counts_unpublished",
                &[("counted", &self.counted)],
            )
        }
    }
}

/// Where the report was made.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct Environment {
    /// `unknown` when not given.
    pub os: String,
    /// The OS version, when known.
    pub os_version: Option<String>,
    /// This computer's name (a pseudonym when redacted).
    pub computer: Option<String>,
    /// Session Doctor's version.
    pub app_version: String,
    /// Outlook variants seen running or set up here.
    pub outlook: Vec<ClientLine>,
    /// Other mail and calendar apps seen running or set up here.
    pub other_clients: Vec<ClientLine>,
    /// Scan sources that failed, with why.
    pub scan_problems: Vec<String>,
    /// Date of the Microsoft 365 address list that classified connections.
    pub m365_ranges_date: Option<String>,
}

/// One kind of mail client on this computer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct ClientLine {
    /// Which mail app (`classic_outlook`, `new_outlook`, ... in the JSON).
    pub kind: ClientKind,
    /// Its name in words.
    pub label: String,
    /// What the scan could tell about the version, with where it came from; `None` when
    /// the scan does not show it (the report says "unknown" rather than guess).
    pub version: Option<String>,
    /// Windows the user opened (helper processes not counted).
    pub running: u32,
    /// Connections to Microsoft 365, when measured.
    pub microsoft_365_connections: Option<u32>,
    /// Accounts set up in it (for classic Outlook: in all profiles).
    pub accounts: u32,
}

/// A classic Outlook profile.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct ProfileLine {
    /// The profile's name, exactly.
    pub name: String,
    /// Its Office version key (`16.0`).
    pub version: String,
    /// Whether Outlook opens it by default.
    pub is_default: bool,
    /// `address (kind)`, one per account.
    pub accounts: Vec<String>,
    /// How many additional and shared mailboxes it opens.
    pub shared_mailboxes: u32,
    /// The additional and shared mailboxes' addresses (auto-mapped or added), for the
    /// admin commands that fill them in.
    #[serde(default)]
    pub mailboxes: Vec<String>,
    /// The profiles it duplicates.
    pub duplicate_of: Vec<String>,
    /// Cached Exchange Mode, when set.
    pub cached_mode: Option<bool>,
    /// Whether shared folders are downloaded, when set.
    pub download_shared_folders: Option<bool>,
}

/// An account of another mail app.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct AccountLine {
    /// The mail app, in words.
    pub client: String,
    /// The account's address, when found.
    pub email: Option<String>,
    /// The mail server's host name, when found.
    pub host: Option<String>,
    /// IMAP, POP, Exchange..., when found.
    pub account_type: Option<String>,
}

/// A device linked to the account.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct DeviceLine {
    /// `None` when Microsoft does not let this account read the device.
    pub name: Option<String>,
    /// System and version.
    pub operating_system: Option<String>,
    /// `joined`, `hybrid joined`, `registered`, or as Microsoft says.
    pub trust: Option<String>,
    /// When it last signed in, when known.
    pub last_sign_in: Option<String>,
    /// Whether it is managed (Intune), when known.
    pub managed: Option<bool>,
    /// Whether it is compliant, when known.
    pub compliant: Option<bool>,
}

/// One sign-in of the account.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct SignInLine {
    /// When (RFC 3339).
    pub when: String,
    /// The app signed in to.
    pub app: String,
    /// The client app (`Browser`, `IMAP4`...).
    pub client_app: String,
    /// The device's name, when known.
    pub device: Option<String>,
    /// The device's operating system, when known.
    pub operating_system: Option<String>,
    /// The browser, when one.
    pub browser: Option<String>,
    /// City and country; the country only when redacted.
    pub location: Option<String>,
    /// Masked to its first two octets (or groups) when redacted.
    pub ip: Option<String>,
    /// Whether it succeeded.
    pub success: bool,
    /// `code: reason` of a failed sign-in.
    pub error: Option<String>,
    /// Whether the user signed in themselves (not a token refresh).
    pub interactive: bool,
}

impl Report {
    /// What is left when a report cannot be redacted: nothing personal at all.
    pub(crate) fn withheld(from: &Report) -> Report {
        let w = Words::of(from.lang);
        Report {
            redacted: true,
            generated_at: from.generated_at.clone(),
            lang: from.lang,
            summary: Summary {
                error: w.t("report.default_error", &[]),
                headline: w.t("report.withheld", &[]),
                ..Summary::default()
            },
            environment: Environment {
                os: w.t("report.unknown", &[]),
                app_version: from.environment.app_version.clone(),
                ..Environment::default()
            },
            ..Report::default()
        }
    }
}
