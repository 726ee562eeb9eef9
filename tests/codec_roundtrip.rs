#![cfg(not(target_arch = "wasm32"))]
//! Property tests for the codec's public API:
//!
//! - every valid packet of every type, in both versions, decodes back to itself, and
//!   `encoded_len` is the length `encode` writes;
//! - a stream of valid packets cut into arbitrary chunks (one-byte chunks and every two-way split
//!   included) comes out of `FrameDecoder` as exactly those packets, each with its own bytes;
//! - arbitrary bytes never panic the decoder, and chunking never changes its frames or its error;
//! - `annotate` never panics, agrees with `Packet::decode`, and keeps its fields inside the input
//!   and in wire order.
//!
//! Case counts keep the whole file to a few seconds in a debug build; `PROPTEST_CASES` raises
//! them (see `support::config`).

mod support;

use std::collections::HashSet;

use bytes::Bytes;
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::Index;
use qoscope::codec::{
    annotate, DecodeErrorKind, Field, Frame, FrameDecoder, FrameError, Packet, PacketType,
    PropertyContext, PropertyId, ProtocolVersion, Publish, QosPid, MAX_VAR_INT,
};
use support::strategies::{self, packet, version};

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

/// What a `FrameDecoder` made of a byte stream: the frames, then the error that ended it, if any.
#[derive(Debug, Default, PartialEq)]
struct Decoded {
    frames: Vec<Frame>,
    error: Option<FrameError>,
    /// Bytes left in the decoder once the input ran out (0 after an error).
    buffered: usize,
}

/// Feeds `bytes` to a fresh decoder in chunks of the given sizes (repeated cyclically), draining
/// every complete frame after each chunk, as a transport callback would.
fn decode_in_chunks(bytes: &[u8], version: ProtocolVersion, chunk_sizes: &[usize]) -> Decoded {
    let mut decoder = FrameDecoder::new(version);
    let mut outcome = Decoded::default();
    let mut sizes = chunk_sizes.iter().copied().cycle();
    let mut rest = bytes;
    loop {
        loop {
            match decoder.next_frame() {
                Ok(Some(frame)) => outcome.frames.push(frame),
                Ok(None) => break,
                Err(error) => {
                    outcome.error = Some(error);
                    break;
                }
            }
        }
        if outcome.error.is_some() || rest.is_empty() {
            break;
        }
        let size = sizes.next().unwrap_or(rest.len()).clamp(1, rest.len());
        decoder.push(&rest[..size]);
        rest = &rest[size..];
    }
    if outcome.error.is_some() {
        // The stream is out of step after an error: the decoder stays silent from then on.
        decoder.push(&[0xC0, 0x00]);
        assert_eq!(
            decoder.next_frame(),
            Ok(None),
            "a failed decoder must stay failed"
        );
    }
    outcome.buffered = decoder.buffered();
    outcome
}

fn decode_whole(bytes: &[u8], version: ProtocolVersion) -> Decoded {
    decode_in_chunks(bytes, version, &[bytes.len()])
}

fn encode(packet: &Packet, version: ProtocolVersion) -> Vec<u8> {
    packet
        .to_bytes(version)
        .unwrap_or_else(|error| panic!("valid {packet:?} refused in {version}: {error}"))
}

/// Field ranges lie within the packet, and fields come in wire order (a group header shares its
/// start with its first member, so starts only have to be non-decreasing).
fn check_fields(fields: &[Field], input_len: usize) -> Result<(), TestCaseError> {
    let mut previous_start = 0;
    for field in fields {
        prop_assert!(
            field.start <= field.end && field.end <= input_len,
            "field {:?} spans {}..{} in {} bytes",
            field.name,
            field.start,
            field.end,
            input_len
        );
        prop_assert!(
            field.start >= previous_start,
            "field {:?} starts at {} after a field starting at {}: {:?}",
            field.name,
            field.start,
            previous_start,
            fields
        );
        previous_start = field.start;
    }
    Ok(())
}

/// Compares the errors that ended two decodes of the same bytes.
fn check_same_error(
    chunked: &Option<FrameError>,
    whole: &Option<FrameError>,
) -> Result<(), TestCaseError> {
    prop_assert_eq!(chunked, whole);
    Ok(())
}

/// The invariants shared by every valid packet.
fn check_round_trip(version: ProtocolVersion, packet: &Packet) -> Result<(), TestCaseError> {
    let bytes = packet
        .to_bytes(version)
        .map_err(|error| TestCaseError::fail(format!("valid packet refused: {error}")))?;
    prop_assert_eq!(packet.encoded_len(version), Ok(bytes.len()));
    prop_assert_eq!(bytes[0] >> 4, packet.packet_type() as u8);

    // `encode` appends and leaves what was in the buffer alone.
    let mut appended = vec![0xAB];
    packet.encode(version, &mut appended).unwrap();
    prop_assert_eq!(&appended[1..], &bytes[..]);

    let decoded = Packet::decode(&Bytes::from(bytes.clone()), version);
    prop_assert_eq!(decoded.as_ref(), Ok(packet));

    let annotated = annotate(&bytes, version);
    prop_assert_eq!(annotated.result.as_ref(), Ok(packet));
    prop_assert!(!annotated.fields.is_empty());
    check_fields(&annotated.fields, bytes.len())?;

    // The diagram label never fails on a valid packet.
    prop_assert!(packet.to_string().starts_with(packet.packet_type().name()));
    Ok(())
}

/// A version and a packet built by `make` for it.
fn of(
    make: fn(ProtocolVersion) -> BoxedStrategy<Packet>,
) -> impl Strategy<Value = (ProtocolVersion, Packet)> {
    version().prop_flat_map(move |version| (Just(version), make(version)))
}

fn first_byte() -> impl Strategy<Value = u8> {
    (1u8..=15, 0u8..16).prop_map(|(kind, publish_flags)| {
        let flags = PacketType::ALL[usize::from(kind - 1)]
            .required_flags()
            .unwrap_or(publish_flags);
        kind << 4 | flags
    })
}

/// A fixed header that passes the header checks and a short random body: gets random input
/// past the first byte and into the per-packet parsers.
fn plausible_frame() -> impl Strategy<Value = Vec<u8>> {
    (first_byte(), vec(any::<u8>(), 0..48)).prop_map(|(first_byte, body)| {
        let mut frame = vec![first_byte, body.len() as u8];
        frame.extend(body);
        frame
    })
}

/// Valid packets with a few bytes overwritten: reaches the deepest checks (property lists,
/// reason codes, strings) with input that is almost right.
fn mutated_stream(version: ProtocolVersion) -> impl Strategy<Value = (ProtocolVersion, Vec<u8>)> {
    (
        vec(packet(version), 1..4),
        vec((any::<Index>(), any::<u8>()), 1..4),
    )
        .prop_map(move |(packets, edits)| {
            let mut bytes = Vec::new();
            for packet in &packets {
                packet.encode(version, &mut bytes).unwrap();
            }
            for (index, value) in edits {
                let at = index.index(bytes.len());
                bytes[at] = value;
            }
            (version, bytes)
        })
}

/// Byte streams of every flavour: pure noise, plausible frames, mutated valid packets.
fn noisy_input() -> impl Strategy<Value = (ProtocolVersion, Vec<u8>)> {
    prop_oneof![
        (version(), vec(any::<u8>(), 0..2048)),
        (version(), plausible_frame()),
        (
            version(),
            vec(plausible_frame(), 1..8).prop_map(|frames| frames.concat())
        ),
        version().prop_flat_map(mutated_stream),
    ]
}

fn chunk_sizes() -> impl Strategy<Value = Vec<usize>> {
    prop_oneof![
        1 => Just(vec![1]),
        3 => vec(1usize..24, 1..12),
        1 => vec(1usize..600, 1..4),
    ]
}

// ---------------------------------------------------------------------------------------------
// Round trips, one test per packet type so that each gets its share of cases
// ---------------------------------------------------------------------------------------------

proptest! {
    #![proptest_config(support::config(512))]

    #[test]
    fn connect_round_trips((version, packet) in of(|v| {
        strategies::connect(v).prop_map(|c| Packet::Connect(Box::new(c))).boxed()
    })) {
        check_round_trip(version, &packet)?;
    }

    #[test]
    fn connack_round_trips((version, packet) in of(|v| {
        strategies::connack(v).prop_map(Packet::ConnAck).boxed()
    })) {
        check_round_trip(version, &packet)?;
    }

    #[test]
    fn publish_round_trips((version, packet) in of(|v| {
        strategies::publish(v).prop_map(Packet::Publish).boxed()
    })) {
        check_round_trip(version, &packet)?;
    }

    #[test]
    fn puback_round_trips((version, packet) in of(|v| {
        strategies::ack(v, PacketType::PubAck).prop_map(Packet::PubAck).boxed()
    })) {
        check_round_trip(version, &packet)?;
    }

    #[test]
    fn pubrec_round_trips((version, packet) in of(|v| {
        strategies::ack(v, PacketType::PubRec).prop_map(Packet::PubRec).boxed()
    })) {
        check_round_trip(version, &packet)?;
    }

    #[test]
    fn pubrel_round_trips((version, packet) in of(|v| {
        strategies::ack(v, PacketType::PubRel).prop_map(Packet::PubRel).boxed()
    })) {
        check_round_trip(version, &packet)?;
    }

    #[test]
    fn pubcomp_round_trips((version, packet) in of(|v| {
        strategies::ack(v, PacketType::PubComp).prop_map(Packet::PubComp).boxed()
    })) {
        check_round_trip(version, &packet)?;
    }

    #[test]
    fn subscribe_round_trips((version, packet) in of(|v| {
        strategies::subscribe(v).prop_map(Packet::Subscribe).boxed()
    })) {
        check_round_trip(version, &packet)?;
    }

    #[test]
    fn suback_round_trips((version, packet) in of(|v| {
        strategies::suback(v).prop_map(Packet::SubAck).boxed()
    })) {
        check_round_trip(version, &packet)?;
    }

    #[test]
    fn unsubscribe_round_trips((version, packet) in of(|v| {
        strategies::unsubscribe(v).prop_map(Packet::Unsubscribe).boxed()
    })) {
        check_round_trip(version, &packet)?;
    }

    #[test]
    fn unsuback_round_trips((version, packet) in of(|v| {
        strategies::unsuback(v).prop_map(Packet::UnsubAck).boxed()
    })) {
        check_round_trip(version, &packet)?;
    }

    #[test]
    fn disconnect_round_trips((version, packet) in of(|v| {
        strategies::disconnect(v).prop_map(Packet::Disconnect).boxed()
    })) {
        check_round_trip(version, &packet)?;
    }

    #[test]
    fn auth_round_trips_in_v5(auth in strategies::auth()) {
        check_round_trip(ProtocolVersion::V5, &Packet::Auth(auth))?;
    }
}

#[test]
fn ping_packets_round_trip_in_both_versions() {
    for version in [ProtocolVersion::V311, ProtocolVersion::V5] {
        for (packet, bytes) in [
            (Packet::PingReq, [0xC0, 0x00]),
            (Packet::PingResp, [0xD0, 0x00]),
        ] {
            assert_eq!(encode(&packet, version), bytes);
            check_round_trip(version, &packet).unwrap();
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Streams
// ---------------------------------------------------------------------------------------------

proptest! {
    #![proptest_config(support::config(384))]

    #[test]
    fn a_packet_stream_in_any_chunking_decodes_to_exactly_its_packets(
        (version, packets) in version().prop_flat_map(|v| (Just(v), vec(packet(v), 1..8))),
        sizes in chunk_sizes(),
    ) {
        let encoded: Vec<Vec<u8>> = packets.iter().map(|p| encode(p, version)).collect();
        let stream = encoded.concat();
        for sizes in [&sizes[..], &[1][..], &[stream.len()][..]] {
            let outcome = decode_in_chunks(&stream, version, sizes);
            prop_assert_eq!(&outcome.error, &None, "chunk sizes {:?}", sizes);
            prop_assert_eq!(outcome.buffered, 0);
            prop_assert_eq!(outcome.frames.len(), packets.len());
            for ((frame, packet), bytes) in outcome.frames.iter().zip(&packets).zip(&encoded) {
                prop_assert_eq!(&frame.packet, packet);
                prop_assert_eq!(&frame.raw[..], &bytes[..]);
            }
        }
    }
}

proptest! {
    #![proptest_config(support::config(64))]

    /// [MQTT-6.0.0-2]: a WebSocket message may end anywhere, so try every single cut.
    #[test]
    fn a_packet_stream_cut_at_every_offset_decodes_the_same(
        (version, packets) in version().prop_flat_map(|v| (Just(v), vec(packet(v), 2..5))),
    ) {
        let stream: Vec<u8> = packets.iter().flat_map(|p| encode(p, version)).collect();
        for cut in 1..stream.len() {
            let outcome = decode_in_chunks(&stream, version, &[cut, stream.len()]);
            prop_assert_eq!(outcome.error, None, "cut at {}", cut);
            let decoded: Vec<Packet> = outcome.frames.into_iter().map(|f| f.packet).collect();
            prop_assert_eq!(&decoded, &packets, "cut at {}", cut);
        }
    }

    /// A server-side decoder may start in either version: the CONNECT's level byte decides.
    #[test]
    fn the_decoder_follows_the_version_of_the_connect(
        (version, connect, rest) in version().prop_flat_map(|v| {
            (Just(v), strategies::connect(v), vec(packet(v), 0..5))
        }),
    ) {
        let mut packets = vec![Packet::Connect(Box::new(connect))];
        packets.extend(rest);
        let stream: Vec<u8> = packets.iter().flat_map(|p| encode(p, version)).collect();
        for start in [ProtocolVersion::V311, ProtocolVersion::V5] {
            let outcome = decode_whole(&stream, start);
            prop_assert_eq!(outcome.error, None);
            let decoded: Vec<Packet> = outcome.frames.into_iter().map(|f| f.packet).collect();
            prop_assert_eq!(&decoded, &packets);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Arbitrary input
// ---------------------------------------------------------------------------------------------

proptest! {
    #![proptest_config(support::config(3000))]

    /// Whatever arrives, the decoder neither panics nor lets the chunking change its verdict.
    #[test]
    fn arbitrary_bytes_decode_the_same_whole_or_in_chunks(
        (version, bytes) in noisy_input(),
        sizes in chunk_sizes(),
    ) {
        let whole = decode_whole(&bytes, version);
        let chunked = decode_in_chunks(&bytes, version, &sizes);
        prop_assert_eq!(&chunked.frames, &whole.frames, "chunk sizes {:?}", sizes);
        check_same_error(&chunked.error, &whole.error)?;
        // Every frame is a packet that re-encodes to something that decodes to it again, unless
        // the encoder refuses it (the decoder is more lenient than the encoder on some rules).
        let mut version = version;
        for frame in &whole.frames {
            if let Packet::Connect(connect) = &frame.packet {
                version = connect.version;
            }
            if let Ok(bytes) = frame.packet.to_bytes(version) {
                prop_assert_eq!(Packet::decode(&Bytes::from(bytes), version), Ok(frame.packet.clone()));
            }
        }
    }

    /// The inspector's annotated decode runs on any bytes, reports the decoder's own verdict,
    /// and only names byte ranges that exist.
    #[test]
    fn annotate_never_panics_and_agrees_with_decode((version, bytes) in noisy_input()) {
        let annotated = annotate(&bytes, version);
        let decoded = Packet::decode(&Bytes::from(bytes.clone()), version);
        prop_assert_eq!(&annotated.result, &decoded);
        check_fields(&annotated.fields, bytes.len())?;
        if let Err(error) = &annotated.result {
            prop_assert!(error.offset <= bytes.len(), "{:?} past the end of {} bytes", error, bytes.len());
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Fixed examples
// ---------------------------------------------------------------------------------------------

/// Table 2-4 of MQTT 5.0, written out independently of the codec's own table.
#[test]
fn property_allow_list_matches_spec_table_2_4() {
    use PropertyContext::*;
    let table: &[(u8, &[PropertyContext])] = &[
        (0x01, &[Publish, Will]),
        (0x02, &[Publish, Will]),
        (0x03, &[Publish, Will]),
        (0x08, &[Publish, Will]),
        (0x09, &[Publish, Will]),
        (0x0B, &[Publish, Subscribe]),
        (0x11, &[Connect, ConnAck, Disconnect]),
        (0x12, &[ConnAck]),
        (0x13, &[ConnAck]),
        (0x15, &[Connect, ConnAck, Auth]),
        (0x16, &[Connect, ConnAck, Auth]),
        (0x17, &[Connect]),
        (0x18, &[Will]),
        (0x19, &[Connect]),
        (0x1A, &[ConnAck]),
        (0x1C, &[ConnAck, Disconnect]),
        (0x1F, &[ConnAck, PubAck, SubAck, UnsubAck, Disconnect, Auth]),
        (0x21, &[Connect, ConnAck]),
        (0x22, &[Connect, ConnAck]),
        (0x23, &[Publish]),
        (0x24, &[ConnAck]),
        (0x25, &[ConnAck]),
        (
            0x26,
            &[
                Connect,
                ConnAck,
                Publish,
                Will,
                PubAck,
                Subscribe,
                SubAck,
                Unsubscribe,
                UnsubAck,
                Disconnect,
                Auth,
            ],
        ),
        (0x27, &[Connect, ConnAck]),
        (0x28, &[ConnAck]),
        (0x29, &[ConnAck]),
        (0x2A, &[ConnAck]),
    ];
    let contexts = [
        Connect,
        Will,
        ConnAck,
        Publish,
        PubAck,
        Subscribe,
        SubAck,
        Unsubscribe,
        UnsubAck,
        Disconnect,
        Auth,
    ];
    for value in 0..=0x7F_u32 {
        let expected = table.iter().find(|(id, _)| u32::from(*id) == value);
        let id = PropertyId::from_u32(value);
        assert_eq!(id.is_some(), expected.is_some(), "identifier 0x{value:02X}");
        if let (Some(id), Some((_, allowed))) = (id, expected) {
            assert_eq!(id as u32, value);
            for context in contexts {
                assert_eq!(
                    id.allowed_in(context),
                    allowed.contains(&context),
                    "{id} in {}",
                    context.name()
                );
            }
        }
    }
}

/// Remaining Length takes 1 to 4 bytes; check both sides of every boundary (v3 §2.2.3,
/// v5 §1.5.5).
#[test]
fn remaining_length_boundaries_encode_and_decode() {
    let boundaries = [0u32, 127, 128, 16_383, 16_384, 2_097_151, 2_097_152];
    for version in [ProtocolVersion::V311, ProtocolVersion::V5] {
        // Topic "t" (3 bytes) and, in v5, an empty property list (1 byte) precede the payload.
        let overhead = if version == ProtocolVersion::V5 { 4 } else { 3 };
        for &remaining in &boundaries[1..] {
            let payload = vec![0x5A; (remaining - overhead) as usize];
            let packet = Packet::Publish(Publish::new("t", QosPid::AtMostOnce, payload));
            let bytes = encode(&packet, version);
            let header_len = match remaining {
                0..=127 => 2,
                128..=16_383 => 3,
                16_384..=2_097_151 => 4,
                _ => 5,
            };
            assert_eq!(
                bytes.len(),
                header_len + remaining as usize,
                "{remaining} in {version}"
            );
            assert_eq!(packet.encoded_len(version), Ok(bytes.len()));
            assert_eq!(
                bytes[header_len - 1] & 0x80,
                0,
                "last length byte ends the varint"
            );
            let outcome = decode_in_chunks(&bytes, version, &[1, 1, 1, 1, 1, bytes.len()]);
            assert_eq!(outcome.error, None);
            assert_eq!(outcome.frames.len(), 1);
            assert_eq!(outcome.frames[0].packet, packet);
        }
    }
    assert_eq!(MAX_VAR_INT, 268_435_455);
}

/// The size limit applies as soon as the fixed header is in, before the body is buffered.
#[test]
fn an_oversized_packet_is_refused_from_its_fixed_header() {
    let mut decoder = FrameDecoder::new(ProtocolVersion::V5).with_max_packet_size(1_000);
    // PUBLISH, Remaining Length 16,384: no body byte has arrived yet.
    decoder.push(&[0x30, 0x80, 0x80, 0x01]);
    let error = decoder.next_frame().unwrap_err();
    assert_eq!(
        error.error.kind,
        DecodeErrorKind::PacketTooLarge {
            size: 16_388,
            max: 1_000
        }
    );
    assert_eq!(&error.raw[..], &[0x30, 0x80, 0x80, 0x01]);
    assert_eq!(decoder.next_frame(), Ok(None));
}

/// PUBLISH `30 03 00 01 74` (QoS 0, topic "t"): its Flags sit in byte 0 but are only read once
/// the Remaining Length is known; the inspector must still list them in wire order.
#[test]
fn publish_flags_are_annotated_before_the_remaining_length() {
    for version in [ProtocolVersion::V311, ProtocolVersion::V5] {
        let bytes: &[u8] = match version {
            ProtocolVersion::V311 => &[0x30, 0x03, 0x00, 0x01, b't'],
            ProtocolVersion::V5 => &[0x30, 0x04, 0x00, 0x01, b't', 0x00],
        };
        let annotated = annotate(bytes, version);
        assert!(annotated.result.is_ok());
        let names: Vec<(&str, usize, usize)> = annotated
            .fields
            .iter()
            .take(4)
            .map(|field| (field.name.as_str(), field.start, field.end))
            .collect();
        assert_eq!(
            names,
            [
                ("Packet Type", 0, 1),
                ("Flags", 0, 1),
                ("Remaining Length", 1, 2),
                ("Topic Name", 2, 5)
            ],
            "{version}"
        );
    }
}

/// Every property allowed in a context is produced by that context's strategy (guards the
/// strategies against silently losing coverage).
#[test]
fn property_strategies_cover_every_allowed_property() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let mut runner = TestRunner::new(support::config(1));
    for context in [
        PropertyContext::Connect,
        PropertyContext::Will,
        PropertyContext::ConnAck,
        PropertyContext::Publish,
        PropertyContext::PubAck,
        PropertyContext::Subscribe,
        PropertyContext::SubAck,
        PropertyContext::Unsubscribe,
        PropertyContext::UnsubAck,
        PropertyContext::Disconnect,
        PropertyContext::Auth,
    ] {
        let strategy = strategies::properties(context);
        let mut seen = HashSet::new();
        for _ in 0..200 {
            let sample = strategy.new_tree(&mut runner).unwrap().current();
            seen.extend(strategies::present(&sample));
        }
        for id in &seen {
            assert!(
                id.allowed_in(context),
                "{id} generated for {}",
                context.name()
            );
        }
        for value in 0..=0x7F_u32 {
            if let Some(id) = PropertyId::from_u32(value) {
                if id.allowed_in(context) {
                    assert!(
                        seen.contains(&id),
                        "{id} never generated for {}",
                        context.name()
                    );
                }
            }
        }
    }
}

/// Stream `00 80 80 80 80 00 00 00` (a Remaining Length with a fifth byte) in v3.1.1: the
/// error gives up the first byte and the four Remaining Length bytes examined, however the
/// stream was cut.
#[test]
fn a_malformed_remaining_length_reports_the_same_raw_bytes_in_any_chunking() {
    let stream = [0x00, 0x80, 0x80, 0x80, 0x80, 0x00, 0x00, 0x00];
    let whole = decode_whole(&stream, ProtocolVersion::V311);
    let bytewise = decode_in_chunks(&stream, ProtocolVersion::V311, &[1]);
    assert_eq!(
        whole.error.as_ref().map(|e| &e.error.kind),
        Some(&DecodeErrorKind::VarIntTooLong)
    );
    assert_eq!(bytewise.error, whole.error);
}
