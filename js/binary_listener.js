// The WebSocket message listener of src/web/ws_client.rs. Every packet from the broker comes
// through here, so it makes one call into wasm per message: the bytes (copied into the
// module's memory by that call) and the time the message arrived (`event.timeStamp`, on the
// same clock as performance.now()), instead of a call back out for each.

/**
 * A listener that calls `handler(bytes, isText, arrivedAt)`: `bytes` a Uint8Array of a binary
 * message (empty for a text one, which MQTT never sends).
 */
export function binaryListener(handler) {
  return (event) => {
    const { data } = event;
    if (typeof data === 'string') handler(EMPTY, true, event.timeStamp);
    else handler(new Uint8Array(data), false, event.timeStamp);
  };
}

const EMPTY = new Uint8Array(0);
