//! The diagram as Mermaid sequence-diagram text, for pasting into docs and issues. Lost packets
//! end in a cross (`-x`), re-sends (DUP) are dotted, held packets are noted.

use super::{Scene, BROKER};
use crate::trace::PacketFate;

/// Mermaid text for `scene`.
pub fn to_mermaid(scene: &Scene) -> String {
    let id = |lane: usize| {
        if lane == BROKER {
            "broker".to_owned()
        } else {
            format!("c{lane}")
        }
    };
    let mut out = String::from("sequenceDiagram\n");
    for (index, lane) in scene.lanes.iter().enumerate() {
        out.push_str(&format!(
            "    participant {} as {}\n",
            id(index),
            text(&lane.name)
        ));
    }
    if scene.hidden > 0 {
        out.push_str(&format!(
            "    Note over broker: {} earlier packets not shown\n",
            scene.hidden
        ));
    }
    for arrow in &scene.arrows {
        let line = match (arrow.fate, arrow.dup) {
            (PacketFate::Dropped, _) => "-x",
            (_, true) => "-->>",
            _ => "->>",
        };
        let fate = match arrow.fate {
            PacketFate::Dropped => " (lost)",
            PacketFate::Held => " (held)",
            PacketFate::InTransit => " (in transit)",
            PacketFate::Delivered => "",
        };
        out.push_str(&format!(
            "    {}{line}{}: {}{fate}\n",
            id(arrow.from),
            id(arrow.to),
            text(&arrow.label)
        ));
    }
    out
}

/// Text Mermaid shows as written: its line and statement separators, and `#` (which starts an
/// entity code), are replaced by look-alikes; topics and payloads stay readable.
fn text(value: &str) -> String {
    value
        .chars()
        .map(|c| match c {
            '\n' | '\r' => ' ',
            ';' => '；',
            '#' => '＃',
            c => c,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagram::{Arrow, Lane};

    fn arrow(from: usize, to: usize, label: &str, fate: PacketFate, dup: bool) -> Arrow {
        Arrow {
            id: 0,
            from,
            to,
            row: 0,
            label: label.into(),
            kind: "publish".into(),
            fate,
            dup,
            flow: None,
            colour: None,
            delivery: None,
        }
    }

    #[test]
    fn packets_become_messages_between_participants() {
        let scene = Scene {
            width: crate::diagram::WIDTH,
            lanes: vec![
                Lane {
                    name: "Publisher".into(),
                },
                Lane {
                    name: "Broker".into(),
                },
                Lane {
                    name: "Subscriber".into(),
                },
            ],
            arrows: vec![
                arrow(
                    0,
                    1,
                    "PUBLISH id=1 QoS 1 \"a/#;b\"",
                    PacketFate::Delivered,
                    false,
                ),
                arrow(1, 0, "PUBACK id=1", PacketFate::Dropped, false),
                arrow(
                    0,
                    1,
                    "PUBLISH id=1 QoS 1 DUP \"a/#;b\"",
                    PacketFate::Delivered,
                    true,
                ),
            ],
            hidden: 0,
            after: 0,
            height: 3,
        };
        assert_eq!(
            to_mermaid(&scene),
            "sequenceDiagram\n\
             \x20   participant c0 as Publisher\n\
             \x20   participant broker as Broker\n\
             \x20   participant c2 as Subscriber\n\
             \x20   c0->>broker: PUBLISH id=1 QoS 1 \"a/＃；b\"\n\
             \x20   broker-xc0: PUBACK id=1 (lost)\n\
             \x20   c0-->>broker: PUBLISH id=1 QoS 1 DUP \"a/＃；b\"\n"
        );
    }
}
