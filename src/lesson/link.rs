//! A link to a lesson, as a teacher shares it: `?lesson=<id>` opens the lesson and `&quiz=1`
//! opens it in "what happens next?" mode. Read here, in one function, so that whatever carries
//! the parameters (a query string today, a route tomorrow) maps onto the same meaning.

use thiserror::Error;

use super::catalogue::find;
use super::script::Lesson;

/// A lesson to open, and in which mode.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LessonLink {
    /// The lesson.
    pub lesson: Lesson,
    /// Whether it asks "what happens next?" before each step.
    pub asks: bool,
}

/// Why a link's parameters name no lesson.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum LinkError {
    /// No lesson has this id.
    #[error("no lesson is called \"{0}\"; the lesson list names every lesson")]
    UnknownLesson(String),
    /// `quiz` is neither 1 nor 0.
    #[error("quiz={0} means nothing: use quiz=1 to ask before each step, or leave it out")]
    BadQuiz(String),
}

impl LessonLink {
    /// The lesson the `lesson` and `quiz` parameters name: `Ok(None)` without `lesson`.
    pub fn from_params(
        lesson: Option<&str>,
        quiz: Option<&str>,
    ) -> Result<Option<Self>, LinkError> {
        let Some(id) = lesson else {
            return Ok(None);
        };
        let lesson = find(id).ok_or_else(|| LinkError::UnknownLesson(id.to_owned()))?;
        let asks = match quiz {
            None | Some("0") => false,
            Some("1") => true,
            Some(other) => return Err(LinkError::BadQuiz(other.to_owned())),
        };
        Ok(Some(LessonLink {
            lesson: *lesson,
            asks,
        }))
    }

    /// The query string that opens it.
    pub fn query(&self) -> String {
        let quiz = if self.asks { "&quiz=1" } else { "" };
        format!("?lesson={}{quiz}", self.lesson.id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_link_reads_back_as_itself_and_bad_parameters_are_named() {
        for lesson in crate::lesson::catalogue() {
            for asks in [false, true] {
                let link = LessonLink {
                    lesson: *lesson,
                    asks,
                };
                let query = link.query();
                let params: Vec<(&str, &str)> = query
                    .trim_start_matches('?')
                    .split('&')
                    .filter_map(|pair| pair.split_once('='))
                    .collect();
                let get = |name| params.iter().find(|(key, _)| *key == name).map(|(_, v)| *v);
                assert_eq!(
                    LessonLink::from_params(get("lesson"), get("quiz")),
                    Ok(Some(link))
                );
            }
        }
        assert_eq!(LessonLink::from_params(None, Some("1")), Ok(None));
        assert_eq!(
            LessonLink::from_params(Some("qos3"), None),
            Err(LinkError::UnknownLesson("qos3".into()))
        );
        assert_eq!(
            LessonLink::from_params(Some("retained"), Some("yes")),
            Err(LinkError::BadQuiz("yes".into()))
        );
    }
}
