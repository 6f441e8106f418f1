//! The journal: every change to the machine goes through [`Journal::run`], which
//!
//! 1. writes the entry (`planned`) atomically to `<dir>/entries/<id>.json`,
//! 2. writes the backup atomically to `<dir>/backups/<id>.<ext>`, then the entry (`backed_up`),
//! 3. makes the change, then records it (`applied`, with what it did).
//!
//! A full disk at step 2 is [`RepairError::DiskFull`] and nothing is changed. [`Journal::undo`]
//! restores the backup (`undone`). A failed change is rolled back from the backup
//! (`rolled_back`) or marked `failed`. If the app is killed, [`Journal::open`] finds the
//! entries left in `planned` / `backed_up` ([`Journal::interrupted`]) and the caller offers
//! [`Journal::finish`] or [`Journal::roll_back`]; both are safe to repeat because every
//! action's change and undo are idempotent.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use crate::actions::{ActionKind, ActionSpec, Env, Outcome, Preview};
use crate::error::{KeyDifference, RepairError, is_disk_full};
use crate::fsio;
use crate::testhook;

/// Where an entry is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum EntryState {
    /// Written before anything else; no backup yet, nothing changed.
    Planned,
    /// The backup is on disk; the change may have started.
    BackedUp,
    /// The change is done.
    Applied,
    /// Undo restored the backup.
    Undone,
    /// It did not happen (or could not be restored); see `error`.
    Failed,
    /// An interrupted or failed change was put back from the backup.
    RolledBack,
}

/// One state change with its time (milliseconds since the Unix epoch).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StateChange {
    /// The state entered.
    pub state: EntryState,
    /// When (milliseconds since the Unix epoch).
    pub at_ms: u64,
}

/// A journal entry as stored on disk.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    /// The entry's id (its file name).
    pub id: String,
    /// Which kind of action.
    pub kind: ActionKind,
    /// What it acts on.
    pub target: String,
    /// What it showed before it ran.
    pub preview: Preview,
    /// Where it stands.
    pub state: EntryState,
    /// When it was created (milliseconds since the Unix epoch).
    pub created_at_ms: u64,
    /// When it last changed.
    pub updated_at_ms: u64,
    /// Every state it went through.
    pub history: Vec<StateChange>,
    /// The action with its parameters, to finish, roll back or undo it after a restart.
    pub spec: ActionSpec,
    /// File name of the backup in `backups/`.
    pub backup_file: Option<String>,
    /// What it did, once applied.
    pub outcome: Option<Outcome>,
    /// Why it failed, when it did.
    pub error: Option<String>,
    /// What the change left in its registry key, recorded when it completed; undo checks
    /// the key still holds exactly this. `None`: not a registry change, or an entry written
    /// before this was recorded (undo then restores without the check).
    #[serde(default)]
    pub after: Option<AfterState>,
    /// An undo began (and may have been killed half-way): a retry accepts the key as a mix
    /// of the state after the change and the backup.
    #[serde(default)]
    pub undo_started: bool,
}

/// The state of a registry key (and everything below it) as a change left it: a digest of
/// the whole subtree and one per key and per value, so a later difference can be named.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AfterState {
    /// The key changed.
    pub key: String,
    /// FNV-1a 64 of every item below, hex. Equal digests: the key was not touched.
    pub digest: String,
    /// `KEY` (the key exists) or `KEY "value"` -> digest of the value's type and bytes.
    pub items: BTreeMap<String, String>,
}

impl AfterState {
    /// Reads the key's state now (an absent key has no items).
    pub fn capture(key: &str, env: &mut Env) -> Result<AfterState, RepairError> {
        let tree = env.registry()?.export_tree(key)?;
        Ok(Self::of_tree(key, tree.as_ref()))
    }

    /// The state of `key` when it holds `tree` (`None`: absent).
    pub fn of_tree(key: &str, tree: Option<&::registry::RegTree>) -> AfterState {
        let mut items = BTreeMap::new();
        if let Some(tree) = tree {
            for k in tree.keys() {
                items.insert(k.path.clone(), "key".to_owned());
                for (name, v) in &k.values {
                    let mut bytes = v.kind.to_le_bytes().to_vec();
                    bytes.extend_from_slice(&v.bytes);
                    items.insert(format!("{} \"{name}\"", k.path), hex64(fnv1a(&bytes)));
                }
            }
            // An implicit root (only deeper keys listed) still exists.
            items
                .entry(::registry::normalize_path(key))
                .or_insert_with(|| "key".to_owned());
        }
        let mut all = Vec::new();
        for (label, d) in &items {
            all.extend_from_slice(label.as_bytes());
            all.push(0);
            all.extend_from_slice(d.as_bytes());
            all.push(0);
        }
        AfterState {
            key: key.to_owned(),
            digest: hex64(fnv1a(&all)),
            items,
        }
    }

    /// True when every key and value of `now` is as in `self` or as in `other` (and what
    /// `now` lacks, one of them lacks too): the mix an undo killed half-way leaves.
    pub fn is_mix_of(&self, other: &AfterState, now: &AfterState) -> bool {
        let labels = self
            .items
            .keys()
            .chain(other.items.keys())
            .chain(now.items.keys());
        labels.into_iter().all(|l| {
            let n = now.items.get(l);
            n == self.items.get(l) || n == other.items.get(l)
        })
    }

    /// What differs between this recorded state and `now`.
    pub fn differences(&self, now: &AfterState) -> Vec<KeyDifference> {
        let mut out = Vec::new();
        for (label, d) in &self.items {
            match now.items.get(label) {
                None if d == "key" => out.push(KeyDifference::KeyDeleted(label.clone())),
                None => out.push(KeyDifference::ValueDeleted(label.clone())),
                Some(n) if n != d => out.push(KeyDifference::ValueChanged(label.clone())),
                Some(_) => {}
            }
        }
        for (label, d) in &now.items {
            if !self.items.contains_key(label) {
                if d == "key" {
                    out.push(KeyDifference::KeyAdded(label.clone()));
                } else {
                    out.push(KeyDifference::ValueAdded(label.clone()));
                }
            }
        }
        out
    }
}

fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

fn hex64(v: u64) -> String {
    format!("{v:016x}")
}

/// An entry as the UI lists it.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub struct EntryView {
    /// The entry's id.
    pub id: String,
    /// Which kind of action.
    pub kind: ActionKind,
    /// What it acts on.
    pub target: String,
    /// What it showed before it ran.
    pub preview: Preview,
    /// Where it stands.
    pub state: EntryState,
    /// Milliseconds since the Unix epoch (f64: TypeScript has no u64).
    pub created_at_ms: f64,
    /// When it last changed (milliseconds since the Unix epoch).
    pub updated_at_ms: f64,
    /// Undo is possible now.
    pub can_undo: bool,
    /// Interrupted and can be rolled back from its backup.
    pub can_roll_back: bool,
    /// What it did, once applied.
    pub outcome: Option<Outcome>,
    /// Why it failed, when it did.
    pub error: Option<String>,
}

impl Entry {
    /// The UI's view of the entry.
    pub fn view(&self) -> EntryView {
        let undoable = self.spec.action().undoable();
        EntryView {
            id: self.id.clone(),
            kind: self.kind,
            target: self.target.clone(),
            preview: self.preview.clone(),
            state: self.state,
            created_at_ms: self.created_at_ms as f64,
            updated_at_ms: self.updated_at_ms as f64,
            can_undo: undoable && self.state == EntryState::Applied,
            can_roll_back: undoable && self.is_interrupted(),
            outcome: self.outcome.clone(),
            error: self.error.clone(),
        }
    }

    /// Left in `planned` or `backed_up`: the app stopped in the middle.
    pub fn is_interrupted(&self) -> bool {
        matches!(self.state, EntryState::Planned | EntryState::BackedUp)
    }

    fn set_state(&mut self, state: EntryState) {
        let at = now_ms();
        self.state = state;
        self.updated_at_ms = at;
        self.history.push(StateChange { state, at_ms: at });
    }
}

fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
        .unwrap_or(0)
}

static ID_COUNTER: AtomicU32 = AtomicU32::new(0);

/// Sortable, file-name safe, unique across processes: time, process id, counter.
fn new_id() -> String {
    format!(
        "{:013}-{:x}-{:x}",
        now_ms(),
        std::process::id(),
        ID_COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

/// The journal in one data folder.
#[derive(Debug)]
pub struct Journal {
    dir: PathBuf,
    entries: Vec<Entry>,
    problems: Vec<String>,
}

impl Journal {
    /// Opens (creating) the journal in `dir`: loads every entry; damaged entry files are left
    /// untouched and reported in [`Journal::problems`]. Temp files of a crashed write are
    /// removed (they never hold the only copy of anything).
    pub fn open(dir: &Path) -> Result<Journal, RepairError> {
        let entries_dir = dir.join("entries");
        let backups_dir = dir.join("backups");
        fsio::create_private_dir(&entries_dir)?;
        fsio::create_private_dir(&backups_dir)?;
        fsio::remove_stale_temps(&entries_dir, None);
        fsio::remove_stale_temps(&backups_dir, None);
        let mut entries = Vec::new();
        let mut problems = Vec::new();
        let rd = std::fs::read_dir(&entries_dir)
            .map_err(|e| RepairError::io(crate::error::IoOp::Read, &entries_dir, e))?;
        for item in rd.flatten() {
            let path = item.path();
            if path.extension().and_then(|e| e.to_str()) != Some("json") {
                continue;
            }
            let parsed = std::fs::read(&path)
                .map_err(|e| e.to_string())
                .and_then(|b| serde_json::from_slice::<Entry>(&b).map_err(|e| e.to_string()));
            match parsed {
                Ok(e) => entries.push(e),
                Err(reason) => problems.push(
                    RepairError::JournalCorrupt {
                        path: path.display().to_string(),
                        reason,
                    }
                    .to_string(),
                ),
            }
        }
        entries.sort_by(|a, b| a.id.cmp(&b.id));
        Ok(Journal {
            dir: dir.to_path_buf(),
            entries,
            problems,
        })
    }

    /// The data folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Where backups are kept.
    pub fn backup_dir(&self) -> PathBuf {
        self.dir.join("backups")
    }

    /// Damaged entry files found by `open`.
    pub fn problems(&self) -> &[String] {
        &self.problems
    }

    /// Every entry, oldest first.
    pub fn entries(&self) -> Vec<EntryView> {
        self.entries.iter().map(Entry::view).collect()
    }

    /// One stored entry.
    pub fn entry(&self, id: &str) -> Option<&Entry> {
        self.entries.iter().find(|e| e.id == id)
    }

    /// Entries the app was killed in the middle of: offer `finish` or `roll_back`.
    pub fn interrupted(&self) -> Vec<EntryView> {
        self.entries
            .iter()
            .filter(|e| e.is_interrupted())
            .map(Entry::view)
            .collect()
    }

    /// Applied changes that can be undone, newest first (the UI's "what can be undone").
    pub fn undoable(&self) -> Vec<EntryView> {
        self.entries
            .iter()
            .rev()
            .map(Entry::view)
            .filter(|v| v.can_undo)
            .collect()
    }

    /// The preview of an action, without journaling anything.
    pub fn preview(&self, spec: &ActionSpec, env: &mut Env) -> Result<Preview, RepairError> {
        let action = spec.action();
        action.check()?;
        action.preview(env)
    }

    /// Runs an action through the journal (entry, backup, change, record).
    pub fn run(&mut self, spec: ActionSpec, env: &mut Env) -> Result<EntryView, RepairError> {
        let action = spec.action();
        action.check()?;
        action.check_consent()?;
        let preview = action.preview(env)?;
        let at = now_ms();
        let mut entry = Entry {
            id: new_id(),
            kind: action.kind(),
            target: action.target(),
            preview,
            state: EntryState::Planned,
            created_at_ms: at,
            updated_at_ms: at,
            history: vec![StateChange {
                state: EntryState::Planned,
                at_ms: at,
            }],
            spec: spec.clone(),
            backup_file: None,
            outcome: None,
            error: None,
            after: None,
            undo_started: false,
        };
        self.write_entry(&entry)?;
        testhook::point("after_planned");
        let result = self.backup_and_apply(&mut entry, env);
        self.remember(entry.clone());
        result.map(|()| entry.view())
    }

    /// Undoes an applied change from its backup, if its key still holds what the change
    /// left; otherwise refuses with [`RepairError::UndoConflict`] naming what changed.
    pub fn undo(&mut self, id: &str, env: &mut Env) -> Result<EntryView, RepairError> {
        self.undo_with(id, env, false)
    }

    /// Undo; `force`: the user confirmed to undo even though the key changed since (the
    /// later edits are overwritten by the backup).
    pub fn undo_with(
        &mut self,
        id: &str,
        env: &mut Env,
        force: bool,
    ) -> Result<EntryView, RepairError> {
        let mut entry = self.get(id)?;
        if entry.state != EntryState::Applied {
            return Err(wrong_state(&entry, crate::error::Wanted::Undone));
        }
        let action = entry.spec.action();
        if !action.undoable() {
            return action.undo(env, &[]).map(|()| entry.view());
        }
        let backup = self.read_backup(&entry)?;
        if !force && let Some(after) = &entry.after {
            let now = AfterState::capture(&after.key, env)?;
            // An undo killed half-way left part of the backup in place: that is our own
            // doing, not a later edit, and undoing again finishes it.
            let own_half_undo = entry.undo_started && {
                let before = crate::actions::parse_registry_backup(&backup)?;
                after.is_mix_of(&AfterState::of_tree(&after.key, before.as_ref()), &now)
            };
            if now.digest != after.digest && !own_half_undo {
                // An empty list: the digest differs in a way no item names (the words
                // then say "its content differs").
                let mut changes = after.differences(&now);
                let more = changes.len().saturating_sub(5);
                changes.truncate(5);
                return Err(RepairError::UndoConflict {
                    id: entry.id.clone(),
                    key: after.key.clone(),
                    changes,
                    more,
                });
            }
        }
        if entry.after.is_some() && !entry.undo_started {
            // Recorded before the first write, so a retry after a crash knows a half-restored
            // key is its own.
            entry.undo_started = true;
            self.write_entry(&entry)?;
            self.remember(entry.clone());
        }
        action.undo(env, &backup)?;
        entry.set_state(EntryState::Undone);
        self.write_entry(&entry)?;
        self.remember(entry.clone());
        Ok(entry.view())
    }

    /// Undoes several entries, newest first whatever order `ids` come in (each change is
    /// taken back on top of the state the later ones left). Unknown ids are refused before
    /// anything is undone; the first refusal or failure stops the run, and what was undone
    /// before it stays undone (each is its own journaled step). Returns the entries in the
    /// order they were undone.
    pub fn undo_many(
        &mut self,
        ids: &[&str],
        env: &mut Env,
        force: bool,
    ) -> Result<Vec<EntryView>, RepairError> {
        let mut picked: Vec<(u64, String)> = Vec::new();
        for id in ids {
            let e = self.get(id)?;
            if !picked.iter().any(|(_, p)| *p == e.id) {
                picked.push((e.created_at_ms, e.id));
            }
        }
        // Newest first: by creation time, then by id (ids sort by time and counter).
        picked.sort_by(|a, b| b.cmp(a));
        let mut done = Vec::new();
        for (_, id) in picked {
            done.push(self.undo_with(&id, env, force)?);
        }
        Ok(done)
    }

    /// Completes an interrupted entry: takes the backup if there is none yet, then makes the
    /// change (again: changes are idempotent).
    pub fn finish(&mut self, id: &str, env: &mut Env) -> Result<EntryView, RepairError> {
        let mut entry = self.get(id)?;
        let result = match entry.state {
            EntryState::Planned => self.backup_and_apply(&mut entry, env),
            EntryState::BackedUp => match self.read_backup(&entry) {
                Ok(backup) => self.apply(&mut entry, env, &backup),
                Err(e) => Err(e),
            },
            _ => return Err(wrong_state(&entry, crate::error::Wanted::Finished)),
        };
        self.remember(entry.clone());
        result.map(|()| entry.view())
    }

    /// Rolls an interrupted entry back: `planned` changed nothing; `backed_up` is restored
    /// from its backup. A change that has no undo (closing a program) is marked `failed`,
    /// since the app cannot tell whether it happened.
    pub fn roll_back(&mut self, id: &str, env: &mut Env) -> Result<EntryView, RepairError> {
        let mut entry = self.get(id)?;
        match entry.state {
            EntryState::Planned => {
                entry.set_state(EntryState::RolledBack);
            }
            EntryState::BackedUp => {
                let action = entry.spec.action();
                if action.undoable() {
                    let backup = self.read_backup(&entry)?;
                    action.undo(env, &backup)?;
                    entry.set_state(EntryState::RolledBack);
                } else {
                    entry.error = Some(
                        "interrupted; this kind of change cannot be rolled back, scan again to see the state"
                            .to_owned(),
                    );
                    entry.set_state(EntryState::Failed);
                }
            }
            _ => return Err(wrong_state(&entry, crate::error::Wanted::RolledBack)),
        }
        self.write_entry(&entry)?;
        self.remember(entry.clone());
        Ok(entry.view())
    }

    fn get(&self, id: &str) -> Result<Entry, RepairError> {
        self.entry(id)
            .cloned()
            .ok_or_else(|| RepairError::EntryNotFound { id: id.to_owned() })
    }

    fn remember(&mut self, entry: Entry) {
        match self.entries.iter_mut().find(|e| e.id == entry.id) {
            Some(slot) => *slot = entry,
            None => self.entries.push(entry),
        }
    }

    fn entry_path(&self, id: &str) -> PathBuf {
        self.dir.join("entries").join(format!("{id}.json"))
    }

    fn write_entry(&self, entry: &Entry) -> Result<(), RepairError> {
        let bytes = serde_json::to_vec_pretty(entry).map_err(|e| RepairError::JournalCorrupt {
            path: entry.id.clone(),
            reason: e.to_string(),
        })?;
        fsio::write_atomic(&self.entry_path(&entry.id), &bytes)
    }

    fn read_backup(&self, entry: &Entry) -> Result<Vec<u8>, RepairError> {
        let name = entry
            .backup_file
            .as_deref()
            .ok_or_else(|| RepairError::JournalCorrupt {
                path: entry.id.clone(),
                reason: "the entry names no backup".to_owned(),
            })?;
        let path = self.backup_dir().join(name);
        std::fs::read(&path).map_err(|e| RepairError::io(crate::error::IoOp::Read, &path, e))
    }

    /// Step 2 and 3 of `run`. A failed backup leaves the machine unchanged.
    fn backup_and_apply(&self, entry: &mut Entry, env: &mut Env) -> Result<(), RepairError> {
        let action = entry.spec.action();
        let bytes = match action.backup(env) {
            Ok(b) => b,
            Err(e) => return Err(self.fail(entry, e)),
        };
        let name = format!("{}.{}", entry.id, entry.kind.backup_extension());
        let path = self.backup_dir().join(&name);
        if let Err(e) = fsio::write_atomic_raw(&path, &bytes) {
            let err = if is_disk_full(&e) {
                RepairError::DiskFull {
                    path: path.display().to_string(),
                }
            } else {
                RepairError::BackupFailed {
                    path: path.display().to_string(),
                    reason: e.to_string(),
                }
            };
            return Err(self.fail(entry, err));
        }
        entry.backup_file = Some(name);
        entry.set_state(EntryState::BackedUp);
        if let Err(e) = self.write_entry(entry) {
            // The entry still says `planned` on disk and nothing changed: stop here.
            let _ = std::fs::remove_file(&path);
            entry.backup_file = None;
            entry.state = EntryState::Planned;
            return Err(self.fail(entry, e));
        }
        testhook::point("after_backed_up");
        self.apply(entry, env, &bytes)
    }

    /// Step 3: the change and its record; on error, the rollback from the backup.
    fn apply(&self, entry: &mut Entry, env: &mut Env, backup: &[u8]) -> Result<(), RepairError> {
        let action = entry.spec.action();
        match action.apply(env, backup) {
            Ok(outcome) => {
                entry.outcome = Some(outcome);
                entry.after = match action.changed_key() {
                    Some(key) => match AfterState::capture(&key, env) {
                        Ok(state) => Some(state),
                        Err(e) => {
                            // Undo still works, only without the check.
                            log::warn!("journal: cannot read {key} after {}: {e}", entry.id);
                            None
                        }
                    },
                    None => None,
                };
                entry.set_state(EntryState::Applied);
                if let Err(e) = self.write_entry(entry) {
                    // The change happened but its record could not be written: the entry stays
                    // `backed_up` on disk and the next start offers finish/roll back.
                    log::warn!("journal: change {} applied but not recorded: {e}", entry.id);
                }
                Ok(())
            }
            Err(e) => {
                entry.error = Some(e.to_string());
                if action.undoable() {
                    match action.undo(env, backup) {
                        Ok(()) => entry.set_state(EntryState::RolledBack),
                        Err(undo_err) => {
                            entry.error =
                                Some(format!("{e}; rolling back also failed: {undo_err}"));
                            entry.set_state(EntryState::Failed);
                        }
                    }
                } else {
                    entry.set_state(EntryState::Failed);
                }
                if let Err(w) = self.write_entry(entry) {
                    log::warn!("journal: cannot record the failure of {}: {w}", entry.id);
                }
                Err(e)
            }
        }
    }

    /// Marks the entry failed (best effort: the disk may be full) and returns the error.
    fn fail(&self, entry: &mut Entry, e: RepairError) -> RepairError {
        entry.error = Some(e.to_string());
        entry.set_state(EntryState::Failed);
        if let Err(w) = self.write_entry(entry) {
            log::warn!("journal: cannot record the failure of {}: {w}", entry.id);
        }
        e
    }
}

fn wrong_state(entry: &Entry, wanted: crate::error::Wanted) -> RepairError {
    RepairError::WrongState {
        id: entry.id.clone(),
        state: entry.state,
        wanted,
    }
}
