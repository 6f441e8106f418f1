//! `admin`: what IT needs once per organisation. `admin register-app-script` prints the
//! Microsoft Graph PowerShell script that registers Session Doctor in a tenant
//! (docs/register-app.ps1, compiled in so the CLI alone is enough on a help desk PC).

use clap::{Args, Subcommand};

/// The script as shipped in `docs/` (one copy, in `cloud`, shared with the app's Help desk
/// tab), so the CLI's cannot drift from the documented one.
pub use cloud::REGISTER_APP_SCRIPT;

#[derive(Debug, Args)]
pub struct AdminArgs {
    #[command(subcommand)]
    command: AdminCommand,
}

#[derive(Debug, Subcommand)]
enum AdminCommand {
    /// Print the PowerShell script (Microsoft Graph SDK) that registers Session Doctor in
    /// your tenant and prints the settings file to deploy:
    /// `session-doctor-cli admin register-app-script > register-app.ps1`.
    RegisterAppScript,
}

pub fn run(args: &AdminArgs) -> Result<(), String> {
    match args.command {
        AdminCommand::RegisterAppScript => {
            // As is, byte for byte: the output is meant to be redirected into a .ps1 file.
            print!("{REGISTER_APP_SCRIPT}");
            Ok(())
        }
    }
}
