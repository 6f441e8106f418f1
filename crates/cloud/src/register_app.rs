//! The Microsoft Graph PowerShell script that registers Session Doctor in a tenant
//! (`docs/register-app.ps1`). Compiled in once, here, so the CLI's `admin
//! register-app-script` and the app's Help desk tab hand out the same bytes as the docs.

/// The script as shipped in `docs/`, byte for byte.
pub const REGISTER_APP_SCRIPT: &str = include_str!("../../../docs/register-app.ps1");
