//! The lessons: pick one and watch it run on its own simulated world, step by step, with each
//! step narrated next to the diagram and the rule it shows. Replay starts it again from a fresh
//! world; the fault panel below breaks the same world freely.

use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};

use gloo_timers::callback::Interval;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

use super::fault_panel::FaultPanel;
use super::language_switch::use_lang;
use super::routing::use_go;
use super::sequence_diagram::SequenceDiagram;
use super::version_select::VersionSelect;
use crate::codec::ProtocolVersion;
use crate::diagram::{colour_messages, layout, mark_deliveries, mark_outcomes, COMPACT_WIDTH};
use crate::i18n::Text;
use crate::lesson::{catalogue, free_play, Actor, Lesson, LessonRun};
use crate::route::{LessonLink, Route};
use crate::trace::{delivery_rows, ClientTag, TraceStore};
use crate::web::sim_driver::SimDriver;

/// Speed factors offered; 1× is the watchable default, the fast ones are for a quick look.
const SPEEDS: [(f64, &str); 6] = [
    (0.25, "¼×"),
    (0.5, "½×"),
    (1.0, "1×"),
    (2.0, "2×"),
    (4.0, "4×"),
    (10.0, "10×"),
];

/// How often (real ms) a running lesson checks whether its next step is due.
const TICK_MS: u32 = 100;

/// Rows of the diagram: a whole lesson fits.
const MAX_ROWS: usize = 40;

/// One world on screen: a lesson's or free play's, with its trace and the lesson run, if any.
struct Stage {
    serial: u32,
    driver: SimDriver,
    store: RefCell<TraceStore>,
    actors: &'static [Actor],
    run: RefCell<Option<LessonRun>>,
    /// The step the lesson was opened at (from its address), if any.
    opened_at: Option<usize>,
    stopped: Cell<bool>,
    ticker: RefCell<Option<Interval>>,
}

impl Stage {
    /// A fresh world for `lesson` (or free play), driven at `speed`, redrawing through `redraw`;
    /// opened at step `at`, the lesson runs through it at once and stops there.
    fn start(
        serial: u32,
        lesson: Option<&Lesson>,
        at: Option<usize>,
        version: ProtocolVersion,
        speed: f64,
        redraw: UseForceUpdateHandle,
    ) -> Rc<Stage> {
        let (world, run, actors) = match lesson {
            Some(lesson) => {
                let (mut world, mut run) = LessonRun::start(lesson, version);
                if let Some(step) = at {
                    run.run_through(&mut world, step);
                }
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

    /// Applies the next step if it is due.
    fn tick(&self) {
        let running = self
            .run
            .borrow()
            .as_ref()
            .is_some_and(|run| !run.is_finished() && !self.stopped.get());
        if running {
            self.driver.with_world(|world| {
                if let Some(run) = self.run.borrow_mut().as_mut() {
                    let now = world.now();
                    run.advance(world, now);
                }
            });
        }
    }
}

#[derive(Properties, PartialEq)]
pub struct LessonPanelProps {
    /// The lesson (and step) the address opens, while the lessons view is shown.
    pub link: Option<LessonLink>,
}

/// The lesson `link` names, if it is one of ours.
fn linked_lesson(link: &LessonLink) -> Option<&'static Lesson> {
    link.lesson
        .as_deref()
        .and_then(|id| catalogue().iter().find(|lesson| lesson.id == id))
}

#[function_component(LessonPanel)]
pub fn lesson_panel(props: &LessonPanelProps) -> Html {
    let lang = use_lang();
    let go = use_go();
    let redraw = use_force_update();
    let version = use_state(|| ProtocolVersion::V5);
    let speed = use_state(|| 1.0_f64);
    let serial = use_mut_ref(|| 0u32);
    let stage = {
        let redraw = redraw.clone();
        // The address opens a lesson, or one of its steps: a lesson can be shared as a link.
        let link = props.link.clone().unwrap_or_default();
        use_state(move || {
            Stage::start(
                0,
                linked_lesson(&link),
                link.step,
                ProtocolVersion::V5,
                1.0,
                redraw,
            )
        })
    };

    // Starts `lesson` (or free play) on a fresh world: how a lesson is picked and replayed.
    let restart = {
        let (stage, version, speed, serial, redraw) = (
            stage.clone(),
            version.clone(),
            speed.clone(),
            serial.clone(),
            redraw.clone(),
        );
        Rc::new(
            move |lesson: Option<&Lesson>, at: Option<usize>, protocol: Option<ProtocolVersion>| {
                let protocol = protocol.unwrap_or(*version);
                *serial.borrow_mut() += 1;
                let next = *serial.borrow();
                stage.set(Stage::start(
                    next,
                    lesson,
                    at,
                    protocol,
                    *speed,
                    redraw.clone(),
                ));
            },
        )
    };
    let lesson = stage.run.borrow().as_ref().map(|run| *run.lesson());
    // Another address (a link followed, Back or Forward) opens what it names.
    {
        let (restart, shown) = (
            restart.clone(),
            (lesson.map(|lesson| lesson.id), stage.opened_at),
        );
        use_effect_with(props.link.clone(), move |link| {
            if let Some(link) = link {
                let wanted = linked_lesson(link);
                if (
                    wanted.map(|lesson| lesson.id),
                    link.step.filter(|_| wanted.is_some()),
                ) != shown
                {
                    restart(wanted, link.step, None);
                }
            }
        });
    }
    let address = |lesson: &Lesson, step: Option<usize>| {
        Route::Lessons(LessonLink {
            lesson: Some(lesson.id.to_owned()),
            step,
        })
    };

    let pick = |chosen: &'static Lesson| {
        let (restart, go, current) = (restart.clone(), go.clone(), props.link.clone());
        Callback::from(move |_: MouseEvent| {
            let route = address(chosen, None);
            if current.as_ref().map(|link| Route::Lessons(link.clone())) == Some(route.clone()) {
                restart(Some(chosen), None, None);
            } else {
                go.push(&route);
            }
        })
    };
    let replay = {
        let (restart, go) = (restart.clone(), go.clone());
        Callback::from(move |_: MouseEvent| {
            restart(lesson.as_ref(), None, None);
            if let Some(lesson) = &lesson {
                go.replace(&address(lesson, None));
            }
        })
    };
    let stop = {
        let stage = stage.clone();
        let redraw = redraw.clone();
        Callback::from(move |_: MouseEvent| {
            stage.stopped.set(true);
            redraw.force_update();
        })
    };
    let on_version = {
        let (restart, version) = (restart.clone(), version.clone());
        Callback::from(move |chosen: ProtocolVersion| {
            version.set(chosen);
            restart(lesson.as_ref(), None, Some(chosen));
        })
    };
    let on_speed = {
        let (stage, speed) = (stage.clone(), speed.clone());
        Callback::from(move |event: Event| {
            let factor: f64 = event
                .target_unchecked_into::<HtmlSelectElement>()
                .value()
                .parse()
                .unwrap_or(1.0);
            speed.set(factor);
            stage.driver.set_speed(factor);
        })
    };

    let clients: Vec<(ClientTag, String)> = ClientTag::all()
        .zip(stage.actors)
        .map(|(tag, actor)| (tag, actor.name.to_owned()))
        .collect();
    let store = stage.store.borrow();
    let mut scene = layout(store.packets(), &clients, MAX_ROWS);
    scene.width = COMPACT_WIDTH;
    colour_messages(&mut scene, &store);
    mark_outcomes(&mut scene, &store);
    mark_deliveries(&mut scene, &delivery_rows(&store));
    let generation = store.generation();
    let run = stage.run.borrow();
    let current = run.as_ref().and_then(LessonRun::current_step);
    let finished = run.as_ref().is_some_and(LessonRun::is_finished);
    let stopped = stage.stopped.get();
    let verdict = lesson
        .filter(|_| finished)
        .map(|lesson| lesson.outcome.verify(&store));

    let status = match (&lesson, finished, stopped, current) {
        (None, ..) => String::new(),
        (Some(_), true, ..) => lang.text(Text::Finished).to_owned(),
        (Some(lesson), false, true, step) => lang.fill(
            Text::StoppedAtStep,
            &[&step.map_or(0, |s| s + 1), &lesson.steps.len()],
        ),
        (Some(lesson), false, false, step) => lang.fill(
            Text::StepOf,
            &[&step.map_or(0, |s| s + 1), &lesson.steps.len()],
        ),
    };

    html! {
        <section class="panel panel--wide lessons" id="lessons" aria-labelledby="lessons-title">
            <div class="lessons-head">
                <h2 id="lessons-title">{ lang.text(Text::LessonsTitle) }</h2>
                <div class="row lessons-settings">
                    <VersionSelect id="lesson-version" value={*version} on_change={on_version} />
                    <label for="lesson-speed">{ lang.text(Text::Speed) }</label>
                    <select id="lesson-speed" onchange={on_speed}>
                        { for SPEEDS.iter().map(|(factor, label)| html! {
                            <option value={factor.to_string()} selected={*factor == *speed}>{ *label }</option>
                        }) }
                    </select>
                </div>
            </div>
            <nav class="lesson-list" aria-label={lang.text(Text::Lessons)}>
                { for catalogue().iter().map(|item| {
                    let active = lesson.is_some_and(|lesson| lesson.id == item.id);
                    html! {
                        <button id={format!("lesson-{}", item.id)} class={classes!("lesson-pick", active.then_some("lesson-pick--active"))}
                                aria-pressed={active.to_string()} title={item.summary.get(lang)} onclick={pick(item)}>
                            { item.title.get(lang) }
                        </button>
                    }
                }) }
            </nav>
            <div class="lesson-stage">
                <div class="lesson-view">
                    <div class="lesson-diagram">
                        <SequenceDiagram id="lesson-diagram" {scene} />
                    </div>
                    <aside class="lesson-side" aria-label={lang.text(Text::Narration)}>
                        if let Some(lesson) = lesson {
                            <h3 id="lesson-title">{ lesson.title.get(lang) }</h3>
                            <p class="muted">{ lesson.summary.get(lang) }</p>
                            <div class="row">
                                <button id="lesson-replay" onclick={replay}>{ lang.text(Text::Replay) }</button>
                                <button id="lesson-stop" class="secondary" disabled={finished || stopped} onclick={stop}>{ lang.text(Text::Stop) }</button>
                                <span id="lesson-status" class="muted" aria-live="polite">{ status }</span>
                                <a id="lesson-link" href={address(&lesson, stopped.then_some(current).flatten()).href()}>{ lang.text(Text::LinkToLesson) }</a>
                            </div>
                            <ol id="lesson-narration" class="lesson-narration">
                                { for lesson.steps.iter().enumerate().map(|(index, step)| {
                                    let state = match current {
                                        Some(at) if index == at => "current",
                                        Some(at) if index < at => "done",
                                        _ => "next",
                                    };
                                    html! {
                                        <li data-step={index.to_string()} class={format!("lesson-step lesson-step--{state}")}
                                            aria-current={(state == "current").then_some("step")}>
                                            <p>{ step.narration.get(lang) }</p>
                                            <p class="lesson-rules mono">{ step.rules }</p>
                                        </li>
                                    }
                                }) }
                            </ol>
                            <div id="lesson-outcome" class="lesson-outcome"
                                 data-verified={verdict.as_ref().map(|verdict| verdict.is_ok().to_string())}>
                                <strong>{ lang.text(Text::ExpectedColon) }</strong>{ lesson.outcome.text.get(lang) }
                                { match &verdict {
                                    Some(Ok(())) => html! { <p class="lesson-verdict lesson-verdict--ok">{ lang.text(Text::SeenInTrace) }</p> },
                                    Some(Err(seen)) => html! { <p class="lesson-verdict lesson-verdict--fail">{ lang.fill(Text::NotSeen, &[seen]) }</p> },
                                    None => html! {},
                                } }
                            </div>
                        } else {
                            <h3 id="lesson-title">{ lang.text(Text::FreePlay) }</h3>
                            <p class="muted">{ lang.text(Text::PickALesson) }</p>
                        }
                    </aside>
                </div>
                <FaultPanel key={stage.serial} driver={stage.driver.clone()} actors={stage.actors} {generation} />
            </div>
        </section>
    }
}
