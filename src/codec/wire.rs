//! Wire primitives shared by every packet: a bounds-checked reader over one packet that can
//! record each field it reads (the inspector's annotated decode uses the same parsing code as the
//! decoder), and a byte sink that either counts or writes (lengths come from the code that writes).

use bytes::Bytes;

use super::annotate::Field;
use super::error::{DecodeError, DecodeErrorKind, EncodeError};
use super::ProtocolVersion;

/// Largest value a Variable Byte Integer can hold (`FF FF FF 7F`).
pub const MAX_VAR_INT: u32 = 268_435_455;

/// Reads the fields of one complete packet.
pub(crate) struct Reader<'a> {
    frame: &'a Bytes,
    pos: usize,
    /// The protocol version the packet is read as (CONNECT sets it from its level byte).
    pub version: ProtocolVersion,
    fields: Option<Vec<Field>>,
    depth: u8,
}

impl<'a> Reader<'a> {
    pub fn new(frame: &'a Bytes, version: ProtocolVersion, annotate: bool) -> Reader<'a> {
        Reader {
            frame,
            pos: 0,
            version,
            fields: annotate.then(Vec::new),
            depth: 0,
        }
    }

    pub fn pos(&self) -> usize {
        self.pos
    }

    /// The whole packet.
    pub fn bytes(&self) -> &'a Bytes {
        self.frame
    }

    /// Moves to `pos` without recording (used after the fixed header is parsed separately).
    pub fn skip_to(&mut self, pos: usize) {
        self.pos = pos;
    }

    pub fn remaining(&self) -> usize {
        self.frame.len() - self.pos
    }

    pub fn is_v5(&self) -> bool {
        self.version == ProtocolVersion::V5
    }

    #[cfg(feature = "trace")]
    pub fn take_fields(&mut self) -> Vec<Field> {
        self.fields.take().unwrap_or_default()
    }

    /// An error at `offset`.
    pub fn error_at(&self, offset: usize, kind: DecodeErrorKind) -> DecodeError {
        DecodeError { kind, offset }
    }

    /// The fields being recorded, if annotating. Only builds with the `trace` feature annotate,
    /// so without it the recording code is not compiled in.
    fn fields_mut(&mut self) -> Option<&mut Vec<Field>> {
        if cfg!(feature = "trace") {
            self.fields.as_mut()
        } else {
            None
        }
    }

    /// Records a field spanning `start..self.pos`; `value` is only evaluated when annotating.
    pub fn record(&mut self, name: &str, start: usize, value: impl FnOnce() -> String) {
        self.record_span(name, start, self.pos, value);
    }

    /// Records a field spanning `start..end`, for a field read earlier than the current position.
    pub fn record_span(
        &mut self,
        name: &str,
        start: usize,
        end: usize,
        value: impl FnOnce() -> String,
    ) {
        let depth = self.depth;
        if let Some(fields) = self.fields_mut() {
            fields.push(Field {
                name: name.to_owned(),
                start,
                end,
                value: value(),
                depth,
            });
        }
    }

    /// Opens a group of fields (the inspector indents what follows until [`Reader::end_group`]).
    pub fn begin_group(&mut self, name: &str, value: impl FnOnce() -> String) -> usize {
        let start = self.pos;
        self.record(name, start, value);
        self.depth += 1;
        self.fields.as_ref().map_or(0, |fields| fields.len() - 1)
    }

    /// Closes a group, stretches its header over what it contained and sets its value.
    pub fn end_group(&mut self, group: usize, value: impl FnOnce() -> String) {
        self.depth -= 1;
        let end = self.pos;
        if let Some(field) = self.fields_mut().and_then(|fields| fields.get_mut(group)) {
            field.end = end;
            field.value = value();
        }
    }

    /// Runs `read` without recording its fields (the caller records one summary field instead).
    pub fn silent<T>(&mut self, read: impl FnOnce(&mut Self) -> T) -> T {
        let fields = self.fields.take();
        let result = read(self);
        self.fields = fields;
        result
    }

    fn take(&mut self, len: usize, field: &'static str) -> Result<usize, DecodeError> {
        if self.remaining() < len {
            return Err(self.error_at(self.pos, DecodeErrorKind::Truncated { field }));
        }
        let start = self.pos;
        self.pos += len;
        Ok(start)
    }

    pub fn raw_u8(&mut self, field: &'static str) -> Result<u8, DecodeError> {
        let start = self.take(1, field)?;
        Ok(self.frame[start])
    }

    pub fn raw_u16(&mut self, field: &'static str) -> Result<u16, DecodeError> {
        let start = self.take(2, field)?;
        Ok(u16::from_be_bytes([
            self.frame[start],
            self.frame[start + 1],
        ]))
    }

    pub fn u16(&mut self, field: &'static str) -> Result<u16, DecodeError> {
        let start = self.pos;
        let value = self.raw_u16(field)?;
        self.record(field, start, || value.to_string());
        Ok(value)
    }

    pub fn raw_u32(&mut self, field: &'static str) -> Result<u32, DecodeError> {
        let start = self.take(4, field)?;
        let bytes = &self.frame[start..start + 4];
        Ok(u32::from_be_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]))
    }

    /// A Variable Byte Integer inside the packet (v5 property lengths, ids, subscription ids).
    pub fn var_int(&mut self, field: &'static str) -> Result<u32, DecodeError> {
        let start = self.pos;
        match read_var_int(&self.frame[start..], true) {
            Ok(Some((value, len))) => {
                self.pos += len;
                self.record(field, start, || value.to_string());
                Ok(value)
            }
            Ok(None) => Err(self.error_at(start, DecodeErrorKind::Truncated { field })),
            Err(kind) => Err(self.error_at(start, kind)),
        }
    }

    /// A packet identifier, which must not be 0.
    pub fn pid(&mut self) -> Result<super::Pid, DecodeError> {
        let start = self.pos;
        let value = self.raw_u16("Packet Identifier")?;
        self.record("Packet Identifier", start, || value.to_string());
        super::Pid::new(value).ok_or_else(|| self.error_at(start, DecodeErrorKind::PacketIdZero))
    }

    fn length_prefixed(&mut self, field: &'static str) -> Result<(usize, usize), DecodeError> {
        let len = usize::from(self.raw_u16(field)?);
        let start = self.take(len, field)?;
        Ok((start, len))
    }

    /// A UTF-8 Encoded String: well-formed, no U+0000 ([v3 MQTT-1.5.3-1/2], [v5 MQTT-1.5.4-1/2]).
    pub fn string(&mut self, field: &'static str) -> Result<String, DecodeError> {
        self.text(field).map(str::to_owned)
    }

    /// A UTF-8 Encoded String borrowed from the frame, checked like [`Reader::string`].
    pub fn text(&mut self, field: &'static str) -> Result<&'a str, DecodeError> {
        let field_start = self.pos;
        let (start, len) = self.length_prefixed(field)?;
        let frame: &'a Bytes = self.frame;
        let text = std::str::from_utf8(&frame[start..start + len]).map_err(|e| {
            self.error_at(
                start + e.valid_up_to(),
                DecodeErrorKind::StringNotUtf8 { field },
            )
        })?;
        if let Some(null) = memchr::memchr(0, text.as_bytes()) {
            return Err(self.error_at(start + null, DecodeErrorKind::StringHasNull { field }));
        }
        self.record(field, field_start, || format!("{text:?} ({len} bytes)"));
        Ok(text)
    }

    /// A UTF-8 Encoded String as a [`Topic`](super::Topic) sharing the frame's memory.
    pub fn topic(&mut self, field: &'static str) -> Result<super::Topic, DecodeError> {
        let text = self.text(field)?;
        let end = self.pos;
        let start = end - text.len();
        Ok(super::Topic::shared(self.frame.slice(start..end), text))
    }

    /// Binary Data: a two-byte length and that many bytes, shared with the frame (no copy).
    pub fn binary(&mut self, field: &'static str) -> Result<Bytes, DecodeError> {
        let field_start = self.pos;
        let (start, len) = self.length_prefixed(field)?;
        let data = self.frame.slice(start..start + len);
        self.record(field, field_start, || describe_bytes(&data));
        Ok(data)
    }

    /// `len` bytes, shared with the frame (no copy).
    pub fn take_bytes(&mut self, len: usize, field: &'static str) -> Result<Bytes, DecodeError> {
        let start = self.take(len, field)?;
        Ok(self.frame.slice(start..start + len))
    }

    /// Everything up to the end of the packet, shared with the frame (no copy).
    pub fn rest(&mut self, field: &'static str) -> Bytes {
        let start = self.pos;
        let data = self.frame.slice(start..);
        self.pos = self.frame.len();
        if !data.is_empty() {
            self.record(field, start, || describe_bytes(&data));
        }
        data
    }
}

/// How the inspector shows binary data: as text when it is printable UTF-8, else as hex.
pub fn describe_bytes(data: &[u8]) -> String {
    const PREVIEW: usize = 64;
    let shown = &data[..data.len().min(PREVIEW)];
    let more = if data.len() > PREVIEW { "…" } else { "" };
    let body = match std::str::from_utf8(shown) {
        Ok(text)
            if !text
                .chars()
                .any(|c| c.is_control() && c != '\n' && c != '\t') =>
        {
            format!("{text:?}{more}")
        }
        _ => {
            let hex: Vec<String> = shown.iter().map(|b| format!("{b:02X}")).collect();
            format!("{}{more}", hex.join(" "))
        }
    };
    format!("{body} ({} bytes)", data.len())
}

/// Decodes a Variable Byte Integer at the start of `bytes`: `Ok(None)` when more bytes are needed,
/// otherwise the value and how many bytes it took. `minimal` rejects padded encodings
/// ([v5 MQTT-1.5.5-1]; v3 has no such rule).
pub fn read_var_int(bytes: &[u8], minimal: bool) -> Result<Option<(u32, usize)>, DecodeErrorKind> {
    let mut value: u32 = 0;
    for (index, &byte) in bytes.iter().enumerate().take(4) {
        value |= u32::from(byte & 0x7F) << (7 * index);
        if byte & 0x80 == 0 {
            if minimal && index > 0 && byte == 0 {
                return Err(DecodeErrorKind::VarIntNotMinimal);
            }
            return Ok(Some((value, index + 1)));
        }
    }
    if bytes.len() >= 4 {
        Err(DecodeErrorKind::VarIntTooLong)
    } else {
        Ok(None)
    }
}

/// How many bytes `value` takes as a Variable Byte Integer.
pub fn var_int_len(value: u32) -> usize {
    match value {
        0..=127 => 1,
        128..=16_383 => 2,
        16_384..=2_097_151 => 3,
        _ => 4,
    }
}

/// Where encoded bytes go: an [`Output`] in the encoders, or a plain `Vec<u8>`.
pub(crate) trait Sink {
    /// Whether this pass validates field limits (only the counting pass does).
    fn checks(&self) -> bool;

    fn put(&mut self, bytes: &[u8]);

    fn put_u8(&mut self, value: u8) {
        self.put(&[value]);
    }

    fn put_u16(&mut self, value: u16) {
        self.put(&value.to_be_bytes());
    }

    fn put_u32(&mut self, value: u32) {
        self.put(&value.to_be_bytes());
    }

    fn put_var_int(&mut self, mut value: u32) {
        loop {
            let mut byte = (value % 128) as u8;
            value /= 128;
            if value > 0 {
                byte |= 0x80;
            }
            self.put_u8(byte);
            if value == 0 {
                break;
            }
        }
    }

    /// Binary Data: two-byte length, then the bytes.
    fn put_binary(&mut self, field: &'static str, data: &[u8]) -> Result<(), EncodeError> {
        if self.checks() && data.len() > usize::from(u16::MAX) {
            return Err(EncodeError::FieldTooLong {
                field,
                len: data.len(),
            });
        }
        self.put_u16(data.len() as u16);
        self.put(data);
        Ok(())
    }

    /// A UTF-8 Encoded String: two-byte length, then the bytes; no U+0000.
    fn put_string(&mut self, field: &'static str, text: &str) -> Result<(), EncodeError> {
        if self.checks() && memchr::memchr(0, text.as_bytes()).is_some() {
            return Err(EncodeError::StringHasNull { field });
        }
        self.put_binary(field, text.as_bytes())
    }
}

impl Sink for Vec<u8> {
    fn checks(&self) -> bool {
        false
    }

    fn put(&mut self, bytes: &[u8]) {
        self.extend_from_slice(bytes);
    }

    fn put_u8(&mut self, value: u8) {
        self.push(value);
    }
}

/// The encoders' sink, for both of their passes: counting (which also checks the field limits,
/// so that the writing pass never fails on them), then writing. One type for both passes means
/// every encoder is compiled once, for a well-predicted branch per field.
pub(crate) struct Output<'a> {
    buffer: Option<&'a mut Vec<u8>>,
    /// Bytes counted or written so far.
    pub len: usize,
}

impl Output<'_> {
    /// Counts and checks.
    pub fn counting() -> Output<'static> {
        Output {
            buffer: None,
            len: 0,
        }
    }
}

impl<'a> Output<'a> {
    /// Appends to `buffer`.
    pub fn writing(buffer: &'a mut Vec<u8>) -> Output<'a> {
        Output {
            buffer: Some(buffer),
            len: 0,
        }
    }
}

impl Sink for Output<'_> {
    fn checks(&self) -> bool {
        self.buffer.is_none()
    }

    fn put(&mut self, bytes: &[u8]) {
        self.len += bytes.len();
        if let Some(buffer) = self.buffer.as_deref_mut() {
            buffer.extend_from_slice(bytes);
        }
    }

    fn put_u8(&mut self, value: u8) {
        self.len += 1;
        if let Some(buffer) = self.buffer.as_deref_mut() {
            buffer.push(value);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encode_var_int(value: u32) -> Vec<u8> {
        let mut out = Vec::new();
        out.put_var_int(value);
        out
    }

    #[test]
    fn var_int_matches_the_spec_table() {
        let table: &[(u32, &[u8])] = &[
            (0, &[0x00]),
            (127, &[0x7F]),
            (128, &[0x80, 0x01]),
            (321, &[0xC1, 0x02]),
            (16_383, &[0xFF, 0x7F]),
            (16_384, &[0x80, 0x80, 0x01]),
            (2_097_151, &[0xFF, 0xFF, 0x7F]),
            (2_097_152, &[0x80, 0x80, 0x80, 0x01]),
            (MAX_VAR_INT, &[0xFF, 0xFF, 0xFF, 0x7F]),
        ];
        for &(value, bytes) in table {
            assert_eq!(encode_var_int(value), bytes, "encoding {value}");
            assert_eq!(var_int_len(value), bytes.len());
            assert_eq!(read_var_int(bytes, true), Ok(Some((value, bytes.len()))));
        }
    }

    #[test]
    fn var_int_rejects_five_bytes_and_padding() {
        assert_eq!(
            read_var_int(&[0x80, 0x80, 0x80, 0x80, 0x01], false),
            Err(DecodeErrorKind::VarIntTooLong)
        );
        assert_eq!(
            read_var_int(&[0x80, 0x00], true),
            Err(DecodeErrorKind::VarIntNotMinimal)
        );
        assert_eq!(read_var_int(&[0x80, 0x00], false), Ok(Some((0, 2))));
        assert_eq!(read_var_int(&[0x80, 0x80], true), Ok(None));
    }

    #[test]
    fn strings_must_be_utf8_without_null() {
        let frame = Bytes::from_static(&[0x00, 0x02, 0xC3, 0x28]);
        let mut reader = Reader::new(&frame, ProtocolVersion::V311, false);
        let error = reader.string("Topic Name").unwrap_err();
        assert_eq!(
            error.kind,
            DecodeErrorKind::StringNotUtf8 {
                field: "Topic Name"
            }
        );
        assert_eq!(error.offset, 2);

        let frame = Bytes::from_static(&[0x00, 0x02, b'a', 0x00]);
        let mut reader = Reader::new(&frame, ProtocolVersion::V311, false);
        let error = reader.string("Client Identifier").unwrap_err();
        assert_eq!(error.offset, 3);
    }
}
