//! Hex text as people paste it (`30 07 00 03`, `0x30,0x07`, `3007 0003`, `30:07`) to bytes and
//! back, for the packet inspector.

use std::fmt::Write;

use thiserror::Error;

/// Why hex text could not be read.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum HexError {
    /// A character that is neither a hex digit nor a separator.
    #[error("{character:?} at position {position} is not a hex digit")]
    NotHex {
        /// The character.
        character: char,
        /// Its position in the text (in characters).
        position: usize,
    },
    /// An odd number of digits.
    #[error("odd number of hex digits: each byte needs two")]
    OddDigits,
}

/// Reads hex digits, ignoring white space, `,`, `:`, `-` and `0x` prefixes.
pub fn parse_hex(text: &str) -> Result<Vec<u8>, HexError> {
    let mut digits = Vec::with_capacity(text.len());
    let mut chars = text.chars().enumerate().peekable();
    while let Some((position, character)) = chars.next() {
        if character == '0' && matches!(chars.peek(), Some((_, 'x' | 'X'))) {
            chars.next();
            continue;
        }
        match character.to_digit(16) {
            Some(digit) => digits.push(digit as u8),
            None if character.is_whitespace() || matches!(character, ',' | ':' | '-') => {}
            None => {
                return Err(HexError::NotHex {
                    character,
                    position,
                })
            }
        }
    }
    if digits.len() % 2 != 0 {
        return Err(HexError::OddDigits);
    }
    Ok(digits
        .chunks(2)
        .map(|pair| pair[0] << 4 | pair[1])
        .collect())
}

/// Bytes as upper-case hex pairs separated by spaces.
pub fn to_hex(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 3);
    for (index, byte) in bytes.iter().enumerate() {
        if index > 0 {
            out.push(' ');
        }
        let _ = write!(out, "{byte:02X}");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_spellings_parse_to_the_same_bytes() {
        let expected = vec![0x30, 0x07, 0xAB];
        for text in [
            "30 07 AB",
            "3007ab",
            "0x30,0x07,0xab",
            "30:07:ab",
            " 30\n07\tAb ",
        ] {
            assert_eq!(parse_hex(text), Ok(expected.clone()), "{text}");
        }
        assert_eq!(to_hex(&expected), "30 07 AB");
    }

    #[test]
    fn bad_hex_names_the_character_and_position() {
        assert_eq!(
            parse_hex("30 0g"),
            Err(HexError::NotHex {
                character: 'g',
                position: 4
            })
        );
        assert_eq!(parse_hex("300"), Err(HexError::OddDigits));
    }
}
