//! The workbench's clients as the page shows them: one lane of the diagram each, by trace tag,
//! with a name, whether its card was removed, and what went wrong with its last command.

use super::Problem;

/// The trace tag of the workbench's client at `index`: tags count from 1.
pub fn tag_of(index: usize) -> u32 {
    index as u32 + 1
}

/// The index of the workbench's client with trace tag `tag` (none for tag 0).
pub fn index_of(tag: u32) -> Option<usize> {
    tag.checked_sub(1).map(|index| index as usize)
}

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
    pub fn by_tag(&self) -> Vec<(u32, String)> {
        self.0
            .iter()
            .enumerate()
            .map(|(index, lane)| {
                let name = if lane.removed {
                    format!("{} (removed)", lane.name)
                } else {
                    lane.name.clone()
                };
                (tag_of(index), name)
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
    fn tags_count_from_one_and_tag_zero_is_no_client() {
        assert_eq!(tag_of(0), 1);
        assert_eq!(index_of(tag_of(7)), Some(7));
        assert_eq!(index_of(0), None);
    }

    #[test]
    fn a_removed_client_keeps_its_lane_and_loses_its_card() {
        let mut lanes = Lanes::default();
        lanes.add("Client 3".into());
        lanes.change(1, |lane| lane.removed = true);
        lanes.change(9, |lane| lane.removed = true);
        assert_eq!(
            lanes.by_tag(),
            [
                (1, "Publisher".to_owned()),
                (2, "Subscriber (removed)".to_owned()),
                (3, "Client 3".to_owned())
            ]
        );
        let shown: Vec<usize> = lanes.shown().map(|(index, _)| index).collect();
        assert_eq!(shown, [0, 2]);
    }
}
