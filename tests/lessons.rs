#![cfg(not(target_arch = "wasm32"))]
//! Every lesson run to its end on a world, in both protocol versions: its outcome must really
//! happen, as the trace and the sessions' own events show it.

use std::collections::{BTreeSet, HashSet};

use qoscope::broker::{BrokerConfig, BrokerFault, BrokerFaults};
use qoscope::codec::{Packet, PacketType, ProtocolVersion, QoS};
use qoscope::lesson::{
    catalogue, find, free_play, Answer, Check, Lesson, LessonRun, LessonScore, Scores, StepQuiz,
    Subject, Tally,
};
use qoscope::session::{Event, Message};
use qoscope::sim::World;
use qoscope::trace::{ClientTag, Direction, PacketFate, PacketRecord, TraceEvent, TraceStore};

const VERSIONS: [ProtocolVersion; 2] = [ProtocolVersion::V311, ProtocolVersion::V5];

struct Finished {
    world: World,
    trace: TraceStore,
    /// Messages the applications got, by client index.
    messages: Vec<(usize, Message)>,
}

/// Simulated ms between two calls of [`LessonRun::advance`], as the page's timer at 1× speed.
const TICK_MS: u64 = 100;

/// Runs `lesson` from a fresh world to its end, a tick at a time, as the page does.
fn run_to_end(lesson: &Lesson, version: ProtocolVersion) -> Finished {
    let (world, run) = LessonRun::start(lesson, version);
    run_from(world, run)
}

/// Runs `run` on `world` to its end, a tick at a time.
fn run_from(mut world: World, mut run: LessonRun) -> Finished {
    let lesson = *run.lesson();
    let mut trace = TraceStore::new(10_000, 1_000);
    let mut messages = Vec::new();
    for _ in 0..10_000 {
        if run.is_finished() {
            break;
        }
        let now = world.now() + TICK_MS;
        run.advance(&mut world, now);
        trace.extend(world.poll_trace());
        while let Some((client, event)) = world.poll_event() {
            if let Event::Message(message) = event {
                messages.push((client, message));
            }
        }
    }
    assert!(run.is_finished(), "{} did not finish", lesson.id);
    assert_eq!(run.awaiting_answer(), None);
    assert_eq!(run.current_step(), Some(lesson.steps.len() - 1));
    Finished {
        world,
        trace,
        messages,
    }
}

#[test]
fn every_lesson_runs_to_its_end_and_its_outcome_is_in_the_trace_in_both_versions() {
    assert_eq!(catalogue().len(), 18);
    for lesson in catalogue() {
        for &version in lesson.versions() {
            let finished = run_to_end(lesson, version);
            if let Err(seen) = lesson.outcome.verify(&finished.trace) {
                panic!("{} ({version}): {seen}", lesson.id);
            }
            assert!(finished.world.is_quiet());
        }
    }
}

#[test]
fn what_the_applications_received_agrees_with_each_lessons_outcome() {
    for lesson in catalogue() {
        for &version in lesson.versions() {
            let finished = run_to_end(lesson, version);
            for check in lesson.outcome.checks {
                let &Check::Received {
                    client,
                    topic,
                    times,
                    qos,
                    retain,
                } = check
                else {
                    continue;
                };
                let got: Vec<(QoS, bool)> = finished
                    .messages
                    .iter()
                    .filter(|(to, message)| *to == client && &*message.topic == topic)
                    .map(|(_, message)| (message.qos, message.retain))
                    .collect();
                assert_eq!(got, vec![(qos, retain); times], "{} ({version})", lesson.id);
            }
        }
    }
}

#[test]
fn every_step_is_narrated_with_the_rules_it_shows() {
    for lesson in catalogue() {
        for text in [lesson.title, lesson.summary, lesson.outcome.text] {
            assert!(!text.en.is_empty() && !text.zh.is_empty(), "{}", lesson.id);
        }
        assert!(!lesson.outcome.checks.is_empty(), "{}", lesson.id);
        assert_eq!(find(lesson.id), Some(lesson));
        for step in lesson.steps {
            assert!(
                !step.narration.en.is_empty() && !step.narration.zh.is_empty(),
                "{}",
                lesson.id
            );
            assert!(
                step.rules.contains("MQTT-") || step.rules.contains('§'),
                "{}: {}",
                lesson.id,
                step.rules
            );
        }
    }
}

/// What a translation keeps as written: packet names and flags (the spec's words) and numbers.
fn kept_words(text: &str) -> BTreeSet<&str> {
    text.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|word| {
            word.starts_with(|c: char| c.is_ascii_digit())
                || (word.len() >= 3 && word.chars().all(|c| c.is_ascii_uppercase()))
        })
        .collect()
}

#[test]
fn the_chinese_lessons_keep_every_packet_name_and_number() {
    for lesson in catalogue() {
        let texts = [lesson.title, lesson.summary, lesson.outcome.text]
            .into_iter()
            .chain(lesson.steps.iter().map(|step| step.narration));
        for text in texts {
            assert_eq!(
                kept_words(text.en),
                kept_words(text.zh),
                "{}: {}",
                lesson.id,
                text.zh
            );
        }
    }
}

/// Outgoing PUBLISH packets of client `tag` as (DUP, fate), and incoming ones of the other.
fn publishes(trace: &TraceStore, tag: ClientTag, direction: Direction) -> Vec<(bool, PacketFate)> {
    trace
        .packets()
        .filter(|record| record.client == tag && record.direction == direction)
        .filter_map(|record| match &record.packet {
            Ok(Packet::Publish(publish)) => Some((publish.dup, record.fate)),
            _ => None,
        })
        .collect()
}

#[test]
fn a_lost_puback_is_resent_with_dup_and_the_broker_forwards_two_fresh_copies() {
    let lesson = find("qos1-lost-puback").unwrap();
    for version in VERSIONS {
        let finished = run_to_end(lesson, version);
        let delivered = PacketFate::Delivered;
        assert_eq!(
            publishes(&finished.trace, ClientTag(1), Direction::Outgoing),
            [(false, delivered), (true, delivered)]
        );
        // The broker's copies are new messages on its hop: DUP 0 both times [MQTT-3.3.1-3].
        assert_eq!(
            publishes(&finished.trace, ClientTag(2), Direction::Incoming),
            [(false, delivered), (false, delivered)]
        );
    }
}

#[test]
fn each_lost_qos2_packet_is_recovered_and_delivered_exactly_once() {
    for (id, lost) in [
        ("qos2-lost-publish", PacketType::Publish),
        ("qos2-lost-pubrec", PacketType::PubRec),
        ("qos2-lost-pubrel", PacketType::PubRel),
        ("qos2-lost-pubcomp", PacketType::PubComp),
    ] {
        for version in VERSIONS {
            let finished = run_to_end(find(id).unwrap(), version);
            let dropped: Vec<PacketType> = finished
                .trace
                .packets()
                .filter(|record| record.fate == PacketFate::Dropped)
                .filter_map(|record| record.packet.as_ref().ok().map(Packet::packet_type))
                .collect();
            assert_eq!(dropped, [lost], "{id} ({version})");
            assert_eq!(finished.messages.len(), 1, "{id} ({version})");
            let publisher = finished.world.session(0);
            assert_eq!(
                publisher.in_flight(),
                0,
                "{id} ({version}): publisher finished"
            );
        }
    }
}

#[test]
fn a_step_waits_until_the_world_is_quiet_and_a_pause_has_passed() {
    let lesson = find("qos1-lost-puback").unwrap();
    let (mut world, mut run) = LessonRun::start(lesson, ProtocolVersion::V5);
    assert_eq!(run.current_step(), None);
    assert!(run.advance(&mut world, 0));
    assert_eq!(run.current_step(), Some(0));
    // The set-up's packets are still travelling: nothing more happens however long we look,
    // until they have arrived and the pause after them has passed.
    assert!(!world.is_quiet());
    let mut step_times = Vec::new();
    let mut now = 0;
    while run.current_step() == Some(0) {
        now += 50;
        run.advance(&mut world, now);
        if world.is_quiet() && step_times.is_empty() {
            step_times.push(now);
        }
    }
    let quiet_at = step_times[0];
    assert!(
        now >= quiet_at + 1_500,
        "step 1 at {now}, quiet at {quiet_at}"
    );
}

#[test]
fn a_replay_starts_from_a_fresh_world_and_shows_the_same_packets() {
    let lesson = find("qos2-lost-pubrec").unwrap();
    let labels = |finished: &Finished| -> Vec<(u64, String, PacketFate)> {
        finished
            .trace
            .packets()
            .map(|record| {
                let label = record
                    .packet
                    .as_ref()
                    .map(|p| p.to_string())
                    .unwrap_or_default();
                (record.time, label, record.fate)
            })
            .collect()
    };
    let first = run_to_end(lesson, ProtocolVersion::V5);
    let again = run_to_end(lesson, ProtocolVersion::V5);
    assert!(!labels(&first).is_empty());
    assert_eq!(labels(&first), labels(&again));
}

#[test]
fn free_play_starts_with_both_clients_connected_and_subscribed() {
    let (mut world, actors) = free_play(ProtocolVersion::V5);
    assert_eq!(actors.len(), world.client_count());
    world.run_until_quiet(1_000).unwrap();
    assert!(world.session(0).is_connected() && world.session(1).is_connected());
    assert_eq!(world.session(1).subscriptions().count(), 1);
}

/// Each 5.0 lesson against a broker that breaks the rule it shows: its outcome must fail, so the
/// lesson really shows the rule rather than passing whatever the broker does.
#[test]
fn each_5_0_lesson_fails_on_a_broker_that_breaks_its_rule() {
    for (id, fault) in [
        ("receive-maximum", BrokerFault::IgnoresReceiveMaximum),
        ("message-expiry", BrokerFault::IgnoresMessageExpiry),
        ("session-expiry", BrokerFault::SessionPresentZero),
        ("will-delay", BrokerFault::NoWill),
        ("topic-aliases", BrokerFault::ForgetsTopicAliases),
        ("shared-subscriptions", BrokerFault::SharedToEveryMember),
    ] {
        let lesson = find(id).unwrap();
        assert_eq!(lesson.versions(), [ProtocolVersion::V5], "{id}");
        let config = BrokerConfig {
            faults: BrokerFaults::only(fault),
            ..BrokerConfig::default()
        };
        let world = lesson.world_on(config, ProtocolVersion::V311);
        let run = LessonRun::on(lesson, &world);
        let finished = run_from(world, run);
        assert!(
            lesson.outcome.verify(&finished.trace).is_err(),
            "{id} passes with \"{}\"",
            fault.name()
        );
    }
}

#[test]
fn flow_control_holds_the_second_message_until_the_first_is_acknowledged() {
    let finished = run_to_end(find("receive-maximum").unwrap(), ProtocolVersion::V5);
    // To the subscriber: PUBLISH, its PUBACK, the next PUBLISH, and so on, never two PUBLISH
    // packets in a row.
    let kinds: Vec<PacketType> = finished
        .trace
        .packets()
        .filter(|record| record.client == ClientTag(2))
        .filter_map(|record| record.packet.as_ref().ok().map(Packet::packet_type))
        .filter(|kind| matches!(kind, PacketType::Publish | PacketType::PubAck))
        .collect();
    assert_eq!(
        kinds,
        [PacketType::Publish, PacketType::PubAck].repeat(3),
        "subscriber's packets"
    );
}

/// One step's worth of a run: the packets recorded and whether an application got a message.
struct StepTrace {
    records: Vec<PacketRecord>,
    delivered: bool,
}

/// Runs `lesson` in "what happens next?" mode, answering each question right: the quiz made
/// ahead for each step, and the trace each step then left.
fn run_asking(lesson: &Lesson, version: ProtocolVersion) -> Vec<(StepQuiz, StepTrace)> {
    let (mut world, run) = LessonRun::start(lesson, version);
    let mut run = run.asking();
    let mut asked: Vec<(StepQuiz, StepTrace)> = Vec::new();
    for _ in 0..20_000 {
        if run.is_finished() {
            break;
        }
        if run.awaiting_answer().is_some() {
            let quiz = StepQuiz::ahead(&world, &run);
            assert!(
                world.poll_trace().is_empty() || !asked.is_empty(),
                "{}: packets before the first step",
                lesson.id
            );
            if let Some(quiz) = quiz {
                asked.push((
                    quiz,
                    StepTrace {
                        records: Vec::new(),
                        delivered: false,
                    },
                ));
            }
            run.release();
        }
        let now = world.now() + TICK_MS;
        run.advance(&mut world, now);
        let records = world
            .poll_trace()
            .into_iter()
            .filter_map(|event| match event {
                TraceEvent::Packet(record) => Some(record),
                _ => None,
            });
        let mut delivered = false;
        while let Some((_, event)) = world.poll_event() {
            delivered |= matches!(event, Event::Message(_));
        }
        if let Some((_, step)) = asked.last_mut() {
            step.records.extend(records);
            step.delivered |= delivered;
        }
    }
    assert!(run.is_finished(), "{} did not finish", lesson.id);
    asked
}

#[test]
fn every_step_of_every_lesson_asks_well_formed_questions_that_its_trace_then_answers() {
    let mut questions = 0;
    for lesson in catalogue() {
        for &version in lesson.versions() {
            let asked = run_asking(lesson, version);
            // Every step that does something is asked about; explaining steps are not.
            let acting: Vec<usize> = (0..lesson.steps.len())
                .filter(|step| !lesson.steps[*step].acts.is_empty())
                .collect();
            let steps: Vec<usize> = asked.iter().map(|(quiz, _)| quiz.step).collect();
            for step in &acting {
                assert!(
                    steps.contains(step),
                    "{} ({version}): step {step} not asked",
                    lesson.id
                );
            }
            for (quiz, then) in &asked {
                let context = format!("{} ({version}) step {}", lesson.id, quiz.step);
                assert_eq!(quiz.questions[0].subject, Subject::Packet, "{context}");
                for question in &quiz.questions {
                    let distinct: HashSet<&Answer> = question.choices.iter().collect();
                    assert_eq!(distinct.len(), question.choices.len(), "{context}");
                    assert!(question.choices.len() >= 2, "{context}");
                    assert!(question.choices.contains(&question.correct), "{context}");
                    assert!(question.is_right(question.correct), "{context}");
                }
                // The answers made ahead are what the step's own trace shows.
                let seen = StepQuiz::from_trace(quiz.step, lesson, &then.records, then.delivered);
                assert_eq!(seen.as_ref(), Some(quiz), "{context}");
                questions += quiz.questions.len();
            }
        }
    }
    assert!(questions > 150, "{questions} questions");
}

fn correct(quiz: &StepQuiz, subject: Subject) -> Option<Answer> {
    quiz.questions
        .iter()
        .find(|question| question.subject == subject)
        .map(|question| question.correct)
}

#[test]
fn the_questions_fit_the_packet_that_comes_next() {
    let asked = run_asking(find("qos1-lost-puback").unwrap(), ProtocolVersion::V5);
    let by_step = |step: usize| &asked.iter().find(|(quiz, _)| quiz.step == step).unwrap().0;
    // The set-up starts with Publisher's CONNECT: no DUP, no packet id, nothing delivered.
    let setup = by_step(0);
    assert_eq!(
        setup
            .questions
            .iter()
            .map(|question| question.subject)
            .collect::<Vec<_>>(),
        [Subject::Packet, Subject::Sender]
    );
    assert_eq!(
        correct(setup, Subject::Packet),
        Some(Answer::Packet(Some(PacketType::Connect)))
    );
    assert_eq!(
        correct(setup, Subject::Sender),
        Some(Answer::Sender(0, Direction::Outgoing))
    );
    // The cut sends nothing.
    assert_eq!(
        correct(by_step(2), Subject::Packet),
        Some(Answer::Packet(None))
    );
    assert_eq!(by_step(2).questions.len(), 1);
    // The reconnect re-sends the PUBLISH with DUP 1 and id 1, and the subscriber gets it again.
    let resume = by_step(3);
    assert_eq!(
        correct(resume, Subject::Packet),
        Some(Answer::Packet(Some(PacketType::Publish)))
    );
    assert_eq!(
        correct(resume, Subject::Sender),
        Some(Answer::Sender(0, Direction::Outgoing))
    );
    assert_eq!(correct(resume, Subject::Dup), Some(Answer::Dup(true)));
    assert_eq!(
        correct(resume, Subject::PacketId),
        Some(Answer::PacketId(Some(1)))
    );
    assert_eq!(
        correct(resume, Subject::Delivered),
        Some(Answer::Delivered(true))
    );
    // The explaining step after it asks nothing.
    assert!(asked.iter().all(|(quiz, _)| quiz.step != 4));

    // QoS 2 after a lost PUBREC: the re-sent PUBLISH is released once, so delivered once.
    let asked = run_asking(find("qos2-lost-pubrec").unwrap(), ProtocolVersion::V311);
    let lost = &asked.iter().find(|(quiz, _)| quiz.step == 1).unwrap().0;
    assert_eq!(
        correct(lost, Subject::Delivered),
        Some(Answer::Delivered(false))
    );
    // Shared subscriptions: the broker's first job goes to Worker A.
    let asked = run_asking(find("shared-subscriptions").unwrap(), ProtocolVersion::V5);
    let jobs = &asked.iter().find(|(quiz, _)| quiz.step == 1).unwrap().0;
    assert_eq!(
        correct(jobs, Subject::Sender),
        Some(Answer::Sender(0, Direction::Outgoing))
    );
    assert_eq!(
        correct(jobs, Subject::PacketId),
        Some(Answer::PacketId(Some(1)))
    );
}

#[test]
fn asking_before_each_step_changes_nothing_the_lesson_shows() {
    for lesson in catalogue() {
        let version = ProtocolVersion::V5;
        let plain = run_to_end(lesson, version);
        let asked: Vec<PacketRecord> = run_asking(lesson, version)
            .into_iter()
            .flat_map(|(_, step)| step.records)
            .collect();
        let shown = |records: &mut dyn Iterator<Item = &PacketRecord>| -> Vec<String> {
            records
                .map(|record| format!("{} {:?}", record.time, record.packet))
                .collect()
        };
        assert_eq!(
            shown(&mut plain.trace.packets()),
            shown(&mut asked.iter()),
            "{}",
            lesson.id
        );
    }
}

#[test]
fn scores_keep_the_last_attempt_and_the_best_complete_one() {
    let mut scores = Scores::from_json(None);
    let tally = [true, false, true]
        .into_iter()
        .fold(Tally::default(), |tally, right| tally.with(right));
    assert_eq!(tally, Tally { right: 2, asked: 3 });
    scores.record("retained", tally, true);
    scores.record("retained", Tally { right: 1, asked: 1 }, false);
    let saved = Scores::from_json(Some(&scores.to_json()));
    assert_eq!(saved, scores);
    assert_eq!(
        saved.get("retained"),
        Some(LessonScore {
            last: Tally { right: 1, asked: 1 },
            best: Some(Tally { right: 2, asked: 3 }),
        })
    );
    scores.record("retained", Tally { right: 1, asked: 3 }, true);
    assert_eq!(
        scores.get("retained").unwrap().best,
        Some(Tally { right: 2, asked: 3 })
    );
    assert_eq!(scores.get("last-will"), None);
    assert_eq!(Scores::from_json(Some("not json")), Scores::default());
}
