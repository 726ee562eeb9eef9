//! [`AllNinePlan`] applied to two clients of a [`World`]: subscribe now, publish once the
//! subscriber's SUBACK is back. The page calls [`AllNineRun::advance`] whenever the world moved.

use super::world::{ClientIndex, World};
use crate::all_nine::AllNinePlan;
use crate::session::CommandError;

/// A run in progress.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AllNineRun {
    plan: AllNinePlan,
    publisher: ClientIndex,
    subscriber: ClientIndex,
    published: bool,
}

impl AllNineRun {
    /// Sends the plan's SUBSCRIBE from `subscriber`.
    pub fn start(
        world: &mut World,
        plan: AllNinePlan,
        publisher: ClientIndex,
        subscriber: ClientIndex,
    ) -> Result<AllNineRun, CommandError> {
        let subscriptions = plan.subscriptions();
        world.with_session(subscriber, |session, now| {
            session.subscribe(now, subscriptions, Default::default())
        })?;
        Ok(AllNineRun {
            plan,
            publisher,
            subscriber,
            published: false,
        })
    }

    /// Whether [`AllNineRun::advance`] would publish now: SUBACK is back and nothing was sent.
    pub fn is_ready_to_publish(&self, world: &World) -> bool {
        !self.published && self.plan.is_answered(world.session(self.subscriber))
    }

    /// Sends the nine publishes once the subscriptions are answered. Returns the publishes the
    /// publisher's session refused (a v5 server Maximum QoS below 2 refuses QoS 2); the others
    /// go anyway.
    pub fn advance(&mut self, world: &mut World) -> Vec<CommandError> {
        if !self.is_ready_to_publish(world) {
            return Vec::new();
        }
        self.published = true;
        self.plan
            .publishes()
            .into_iter()
            .filter_map(|request| {
                world
                    .with_session(self.publisher, |session, now| session.publish(now, request))
                    .err()
            })
            .collect()
    }

    /// Whether the nine publishes have been sent.
    pub fn is_published(&self) -> bool {
        self.published
    }
}
