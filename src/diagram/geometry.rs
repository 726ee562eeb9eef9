//! Where the diagram's lanes, rows and texts go, in the SVG's units, and texts fitted to their
//! room: a label wider than the gap between its lanes is shortened with an ellipsis (the whole
//! text goes in its tooltip and the inspector), so no label is ever cut off at the diagram's
//! edge. Text widths are estimated from the font size: the diagram's font is monospace.

use super::{Arrow, Scene};

/// The diagram's usual width.
pub const WIDTH: u32 = 960;
/// The width of a diagram that shares the screen with a side column (the workbench's, a
/// lesson's): laid out narrower, so that its texts are drawn larger.
pub const COMPACT_WIDTH: u32 = 640;
/// Room left and right of the outer lanes.
const MARGIN: f32 = 70.0;
/// Room above the first row, for the lane names.
const HEADER: f32 = 44.0;
/// One row's height.
const ROW: f32 = 30.0;
/// Font sizes, in px (as static/app.css sets them).
pub const LABEL_PX: f32 = 12.0;
/// The delivery mark under a delivered PUBLISH.
pub const MARK_PX: f32 = 10.0;
/// Lane names.
pub const LANE_NAME_PX: f32 = 14.0;
/// A character's advance in ems: 0.6 in the common monospace fonts, a little more for safety.
const CHAR_EM: f32 = 0.62;
/// Space kept clear at each end of a text.
const PAD: f32 = 6.0;

/// A text placed and fitted to its room.
#[derive(Debug, Clone, PartialEq)]
pub struct Fitted {
    /// What is drawn: the text, or its start and an ellipsis.
    pub text: String,
    /// The centre of the text.
    pub x: f32,
    /// Whether it was shortened (the whole text then goes in its tooltip).
    pub shortened: bool,
}

/// How many monospace cells `c` takes: two for the wide (CJK) characters.
fn cells(c: char) -> f32 {
    let wide = matches!(u32::from(c), 0x1100..=0x115F | 0x2E80..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF | 0xFE30..=0xFE4F | 0xFF00..=0xFF60 | 0xFFE0..=0xFFE6);
    if wide {
        2.0
    } else {
        1.0
    }
}

/// The estimated width of `text` at `font_px`.
pub fn text_width(text: &str, font_px: f32) -> f32 {
    text.chars().map(cells).sum::<f32>() * CHAR_EM * font_px
}

/// `text`, or as much of its start as fits in `room` px with an ellipsis; and whether it was cut.
pub fn fit(text: &str, room: f32, font_px: f32) -> (String, bool) {
    if text_width(text, font_px) <= room {
        return (text.to_owned(), false);
    }
    let budget = room - text_width("…", font_px);
    let mut used = 0.0;
    let mut out: String = text
        .chars()
        .take_while(|c| {
            used += cells(*c) * CHAR_EM * font_px;
            used <= budget
        })
        .collect();
    out.truncate(out.trim_end().len());
    out.push('…');
    (out, true)
}

impl Scene {
    /// The x of `lane`'s lifeline.
    pub fn lane_x(&self, lane: usize) -> f32 {
        let lanes = self.lanes.len().max(2);
        MARGIN + lane as f32 * (self.width as f32 - 2.0 * MARGIN) / (lanes - 1) as f32
    }

    /// The y of `row`'s arrow.
    pub fn row_y(&self, row: usize) -> f32 {
        HEADER + (row as f32 + 0.7) * ROW
    }

    /// The SVG's height: every row, and a little room below the last.
    pub fn svg_height(&self) -> f32 {
        HEADER + (self.height.max(1) as f32 + 0.8) * ROW
    }

    /// The room between an arrow's two lanes.
    fn span(&self, arrow: &Arrow) -> (f32, f32) {
        let (x1, x2) = (self.lane_x(arrow.from), self.lane_x(arrow.to));
        ((x1 + x2) / 2.0, (x2 - x1).abs() - 2.0 * PAD)
    }

    /// The arrow's label, centred between its lanes and no wider than the gap.
    pub fn arrow_label(&self, arrow: &Arrow) -> Fitted {
        let (x, room) = self.span(arrow);
        let (text, shortened) = fit(&arrow.label, room, LABEL_PX);
        Fitted { text, x, shortened }
    }

    /// A mark drawn under the arrow (its delivery's QoS), fitted like the label.
    pub fn arrow_mark(&self, arrow: &Arrow, mark: &str) -> Fitted {
        let (x, room) = self.span(arrow);
        let (text, shortened) = fit(mark, room, MARK_PX);
        Fitted { text, x, shortened }
    }

    /// A lane's name, centred on its lifeline and no wider than the room between its
    /// neighbours (or to the diagram's edge).
    pub fn lane_name(&self, lane: usize) -> Fitted {
        let x = self.lane_x(lane);
        let gap = if self.lanes.len() > 1 {
            self.lane_x(1) - self.lane_x(0)
        } else {
            self.width as f32
        };
        // An outer lane's name is centred on a lifeline MARGIN from the edge.
        let outer = lane == 0 || lane + 1 >= self.lanes.len();
        let room = if outer { gap.min(2.0 * MARGIN) } else { gap } - 2.0 * PAD;
        let name = self.lanes.get(lane).map_or("", |lane| lane.name.as_str());
        let (text, shortened) = fit(name, room, LANE_NAME_PX);
        Fitted { text, x, shortened }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagram::Lane;
    use crate::trace::PacketFate;

    fn scene(lanes: usize, arrows: Vec<Arrow>) -> Scene {
        Scene {
            width: WIDTH,
            lanes: (0..lanes)
                .map(|index| Lane {
                    name: format!("client-{index}"),
                })
                .collect(),
            height: arrows.len(),
            arrows,
            hidden: 0,
            after: 0,
        }
    }

    fn arrow(from: usize, to: usize, label: &str) -> Arrow {
        Arrow {
            id: 1,
            from,
            to,
            row: 0,
            label: label.into(),
            kind: "subscribe".into(),
            fate: PacketFate::Delivered,
            dup: false,
            flow: None,
            colour: None,
            delivery: None,
        }
    }

    /// The fitted text's left and right ends.
    fn extent(fitted: &Fitted, font_px: f32) -> (f32, f32) {
        let half = text_width(&fitted.text, font_px) / 2.0;
        (fitted.x - half, fitted.x + half)
    }

    #[test]
    fn a_short_label_is_drawn_whole_between_its_lanes() {
        let scene = scene(3, vec![arrow(0, 1, "PUBACK id=1")]);
        let label = scene.arrow_label(&scene.arrows[0]);
        assert_eq!(
            (label.text.as_str(), label.shortened),
            ("PUBACK id=1", false)
        );
        assert_eq!(label.x, (scene.lane_x(0) + scene.lane_x(1)) / 2.0);
    }

    #[test]
    fn a_long_label_on_the_first_lane_is_shortened_and_stays_inside_the_diagram() {
        // The broker check draws up to five clients: the gaps are narrow, and a label centred
        // on the first gap used to run off the left edge ("CRIBE id=1 ...").
        let long = "SUBSCRIBE id=1 [\"qoscope-check/run-1234/overlap/#\" QoS 2, \"qoscope-check/run-1234/overlap/+\" QoS 1]";
        let scene = scene(6, vec![arrow(0, 1, long), arrow(4, 5, long)]);
        for arrow in &scene.arrows {
            let label = scene.arrow_label(arrow);
            assert!(label.shortened);
            assert!(label.text.starts_with("SUBSCRIBE id=1 ") && label.text.ends_with('…'));
            let (left, right) = extent(&label, LABEL_PX);
            let (lane_left, lane_right) = (scene.lane_x(arrow.from), scene.lane_x(arrow.to));
            assert!(
                left >= lane_left && right <= lane_right,
                "{left}..{right} outside {lane_left}..{lane_right}"
            );
            assert!(left >= 0.0 && right <= WIDTH as f32);
        }
    }

    #[test]
    fn wide_characters_count_double() {
        assert_eq!(text_width("ab", 10.0), text_width("订", 10.0));
        let (text, shortened) = fit("发布者发布者发布者", text_width("发布者", 10.0), 10.0);
        assert!(shortened);
        assert_eq!(text, "发布…");
    }

    #[test]
    fn lane_names_fit_their_room_and_the_edge() {
        let mut scene = scene(3, Vec::new());
        scene.lanes[0].name = "a publisher with a very long client identifier".into();
        let name = scene.lane_name(0);
        assert!(name.shortened);
        let (left, right) = extent(&name, LANE_NAME_PX);
        assert!(left >= 0.0 && right <= scene.lane_x(1), "{left}..{right}");
        assert!(!scene.lane_name(1).shortened);
    }
}
