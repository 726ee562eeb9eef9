//! One direction of a simulated connection. Packets keep their order (WebSocket runs over TCP),
//! unless a learner holds them and releases them one by one. Randomness comes from a seeded
//! generator, so a scenario replays the same way every time.

use std::collections::{BTreeMap, VecDeque};

use bytes::Bytes;
use serde::{Deserialize, Serialize};

use crate::codec::PacketType;

/// What can go wrong on a link.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct LinkFaults {
    /// One-way latency in ms.
    pub latency_ms: u64,
    /// Extra random delay of 0..=jitter ms (order is still kept).
    pub jitter_ms: u64,
    /// Probability of losing any packet.
    pub loss: f64,
    /// Probability of losing a packet of a given type (on top of `loss`).
    pub loss_by_type: BTreeMap<PacketType, f64>,
    /// Probability of delivering a packet twice.
    pub duplicate: f64,
    /// Hold every packet at the sender until released or dropped.
    pub hold: bool,
}

/// What the link did with a packet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SendOutcome {
    /// Lost.
    Dropped,
    /// Held at the sender.
    Held,
    /// On its way; arrives at the given time.
    InTransit(u64),
    /// On its way twice: the copy needs its own trace id and arrives at the second time.
    Duplicated(u64, u64),
}

#[derive(Debug, Clone)]
pub(super) enum Item {
    Packet(Bytes),
    Close,
}

#[derive(Debug, Clone)]
pub(super) struct Carried {
    pub id: u64,
    pub conn: u64,
    pub item: Item,
}

/// One direction of a link.
#[derive(Debug, Clone)]
pub struct Link {
    faults: LinkFaults,
    rng: fastrand::Rng,
    drop_next: Vec<PacketType>,
    in_transit: VecDeque<(u64, Carried)>,
    held: VecDeque<Carried>,
    last_arrival: u64,
}

impl Link {
    pub(super) fn new(seed: u64) -> Link {
        Link {
            faults: LinkFaults::default(),
            rng: fastrand::Rng::with_seed(seed),
            drop_next: Vec::new(),
            in_transit: VecDeque::new(),
            held: VecDeque::new(),
            last_arrival: 0,
        }
    }

    pub(super) fn faults(&self) -> &LinkFaults {
        &self.faults
    }

    pub(super) fn set_faults(&mut self, faults: LinkFaults) {
        self.faults = faults;
    }

    /// Loses the next packet of type `kind` (one-shot).
    pub(super) fn drop_next(&mut self, kind: PacketType) {
        self.drop_next.push(kind);
    }

    fn arrival(&mut self, now: u64) -> u64 {
        let jitter = if self.faults.jitter_ms > 0 {
            self.rng.u64(0..=self.faults.jitter_ms)
        } else {
            0
        };
        let arrival = (now + self.faults.latency_ms + jitter).max(self.last_arrival);
        self.last_arrival = arrival;
        arrival
    }

    /// Puts a packet on the link; `copy_id` names a duplicate if one is made.
    pub(super) fn send(
        &mut self,
        now: u64,
        carried: Carried,
        kind: PacketType,
        copy_id: impl FnOnce() -> u64,
    ) -> SendOutcome {
        if let Some(index) = self.drop_next.iter().position(|next| *next == kind) {
            self.drop_next.remove(index);
            return SendOutcome::Dropped;
        }
        let loss = self.faults.loss + self.faults.loss_by_type.get(&kind).copied().unwrap_or(0.0);
        if loss > 0.0 && self.rng.f64() < loss {
            return SendOutcome::Dropped;
        }
        if self.faults.hold {
            self.held.push_back(carried);
            return SendOutcome::Held;
        }
        let arrival = self.arrival(now);
        let duplicate = self.faults.duplicate > 0.0 && self.rng.f64() < self.faults.duplicate;
        let copy = duplicate.then(|| Carried {
            id: copy_id(),
            conn: carried.conn,
            item: carried.item.clone(),
        });
        self.in_transit.push_back((arrival, carried));
        match copy {
            Some(copy) => {
                let second = self.arrival(now);
                self.in_transit.push_back((second, copy));
                SendOutcome::Duplicated(arrival, second)
            }
            None => SendOutcome::InTransit(arrival),
        }
    }

    /// Closes this direction after what is already on its way.
    pub(super) fn send_close(&mut self, now: u64, id: u64, conn: u64) {
        let arrival = self.arrival(now);
        self.in_transit.push_back((
            arrival,
            Carried {
                id,
                conn,
                item: Item::Close,
            },
        ));
    }

    pub(super) fn next_arrival(&self) -> Option<u64> {
        self.in_transit.front().map(|(arrival, _)| *arrival)
    }

    /// The next arrival with the id of what arrives (ids grow in send order, breaking ties).
    pub(super) fn next_in_line(&self) -> Option<(u64, u64)> {
        self.in_transit
            .front()
            .map(|(arrival, carried)| (*arrival, carried.id))
    }

    pub(super) fn pop_due(&mut self, now: u64) -> Option<Carried> {
        if self.next_arrival()? <= now {
            self.in_transit.pop_front().map(|(_, carried)| carried)
        } else {
            None
        }
    }

    pub(super) fn is_empty(&self) -> bool {
        self.in_transit.is_empty()
    }

    /// Ids of packets held at the sender, oldest first.
    pub(super) fn held_ids(&self) -> Vec<u64> {
        self.held.iter().map(|carried| carried.id).collect()
    }

    /// Sends the oldest held packet on its way; returns its id and arrival.
    pub(super) fn release_held(&mut self, now: u64) -> Option<(u64, u64)> {
        let carried = self.held.pop_front()?;
        let arrival = self.arrival(now);
        let id = carried.id;
        self.in_transit.push_back((arrival, carried));
        Some((id, arrival))
    }

    /// Loses the oldest held packet; returns its id.
    pub(super) fn drop_held(&mut self) -> Option<u64> {
        self.held.pop_front().map(|carried| carried.id)
    }

    /// The connection is cut: everything on the link is lost. Returns the ids of lost packets.
    pub(super) fn cut(&mut self) -> Vec<u64> {
        let mut lost: Vec<u64> = self
            .in_transit
            .drain(..)
            .filter(|(_, carried)| matches!(carried.item, Item::Packet(_)))
            .map(|(_, carried)| carried.id)
            .collect();
        lost.extend(self.held.drain(..).map(|carried| carried.id));
        lost
    }
}
