//! The workbench's roster of clients as the page shows them: one lane of the diagram each, by trace tag,
//! with a name, whether its card was removed, and what went wrong with its last command.

use super::Problem;
use crate::trace::ClientTag;

/// One client.
#[derive(Debug, Clone, PartialEq)]
pub struct RosterEntry {
    /// Its name in the diagram and on its card.
    pub name: String,
    /// Disconnected and its card gone; its lane stays for the packets it left.
    pub removed: bool,
    /// Why its last command did not happen, shown on its card.
    pub problem: Option<Problem>,
}

/// Every client, by index in the workbench.
#[derive(Debug, Clone, PartialEq)]
pub struct Roster(Vec<RosterEntry>);

/// The page's two clients.
impl Default for Roster {
    fn default() -> Roster {
        Roster(Vec::new()).with("Publisher").with("Subscriber")
    }
}

impl Roster {
    fn with(mut self, name: &str) -> Roster {
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

    /// RosterEntry names by trace tag, a removed client's marked so.
    pub fn by_tag(&self) -> Vec<(ClientTag, String)> {
        self.0
            .iter()
            .zip(ClientTag::all())
            .map(|(entry, tag)| {
                let name = if entry.removed {
                    format!("{} (removed)", entry.name)
                } else {
                    entry.name.clone()
                };
                (tag, name)
            })
            .collect()
    }

    /// The clients whose cards are shown, with their index.
    pub fn shown(&self) -> impl Iterator<Item = (usize, &RosterEntry)> {
        self.0
            .iter()
            .enumerate()
            .filter(|(_, entry)| !entry.removed)
    }

    pub(super) fn add(&mut self, name: String) {
        self.0.push(RosterEntry {
            name,
            removed: false,
            problem: None,
        });
    }

    pub(super) fn change(&mut self, index: usize, change: impl FnOnce(&mut RosterEntry)) {
        if let Some(entry) = self.0.get_mut(index) {
            change(entry);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_removed_client_keeps_its_lane_and_loses_its_card() {
        let mut roster = Roster::default();
        roster.add("Client 3".into());
        roster.change(1, |entry| entry.removed = true);
        roster.change(9, |entry| entry.removed = true);
        assert_eq!(
            roster.by_tag(),
            [
                (ClientTag(1), "Publisher".to_owned()),
                (ClientTag(2), "Subscriber (removed)".to_owned()),
                (ClientTag(3), "Client 3".to_owned())
            ]
        );
        let shown: Vec<usize> = roster.shown().map(|(index, _)| index).collect();
        assert_eq!(shown, [0, 2]);
    }
}
