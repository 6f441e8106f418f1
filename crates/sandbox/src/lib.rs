//! The only stand-in in Session Doctor: a simulated PC and a simulated Microsoft tenant,
//! served over real HTTP on 127.0.0.1 at an ephemeral port.
//!
//! It powers demo mode and every test that would otherwise need Microsoft. Each
//! [`Sandbox`] runs its own server thread and stops when dropped, so tests can run many
//! side by side.

pub mod pc;
mod server;
mod tenant;

pub use server::{Sandbox, SandboxError};
pub use tenant::Tenant;
