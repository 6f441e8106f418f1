//! Add-in bisect: find the add-in behind the error in O(log n) rounds.
//!
//! The suspects are the enabled add-ins that no policy manages. Each round disables the first
//! half of the suspects (through the journaled disable action) and everything else stays as
//! it was; the user restarts Outlook and answers "did the error come back?". Yes: the culprit
//! is among the suspects still enabled. No: it is among the ones just disabled. One suspect
//! left = the culprit. Every step can be taken back ([`Bisect::back`]), and [`Bisect::finish`]
//! restores every add-in, except the culprit if the user agrees to keep it off.
//!
//! The state is plain data (serde): the UI stores it and resumes after a restart.

use serde::{Deserialize, Serialize};

use crate::actions::{AddinState, Env, RegistryLayout, SetAddin};
use crate::error::RepairError;
use crate::journal::{EntryState, Journal};

/// Where the bisect is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(tag = "phase", rename_all = "snake_case")]
pub enum BisectPhase {
    /// Call [`Bisect::next_round`] to disable the next half.
    Ready,
    /// Half is disabled: restart Outlook, then [`Bisect::answer`].
    AwaitingAnswer,
    /// One suspect is left.
    Found { culprit: String },
    /// The error came back with every suspect disabled: no add-in causes it.
    NoCulprit,
    /// Add-ins restored; `kept_disabled` is the culprit when the user chose to keep it off.
    Finished { kept_disabled: Option<String> },
}

/// One round: the suspects before it and the half it disabled.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub struct Round {
    pub suspects: Vec<String>,
    pub disabled: Vec<String>,
    /// `Some(true)`: the error came back.
    pub error_came_back: Option<bool>,
}

/// An add-in the bisect disabled, with the journal entry that undoes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub struct DisabledByBisect {
    pub prog_id: String,
    pub entry_id: String,
}

/// The bisect state machine.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub struct Bisect {
    pub layout: RegistryLayout,
    /// Every add-in taking part, in order.
    pub candidates: Vec<String>,
    /// Add-ins left out because a policy manages them (with the reason).
    pub skipped: Vec<String>,
    /// The culprit is one of these.
    pub suspects: Vec<String>,
    pub rounds: Vec<Round>,
    /// What the bisect has disabled right now.
    pub disabled: Vec<DisabledByBisect>,
    pub phase: BisectPhase,
}

fn step_err(reason: &str) -> RepairError {
    RepairError::BisectStep {
        reason: reason.to_owned(),
    }
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
            return Err(step_err(
                "there is no enabled add-in that Session Doctor may turn off",
            ));
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
            return Err(step_err("answer the current round first"));
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
        Ok(to_disable)
    }

    /// Records the answer of the current round and narrows the suspects.
    pub fn answer(&mut self, error_came_back: bool) -> Result<&BisectPhase, RepairError> {
        if self.phase != BisectPhase::AwaitingAnswer {
            return Err(step_err("there is no round waiting for an answer"));
        }
        let round = self
            .rounds
            .last_mut()
            .ok_or_else(|| step_err("there is no round waiting for an answer"))?;
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
            return Err(step_err("nothing to take back"));
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
            BisectPhase::Finished { .. } => return Err(step_err("the add-in check is finished")),
        }
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
            return Err(step_err("the add-in check is already finished"));
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
        }
        for p in target {
            if self.disabled.iter().any(|d| &d.prog_id == p) {
                continue;
            }
            let action = SetAddin::disable(p).with_layout(self.layout.clone());
            let entry = journal.run(action.into(), env)?;
            self.disabled.push(DisabledByBisect {
                prog_id: p.clone(),
                entry_id: entry.id,
            });
        }
        Ok(())
    }
}
