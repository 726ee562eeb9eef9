//! The one-way latency each simulated world gives its links, by who watches it. Each is set once,
//! when the world is made ([`World::with_latency`](super::World::with_latency)); the fault panel
//! may change it later.

/// The broker check on the simulated broker: nobody watches it happen (its diagram is read
/// afterwards, and time is simulated anyway), so just enough to keep packets visibly apart.
pub const CHECK_LATENCY_MS: u64 = 5;

/// The page's workbench: a person publishes by hand and follows each arrow across the diagram
/// as it travels, on real time.
pub const WORKBENCH_LATENCY_MS: u64 = 350;

/// The lessons: a little slower than the workbench, since each arrow is read alongside the
/// step's narration, and a lesson's timings (and their tests) are set against this pace.
pub const LESSON_LATENCY_MS: u64 = 400;
