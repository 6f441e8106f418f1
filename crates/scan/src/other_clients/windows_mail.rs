//! Windows Mail and Calendar (retired 2024-12-31): presence of its package data only; it
//! keeps no readable account list.

use std::path::Path;

use super::ClientScan;
use crate::report::{ClientKind, OtherAccount};

const PACKAGE: &str = "Packages/microsoft.windowscommunicationsapps_8wekyb3d8bbwe";

/// The Windows Mail and Calendar app's accounts under `local_app_data`.
pub fn scan(local_app_data: &Path) -> ClientScan {
    let mut out = ClientScan::default();
    let dir = super::under(local_app_data, PACKAGE);
    out.looked_in.push(dir.display().to_string());
    if dir.is_dir() {
        out.found = true;
        out.accounts.push(OtherAccount {
            client: ClientKind::WindowsMail,
            email: None,
            host: None,
            source: dir.display().to_string(),
            profile: None,
            account_type: None,
            imap_connections: None,
            notes: vec![
                "Mail and Calendar app data present; the app was retired on 2024-12-31".to_owned(),
            ],
        });
    }
    out
}
