//! Streaming decoder and annotated decode on arbitrary input.
//!
//! The first byte is the control byte: bit 7 picks the protocol version (0: 3.1.1, 1: 5.0) and
//! bits 0-6 the chunk size minus one (1 to 128 bytes). The rest is the byte stream, pushed into
//! a `FrameDecoder` chunk by chunk and drained after each chunk, as a transport would.
//!
//! Checked, besides "never panics":
//! - the frames and the error are the same as when the stream arrives in one piece;
//! - every frame's bytes annotate to the same packet, with field ranges inside the frame;
//! - a frame's packet that the encoder accepts re-encodes to bytes that decode to it again;
//! - the whole input, annotated as one packet, agrees with `Packet::decode`.

#![no_main]

use bytes::Bytes;
use libfuzzer_sys::fuzz_target;
use qoscope::codec::{
    annotate, Annotated, Frame, FrameDecoder, FrameError, Packet, ProtocolVersion,
};

/// Pushes `input` in chunks of `chunk` bytes; returns the frames and the error that ended them.
fn decode(
    input: &[u8],
    version: ProtocolVersion,
    chunk: usize,
) -> (Vec<Frame>, Option<FrameError>) {
    let mut decoder = FrameDecoder::new(version);
    let mut frames = Vec::new();
    for piece in input.chunks(chunk) {
        decoder.push(piece);
        loop {
            match decoder.next_frame() {
                Ok(Some(frame)) => frames.push(frame),
                Ok(None) => break,
                Err(error) => {
                    assert_eq!(
                        decoder.next_frame(),
                        Ok(None),
                        "a failed decoder stays failed"
                    );
                    return (frames, Some(error));
                }
            }
        }
    }
    (frames, None)
}

fn check_fields(annotated: &Annotated, len: usize) {
    let mut previous_start = 0;
    for field in &annotated.fields {
        assert!(
            field.start <= field.end && field.end <= len,
            "{field:?} outside {len} bytes"
        );
        assert!(field.start >= previous_start, "{field:?} out of wire order");
        previous_start = field.start;
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&control, input)) = data.split_first() else {
        return;
    };
    let version = if control & 0x80 == 0 {
        ProtocolVersion::V311
    } else {
        ProtocolVersion::V5
    };
    let chunk = usize::from(control & 0x7F) + 1;

    let (frames, error) = decode(input, version, chunk);
    let (whole_frames, whole_error) = decode(input, version, input.len().max(1));
    assert_eq!(frames, whole_frames);
    assert_eq!(error, whole_error);

    let mut version_now = version;
    for frame in &frames {
        let annotated = annotate(&frame.raw, version_now);
        assert_eq!(annotated.result.as_ref(), Ok(&frame.packet));
        check_fields(&annotated, frame.raw.len());
        if let Packet::Connect(connect) = &frame.packet {
            version_now = connect.version;
        }
        if let Ok(bytes) = frame.packet.to_bytes(version_now) {
            assert_eq!(frame.packet.encoded_len(version_now), Ok(bytes.len()));
            assert_eq!(
                Packet::decode(&Bytes::from(bytes), version_now).as_ref(),
                Ok(&frame.packet)
            );
        }
        let _ = frame.packet.to_string();
    }

    let annotated = annotate(input, version);
    check_fields(&annotated, input.len());
    assert_eq!(
        annotated.result,
        Packet::decode(&Bytes::copy_from_slice(input), version)
    );
});
