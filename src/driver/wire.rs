//! The transport as the driver sees it, with client-side faults wrapped around it when the broker
//! check or a lesson against a real broker asks for them: packets lost on the way out or in,
//! writes split into small transport messages, and what the transport was seen to do.

use std::borrow::Cow;

use crate::wire_faults::Outgoing;
#[cfg(feature = "trace")]
use crate::wire_faults::WireFaults;

/// Trace ids of packets the driver itself records (injected, or lost on the way in) start here,
/// clear of the session's own.
#[cfg(feature = "trace")]
const DRIVER_PACKET_IDS: u64 = 1 << 39;

/// The transport, plain or through faults.
#[derive(Debug, Default)]
pub struct Wire {
    #[cfg(feature = "trace")]
    faults: Option<WireFaults>,
    /// Packets the driver recorded itself.
    #[cfg(feature = "trace")]
    recorded: u64,
}

/// What arrived, after the faults.
#[derive(Debug)]
pub struct Arrival<'a> {
    /// The bytes for the session.
    pub delivered: Cow<'a, [u8]>,
    /// Whole packets a fault lost, as they were on the wire.
    #[cfg(feature = "trace")]
    pub dropped: Vec<Vec<u8>>,
}

impl Wire {
    /// A transport through `faults`, which can be changed while it runs.
    #[cfg(feature = "trace")]
    pub fn with_faults(faults: WireFaults) -> Wire {
        Wire {
            faults: Some(faults),
            recorded: 0,
        }
    }

    /// The faults, when there are any.
    #[cfg(feature = "trace")]
    pub fn faults_mut(&mut self) -> Option<&mut WireFaults> {
        self.faults.as_mut()
    }

    /// A new connection opened with `subprotocol`.
    #[cfg_attr(not(feature = "trace"), allow(unused_variables))]
    pub fn opened(&mut self, subprotocol: &str) {
        #[cfg(feature = "trace")]
        if let Some(faults) = &mut self.faults {
            faults.subprotocol = Some(subprotocol.to_owned());
            faults.reset_connection();
        }
    }

    /// The server sent a text frame.
    pub fn text_frame(&mut self) {
        #[cfg(feature = "trace")]
        if let Some(faults) = &mut self.faults {
            faults.text_frames += 1;
        }
    }

    /// What the session wrote (whole packets), as transport messages.
    pub fn outgoing(&mut self, bytes: Vec<u8>) -> Outgoing {
        #[cfg(feature = "trace")]
        if let Some(faults) = &mut self.faults {
            return faults.outgoing(&bytes);
        }
        Outgoing {
            messages: vec![bytes],
            dropped: Vec::new(),
        }
    }

    /// One binary transport message from the server.
    pub fn incoming<'a>(&mut self, bytes: &'a [u8]) -> Arrival<'a> {
        #[cfg(feature = "trace")]
        if let Some(faults) = &mut self.faults {
            let faulty = faults.incoming(bytes);
            return Arrival {
                delivered: Cow::Owned(faulty.delivered),
                dropped: faulty.dropped,
            };
        }
        Arrival {
            delivered: Cow::Borrowed(bytes),
            #[cfg(feature = "trace")]
            dropped: Vec::new(),
        }
    }

    /// A trace id for a packet the driver records itself.
    #[cfg(feature = "trace")]
    pub fn next_record_id(&mut self) -> u64 {
        self.recorded += 1;
        DRIVER_PACKET_IDS + self.recorded
    }
}
