//! The diagram's timeline: following the newest packet or paused on one, and the row spacing.
//! A paused position counts from the first packet ever recorded, so it stays on the same packet
//! while old ones leave the store's window.

use crate::diagram::{Spacing, View};
use crate::trace::TraceStore;

/// The store's window when the timeline is used: packets pushed out of it, and packets kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    /// Packets pushed out before the oldest one kept.
    pub evicted: u64,
    /// Packets kept.
    pub kept: usize,
}

impl Window {
    /// The window `store` keeps now.
    pub fn of(store: &TraceStore) -> Window {
        Window {
            evicted: store.evicted_packets(),
            kept: store.packets().len(),
        }
    }

    /// `end` within the packets kept (at least one, when there is one).
    fn clamp(self, end: usize) -> usize {
        end.clamp(1.min(self.kept), self.kept)
    }
}

/// Where the diagram's view ends, and how its rows are spaced.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Timeline {
    /// One past the last packet shown, counted from the first ever recorded; `None` follows the
    /// newest.
    paused_at: Option<u64>,
    /// Row spacing.
    pub spacing: Spacing,
}

impl Timeline {
    /// Whether the view stays put while packets arrive.
    pub fn is_paused(&self) -> bool {
        self.paused_at.is_some()
    }

    /// The diagram's view of `window`, at most `rows` packets.
    pub fn view(&self, window: Window, rows: usize) -> View {
        View {
            end: self
                .paused_at
                .map(|absolute| window.clamp(absolute.saturating_sub(window.evicted) as usize)),
            rows,
            spacing: self.spacing,
        }
    }

    /// Pauses the view with `end` (counted within `window`) as its last packet shown.
    pub(super) fn show_up_to(&mut self, end: usize, window: Window) {
        self.paused_at = Some(window.evicted + window.clamp(end) as u64);
    }

    /// Follows the newest packet again.
    pub(super) fn follow(&mut self) {
        self.paused_at = None;
    }
}

/// Row spacing from milliseconds per row, 0 for one row per packet.
pub fn spacing_of(ms_per_row: u64) -> Spacing {
    match ms_per_row {
        0 => Spacing::PerPacket,
        ms_per_row => Spacing::RealTime { ms_per_row },
    }
}

/// Milliseconds per row of `spacing`, 0 for one row per packet.
pub fn ms_per_row(spacing: Spacing) -> u64 {
    match spacing {
        Spacing::PerPacket => 0,
        Spacing::RealTime { ms_per_row } => ms_per_row,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Where `timeline` ends its view when the store has dropped `evicted` and keeps `kept`.
    fn end(timeline: &Timeline, evicted: u64, kept: usize) -> Option<usize> {
        timeline.view(Window { evicted, kept }, 40).end
    }

    #[test]
    fn a_paused_view_stays_on_its_packet_while_old_ones_leave() {
        let mut timeline = Timeline::default();
        assert_eq!(end(&timeline, 0, 10), None);
        timeline.show_up_to(
            8,
            Window {
                evicted: 0,
                kept: 10,
            },
        );
        assert!(timeline.is_paused());
        // Five packets later the store has dropped its five oldest: the same packet is now 3rd.
        assert_eq!(end(&timeline, 5, 10), Some(3));
        // Once that packet has left too, the view keeps the oldest one left.
        assert_eq!(end(&timeline, 20, 10), Some(1));
        timeline.follow();
        assert_eq!(end(&timeline, 20, 10), None);
    }

    #[test]
    fn a_position_is_clamped_to_the_packets_kept() {
        let mut timeline = Timeline::default();
        let window = Window {
            evicted: 2,
            kept: 4,
        };
        timeline.show_up_to(0, window);
        assert_eq!(timeline.view(window, 40).end, Some(1));
        timeline.show_up_to(99, window);
        assert_eq!(timeline.view(window, 40).end, Some(4));
        let empty = Window {
            evicted: 0,
            kept: 0,
        };
        timeline.show_up_to(3, empty);
        assert_eq!(timeline.view(empty, 40).end, Some(0));
    }

    #[test]
    fn spacing_round_trips_through_milliseconds_per_row() {
        for ms in [0, 100, 1000] {
            assert_eq!(ms_per_row(spacing_of(ms)), ms);
        }
        assert_eq!(spacing_of(0), Spacing::PerPacket);
    }
}
