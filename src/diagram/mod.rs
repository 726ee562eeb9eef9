//! The page's geometry, computed as plain data (no web APIs), so the views only draw it and it
//! is tested natively: the sequence diagram's layout and the message table's visible rows.

mod colours;
mod delivery_marks;
mod geometry;
mod layout;
mod mermaid;
mod outcomes;
mod row_window;
mod svg;
mod trace_scene;

use colours::colour_messages;
pub use colours::PALETTE;
use delivery_marks::mark_deliveries;
pub use delivery_marks::DeliveryMark;
pub use geometry::{Fitted, COMPACT_WIDTH, WIDTH};
pub use layout::{layout_view, Arrow, Lane, Scene, Spacing, View, BROKER};
pub use mermaid::to_mermaid;
use outcomes::mark_outcomes;
pub use row_window::{row_window, scroll_to_row, RowWindow};
pub use svg::{escape, scene_svg};
pub use trace_scene::trace_scene;
