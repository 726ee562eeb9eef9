//! Yew components: pure views of their props; browser work happens in the drivers.

mod address;
mod app;
mod broker_switch;
mod check_panel;
mod client_card;
mod client_list;
mod coverage_table;
mod download;
mod effective_qos;
mod export_bar;
mod fault_panel;
mod field_table;
mod form_input;
mod hex_panel;
mod inspector;
mod language_switch;
mod lesson_panel;
mod message_table;
mod next_frame;
mod packet_bytes;
mod probe_panel;
mod publish_bar;
mod publish_form;
mod qos_matrix;
mod quiz_card;
mod routing;
mod sequence_diagram;
mod sim_panel;
mod subscriptions_form;
mod svg_export;
mod theme_switch;
mod timeline_bar;
mod version_select;
mod workbench_reducer;

pub use app::App;
pub use broker_switch::LiveBroker;
