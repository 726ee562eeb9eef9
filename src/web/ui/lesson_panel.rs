//! The lessons: pick one and watch it run on its own simulated world, step by step, with each
//! step narrated next to the diagram and the rule it shows. Replay starts it again from a fresh
//! world; the fault panel below breaks the same world freely. In "what happens next?" mode the
//! world stops before each step while the learner answers (see `lesson_stage`).

use std::rc::Rc;

use web_sys::HtmlSelectElement;
use yew::prelude::*;

use super::fault_panel::FaultPanel;
use super::language_switch::use_lang;
use super::lesson_stage::{load_scores, save_scores, Stage};
use super::quiz_card::QuizCard;
use super::routing::use_go;
use super::sequence_diagram::SequenceDiagram;
use super::version_select::VersionSelect;
use crate::codec::ProtocolVersion;
use crate::diagram::{trace_scene, View, COMPACT_WIDTH};
use crate::i18n::{Lang, Text};
use crate::lesson::{catalogue, Lesson, LessonRun};
use crate::route::{LessonLink, LinkError, Route};
use crate::trace::{delivery_rows, ClientTag};

/// Speed factors offered; 1× is the watchable default, the fast ones are for a quick look.
const SPEEDS: [(f64, &str); 6] = [
    (0.25, "¼×"),
    (0.5, "½×"),
    (1.0, "1×"),
    (2.0, "2×"),
    (4.0, "4×"),
    (10.0, "10×"),
];

/// Rows of the diagram: a whole lesson fits.
const MAX_ROWS: usize = 40;

/// The words for a link that names no lesson.
fn link_problem(lang: Lang, error: &LinkError) -> String {
    match error {
        LinkError::UnknownLesson(id) => lang.fill(Text::LinkUnknownLesson, &[id]),
        LinkError::BadQuiz(value) => lang.fill(Text::LinkBadQuiz, &[value]),
    }
}

#[derive(Properties, PartialEq)]
pub struct LessonPanelProps {
    /// The lesson (and step) the address opens, while the lessons view is shown.
    pub link: Option<LessonLink>,
}

/// The lesson `link` names, if it is one of ours and the link is well formed.
fn linked_lesson(link: &LessonLink) -> Option<&'static Lesson> {
    link.lesson().ok().flatten()
}

#[function_component(LessonPanel)]
pub fn lesson_panel(props: &LessonPanelProps) -> Html {
    let lang = use_lang();
    let go = use_go();
    let redraw = use_force_update();
    let version = use_state(|| ProtocolVersion::V5);
    let speed = use_state(|| 1.0_f64);
    let serial = use_mut_ref(|| 0u32);
    let scores = use_mut_ref(load_scores);
    // The address opens a lesson, or one of its steps, and `?quiz=1` in "what happens next?"
    // mode: a lesson can be shared as a link, and a teacher can link straight to the questions.
    let asks = use_state(|| props.link.as_ref().is_some_and(|link| link.asks));
    let stage = {
        let redraw = redraw.clone();
        let link = props.link.clone().unwrap_or_default();
        let asks = *asks;
        use_state(move || {
            Stage::start(
                0,
                linked_lesson(&link),
                link.step,
                ProtocolVersion::V5,
                asks,
                1.0,
                redraw,
            )
        })
    };

    // Starts `lesson` (or free play) on a fresh world: how a lesson is picked and replayed.
    let restart = {
        let (stage, version, speed, serial, redraw, asks) = (
            stage.clone(),
            version.clone(),
            speed.clone(),
            serial.clone(),
            redraw.clone(),
            asks.clone(),
        );
        Rc::new(
            move |lesson: Option<&Lesson>,
                  at: Option<usize>,
                  protocol: Option<ProtocolVersion>,
                  asking: Option<bool>| {
                let protocol = protocol.unwrap_or(*version);
                let asking = asking.unwrap_or(*asks);
                asks.set(asking);
                *serial.borrow_mut() += 1;
                let next = *serial.borrow();
                stage.set(Stage::start(
                    next,
                    lesson,
                    at,
                    protocol,
                    asking,
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
            (lesson.map(|lesson| lesson.id), stage.opened_at, *asks),
        );
        use_effect_with(props.link.clone(), move |link| {
            if let Some(link) = link {
                let wanted = linked_lesson(link);
                if (
                    wanted.map(|lesson| lesson.id),
                    link.step.filter(|_| wanted.is_some()),
                    link.asks,
                ) != shown
                {
                    restart(wanted, link.step, None, Some(link.asks));
                }
            }
        });
    }
    let address = |lesson: &Lesson, step: Option<usize>, asks: bool| {
        Route::Lessons(LessonLink {
            step,
            ..LessonLink::to(lesson, asks)
        })
    };

    let pick = |chosen: &'static Lesson| {
        let (restart, go, current, asking) =
            (restart.clone(), go.clone(), props.link.clone(), *asks);
        Callback::from(move |_: MouseEvent| {
            let route = address(chosen, None, asking);
            if current.as_ref().map(|link| Route::Lessons(link.clone())) == Some(route.clone()) {
                restart(Some(chosen), None, None, None);
            } else {
                go.push(&route);
            }
        })
    };
    let replay = {
        let (restart, go, asking) = (restart.clone(), go.clone(), *asks);
        Callback::from(move |_: MouseEvent| {
            restart(lesson.as_ref(), None, None, None);
            if let Some(lesson) = &lesson {
                go.replace(&address(lesson, None, asking));
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
            restart(lesson.as_ref(), None, Some(chosen), None);
        })
    };
    let on_asks = {
        let (restart, go) = (restart.clone(), go.clone());
        Callback::from(move |event: Event| {
            let asking = event
                .target_unchecked_into::<web_sys::HtmlInputElement>()
                .checked();
            restart(lesson.as_ref(), None, None, Some(asking));
            if let Some(lesson) = &lesson {
                go.replace(&address(lesson, None, asking));
            }
        })
    };
    let on_answer = {
        let (stage, scores) = (stage.clone(), scores.clone());
        Callback::from(move |right: bool| {
            let tally = stage.tally.get().with(right);
            stage.tally.set(tally);
            if let Some(lesson) = stage.run.borrow().as_ref().map(LessonRun::lesson) {
                let mut scores = scores.borrow_mut();
                scores.record(lesson.id, tally, false);
                save_scores(&scores);
            }
            stage.redraw.force_update();
        })
    };
    let on_run = {
        let stage = stage.clone();
        Callback::from(move |()| stage.run_step())
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
    let mut scene = trace_scene(
        &store,
        &clients,
        View::newest(MAX_ROWS),
        &delivery_rows(&store),
    );
    scene.width = COMPACT_WIDTH;
    let generation = store.generation();
    let run = stage.run.borrow();
    let current = run.as_ref().and_then(LessonRun::current_step);
    let finished = run.as_ref().is_some_and(LessonRun::is_finished);
    let stopped = stage.stopped.get();
    let verdict = lesson
        .filter(|_| finished)
        .map(|lesson| lesson.outcome.verify(&store));

    // A finished attempt at the questions counts for the lesson's best score.
    {
        let (scores, stage) = (scores.clone(), stage.clone());
        use_effect_with((stage.serial, finished), move |(_, finished)| {
            let tally = stage.tally.get();
            let lesson = stage.run.borrow().as_ref().map(|run| run.lesson().id);
            if let (true, Some(lesson)) = (*finished && tally.asked > 0, lesson) {
                let mut scores = scores.borrow_mut();
                scores.record(lesson, tally, true);
                save_scores(&scores);
            }
        });
    }
    let quiz = stage.quiz.borrow().clone();
    let tally = stage.tally.get();
    let saved = stage.previous;
    let problem = props
        .link
        .as_ref()
        .and_then(|link| link.lesson().err())
        .map(|error| link_problem(lang, &error));

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
                    <label class="check" for="lesson-quiz-mode">
                        <input type="checkbox" id="lesson-quiz-mode" checked={*asks} onchange={on_asks} />
                        { lang.text(Text::QuizMode) }
                    </label>
                    <VersionSelect id="lesson-version" value={*version} on_change={on_version} />
                    <label for="lesson-speed">{ lang.text(Text::Speed) }</label>
                    <select id="lesson-speed" onchange={on_speed}>
                        { for SPEEDS.iter().map(|(factor, label)| html! {
                            <option value={factor.to_string()} selected={*factor == *speed}>{ *label }</option>
                        }) }
                    </select>
                </div>
            </div>
            if let Some(problem) = problem {
                <p id="lesson-link-problem" class="error" role="alert">{ problem }</p>
            }
            <nav class="lesson-list" aria-label={lang.text(Text::Lessons)}>
                { for catalogue().iter().map(|item| {
                    let active = lesson.is_some_and(|lesson| lesson.id == item.id);
                    html! {
                        <button id={format!("lesson-{}", item.id)} class={classes!("lesson-pick", active.then_some("lesson-pick--active"))}
                                aria-pressed={active.to_string()} title={item.summary.get(lang)} onclick={pick(item)}>
                            { item.title.get(lang) }
                            if item.only_v5 {
                                <span class="lesson-badge">{ "5.0" }</span>
                            }
                        </button>
                    }
                }) }
            </nav>
            <div class="lesson-stage">
                <div class="lesson-view">
                    <div class="lesson-diagram diagram-scroll">
                        <SequenceDiagram id="lesson-diagram" {scene} />
                    </div>
                    <aside class="lesson-side" aria-label={lang.text(Text::Narration)}>
                        if let Some(lesson) = lesson {
                            <h3 id="lesson-title">{ lesson.title.get(lang) }</h3>
                            <p class="muted">
                                { lesson.summary.get(lang) }
                                if lesson.only_v5 {
                                    {" "}<span class="lesson-badge">{ lang.text(Text::OnlyV5) }</span>
                                }
                            </p>
                            <div class="row">
                                <button id="lesson-replay" onclick={replay}>{ lang.text(Text::Replay) }</button>
                                <button id="lesson-stop" class="secondary" disabled={finished || stopped} onclick={stop}>{ lang.text(Text::Stop) }</button>
                                <span id="lesson-status" class="muted" aria-live="polite">{ status }</span>
                                <a id="lesson-link" href={address(&lesson, stopped.then_some(current).flatten(), false).href()}>{ lang.text(Text::LinkToLesson) }</a>
                                <a id="lesson-quiz-link" href={address(&lesson, None, true).href()}>{ lang.text(Text::QuizLink) }</a>
                            </div>
                            if *asks || saved.is_some() {
                                <p id="quiz-score" class="quiz-score" data-right={tally.right.to_string()} data-asked={tally.asked.to_string()}>
                                    if *asks {
                                        <strong>{ lang.fill(Text::QuizScore, &[&tally.right, &tally.asked]) }</strong>
                                    }
                                    if let Some(saved) = saved {
                                        <span id="quiz-saved" class="muted" data-right={saved.last.right.to_string()} data-asked={saved.last.asked.to_string()}>
                                            { lang.fill(Text::QuizLastTime, &[&saved.last.right, &saved.last.asked]) }
                                            if let Some(best) = saved.best {
                                                { " · " }{ lang.fill(Text::QuizBest, &[&best.right, &best.asked]) }
                                            }
                                        </span>
                                    }
                                </p>
                            }
                            if let Some(quiz) = quiz {
                                <QuizCard key={format!("{}-{}", stage.serial, quiz.step)} quiz={quiz.clone()} actors={stage.actors}
                                          steps={lesson.steps.len()} on_answer={on_answer.clone()} on_run={on_run.clone()} />
                            }
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
