//! The only stand-in in Session Doctor: a simulated PC and a simulated Microsoft tenant,
//! served over real HTTP on 127.0.0.1 at an ephemeral port.
//!
//! It powers demo mode and every test that would otherwise need Microsoft. Each
//! [`Sandbox`] runs its own server thread and stops when dropped, so tests can run many
//! side by side.
#![deny(missing_docs)]

mod bulk;
mod directory;
mod faults;
mod graph;
mod identity;
pub mod pc;
mod server;
mod tenant;
/// RFC 3339 timestamps without a date library (also used for report times).
pub mod time;
mod users;

pub use faults::{Fault, Faults, RetryAfter};
pub use graph::GRAPH_PREFIX;
pub use server::{IssuedTokens, RequestRecord, Sandbox, SandboxError};
pub use tenant::{
    DEMO_ADMIN_UPN, DEMO_MEMBER_UPN, DEMO_PERSONAL_UPN, DeviceFlowPlan, DeviceOutcome,
    SANDBOX_CLIENT_ID, Tenant, TokenLengths, demo_users,
};
pub use users::{CONSUMER_TENANT_ID, Device, SignIn, User, UserKind};
