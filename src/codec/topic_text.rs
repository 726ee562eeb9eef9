//! A topic name shared by reference count: a message's topic is copied into the trace, the
//! broker's copies for each subscriber and the events, and cloning it must not allocate. A
//! decoded topic is a slice of the received frame, like the payload (`bytestring` keeps UTF-8
//! text in `Bytes`: well kept, and it does the one unsafe step, skipping re-validation, for us).

use std::borrow::Borrow;
use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::ops::Deref;
use std::sync::Arc;

use bytes::Bytes;
use bytestring::ByteString;
use serde::{Deserialize, Serialize};

/// A topic name (UTF-8), cheap to clone.
#[derive(Clone)]
pub struct Topic(Repr);

/// Where the text lives: a topic decoded from a frame shares the frame; one made by the
/// application is a reference-counted string (cloning a `Bytes` made from a `Vec` would
/// allocate on the first clone).
#[derive(Clone)]
enum Repr {
    Owned(Arc<str>),
    Frame(ByteString),
}

impl Default for Topic {
    fn default() -> Topic {
        Topic(Repr::Owned(Arc::from("")))
    }
}

impl PartialEq for Topic {
    fn eq(&self, other: &Topic) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for Topic {}

impl Hash for Topic {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.as_str().hash(state);
    }
}

impl PartialOrd for Topic {
    fn partial_cmp(&self, other: &Topic) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Topic {
    fn cmp(&self, other: &Topic) -> Ordering {
        self.as_str().cmp(other.as_str())
    }
}

impl Serialize for Topic {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Topic {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Topic, D::Error> {
        String::deserialize(deserializer).map(Topic::from)
    }
}

impl Topic {
    /// The topic as a string slice.
    pub fn as_str(&self) -> &str {
        match &self.0 {
            Repr::Owned(text) => text,
            Repr::Frame(text) => text,
        }
    }

    /// A topic that shares `bytes` (already checked to be `text`, the same bytes as UTF-8).
    pub(crate) fn shared(bytes: Bytes, text: &str) -> Topic {
        match ByteString::try_from(bytes) {
            Ok(shared) => Topic(Repr::Frame(shared)),
            Err(_) => Topic::from(text),
        }
    }
}

impl Deref for Topic {
    type Target = str;

    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for Topic {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl Borrow<str> for Topic {
    fn borrow(&self) -> &str {
        self.as_str()
    }
}

impl From<&str> for Topic {
    fn from(text: &str) -> Topic {
        Topic(Repr::Owned(Arc::from(text)))
    }
}

impl From<String> for Topic {
    fn from(text: String) -> Topic {
        Topic(Repr::Owned(Arc::from(text)))
    }
}

impl From<&String> for Topic {
    fn from(text: &String) -> Topic {
        Topic::from(text.as_str())
    }
}

impl From<Topic> for String {
    fn from(topic: Topic) -> String {
        topic.as_str().to_owned()
    }
}

impl PartialEq<str> for Topic {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Topic {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<String> for Topic {
    fn eq(&self, other: &String) -> bool {
        self.as_str() == other.as_str()
    }
}

impl fmt::Debug for Topic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for Topic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
