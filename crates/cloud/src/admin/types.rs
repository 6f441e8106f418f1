//! What admin mode shows and returns: users, searches, one user's activity, batch progress
//! and the per-user results of a bulk sign-out.

// The parent's imports and the siblings' items: one admin module, split by concern.
#[allow(unused_imports)]
use super::*;

/// A user of the directory as admin mode lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub struct DirectoryUser {
    /// The directory object id.
    pub id: String,
    /// The display name, when set.
    pub display_name: Option<String>,
    /// The user principal name.
    pub upn: String,
    /// The mail address, when set.
    pub mail: Option<String>,
}

/// The answer to a directory search.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub struct UserSearch {
    /// The text searched for, as used (trimmed, shortened).
    pub query: String,
    /// The users found, at most the cap.
    pub users: Vec<DirectoryUser>,
    /// More users matched than [`USER_SEARCH_CAP`]: the admin should narrow the search.
    pub truncated: bool,
}

/// One user's recent sign-ins and devices, for an admin.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub struct UserActivity {
    /// The user.
    pub user: DirectoryUser,
    /// The user's devices.
    pub devices: Vec<Device>,
    /// Newest first, at most [`ACTIVITY_SIGN_INS`].
    pub sign_ins: Vec<SignIn>,
    /// Older sign-ins exist beyond those shown.
    pub sign_ins_truncated: bool,
    /// What could not be read and why (a missing reader role, no Entra ID P1 licence...).
    pub notes: Vec<Note>,
}

/// Where a bulk revoke is, reported after each `$batch` (and once before the first).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub struct BatchProgress {
    /// Users with a final result so far.
    pub done: u32,
    /// Users in all.
    pub total: u32,
    /// Batches finished (0 before the first), of `batches`.
    pub batch: u32,
    /// Batches in all.
    pub batches: u32,
    /// Users signed out so far.
    pub revoked: u32,
    /// Users that failed so far.
    pub failed: u32,
}

/// What happened to one user of a bulk revoke.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum BulkRevokeOutcome {
    /// Microsoft accepted the revoke: every refresh token of the user is dead (the
    /// user's apps ask for a sign-in within minutes).
    Revoked,
    /// Not done. `code` is Graph's error code (`Request_ResourceNotFound`,
    /// `Authorization_RequestDenied`, `TooManyRequests`...) or ours (`invalid_user`,
    /// `unexpected_response`...). `retryable`: trying again later may work.
    Failed {
        /// Graph's error code, or ours.
        code: String,
        /// What went wrong, in words.
        message: String,
        /// Trying again later may work.
        retryable: bool,
    },
}

/// The result for one user, in the order the users were given.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub struct UserRevokeResult {
    /// The user principal name.
    pub upn: String,
    /// What happened.
    pub outcome: BulkRevokeOutcome,
}

impl UserRevokeResult {
    /// Whether the user was signed out.
    pub fn is_revoked(&self) -> bool {
        self.outcome == BulkRevokeOutcome::Revoked
    }

    /// Whether a retry may work.
    pub fn is_retryable(&self) -> bool {
        matches!(
            self.outcome,
            BulkRevokeOutcome::Failed {
                retryable: true,
                ..
            }
        )
    }
}

/// Counts and one sentence for a bulk revoke's results.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub struct BulkRevokeSummary {
    /// Users in all.
    pub total: u32,
    /// Users signed out.
    pub revoked: u32,
    /// Users that failed.
    pub failed: u32,
    /// Of the failed, those worth retrying ("Retry the failed ones").
    pub retryable: u32,
    /// One sentence for the screen.
    pub summary: String,
}
