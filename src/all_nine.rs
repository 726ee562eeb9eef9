//! "Run all nine": subscribe at QoS 0, 1 and 2 on three topics, then publish at QoS 0, 1 and 2
//! to each, so every (publish QoS, subscription QoS) pair of the QoS matrix is observed once.
//!
//! The plan is plain data, so any driver can apply it to any publisher and subscriber session:
//! send [`AllNinePlan::subscriptions`] from the subscriber, wait until
//! [`AllNinePlan::is_answered`] says SUBACK came back, then send [`AllNinePlan::publishes`] from
//! the publisher. Waiting matters: the two clients have separate connections, so a PUBLISH could
//! otherwise reach the broker before the SUBSCRIBE it should match.

use crate::codec::{QoS, Subscription, SubscriptionOptions};
use crate::session::{PublishRequest, Session};

/// The subscriptions and publishes of one run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AllNinePlan {
    prefix: String,
    run: u32,
}

impl AllNinePlan {
    /// A plan on topics under `prefix` (which no other subscription of the subscriber should
    /// match, or the granted QoS would be the higher of both); `run` numbers the payloads so
    /// repeated runs can be told apart.
    pub fn new(prefix: impl Into<String>, run: u32) -> AllNinePlan {
        AllNinePlan {
            prefix: prefix.into(),
            run,
        }
    }

    /// The topic subscribed at `subscription_qos`.
    pub fn topic(&self, subscription_qos: QoS) -> String {
        format!("{}/sub{}", self.prefix, subscription_qos.as_u8())
    }

    /// One subscription per QoS, each on its own topic.
    pub fn subscriptions(&self) -> Vec<Subscription> {
        QoS::ALL
            .into_iter()
            .map(|qos| Subscription {
                filter: self.topic(qos),
                options: SubscriptionOptions::qos(qos),
            })
            .collect()
    }

    /// Nine messages: each publish QoS to each subscription's topic.
    pub fn publishes(&self) -> Vec<PublishRequest> {
        QoS::ALL
            .into_iter()
            .flat_map(|subscription| {
                QoS::ALL.into_iter().map(move |publish| {
                    let payload = format!(
                        "run {}: {publish} to the {subscription} subscription",
                        self.run
                    );
                    PublishRequest::new(self.topic(subscription), payload, publish)
                })
            })
            .collect()
    }

    /// Whether the subscriber has SUBACK's answer (a granted QoS or a refusal) for every
    /// subscription of the plan.
    pub fn is_answered(&self, subscriber: &Session) -> bool {
        let filters: Vec<String> = QoS::ALL.into_iter().map(|qos| self.topic(qos)).collect();
        let answered = subscriber
            .subscriptions()
            .filter(|record| filters.contains(&record.filter) && record.outcome.is_some())
            .count();
        answered == filters.len()
    }
}

/// A run of a plan in progress: subscribed, and publishing once the subscriber's SUBACK is back
/// (the two clients' packets would otherwise race to the broker). It works on sessions, so any
/// driver (the simulated world, WebSocket clients) can run it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AllNineRun {
    plan: AllNinePlan,
    published: bool,
}

impl AllNineRun {
    /// Sends the plan's SUBSCRIBE from the subscriber's session.
    pub fn start(
        plan: AllNinePlan,
        subscriber: &mut Session,
        now: u64,
    ) -> Result<AllNineRun, crate::session::CommandError> {
        subscriber.subscribe(now, plan.subscriptions(), Default::default())?;
        Ok(AllNineRun {
            plan,
            published: false,
        })
    }

    /// Whether [`AllNineRun::publish`] should run now: SUBACK is back and nothing was sent.
    pub fn is_ready_to_publish(&self, subscriber: &Session) -> bool {
        !self.published && self.plan.is_answered(subscriber)
    }

    /// Sends the nine publishes from the publisher's session. Returns the ones it refused (a v5
    /// server Maximum QoS below 2 refuses QoS 2); the others go anyway.
    pub fn publish(
        &mut self,
        publisher: &mut Session,
        now: u64,
    ) -> Vec<crate::session::CommandError> {
        self.published = true;
        self.plan
            .publishes()
            .into_iter()
            .filter_map(|request| publisher.publish(now, request).err())
            .collect()
    }
}
