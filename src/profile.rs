//! Saved connection profiles: a broker URL, protocol and username, and the password only when
//! the user asked to keep it. Kept by the page in the browser's storage as JSON.

use serde::{Deserialize, Serialize};

use crate::codec::ProtocolVersion;

/// One saved connection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Profile {
    /// What the list shows.
    pub name: String,
    /// ws:// or wss:// URL.
    pub url: String,
    /// 3.1.1 or 5.0.
    pub version: ProtocolVersion,
    /// Username, if the broker wants one.
    pub username: Option<String>,
    /// Only kept when the user ticked "remember password".
    pub password: Option<String>,
}

/// The saved profiles, by name.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Profiles {
    /// In the order they were first saved.
    pub list: Vec<Profile>,
}

impl Profiles {
    /// Reads stored JSON; anything unreadable is an empty list (a damaged entry must not stop
    /// the page).
    pub fn from_json(text: Option<&str>) -> Profiles {
        text.and_then(|text| serde_json::from_str(text).ok())
            .unwrap_or_default()
    }

    /// As JSON for storage.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Saves `profile` under its name (replacing one of the same name); the password is kept
    /// only if `remember_password`.
    pub fn save(&mut self, mut profile: Profile, remember_password: bool) {
        if !remember_password {
            profile.password = None;
        }
        match self
            .list
            .iter_mut()
            .find(|saved| saved.name == profile.name)
        {
            Some(saved) => *saved = profile,
            None => self.list.push(profile),
        }
    }

    /// Forgets the profile called `name`.
    pub fn remove(&mut self, name: &str) {
        self.list.retain(|saved| saved.name != name);
    }

    /// The profile called `name`.
    pub fn get(&self, name: &str) -> Option<&Profile> {
        self.list.iter().find(|saved| saved.name == name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn profile(name: &str, password: &str) -> Profile {
        Profile {
            name: name.into(),
            url: "wss://broker.example.com/mqtt".into(),
            version: ProtocolVersion::V5,
            username: Some("alice".into()),
            password: Some(password.into()),
        }
    }

    #[test]
    fn passwords_are_kept_only_when_asked_and_names_are_unique() {
        let mut profiles = Profiles::default();
        profiles.save(profile("work", "secret"), false);
        assert_eq!(profiles.get("work").unwrap().password, None);
        profiles.save(profile("work", "secret"), true);
        assert_eq!(profiles.list.len(), 1);
        assert_eq!(
            profiles.get("work").unwrap().password.as_deref(),
            Some("secret")
        );
        let stored = profiles.to_json();
        assert_eq!(Profiles::from_json(Some(&stored)), profiles);
        profiles.remove("work");
        assert!(profiles.list.is_empty());
    }

    #[test]
    fn damaged_storage_reads_as_no_profiles() {
        assert_eq!(Profiles::from_json(Some("{not json")), Profiles::default());
        assert_eq!(Profiles::from_json(None), Profiles::default());
    }
}
