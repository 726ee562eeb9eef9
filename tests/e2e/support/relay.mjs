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
//
// Fault modes, each imitating a broker bug, so that a client's checks of the rules above can be
// seen to fail against a real broker:
//   no-subprotocol      the handshake succeeds but selects no subprotocol (breaks
//                       [MQTT-6.0.0-4]); messages are then forwarded as in pass. It acts on the
//                       handshake, so it is chosen in startRelay and kept for the relay's life:
//                       setMode can neither choose it nor leave it;
//   text-frames         every message to the client goes as a text frame instead of a binary one
//                       (breaks [MQTT-6.0.0-1]); the client's messages pass. A browser fails the
//                       connection at a text frame that is not valid UTF-8, instead of handing it
//                       over; a CONNACK is valid UTF-8;
//   whole-packets-only  a message from the client that does not hold whole MQTT packets (the
//                       first packet starts at its first byte, the last one ends at its last byte)
//                       is dropped, as by a broker that cannot reassemble a packet split across
//                       messages (breaks [MQTT-6.0.0-2]); the broker's messages pass;
//   first-packet-only   of each message from the client only the first MQTT packet is forwarded,
//                       as by a broker that reads one packet per message (breaks [MQTT-6.0.0-2]);
//                       a message holding less than one whole packet is forwarded as it came. The
//                       broker's messages pass.
// stats.faulted counts what a fault mode did: handshakes without a subprotocol, messages sent as
// text, messages dropped, messages cut to their first packet.
//
// A client that must see a healthy broker before the faulty one (a check suite that first asks
// whether the broker speaks the version at all) gets it with `spare`: the first `spare`
// connections are relayed as in pass mode whatever the mode, handshake included.
//
//   const relay = await startRelay(url, { mode: 'no-subprotocol', spare: 1 });
import { WebSocket, WebSocketServer } from 'ws';

const MODES = ['pass', 'split', 'merge', 'text-frames', 'whole-packets-only', 'first-packet-only'];
// Modes that act on the handshake: startRelay only.
const HANDSHAKE_MODES = ['no-subprotocol'];
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
 * Where the MQTT packet that starts at `at` in `data` ends, from its fixed header: a type byte,
 * then the Remaining Length in 1 to 4 bytes, 7 bits each, least significant first, the top bit
 * set when another byte follows. Undefined when the header is cut short or malformed (a fifth
 * length byte); the end may lie past `data`.
 */
export function packetEnd(data, at = 0) {
  let remaining = 0;
  for (let i = 0; i < 4; i += 1) {
    const index = at + 1 + i;
    if (index >= data.length) return undefined;
    remaining += (data[index] & 0x7f) * 128 ** i;
    if ((data[index] & 0x80) === 0) return index + 1 + remaining;
  }
  return undefined;
}

/** Whether `data` is a run of whole MQTT packets, none cut short (an empty message is). */
export function holdsWholePackets(data) {
  let at = 0;
  while (at < data.length) {
    const end = packetEnd(data, at);
    if (end === undefined || end > data.length) return false;
    at = end;
  }
  return true;
}

/**
 * Start a relay on 127.0.0.1 (a free port) to `upstreamUrl`. Resolves to
 * `{ url, setMode(mode), sendText(text), close(), stats }`, where `stats.toBroker` and
 * `stats.toClient` count `messages` received, `frames` sent on, their `bytes` and the `largest`
 * frame sent, `stats.connections` / `stats.open` count clients accepted / still connected, and
 * `stats.faulted` what the fault modes did. The first `spare` connections are relayed as in pass
 * mode.
 */
export async function startRelay(upstreamUrl, { mode = 'pass', spare = 0 } = {}) {
  const handshakeMode = HANDSHAKE_MODES.includes(mode);
  let current = handshakeMode ? 'pass' : checkMode(mode);
  const direction = () => ({ messages: 0, frames: 0, bytes: 0, largest: 0 });
  const stats = { connections: 0, open: 0, texts: 0, faulted: 0, toBroker: direction(), toClient: direction() };
  const pairs = new Set();
  // Handshakes so far, and which upgrade requests belong to spared connections.
  let handshakes = 0;
  const spared = new WeakSet();

  const server = new WebSocketServer({
    host: '127.0.0.1',
    port: 0,
    // A client that does not offer `mqtt` is refused before the handshake completes, as a broker
    // would refuse it; otherwise the relay would hide a client that forgets the subprotocol.
    verifyClient: ({ req }, done) => done(offersMqtt(req), 400, 'the mqtt subprotocol is required'),
    // Echo `mqtt`: the client checks that the server chose it [MQTT-6.0.0-4]. (Called for every
    // accepted client: each offers `mqtt`.)
    handleProtocols: (protocols, req) => {
      handshakes += 1;
      if (handshakes <= spare) spared.add(req);
      else if (mode === 'no-subprotocol') {
        stats.faulted += 1;
        return false; // no Sec-WebSocket-Protocol header in the response
      }
      return protocols.has('mqtt') ? 'mqtt' : false;
    },
  });
  await new Promise((ok, fail) => {
    server.once('listening', ok);
    server.once('error', fail);
  });

  server.on('connection', (client, req) => {
    stats.connections += 1;
    stats.open += 1;
    // One upstream connection per client, so the broker sees one MQTT connection per page client.
    const upstream = new WebSocket(upstreamUrl, 'mqtt');
    // The mode this connection's messages are relayed in, now.
    const modeNow = spared.has(req) ? () => 'pass' : () => current;
    const toBroker = forwarder(client, upstream, stats.toBroker, modeNow, 'toBroker');
    const toClient = forwarder(upstream, client, stats.toClient, modeNow, 'toClient');
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

  // Forwards `from`'s messages to `to` in the mode `modeNow()` gives, and `from`'s close to `to`;
  // `side` is 'toBroker' or 'toClient', for the faults that act in one direction only.
  function forwarder(from, to, counts, modeNow, side) {
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
      const now = modeNow();
      if (now === 'merge') {
        held.push(data);
        clearTimeout(timer);
        if (held.length >= MERGE_MAX_MESSAGES) flush();
        else timer = setTimeout(flush, MERGE_QUIET_MS);
        return;
      }
      flush(); // after a switch away from merge, what is held goes first
      const first = now === 'first-packet-only' && side === 'toBroker' ? packetEnd(data) : undefined;
      if (now === 'split') for (let i = 0; i < data.length; i += 1) write(data.subarray(i, i + 1), true);
      else if (now === 'text-frames' && side === 'toClient') {
        stats.faulted += 1;
        write(data, false);
      } else if (now === 'whole-packets-only' && side === 'toBroker' && !holdsWholePackets(data)) {
        stats.faulted += 1; // dropped
      } else if (first < data.length) {
        // first-packet-only, and more than the first packet: the rest is lost. (Less than one
        // whole packet, or exactly one, goes as it came.)
        stats.faulted += 1;
        write(data.subarray(0, first), true);
      } else write(data, true);
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
    if (HANDSHAKE_MODES.includes(value)) {
      throw new Error(`relay mode ${value} acts on the handshake: give it to startRelay`);
    }
    if (!MODES.includes(value)) {
      throw new Error(`relay mode must be one of ${[...MODES, ...HANDSHAKE_MODES].join(', ')}, not ${value}`);
    }
    return value;
  }

  return {
    url: `ws://127.0.0.1:${server.address().port}/mqtt`,
    stats,
    setMode(value) {
      if (handshakeMode) throw new Error(`a relay started in mode ${mode} keeps it`);
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
