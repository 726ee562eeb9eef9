//! Running a lesson: one step at a time, each once the world has gone quiet and a pause has
//! passed, so every exchange finishes and can be read before the next one starts.

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
    finished: bool,
}

impl LessonRun {
    /// A fresh world for `lesson` and a run whose first step is due at once. Starting again is
    /// how a lesson is replayed.
    pub fn start(lesson: &Lesson, version: ProtocolVersion) -> (World, LessonRun) {
        let world = lesson.world(version);
        let run = LessonRun {
            lesson: *lesson,
            applied: 0,
            due_at: Some(world.now()),
            finished: false,
        };
        (world, run)
    }

    /// The lesson.
    pub fn lesson(&self) -> &Lesson {
        &self.lesson
    }

    /// The step being shown: the last one applied.
    pub fn current_step(&self) -> Option<usize> {
        self.applied.checked_sub(1)
    }

    /// Every step applied and the world quiet after the last: the outcome can be judged.
    pub fn is_finished(&self) -> bool {
        self.finished
    }

    /// Moves the world to `now`, applying every step that falls due on the way. Returns whether
    /// a step was applied or the run finished.
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
            let due = *self.due_at.get_or_insert(world.now() + PAUSE_MS);
            if due > now {
                break;
            }
            world.advance_to(due);
            changed = true;
            match self.lesson.steps.get(self.applied) {
                Some(step) => {
                    for action in step.actions {
                        action.apply(world);
                    }
                    self.applied += 1;
                    self.due_at = None;
                }
                None => self.finished = true,
            }
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
