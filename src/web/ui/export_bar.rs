//! The export bar: the trace as JSON, the diagram as SVG or Mermaid text, a trace opened from a
//! file to replay (and back to the live one), and why the last of these failed.

use std::rc::Rc;

use yew::prelude::*;

use super::language_switch::use_lang;
use super::workbench_reducer::PanelAction;
use crate::i18n::Text;
use crate::trace::TraceFile;
use crate::workbench_state::{Action, Problem, Replay};

/// What to export.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Export {
    Trace,
    Svg,
    Mermaid,
}

#[derive(Properties, PartialEq)]
pub struct ExportBarProps {
    /// A trace from a file is shown.
    pub replaying: bool,
    pub problem: Option<Problem>,
    pub on_export: Callback<Export>,
    pub dispatch: Callback<PanelAction>,
}

/// Reads a chosen trace file and shows it, or says why it cannot be.
fn import(dispatch: Callback<PanelAction>) -> Callback<Event> {
    Callback::from(move |event: Event| {
        let input = event.target_unchecked_into::<web_sys::HtmlInputElement>();
        let Some(file) = input.files().and_then(|files| files.get(0)) else {
            return;
        };
        input.set_value("");
        let dispatch = dispatch.clone();
        wasm_bindgen_futures::spawn_local(async move {
            let text = wasm_bindgen_futures::JsFuture::from(file.text()).await;
            let action = match text.ok().and_then(|text| text.as_string()) {
                None => Action::FileDone(Some(Problem::Said(Text::FileUnreadable))),
                Some(text) => match TraceFile::from_json(&text) {
                    Ok(file) => Action::Replay(Rc::new(Replay {
                        store: file.to_store(),
                        clients: file.client_names(),
                    })),
                    Err(why) => Action::FileDone(Some(Problem::Failed {
                        what: Text::Import,
                        why,
                    })),
                },
            };
            dispatch.emit(PanelAction::State(action));
        });
    })
}

#[function_component(ExportBar)]
pub fn export_bar(props: &ExportBarProps) -> Html {
    let lang = use_lang();
    let export = |what: Export| props.on_export.reform(move |_: MouseEvent| what);
    let back_to_live = props
        .dispatch
        .reform(|_: MouseEvent| PanelAction::State(Action::BackToLive));
    html! {
        <>
        <div class="row toolbar" role="toolbar" aria-label={lang.text(Text::ExportAndImport)}>
            <button type="button" class="secondary" id="export-trace" onclick={export(Export::Trace)}>{ lang.text(Text::ExportTrace) }</button>
            <button type="button" class="secondary" id="export-svg" onclick={export(Export::Svg)}>{ lang.text(Text::ExportSvg) }</button>
            <button type="button" class="secondary" id="export-mermaid" onclick={export(Export::Mermaid)}>{ lang.text(Text::ExportMermaid) }</button>
            <label class="file-button secondary" for="import-trace">{ lang.text(Text::ImportTrace) }</label>
            <input id="import-trace" class="visually-hidden" type="file" accept=".json,application/json" onchange={import(props.dispatch.clone())} />
            if props.replaying {
                <span class="replay-badge" id="replay-badge">{ lang.text(Text::ShowingImported) }</span>
                <button type="button" id="back-to-live" onclick={back_to_live}>{ lang.text(Text::BackToLive) }</button>
            }
        </div>
        if let Some(problem) = &props.problem {
            <p class="error" role="alert">{ problem.text(lang) }</p>
        }
        </>
    }
}
