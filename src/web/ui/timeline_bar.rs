//! The timeline bar: pause on a packet or follow the newest, step, scrub, and the row spacing.

use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use super::language_switch::use_lang;
use super::workbench_reducer::PanelAction;
use crate::i18n::Text;
use crate::workbench_state::{ms_per_row, spacing_of, Action, Timeline, Window};

#[derive(Properties, PartialEq)]
pub struct TimelineBarProps {
    pub timeline: Timeline,
    /// The packets the store keeps, and how many left it.
    pub window: Window,
    /// One past the last packet drawn, counted from the oldest kept.
    pub shown_end: usize,
    pub dispatch: Callback<PanelAction>,
}

/// The row spacings offered, in ms per row (0: one row per packet).
const SPACINGS: [(u64, Text); 3] = [
    (0, Text::RowPerPacket),
    (100, Text::RowEvery100Ms),
    (1000, Text::RowEverySecond),
];

#[function_component(TimelineBar)]
pub fn timeline_bar(props: &TimelineBarProps) -> Html {
    let lang = use_lang();
    let (window, total, shown_end) = (props.window, props.window.kept, props.shown_end);
    let move_to = move |end: usize| PanelAction::State(Action::ShowUpTo { end, window });
    let toggle_pause = {
        let paused = props.timeline.is_paused();
        props.dispatch.reform(move |_: MouseEvent| match paused {
            true => PanelAction::State(Action::Follow),
            false => move_to(total),
        })
    };
    let step = |delta: isize| {
        props
            .dispatch
            .reform(move |_: MouseEvent| move_to(shown_end.saturating_add_signed(delta)))
    };
    let scrub = props.dispatch.reform(move |event: InputEvent| {
        let value = event.target_unchecked_into::<HtmlInputElement>().value();
        move_to(value.parse().unwrap_or(total))
    });
    let on_spacing = props.dispatch.reform(|event: Event| {
        let value = event.target_unchecked_into::<HtmlSelectElement>().value();
        PanelAction::State(Action::Spacing(spacing_of(value.parse().unwrap_or(0))))
    });
    let spacing = ms_per_row(props.timeline.spacing);
    let paused = props.timeline.is_paused();
    html! {
        <div class="row timeline" role="group" aria-label={lang.text(Text::Timeline)}>
            <button type="button" id="timeline-pause" class="secondary" aria-pressed={paused.to_string()} onclick={toggle_pause}>
                { lang.text(if paused { Text::FollowLive } else { Text::Pause }) }
            </button>
            <button type="button" id="timeline-back" class="secondary" aria-label={lang.text(Text::StepBack)} onclick={step(-1)} disabled={shown_end <= 1}>{ "◀" }</button>
            <button type="button" id="timeline-forward" class="secondary" aria-label={lang.text(Text::StepForward)} onclick={step(1)} disabled={shown_end >= total}>{ "▶" }</button>
            <label for="timeline-scrub" class="visually-hidden">{ lang.text(Text::Scrub) }</label>
            <input id="timeline-scrub" type="range" min="1" max={total.max(1).to_string()} value={shown_end.to_string()} oninput={scrub} />
            <span class="muted mono" id="timeline-position">{ format!("{shown_end} / {total}") }</span>
            <label for="timeline-spacing">{ lang.text(Text::Rows) }</label>
            <select id="timeline-spacing" onchange={on_spacing}>
                { for SPACINGS.iter().map(|(ms, text)| html! {
                    <option value={ms.to_string()} selected={spacing == *ms}>{ lang.text(*text) }</option>
                }) }
            </select>
        </div>
    }
}
