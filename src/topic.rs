//! Topic names and topic filters (v3 §4.7, v5 §4.7, §4.8): validation and matching.

use thiserror::Error;

/// Why a topic name or filter is invalid.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum TopicError {
    /// Names and filters need at least one character.
    #[error("topic is empty [MQTT-4.7.3-1]")]
    Empty,
    /// Longer than a UTF-8 string can be.
    #[error("topic is {0} bytes long; the limit is 65,535 [MQTT-4.7.3-3]")]
    TooLong(usize),
    /// Contains U+0000.
    #[error("topic contains the null character U+0000 [MQTT-4.7.3-2]")]
    Null,
    /// A topic name with `+` or `#`.
    #[error("topic name \"{0}\" contains a wildcard (+ or #); wildcards belong in filters [MQTT-3.3.2-2, v3 MQTT-4.7.1-1, v5 MQTT-4.7.0-1]")]
    WildcardInName(String),
    /// `#` not alone in the last level.
    #[error(
        "in filter \"{0}\", '#' must be the last level on its own [v3 MQTT-4.7.1-2, v5 MQTT-4.7.1-1]"
    )]
    MultiLevelMisplaced(String),
    /// `+` not alone in its level.
    #[error("in filter \"{0}\", '+' must fill a whole level [v3 MQTT-4.7.1-3, v5 MQTT-4.7.1-2]")]
    SingleLevelMisplaced(String),
    /// `$share/` without a share name and filter.
    #[error("shared subscription \"{0}\" needs the form $share/<name>/<filter> with a name free of / + # [v5 MQTT-4.8.2-1, MQTT-4.8.2-2]")]
    SharedMalformed(String),
}

fn check_common(topic: &str) -> Result<(), TopicError> {
    if topic.is_empty() {
        return Err(TopicError::Empty);
    }
    if topic.len() > usize::from(u16::MAX) {
        return Err(TopicError::TooLong(topic.len()));
    }
    if memchr::memchr(0, topic.as_bytes()).is_some() {
        return Err(TopicError::Null);
    }
    Ok(())
}

/// Whether `topic` contains `+` or `#` (a byte search: both are ASCII, so no UTF-8 decoding).
pub fn has_wildcard(topic: &str) -> bool {
    memchr::memchr2(b'+', b'#', topic.as_bytes()).is_some()
}

/// Checks a topic name as used in PUBLISH: non-empty, no wildcards, no U+0000.
pub fn validate_topic_name(topic: &str) -> Result<(), TopicError> {
    check_common(topic)?;
    if has_wildcard(topic) {
        return Err(TopicError::WildcardInName(topic.to_owned()));
    }
    Ok(())
}

/// Checks a topic filter as used in SUBSCRIBE and UNSUBSCRIBE, including `$share/` filters.
pub fn validate_topic_filter(filter: &str) -> Result<(), TopicError> {
    check_common(filter)?;
    let levels = match shared_parts(filter) {
        Some((name, rest)) => {
            if name.is_empty() || name.contains(['+', '#']) || rest.is_empty() {
                return Err(TopicError::SharedMalformed(filter.to_owned()));
            }
            rest
        }
        None if filter.starts_with("$share/") || filter == "$share" => {
            return Err(TopicError::SharedMalformed(filter.to_owned()));
        }
        None => filter,
    };
    let count = levels.split('/').count();
    for (index, level) in levels.split('/').enumerate() {
        if level.contains('#') && (level != "#" || index + 1 != count) {
            return Err(TopicError::MultiLevelMisplaced(filter.to_owned()));
        }
        if level.contains('+') && level != "+" {
            return Err(TopicError::SingleLevelMisplaced(filter.to_owned()));
        }
    }
    Ok(())
}

/// Splits `$share/{name}/{filter}` into its share name and filter.
pub fn shared_parts(filter: &str) -> Option<(&str, &str)> {
    filter.strip_prefix("$share/")?.split_once('/')
}

/// Whether `topic` matches `filter` (a valid filter; `$share/{name}/` prefixes are ignored).
/// Filters that start with a wildcard never match topics that start with `$` [MQTT-4.7.2-1].
pub fn matches(filter: &str, topic: &str) -> bool {
    matches_as_written(shared_parts(filter).map_or(filter, |(_, rest)| rest), topic)
}

/// Whether `topic` matches `filter` read as written, a `$share/` prefix included: how 3.1.1,
/// where shared subscriptions do not exist, reads such a filter.
pub fn matches_as_written(filter: &str, topic: &str) -> bool {
    if topic.starts_with('$') && filter.starts_with(['+', '#']) {
        return false;
    }
    let mut topic_levels = topic.split('/');
    for filter_level in filter.split('/') {
        match filter_level {
            "#" => return true,
            "+" => {
                if topic_levels.next().is_none() {
                    return false;
                }
            }
            exact => {
                if topic_levels.next() != Some(exact) {
                    return false;
                }
            }
        }
    }
    topic_levels.next().is_none()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards_are_rejected_in_names_and_placed_in_filters() {
        assert!(validate_topic_name("a/b").is_ok());
        assert!(validate_topic_name("/").is_ok());
        assert!(matches!(
            validate_topic_name("a/+"),
            Err(TopicError::WildcardInName(_))
        ));
        assert_eq!(validate_topic_name(""), Err(TopicError::Empty));
        assert!(validate_topic_filter("sport/tennis/#").is_ok());
        assert!(validate_topic_filter("+/tennis/#").is_ok());
        assert!(validate_topic_filter("#").is_ok());
        assert!(matches!(
            validate_topic_filter("sport/tennis#"),
            Err(TopicError::MultiLevelMisplaced(_))
        ));
        assert!(matches!(
            validate_topic_filter("sport/#/ranking"),
            Err(TopicError::MultiLevelMisplaced(_))
        ));
        assert!(matches!(
            validate_topic_filter("sport+"),
            Err(TopicError::SingleLevelMisplaced(_))
        ));
        assert!(validate_topic_filter("$share/group/a/+").is_ok());
        assert!(matches!(
            validate_topic_filter("$share//a"),
            Err(TopicError::SharedMalformed(_))
        ));
    }

    #[test]
    fn matching_follows_the_spec_examples() {
        assert!(matches("sport/tennis/player1/#", "sport/tennis/player1"));
        assert!(matches(
            "sport/tennis/player1/#",
            "sport/tennis/player1/ranking"
        ));
        assert!(matches("sport/#", "sport"));
        assert!(matches("sport/+", "sport/"));
        assert!(!matches("sport/+", "sport"));
        assert!(matches("+/+", "/finance"));
        assert!(matches("/+", "/finance"));
        assert!(!matches("+", "/finance"));
        assert!(!matches("#", "$SYS/broker"));
        assert!(!matches("+/broker", "$SYS/broker"));
        assert!(matches("$SYS/#", "$SYS/broker"));
        assert!(matches("$share/g/a/+", "a/b"));
        assert!(!matches("a/b", "a/b/c"));
    }
}
