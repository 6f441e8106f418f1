//! Other mail apps' files, built in temp dirs: Thunderbird, Evolution, Outlook for Mac,
//! new Outlook, Windows Mail.

use std::fs;
use std::path::Path;

use scan::{ClientKind, OtherAccount, ScanOptions, ScanReport, SourceStatus};

fn write(path: &Path, bytes: &[u8]) {
    fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    fs::write(path, bytes).expect("write");
}

fn scan_home(home: &Path) -> ScanReport {
    let options = ScanOptions {
        home: Some(home.to_path_buf()),
        live: false,
        ..Default::default()
    };
    scan::run(&options, &mut |_| {})
}

fn accounts(r: &ScanReport, client: ClientKind) -> Vec<&OtherAccount> {
    r.accounts.iter().filter(|a| a.client == client).collect()
}

fn status(r: &ScanReport, name: &str) -> (SourceStatus, Option<String>) {
    let s = r.sources.iter().find(|s| s.name == name).expect("source");
    (s.status, s.reason.clone())
}

#[test]
fn thunderbird_profiles_and_identities() {
    let home = tempfile::tempdir().expect("tmp");
    let tb = home.path().join(".thunderbird");
    let abs = home.path().join("elsewhere/work-profile");
    write(
        &tb.join("profiles.ini"),
        format!(
            "[Profile1]\nName=work\nIsRelative=0\nPath={}\n\n[Profile0]\nName=default\nIsRelative=1\nPath=Profiles/abc.default\nDefault=1\n",
            abs.display()
        )
        .as_bytes(),
    );
    write(
        &tb.join("Profiles/abc.default/prefs.js"),
        br#"user_pref("mail.account.account1.server", "server1");
user_pref("mail.account.account1.identities", "id1,id2");
user_pref("mail.identity.id1.useremail", "ann@contoso.com");
user_pref("mail.server.server1.hostname", "outlook.office365.com");
user_pref("mail.server.server1.type", "imap");
user_pref("mail.server.server1.userName", "ann.smith");
user_pref("mail.server.server2.hostname", "Local Folders");
user_pref("mail.server.server2.type", "none");
user_pref("mail.server.server3.hostname", "news.example.com");
user_pref("mail.server.server3.type", "nntp");
"#,
    );
    write(
        &abs.join("prefs.js"),
        br#"user_pref("mail.server.server7.hostname", "imap-mail.outlook.com");
user_pref("mail.server.server7.type", "imap");
user_pref("mail.server.server7.userName", "ann@outlook.com");
"#,
    );
    let r = scan_home(home.path());
    let got = accounts(&r, ClientKind::Thunderbird);
    assert_eq!(got.len(), 2, "{got:#?}");
    let work = got
        .iter()
        .find(|a| a.profile.as_deref() == Some("default"))
        .expect("default");
    assert_eq!(
        work.email.as_deref(),
        Some("ann@contoso.com"),
        "identity wins over userName"
    );
    assert_eq!(work.host.as_deref(), Some("outlook.office365.com"));
    assert_eq!(work.account_type.as_deref(), Some("imap"));
    let personal = got
        .iter()
        .find(|a| a.profile.as_deref() == Some("work"))
        .expect("abs");
    assert_eq!(personal.email.as_deref(), Some("ann@outlook.com"));
    assert_eq!(status(&r, "thunderbird").0, SourceStatus::Ok);
}

#[test]
fn evolution_ews_and_imap_sources() {
    let home = tempfile::tempdir().expect("tmp");
    let dir = home.path().join(".config/evolution/sources");
    write(
        &dir.join("1a2b.source"),
        b"[Data Source]\nDisplayName=Work\nEnabled=true\nParent=\n\n[Mail Account]\nBackendName=ews\nIdentityUid=1a2b-id\n\n[Authentication]\nHost=outlook.office365.com\nUser=ann@contoso.com\nMethod=OAuth2\n\n[Ews Backend]\nEmail=ann@contoso.com\nHostUrl=https://outlook.office365.com/EWS/Exchange.asmx\n",
    );
    write(
        &dir.join("3c4d.source"),
        b"[Data Source]\nDisplayName=Personal\n\n[Mail Account]\nBackendName=imapx\nIdentityUid=3c4d-id\n\n[Authentication]\nHost=imap-mail.outlook.com\nUser=ann.p\n",
    );
    write(
        &dir.join("3c4d-id.source"),
        b"[Data Source]\nDisplayName=ann@outlook.com\n\n[Mail Identity]\nAddress=ann@outlook.com\n",
    );
    write(
        &dir.join("local.source"),
        b"[Data Source]\nDisplayName=On This Computer\n\n[Mail Account]\nBackendName=maildir\n",
    );
    let r = scan_home(home.path());
    let got = accounts(&r, ClientKind::Evolution);
    assert_eq!(got.len(), 2, "{got:#?}");
    assert_eq!(got[0].email.as_deref(), Some("ann@contoso.com"));
    assert_eq!(got[0].host.as_deref(), Some("outlook.office365.com"));
    assert_eq!(got[0].account_type.as_deref(), Some("ews"));
    assert_eq!(
        got[1].email.as_deref(),
        Some("ann@outlook.com"),
        "from the identity source"
    );
    assert_eq!(got[1].host.as_deref(), Some("imap-mail.outlook.com"));
}

const MAC_PROFILES: &str = "Library/Group Containers/UBF8T346G9.Office/Outlook/Outlook 15 Profiles";

/// An Outlook.sqlite in WAL mode with the assumed account tables (see
/// `src/other_clients/outlook_mac.rs`) and a mail table. The connection is returned open and
/// auto-checkpointing is off, so whatever is written through it stays in `-wal`.
fn mac_db(path: &Path) -> rusqlite::Connection {
    fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    let c = rusqlite::Connection::open(path).expect("open");
    let mode: String = c
        .query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0))
        .expect("wal");
    assert_eq!(mode, "wal");
    c.execute_batch(
        "PRAGMA wal_autocheckpoint=0;
         CREATE TABLE AccountsExchange (Record_RecordID INTEGER PRIMARY KEY, Account_Name TEXT,
             Account_EmailAddress TEXT, Account_ExchangeServer TEXT);
         CREATE TABLE AccountsMail (Record_RecordID INTEGER PRIMARY KEY, Account_Name TEXT,
             Account_EmailAddress TEXT, Account_ExchangeAccountUID INTEGER,
             Account_IncomingServer TEXT);
         CREATE TABLE Mail (Record_RecordID INTEGER PRIMARY KEY, Message_SenderList TEXT,
             Message_RecipientList TEXT, Message_NormalizedSubject TEXT);",
    )
    .expect("schema");
    c
}

#[test]
fn outlook_for_mac_profiles() {
    let home = tempfile::tempdir().expect("tmp");
    let base = home.path().join(MAC_PROFILES);
    let db = mac_db(&base.join("Main Profile/Data/Outlook.sqlite"));
    db.execute(
        "INSERT INTO AccountsExchange VALUES (1, 'Work', 'ann@contoso.com', 'outlook.office365.com')",
        [],
    )
    .expect("insert");
    // A mail row for that account, written in AccountsMail without an address of its own.
    db.execute(
        "INSERT INTO AccountsMail VALUES (2, 'Work (mail)', NULL, 1, NULL)",
        [],
    )
    .expect("insert");
    drop(db);
    fs::create_dir_all(base.join("Empty Profile")).expect("mkdir");
    let r = scan_home(home.path());
    let got = accounts(&r, ClientKind::OutlookMac);
    assert_eq!(got.len(), 2, "{got:#?}");
    assert_eq!(got[1].profile.as_deref(), Some("Main Profile"));
    assert_eq!(got[1].email.as_deref(), Some("ann@contoso.com"));
    assert_eq!(got[1].host.as_deref(), Some("outlook.office365.com"));
    assert_eq!(got[1].account_type.as_deref(), Some("exchange"));
    assert_eq!(got[0].profile.as_deref(), Some("Empty Profile"));
    assert_eq!(got[0].email, None);
    assert!(!got[0].notes.is_empty(), "says why there is no address");
}

#[test]
fn outlook_for_mac_reads_account_tables_and_the_wal_not_mail() {
    let home = tempfile::tempdir().expect("tmp");
    let data = home.path().join(MAC_PROFILES).join("Main Profile/Data");
    let path = data.join("Outlook.sqlite");
    let db = mac_db(&path);
    db.execute(
        "INSERT INTO AccountsExchange VALUES (1, 'Work', 'ann@contoso.com', 'outlook.office365.com')",
        [],
    )
    .expect("insert");
    db.execute(
        "INSERT INTO Mail VALUES (10, 'Bob <bob@fabrikam.com>', 'ann@contoso.com', 'Lunch?')",
        [],
    )
    .expect("insert");
    // Everything so far into the main file; then one account only in the WAL.
    db.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
        .expect("checkpoint");
    db.execute(
        "INSERT INTO AccountsMail VALUES (2, 'Personal', 'ann@gmail.com', NULL, 'imap.gmail.com')",
        [],
    )
    .expect("insert");
    let wal = data.join("Outlook.sqlite-wal");
    assert!(
        fs::metadata(&wal).expect("wal").len() > 0,
        "the new row sits in the WAL"
    );
    let main = fs::read(&path).expect("read db");
    assert!(
        !main.windows(13).any(|w| w == b"ann@gmail.com"),
        "and not in the main file"
    );
    assert!(
        main.windows(16).any(|w| w == b"bob@fabrikam.com"),
        "the correspondent is in the main file"
    );
    let before: Vec<_> = [&path, &wal]
        .iter()
        .map(|p| fs::read(p).expect("read"))
        .collect();

    // The writer stays open (as a running Outlook would) while the scan reads.
    let r = scan_home(home.path());
    let got = accounts(&r, ClientKind::OutlookMac);
    let emails: Vec<_> = got.iter().filter_map(|a| a.email.as_deref()).collect();
    assert_eq!(emails, vec!["ann@contoso.com", "ann@gmail.com"], "{got:#?}");
    assert_eq!(got[1].host.as_deref(), Some("imap.gmail.com"));
    assert_eq!(got[1].account_type.as_deref(), Some("mail"));
    assert!(
        !emails.contains(&"bob@fabrikam.com"),
        "correspondent is no account"
    );

    // The live files are untouched and nothing was created next to them.
    let after: Vec<_> = [&path, &wal]
        .iter()
        .map(|p| fs::read(p).expect("read"))
        .collect();
    assert!(before == after, "database and WAL unchanged");
    let mut names: Vec<_> = fs::read_dir(&data)
        .expect("ls")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        vec!["Outlook.sqlite", "Outlook.sqlite-shm", "Outlook.sqlite-wal"]
    );
    drop(db);
}

#[test]
fn outlook_for_mac_db_without_account_tables() {
    let home = tempfile::tempdir().expect("tmp");
    let path = home
        .path()
        .join(MAC_PROFILES)
        .join("Main Profile/Data/Outlook.sqlite");
    let c = mac_db(&path);
    c.execute_batch(
        "DROP TABLE AccountsExchange; DROP TABLE AccountsMail;
         INSERT INTO Mail VALUES (1, 'bob@fabrikam.com', 'ann@contoso.com', 'Hi');",
    )
    .expect("setup");
    drop(c);
    let r = scan_home(home.path());
    let got = accounts(&r, ClientKind::OutlookMac);
    assert_eq!(got.len(), 1, "{got:#?}");
    assert_eq!(got[0].email, None, "addresses in mail are not accounts");
    assert!(
        got[0].notes.iter().any(|n| n.contains("AccountsExchange")),
        "{:?}",
        got[0].notes
    );
}

#[test]
fn new_outlook_user_settings_and_windows_mail() {
    let home = tempfile::tempdir().expect("tmp");
    let lad = home.path().join("AppData/Local");
    write(
        &lad.join("Microsoft/Olk/UserSettings.json"),
        br#"{"Identities":{"IdentityMap":{"ann@contoso.com":"0001","x@shadow.outlook.com":"0002"}},
            "AccountLocalBackup":[{"emailAddress":"ann@contoso.com","accountType":"Office365"},
                                  {"emailAddress":"ann@gmail.com","accountType":"Gmail"}]}"#,
    );
    fs::create_dir_all(lad.join("Packages/microsoft.windowscommunicationsapps_8wekyb3d8bbwe"))
        .expect("mkdir");
    let r = scan_home(home.path());
    let got = accounts(&r, ClientKind::NewOutlook);
    let emails: Vec<_> = got.iter().filter_map(|a| a.email.as_deref()).collect();
    assert_eq!(emails, vec!["ann@contoso.com", "ann@gmail.com"]);
    assert_eq!(got[0].account_type.as_deref(), Some("Office365"));
    assert_eq!(accounts(&r, ClientKind::WindowsMail).len(), 1);
}

#[test]
fn missing_apps_are_skipped_with_where_we_looked() {
    let home = tempfile::tempdir().expect("tmp");
    let r = scan_home(home.path());
    for name in [
        "thunderbird",
        "evolution",
        "outlook_mac",
        "new_outlook",
        "windows_mail",
    ] {
        let (st, reason) = status(&r, name);
        assert_eq!(st, SourceStatus::Skipped, "{name}");
        assert!(reason.unwrap_or_default().contains("looked in"), "{name}");
    }
    assert!(r.accounts.is_empty());
}
