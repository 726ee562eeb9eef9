//! "What happens next?": before a step runs, the learner predicts its first packet that matters,
//! and the prediction is checked against the trace the step then leaves.
//!
//! The answer is not written by hand: [`StepQuiz::ahead`] runs the step on a copy of the world
//! (the simulation is deterministic, so the copy does exactly what the world will do) and
//! [`StepQuiz::from_trace`] reads the questions and their answers off what that copy recorded.
//! The packet that matters is the step's first PUBLISH, PUBACK, PUBREC, PUBREL or PUBCOMP, or
//! its first packet when it has none of those. Which questions apply depends on that packet: a
//! DUP flag only for a PUBLISH, a packet id only for a packet of a message's exchange.

use serde::{Deserialize, Serialize};

use crate::clients::ClientIndex;
use crate::codec::{Packet, PacketType};
use crate::session::Event;
use crate::sim::World;
use crate::trace::{Direction, PacketRecord, TraceEvent};

use super::outcome::pid;
use super::run::LessonRun;
use super::script::Lesson;

/// What a question asks about the step's packet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Subject {
    /// Which packet comes next, if any.
    Packet,
    /// Who sends it: a client, or the broker to a client.
    Sender,
    /// Whether a PUBLISH carries DUP 1.
    Dup,
    /// Which packet id it carries.
    PacketId,
    /// Whether an application gets the message (again) in this step.
    Delivered,
}

/// One possible answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Answer {
    /// This packet type; `None`: nothing is sent.
    Packet(Option<PacketType>),
    /// Sent on this client's link: [`Direction::Outgoing`] by the client, `Incoming` by the
    /// broker to it.
    Sender(ClientIndex, Direction),
    /// DUP 1 or 0.
    Dup(bool),
    /// This packet id; `None`: the packet has none (a QoS 0 PUBLISH).
    PacketId(Option<u16>),
    /// An application gets the message, or not.
    Delivered(bool),
}

/// A question with its choices, one of which is right.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Question {
    /// What it asks.
    pub subject: Subject,
    /// The choices, in the order they are offered.
    pub choices: Vec<Answer>,
    /// The one the trace shows.
    pub correct: Answer,
}

impl Question {
    /// Whether `answer` is the one the trace shows.
    pub fn is_right(&self, answer: Answer) -> bool {
        answer == self.correct
    }
}

/// The packet types offered as answers, in the order a QoS exchange meets them.
const PACKETS: [PacketType; 10] = [
    PacketType::Connect,
    PacketType::ConnAck,
    PacketType::Subscribe,
    PacketType::SubAck,
    PacketType::Publish,
    PacketType::PubAck,
    PacketType::PubRec,
    PacketType::PubRel,
    PacketType::PubComp,
    PacketType::Disconnect,
];

/// Packet ids offered, besides "none" and the right one when it is higher.
const PACKET_IDS: [u16; 3] = [1, 2, 3];

/// The packets of a message's exchange, which the questions prefer.
fn is_exchange(kind: PacketType) -> bool {
    matches!(
        kind,
        PacketType::Publish
            | PacketType::PubAck
            | PacketType::PubRec
            | PacketType::PubRel
            | PacketType::PubComp
    )
}

/// The questions before one step, with their answers from the trace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepQuiz {
    /// The step they are about.
    pub step: usize,
    /// In the order they are asked; the first is always which packet.
    pub questions: Vec<Question>,
}

impl StepQuiz {
    /// The questions before the step `run` waits at, answered by running that step on a copy
    /// of `world` up to the moment the next step is due. `None` when the run waits at no step.
    pub fn ahead(world: &World, run: &LessonRun) -> Option<StepQuiz> {
        let step = run.awaiting_answer()?;
        let mut world = world.clone();
        let mut run = run.clone();
        world.poll_trace();
        while world.poll_event().is_some() {}
        run.release();
        let mut records = Vec::new();
        let mut delivered = false;
        // Ten simulated minutes at most: far more than any step with its pause.
        for _ in 0..6_000 {
            let now = world.now() + 100;
            run.advance(&mut world, now);
            records.extend(
                world
                    .poll_trace()
                    .into_iter()
                    .filter_map(|event| match event {
                        TraceEvent::Packet(record) => Some(record),
                        _ => None,
                    }),
            );
            while let Some((_, event)) = world.poll_event() {
                delivered |= matches!(event, Event::Message(_));
            }
            if run.is_finished() || run.awaiting_answer().is_some() {
                break;
            }
        }
        StepQuiz::from_trace(step, run.lesson(), &records, delivered)
    }

    /// The questions about step `step` of `lesson`, answered from the packets it recorded and
    /// whether an application got a message meanwhile. `None` for a step that does nothing and
    /// sends nothing: it only explains what happened before it.
    pub fn from_trace(
        step: usize,
        lesson: &Lesson,
        records: &[PacketRecord],
        delivered: bool,
    ) -> Option<StepQuiz> {
        let decoded = || {
            records
                .iter()
                .filter_map(|record| Some((record, record.packet.as_ref().ok()?)))
        };
        let key = decoded()
            .find(|(_, packet)| is_exchange(packet.packet_type()))
            .or_else(|| decoded().next());
        let step_acts = !lesson.steps.get(step)?.acts.is_empty();
        if key.is_none() && !step_acts {
            return None;
        }
        let kind = key.map(|(_, packet)| packet.packet_type());
        let mut packets: Vec<Answer> = PACKETS
            .iter()
            .map(|kind| Answer::Packet(Some(*kind)))
            .collect();
        if let Some(kind) = kind.filter(|kind| !PACKETS.contains(kind)) {
            packets.push(Answer::Packet(Some(kind)));
        }
        packets.push(Answer::Packet(None));
        let mut questions = vec![Question {
            subject: Subject::Packet,
            choices: packets,
            correct: Answer::Packet(kind),
        }];
        let Some((record, packet)) = key else {
            return Some(StepQuiz { step, questions });
        };
        let client = record.client.index()?;
        questions.push(Question {
            subject: Subject::Sender,
            choices: (0..lesson.actors.len())
                .flat_map(|actor| {
                    [
                        Answer::Sender(actor, Direction::Outgoing),
                        Answer::Sender(actor, Direction::Incoming),
                    ]
                })
                .collect(),
            correct: Answer::Sender(client, record.direction),
        });
        if let Packet::Publish(publish) = packet {
            questions.push(Question {
                subject: Subject::Dup,
                choices: vec![Answer::Dup(false), Answer::Dup(true)],
                correct: Answer::Dup(publish.dup),
            });
        }
        if is_exchange(packet.packet_type()) {
            let id = pid(packet).map(|pid| pid.get());
            let mut choices = vec![Answer::PacketId(None)];
            choices.extend(PACKET_IDS.iter().map(|id| Answer::PacketId(Some(*id))));
            if id.is_some_and(|id| !PACKET_IDS.contains(&id)) {
                choices.push(Answer::PacketId(id));
            }
            questions.push(Question {
                subject: Subject::PacketId,
                choices,
                correct: Answer::PacketId(id),
            });
            questions.push(Question {
                subject: Subject::Delivered,
                choices: vec![Answer::Delivered(true), Answer::Delivered(false)],
                correct: Answer::Delivered(delivered),
            });
        }
        Some(StepQuiz { step, questions })
    }
}

/// Right answers out of questions asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Tally {
    /// Answered right.
    pub right: u32,
    /// Asked.
    pub asked: u32,
}

impl Tally {
    /// The tally after one more answer.
    pub fn with(self, right: bool) -> Tally {
        Tally {
            right: self.right + u32::from(right),
            asked: self.asked + 1,
        }
    }
}

/// One lesson's score: the latest attempt, and the best attempt answered to the end.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct LessonScore {
    /// The latest attempt, as far as it went.
    pub last: Tally,
    /// The best complete attempt: most right answers, then fewest questions.
    pub best: Option<Tally>,
}

/// Every lesson's score, kept by the page between visits (as JSON).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Scores(std::collections::BTreeMap<String, LessonScore>);

impl Scores {
    /// The scores saved as `json`; none when there are none yet or they cannot be read (a
    /// score is not worth refusing the page over).
    pub fn from_json(json: Option<&str>) -> Scores {
        json.and_then(|json| serde_json::from_str(json).ok())
            .unwrap_or_default()
    }

    /// The scores as JSON, to save.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// The score of `lesson`, if it was ever tried.
    pub fn get(&self, lesson: &str) -> Option<LessonScore> {
        self.0.get(lesson).copied()
    }

    /// Records `attempt` as `lesson`'s latest; a `complete` one also counts for the best.
    pub fn record(&mut self, lesson: &str, attempt: Tally, complete: bool) {
        let score = self.0.entry(lesson.to_owned()).or_default();
        score.last = attempt;
        let better = score
            .best
            .is_none_or(|best| (attempt.right, best.asked) > (best.right, attempt.asked));
        if complete && better {
            score.best = Some(attempt);
        }
    }
}
