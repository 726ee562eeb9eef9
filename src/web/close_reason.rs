//! What to tell a person when a browser WebSocket closes. Browsers hide why a connection failed,
//! so the text says what to check.

use web_sys::CloseEvent;

/// The checks for a connection that never got to MQTT.
pub const CHECK_LISTENER: &str =
    "check the host, the port, the path (often /mqtt), that the port is a \
WebSocket listener and not plain MQTT, and for wss:// that this browser trusts the certificate";

/// Describes a close: its code and reason, and, when it came before CONNACK, what to check.
pub fn describe_close(event: &CloseEvent, before_connack: bool) -> String {
    let reason = event.reason();
    let reason = if reason.is_empty() {
        String::new()
    } else {
        format!(", reason \"{reason}\"")
    };
    if before_connack {
        format!(
            "the connection closed before a CONNACK arrived (WebSocket close code {}{reason}): {CHECK_LISTENER}",
            event.code()
        )
    } else {
        format!("the WebSocket closed (code {}{reason})", event.code())
    }
}
