//! The effective QoS on the diagram itself: each PUBLISH a subscriber of ours received carries
//! the QoS it arrived with and why, min(publish QoS, granted QoS, server Maximum QoS)
//! ([MQTT-3.8.4-6] v3, [v5 MQTT-3.8.4-8]), next to the arrow it explains. A downgrade, a broker
//! bug and a duplicate show on the arrow as they do in the message table.

use super::{Scene, BROKER};
use crate::codec::QoS;
use crate::i18n::{Lang, Text};
use crate::trace::DeliveryRow;

/// What a delivered PUBLISH's arrow says about its QoS: the facts of its message table row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeliveryMark {
    /// The QoS the publisher sent, when the publisher is ours.
    pub publish: Option<QoS>,
    /// The QoS granted to the subscription, once SUBACK has said.
    pub granted: Option<QoS>,
    /// The QoS it arrived with.
    pub delivered: QoS,
    /// min(publish, granted, server Maximum QoS), when all are known.
    pub expected: Option<QoS>,
    /// It arrived at another QoS than the rules give: a broker bug.
    pub mismatch: bool,
    /// This arrow brought the application a message it already had.
    pub duplicate: bool,
    /// ... at QoS 2, which must deliver exactly once.
    pub breaks_exactly_once: bool,
}

impl DeliveryMark {
    /// The mark of `row`'s PUBLISH (`duplicate` says whether this arrow is the repeat).
    fn of(row: &DeliveryRow, duplicate: bool) -> DeliveryMark {
        DeliveryMark {
            publish: row.publish_qos,
            granted: row.granted_qos,
            delivered: row.delivered_qos,
            expected: row.expected_qos,
            mismatch: row.mismatch,
            duplicate,
            breaks_exactly_once: duplicate && row.duplicate_breaks_exactly_once(),
        }
    }

    /// Whether it arrived below its publish QoS.
    pub fn downgraded(&self) -> bool {
        self.publish.is_some_and(|publish| publish > self.delivered)
    }

    /// The server's Maximum QoS, when it is what lowered the message (below both the publish
    /// and the granted QoS).
    fn server_maximum(&self) -> Option<QoS> {
        let (publish, granted, expected) = (self.publish?, self.granted?, self.expected?);
        (expected < publish.min(granted)).then_some(expected)
    }

    /// The mark's classes, which style a downgrade, a broker bug and a duplicate (the page and
    /// the reports' SVG alike).
    pub fn classes(&self) -> String {
        let mut classes = String::from("arrow-mark");
        if self.downgraded() {
            classes.push_str(" arrow-mark--downgraded");
        }
        if self.mismatch || self.breaks_exactly_once {
            classes.push_str(" arrow-mark--bug");
        }
        if self.duplicate {
            classes.push_str(" arrow-mark--duplicate");
        }
        classes
    }

    /// The short mark beside the arrow: `QoS 2→1 (granted 1)`, a broker bug, a duplicate.
    pub fn text(&self, lang: Lang) -> String {
        let delivered = self.delivered.as_u8();
        let mut text = match (self.mismatch, self.publish, self.expected) {
            (true, _, Some(expected)) => {
                lang.fill(Text::ArrowBrokerBug, &[&delivered, &expected.as_u8()])
            }
            (_, Some(publish), _) if self.downgraded() => match self.server_maximum() {
                Some(maximum) => lang.fill(
                    Text::ArrowCappedByServer,
                    &[&publish.as_u8(), &delivered, &maximum.as_u8()],
                ),
                None => lang.fill(
                    Text::ArrowDowngraded,
                    &[
                        &publish.as_u8(),
                        &delivered,
                        &self.granted.map_or(delivered, QoS::as_u8),
                    ],
                ),
            },
            _ => lang.fill(Text::ArrowDelivered, &[&delivered]),
        };
        if self.duplicate {
            text.push_str(" · ");
            text.push_str(lang.text(Text::Duplicate));
        }
        text
    }

    /// The whole explanation, for the arrow's tooltip and the inspector: which QoS values
    /// made the delivered one, and what a bug or a duplicate breaks.
    pub fn explanation(&self, lang: Lang) -> String {
        let known =
            |qos: Option<QoS>| qos.map_or_else(|| "?".to_owned(), |qos| qos.as_u8().to_string());
        let mut lines = vec![lang.fill(
            Text::ArrowQosRule,
            &[
                &self.delivered.as_u8(),
                &known(self.publish),
                &known(self.granted),
                &known(self.expected),
            ],
        )];
        if let Some(maximum) = self.server_maximum() {
            lines.push(lang.fill(Text::ArrowServerMaximum, &[&maximum.as_u8()]));
        }
        if self.mismatch {
            lines.push(lang.fill(
                Text::BugMarkHint,
                &[&self.delivered.as_u8(), &known(self.expected)],
            ));
        }
        if self.duplicate {
            lines.push(
                lang.text(if self.breaks_exactly_once {
                    Text::DuplicateBreaksExactlyOnce
                } else {
                    Text::DuplicateAllowed
                })
                .to_owned(),
            );
        }
        lines.join("\n")
    }
}

/// Marks each PUBLISH the broker sent a subscriber of ours with its row's QoS facts; a
/// duplicate shows on the last PUBLISH of its flow, the one that brought the message again.
pub fn mark_deliveries(scene: &mut Scene, rows: &[DeliveryRow]) {
    for row in rows {
        let delivered: Vec<usize> = scene
            .arrows
            .iter()
            .enumerate()
            .filter(|(_, arrow)| {
                arrow.flow == Some(row.flow) && arrow.kind == "publish" && arrow.from == BROKER
            })
            .map(|(index, _)| index)
            .collect();
        let Some(&last) = delivered.last() else {
            continue;
        };
        for index in delivered {
            let duplicate = row.duplicate && index == last;
            scene.arrows[index].delivery = Some(DeliveryMark::of(row, duplicate));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::broker::{BrokerConfig, BrokerFault, BrokerFaults};
    use crate::codec::{ProtocolVersion, Subscription, SubscriptionOptions};
    use crate::diagram::{layout_view, View};
    use crate::session::{ConnectOptions, PublishRequest};
    use crate::sim::World;
    use crate::trace::{delivery_rows, ClientTag, TraceStore};

    /// A publisher and a subscriber (granted `granted`) on a broker with `config`; one message
    /// published at `publish`. Returns the scene, marked.
    fn delivered(config: BrokerConfig, granted: QoS, publish: QoS) -> Scene {
        let mut world = World::new(config, 3);
        for name in ["pub", "sub"] {
            let client = world.add_client(ConnectOptions::new(ProtocolVersion::V5, name));
            world.connect(client);
        }
        world.run_until_quiet(1_000).unwrap();
        let subscription = Subscription {
            filter: "t".into(),
            options: SubscriptionOptions::qos(granted),
        };
        world.with_session(1, |session, now| {
            session
                .subscribe(now, vec![subscription], Default::default())
                .unwrap()
        });
        world.run_until_quiet(1_000).unwrap();
        world.with_session(0, |session, now| {
            session
                .publish(now, PublishRequest::new("t", "hi", publish))
                .unwrap()
        });
        world.run_until_quiet(1_000).unwrap();
        let mut store = TraceStore::new(1_000, 1_000);
        store.extend(world.poll_trace());
        let clients = [
            (ClientTag(1), "pub".to_owned()),
            (ClientTag(2), "sub".to_owned()),
        ];
        let mut scene = layout_view(store.packets(), &clients, View::newest(100));
        mark_deliveries(&mut scene, &delivery_rows(&store));
        scene
    }

    fn marks(scene: &Scene) -> Vec<DeliveryMark> {
        scene
            .arrows
            .iter()
            .filter_map(|arrow| arrow.delivery)
            .collect()
    }

    #[test]
    fn a_downgraded_delivery_says_so_on_its_arrow_with_the_grant_that_lowered_it() {
        let scene = delivered(BrokerConfig::default(), QoS::AtLeastOnce, QoS::ExactlyOnce);
        let [mark] = marks(&scene)[..] else {
            panic!("one delivered PUBLISH expected: {:?}", marks(&scene));
        };
        let arrow = scene
            .arrows
            .iter()
            .find(|arrow| arrow.delivery.is_some())
            .unwrap();
        assert_eq!(
            (arrow.from, arrow.to, arrow.kind.as_str()),
            (BROKER, 2, "publish")
        );
        assert!(mark.downgraded() && !mark.mismatch && !mark.duplicate);
        assert_eq!(mark.text(Lang::En), "QoS 2→1 (granted 1)");
        assert_eq!(mark.text(Lang::Zh), "QoS 2→1（授予 1）");
        assert!(mark
            .explanation(Lang::En)
            .starts_with("Delivered at QoS 1 = min(publish 2, granted 1, server Maximum QoS) = 1"));
    }

    #[test]
    fn the_servers_maximum_qos_is_named_when_it_is_what_lowered_the_message() {
        let mark = DeliveryMark {
            publish: Some(QoS::ExactlyOnce),
            granted: Some(QoS::ExactlyOnce),
            delivered: QoS::AtLeastOnce,
            expected: Some(QoS::AtLeastOnce),
            mismatch: false,
            duplicate: false,
            breaks_exactly_once: false,
        };
        assert_eq!(mark.text(Lang::En), "QoS 2→1 (Maximum QoS 1)");
        assert!(mark.explanation(Lang::En).contains("Maximum QoS 1"));
    }

    #[test]
    fn a_delivery_at_the_wrong_qos_is_marked_as_a_broker_bug_on_the_arrow() {
        let config = BrokerConfig {
            faults: BrokerFaults::only(BrokerFault::DeliversAtPublishQos),
            ..BrokerConfig::default()
        };
        let scene = delivered(config, QoS::AtMostOnce, QoS::ExactlyOnce);
        let [mark] = marks(&scene)[..] else {
            panic!("one delivered PUBLISH expected: {:?}", marks(&scene));
        };
        assert!(mark.mismatch);
        assert_eq!(mark.text(Lang::En), "✕ broker bug: QoS 2, expected 0");
        assert!(mark.explanation(Lang::En).contains("[v5 MQTT-3.8.4-8]"));
    }

    #[test]
    fn a_duplicate_is_marked_on_the_publish_that_brought_it_again() {
        let config = BrokerConfig {
            faults: BrokerFaults::only(BrokerFault::DuplicatesQos0),
            ..BrokerConfig::default()
        };
        let scene = delivered(config, QoS::AtMostOnce, QoS::AtMostOnce);
        let duplicates: Vec<bool> = marks(&scene).iter().map(|mark| mark.duplicate).collect();
        assert_eq!(duplicates, [false, true]);
        assert_eq!(
            marks(&scene)[1].text(Lang::En),
            "QoS 0 delivered · duplicate"
        );
    }

    #[test]
    fn only_publishes_to_a_subscriber_are_marked() {
        let scene = delivered(BrokerConfig::default(), QoS::ExactlyOnce, QoS::ExactlyOnce);
        let marked: Vec<(usize, usize)> = scene
            .arrows
            .iter()
            .filter(|arrow| arrow.delivery.is_some())
            .map(|arrow| (arrow.from, arrow.to))
            .collect();
        assert_eq!(marked, [(BROKER, 2)]);
        assert_eq!(marks(&scene)[0].text(Lang::En), "QoS 2 delivered");
    }
}
