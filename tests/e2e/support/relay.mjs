// A re-framing WebSocket relay between a page and Mosquitto, for tests of MQTT over WebSocket:
// a WebSocket message may hold part of an MQTT packet or several packets [MQTT-6.0.0-2], so a
// client must reassemble the byte stream whatever the framing; and a text frame must make the
// receiver close [MQTT-6.0.0-1]. Mosquitto frames one packet per message and a browser client
// usually does too, so neither rule is exercised without something in the middle.
//
//   const relay = await startRelay(process.env.QOSCOPE_MOSQUITTO_WS_URL, { mode: 'split' });
//   // connect the page to relay.url; relay.stats counts what went through
//   await relay.close();
//
// Modes (changeable at any time with setMode):
//   pass   each message is forwarded as it came;
//   split  each message is re-sent as 1-byte messages;
//   merge  messages in one direction are held until MERGE_QUIET_MS pass with nothing new (or
//          MERGE_MAX_MESSAGES are held), then sent as one message.
import { WebSocket, WebSocketServer } from 'ws';

const MODES = ['pass', 'split', 'merge'];
const MERGE_QUIET_MS = 5;
const MERGE_MAX_MESSAGES = 50;

// Close codes a peer may put in a close frame (RFC 6455 7.4): 1005 and 1006 only describe what
// happened locally, so they are mirrored by closing without a code and by dropping the TCP
// connection instead.
const sendableCode = (code) =>
  (code >= 1000 && code <= 1014 && ![1004, 1005, 1006].includes(code)) || (code >= 3000 && code <= 4999);

// Whether the upgrade request offers the `mqtt` subprotocol [MQTT-6.0.0-3].
const offersMqtt = (req) =>
  (req.headers['sec-websocket-protocol'] ?? '').split(',').some((name) => name.trim() === 'mqtt');

/**
 * Start a relay on 127.0.0.1 (a free port) to `upstreamUrl`. Resolves to
 * `{ url, setMode(mode), sendText(text), close(), stats }`, where `stats.toBroker` and
 * `stats.toClient` count `messages` received, `frames` sent on, their `bytes` and the `largest`
 * frame sent, and `stats.connections` / `stats.open` count clients accepted / still connected.
 */
export async function startRelay(upstreamUrl, { mode = 'pass' } = {}) {
  let current = checkMode(mode);
  const direction = () => ({ messages: 0, frames: 0, bytes: 0, largest: 0 });
  const stats = { connections: 0, open: 0, texts: 0, toBroker: direction(), toClient: direction() };
  const pairs = new Set();

  const server = new WebSocketServer({
    host: '127.0.0.1',
    port: 0,
    // A client that does not offer `mqtt` is refused before the handshake completes, as a broker
    // would refuse it; otherwise the relay would hide a client that forgets the subprotocol.
    verifyClient: ({ req }, done) => done(offersMqtt(req), 400, 'the mqtt subprotocol is required'),
    // Echo `mqtt`: the client checks that the server chose it [MQTT-6.0.0-4].
    handleProtocols: (protocols) => (protocols.has('mqtt') ? 'mqtt' : false),
  });
  await new Promise((ok, fail) => {
    server.once('listening', ok);
    server.once('error', fail);
  });

  server.on('connection', (client) => {
    stats.connections += 1;
    stats.open += 1;
    // One upstream connection per client, so the broker sees one MQTT connection per page client.
    const upstream = new WebSocket(upstreamUrl, 'mqtt');
    const toBroker = forwarder(client, upstream, stats.toBroker);
    const toClient = forwarder(upstream, client, stats.toClient);
    const pair = { client, flush: () => (toBroker.flush(), toClient.flush()) };
    pairs.add(pair);
    // Errors (a refused upstream, a reset) end in 'close', handled by the forwarders; without a
    // listener they would be thrown.
    client.on('error', () => {});
    upstream.on('error', () => {});
    client.on('close', () => {
      stats.open -= 1;
      pairs.delete(pair);
    });
  });

  // Forwards `from`'s messages to `to` in the current mode, and `from`'s close to `to`.
  function forwarder(from, to, counts) {
    let held = [];
    let timer;
    // Messages written while the upstream is still connecting wait here, in order.
    const waiting = [];
    const write = (data, binary) => {
      if (to.readyState === WebSocket.CONNECTING) return void waiting.push([data, binary]);
      if (to.readyState !== WebSocket.OPEN) return;
      to.send(data, { binary });
      counts.frames += 1;
      counts.bytes += data.length;
      counts.largest = Math.max(counts.largest, data.length);
    };
    to.on('open', () => waiting.splice(0).forEach(([data, binary]) => write(data, binary)));
    const flush = () => {
      clearTimeout(timer);
      if (held.length) write(Buffer.concat(held.splice(0)), true);
    };
    from.on('message', (data, binary) => {
      counts.messages += 1;
      // A text frame is passed on unchanged in every mode: re-framing it would change its meaning.
      if (!binary) return void (flush(), write(data, false));
      if (current === 'merge') {
        held.push(data);
        clearTimeout(timer);
        if (held.length >= MERGE_MAX_MESSAGES) flush();
        else timer = setTimeout(flush, MERGE_QUIET_MS);
        return;
      }
      flush(); // after a switch away from merge, what is held goes first
      if (current === 'split') for (let i = 0; i < data.length; i += 1) write(data.subarray(i, i + 1), true);
      else write(data, true);
    });
    from.on('close', (code, reason) => {
      // What was held still goes out (when `to` is open), then `to` closes the way `from` did.
      flush();
      if (to.readyState === WebSocket.CLOSED) return;
      if (code === 1006 || to.readyState === WebSocket.CONNECTING) to.terminate();
      else if (sendableCode(code)) to.close(code, reason);
      else to.close();
    });
    return { flush };
  }

  function checkMode(value) {
    if (!MODES.includes(value)) throw new Error(`relay mode must be one of ${MODES.join(', ')}, not ${value}`);
    return value;
  }

  return {
    url: `ws://127.0.0.1:${server.address().port}/mqtt`,
    stats,
    setMode(value) {
      current = checkMode(value);
      // Nothing held should wait for a message that a new mode would no longer hold back.
      for (const pair of pairs) pair.flush();
    },
    /** Send `text` as a text frame to every connected client. */
    sendText(text) {
      for (const { client, flush } of pairs) {
        flush();
        if (client.readyState !== WebSocket.OPEN) continue;
        client.send(String(text));
        stats.texts += 1;
      }
    },
    /** Drop every connection (what is held is flushed first) and stop listening. */
    close() {
      for (const pair of pairs) pair.flush();
      for (const client of server.clients) client.terminate();
      return new Promise((ok) => server.close(() => ok()));
    },
  };
}
