//! A laid-out [`Scene`] as standalone SVG text, for reports that are files (the broker check's
//! HTML report). Lanes are spaced so that the longest label fits between two of them and the
//! first and last lanes' names fit inside the picture: no label is cut off at an edge. Every
//! label is escaped; colours come from classes the embedding document styles.

use super::Scene;
use crate::i18n::Lang;
use crate::trace::PacketFate;

const HEADER: f32 = 44.0;
const ROW: f32 = 30.0;
/// An estimate of a label character's width at the 12 px the labels are drawn in (wide enough
/// for capitals and digits, which most labels are).
const CHAR: f32 = 7.2;
const MIN_GAP: f32 = 180.0;
const PAD: f32 = 16.0;

/// Text for XML: `&`, `<`, `>` and quotes escaped, control characters left out.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() && c != '\n' && c != '\t' => {}
            c => out.push(c),
        }
    }
    out
}

fn width_of(text: &str) -> f32 {
    text.chars().count() as f32 * CHAR
}

/// The scene as an `<svg>` element (no XML prolog: it is meant to sit inside HTML).
pub fn scene_svg(scene: &Scene, title: &str) -> String {
    let lanes = scene.lanes.len().max(2);
    // Each label sits centred over its arrow, which spans at least one gap.
    // Reports are in English; a delivered PUBLISH's mark sits under its label.
    let marks: Vec<Option<String>> = scene
        .arrows
        .iter()
        .map(|arrow| arrow.delivery.map(|mark| mark.text(Lang::En)))
        .collect();
    let longest_label = scene
        .arrows
        .iter()
        .zip(&marks)
        .map(|(arrow, mark)| {
            let text = width_of(&arrow.label).max(mark.as_deref().map_or(0.0, width_of));
            text / (arrow.from.abs_diff(arrow.to).max(1) as f32)
        })
        .fold(0.0, f32::max);
    let gap = (longest_label + PAD).max(MIN_GAP);
    let name = |index: usize| {
        scene
            .lanes
            .get(index)
            .map_or(0.0, |lane| width_of(&lane.name) * 1.1)
    };
    let margin = (name(0).max(name(lanes - 1)) / 2.0 + PAD).max(PAD * 3.0);
    let width = 2.0 * margin + gap * (lanes - 1) as f32;
    let height = HEADER + (scene.height.max(1) as f32 + 0.8) * ROW;
    let x = |lane: usize| margin + lane as f32 * gap;
    let mut out = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"sequence\" viewBox=\"0 0 {width:.0} {height:.0}\" width=\"{width:.0}\" role=\"img\" aria-label=\"{}\">",
        escape(title)
    );
    out.push_str("<defs><marker id=\"head\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 L0,10 z\" class=\"arrow-head\"/></marker></defs>");
    for (index, lane) in scene.lanes.iter().enumerate() {
        out.push_str(&format!(
            "<text class=\"lane-name\" x=\"{:.1}\" y=\"22\" text-anchor=\"middle\">{}</text><line class=\"lifeline\" x1=\"{0:.1}\" y1=\"32\" x2=\"{0:.1}\" y2=\"{height:.0}\"/>",
            x(index),
            escape(&lane.name)
        ));
    }
    for (arrow, mark) in scene.arrows.iter().zip(&marks) {
        let y = HEADER + (arrow.row as f32 + 0.7) * ROW;
        let (x1, x2) = (x(arrow.from), x(arrow.to));
        let (end, fate) = match arrow.fate {
            PacketFate::Dropped => ((x1 + x2) / 2.0, "dropped"),
            PacketFate::Held => (x1 + (x2 - x1) * 0.15, "held"),
            PacketFate::Delivered => (x2, "delivered"),
            PacketFate::InTransit => (x2, "in-transit"),
        };
        out.push_str(&format!(
            "<g class=\"arrow arrow--{} arrow--{fate}{}\">",
            escape(&arrow.kind),
            if arrow.dup { " arrow--dup" } else { "" }
        ));
        if let (Some(delivery), Some(text)) = (arrow.delivery, mark) {
            out.push_str(&format!(
                "<title>{}\n{}\n{}</title>",
                escape(&arrow.label),
                escape(text),
                escape(&delivery.explanation(Lang::En))
            ));
        }
        out.push_str(&format!(
            "<line x1=\"{x1:.1}\" y1=\"{y:.1}\" x2=\"{end:.1}\" y2=\"{y:.1}\"{}/>",
            if arrow.fate == PacketFate::Dropped {
                ""
            } else {
                " marker-end=\"url(#head)\""
            }
        ));
        if arrow.fate == PacketFate::Dropped {
            out.push_str(&format!(
                "<text class=\"lost-mark\" x=\"{end:.1}\" y=\"{:.1}\" text-anchor=\"middle\">✕</text>",
                y + 5.0
            ));
        }
        out.push_str(&format!(
            "<text class=\"arrow-label\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
            (x1 + x2) / 2.0,
            y - 6.0,
            escape(&arrow.label)
        ));
        if let (Some(delivery), Some(text)) = (arrow.delivery, mark) {
            out.push_str(&format!(
                "<text class=\"{}\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
                delivery.classes(),
                (x1 + x2) / 2.0,
                y + 11.0,
                escape(text)
            ));
        }
        out.push_str("</g>");
    }
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagram::{Arrow, DeliveryMark, Lane, WIDTH};

    fn scene(label: &str, lane: &str) -> Scene {
        Scene {
            width: WIDTH,
            lanes: vec![
                Lane { name: lane.into() },
                Lane {
                    name: "Broker".into(),
                },
            ],
            arrows: vec![Arrow {
                id: 1,
                from: 0,
                to: 1,
                row: 0,
                label: label.into(),
                kind: "publish".into(),
                fate: PacketFate::Delivered,
                dup: false,
                flow: None,
                colour: None,
                delivery: None,
            }],
            hidden: 0,
            after: 0,
            height: 1,
        }
    }

    #[test]
    fn a_delivered_publish_carries_its_mark_and_why() {
        use crate::codec::QoS;
        let mut downgraded = scene("PUBLISH id=1 q1 \"t\"", "Subscriber");
        downgraded.arrows[0].delivery = Some(DeliveryMark {
            publish: Some(QoS::ExactlyOnce),
            granted: Some(QoS::AtLeastOnce),
            delivered: QoS::AtLeastOnce,
            expected: Some(QoS::AtLeastOnce),
            mismatch: false,
            duplicate: false,
            breaks_exactly_once: false,
        });
        let mark = downgraded.arrows[0].delivery.unwrap().text(Lang::En);
        let svg = scene_svg(&downgraded, "t");
        assert!(
            svg.contains("class=\"arrow-mark arrow-mark--downgraded\"")
                && svg.contains(&escape(&mark)),
            "{svg}"
        );
        assert!(svg.contains("<title>") && svg.contains("granted"), "{svg}");
        // No delivery, no mark and no tooltip.
        let plain = scene_svg(&scene("PUBACK id=1", "Subscriber"), "t");
        assert!(!plain.contains("arrow-mark") && !plain.contains("<title>"));
    }

    #[test]
    fn labels_and_names_are_escaped() {
        let svg = scene_svg(&scene("PUBLISH \"<script>\" & more", "a<b>"), "t\"x");
        assert!(svg.contains("PUBLISH &quot;&lt;script&gt;&quot; &amp; more"));
        assert!(svg.contains(">a&lt;b&gt;<"));
        assert!(svg.contains("aria-label=\"t&quot;x\""));
        assert!(!svg.contains("<script>"));
    }

    #[test]
    fn a_long_label_and_a_long_first_lane_name_fit_inside() {
        let label = "PUBLISH id=1 QoS 1 \"qoscope-check/abcdef/v5/a-long-check-name/topic\"";
        let name = "a-client-with-a-long-name";
        let svg = scene_svg(&scene(label, name), "t");
        let width: f32 = svg
            .split("width=\"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .and_then(|value| value.parse().ok())
            .unwrap();
        let margin = (width - (label.len() as f32 * CHAR + PAD).max(MIN_GAP)) / 2.0;
        // The label is centred between the lanes; the first lane's name centred on it.
        assert!(label.len() as f32 * CHAR <= width - 2.0 * margin + PAD);
        assert!(name.len() as f32 * CHAR / 2.0 <= margin);
    }
}
