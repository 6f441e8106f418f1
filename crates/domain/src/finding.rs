//! What a finding is and how much it matters.

use serde::{Deserialize, Serialize};

/// Stable finding codes (the CLI contract and the report's JSON name them).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, specta::Type,
)]
#[serde(rename_all = "snake_case")]
pub enum FindingCode {
    /// Outlook runs more than once on this computer.
    OutlookRunningMultiple,
    /// Two or more Outlook profiles hold the same mailbox.
    DuplicateProfiles,
    /// An add-in known to open its own connections is on.
    AddinOpensConnections,
    /// An add-in keeps crashing (Outlook may reconnect each time).
    AddinCrashing,
    /// Another mail app on this computer uses the same account.
    OtherClientSameAccount,
    /// Outlook on the web is open in several windows or tabs.
    WebAppSessions,
    /// Saved Office sign-ins that may keep reconnecting.
    StaleCredentials,
    /// Shared mailboxes' folders are downloaded in cached mode.
    SharedMailboxesDownloaded,
    /// Programs other than Outlook loaded Outlook's MAPI.
    MapiClients,
    /// The account has other devices signed in.
    OtherDevices,
    /// The mailbox is near its limit of mobile device partnerships.
    MobileDevicesNearLimit,
    /// IMAP clients open many connections to the mailbox.
    ImapConnections,
    /// Shared mailboxes are opened with the profile.
    SharedMailboxes,
    /// A mail app that uses EWS, which Exchange Online is retiring.
    EwsClientRetiring,
    /// Outlook (or another mail app) running in another Windows session of this PC:
    /// Remote Desktop, Citrix, fast user switching, or a disconnected session.
    OtherWindowsSessions,
}

/// How much a finding matters; the order is most severe first.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, specta::Type,
)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Likely the cause: fix it first.
    High,
    /// Adds sessions: worth fixing.
    Medium,
    /// Worth knowing.
    Low,
}
