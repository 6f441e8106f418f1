//! Lower how many IMAP connections Thunderbird opens for one account:
//! `user_pref("mail.server.<key>.max_cached_connections", N);` in the profile's `user.js`.
//!
//! Why `user.js` and not `prefs.js`: Thunderbird rewrites `prefs.js` from memory whenever a
//! setting changes and on exit, so an edit there is lost if Thunderbird runs; `user.js` is
//! only read, at each start, and applied over `prefs.js` (it wins). Every other byte of
//! `user.js` is kept; the file is created if missing. The backup is the file's exact bytes
//! (or "did not exist"), and undo puts back exactly that, or deletes the file again.
//!
//! Only while Thunderbird is closed: a running Thunderbird keeps the connections it has and
//! reads `user.js` only when it starts, so a change made now would look done and change
//! nothing; it is refused with [`RepairError::ClientRunning`].

use std::path::{Path, PathBuf};

use scan::ClientKind;
use scan::other_clients::thunderbird::{
    self, DEFAULT_MAX_CACHED_CONNECTIONS, Prefs, USER_JS, max_connections_pref,
};
use serde::{Deserialize, Serialize};

use super::{Action, ActionKind, Env, Outcome, Preview};
use crate::error::RepairError;
use crate::fsio;

/// What the repair writes unless told otherwise: two connections keep one folder syncing
/// while another is opened, and three accounts on one mailbox then stay at 6.
pub const LIMITED_MAX_CONNECTIONS: u32 = 2;

/// Set `max_cached_connections` of one Thunderbird IMAP account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub struct LimitImapConnections {
    /// The Thunderbird profile's folder (holds `prefs.js`), as the scan reported it.
    pub profile_dir: String,
    /// The account's server key (`server3`).
    pub server_key: String,
    /// The value to write (1 or more).
    pub max_connections: u32,
}

/// The backup: `user.js` exactly as it was, or that it did not exist.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct UserJsRecord {
    path: String,
    existed: bool,
    /// The file's bytes, hex (it need not be UTF-8).
    hex: String,
}

impl LimitImapConnections {
    /// For the account `server_key` in the Thunderbird profile at `profile_dir`.
    pub fn new(profile_dir: &str, server_key: &str) -> Self {
        Self {
            profile_dir: profile_dir.to_owned(),
            server_key: server_key.to_owned(),
            max_connections: LIMITED_MAX_CONNECTIONS,
        }
    }

    fn dir(&self) -> PathBuf {
        PathBuf::from(&self.profile_dir)
    }

    fn user_js(&self) -> PathBuf {
        self.dir().join(USER_JS)
    }

    fn pref(&self) -> String {
        max_connections_pref(&self.server_key)
    }

    fn invalid(&self, reason: impl Into<String>) -> RepairError {
        RepairError::ThunderbirdProfileInvalid {
            path: self.profile_dir.clone(),
            reason: reason.into(),
        }
    }

    /// Refuses while any Thunderbird process runs (helpers included: they belong to a
    /// running Thunderbird). Without a way to tell, refuses too: never guess "closed".
    fn refuse_running(&self, env: &Env) -> Result<(), RepairError> {
        let Some(check) = env.processes else {
            return Err(RepairError::Unsupported {
                what: crate::error::Unavailable::ThunderbirdCheck,
            });
        };
        let running = check.running(ClientKind::Thunderbird);
        if running.is_empty() {
            return Ok(());
        }
        Err(RepairError::ClientRunning {
            client: "Thunderbird".to_owned(),
            processes: running
                .iter()
                .map(|(pid, name)| format!("{name} (process {pid})"))
                .collect::<Vec<_>>()
                .join(", "),
        })
    }

    /// The profile's preferences now: `prefs.js` (required: it is what makes the folder a
    /// Thunderbird profile) and `user.js` (optional), checked to hold this IMAP server.
    fn read(&self) -> Result<(Prefs, Option<Prefs>), RepairError> {
        let prefs_path = self.dir().join("prefs.js");
        let prefs = std::fs::read(&prefs_path)
            .map_err(|e| self.invalid(format!("cannot read prefs.js: {e}")))?;
        let prefs = thunderbird::parse_prefs_checked(&String::from_utf8_lossy(&prefs));
        let user = read_optional(&self.user_js())?
            .map(|bytes| thunderbird::parse_prefs_checked(&String::from_utf8_lossy(&bytes)));
        let kind = thunderbird::server_pref(&prefs, user.as_ref(), &self.server_key, "type");
        if kind.as_deref() != Some("imap") {
            return Err(self.invalid(format!(
                "it has no IMAP account {} (mail.server.{}.type is {})",
                self.server_key,
                self.server_key,
                kind.map(|k| format!("{k:?}"))
                    .unwrap_or_else(|| "not set".to_owned())
            )));
        }
        Ok((prefs, user))
    }
}

/// The file's bytes, `None` when it does not exist.
fn read_optional(path: &Path) -> Result<Option<Vec<u8>>, RepairError> {
    match std::fs::read(path) {
        Ok(b) => Ok(Some(b)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(RepairError::io(crate::error::IoOp::Read, path, e)),
    }
}

/// Where to write: through a symlinked `user.js` (kept in a dotfiles folder, say) to the
/// file it points at, so the link stays a link.
fn write_target(path: &Path) -> PathBuf {
    match std::fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_symlink() => {
            std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
        }
        _ => path.to_path_buf(),
    }
}

/// Replaces the file atomically, keeping its permissions (the journal's writer creates
/// files readable by their owner only, which is right for a new `user.js` too).
fn write_keeping_mode(path: &Path, bytes: &[u8]) -> Result<(), RepairError> {
    let target = write_target(path);
    let before = std::fs::metadata(&target).ok().map(|m| m.permissions());
    fsio::write_atomic(&target, bytes)?;
    if let Some(p) = before {
        std::fs::set_permissions(&target, p)
            .map_err(|e| RepairError::io(crate::error::IoOp::SetPermissions, &target, e))?;
    }
    Ok(())
}

/// `user.js` with `user_pref("<pref>", <value>);` set: the line that sets it now (the last
/// one, which is the one Thunderbird applies) is replaced, or the line is appended. Every
/// other byte is kept; the file's line ending (CRLF or LF) is used for what is added.
pub fn set_user_pref(existing: Option<&[u8]>, pref: &str, value: u32) -> Vec<u8> {
    let line = format!("user_pref(\"{pref}\", {value});");
    let existing = existing.unwrap_or_default();
    let parsed = thunderbird::parse_prefs_checked(&String::from_utf8_lossy(existing));
    let newline: &[u8] = if existing.windows(2).any(|w| w == b"\r\n") {
        b"\r\n"
    } else {
        b"\n"
    };
    if let Some(found) = parsed.values.get(pref) {
        // Lines as `str::lines` counts them: split at '\n', the '\r' before it kept apart.
        let mut out = Vec::with_capacity(existing.len() + line.len());
        for (i, chunk) in existing.split_inclusive(|b| *b == b'\n').enumerate() {
            if i + 1 != found.line {
                out.extend_from_slice(chunk);
                continue;
            }
            let ending: &[u8] = if chunk.ends_with(b"\r\n") {
                b"\r\n"
            } else if chunk.ends_with(b"\n") {
                b"\n"
            } else {
                b""
            };
            out.extend_from_slice(line.as_bytes());
            out.extend_from_slice(ending);
        }
        return out;
    }
    let mut out = existing.to_vec();
    if !out.is_empty() && !out.ends_with(b"\n") {
        out.extend_from_slice(newline);
    }
    out.extend_from_slice(line.as_bytes());
    out.extend_from_slice(newline);
    out
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| s.get(i..i + 2).and_then(|h| u8::from_str_radix(h, 16).ok()))
        .collect()
}

impl Action for LimitImapConnections {
    fn kind(&self) -> ActionKind {
        ActionKind::LimitImapConnections
    }

    fn target(&self) -> String {
        format!("{} in {}", self.server_key, self.profile_dir)
    }

    fn check(&self) -> Result<(), RepairError> {
        // Thunderbird's keys are `serverN`; anything else could not be a preference name
        // inside the quoted string written to user.js.
        let key_ok = !self.server_key.is_empty()
            && self.server_key.len() <= 64
            && self
                .server_key
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
        if !key_ok {
            return Err(self.invalid(format!(
                "{:?} is not a Thunderbird server key (like server1)",
                self.server_key
            )));
        }
        if !Path::new(&self.profile_dir).is_absolute() {
            return Err(self.invalid("the profile folder must be a full path"));
        }
        if self.max_connections == 0 || self.max_connections > DEFAULT_MAX_CACHED_CONNECTIONS * 20 {
            return Err(self.invalid(format!(
                "{} connections is not a sensible setting (1 to {})",
                self.max_connections,
                DEFAULT_MAX_CACHED_CONNECTIONS * 20
            )));
        }
        Ok(())
    }

    fn preview(&self, env: &mut Env) -> Result<Preview, RepairError> {
        // A running Thunderbird does not stop the preview (it says what to do first); the
        // change itself is refused until Thunderbird is closed.
        let blocked = self.refuse_running(env).err();
        let (prefs, user) = self.read()?;
        let w = env.words();
        let (now, from, _, _) =
            thunderbird::effective_max_connections(&prefs, user.as_ref(), &self.server_key);
        let who = match (
            thunderbird::server_pref(&prefs, user.as_ref(), &self.server_key, "userName"),
            thunderbird::server_pref(&prefs, user.as_ref(), &self.server_key, "hostname"),
        ) {
            (Some(u), Some(h)) => w.t("offer.email_at_host", &[("email", &u), ("host", &h)]),
            (None, Some(h)) => h,
            _ => self.server_key.clone(),
        };
        let from = match from.as_str() {
            "default" => w.t("preview.imap.default", &[]),
            f => w.t("preview.imap.set_in", &[("file", &f)]),
        };
        let exists = self.user_js().exists();
        let mut changes = Vec::new();
        if let Some(e) = blocked {
            changes.push(w.t("preview.imap.not_yet", &[("error", &e.message(w.lang()))]));
        }
        Ok(Preview {
            title: w.t(
                "preview.imap.title",
                &[("n", &self.max_connections), ("who", &who)],
            ),
            changes: [
                changes,
                vec![format!(
                    "{}: {now} ({from}) -> {}",
                    self.pref(),
                    self.max_connections
                )],
                vec![
                    if exists {
                        w.t(
                            "preview.imap.one_line",
                            &[("file", &self.user_js().display())],
                        )
                    } else {
                        w.t(
                            "preview.imap.created",
                            &[("file", &self.user_js().display())],
                        )
                    },
                    w.t("preview.imap.next_start", &[]),
                ],
            ]
            .concat(),
            undo: if exists {
                w.t("preview.imap.undo_restore", &[])
            } else {
                w.t("preview.imap.undo_delete", &[])
            },
            undoable: true,
            needs_consent: false,
            confirmation: None,
        })
    }

    fn backup(&self, env: &mut Env) -> Result<Vec<u8>, RepairError> {
        self.refuse_running(env)?;
        self.read()?;
        let path = self.user_js();
        let bytes = read_optional(&write_target(&path))?;
        serde_json::to_vec_pretty(&UserJsRecord {
            path: path.display().to_string(),
            existed: bytes.is_some(),
            hex: hex(bytes.as_deref().unwrap_or_default()),
        })
        .map_err(|e| RepairError::BackupFailed {
            path: path.display().to_string(),
            reason: e.to_string(),
        })
    }

    fn apply(&self, env: &mut Env, _backup: &[u8]) -> Result<Outcome, RepairError> {
        // Checked again right before the write: Thunderbird may have been started since
        // the preview.
        self.refuse_running(env)?;
        let path = self.user_js();
        // The file as it is now, not the backup: after a crash the journal runs this again
        // on what the first run left, and replacing the same line again is a no-op.
        let now = read_optional(&write_target(&path))?;
        let created = now.is_none();
        let new = set_user_pref(now.as_deref(), &self.pref(), self.max_connections);
        write_keeping_mode(&path, &new)?;
        Ok(Outcome::File {
            path: path.display().to_string(),
            created,
        })
    }

    fn undo(&self, env: &mut Env, backup: &[u8]) -> Result<(), RepairError> {
        let record: UserJsRecord =
            serde_json::from_slice(backup).map_err(|e| RepairError::JournalCorrupt {
                path: "user.js backup".to_owned(),
                reason: e.to_string(),
            })?;
        let before = unhex(&record.hex).ok_or_else(|| RepairError::JournalCorrupt {
            path: record.path.clone(),
            reason: "the backup's bytes are not hex".to_owned(),
        })?;
        let path = self.user_js();
        let now = read_optional(&write_target(&path))?;
        let want = record.existed.then_some(before);
        if now == want {
            // Already as before (a repeated undo, or the roll back of a change that was
            // refused before it wrote anything).
            return Ok(());
        }
        self.refuse_running(env)?;
        match want {
            Some(bytes) => write_keeping_mode(&path, &bytes),
            None => std::fs::remove_file(&path).or_else(|e| {
                if e.kind() == std::io::ErrorKind::NotFound {
                    Ok(())
                } else {
                    Err(RepairError::io(crate::error::IoOp::Delete, &path, e))
                }
            }),
        }
    }

    fn undoable(&self) -> bool {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::actions::ProcessCheck;
    use crate::journal::{EntryState, Journal};

    /// A Thunderbird profile with one IMAP account `server1` (and `user`, when given, as
    /// user.js); returns the temp dir and the profile folder.
    fn profile(user: Option<&[u8]>) -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().expect("tmp");
        let p = dir.path().join("profile");
        std::fs::create_dir_all(&p).expect("mkdir");
        std::fs::write(
            p.join("prefs.js"),
            "user_pref(\"mail.server.server1.hostname\", \"outlook.office365.com\");\n\
             user_pref(\"mail.server.server1.type\", \"imap\");\n\
             user_pref(\"mail.server.server1.userName\", \"ann@contoso.com\");\n\
             user_pref(\"mail.server.server2.hostname\", \"Local Folders\");\n\
             user_pref(\"mail.server.server2.type\", \"none\");\n",
        )
        .expect("prefs");
        if let Some(u) = user {
            std::fs::write(p.join(USER_JS), u).expect("user.js");
        }
        (dir, p)
    }

    fn thunderbird_running() -> ProcessCheck {
        ProcessCheck::Listed(vec![scan::ProcessInfo {
            kind: ClientKind::Thunderbird,
            name: "thunderbird".into(),
            pid: 4321,
            parent_pid: None,
            user: None,
            start_time: Some(1),
            exe: None,
            helper: false,
            instance: 1,
            instances_of_kind: 1,
            detail: None,
            connections: None,
        }])
    }

    fn closed() -> ProcessCheck {
        ProcessCheck::Listed(Vec::new())
    }

    fn env(check: &ProcessCheck) -> Env<'_> {
        Env {
            control: None,
            processes: Some(check),
            ..Env::default()
        }
    }

    fn effective(p: &Path) -> (u32, String) {
        let prefs = thunderbird::parse_prefs_checked(
            &std::fs::read_to_string(p.join("prefs.js")).expect("prefs"),
        );
        let user = std::fs::read(p.join(USER_JS))
            .ok()
            .map(|b| thunderbird::parse_prefs_checked(&String::from_utf8_lossy(&b)));
        let (n, from, _, _) =
            thunderbird::effective_max_connections(&prefs, user.as_ref(), "server1");
        (n, from)
    }

    const PREF: &str = "mail.server.server1.max_cached_connections";

    #[test]
    fn set_user_pref_appends_replaces_and_keeps_every_other_byte() {
        assert_eq!(
            set_user_pref(None, PREF, 2),
            b"user_pref(\"mail.server.server1.max_cached_connections\", 2);\n"
        );
        // Not UTF-8, CRLF, no final newline: kept as they are, the line added in CRLF.
        let odd = b"// caf\xe9\r\nuser_pref(\"a.b\", 1);".to_vec();
        let out = set_user_pref(Some(&odd), PREF, 2);
        assert!(out.starts_with(&odd));
        assert_eq!(
            &out[odd.len()..],
            b"\r\nuser_pref(\"mail.server.server1.max_cached_connections\", 2);\r\n"
        );
        // A line setting it already: the last one (which Thunderbird applies) is replaced.
        let set = format!(
            "user_pref(\"{PREF}\", 9);\n// keep\nuser_pref(\"{PREF}\", 7); // mine\r\nuser_pref(\"x.y\", 1);\n"
        );
        let out = String::from_utf8(set_user_pref(Some(set.as_bytes()), PREF, 2)).expect("utf-8");
        assert_eq!(
            out,
            format!(
                "user_pref(\"{PREF}\", 9);\n// keep\nuser_pref(\"{PREF}\", 2);\r\nuser_pref(\"x.y\", 1);\n"
            )
        );
        // A commented-out line is not the setting.
        let commented = format!("/*\nuser_pref(\"{PREF}\", 9);\n*/\n");
        let out = set_user_pref(Some(commented.as_bytes()), PREF, 2);
        assert!(out.starts_with(commented.as_bytes()));
        // Idempotent: setting it again changes nothing.
        assert_eq!(set_user_pref(Some(&out), PREF, 2), out);
    }

    #[test]
    fn run_and_undo_restore_an_existing_user_js_byte_for_byte() {
        let original = b"// my settings\r\nuser_pref(\"mail.server.server1.max_cached_connections\", 8);\r\n\xff\xfe odd bytes\r\n".to_vec();
        let (dir, p) = profile(Some(&original));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(p.join(USER_JS), std::fs::Permissions::from_mode(0o644))
                .expect("chmod");
        }
        let mut journal = Journal::open(&dir.path().join("data")).expect("journal");
        let check = closed();
        let action = LimitImapConnections::new(&p.display().to_string(), "server1");
        let preview = journal
            .preview(&action.clone().into(), &mut env(&check))
            .expect("preview");
        assert!(
            preview.changes[0].contains("8 (set in user.js) -> 2"),
            "{preview:?}"
        );
        let done = journal.run(action.into(), &mut env(&check)).expect("run");
        assert_eq!(done.state, EntryState::Applied);
        assert_eq!(effective(&p), (2, "user.js".to_owned()));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(p.join(USER_JS))
                .expect("meta")
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o644, "the file keeps its permissions");
        }
        journal.undo(&done.id, &mut env(&check)).expect("undo");
        assert_eq!(std::fs::read(p.join(USER_JS)).expect("read"), original);
    }

    #[test]
    fn a_user_js_that_did_not_exist_is_created_and_undo_deletes_it() {
        let (dir, p) = profile(None);
        let mut journal = Journal::open(&dir.path().join("data")).expect("journal");
        let check = closed();
        assert_eq!(effective(&p), (5, "default".to_owned()));
        let done = journal
            .run(
                LimitImapConnections::new(&p.display().to_string(), "server1").into(),
                &mut env(&check),
            )
            .expect("run");
        assert!(matches!(
            done.outcome,
            Some(Outcome::File { created: true, .. })
        ));
        assert_eq!(effective(&p), (2, "user.js".to_owned()));
        journal.undo(&done.id, &mut env(&check)).expect("undo");
        assert!(!p.join(USER_JS).exists());
        assert_eq!(effective(&p), (5, "default".to_owned()));
    }

    #[test]
    fn refused_while_thunderbird_runs_and_nothing_changes() {
        let original = b"user_pref(\"a.b\", 1);\n".to_vec();
        let (dir, p) = profile(Some(&original));
        let mut journal = Journal::open(&dir.path().join("data")).expect("journal");
        let running = thunderbird_running();
        let action = LimitImapConnections::new(&p.display().to_string(), "server1");
        // The preview says why it cannot be done yet; the run is refused.
        let preview = journal
            .preview(&action.clone().into(), &mut env(&running))
            .expect("a preview");
        assert!(
            preview.changes[0].starts_with(
                "Not possible yet: Thunderbird is running (thunderbird (process 4321))"
            ),
            "{preview:?}"
        );
        let e = journal
            .run(action.clone().into(), &mut env(&running))
            .expect_err("running");
        assert_eq!(e.code(), "client_running");
        assert!(e.to_string().contains("thunderbird (process 4321)"), "{e}");
        assert_eq!(std::fs::read(p.join(USER_JS)).expect("read"), original);
        assert!(
            journal.undoable().is_empty(),
            "nothing to undo: nothing was done"
        );
        // Without a way to tell whether it runs: refused too, never assumed closed.
        let e = journal
            .run(action.clone().into(), &mut Env::default())
            .expect_err("unknown");
        assert_eq!(e.code(), "unsupported_on_this_os");
        // Undo of a real change is refused while Thunderbird runs as well.
        let check = closed();
        let done = journal.run(action.into(), &mut env(&check)).expect("run");
        let e = journal
            .undo(&done.id, &mut env(&running))
            .expect_err("running");
        assert_eq!(e.code(), "client_running");
        journal.undo(&done.id, &mut env(&check)).expect("undo");
        assert_eq!(std::fs::read(p.join(USER_JS)).expect("read"), original);
    }

    #[test]
    fn bad_targets_are_refused_with_a_reason() {
        let (dir, p) = profile(None);
        let mut journal = Journal::open(&dir.path().join("data")).expect("journal");
        let check = closed();
        let dir_s = p.display().to_string();
        for (action, what) in [
            (
                LimitImapConnections::new(&dir_s, "server1\", 9); x(\""),
                "key",
            ),
            (LimitImapConnections::new(&dir_s, "server2"), "not imap"),
            (LimitImapConnections::new(&dir_s, "server9"), "missing"),
            (
                LimitImapConnections::new("relative/dir", "server1"),
                "relative",
            ),
            (
                LimitImapConnections::new(
                    &dir.path().join("none").display().to_string(),
                    "server1",
                ),
                "no profile",
            ),
            (
                LimitImapConnections {
                    max_connections: 0,
                    ..LimitImapConnections::new(&dir_s, "server1")
                },
                "zero",
            ),
        ] {
            let e = journal
                .run(action.into(), &mut env(&check))
                .expect_err(what);
            assert_eq!(e.code(), "thunderbird_profile_invalid", "{what}: {e}");
        }
        assert!(!p.join(USER_JS).exists());
    }
}
