//! One-line labels for packets, as drawn on the sequence diagram: `PUBLISH id=7 QoS 2 DUP`,
//! `PUBLISH id=8 QoS 1 "" alias=1`,
//! `PUBREC id=7`, `SUBACK granted 1`, `PUBACK id=3 0x10 No matching subscribers`.

use std::fmt::{self, Write};

use super::{Packet, PacketType, ReasonCode};

fn reason(f: &mut fmt::Formatter<'_>, code: ReasonCode, packet: PacketType) -> fmt::Result {
    if code == ReasonCode::Success {
        Ok(())
    } else {
        write!(f, " 0x{:02X} {}", code.as_u8(), code.name_in(packet))
    }
}

impl fmt::Display for Packet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = self.packet_type();
        f.write_str(kind.name())?;
        match self {
            Packet::Connect(connect) => {
                write!(f, " {:?}", connect.client_id)?;
                if connect.clean_start {
                    f.write_str(" clean")?;
                }
                write!(f, " keepalive={}", connect.keep_alive)
            }
            Packet::ConnAck(connack) => {
                if connack.session_present {
                    f.write_str(" session present")?;
                }
                match connack.reason {
                    ReasonCode::Success => Ok(()),
                    code => write!(f, " 0x{:02X} {}", code.as_u8(), code.name_in(kind)),
                }
            }
            Packet::Publish(publish) => {
                if let Some(pid) = publish.qos_pid.pid() {
                    write!(f, " id={pid}")?;
                }
                write!(f, " QoS {}", publish.qos().as_u8())?;
                if publish.dup {
                    f.write_str(" DUP")?;
                }
                if publish.retain {
                    f.write_str(" RETAIN")?;
                }
                write!(f, " {:?}", publish.topic)?;
                // An empty topic means nothing without the alias standing for it.
                match publish.properties.topic_alias {
                    Some(alias) => write!(f, " alias={alias}"),
                    None => Ok(()),
                }
            }
            Packet::PubAck(ack)
            | Packet::PubRec(ack)
            | Packet::PubRel(ack)
            | Packet::PubComp(ack) => {
                write!(f, " id={}", ack.pid)?;
                reason(f, ack.reason, kind)
            }
            Packet::Subscribe(subscribe) => {
                write!(f, " id={}", subscribe.pid)?;
                for subscription in &subscribe.subscriptions {
                    write!(
                        f,
                        " {:?} QoS {}",
                        subscription.filter,
                        subscription.options.qos.as_u8()
                    )?;
                }
                Ok(())
            }
            Packet::SubAck(suback) => {
                write!(f, " id={}", suback.pid)?;
                let mut codes = String::new();
                for code in &suback.reasons {
                    match code.granted_qos() {
                        Some(qos) => write!(codes, " granted {}", qos.as_u8())?,
                        None => write!(codes, " 0x{:02X} {}", code.as_u8(), code.name_in(kind))?,
                    }
                }
                f.write_str(&codes)
            }
            Packet::Unsubscribe(unsubscribe) => {
                write!(f, " id={}", unsubscribe.pid)?;
                for filter in &unsubscribe.filters {
                    write!(f, " {filter:?}")?;
                }
                Ok(())
            }
            Packet::UnsubAck(unsuback) => {
                write!(f, " id={}", unsuback.pid)?;
                for &code in &unsuback.reasons {
                    reason(f, code, kind)?;
                }
                Ok(())
            }
            Packet::PingReq | Packet::PingResp => Ok(()),
            Packet::Disconnect(disconnect) => reason(f, disconnect.reason, kind),
            Packet::Auth(auth) => reason(f, auth.reason, kind),
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::codec::*;

    #[test]
    fn labels_read_like_the_diagram() {
        let pid = Pid::new(7).unwrap();
        let mut publish = Publish::new("a/b", QosPid::ExactlyOnce(pid), "hi");
        publish.dup = true;
        assert_eq!(
            Packet::Publish(publish).to_string(),
            "PUBLISH id=7 QoS 2 DUP \"a/b\""
        );
        let mut aliased = Publish::new("", QosPid::AtMostOnce, "hi");
        aliased.properties.topic_alias = std::num::NonZeroU16::new(1);
        assert_eq!(
            Packet::Publish(aliased).to_string(),
            "PUBLISH QoS 0 \"\" alias=1"
        );
        assert_eq!(Packet::PubRec(Ack::new(pid)).to_string(), "PUBREC id=7");
        let ack = Ack::with_reason(Pid::new(3).unwrap(), ReasonCode::NoMatchingSubscribers);
        assert_eq!(
            Packet::PubAck(ack).to_string(),
            "PUBACK id=3 0x10 No matching subscribers"
        );
        let suback = SubAck {
            pid,
            reasons: vec![ReasonCode::GrantedQoS1],
            properties: Properties::default(),
        };
        assert_eq!(Packet::SubAck(suback).to_string(), "SUBACK id=7 granted 1");
    }
}
