//! Microsoft sign-in, token storage in the OS keyring, and the Graph client.
//!
//! Entry point: [`CloudSession`]. Sign in with [`CloudSession::sign_in_browser`]
//! (authorization code + PKCE, loopback redirect) or [`CloudSession::start_device_code`]
//! then [`CloudSession::finish_device_code`]; read [`CloudSession::snapshot`]; act with
//! [`CloudSession::sign_out_everywhere`]. Every failure is a [`CloudError`] with a stable
//! [`code`](CloudError::code) and a [`hint`](CloudError::hint).

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
