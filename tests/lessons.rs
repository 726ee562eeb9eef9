#![cfg(not(target_arch = "wasm32"))]
//! Every lesson run to its end on a world, in both protocol versions: its outcome must really
//! happen, as the trace and the sessions' own events show it.

use std::collections::BTreeSet;

use qoscope::codec::{Packet, PacketType, ProtocolVersion, QoS};
use qoscope::lesson::{catalogue, find, free_play, Check, Lesson, LessonRun};
use qoscope::session::{Event, Message};
use qoscope::sim::World;
use qoscope::trace::{ClientTag, Direction, PacketFate, TraceStore};

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
    let (mut world, mut run) = LessonRun::start(lesson, version);
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
    assert_eq!(run.current_step(), Some(lesson.steps.len() - 1));
    Finished {
        world,
        trace,
        messages,
    }
}

#[test]
fn every_lesson_runs_to_its_end_and_its_outcome_is_in_the_trace_in_both_versions() {
    assert_eq!(catalogue().len(), 12);
    for lesson in catalogue() {
        for version in VERSIONS {
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
        for version in VERSIONS {
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
