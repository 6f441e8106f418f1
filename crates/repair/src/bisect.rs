//! Add-in bisect: find the add-in behind the error in O(log n) rounds.
//!
//! The suspects are the enabled add-ins that no policy manages. Each round disables the first
//! half of the suspects (through the journaled disable action) and everything else stays as
//! it was; the user restarts Outlook and answers "did the error come back?". Yes: the culprit
//! is among the suspects still enabled. No: it is among the ones just disabled. One suspect
//! left = the culprit. Every step can be taken back ([`Bisect::back`]), and [`Bisect::finish`]
//! restores every add-in, except the culprit if the user agrees to keep it off.
//!
//! The state is plain data (serde). It is also kept in the journal folder ([`STATE_FILE`],
//! written atomically): at the start ([`Bisect::start_in`]), before and after each change of
//! a round, at each answer ([`Bisect::answer_in`]) and step back; it is removed when the check
//! is finished. After a crash or a restart, [`Bisect::load`] gives the check back, and
//! [`Bisect::restore_all`] puts every add-in it turned off back through the journal's undo.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::actions::{ActionKind, AddinState, Env, RegistryLayout, SetAddin};
use crate::error::RepairError;
use crate::fsio;
use crate::journal::{EntryState, Journal};

/// The file in the journal folder that holds the check under way.
pub const STATE_FILE: &str = "bisect.json";

/// What [`STATE_FILE`] holds.
#[derive(Debug, Serialize, Deserialize)]
struct SavedBisect {
    version: u32,
    bisect: Bisect,
    /// The add-in being turned off right now (its journal entry may not be recorded in
    /// `bisect.disabled` yet if the app dies in the middle).
    #[serde(default)]
    pending: Option<String>,
}

/// What [`Bisect::restore_all`] did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub struct RestoredAll {
    /// The add-ins turned back on (undone or rolled back through the journal).
    pub restored: Vec<String>,
    /// What the user should know (a damaged state file, an entry already undone...), in
    /// the language of the [`Env`] it was restored with.
    pub notes: Vec<String>,
}

/// Where the bisect is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(tag = "phase", rename_all = "snake_case")]
pub enum BisectPhase {
    /// Call [`Bisect::next_round`] to disable the next half.
    Ready,
    /// Half is disabled: restart Outlook, then [`Bisect::answer`].
    AwaitingAnswer,
    /// One suspect is left.
    Found {
        /// The add-in left.
        culprit: String,
    },
    /// The error came back with every suspect disabled: no add-in causes it.
    NoCulprit,
    /// Add-ins restored; `kept_disabled` is the culprit when the user chose to keep it off.
    Finished {
        /// The add-in kept off, if any.
        kept_disabled: Option<String>,
    },
}

/// One round: the suspects before it and the half it disabled.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub struct Round {
    /// The suspects when the round began.
    pub suspects: Vec<String>,
    /// The half turned off in it.
    pub disabled: Vec<String>,
    /// `Some(true)`: the error came back.
    pub error_came_back: Option<bool>,
}

/// An add-in the bisect disabled, with the journal entry that undoes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub struct DisabledByBisect {
    /// The add-in's ProgID.
    pub prog_id: String,
    /// The journal entry that turned it off.
    pub entry_id: String,
}

/// The bisect state machine.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub struct Bisect {
    /// Where the add-in keys are.
    pub layout: RegistryLayout,
    /// Every add-in taking part, in order.
    pub candidates: Vec<String>,
    /// Add-ins left out because a policy manages them (with the reason).
    pub skipped: Vec<String>,
    /// The culprit is one of these.
    pub suspects: Vec<String>,
    /// The rounds so far.
    pub rounds: Vec<Round>,
    /// What the bisect has disabled right now.
    pub disabled: Vec<DisabledByBisect>,
    /// Where the check stands.
    pub phase: BisectPhase,
}

fn step_err(reason: crate::error::BisectRefusal) -> RepairError {
    RepairError::BisectStep { reason }
}

impl Bisect {
    /// Starts with the enabled add-ins that no policy manages.
    pub fn start(addins: &[AddinState], layout: RegistryLayout) -> Result<Bisect, RepairError> {
        let candidates: Vec<String> = addins
            .iter()
            .filter(|a| a.is_enabled() && a.policy.is_none())
            .map(|a| a.prog_id.clone())
            .collect();
        let skipped = addins
            .iter()
            .filter(|a| a.is_enabled())
            .filter_map(|a| {
                a.policy
                    .as_ref()
                    .map(|p| format!("{} (policy: {p})", a.prog_id))
            })
            .collect();
        if candidates.is_empty() {
            return Err(step_err(crate::error::BisectRefusal::NothingToTurnOff));
        }
        Ok(Bisect {
            layout,
            suspects: candidates.clone(),
            candidates,
            skipped,
            rounds: Vec::new(),
            disabled: Vec::new(),
            phase: BisectPhase::Ready,
        })
    }

    /// Most rounds this bisect can take: ceil(log2 n), at least 1.
    pub fn max_rounds(&self) -> usize {
        let n = self.candidates.len().max(2);
        (usize::BITS - (n - 1).leading_zeros()) as usize
    }

    /// Disables the first half of the suspects (re-enabling what an earlier round disabled
    /// and is no longer in question). Returns the add-ins now disabled.
    pub fn next_round(
        &mut self,
        journal: &mut Journal,
        env: &mut Env,
    ) -> Result<Vec<String>, RepairError> {
        if self.phase != BisectPhase::Ready {
            return Err(step_err(crate::error::BisectRefusal::AnswerFirst));
        }
        let half = self.suspects.len().div_ceil(2);
        let to_disable: Vec<String> = self.suspects[..half].to_vec();
        self.set_disabled(&to_disable, journal, env)?;
        self.rounds.push(Round {
            suspects: self.suspects.clone(),
            disabled: to_disable.clone(),
            error_came_back: None,
        });
        self.phase = BisectPhase::AwaitingAnswer;
        self.save(journal)?;
        Ok(to_disable)
    }

    /// [`Bisect::start`] and the state saved in the journal folder.
    pub fn start_in(
        addins: &[AddinState],
        layout: RegistryLayout,
        journal: &Journal,
    ) -> Result<Bisect, RepairError> {
        let b = Bisect::start(addins, layout)?;
        b.save(journal)?;
        Ok(b)
    }

    /// [`Bisect::answer`] and the state saved in the journal folder.
    pub fn answer_in(
        &mut self,
        error_came_back: bool,
        journal: &Journal,
    ) -> Result<&BisectPhase, RepairError> {
        self.answer(error_came_back)?;
        self.save(journal)?;
        Ok(&self.phase)
    }

    /// Where the state of the check is kept for `journal`.
    pub fn state_path(journal: &Journal) -> PathBuf {
        journal.dir().join(STATE_FILE)
    }

    /// Writes the state to the journal folder (atomically).
    pub fn save(&self, journal: &Journal) -> Result<(), RepairError> {
        self.save_pending(journal, None)
    }

    fn save_pending(&self, journal: &Journal, pending: Option<&str>) -> Result<(), RepairError> {
        let saved = SavedBisect {
            version: 1,
            bisect: self.clone(),
            pending: pending.map(str::to_owned),
        };
        let path = Bisect::state_path(journal);
        let bytes = serde_json::to_vec_pretty(&saved).map_err(|e| {
            RepairError::io(crate::error::IoOp::Write, &path, std::io::Error::other(e))
        })?;
        fsio::write_atomic(&path, &bytes)
    }

    /// The check under way in `journal`'s folder: `None` when there is none (or it is
    /// finished). A damaged file is [`RepairError::JournalCorrupt`]; [`Bisect::restore_all`]
    /// can still put back the add-ins it names.
    pub fn load(journal: &Journal) -> Result<Option<Bisect>, RepairError> {
        Ok(load_saved(journal)?.map(|s| s.bisect))
    }

    /// Removes the saved state (the check is over).
    pub fn clear(journal: &Journal) -> Result<(), RepairError> {
        let path = Bisect::state_path(journal);
        match std::fs::remove_file(&path) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(RepairError::io(crate::error::IoOp::Remove, &path, e)),
        }
    }

    /// Abandons the check saved in `journal`'s folder: every add-in it turned off is turned
    /// back on through the journal (applied entries undone, a change interrupted by a crash
    /// rolled back), and the saved state is cleared. A damaged state file is not a stop: the
    /// journal entries whose ids (or, for an interrupted change, add-in names) it still
    /// contains are put back, and the file is set aside as `bisect.json.damaged`.
    pub fn restore_all(journal: &mut Journal, env: &mut Env) -> Result<RestoredAll, RepairError> {
        let w = words::Words::of(env.lang);
        let mut notes = Vec::new();
        let path = Bisect::state_path(journal);
        let (mut state, raw) = match load_saved(journal) {
            Ok(Some(s)) => (Some(s), None),
            Ok(None) => {
                return Ok(RestoredAll {
                    restored: Vec::new(),
                    notes: vec![w.t("bisect.note.none_under_way", &[])],
                });
            }
            Err(e) => {
                notes.push(w.t("bisect.note.damaged", &[("detail", &e.message(env.lang))]));
                (None, Some(std::fs::read(&path).unwrap_or_default()))
            }
        };
        let raw_text = raw
            .as_ref()
            .map(|r| String::from_utf8_lossy(r).into_owned());
        let quoted = |s: &str| format!("\"{s}\"");
        let mut restored = Vec::new();

        // A change a crash interrupted: roll it back.
        let interrupted: Vec<(String, String)> = journal
            .interrupted()
            .into_iter()
            .filter(|e| e.kind == ActionKind::DisableAddin)
            .filter(|e| match (&state, &raw_text) {
                (Some(s), _) => {
                    s.pending.as_deref() == Some(e.target.as_str())
                        || s.bisect.candidates.contains(&e.target)
                }
                (None, Some(t)) => t.contains(&quoted(&e.id)) || t.contains(&quoted(&e.target)),
                (None, None) => false,
            })
            .map(|e| (e.id, e.target))
            .collect();
        for (id, target) in interrupted {
            journal.roll_back(&id, env)?;
            if !restored.contains(&target) {
                restored.push(target);
            }
        }

        // The add-ins it turned off: undo, newest first.
        let disabled: Vec<DisabledByBisect> = match (&state, &raw_text) {
            (Some(s), _) => s.bisect.disabled.clone(),
            (None, Some(t)) => journal
                .entries()
                .into_iter()
                .filter(|e| e.kind == ActionKind::DisableAddin && t.contains(&quoted(&e.id)))
                .map(|e| DisabledByBisect {
                    prog_id: e.target,
                    entry_id: e.id,
                })
                .collect(),
            (None, None) => Vec::new(),
        };
        for d in disabled.iter().rev() {
            let applied = journal
                .entry(&d.entry_id)
                .is_some_and(|e| e.state == EntryState::Applied);
            if applied {
                if let Err(e) = journal.undo(&d.entry_id, env) {
                    // What is left stays saved, so the user can try again.
                    if let Some(s) = state.as_mut() {
                        s.bisect.disabled.retain(|x| !restored.contains(&x.prog_id));
                        s.bisect.save(journal)?;
                    }
                    return Err(e);
                }
            } else {
                notes.push(w.t("bisect.note.already_back", &[("name", &d.prog_id)]));
            }
            if !restored.contains(&d.prog_id) {
                restored.push(d.prog_id.clone());
            }
        }
        if raw_text.is_some() {
            let aside = path.with_file_name(format!("{STATE_FILE}.damaged"));
            std::fs::rename(&path, &aside)
                .map_err(|e| RepairError::io(crate::error::IoOp::SetAside, &path, e))?;
        } else {
            Bisect::clear(journal)?;
        }
        Ok(RestoredAll { restored, notes })
    }

    /// Records the answer of the current round and narrows the suspects.
    pub fn answer(&mut self, error_came_back: bool) -> Result<&BisectPhase, RepairError> {
        if self.phase != BisectPhase::AwaitingAnswer {
            return Err(step_err(crate::error::BisectRefusal::NoRoundWaiting));
        }
        let round = self
            .rounds
            .last_mut()
            .ok_or_else(|| step_err(crate::error::BisectRefusal::NoRoundWaiting))?;
        round.error_came_back = Some(error_came_back);
        let disabled = &round.disabled;
        self.suspects = if error_came_back {
            // Still failing without them: they are innocent.
            round
                .suspects
                .iter()
                .filter(|s| !disabled.contains(s))
                .cloned()
                .collect()
        } else {
            disabled.clone()
        };
        self.phase = match self.suspects.as_slice() {
            [] => BisectPhase::NoCulprit,
            [one] => BisectPhase::Found {
                culprit: one.clone(),
            },
            _ => BisectPhase::Ready,
        };
        Ok(&self.phase)
    }

    /// Takes one step back: an answer is withdrawn, or a round's disables are undone.
    pub fn back(&mut self, journal: &mut Journal, env: &mut Env) -> Result<(), RepairError> {
        let Some(last) = self.rounds.last().cloned() else {
            return Err(step_err(crate::error::BisectRefusal::NothingToTakeBack));
        };
        match &self.phase {
            BisectPhase::AwaitingAnswer => {
                let before = match self.rounds.len() {
                    0 | 1 => Vec::new(),
                    n => self.rounds[n - 2].disabled.clone(),
                };
                self.set_disabled(&before, journal, env)?;
                self.rounds.pop();
                self.suspects = last.suspects;
                self.phase = BisectPhase::Ready;
            }
            BisectPhase::Ready | BisectPhase::Found { .. } | BisectPhase::NoCulprit => {
                if let Some(r) = self.rounds.last_mut() {
                    r.error_came_back = None;
                }
                self.suspects = last.suspects;
                self.phase = BisectPhase::AwaitingAnswer;
            }
            BisectPhase::Finished { .. } => {
                return Err(step_err(crate::error::BisectRefusal::Finished));
            }
        }
        self.save(journal)?;
        Ok(())
    }

    /// Ends the bisect: every add-in it disabled is restored from the journal, except the
    /// culprit when `keep_culprit_disabled` (it is disabled now if it was not).
    pub fn finish(
        &mut self,
        keep_culprit_disabled: bool,
        journal: &mut Journal,
        env: &mut Env,
    ) -> Result<&BisectPhase, RepairError> {
        if matches!(self.phase, BisectPhase::Finished { .. }) {
            return Err(step_err(crate::error::BisectRefusal::AlreadyFinished));
        }
        let keep = match (&self.phase, keep_culprit_disabled) {
            (BisectPhase::Found { culprit }, true) => Some(culprit.clone()),
            _ => None,
        };
        let target: Vec<String> = keep.iter().cloned().collect();
        self.set_disabled(&target, journal, env)?;
        self.phase = BisectPhase::Finished {
            kept_disabled: keep,
        };
        Bisect::clear(journal)?;
        Ok(&self.phase)
    }

    /// Makes the bisect's disabled set exactly `target`: undoes the others' journal entries,
    /// disables the new ones. The state is updated after each change, so an error midway
    /// leaves it matching the machine.
    fn set_disabled(
        &mut self,
        target: &[String],
        journal: &mut Journal,
        env: &mut Env,
    ) -> Result<(), RepairError> {
        while let Some(pos) = self
            .disabled
            .iter()
            .position(|d| !target.contains(&d.prog_id))
        {
            let entry_id = self.disabled[pos].entry_id.clone();
            // The user may have undone it already from the journal's list: then it is done.
            let still_applied = journal
                .entry(&entry_id)
                .is_some_and(|e| e.state == EntryState::Applied);
            if still_applied {
                journal.undo(&entry_id, env)?;
            }
            self.disabled.remove(pos);
            self.save(journal)?;
        }
        for p in target {
            if self.disabled.iter().any(|d| &d.prog_id == p) {
                continue;
            }
            self.save_pending(journal, Some(p))?;
            let action = SetAddin::disable(p).with_layout(self.layout.clone());
            let entry = journal.run(action.into(), env)?;
            self.disabled.push(DisabledByBisect {
                prog_id: p.clone(),
                entry_id: entry.id,
            });
            self.save(journal)?;
        }
        Ok(())
    }
}

/// The saved check, `None` when there is none or it is finished.
fn load_saved(journal: &Journal) -> Result<Option<SavedBisect>, RepairError> {
    let path = Bisect::state_path(journal);
    // A write a crash cut off leaves only its temp file: the last complete state stands.
    fsio::remove_stale_temps(journal.dir(), Some(STATE_FILE));
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(RepairError::io(crate::error::IoOp::Read, &path, e)),
    };
    let saved: SavedBisect =
        serde_json::from_slice(&bytes).map_err(|e| RepairError::JournalCorrupt {
            path: path.display().to_string(),
            reason: format!("the saved add-in check cannot be read: {e}"),
        })?;
    if saved.version != 1 {
        return Err(RepairError::JournalCorrupt {
            path: path.display().to_string(),
            reason: format!("unknown version {} of the add-in check", saved.version),
        });
    }
    if matches!(saved.bisect.phase, BisectPhase::Finished { .. }) {
        return Ok(None);
    }
    Ok(Some(saved))
}
