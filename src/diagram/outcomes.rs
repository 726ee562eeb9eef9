//! Outcomes the arrows alone do not tell: a publish whose session was lost after PUBREC ends
//! with its delivery unknown, and its last arrow says so, so the diagram never suggests a
//! delivery that cannot be known.

use super::Scene;
use crate::trace::{FlowState, TraceStore};

/// What the last arrow of a flow whose delivery is unknown adds to its label.
pub const UNKNOWN_MARK: &str = " · delivery unknown: session lost after PUBREC";

/// Marks the last arrow of each flow that ended with its delivery unknown.
pub fn mark_outcomes(scene: &mut Scene, store: &TraceStore) {
    let mut marked = Vec::new();
    for arrow in scene.arrows.iter_mut().rev() {
        let Some(flow) = arrow.flow else { continue };
        if marked.contains(&flow) {
            continue;
        }
        if store
            .flow(flow)
            .is_some_and(|record| record.state == FlowState::Unknown)
        {
            arrow.label.push_str(UNKNOWN_MARK);
            marked.push(flow);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagram::{layout_view, View};
    use crate::lesson::find;
    use crate::trace::ClientTag;

    #[test]
    fn the_lost_session_lesson_marks_the_unknown_publish_on_its_last_arrow() {
        let lesson = find("lost-session-after-pubrec").unwrap();
        for version in [
            crate::codec::ProtocolVersion::V311,
            crate::codec::ProtocolVersion::V5,
        ] {
            let mut world = lesson.world(version);
            for step in lesson.steps {
                for act in step.acts {
                    act.apply(&mut world);
                }
                world.run_until_quiet(10_000).unwrap();
            }
            let mut store = TraceStore::new(1_000, 1_000);
            store.extend(world.poll_trace());
            let clients = [
                (ClientTag(1), "Publisher".to_owned()),
                (ClientTag(2), "Subscriber".to_owned()),
            ];
            let mut scene = layout_view(store.packets(), &clients, View::newest(100));
            mark_outcomes(&mut scene, &store);
            let marked: Vec<&str> = scene
                .arrows
                .iter()
                .filter(|arrow| arrow.label.ends_with(UNKNOWN_MARK))
                .map(|arrow| arrow.kind.as_str())
                .collect();
            assert_eq!(marked, ["pubrel"], "{version}");
        }
    }
}
