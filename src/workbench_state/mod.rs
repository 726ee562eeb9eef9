//! The diagram panel's state as plain data, changed only by [`WorkbenchState::reduce`]: the
//! faults armed for the next publish, the packet chosen and the message hovered, a trace opened
//! from a file, the timeline, the roster of clients and what went wrong. Commands run on the
//! clients in the browser; their outcomes come back as [`Action`]s, so every change to what the
//! panel shows is a plain function of data, tested natively. Here too are the facts the panel
//! asks of a client's session ([`SessionView`], [`ClientView`]).

mod client_view;
mod problem;
mod roster;
mod session_view;
mod timeline;

use std::rc::Rc;

use crate::diagram::Spacing;
use crate::trace::{ClientTag, FlowId, TraceStore};

pub use client_view::ClientView;
pub use problem::Problem;
pub use roster::{Roster, RosterEntry};
pub use session_view::SessionView;
pub use timeline::{ms_per_row, spacing_of, Timeline, Window};

/// A trace opened from a file, shown instead of the live one.
#[derive(Debug)]
pub struct Replay {
    /// Its packets and flows.
    pub store: TraceStore,
    /// Its lane names by trace tag.
    pub clients: Vec<(ClientTag, String)>,
}

/// What the panel shows, apart from the live trace itself (which grows at the wire's pace and
/// is kept beside the state, not copied with it).
#[derive(Debug, Clone, Default)]
pub struct WorkbenchState {
    /// Lose the acknowledgement of the next publish from the bar on its way to the publisher.
    pub lose_ack: bool,
    /// Have the subscriber withhold its acknowledgement of the next message.
    pub withhold_ack: bool,
    /// The packet open in the inspector, by id.
    pub selected: Option<u64>,
    /// The message whose flows are lit.
    pub hovered: Option<FlowId>,
    /// A trace opened from a file, shown instead of the live one.
    pub replay: Option<Rc<Replay>>,
    /// Why the last publish from the bar did not go out.
    pub publish_problem: Option<Problem>,
    /// Why the last export or import failed.
    pub file_problem: Option<Problem>,
    /// The diagram's position and spacing.
    pub timeline: Timeline,
    /// The clients.
    pub roster: Roster,
}

/// A change to the state: something the person did, or the outcome of a command.
#[derive(Debug, Clone)]
pub enum Action {
    /// Arm or disarm losing the publisher's next acknowledgement.
    ToggleLoss,
    /// Arm or disarm the subscriber withholding its next acknowledgement.
    ToggleWithhold,
    /// Open a packet in the inspector.
    Select(u64),
    /// Close the inspector.
    CloseInspector,
    /// Light a message's flows, or none.
    Hover(Option<FlowId>),
    /// A publish from the bar went out, or why not.
    Published(Option<Problem>),
    /// An export was made, or why not; an import failed.
    FileDone(Option<Problem>),
    /// Show a trace opened from a file.
    Replay(Rc<Replay>),
    /// Show the live trace again.
    BackToLive,
    /// Pause the diagram with `end` (within `window`) as its last packet shown.
    ShowUpTo {
        /// One past the last packet shown, counted from the oldest kept.
        end: usize,
        /// The store's window when asked.
        window: Window,
    },
    /// Follow the newest packet.
    Follow,
    /// Space the rows.
    Spacing(Spacing),
    /// A client was added to the workbench with this name.
    ClientAdded(String),
    /// A client was disconnected and its card removed.
    ClientRemoved(usize),
    /// A command on a client's card was done, or why not.
    ClientDone {
        /// Its index in the workbench.
        client: usize,
        /// What went wrong, if anything.
        problem: Option<Problem>,
    },
    /// The clients now run on another broker: new clients, no packet chosen.
    BrokerChanged,
    /// The live trace grew: nothing here changes, but what is drawn from the trace does.
    TraceGrew,
}

impl WorkbenchState {
    /// Applies `action`.
    pub fn reduce(&mut self, action: Action) {
        match action {
            Action::ToggleLoss => self.lose_ack = !self.lose_ack,
            Action::ToggleWithhold => self.withhold_ack = !self.withhold_ack,
            Action::Select(id) => self.selected = Some(id),
            Action::CloseInspector => self.selected = None,
            Action::Hover(flow) => self.hovered = flow,
            Action::Published(problem) => self.publish_problem = problem,
            Action::FileDone(problem) => self.file_problem = problem,
            Action::Replay(replay) => {
                self.selected = None;
                self.file_problem = None;
                self.replay = Some(replay);
            }
            Action::BackToLive => {
                self.selected = None;
                self.replay = None;
            }
            Action::ShowUpTo { end, window } => self.timeline.show_up_to(end, window),
            Action::Follow => self.timeline.follow(),
            Action::Spacing(spacing) => self.timeline.spacing = spacing,
            Action::ClientAdded(name) => self.roster.add(name),
            Action::ClientRemoved(client) => {
                self.roster.change(client, |entry| entry.removed = true)
            }
            Action::ClientDone { client, problem } => {
                self.roster.change(client, |entry| entry.problem = problem)
            }
            Action::BrokerChanged => {
                self.selected = None;
                self.roster = Roster::default();
            }
            Action::TraceGrew => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Text;

    fn after(actions: impl IntoIterator<Item = Action>) -> WorkbenchState {
        let mut state = WorkbenchState::default();
        for action in actions {
            state.reduce(action);
        }
        state
    }

    #[test]
    fn a_replay_closes_the_inspector_and_clears_a_file_problem() {
        let replay = Rc::new(Replay {
            store: TraceStore::new(10, 10),
            clients: vec![(ClientTag(1), "a".into())],
        });
        let state = after([
            Action::Select(4),
            Action::FileDone(Some(Problem::Said(Text::FileUnreadable))),
            Action::Replay(replay),
        ]);
        assert_eq!(state.selected, None);
        assert_eq!(state.file_problem, None);
        assert!(state.replay.is_some());
        let live = after([Action::Select(4), Action::BackToLive]);
        assert!(live.replay.is_none() && live.selected.is_none());
    }

    #[test]
    fn a_refused_publish_is_kept_until_the_next_one_goes_out() {
        let refused = Problem::NotConnected(Text::Publish);
        let state = after([Action::Published(Some(refused.clone()))]);
        assert_eq!(state.publish_problem, Some(refused.clone()));
        let state = after([Action::Published(Some(refused)), Action::Published(None)]);
        assert_eq!(state.publish_problem, None);
    }

    #[test]
    fn a_client_problem_stays_on_its_own_card() {
        let state = after([
            Action::ClientAdded("Client 3".into()),
            Action::ClientDone {
                client: 2,
                problem: Some(Problem::Worded("bad".into())),
            },
        ]);
        let problems: Vec<(usize, Option<Problem>)> = state
            .roster
            .shown()
            .map(|(index, entry)| (index, entry.problem.clone()))
            .collect();
        assert_eq!(
            problems,
            [
                (0, None),
                (1, None),
                (2, Some(Problem::Worded("bad".into())))
            ]
        );
    }

    #[test]
    fn another_broker_starts_with_the_two_clients_and_nothing_chosen() {
        let state = after([
            Action::ClientAdded("Client 3".into()),
            Action::ClientRemoved(0),
            Action::Select(9),
            Action::ToggleLoss,
            Action::BrokerChanged,
        ]);
        assert_eq!(state.roster, Roster::default());
        assert_eq!(state.selected, None);
        assert!(state.lose_ack, "the armed fault stays for the next publish");
    }

    #[test]
    fn toggles_and_the_timeline_change_only_themselves() {
        let window = Window {
            evicted: 0,
            kept: 5,
        };
        let state = after([
            Action::ToggleWithhold,
            Action::ShowUpTo { end: 3, window },
            Action::Spacing(spacing_of(100)),
            Action::Hover(None),
            Action::TraceGrew,
        ]);
        assert!(state.withhold_ack && !state.lose_ack);
        assert_eq!(state.timeline.view(window, 40).end, Some(3));
        assert_eq!(ms_per_row(state.timeline.spacing), 100);
        let state = after([Action::ShowUpTo { end: 3, window }, Action::Follow]);
        assert!(!state.timeline.is_paused());
    }
}
