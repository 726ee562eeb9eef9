//! Yew components: pure views of their props; browser work happens in the drivers.

mod app;
mod check_panel;
mod download;
mod fault_panel;
mod field_table;
mod hex_panel;
mod lesson_panel;
mod probe_panel;
mod sequence_diagram;
mod sim_panel;
mod version_select;

pub use app::App;
