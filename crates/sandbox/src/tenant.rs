//! The simulated tenant's identity. Later issues add users, devices and sign-ins here.

use serde::Serialize;

/// A simulated Microsoft 365 organisation.
#[derive(Debug, Clone, Serialize)]
pub struct Tenant {
    pub id: String,
    pub display_name: String,
}

impl Tenant {
    /// The tenant the demo shows: a small company with one messy mailbox.
    pub fn demo() -> Self {
        Self {
            // A fixed GUID keeps demo screenshots and tests stable.
            id: "5b1c7a52-3f0e-4d6b-9a3e-0c1d2e3f4a5b".to_owned(),
            display_name: "Contoso (simulated)".to_owned(),
        }
    }
}
