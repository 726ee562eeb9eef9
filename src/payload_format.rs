//! Payloads as people type them: plain text, JSON (checked, sent as typed), hex, or base64.

use base64::Engine;
use serde::{Deserialize, Serialize};

/// How the payload text is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum PayloadFormat {
    /// UTF-8 text, sent as is.
    #[default]
    Text,
    /// JSON text: refused unless it parses; sent as typed (UTF-8).
    Json,
    /// Hex digits (`68 69`, `0x68,0x69`, `6869`).
    Hex,
    /// Standard base64, padded or not.
    Base64,
}

impl PayloadFormat {
    /// Every format, for choosers.
    pub const ALL: [PayloadFormat; 4] = [
        PayloadFormat::Text,
        PayloadFormat::Json,
        PayloadFormat::Hex,
        PayloadFormat::Base64,
    ];

    /// Its name in the UI.
    pub fn name(self) -> &'static str {
        match self {
            PayloadFormat::Text => "Text",
            PayloadFormat::Json => "JSON",
            PayloadFormat::Hex => "Hex",
            PayloadFormat::Base64 => "Base64",
        }
    }

    /// The payload bytes `text` stands for, or what is wrong with it.
    pub fn parse(self, text: &str) -> Result<Vec<u8>, String> {
        match self {
            PayloadFormat::Text => Ok(text.as_bytes().to_vec()),
            PayloadFormat::Json => serde_json::from_str::<serde_json::Value>(text)
                .map(|_| text.as_bytes().to_vec())
                .map_err(|error| format!("not JSON: {error}")),
            PayloadFormat::Hex => {
                crate::hex::parse_hex(text).map_err(|error| format!("hex: {error}"))
            }
            PayloadFormat::Base64 => {
                let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
                base64::engine::general_purpose::STANDARD
                    .decode(compact.trim_end_matches('='))
                    .or_else(|_| {
                        base64::engine::general_purpose::STANDARD_NO_PAD
                            .decode(compact.trim_end_matches('='))
                    })
                    .map_err(|error| format!("base64: {error}"))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_format_reads_what_people_type() {
        assert_eq!(PayloadFormat::Text.parse("hi <b>"), Ok(b"hi <b>".to_vec()));
        assert_eq!(
            PayloadFormat::Json.parse(r#"{"t": 21.5}"#),
            Ok(br#"{"t": 21.5}"#.to_vec())
        );
        assert_eq!(PayloadFormat::Hex.parse("0x68, 0x69"), Ok(b"hi".to_vec()));
        assert_eq!(PayloadFormat::Base64.parse("aGk="), Ok(b"hi".to_vec()));
        assert_eq!(PayloadFormat::Base64.parse("aGk"), Ok(b"hi".to_vec()));
        assert_eq!(
            PayloadFormat::Base64.parse("aGVs\nbG8="),
            Ok(b"hello".to_vec())
        );
    }

    #[test]
    fn bad_payloads_say_what_is_wrong() {
        assert!(PayloadFormat::Json
            .parse("{t: 1}")
            .unwrap_err()
            .starts_with("not JSON: "));
        assert_eq!(
            PayloadFormat::Hex.parse("6g").unwrap_err(),
            "hex: 'g' at position 1 is not a hex digit"
        );
        assert!(PayloadFormat::Base64
            .parse("a$b")
            .unwrap_err()
            .starts_with("base64: "));
    }
}
