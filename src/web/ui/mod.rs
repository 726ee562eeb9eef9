//! Yew components: pure views of their props; browser work happens in the drivers.

mod address;
mod app;
mod broker_switch;
mod check_panel;
mod client_card;
mod download;
mod effective_qos;
mod fault_panel;
mod field_table;
mod hex_panel;
mod inspector;
mod language_switch;
mod lesson_panel;
mod message_table;
mod next_frame;
mod packet_bytes;
mod probe_panel;
mod qos_matrix;
mod sequence_diagram;
mod sim_panel;
mod svg_export;
mod theme_switch;
mod version_select;

pub use app::App;
pub use broker_switch::LiveBroker;
