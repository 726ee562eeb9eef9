//! How the trace names a client: its tag. Drivers number their clients from 0 in the order they
//! are added (the client index) and tag them from 1, so every conversion between the two is here,
//! checked, and never panics on a tag that names no client.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A client's tag in the trace: 1 for the first client a driver adds, 2 for the second.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct ClientTag(pub u32);

impl ClientTag {
    /// The tag of a driver's only or first client.
    pub const FIRST: ClientTag = ClientTag(1);

    /// The tag of the client at `index`; `None` past the last tag there is.
    pub fn of_index(index: usize) -> Option<ClientTag> {
        u32::try_from(index).ok()?.checked_add(1).map(ClientTag)
    }

    /// Every tag in index order (zip it with a driver's clients to name their lanes).
    pub fn all() -> impl Iterator<Item = ClientTag> {
        (1..=u32::MAX).map(ClientTag)
    }

    /// The index of the client this tag names; `None` for tag 0, which names none.
    pub fn index(self) -> Option<usize> {
        usize::try_from(self.0.checked_sub(1)?).ok()
    }
}

impl fmt::Display for ClientTag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

#[cfg(test)]
mod tests {
    use super::ClientTag;

    #[test]
    fn index_and_tag_convert_both_ways_and_refuse_what_names_no_client() {
        assert_eq!(ClientTag::of_index(0), Some(ClientTag::FIRST));
        assert_eq!(ClientTag(7).index(), Some(6));
        assert_eq!(ClientTag(0).index(), None);
        assert_eq!(ClientTag::of_index(u32::MAX as usize), None);
        let last = ClientTag::of_index(u32::MAX as usize - 1).unwrap();
        assert_eq!(last, ClientTag(u32::MAX));
        assert_eq!(last.index(), Some(u32::MAX as usize - 1));
        let tags: Vec<ClientTag> = ClientTag::all().take(2).collect();
        assert_eq!(
            tags,
            [
                ClientTag::of_index(0).unwrap(),
                ClientTag::of_index(1).unwrap()
            ]
        );
    }
}
