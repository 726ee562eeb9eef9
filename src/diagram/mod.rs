//! The sequence diagram's geometry, computed from the trace as plain data (no web APIs), so the
//! view only draws it and the layout is tested natively.

mod layout;
mod mermaid;

pub use layout::{layout, Arrow, Lane, Scene, BROKER};
pub use mermaid::to_mermaid;
