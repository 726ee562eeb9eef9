//! Running a lesson: one step at a time, each once the world has gone quiet and a pause has
//! passed, so every exchange finishes and can be read before the next one starts. In "what
//! happens next?" mode each step, once due, also waits for the learner's answer.

use crate::codec::ProtocolVersion;
use crate::sim::World;

use super::script::Lesson;

/// Simulated ms to wait after the world goes quiet before the next step.
pub const PAUSE_MS: u64 = 1_600;

/// A lesson in progress on a world.
#[derive(Debug, Clone)]
pub struct LessonRun {
    lesson: Lesson,
    /// Steps applied so far.
    applied: usize,
    /// When the next step is due, once the world has gone quiet.
    due_at: Option<u64>,
    /// Until when the last step lets simulated time pass (its `Wait`).
    waits_until: u64,
    /// "What happens next?" mode: each step, once due, waits for [`LessonRun::release`].
    asks: bool,
    /// Steps the learner has let run (in "what happens next?" mode).
    released: usize,
    /// The next step is due and waits for the learner (in "what happens next?" mode).
    held: bool,
    finished: bool,
}

impl LessonRun {
    /// A fresh world for `lesson` (in the version it runs in when `version` is chosen) and a
    /// run whose first step is due at once. Starting again is how a lesson is replayed.
    pub fn start(lesson: &Lesson, version: ProtocolVersion) -> (World, LessonRun) {
        let world = lesson.world(version);
        let run = LessonRun::on(lesson, &world);
        (world, run)
    }

    /// A run of `lesson` on `world`, a fresh world of the lesson's (see [`Lesson::world_on`]).
    pub fn on(lesson: &Lesson, world: &World) -> LessonRun {
        LessonRun {
            lesson: *lesson,
            applied: 0,
            due_at: Some(world.now()),
            waits_until: 0,
            asks: false,
            released: 0,
            held: false,
            finished: false,
        }
    }

    /// The same run in "what happens next?" mode: each step waits to be released.
    pub fn asking(mut self) -> LessonRun {
        self.asks = true;
        self
    }

    /// The lesson.
    pub fn lesson(&self) -> &Lesson {
        &self.lesson
    }

    /// The step being shown: the last one applied.
    pub fn current_step(&self) -> Option<usize> {
        self.applied.checked_sub(1)
    }

    /// In "what happens next?" mode, the step that is due and waits for the learner.
    pub fn awaiting_answer(&self) -> Option<usize> {
        self.held.then_some(self.applied)
    }

    /// Lets the step that waits for the learner run (at the next [`LessonRun::advance`]).
    pub fn release(&mut self) {
        if self.held {
            self.held = false;
            self.released += 1;
        }
    }

    /// Every step applied and the world quiet after the last: the outcome can be judged.
    pub fn is_finished(&self) -> bool {
        self.finished
    }

    /// Moves the world to `now`, applying every step that falls due on the way (in "what
    /// happens next?" mode, only released ones). Returns whether a step was applied, a step
    /// started waiting for the learner, or the run finished.
    pub fn advance(&mut self, world: &mut World, now: u64) -> bool {
        let mut changed = false;
        while !self.finished {
            if !world.is_quiet() {
                self.due_at = None;
                match world.next_deadline() {
                    Some(deadline) if deadline <= now => world.advance_to(deadline),
                    _ => break,
                }
                continue;
            }
            let ready = world.now().max(self.waits_until) + PAUSE_MS;
            let due = *self.due_at.get_or_insert(ready);
            if due > now {
                break;
            }
            world.advance_to(due);
            if !world.is_quiet() {
                // A timer ran out on the way (a delayed will): its packets finish first.
                continue;
            }
            let Some(step) = self.lesson.steps.get(self.applied) else {
                self.finished = true;
                changed = true;
                break;
            };
            if self.asks && self.released == self.applied {
                // Due, and waiting for the learner: the world stays where it is.
                let newly = !self.held;
                self.held = true;
                return newly;
            }
            for act in step.acts {
                act.apply(world);
            }
            self.applied += 1;
            self.due_at = None;
            self.waits_until = world.now() + step.wait_ms();
            changed = true;
        }
        world.advance_to(now);
        changed
    }

    /// Applies every step up to and including `step` at once, the world running as it would
    /// between them, so a link can open a lesson at one of its steps. Returns the step reached
    /// (the last one, when `step` is beyond it).
    pub fn run_through(&mut self, world: &mut World, step: usize) -> Option<usize> {
        let last = step.min(self.lesson.steps.len().checked_sub(1)?);
        while !self.finished && self.applied <= last {
            let next = if world.is_quiet() {
                self.due_at.unwrap_or(world.now() + PAUSE_MS)
            } else {
                match world.next_deadline() {
                    Some(deadline) => deadline,
                    None => break,
                }
            };
            self.advance(world, next);
        }
        self.current_step()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lesson::catalogue;

    #[test]
    fn a_lesson_runs_through_to_a_step_and_waits_there() {
        for lesson in catalogue() {
            let (mut world, mut run) = LessonRun::start(lesson, ProtocolVersion::V5);
            assert_eq!(run.run_through(&mut world, 1), Some(1), "{}", lesson.id);
            assert!(!run.is_finished());
            // Beyond the last step: stops at the last one.
            let (mut world, mut run) = LessonRun::start(lesson, ProtocolVersion::V5);
            let last = lesson.steps.len() - 1;
            assert_eq!(run.run_through(&mut world, 99), Some(last), "{}", lesson.id);
        }
    }
}
