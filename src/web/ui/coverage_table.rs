//! Spec coverage after a broker check run: the figures per version, and every MUST statement
//! binding the server in a table filtered by version, status and text. The filtering is the
//! core's ([`CoverageFilter`]); this only draws it.

use std::rc::Rc;

use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use super::language_switch::use_lang;
use crate::check::{CoverageFilter, Report, StatementStatus};
use crate::i18n::{Lang, Text};

#[derive(Properties, PartialEq)]
pub struct CoverageTableProps {
    pub report: Rc<Report>,
}

fn status_text(status: StatementStatus) -> Text {
    match status {
        StatementStatus::Passed => Text::StatusPassed,
        StatementStatus::Failed => Text::StatusFailed,
        StatementStatus::NotExercised => Text::StatusNotExercised,
        StatementStatus::NotTestable => Text::StatusNotTestable,
        StatementStatus::NotCovered => Text::StatusNotCovered,
    }
}

/// The class a status is drawn with (the verdict colours of the results above).
fn status_class(status: StatementStatus) -> &'static str {
    match status {
        StatementStatus::Passed => "verdict verdict--pass",
        StatementStatus::Failed => "verdict verdict--fail",
        StatementStatus::NotExercised | StatementStatus::NotCovered => "verdict verdict--skipped",
        StatementStatus::NotTestable => "verdict verdict--warn",
    }
}

/// What the status cell says under the status: why, or which checks.
fn status_detail(lang: Lang, statement: &crate::check::StatementCoverage) -> Option<String> {
    match statement.status {
        StatementStatus::Failed => {
            Some(lang.fill(Text::FailedBy, &[&statement.failed_by.join(", ")]))
        }
        StatementStatus::NotTestable => statement.reason.clone(),
        StatementStatus::Passed | StatementStatus::NotExercised => {
            Some(lang.fill(Text::ExercisedBy, &[&statement.checks.join(", ")]))
        }
        StatementStatus::NotCovered => None,
    }
}

#[function_component(CoverageTable)]
pub fn coverage_table(props: &CoverageTableProps) -> Html {
    let lang = use_lang();
    let filter = use_state(CoverageFilter::default);
    let coverage = &props.report.coverage;
    let shown = filter.apply(coverage);
    let total: usize = coverage.iter().map(|version| version.total).sum();
    let on_version = {
        let filter = filter.clone();
        Callback::from(move |event: Event| {
            let value = event.target_unchecked_into::<HtmlSelectElement>().value();
            filter.set(CoverageFilter {
                version: (!value.is_empty()).then_some(value),
                ..(*filter).clone()
            });
        })
    };
    let on_status = {
        let filter = filter.clone();
        Callback::from(move |event: Event| {
            let index = event
                .target_unchecked_into::<HtmlSelectElement>()
                .selected_index();
            let status = usize::try_from(index - 1)
                .ok()
                .and_then(|i| StatementStatus::ALL.get(i).copied());
            filter.set(CoverageFilter {
                status,
                ..(*filter).clone()
            });
        })
    };
    let on_search = {
        let filter = filter.clone();
        Callback::from(move |event: InputEvent| {
            let search = event.target_unchecked_into::<HtmlInputElement>().value();
            filter.set(CoverageFilter {
                search,
                ..(*filter).clone()
            });
        })
    };
    html! {
        <section class="coverage" id="check-coverage" aria-labelledby="coverage-title">
            <h3 id="coverage-title">{ lang.text(Text::SpecCoverage) }</h3>
            <p class="muted">{ lang.text(Text::CoverageIntro) }</p>
            <ul class="coverage-figures" id="coverage-figures">
                { for coverage.iter().map(|v| html! {
                    <li data-version={v.version.clone()}>{ lang.fill(Text::CoverageFigures, &[&v.version, &v.total, &v.exercised, &v.passed, &v.failed, &v.not_exercised, &v.not_testable, &v.not_covered]) }</li>
                }) }
            </ul>
            <div class="row coverage-filters">
                <label for="coverage-version">{ lang.text(Text::CoverageVersion) }</label>
                <select id="coverage-version" onchange={on_version}>
                    <option value="" selected={filter.version.is_none()}>{ lang.text(Text::AllVersions) }</option>
                    { for coverage.iter().map(|v| html! {
                        <option value={v.version.clone()} selected={filter.version.as_deref() == Some(v.version.as_str())}>{ format!("MQTT {}", v.version) }</option>
                    }) }
                </select>
                <label for="coverage-status">{ lang.text(Text::Status) }</label>
                <select id="coverage-status" onchange={on_status}>
                    <option selected={filter.status.is_none()}>{ lang.text(Text::AllStatuses) }</option>
                    { for StatementStatus::ALL.iter().map(|status| html! {
                        <option value={status.as_str()} selected={filter.status == Some(*status)}>{ lang.text(status_text(*status)) }</option>
                    }) }
                </select>
                <label for="coverage-search">{ lang.text(Text::SearchStatements) }</label>
                <input id="coverage-search" type="search" value={filter.search.clone()} oninput={on_search}
                    placeholder={lang.text(Text::SearchStatementsPlaceholder)} />
            </div>
            <p class="muted" id="coverage-count" aria-live="polite">{ lang.fill(Text::StatementsShown, &[&shown.len(), &total]) }</p>
            <div class="table-scroll" tabindex="0" role="region" aria-labelledby="coverage-title coverage-count">
                <table class="coverage-table" id="coverage-table">
                    <thead><tr>
                        <th scope="col">{ lang.text(Text::CoverageVersion) }</th>
                        <th scope="col">{ lang.text(Text::StatementId) }</th>
                        <th scope="col">{ lang.text(Text::Section) }</th>
                        <th scope="col">{ lang.text(Text::StatementText) }</th>
                        <th scope="col">{ lang.text(Text::Status) }</th>
                    </tr></thead>
                    <tbody>
                        { for shown.iter().map(|(version, statement)| html! {
                            <tr data-status={statement.status.as_str()}>
                                <td>{ *version }</td>
                                <td class="coverage-id">{ statement.id.clone() }</td>
                                <td>{ statement.section.clone() }</td>
                                <td lang="en">{ statement.text.clone() }</td>
                                <td>
                                    <span class={status_class(statement.status)}>{ lang.text(status_text(statement.status)) }</span>
                                    { status_detail(lang, statement).map(|detail| html! { <div class="muted coverage-detail">{ detail }</div> }).unwrap_or_default() }
                                </td>
                            </tr>
                        }) }
                    </tbody>
                </table>
            </div>
        </section>
    }
}
