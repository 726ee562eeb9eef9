//! What to tell a person when a transport closes. Browsers hide why a WebSocket failed, so for a
//! connection that never got to MQTT the text says what to check.

/// The checks for a connection that never got to MQTT.
pub const CHECK_LISTENER: &str =
    "check the host, the port, the path (often /mqtt), that the port is a \
WebSocket listener and not plain MQTT, and for wss:// that this browser trusts the certificate";

/// Describes a WebSocket close with `code` and `reason`: when it came before the connection got
/// to MQTT (`before_mqtt`), also what to check.
pub fn describe_close(code: u16, reason: &str, before_mqtt: bool) -> String {
    let reason = if reason.is_empty() {
        String::new()
    } else {
        format!(", reason \"{reason}\"")
    };
    if before_mqtt {
        format!(
            "the connection closed before a CONNACK arrived (WebSocket close code {code}{reason}): {CHECK_LISTENER}"
        )
    } else {
        format!("the WebSocket closed (code {code}{reason})")
    }
}
