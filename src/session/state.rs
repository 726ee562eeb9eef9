//! Session state as a serializable value, so the browser can keep it across a page reload and
//! resume with clean start 0 without losing in-flight messages.

use std::collections::VecDeque;

use serde::{Deserialize, Serialize};

use super::outgoing::{OutgoingEntry, PidAllocator, Request};
use super::{ConnectOptions, QueuedPublish, Session};
use crate::codec::{Pid, QoS, ReasonCode, SubscriptionOptions};
use crate::trace::FlowId;

/// One subscription and what the server granted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubscriptionRecord {
    /// Topic filter.
    pub filter: String,
    /// Requested options.
    pub options: SubscriptionOptions,
    /// Granted QoS or failure code; `None` until SUBACK.
    pub outcome: Option<Result<QoS, ReasonCode>>,
}

/// Everything a session must keep to resume: in-flight and queued messages with their packet
/// ids, QoS 2 ids received but not released, pending SUBSCRIBE/UNSUBSCRIBE, subscriptions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SessionState {
    /// The options in use (client id and credentials included).
    pub options: ConnectOptions,
    /// Whether the broker may hold our session.
    pub has_session: bool,
    /// The packet id counter.
    pub pids: PidAllocator,
    /// The flow counter, so flow ids stay unique.
    pub next_flow: u32,
    /// The connection counter.
    pub connection: u32,
    /// In-flight outgoing messages in send order.
    pub outgoing: Vec<(Pid, OutgoingEntry)>,
    /// Messages waiting to be sent.
    pub queued: VecDeque<QueuedPublish>,
    /// SUBSCRIBE/UNSUBSCRIBE waiting for their acknowledgement.
    pub requests: Vec<(Pid, Request)>,
    /// Incoming QoS 2 ids held until PUBREL, with their flows.
    pub incoming_qos2: Vec<(Pid, FlowId)>,
    /// Subscriptions.
    pub subscriptions: Vec<SubscriptionRecord>,
}

impl Session {
    /// The state to keep (write it before sending anything that depends on it).
    pub fn state(&self) -> SessionState {
        let mut incoming_qos2: Vec<(Pid, FlowId)> = self
            .incoming_qos2
            .iter()
            .map(|(pid, flow)| (*pid, *flow))
            .collect();
        incoming_qos2.sort_unstable();
        SessionState {
            options: self.options.clone(),
            has_session: self.has_session,
            pids: self.pids,
            next_flow: self.next_flow,
            connection: self.connection,
            outgoing: self
                .outgoing
                .entries_in_order()
                .into_iter()
                .map(|(pid, entry)| (pid, entry.clone()))
                .collect(),
            queued: self.queued.clone(),
            requests: self
                .requests
                .iter()
                .map(|(pid, request)| (*pid, request.clone()))
                .collect(),
            incoming_qos2,
            subscriptions: self.subscriptions.values().cloned().collect(),
        }
    }

    /// A session that resumes from `state` (offline; connect it to continue).
    pub fn restore(state: SessionState, tag: u32) -> Session {
        let mut session = Session::new(state.options, tag);
        session.has_session = state.has_session;
        session.pids = state.pids;
        session.next_flow = state.next_flow;
        session.connection = state.connection;
        for (pid, entry) in state.outgoing {
            session.outgoing.restore(pid, entry);
        }
        session.queued = state.queued;
        session.requests = state.requests.into_iter().collect();
        session.incoming_qos2 = state.incoming_qos2.into_iter().collect();
        session.subscriptions = state
            .subscriptions
            .into_iter()
            .map(|record| (record.filter.clone(), record))
            .collect();
        session
    }
}
