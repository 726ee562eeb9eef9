//! The rows of a long table that are in view, so only those are put in the page (the message
//! table can hold thousands): fixed-height rows, a scroll offset and a viewport height in, the
//! visible range and the spacer heights around it out.

/// Which rows to render and how much empty space stands for the rest.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RowWindow {
    /// The first row to render.
    pub first: usize,
    /// One past the last row to render.
    pub end: usize,
    /// Height of the rows above `first`, in px.
    pub space_before: u32,
    /// Height of the rows from `end` on, in px.
    pub space_after: u32,
}

/// The rows in view, with `overscan` more on each side so a fast scroll shows no gap.
pub fn row_window(
    rows: usize,
    row_height: u32,
    scroll_top: u32,
    viewport_height: u32,
    overscan: usize,
) -> RowWindow {
    let row_height = row_height.max(1) as usize;
    let top = scroll_top as usize / row_height;
    let visible = (viewport_height as usize).div_ceil(row_height) + 1;
    let first = top.saturating_sub(overscan).min(rows);
    let end = (top + visible + overscan).min(rows);
    let height = |count: usize| u32::try_from(count * row_height).unwrap_or(u32::MAX);
    RowWindow {
        first,
        end,
        space_before: height(first),
        space_after: height(rows - end),
    }
}

/// The scroll offset that puts `row` in the middle of the viewport.
pub fn scroll_to_row(row: usize, row_height: u32, viewport_height: u32) -> u32 {
    let top = u32::try_from(row)
        .unwrap_or(u32::MAX)
        .saturating_mul(row_height);
    top.saturating_sub(viewport_height.saturating_sub(row_height) / 2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_rows_in_view_and_the_overscan_are_rendered_out_of_ten_thousand() {
        let window = row_window(10_000, 28, 28 * 5_000, 280, 4);
        assert_eq!(window.first, 4_996);
        assert_eq!(window.end, 5_000 + 11 + 4);
        assert!(window.end - window.first < 25);
        let total =
            window.space_before + (window.end - window.first) as u32 * 28 + window.space_after;
        assert_eq!(
            total,
            10_000 * 28,
            "the spacers keep the scroll height of every row"
        );
    }

    #[test]
    fn the_window_stays_inside_the_rows_at_both_ends() {
        assert_eq!(
            row_window(100, 28, 0, 280, 4),
            RowWindow {
                first: 0,
                end: 15,
                space_before: 0,
                space_after: 85 * 28
            }
        );
        let past_the_end = row_window(100, 28, 1_000_000, 280, 4);
        assert_eq!((past_the_end.first, past_the_end.end), (100, 100));
        assert_eq!(past_the_end.space_before, 100 * 28);
        assert_eq!(row_window(0, 28, 0, 280, 4).end, 0);
    }

    #[test]
    fn scrolling_to_a_row_centres_it_and_never_goes_above_the_top() {
        assert_eq!(scroll_to_row(100, 28, 280), 100 * 28 - 126);
        assert_eq!(scroll_to_row(1, 28, 280), 0);
        let offset = scroll_to_row(5_000, 28, 280);
        let window = row_window(10_000, 28, offset, 280, 0);
        assert!((window.first..window.end).contains(&5_000));
    }
}
