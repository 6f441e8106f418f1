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

#[test]
fn outlook_for_mac_profiles() {
    let home = tempfile::tempdir().expect("tmp");
    let base = home
        .path()
        .join("Library/Group Containers/UBF8T346G9.Office/Outlook/Outlook 15 Profiles");
    let mut db = b"SQLite format 3\0".to_vec();
    db.extend(std::iter::repeat_n(0u8, 4000));
    db.extend(b"\x17\x01ann@contoso.com\x00\x05Exchange\x00");
    write(&base.join("Main Profile/Data/Outlook.sqlite"), &db);
    fs::create_dir_all(base.join("Empty Profile")).expect("mkdir");
    let r = scan_home(home.path());
    let got = accounts(&r, ClientKind::OutlookMac);
    assert_eq!(got.len(), 2, "{got:#?}");
    assert_eq!(got[1].profile.as_deref(), Some("Main Profile"));
    assert_eq!(got[1].email.as_deref(), Some("ann@contoso.com"));
    assert_eq!(got[0].profile.as_deref(), Some("Empty Profile"));
    assert_eq!(got[0].email, None);
    assert!(!got[0].notes.is_empty(), "says why there is no address");
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
