//! Lessons: scripted fault scenarios on the simulated broker, each a list of narrated steps with
//! the spec's normative ids, and the outcome it must produce.
//!
//! A [`Lesson`] is data: who takes part, the broker's settings, the steps and the
//! [`ExpectedOutcome`]. [`LessonRun::start`] builds a fresh [`World`](crate::sim::World) and a
//! [`LessonRun`] that applies one step at a time whenever the world has gone quiet and a pause has passed, so a
//! page can run it at a watchable pace and a test can run it to the end at once. Replaying a
//! lesson is starting it again. The outcome is judged from the trace, the same one the diagram
//! draws. In "what happens next?" mode ([`StepQuiz`]) the run waits before each step for the
//! learner's prediction, which the step's own trace answers.

mod catalogue;
mod outcome;
mod quiz;
mod run;
mod script;

pub use catalogue::{catalogue, find, TOPIC_FILTER};
pub use outcome::{Check, ExpectedOutcome};
pub use quiz::{Answer, LessonScore, Question, Scores, StepQuiz, Subject, Tally};
pub use run::LessonRun;
pub use script::{free_play, Act, Actor, Lesson, SessionLife, Step};
