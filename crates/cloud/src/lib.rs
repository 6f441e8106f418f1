//! Microsoft sign-in, token storage in the OS keyring, and the Graph client.
//!
//! Entry point: [`CloudSession`]. Sign in with [`CloudSession::sign_in_browser`]
//! (authorization code + PKCE, loopback redirect) or [`CloudSession::start_device_code`]
//! then [`CloudSession::finish_device_code`]; read [`CloudSession::snapshot`]; act with
//! [`CloudSession::sign_out_everywhere`]. Every failure is a [`CloudError`] with a stable
//! [`code`](CloudError::code) and a [`hint`](CloudError::hint).
//!
//! ```no_run
//! use std::sync::Arc;
//! use cloud::{CloudConfig, CloudSession, KeyringStore, DEFAULT_KEYRING_SERVICE};
//!
//! # async fn demo() -> Result<(), cloud::CloudError> {
//! let cfg = CloudConfig::from_env()?; // or CloudConfig::sandbox(..) in demo mode
//! let store = Arc::new(KeyringStore::new(DEFAULT_KEYRING_SERVICE));
//! let session = CloudSession::new(cfg, store)?;
//! if session.restore().await?.is_none() {
//!     // The app passes its opener; the listener is ready before it is called.
//!     session.sign_in_browser(|url| { println!("open {url}"); Ok(()) }, None).await?;
//! }
//! let snapshot = session.snapshot(None).await?; // devices, sign-ins, capabilities, notes
//! if snapshot.capabilities.can_revoke {
//!     let report = session.sign_out_everywhere(&[]).await?;
//!     println!("{}", report.summary);
//! }
//! # Ok(()) }
//! ```

mod account;
mod config;
mod error;
mod graph;
mod http;
mod loopback;
mod manual;
mod oauth;
mod revoke;
mod secret;
mod session;
mod signin;
mod snapshot;
mod store;

pub use account::{Account, AccountKind, CONSUMER_TENANT_ID};
pub use config::{
    CloudConfig, ENV_AUTHORITY, ENV_CLIENT_ID, ENV_GRAPH, ENV_TENANT, NationalCloud, RetryPolicy,
};
pub use error::CloudError;
pub use graph::BATCH_LIMIT;
pub use manual::ManualRoute;
pub use revoke::{RevokeOutcome, SignOutReport, UserRevoke};
pub use secret::Secret;
pub use session::CloudSession;
pub use signin::{DeviceCodeFlow, DeviceCodePrompt};
pub use snapshot::{Capabilities, CloudSnapshot, Device, Note, NoteTopic, SignIn};
pub use store::{DEFAULT_KEYRING_SERVICE, KeyringStore, MemoryStore, StoredSession, TokenStore};
