//! The server-side limits behind the error.

use serde::{Deserialize, Serialize};

/// The server-side limits behind the error, from the field guide's table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum Limit {
    /// Exchange store: 32 MAPI sessions per user (event 9646, "32 objects of type session").
    MapiSessionsPerUser,
    /// Exchange 2010+: 16 service sessions per user (IMAP, POP, OWA, EAS, EWS).
    ServiceSessionsPerUser,
    /// On-premises throttling policy RCAMaxConcurrency (40).
    RpcClientAccessConcurrency,
    /// EWS concurrency (10 on Exchange 2010, 27 on 2013+ and Online): ErrorExceededConnectionCount.
    EwsConcurrency,
    /// Exchange Online IMAP: 20 concurrent connections.
    ImapConnections,
    /// ActiveSync / Outlook mobile: 100 device partnerships per mailbox.
    MobileDevicePartnerships,
    /// Exchange Online PowerShell: 3 sessions per admin.
    ExchangePowerShellSessions,
    /// Simple MAPI's MAPI_E_TOO_MANY_SESSIONS (code 8): a "send via Outlook" program.
    SimpleMapiSessions,
    /// Exchange Online's unpublished authentication concurrency limit (ClientBackoff).
    AuthenticationConcurrency,
    /// The generic Outlook message: most often the MAPI or service session limit.
    AllowedSessions,
}
