//! Outlook for Mac: profiles under
//! `~/Library/Group Containers/UBF8T346G9.Office/Outlook/Outlook 15 Profiles/<Profile>/`.
//! Accounts live in the profile's `Data/Outlook.sqlite`, read with SQLite.
//!
//! The database is never opened where it lies: `Outlook.sqlite` and its `-wal`/`-shm`
//! companions are copied into a fresh temp dir and the copy is opened with
//! `SQLITE_OPEN_READ_ONLY`, so a running Outlook's files are not locked, checkpointed or
//! created, and rows committed only to the write-ahead log are still read.
//!
//! Schema (assumed, not verified against a live Mac here): accounts are rows of
//! `AccountsExchange` (Exchange / Microsoft 365) and `AccountsMail` (IMAP/POP), each with an
//! `Account_EmailAddress` column; an `AccountsMail` row tied to an Exchange account has no
//! address of its own and is skipped. The server column's name is not known for certain, so
//! the first text column among [`HOST_COLUMNS`], else any column whose name ends in
//! `Server`/`Host`, is taken as the host. Mail, contact and other tables are never read, so
//! correspondents' addresses do not become accounts.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use rusqlite::{Connection, OpenFlags, types::ValueRef};

use super::ClientScan;
use crate::report::{ClientKind, OtherAccount};

const PROFILES: &str = "Library/Group Containers/UBF8T346G9.Office/Outlook/Outlook 15 Profiles";
/// Account tables read, with the account type reported for their rows.
const ACCOUNT_TABLES: &[(&str, &str)] =
    &[("AccountsExchange", "exchange"), ("AccountsMail", "mail")];
const EMAIL_COLUMN: &str = "Account_EmailAddress";
/// Server columns tried first, in order (assumed names).
const HOST_COLUMNS: &[&str] = &[
    "Account_ExchangeServer",
    "Account_Server",
    "Account_ServerName",
    "Account_IncomingServer",
    "Account_ReceivingServer",
];
/// Rows read per table at most.
const MAX_ROWS: usize = 50;

/// Outlook for Mac's accounts under `home` (its profile database).
pub fn scan(home: &Path) -> ClientScan {
    let mut out = ClientScan::default();
    let dir = super::under(home, PROFILES);
    out.looked_in.push(dir.display().to_string());
    let entries = match std::fs::read_dir(&dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return out,
        Err(e) => {
            out.found = true;
            out.problems
                .push(format!("cannot list {}: {e}", dir.display()));
            return out;
        }
    };
    out.found = true;
    let mut profiles: Vec<_> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    profiles.sort();
    for p in profiles {
        let name = p
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let db = p.join("Data").join("Outlook.sqlite");
        let source = db.display().to_string();
        let mut notes = Vec::new();
        let found = if db.is_file() {
            match read_accounts(&db, &mut notes) {
                Ok(rows) => rows,
                Err(e) => {
                    notes.push(format!("cannot read {}: {e}", db.display()));
                    Vec::new()
                }
            }
        } else {
            notes.push(format!("cannot read {}: no such file", db.display()));
            Vec::new()
        };
        if found.is_empty() {
            notes.push("no account address found; the profile exists".to_owned());
            out.accounts.push(OtherAccount {
                client: ClientKind::OutlookMac,
                email: None,
                host: None,
                source,
                profile: Some(name),
                account_type: None,
                imap_connections: None,
                notes,
            });
            continue;
        }
        for row in found {
            let mut n = notes.clone();
            n.push(format!("from the {} table of Outlook.sqlite", row.table));
            out.accounts.push(OtherAccount {
                client: ClientKind::OutlookMac,
                email: Some(row.email),
                host: row.host,
                source: source.clone(),
                profile: Some(name.clone()),
                account_type: Some(row.kind.to_owned()),
                imap_connections: None,
                notes: n,
            });
        }
    }
    out
}

#[derive(Debug)]
struct AccountRow {
    table: &'static str,
    kind: &'static str,
    email: String,
    host: Option<String>,
}

/// A temp dir removed on drop (tempfile is only a dev-dependency).
#[derive(Debug)]
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> std::io::Result<Self> {
        static N: AtomicU64 = AtomicU64::new(0);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default();
        let dir = std::env::temp_dir().join(format!(
            "session-doctor-outlook-mac-{}-{nanos}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        // `create_dir` (not `_all`) fails if the name is taken: never reuse someone's dir.
        std::fs::create_dir(&dir)?;
        Ok(Self(dir))
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Outlook for Mac keeps message bodies outside `Outlook.sqlite`, so the database is
/// usually tens to hundreds of MB; past this the copy would cost the user disk and minutes,
/// and the profile is reported as not read instead.
pub const MAX_DATABASE_BYTES: u64 = 2 * 1024 * 1024 * 1024;

/// Copies the database and its WAL/shared-memory files, opens the copy read-only and reads
/// the account tables.
fn read_accounts(db: &Path, notes: &mut Vec<String>) -> Result<Vec<AccountRow>, String> {
    let size = std::fs::metadata(db).map(|m| m.len()).unwrap_or(0);
    if size > MAX_DATABASE_BYTES {
        return Err(format!(
            "the database is {} MB, larger than the {} MB Session Doctor copies to read accounts",
            size / (1024 * 1024),
            MAX_DATABASE_BYTES / (1024 * 1024)
        ));
    }
    let tmp = TempDir::new().map_err(|e| format!("cannot make a temp dir: {e}"))?;
    let copy = tmp.0.join("Outlook.sqlite");
    // The WAL first: a checkpoint between the two copies then leaves its pages in the main
    // file as well, rather than a main file that expects a log the copy lacks.
    for suffix in ["-wal", "-shm"] {
        let mut from = db.as_os_str().to_owned();
        from.push(suffix);
        let from = PathBuf::from(from);
        if from.is_file() {
            let mut to = copy.as_os_str().to_owned();
            to.push(suffix);
            if let Err(e) = std::fs::copy(&from, PathBuf::from(to)) {
                notes.push(format!(
                    "cannot copy {} (rows only in it are missed): {e}",
                    from.display()
                ));
            }
        }
    }
    std::fs::copy(db, &copy).map_err(|e| format!("cannot copy to a temp dir: {e}"))?;
    let conn = Connection::open_with_flags(
        &copy,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|e| e.to_string())?;
    let mut rows = Vec::new();
    let mut any_table = false;
    for &(table, kind) in ACCOUNT_TABLES {
        let columns = match table_columns(&conn, table) {
            Ok(c) => c,
            Err(e) => return Err(e.to_string()),
        };
        if columns.is_empty() {
            continue;
        }
        any_table = true;
        if !columns.iter().any(|c| c == EMAIL_COLUMN) {
            notes.push(format!("{table} has no {EMAIL_COLUMN} column"));
            continue;
        }
        let mut hosts: Vec<&str> = HOST_COLUMNS
            .iter()
            .copied()
            .filter(|h| columns.iter().any(|c| c == h))
            .collect();
        for c in &columns {
            let lc = c.to_ascii_lowercase();
            if (lc.ends_with("server") || lc.ends_with("host")) && !hosts.contains(&c.as_str()) {
                hosts.push(c);
            }
        }
        read_table(&conn, table, kind, &hosts, &mut rows).map_err(|e| e.to_string())?;
    }
    if !any_table {
        notes.push(format!(
            "no {} table in Outlook.sqlite",
            ACCOUNT_TABLES
                .iter()
                .map(|t| t.0)
                .collect::<Vec<_>>()
                .join(" or ")
        ));
    }
    Ok(rows)
}

/// Column names of `table`, empty when there is no such table.
fn table_columns(conn: &Connection, table: &str) -> rusqlite::Result<Vec<String>> {
    let mut st = conn.prepare("SELECT name FROM pragma_table_info(?1)")?;
    let names = st.query_map([table], |r| r.get::<_, String>(0))?;
    names.collect()
}

fn quote(ident: &str) -> String {
    format!("\"{}\"", ident.replace('"', "\"\""))
}

fn text(v: ValueRef<'_>) -> Option<String> {
    match v {
        ValueRef::Text(t) => {
            let s = String::from_utf8_lossy(t).trim().to_owned();
            (!s.is_empty()).then_some(s)
        }
        _ => None,
    }
}

fn read_table(
    conn: &Connection,
    table: &'static str,
    kind: &'static str,
    hosts: &[&str],
    rows: &mut Vec<AccountRow>,
) -> rusqlite::Result<()> {
    let mut cols = vec![quote(EMAIL_COLUMN)];
    cols.extend(hosts.iter().map(|h| quote(h)));
    let sql = format!(
        "SELECT {} FROM {} ORDER BY rowid LIMIT {MAX_ROWS}",
        cols.join(", "),
        quote(table)
    );
    let mut st = conn.prepare(&sql)?;
    let mut q = st.query([])?;
    while let Some(r) = q.next()? {
        let Some(email) = text(r.get_ref(0)?) else {
            continue;
        };
        if !crate::profiles::looks_like_email(&email) {
            continue;
        }
        let mut host = None;
        for i in 1..=hosts.len() {
            if let Some(h) = text(r.get_ref(i)?) {
                host = Some(h);
                break;
            }
        }
        if rows
            .iter()
            .any(|a| a.email.eq_ignore_ascii_case(&email) && a.kind == kind)
        {
            continue;
        }
        rows.push(AccountRow {
            table,
            kind,
            email,
            host,
        });
    }
    Ok(())
}
