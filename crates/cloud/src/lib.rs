//! Microsoft sign-in, token storage in the OS keyring, and the Graph client.
//!
//! Entry point: [`CloudSession`]. Sign in with [`CloudSession::sign_in_browser`]
//! (authorization code + PKCE, loopback redirect) or [`CloudSession::start_device_code`]
//! then [`CloudSession::finish_device_code`]; read [`CloudSession::snapshot`]; act with
//! [`CloudSession::sign_out_everywhere`]. Every failure is a [`CloudError`] with a stable
//! [`code`](CloudError::code) and a [`hint`](CloudError::hint).
//!
//! Every sentence meant for a person (a report's summary, a note, a manual route, a
//! skipped line's reason) is worded from the catalogs (`cloud.*` keys of `i18n/`) in the
//! language passed in: [`CloudSession::snapshot`], [`CloudSession::sign_out_everywhere`],
//! [`CloudSession::admin_access`], [`parse_upn_csv`] and the others take a
//! [`words::Lang`].
//!
//! Admin mode (an admin signed in with `CloudConfig::admin`): [`CloudSession::admin_access`]
//! says what the account may do (and, for a non-admin, which role and permissions to ask
//! for); [`CloudSession::search_users`] or [`parse_upn_csv`] pick users;
//! [`CloudSession::user_activity`] shows one user's sign-ins and devices;
//! [`CloudSession::revoke_many`] signs many out through `$batch` with progress, and
//! [`failed_upns`] / [`merge_results`] make "retry the failed ones" one call.
//!
//! ```no_run
//! use std::sync::Arc;
//! use cloud::{CloudConfig, CloudSession, KeyringStore, DEFAULT_KEYRING_SERVICE};
//! use words::Lang;
//!
//! # async fn demo() -> Result<(), cloud::CloudError> {
//! let cfg = CloudConfig::from_env()?; // or CloudConfig::sandbox(..) in demo mode
//! let store = Arc::new(KeyringStore::new(DEFAULT_KEYRING_SERVICE));
//! let session = CloudSession::new(cfg, store)?;
//! if session.restore().await?.is_none() {
//!     // The app passes its opener; the listener is ready before it is called.
//!     session.sign_in_browser(|url| { println!("open {url}"); Ok(()) }, None, Lang::En).await?;
//! }
//! let snapshot = session.snapshot(None, Lang::En).await?; // devices, sign-ins, capabilities, notes
//! if snapshot.capabilities.can_revoke {
//!     let report = session.sign_out_everywhere(&[], Lang::En).await?;
//!     println!("{}", report.summary);
//! }
//! # Ok(()) }
//! ```
#![deny(missing_docs)]

mod account;
mod admin;
mod config;
mod csv_users;
mod error;
#[doc(hidden)]
pub mod fuzzing;
mod graph;
mod http;
mod limits;
mod loopback;
mod manual;
mod oauth;
mod register_app;
mod revoke;
mod secret;
mod session;
mod signin;
mod snapshot;
mod store;

pub use account::{Account, AccountKind, CONSUMER_TENANT_ID};
pub use admin::{
    ACTIVITY_SIGN_INS, AdminAccess, AdminPermission, AdminRequirements, AdminRole, BatchProgress,
    BulkRevokeOutcome, BulkRevokeSummary, DirectoryUser, USER_SEARCH_CAP, UserActivity,
    UserRevokeResult, UserSearch, admin_requirements, failed_upns, merge_results, summarize_bulk,
};
pub use config::{
    ADMIN_SCOPES, BUILD_DEFAULT_CLIENT_ID, CloudConfig, ENV_AUTHORITY, ENV_CLIENT_ID, ENV_CLOUD,
    ENV_GRAPH, ENV_TENANT, NationalCloud, RetryPolicy, USER_SCOPES,
};
pub use csv_users::{
    CSV_MAX_BYTES, CSV_MAX_ROWS, CSV_MAX_SKIPPED, SkipKind, SkippedLine, UpnImport, UpnProblem,
    import_upn_csv, is_object_id, parse_upn_csv, upn_problem,
};
pub use error::{AdminAction, AdminConsent, CloudError, ErrorCode, Oversized};
pub use graph::BATCH_LIMIT;
pub use limits::SEARCH_MAX_CHARS;
pub use loopback::REDIRECT_URI_TO_REGISTER;
pub use manual::ManualRoute;
pub use register_app::REGISTER_APP_SCRIPT;
pub use revoke::{RevokeOutcome, SignOutReport, UserRevoke};
pub use secret::Secret;
pub use session::CloudSession;
pub use signin::{DeviceCodeFlow, DeviceCodePrompt};
pub use snapshot::{Capabilities, CloudSnapshot, Device, Note, NoteTopic, SignIn};
pub use store::{
    DEFAULT_KEYRING_SERVICE, ENV_KEYRING_BACKEND, KeyStore, KeyringBackend, KeyringStore,
    MemoryStore, Remembered, StoredSession, TokenStore,
};
