//! A lesson's world on screen: the simulated world a lesson (or free play) runs on, the lesson
//! run stepping through it on a timer, and in "what happens next?" mode the questions it stops
//! at, with the scores kept in the browser's local storage.

use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};

use gloo_timers::callback::Interval;
use yew::prelude::*;

use crate::codec::ProtocolVersion;
use crate::lesson::{free_play, Actor, Lesson, LessonRun, LessonScore, Scores, StepQuiz, Tally};
use crate::trace::TraceStore;
use crate::web::sim_driver::SimDriver;

/// How often (real ms) a running lesson checks whether its next step is due.
const TICK_MS: u32 = 100;

/// Where the "what happens next?" scores are kept in the browser.
const SCORES_KEY: &str = "qoscope-quiz-scores";

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

pub fn load_scores() -> Scores {
    let saved = storage().and_then(|storage| storage.get_item(SCORES_KEY).ok().flatten());
    Scores::from_json(saved.as_deref())
}

pub fn save_scores(scores: &Scores) {
    if let Some(storage) = storage() {
        let _ = storage.set_item(SCORES_KEY, &scores.to_json());
    }
}

/// One world on screen: a lesson's or free play's, with its trace and the lesson run, if any.
pub struct Stage {
    pub serial: u32,
    pub driver: SimDriver,
    pub store: RefCell<TraceStore>,
    pub actors: &'static [Actor],
    pub run: RefCell<Option<LessonRun>>,
    /// The step the lesson was opened at (from its address), if any.
    pub opened_at: Option<usize>,
    pub stopped: Cell<bool>,
    ticker: RefCell<Option<Interval>>,
    /// "What happens next?" mode: the questions before the step the run waits at.
    pub quiz: RefCell<Option<StepQuiz>>,
    /// This attempt's answers so far.
    pub tally: Cell<Tally>,
    /// The lesson's score as saved before this attempt.
    pub previous: Option<LessonScore>,
    pub redraw: UseForceUpdateHandle,
}

impl Stage {
    /// A fresh world for `lesson` (or free play), driven at `speed`, redrawing through `redraw`;
    /// opened at step `at`, the lesson runs through it at once and stops there.
    pub fn start(
        serial: u32,
        lesson: Option<&Lesson>,
        at: Option<usize>,
        version: ProtocolVersion,
        asks: bool,
        speed: f64,
        redraw: UseForceUpdateHandle,
    ) -> Rc<Stage> {
        let previous = lesson.and_then(|lesson| load_scores().get(lesson.id));
        let (world, run, actors) = match lesson {
            Some(lesson) => {
                let (mut world, mut run) = LessonRun::start(lesson, version);
                if let Some(step) = at {
                    run.run_through(&mut world, step);
                }
                let run = if asks { run.asking() } else { run };
                (world, Some(run), lesson.actors)
            }
            None => {
                let (world, actors) = free_play(version);
                (world, None, actors)
            }
        };
        let stage = Rc::new(Stage {
            serial,
            driver: SimDriver::new(world, speed),
            store: RefCell::new(TraceStore::new(2_000, 500)),
            actors,
            run: RefCell::new(run),
            opened_at: at.filter(|_| lesson.is_some()),
            stopped: Cell::new(at.is_some() && lesson.is_some()),
            ticker: RefCell::new(None),
            quiz: RefCell::new(None),
            tally: Cell::new(Tally::default()),
            previous,
            redraw: redraw.clone(),
        });
        let weak = Rc::downgrade(&stage);
        stage.driver.set_on_change(move || {
            if let Some(stage) = weak.upgrade() {
                stage.store.borrow_mut().extend(stage.driver.take_trace());
                redraw.force_update();
            }
        });
        // What ran before the driver started (a lesson opened at one of its steps) is drawn now.
        stage.store.borrow_mut().extend(stage.driver.take_trace());
        if lesson.is_some() {
            let weak: Weak<Stage> = Rc::downgrade(&stage);
            let ticker = Interval::new(TICK_MS, move || {
                if let Some(stage) = weak.upgrade() {
                    stage.tick();
                }
            });
            *stage.ticker.borrow_mut() = Some(ticker);
            stage.tick();
        }
        stage
    }

    /// Applies the next step if it is due. In "what happens next?" mode a due step stops the
    /// world and puts up its questions (a step that only explains is let through).
    fn tick(&self) {
        let running = self.run.borrow().as_ref().is_some_and(|run| {
            !run.is_finished() && !self.stopped.get() && self.quiz.borrow().is_none()
        });
        if !running {
            return;
        }
        self.driver.with_world(|world| {
            if let Some(run) = self.run.borrow_mut().as_mut() {
                let now = world.now();
                run.advance(world, now);
            }
        });
        let mut run = self.run.borrow_mut();
        let Some(run) = run.as_mut().filter(|run| run.awaiting_answer().is_some()) else {
            return;
        };
        self.driver.set_paused(true);
        match self.driver.read(|world| StepQuiz::ahead(world, run)) {
            Some(quiz) => {
                *self.quiz.borrow_mut() = Some(quiz);
                self.redraw.force_update();
            }
            None => {
                run.release();
                self.driver.set_paused(false);
            }
        }
    }

    /// The learner has answered: the step runs and the world moves again.
    pub fn run_step(&self) {
        self.quiz.borrow_mut().take();
        if let Some(run) = self.run.borrow_mut().as_mut() {
            run.release();
        }
        self.driver.set_paused(false);
        self.tick();
        self.redraw.force_update();
    }
}
