//! Broker addresses: MQTT over WebSocket needs a `ws://` or `wss://` URL ([MQTT-6.0.0-3]).
//! Checked before a socket is opened, so a typo gets an error that says what to fix instead of
//! the browser's silent failure.

use thiserror::Error;

/// A checked broker URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrokerUrl {
    url: String,
    secure: bool,
    host: String,
}

/// What is wrong with a broker URL.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum UrlError {
    /// Nothing was given.
    #[error("no broker URL given: enter one like ws://127.0.0.1:9001/mqtt")]
    Empty,
    /// A scheme other than ws or wss.
    #[error("{scheme}:// cannot carry MQTT in a browser: use ws:// or wss:// (e.g. ws://{rest})")]
    WrongScheme {
        /// The scheme given.
        scheme: String,
        /// The URL after the scheme.
        rest: String,
    },
    /// No scheme at all.
    #[error("the URL needs a scheme: ws://{0} or wss://{0}")]
    MissingScheme(String),
    /// No host name.
    #[error("the URL has no host: write ws://HOST:PORT/PATH")]
    MissingHost,
    /// A port that is not a number from 1 to 65535.
    #[error("port \"{0}\" is not a number from 1 to 65535")]
    BadPort(String),
    /// Spaces or other characters a URL cannot hold.
    #[error("the URL contains {}, which a URL cannot hold", named(*.0))]
    BadCharacter(char),
}

/// A character a URL cannot hold, named (its Debug form would bring the escaping tables into
/// the wasm build).
fn named(c: char) -> String {
    match c {
        ' ' => "a space".to_owned(),
        _ => format!("U+{:04X}", u32::from(c)),
    }
}

impl BrokerUrl {
    /// Checks `text` and keeps it trimmed.
    pub fn parse(text: &str) -> Result<BrokerUrl, UrlError> {
        let url = text.trim();
        if url.is_empty() {
            return Err(UrlError::Empty);
        }
        if let Some(bad) = url.chars().find(|c| c.is_whitespace() || c.is_control()) {
            return Err(UrlError::BadCharacter(bad));
        }
        let Some((scheme, rest)) = url.split_once("://") else {
            return Err(UrlError::MissingScheme(url.to_owned()));
        };
        let secure = match scheme.to_ascii_lowercase().as_str() {
            "ws" => false,
            "wss" => true,
            _ => {
                return Err(UrlError::WrongScheme {
                    scheme: scheme.to_owned(),
                    rest: rest.to_owned(),
                })
            }
        };
        let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
        let host_port = authority
            .rsplit_once('@')
            .map_or(authority, |(_, host)| host);
        let (host, port) = split_host_port(host_port);
        if host.is_empty() {
            return Err(UrlError::MissingHost);
        }
        if let Some(port) = port {
            if !matches!(port.parse::<u16>(), Ok(1..)) {
                return Err(UrlError::BadPort(port.to_owned()));
            }
        }
        Ok(BrokerUrl {
            url: url.to_owned(),
            secure,
            host: host.to_owned(),
        })
    }

    /// The URL as given (trimmed).
    pub fn as_str(&self) -> &str {
        &self.url
    }

    /// Whether it uses TLS (wss://).
    pub fn is_secure(&self) -> bool {
        self.secure
    }

    /// The host name or address.
    pub fn host(&self) -> &str {
        &self.host
    }

    /// Whether the host is this machine (credentials over plain ws:// are only safe there).
    pub fn is_loopback(&self) -> bool {
        let host = self.host.trim_start_matches('[').trim_end_matches(']');
        host == "localhost" || host == "::1" || host.starts_with("127.")
    }
}

fn split_host_port(host_port: &str) -> (&str, Option<&str>) {
    if let Some(rest) = host_port.strip_prefix('[') {
        // An IPv6 literal: [::1]:9001
        return match rest.split_once(']') {
            Some((host, tail)) => (host, tail.strip_prefix(':')),
            None => (rest, None),
        };
    }
    match host_port.rsplit_once(':') {
        Some((host, port)) => (host, Some(port)),
        None => (host_port, None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn websocket_urls_are_accepted() {
        let url = BrokerUrl::parse(" ws://127.0.0.1:9001/mqtt ").unwrap();
        assert_eq!(url.as_str(), "ws://127.0.0.1:9001/mqtt");
        assert!(!url.is_secure());
        assert!(url.is_loopback());
        let url = BrokerUrl::parse("wss://broker.example:8884/mqtt").unwrap();
        assert!(url.is_secure());
        assert_eq!(url.host(), "broker.example");
        assert!(BrokerUrl::parse("ws://[::1]:9001").unwrap().is_loopback());
    }

    #[test]
    fn wrong_urls_say_what_to_fix() {
        let error = BrokerUrl::parse("http://x:1/").unwrap_err();
        assert!(error.to_string().contains("ws://"), "{error}");
        assert_eq!(
            BrokerUrl::parse("127.0.0.1:9001"),
            Err(UrlError::MissingScheme("127.0.0.1:9001".into()))
        );
        assert_eq!(BrokerUrl::parse("ws://:9001"), Err(UrlError::MissingHost));
        assert_eq!(
            BrokerUrl::parse("ws://h:99999"),
            Err(UrlError::BadPort("99999".into()))
        );
        assert_eq!(
            BrokerUrl::parse("ws://h:0"),
            Err(UrlError::BadPort("0".into()))
        );
        assert_eq!(
            BrokerUrl::parse("ws://a b"),
            Err(UrlError::BadCharacter(' '))
        );
        assert_eq!(BrokerUrl::parse(""), Err(UrlError::Empty));
    }
}
