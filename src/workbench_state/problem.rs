//! What the page could not do, kept as data so it is worded in whichever language is shown.

use std::fmt::Display;

use crate::i18n::{Lang, Text};

/// Something asked for that did not happen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// `what` failed, and why (a command the session refused, a file that is not a trace).
    Failed {
        /// What was asked for.
        what: Text,
        /// Why it failed, as the refusing side put it.
        why: String,
    },
    /// `what` needs a client that has connected.
    NotConnected(Text),
    /// A failure its text says all about.
    Said(Text),
    /// A form that does not make a valid request, already worded when it was checked.
    Worded(String),
}

impl Problem {
    /// What to tell about a command run on a client's session (`None` when there was no
    /// session to run it on): nothing when the session took it.
    pub fn of_command<T, E: Display>(what: Text, result: Option<Result<T, E>>) -> Option<Problem> {
        match result {
            Some(Ok(_)) => None,
            Some(Err(error)) => Some(Problem::Failed {
                what,
                why: error.to_string(),
            }),
            None => Some(Problem::NotConnected(what)),
        }
    }

    /// The problem in `lang`, as plain text.
    pub fn text(&self, lang: Lang) -> String {
        match self {
            Problem::Failed { what, why } => lang.fill(Text::ErrorIn, &[&lang.text(*what), why]),
            Problem::NotConnected(what) => lang.fill(Text::ConnectFirst, &[&lang.text(*what)]),
            Problem::Said(text) => lang.text(*text).to_owned(),
            Problem::Worded(text) => text.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::CommandError;

    #[test]
    fn a_refused_command_names_the_command_and_the_reason_in_both_languages() {
        let refused: Option<Result<(), _>> = Some(Err(CommandError::RetainNotSupported));
        let problem = Problem::of_command(Text::Publish, refused).unwrap();
        assert_eq!(
            problem.text(Lang::En),
            "Publish: the server does not support retained messages [v5 MQTT-3.2.2-14]"
        );
        assert!(problem
            .text(Lang::Zh)
            .starts_with(Lang::Zh.text(Text::Publish)));
        assert!(problem.text(Lang::Zh).contains("[v5 MQTT-3.2.2-14]"));
    }

    #[test]
    fn a_taken_command_has_no_problem_and_a_missing_session_asks_to_connect() {
        assert_eq!(
            Problem::of_command::<(), CommandError>(Text::Subscribe, Some(Ok(()))),
            None
        );
        let missing = Problem::of_command::<(), CommandError>(Text::Subscribe, None).unwrap();
        assert_eq!(
            missing.text(Lang::En),
            "Subscribe: connect the client first"
        );
    }
}
