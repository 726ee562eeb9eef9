//! The page's views and their addresses. An address lives in the URL's fragment
//! (`#/lessons/retained-message/2`), so a view can be bookmarked and shared, back and forward
//! move between views, and the page works from any path of any static host. What an address
//! means, and how a view's state is written as one, is decided here and tested natively; the
//! page only carries it out. A check's address never holds credentials.

use crate::broker::{BrokerFault, BrokerFaults, BrokerProfile};
use crate::check::version_name;
use crate::codec::ProtocolVersion;
use crate::hex::{parse_hex, to_hex};
use crate::lesson::{find, Lesson};
use thiserror::Error;

/// One of the page's views, as the header's navigation lists them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum View {
    /// The live diagram of the page's two clients.
    Workbench,
    /// The narrated lessons.
    Lessons,
    /// The packet decoder.
    Decode,
    /// The broker probe.
    Probe,
    /// The broker check.
    Check,
}

impl View {
    /// Every view, in the navigation's order.
    pub const ALL: [View; 5] = [
        View::Workbench,
        View::Lessons,
        View::Decode,
        View::Probe,
        View::Check,
    ];

    /// The view's name in the page's ids and classes.
    pub fn name(self) -> &'static str {
        match self {
            View::Workbench => WORKBENCH,
            View::Lessons => LESSONS,
            View::Decode => DECODE,
            View::Probe => PROBE,
            View::Check => CHECK,
        }
    }

    /// The view's address with nothing chosen in it.
    pub fn home(self) -> Route {
        match self {
            View::Workbench => Route::Workbench,
            View::Lessons => Route::Lessons(LessonLink::default()),
            View::Decode => Route::Decode(DecodeLink::default()),
            View::Probe => Route::Probe,
            View::Check => Route::Check(CheckLink::default()),
        }
    }
}

/// Which lesson, which of its steps and in which mode a lessons address opens
/// (`#/lessons/<id>/<step>?quiz=1`), as a teacher shares it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LessonLink {
    /// The lesson's id; none is free play.
    pub lesson: Option<String>,
    /// The step to stop at, counted from 0 (the address counts from 1, as the page does).
    pub step: Option<usize>,
    /// Whether it asks "what happens next?" before each step (`quiz=1`).
    pub asks: bool,
    /// A `quiz` value that is neither 1 nor 0, kept so that the page can name it.
    pub bad_quiz: Option<String>,
}

/// Why a lessons address opens no lesson.
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
    /// A link to `lesson`, asking or not, at its start.
    pub fn to(lesson: &Lesson, asks: bool) -> LessonLink {
        LessonLink {
            lesson: Some(lesson.id.to_owned()),
            asks,
            ..LessonLink::default()
        }
    }

    /// The lesson the address names: `Ok(None)` for free play, an error naming what is wrong
    /// when the lesson is unknown or the `quiz` value means nothing.
    pub fn lesson(&self) -> Result<Option<&'static Lesson>, LinkError> {
        let lesson = match &self.lesson {
            None => None,
            Some(id) => Some(find(id).ok_or_else(|| LinkError::UnknownLesson(id.clone()))?),
        };
        match &self.bad_quiz {
            Some(value) => Err(LinkError::BadQuiz(value.clone())),
            None => Ok(lesson),
        }
    }
}

/// The lesson mode a `quiz` value asks for, or the value that means nothing.
fn quiz_mode(value: Option<&str>) -> Result<bool, String> {
    match value {
        None | Some("0") => Ok(false),
        Some("1") => Ok(true),
        Some(other) => Err(other.to_owned()),
    }
}

/// `link` with the mode its `quiz` value asks for.
fn with_quiz(link: LessonLink, quiz: Option<&str>) -> LessonLink {
    match quiz_mode(quiz) {
        Ok(asks) => LessonLink { asks, ..link },
        Err(bad) => LessonLink {
            bad_quiz: Some(bad),
            ..link
        },
    }
}

/// The decoder's input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeLink {
    /// The bytes as hex (`30 07 ..` once they parse, else as typed); the address writes them
    /// compactly.
    pub hex: String,
    /// The protocol version to decode with.
    pub version: ProtocolVersion,
}

impl Default for DecodeLink {
    /// A small PUBLISH, so the decoder shows something at once.
    fn default() -> DecodeLink {
        DecodeLink {
            hex: "32 09 00 03 61 2F 62 00 01 68 69".to_owned(),
            version: ProtocolVersion::V311,
        }
    }
}

/// What the broker check checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CheckTarget {
    /// The simulated broker, declaring one of [`BrokerProfile::ALL`] (by index), with faults.
    Simulated {
        /// Index into [`BrokerProfile::ALL`].
        profile: usize,
        /// Rules it breaks on purpose.
        faults: BrokerFaults,
    },
    /// A broker at a WebSocket URL (without user name or password).
    Broker(String),
}

/// The broker check's settings, as far as an address may carry them: no credentials.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckLink {
    /// What is checked.
    pub target: CheckTarget,
    /// The one version to check; none checks both.
    pub version: Option<ProtocolVersion>,
    /// The topic prefix; empty picks one per run.
    pub topic_root: String,
    /// Whether bursts and large payloads are part of the run.
    pub heavy: bool,
    /// Whether the negative tests (bad input the broker must refuse) run, when chosen; none
    /// leaves it to the target (`NegativeTests::for_target`).
    pub negative: Option<bool>,
}

impl Default for CheckLink {
    fn default() -> CheckLink {
        CheckLink {
            target: CheckTarget::Simulated {
                profile: 0,
                faults: BrokerFaults::default(),
            },
            version: None,
            topic_root: String::new(),
            heavy: true,
            negative: None,
        }
    }
}

/// A view and what it shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    /// The workbench.
    Workbench,
    /// A lesson, a step of one, or free play.
    Lessons(LessonLink),
    /// The decoder with its bytes.
    Decode(DecodeLink),
    /// The probe.
    Probe,
    /// The check with its settings.
    Check(CheckLink),
    /// A path no view has (the page says so and shows the workbench).
    Unknown(String),
}

const WORKBENCH: &str = "workbench";
const LESSONS: &str = "lessons";
const DECODE: &str = "decode";
const PROBE: &str = "probe";
const CHECK: &str = "check";
const SIMULATED: &str = "simulated";

impl Route {
    /// The route at `path` (`/lessons/retained-message/2`) with `query` (`?bytes=..`, the `?`
    /// optional). Unknown query keys are ignored; values that do not fit keep their default.
    pub fn parse(path: &str, query: &str) -> Route {
        let pairs: Vec<(String, String)> =
            form_urlencoded::parse(query.trim_start_matches('?').as_bytes())
                .into_owned()
                .collect();
        let get = |key: &str| {
            pairs
                .iter()
                .find(|(name, _)| name == key)
                .map(|(_, value)| value.as_str())
        };
        let segments: Vec<&str> = path.split('/').filter(|part| !part.is_empty()).collect();
        match segments.as_slice() {
            [] | [WORKBENCH] => Route::Workbench,
            [LESSONS] => Route::Lessons(with_quiz(LessonLink::default(), get("quiz"))),
            [LESSONS, lesson] => Route::Lessons(with_quiz(
                LessonLink {
                    lesson: Some((*lesson).to_owned()),
                    ..LessonLink::default()
                },
                get("quiz"),
            )),
            [LESSONS, lesson, step] => match step.parse::<usize>() {
                Ok(step @ 1..) => Route::Lessons(with_quiz(
                    LessonLink {
                        lesson: Some((*lesson).to_owned()),
                        step: Some(step - 1),
                        ..LessonLink::default()
                    },
                    get("quiz"),
                )),
                _ => Route::Unknown(path.to_owned()),
            },
            [DECODE] => {
                let default = DecodeLink::default();
                Route::Decode(DecodeLink {
                    hex: get("bytes").map_or(default.hex, |hex| {
                        parse_hex(hex).map_or_else(|_| hex.to_owned(), |bytes| to_hex(&bytes))
                    }),
                    version: get("version")
                        .and_then(version_named)
                        .unwrap_or(default.version),
                })
            }
            [PROBE] => Route::Probe,
            [CHECK] => Route::Check(check_link(get, &pairs)),
            _ => Route::Unknown(path.to_owned()),
        }
    }

    /// The view this route shows.
    pub fn view(&self) -> View {
        match self {
            Route::Workbench | Route::Unknown(_) => View::Workbench,
            Route::Lessons(_) => View::Lessons,
            Route::Decode(_) => View::Decode,
            Route::Probe => View::Probe,
            Route::Check(_) => View::Check,
        }
    }

    /// The address's path.
    pub fn path(&self) -> String {
        match self {
            Route::Workbench | Route::Unknown(_) => "/".to_owned(),
            Route::Lessons(link) => match (&link.lesson, link.step) {
                (None, _) => format!("/{LESSONS}"),
                (Some(lesson), None) => format!("/{LESSONS}/{lesson}"),
                (Some(lesson), Some(step)) => format!("/{LESSONS}/{lesson}/{}", step + 1),
            },
            Route::Decode(_) => format!("/{DECODE}"),
            Route::Probe => format!("/{PROBE}"),
            Route::Check(_) => format!("/{CHECK}"),
        }
    }

    /// The address's query as name-value pairs; settings at their default are left out, so
    /// addresses stay short.
    pub fn query(&self) -> Vec<(&'static str, String)> {
        let mut pairs = Vec::new();
        match self {
            Route::Decode(link) => {
                let hex = match parse_hex(&link.hex) {
                    Ok(bytes) => bytes.iter().map(|byte| format!("{byte:02x}")).collect(),
                    Err(_) => link.hex.clone(),
                };
                pairs.push(("bytes", hex));
                pairs.push(("version", version_name(link.version).to_owned()));
            }
            Route::Check(link) => {
                match &link.target {
                    CheckTarget::Simulated { profile, faults } => {
                        pairs.push(("target", SIMULATED.to_owned()));
                        if let Some(profile) =
                            BrokerProfile::ALL.get(*profile).filter(|_| *profile > 0)
                        {
                            pairs.push(("profile", profile.name.to_owned()));
                        }
                        for fault in BrokerFault::ALL.iter().filter(|fault| faults.has(**fault)) {
                            pairs.push(("fault", fault.name().to_owned()));
                        }
                    }
                    CheckTarget::Broker(url) => pairs.push(("target", without_credentials(url))),
                }
                if let Some(version) = link.version {
                    pairs.push(("version", version_name(version).to_owned()));
                }
                if !link.topic_root.is_empty() {
                    pairs.push(("topics", link.topic_root.clone()));
                }
                if !link.heavy {
                    pairs.push(("heavy", "0".to_owned()));
                }
                if let Some(negative) = link.negative {
                    pairs.push(("negative", if negative { "1" } else { "0" }.to_owned()));
                }
            }
            Route::Lessons(link) => {
                if link.asks {
                    pairs.push(("quiz", "1".to_owned()));
                } else if let Some(bad) = &link.bad_quiz {
                    pairs.push(("quiz", bad.clone()));
                }
            }
            Route::Workbench | Route::Probe | Route::Unknown(_) => {}
        }
        pairs
    }

    /// The query, encoded (`bytes=30..&version=5.0`); empty when there is none.
    pub fn query_string(&self) -> String {
        form_urlencoded::Serializer::new(String::new())
            .extend_pairs(self.query())
            .finish()
    }

    /// The address as a link's `href`: `#/path?query`.
    pub fn href(&self) -> String {
        match self.query_string() {
            query if query.is_empty() => format!("#{}", self.path()),
            query => format!("#{}?{query}", self.path()),
        }
    }
}

/// An old address (`?lesson=<id>&quiz=1`, from before views had addresses) and where it leads
/// now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LegacyRedirect {
    /// The route it opened.
    pub route: Route,
    /// The query string without what the route took over (`lesson` and `quiz`; `?broker=..`
    /// stays), `?` included
    /// when not empty.
    pub search: String,
}

/// Where an address whose query string is `search` leads, when it is an old lesson link.
pub fn legacy_redirect(search: &str) -> Option<LegacyRedirect> {
    let pairs: Vec<(String, String)> =
        form_urlencoded::parse(search.trim_start_matches('?').as_bytes())
            .into_owned()
            .collect();
    let get = |key: &str| {
        pairs
            .iter()
            .find(|(name, _)| name == key)
            .map(|(_, value)| value.as_str())
    };
    let lesson = get("lesson")?.to_owned();
    let link = with_quiz(
        LessonLink {
            lesson: Some(lesson),
            ..LessonLink::default()
        },
        get("quiz"),
    );
    let rest: Vec<&(String, String)> = pairs
        .iter()
        .filter(|(name, _)| name != "lesson" && name != "quiz")
        .collect();
    let search = match form_urlencoded::Serializer::new(String::new())
        .extend_pairs(rest)
        .finish()
    {
        rest if rest.is_empty() => rest,
        rest => format!("?{rest}"),
    };
    Some(LegacyRedirect {
        route: Route::Lessons(link),
        search,
    })
}

/// The check's settings from its address's query.
fn check_link<'a>(
    get: impl Fn(&str) -> Option<&'a str>,
    pairs: &'a [(String, String)],
) -> CheckLink {
    let default = CheckLink::default();
    let target = match get("target") {
        Some(url) if url != SIMULATED => CheckTarget::Broker(without_credentials(url)),
        _ => {
            let profile = get("profile")
                .and_then(|name| {
                    BrokerProfile::ALL
                        .iter()
                        .position(|profile| profile.name == name)
                })
                .unwrap_or(0);
            let mut faults = BrokerFaults::default();
            for (_, name) in pairs.iter().filter(|(key, _)| key == "fault") {
                if let Some(fault) = BrokerFault::ALL.iter().find(|fault| fault.name() == name) {
                    faults.set(*fault, true);
                }
            }
            CheckTarget::Simulated { profile, faults }
        }
    };
    CheckLink {
        target,
        version: get("version").and_then(version_named),
        topic_root: get("topics").unwrap_or_default().to_owned(),
        heavy: get("heavy").map_or(default.heavy, |heavy| heavy != "0"),
        negative: match get("negative") {
            Some("1") => Some(true),
            Some("0") => Some(false),
            _ => default.negative,
        },
    }
}

/// `url` without the user name and password it may carry (`ws://user:pw@host/` → `ws://host/`):
/// an address is shared, credentials are not.
pub fn without_credentials(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    match rest[..authority_end].rfind('@') {
        Some(at) => format!("{scheme}://{}", &rest[at + 1..]),
        None => url.to_owned(),
    }
}

/// The version an address names as [`version_name`] writes it.
pub fn version_named(name: &str) -> Option<ProtocolVersion> {
    match name {
        "3.1.1" => Some(ProtocolVersion::V311),
        "5.0" | "5" => Some(ProtocolVersion::V5),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The route a link's `href` opens, as the page reads it.
    fn follow(href: &str) -> Route {
        let address = href.strip_prefix('#').unwrap();
        let (path, query) = address.split_once('?').unwrap_or((address, ""));
        Route::parse(path, query)
    }

    #[test]
    fn every_view_has_an_address_that_leads_back_to_it() {
        for view in View::ALL {
            let route = view.home();
            assert_eq!(route.view(), view);
            assert_eq!(follow(&route.href()), route, "{}", route.href());
        }
        assert_eq!(Route::parse("/", ""), Route::Workbench);
        assert_eq!(Route::Workbench.href(), "#/");
    }

    #[test]
    fn a_lesson_step_is_counted_from_one_in_the_address() {
        let route = Route::parse("/lessons/retained-message/2", "");
        assert_eq!(
            route,
            Route::Lessons(LessonLink {
                lesson: Some("retained-message".into()),
                step: Some(1),
                ..LessonLink::default()
            })
        );
        assert_eq!(route.href(), "#/lessons/retained-message/2");
        assert_eq!(
            Route::parse("/lessons/retained-message/0", ""),
            Route::Unknown("/lessons/retained-message/0".into())
        );
        assert_eq!(
            Route::parse("/lessons/x/two", ""),
            Route::Unknown("/lessons/x/two".into())
        );
    }

    #[test]
    fn an_old_lesson_link_opens_the_lesson_at_its_new_address() {
        let redirect = legacy_redirect("?broker=ws%3A%2F%2Fh&lesson=lost-puback").unwrap();
        assert_eq!(redirect.route.href(), "#/lessons/lost-puback");
        assert_eq!(redirect.search, "?broker=ws%3A%2F%2Fh");
        assert_eq!(legacy_redirect("?lesson=x").unwrap().search, "");
        let quiz = legacy_redirect("?lesson=lost-puback&quiz=1&broker=ws%3A%2F%2Fh").unwrap();
        assert_eq!(quiz.route.href(), "#/lessons/lost-puback?quiz=1");
        assert_eq!(quiz.search, "?broker=ws%3A%2F%2Fh");
        assert_eq!(legacy_redirect("?broker=ws://h"), None);
        assert_eq!(legacy_redirect(""), None);
    }

    #[test]
    fn a_lesson_address_carries_the_quiz_mode_and_names_what_is_wrong() {
        for lesson in crate::lesson::catalogue() {
            for asks in [false, true] {
                let link = LessonLink::to(lesson, asks);
                let href = Route::Lessons(link.clone()).href();
                assert_eq!(href.ends_with("?quiz=1"), asks, "{href}");
                let Route::Lessons(back) = follow(&href) else {
                    panic!("not the lessons: {href}");
                };
                assert_eq!(back, link);
                assert_eq!(
                    back.lesson().map(|found| found.map(|l| l.id)),
                    Ok(Some(lesson.id))
                );
            }
        }
        let Route::Lessons(step) = Route::parse("/lessons/retained-message/2", "quiz=1") else {
            panic!("not the lessons");
        };
        assert_eq!((step.step, step.asks), (Some(1), true));
        assert_eq!(
            Route::Lessons(step).href(),
            "#/lessons/retained-message/2?quiz=1"
        );
        assert_eq!(LessonLink::default().lesson(), Ok(None));
        let Route::Lessons(unknown) = follow("#/lessons/qos3?quiz=1") else {
            panic!("not the lessons");
        };
        assert_eq!(
            unknown.lesson(),
            Err(LinkError::UnknownLesson("qos3".into()))
        );
        let first = crate::lesson::catalogue()[0].id;
        let Route::Lessons(bad) = Route::parse(&format!("/lessons/{first}"), "quiz=yes") else {
            panic!("not the lessons");
        };
        assert_eq!(bad.lesson(), Err(LinkError::BadQuiz("yes".into())));
        assert!(!bad.asks);
    }

    #[test]
    fn the_decoder_address_holds_the_bytes_compactly_and_the_version() {
        let route = Route::Decode(DecodeLink {
            hex: "30 07 00 03 61 2F 62 68 69".into(),
            version: ProtocolVersion::V5,
        });
        assert_eq!(
            route.href(),
            "#/decode?bytes=30070003612f626869&version=5.0"
        );
        let Route::Decode(back) = follow(&route.href()) else {
            panic!("not the decoder");
        };
        assert_eq!(back.hex, "30 07 00 03 61 2F 62 68 69");
        assert_eq!(back.version, ProtocolVersion::V5);
        // Text that is not hex stays as typed, so the decoder can say what is wrong with it.
        let Route::Decode(typo) = Route::parse("/decode", "bytes=30+zz") else {
            panic!("not the decoder");
        };
        assert_eq!(typo.hex, "30 zz");
        assert_eq!(typo.version, ProtocolVersion::V311);
    }

    #[test]
    fn a_check_address_carries_the_target_and_options_but_never_credentials() {
        let link = CheckLink {
            target: CheckTarget::Broker("wss://alice:secret@broker.example:8884/mqtt".into()),
            version: Some(ProtocolVersion::V5),
            topic_root: "lab/qos".into(),
            heavy: false,
            negative: Some(true),
        };
        let href = Route::Check(link.clone()).href();
        assert_eq!(
            href,
            "#/check?target=wss%3A%2F%2Fbroker.example%3A8884%2Fmqtt&version=5.0&topics=lab%2Fqos&heavy=0&negative=1"
        );
        assert!(!href.contains("alice") && !href.contains("secret"));
        let Route::Check(back) = follow(&href) else {
            panic!("not the check");
        };
        assert_eq!(
            back.target,
            CheckTarget::Broker("wss://broker.example:8884/mqtt".into())
        );
        assert_eq!(
            (
                back.version,
                back.topic_root.as_str(),
                back.heavy,
                back.negative
            ),
            (link.version, "lab/qos", false, Some(true))
        );
        let Route::Check(off) = Route::parse("/check", "negative=0") else {
            panic!("not the check");
        };
        assert_eq!(off.negative, Some(false));
        assert_eq!(
            Route::parse("/check", "negative=maybe"),
            Route::Check(CheckLink::default())
        );
        // A shared link that does carry them is read without them.
        let Route::Check(read) = Route::parse("/check", "target=ws://u:p@h:1/mqtt") else {
            panic!("not the check");
        };
        assert_eq!(read.target, CheckTarget::Broker("ws://h:1/mqtt".into()));
    }

    #[test]
    fn a_simulated_check_address_names_its_profile_and_faults() {
        let mut faults = BrokerFaults::default();
        faults.set(BrokerFault::IgnoresPingReq, true);
        faults.set(BrokerFault::NoWill, true);
        let route = Route::Check(CheckLink {
            target: CheckTarget::Simulated { profile: 1, faults },
            ..CheckLink::default()
        });
        assert_eq!(follow(&route.href()), route);
        assert!(
            route.href().contains("fault=ignores+PINGREQ"),
            "{}",
            route.href()
        );
        assert_eq!(
            Route::parse(
                "/check",
                "target=simulated&fault=no+such+fault&profile=nobody"
            ),
            Route::Check(CheckLink::default())
        );
    }

    #[test]
    fn credentials_are_cut_from_the_authority_only() {
        assert_eq!(without_credentials("ws://h/a@b"), "ws://h/a@b");
        assert_eq!(without_credentials("ws://u@h:9001/"), "ws://h:9001/");
        assert_eq!(without_credentials("not a url"), "not a url");
    }

    #[test]
    fn a_path_no_view_has_is_unknown_and_shows_the_workbench() {
        let route = Route::parse("/nowhere", "");
        assert_eq!(route, Route::Unknown("/nowhere".into()));
        assert_eq!(route.view(), View::Workbench);
    }
}
