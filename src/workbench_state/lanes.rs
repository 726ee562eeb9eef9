//! The workbench's clients as the page shows them: one lane of the diagram each, by trace tag,
//! with a name, whether its card was removed, and what went wrong with its last command.

use super::Problem;
use crate::trace::ClientTag;

/// One client.
#[derive(Debug, Clone, PartialEq)]
pub struct Lane {
    /// Its name in the diagram and on its card.
    pub name: String,
    /// Disconnected and its card gone; its lane stays for the packets it left.
    pub removed: bool,
    /// Why its last command did not happen, shown on its card.
    pub problem: Option<Problem>,
}

/// Every client, by index in the workbench.
#[derive(Debug, Clone, PartialEq)]
pub struct Lanes(Vec<Lane>);

/// The page's two clients.
impl Default for Lanes {
    fn default() -> Lanes {
        Lanes(Vec::new()).with("Publisher").with("Subscriber")
    }
}

impl Lanes {
    fn with(mut self, name: &str) -> Lanes {
        self.add(name.to_owned());
        self
    }

    /// How many clients there have been.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Lane names by trace tag, a removed client's marked so.
    pub fn by_tag(&self) -> Vec<(ClientTag, String)> {
        self.0
            .iter()
            .zip(ClientTag::all())
            .map(|(lane, tag)| {
                let name = if lane.removed {
                    format!("{} (removed)", lane.name)
                } else {
                    lane.name.clone()
                };
                (tag, name)
            })
            .collect()
    }

    /// The clients whose cards are shown, with their index.
    pub fn shown(&self) -> impl Iterator<Item = (usize, &Lane)> {
        self.0.iter().enumerate().filter(|(_, lane)| !lane.removed)
    }

    pub(super) fn add(&mut self, name: String) {
        self.0.push(Lane {
            name,
            removed: false,
            problem: None,
        });
    }

    pub(super) fn change(&mut self, index: usize, change: impl FnOnce(&mut Lane)) {
        if let Some(lane) = self.0.get_mut(index) {
            change(lane);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_removed_client_keeps_its_lane_and_loses_its_card() {
        let mut lanes = Lanes::default();
        lanes.add("Client 3".into());
        lanes.change(1, |lane| lane.removed = true);
        lanes.change(9, |lane| lane.removed = true);
        assert_eq!(
            lanes.by_tag(),
            [
                (ClientTag(1), "Publisher".to_owned()),
                (ClientTag(2), "Subscriber (removed)".to_owned()),
                (ClientTag(3), "Client 3".to_owned())
            ]
        );
        let shown: Vec<usize> = lanes.shown().map(|(index, _)| index).collect();
        assert_eq!(shown, [0, 2]);
    }
}
