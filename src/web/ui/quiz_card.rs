//! "What happens next?": one step's questions, asked one at a time as a radio group (arrow keys
//! move between choices, Enter answers), each answer checked at once against what the trace
//! will show. The questions and their answers come from the core ([`StepQuiz`]); this card only
//! asks them and reports each answer and when the learner wants the step to run.

use wasm_bindgen::JsCast;
use yew::prelude::*;

use super::language_switch::use_lang;
use crate::i18n::{Lang, Text};
use crate::lesson::{Actor, Answer, StepQuiz, Subject};
use crate::trace::Direction;

#[derive(Properties, PartialEq)]
pub struct QuizCardProps {
    /// The step's questions.
    pub quiz: StepQuiz,
    /// The lesson's clients, for the senders' names.
    pub actors: &'static [Actor],
    /// How many steps the lesson has.
    pub steps: usize,
    /// Called with whether each answer was right.
    pub on_answer: Callback<bool>,
    /// Called when every question is answered and the learner runs the step.
    pub on_run: Callback<()>,
}

/// The question's wording.
fn asks(lang: Lang, subject: Subject) -> &'static str {
    lang.text(match subject {
        Subject::Packet => Text::QuizWhichPacket,
        Subject::Sender => Text::QuizWhoSends,
        Subject::Dup => Text::QuizDup,
        Subject::PacketId => Text::QuizPacketId,
        Subject::Delivered => Text::QuizDelivered,
    })
}

/// An answer's wording: packet names, flags and ids as the spec writes them.
fn label(lang: Lang, actors: &[Actor], answer: Answer) -> String {
    let name = |client: usize| actors.get(client).map_or("?", |actor| actor.name);
    match answer {
        Answer::Packet(Some(kind)) => kind.name().to_owned(),
        Answer::Packet(None) => lang.text(Text::QuizNoPacket).to_owned(),
        Answer::Sender(client, Direction::Outgoing) => {
            lang.fill(Text::QuizClientSends, &[&name(client)])
        }
        Answer::Sender(client, Direction::Incoming) => {
            lang.fill(Text::QuizBrokerSends, &[&name(client)])
        }
        Answer::Dup(dup) => format!("DUP {}", u8::from(dup)),
        Answer::PacketId(Some(id)) => id.to_string(),
        Answer::PacketId(None) => lang.text(Text::QuizNoPacketId).to_owned(),
        Answer::Delivered(true) => lang.text(Text::Yes).to_owned(),
        Answer::Delivered(false) => lang.text(Text::No).to_owned(),
    }
}

#[function_component(QuizCard)]
pub fn quiz_card(props: &QuizCardProps) -> Html {
    let lang = use_lang();
    // The learner's answer to each question asked so far, and the choice being made.
    let answered = use_state(Vec::<Answer>::new);
    let chosen = use_state(|| None::<usize>);
    let questions = &props.quiz.questions;
    let current = questions.get(answered.len());
    // Keyboard users stay in the quiz: each new question (then the run button) takes the focus.
    let card = use_node_ref();
    {
        let card = card.clone();
        use_effect_with(answered.len(), move |_| {
            let target = card
                .cast::<web_sys::Element>()
                .and_then(|card| card.query_selector("input, #quiz-run").ok().flatten())
                .and_then(|target| target.dyn_into::<web_sys::HtmlElement>().ok());
            if let Some(target) = target {
                let _ = target.focus();
            }
        });
    }

    let onsubmit = {
        let (answered, chosen) = (answered.clone(), chosen.clone());
        let on_answer = props.on_answer.clone();
        let question = current.cloned();
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            let (Some(question), Some(index)) = (&question, *chosen) else {
                return;
            };
            let answer = question.choices[index];
            on_answer.emit(question.is_right(answer));
            let mut next = (*answered).clone();
            next.push(answer);
            answered.set(next);
            chosen.set(None);
        })
    };
    let run = {
        let on_run = props.on_run.clone();
        Callback::from(move |_: MouseEvent| on_run.emit(()))
    };

    let step = props.quiz.step;
    html! {
        <section id="lesson-quiz" class="quiz" aria-labelledby="quiz-title" ref={card}>
            <h4 id="quiz-title">{ lang.text(Text::QuizTitle) }</h4>
            <p class="muted">{ lang.fill(Text::QuizBeforeStep, &[&(step + 1), &props.steps]) }</p>
            <ol class="quiz-answered" aria-live="polite">
                { for answered.iter().zip(questions).map(|(answer, question)| {
                    let right = question.is_right(*answer);
                    html! {
                        <li class={classes!("quiz-result", if right { "quiz-result--right" } else { "quiz-result--wrong" })}
                            data-right={right.to_string()}>
                            <span>{ asks(lang, question.subject) }</span>{" "}
                            <strong>{ label(lang, props.actors, *answer) }</strong>{" "}
                            <span class="quiz-verdict">{
                                if right {
                                    lang.text(Text::QuizRight).to_owned()
                                } else {
                                    lang.fill(Text::QuizWrong, &[&label(lang, props.actors, question.correct)])
                                }
                            }</span>
                        </li>
                    }
                }) }
            </ol>
            if let Some(question) = current {
                <form class="quiz-question" {onsubmit}>
                    <fieldset>
                        <legend>{ asks(lang, question.subject) }</legend>
                        <div class="quiz-choices">
                            { for question.choices.iter().enumerate().map(|(index, answer)| {
                                let id = format!("quiz-{step}-{}-{index}", answered.len());
                                let onchange = {
                                    let chosen = chosen.clone();
                                    Callback::from(move |_: Event| chosen.set(Some(index)))
                                };
                                html! {
                                    <label class="quiz-choice" for={id.clone()}>
                                        <input type="radio" {id} name={format!("quiz-{step}-{}", answered.len())}
                                               checked={*chosen == Some(index)} {onchange} />
                                        <span>{ label(lang, props.actors, *answer) }</span>
                                    </label>
                                }
                            }) }
                        </div>
                    </fieldset>
                    <button id="quiz-answer" type="submit" disabled={chosen.is_none()}>{ lang.text(Text::QuizAnswer) }</button>
                </form>
            } else {
                <button id="quiz-run" onclick={run}>{ lang.text(Text::QuizRunStep) }</button>
            }
        </section>
    }
}
