//! Lanes and arrows: one lane per client and one for the broker; one arrow per packet, one row
//! per packet, newest last.

use super::{DeliveryMark, WIDTH};
use crate::trace::{ClientTag, Direction, FlowId, PacketFate, PacketRecord};

/// The broker's lane index.
pub const BROKER: usize = 1;

/// A lifeline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lane {
    /// Its title.
    pub name: String,
}

/// A packet drawn from one lane to another.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Arrow {
    /// The packet record's id.
    pub id: u64,
    /// Lane it leaves.
    pub from: usize,
    /// Lane it heads for.
    pub to: usize,
    /// Row, from the top.
    pub row: usize,
    /// The packet as a person reads it (`PUBLISH id=7 QoS 2 DUP "a/b"`), or the decode error.
    pub label: String,
    /// Lower-case packet type, for styling (`publish`, `pubrec`, ...).
    pub kind: String,
    /// Delivered, dropped, held or on its way.
    pub fate: PacketFate,
    /// A re-sent PUBLISH (DUP=1).
    pub dup: bool,
    /// The message flow it belongs to.
    pub flow: Option<FlowId>,
    /// The message's colour (an index into a small palette), shared by every arrow of one
    /// message on both sides of the broker; set by [`super::colour_messages`].
    pub colour: Option<u8>,
    /// A PUBLISH a subscriber of ours received: its QoS and why; set by
    /// [`super::mark_deliveries`].
    pub delivery: Option<DeliveryMark>,
}

/// What the diagram shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scene {
    /// The width the lanes spread over, in the SVG's units (each is drawn at its own size on
    /// screen: a narrower diagram keeps its texts larger, and fits shorter labels).
    pub width: u32,
    /// Lifelines, left to right.
    pub lanes: Vec<Lane>,
    /// Arrows, top to bottom.
    pub arrows: Vec<Arrow>,
    /// Older packets not shown.
    pub hidden: usize,
    /// Newer packets not shown (the view is paused or scrubbed back).
    pub after: usize,
    /// Rows the arrows take (the last arrow's row + 1).
    pub height: usize,
}

/// How the rows are spaced.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Spacing {
    /// One row per packet, whatever the time between them.
    #[default]
    PerPacket,
    /// Rows follow real time, one row per `ms_per_row`, never closer than one row per packet
    /// (so labels stay readable): a pause in the traffic shows as a gap.
    RealTime {
        /// Milliseconds per row.
        ms_per_row: u64,
    },
}

/// Which packets the diagram shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct View {
    /// One past the last packet shown, counted from the oldest kept; `None` follows the newest.
    pub end: Option<usize>,
    /// At most this many packets.
    pub rows: usize,
    /// Row spacing.
    pub spacing: Spacing,
}

impl View {
    /// The newest `rows` packets, one row each.
    pub fn newest(rows: usize) -> View {
        View {
            end: None,
            rows,
            spacing: Spacing::PerPacket,
        }
    }
}

/// Lays out the packets `view` picks. `clients` names each client by its trace tag; the first
/// client's lane is left of the broker, the others to its right.
pub fn layout_view<'a>(
    packets: impl DoubleEndedIterator<Item = &'a PacketRecord> + ExactSizeIterator,
    clients: &[(ClientTag, String)],
    view: View,
) -> Scene {
    let mut lanes: Vec<Lane> = clients
        .iter()
        .map(|(_, name)| Lane { name: name.clone() })
        .collect();
    lanes.insert(
        BROKER.min(lanes.len()),
        Lane {
            name: "Broker".into(),
        },
    );
    let lane_of = |tag: ClientTag| -> usize {
        match clients.iter().position(|(client, _)| *client == tag) {
            Some(0) => 0,
            Some(index) => index + 1,
            None => BROKER,
        }
    };
    let total = packets.len();
    let end = view.end.unwrap_or(total).min(total);
    let hidden = end.saturating_sub(view.rows);
    let mut next_row = 0;
    let mut first_time = None;
    let arrows: Vec<Arrow> = packets
        .skip(hidden)
        .take(end - hidden)
        .map(|record| {
            let row = match view.spacing {
                Spacing::PerPacket => next_row,
                Spacing::RealTime { ms_per_row } => {
                    let start = *first_time.get_or_insert(record.time);
                    let by_time = (record.time.saturating_sub(start) / ms_per_row.max(1)) as usize;
                    by_time.max(next_row)
                }
            };
            next_row = row + 1;
            let client = lane_of(record.client);
            let (from, to) = match record.direction {
                Direction::Outgoing => (client, BROKER),
                Direction::Incoming => (BROKER, client),
            };
            let (label, kind, dup) = match &record.packet {
                Ok(packet) => (
                    packet.to_string(),
                    packet.packet_type().name().to_ascii_lowercase(),
                    matches!(packet, crate::codec::Packet::Publish(publish) if publish.dup),
                ),
                Err(error) => (format!("malformed: {error}"), "malformed".to_owned(), false),
            };
            Arrow {
                id: record.id,
                from,
                to,
                row,
                label,
                kind,
                fate: record.fate,
                dup,
                flow: record.flow,
                colour: None,
                delivery: None,
            }
        })
        .collect();
    Scene {
        width: WIDTH,
        height: arrows.last().map_or(0, |arrow| arrow.row + 1),
        lanes,
        arrows,
        hidden,
        after: total - end,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codec::{Ack, Packet, Pid, Publish, QosPid};

    fn record(
        id: u64,
        client: u32,
        direction: Direction,
        packet: Packet,
        fate: PacketFate,
    ) -> PacketRecord {
        PacketRecord {
            id,
            time: id,
            arrival: None,
            client: ClientTag(client),
            connection: 1,
            direction,
            packet: Ok(packet),
            raw: bytes::Bytes::new(),
            fate,
            flow: None,
        }
    }

    #[test]
    fn the_publisher_is_left_of_the_broker_and_the_subscriber_right() {
        let pid = Pid::new(7).unwrap();
        let mut publish = Publish::new("a/b", QosPid::ExactlyOnce(pid), "hi");
        publish.dup = true;
        let packets = [
            record(
                1,
                1,
                Direction::Outgoing,
                Packet::Publish(publish),
                PacketFate::Delivered,
            ),
            record(
                2,
                1,
                Direction::Incoming,
                Packet::PubRec(Ack::new(pid)),
                PacketFate::Dropped,
            ),
            record(
                3,
                2,
                Direction::Incoming,
                Packet::PingResp,
                PacketFate::InTransit,
            ),
        ];
        let clients = [
            (ClientTag(1), "Publisher".to_owned()),
            (ClientTag(2), "Subscriber".to_owned()),
        ];
        let scene = layout_view(packets.iter(), &clients, View::newest(10));
        let names: Vec<&str> = scene.lanes.iter().map(|lane| lane.name.as_str()).collect();
        assert_eq!(names, ["Publisher", "Broker", "Subscriber"]);
        let arrows: Vec<(usize, usize, usize, &str, bool)> = scene
            .arrows
            .iter()
            .map(|a| (a.from, a.to, a.row, a.kind.as_str(), a.dup))
            .collect();
        assert_eq!(
            arrows,
            [
                (0, 1, 0, "publish", true),
                (1, 0, 1, "pubrec", false),
                (1, 2, 2, "pingresp", false)
            ]
        );
        assert_eq!(scene.arrows[0].label, "PUBLISH id=7 QoS 2 DUP \"a/b\"");
        assert_eq!(scene.arrows[1].fate, PacketFate::Dropped);
    }

    #[test]
    fn only_the_newest_rows_are_laid_out() {
        let packets: Vec<PacketRecord> = (0..50)
            .map(|id| {
                record(
                    id,
                    1,
                    Direction::Outgoing,
                    Packet::PingReq,
                    PacketFate::Delivered,
                )
            })
            .collect();
        let scene = layout_view(
            packets.iter(),
            &[(ClientTag(1), "A".to_owned())],
            View::newest(20),
        );
        assert_eq!(scene.hidden, 30);
        assert_eq!(scene.arrows.len(), 20);
        assert_eq!(scene.arrows[0].id, 30);
        assert_eq!(scene.arrows[19].row, 19);
        let names: Vec<&str> = scene.lanes.iter().map(|lane| lane.name.as_str()).collect();
        assert_eq!(names, ["A", "Broker"]);
    }

    fn ping(id: u64, time: u64) -> PacketRecord {
        let mut record = record(
            id,
            1,
            Direction::Outgoing,
            Packet::PingReq,
            PacketFate::Delivered,
        );
        record.time = time;
        record
    }

    #[test]
    fn a_paused_view_shows_a_window_and_counts_what_is_outside() {
        let packets: Vec<PacketRecord> = (1..=10).map(|id| ping(id, id * 10)).collect();
        let clients = [(ClientTag(1), "c".to_owned())];
        let view = View {
            end: Some(6),
            rows: 3,
            spacing: Spacing::PerPacket,
        };
        let scene = layout_view(packets.iter(), &clients, view);
        assert_eq!(
            scene
                .arrows
                .iter()
                .map(|arrow| arrow.id)
                .collect::<Vec<_>>(),
            [4, 5, 6]
        );
        assert_eq!((scene.hidden, scene.after, scene.height), (3, 4, 3));
        let scene = layout_view(
            packets.iter(),
            &clients,
            View {
                end: Some(99),
                ..view
            },
        );
        assert_eq!((scene.hidden, scene.after), (7, 0));
    }

    #[test]
    fn real_time_spacing_shows_gaps_but_never_overlaps() {
        let packets = [ping(1, 0), ping(2, 5), ping(3, 1000), ping(4, 1001)];
        let clients = [(ClientTag(1), "c".to_owned())];
        let view = View {
            end: None,
            rows: 10,
            spacing: Spacing::RealTime { ms_per_row: 100 },
        };
        let scene = layout_view(packets.iter(), &clients, view);
        assert_eq!(
            scene
                .arrows
                .iter()
                .map(|arrow| arrow.row)
                .collect::<Vec<_>>(),
            [0, 1, 10, 11]
        );
        assert_eq!(scene.height, 12);
    }
}
