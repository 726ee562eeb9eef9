// A chaos relay between a WebSocket MQTT client (a page) and Mosquitto: it forwards every byte
// as it came, both ways, and at moments drawn from a seeded schedule it cuts every connection open
// at that moment, abruptly: the sockets of both sides are destroyed at once (ws terminate(), net
// destroy()), with no close frame, no DISCONNECT, and whatever the relay had not yet written
// dropped. A client so meets lost connections at every stage of every flow, and a failure replays
// with the same seed.
//
//   const chaos = await startChaosRelay(process.env.QOSCOPE_MOSQUITTO_WS_URL, { seed: 42 });
//   const chaos = await startChaosRelay(`tcp://127.0.0.1:${process.env.QOSCOPE_MOSQUITTO_TCP_PORT}`, { seed: 42 });
//   // connect the page to chaos.url; chaos.stats counts connections and cuts
//   chaos.calm();   // no more cuts (connections are forwarded as they are)
//   chaos.storm();  // cuts again, continuing the same schedule
//   await chaos.close();
//
// The upstream is Mosquitto's WebSocket listener (ws://...) or its TCP listener (tcp://host:port).
// Either way the client speaks MQTT over WebSocket to the relay. Over TCP the relay passes the
// bytes on as they come in both directions, so a WebSocket message to the client holds whatever
// TCP delivered (part of a packet, or several), which the client must reassemble
// [MQTT-6.0.0-2]. TCP also connects at once, where Mosquitto 2.0.11's WebSocket listener was
// measured taking 100 to 200 ms to complete each handshake on loopback, a delay that would eat
// most of every connection's life under cuts every few hundred ms.
//
// The schedule: a mulberry32 generator seeded with `seed` draws each wait before the next cut,
// uniformly in [minMs, maxMs) (150 to 400 ms by default). At each cut every open connection is
// terminated on both sides; connections made after it live until the next cut. The waits are a
// fixed sequence for a given seed; where they fall in the traffic depends on the machine's speed.
// `stats.cuts` counts the cuts that found at least one connection open, `stats.severed` the
// connections they terminated, `stats.ticks` every moment the schedule reached (including those
// with nothing open), `stats.connections` the connections accepted, `stats.open` those still
// open, and `stats.toBroker` / `stats.toClient` the messages (TCP chunks from a TCP upstream)
// forwarded each way.
import { connect as tcpConnect } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';

/** mulberry32: a small 32-bit seeded generator; returns a function giving floats in [0, 1). */
export function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A 32-bit seed from a base seed and a name (FNV-1a over the name, mixed with the base). */
export function deriveSeed(base, name) {
  let hash = (0x811c9dc5 ^ (base >>> 0)) >>> 0;
  for (const char of String(name)) {
    hash ^= char.codePointAt(0);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

// Whether the upgrade request offers the `mqtt` subprotocol [MQTT-6.0.0-3].
const offersMqtt = (req) =>
  (req.headers['sec-websocket-protocol'] ?? '').split(',').some((name) => name.trim() === 'mqtt');

/**
 * Start a chaos relay on 127.0.0.1 (a free port) to `upstreamUrl`. Options: `seed` (a 32-bit
 * integer, required so that every run names its schedule), `minMs` and `maxMs` (the range of
 * the waits between cuts), `calm` (start without cutting, until `storm()`). Resolves to
 * `{ url, seed, stats, calm(), storm(), cutNow(), close() }`.
 */
export async function startChaosRelay(upstreamUrl, { seed, minMs = 150, maxMs = 400, calm = false } = {}) {
  if (!Number.isInteger(seed)) throw new Error('startChaosRelay needs an integer seed, so that a run can be replayed');
  if (!(minMs > 0 && maxMs >= minMs)) throw new Error(`the cut interval must be 0 < minMs <= maxMs, not ${minMs}..${maxMs}`);
  const tcp = upstreamUrl.startsWith('tcp://') ? new URL(upstreamUrl) : null;
  const random = mulberry32(seed);
  const stats = { connections: 0, open: 0, ticks: 0, cuts: 0, severed: 0, toBroker: 0, toClient: 0 };
  // Each open connection: its two sockets.
  const pairs = new Set();
  let timer;
  let storming = !calm;
  let closed = false;

  const server = new WebSocketServer({
    host: '127.0.0.1',
    port: 0,
    verifyClient: ({ req }, done) => done(offersMqtt(req), 400, 'the mqtt subprotocol is required'),
    handleProtocols: (protocols) => (protocols.has('mqtt') ? 'mqtt' : false),
    // The relay must not add limits of its own.
    maxPayload: 256 * 1024 * 1024,
  });
  await new Promise((ok, fail) => {
    server.once('listening', ok);
    server.once('error', fail);
  });

  server.on('connection', (client) => {
    stats.connections += 1;
    stats.open += 1;
    // One upstream connection per client, so the broker sees one MQTT connection per client.
    const upstream = tcp ? tcpUpstream(client) : wsUpstream(client);
    const pair = { client, upstream };
    pairs.add(pair);
    // Errors (a reset, a refused upstream) end in 'close'; without a listener they would be thrown.
    client.on('error', () => {});
    // Whichever side ends, the other is dropped at once: the relay never holds half a connection.
    const drop = () => {
      if (!pairs.delete(pair)) return;
      stats.open -= 1;
      client.terminate();
      upstream.terminate();
    };
    client.on('close', drop);
    upstream.onClose(drop);
  });

  /** Forwards `client` to the WebSocket upstream, message by message. */
  function wsUpstream(client) {
    const upstream = new WebSocket(upstreamUrl, 'mqtt', { maxPayload: 256 * 1024 * 1024 });
    // Messages from the client before the upstream is open wait here, in order.
    const waiting = [];
    upstream.on('open', () => {
      for (const data of waiting.splice(0)) upstream.send(data, { binary: true });
    });
    client.on('message', (data, binary) => {
      stats.toBroker += 1;
      if (upstream.readyState === WebSocket.CONNECTING) waiting.push(data);
      else if (upstream.readyState === WebSocket.OPEN) upstream.send(data, { binary });
    });
    upstream.on('message', (data, binary) => {
      stats.toClient += 1;
      if (client.readyState === WebSocket.OPEN) client.send(data, { binary });
    });
    upstream.on('error', () => {});
    return { terminate: () => upstream.terminate(), onClose: (listener) => upstream.on('close', listener) };
  }

  /** Forwards `client` to the TCP upstream: each client message's bytes, and each TCP chunk back. */
  function tcpUpstream(client) {
    // Node buffers what is written before the connection is made, in order.
    const socket = tcpConnect({ host: tcp.hostname, port: Number(tcp.port), noDelay: true });
    client.on('message', (data) => {
      stats.toBroker += 1;
      if (!socket.destroyed) socket.write(data);
    });
    socket.on('data', (data) => {
      stats.toClient += 1;
      if (client.readyState === WebSocket.OPEN) client.send(data, { binary: true });
    });
    socket.on('error', () => {});
    return { terminate: () => socket.destroy(), onClose: (listener) => socket.on('close', listener) };
  }

  /** Terminates every open connection, both sides, at once. */
  function cutNow() {
    stats.ticks += 1;
    if (pairs.size === 0) return 0;
    stats.cuts += 1;
    let severed = 0;
    for (const pair of [...pairs]) {
      pairs.delete(pair);
      stats.open -= 1;
      severed += 1;
      pair.client.terminate();
      pair.upstream.terminate();
    }
    stats.severed += severed;
    return severed;
  }

  function schedule() {
    clearTimeout(timer);
    if (closed || !storming) return;
    const wait = minMs + random() * (maxMs - minMs);
    timer = setTimeout(() => {
      cutNow();
      schedule();
    }, wait);
  }
  schedule();

  return {
    url: `ws://127.0.0.1:${server.address().port}/mqtt`,
    seed,
    stats,
    cutNow,
    /** Stops cutting; open connections stay open. */
    calm() {
      storming = false;
      clearTimeout(timer);
    },
    /** Starts cutting again (the schedule continues where it stopped). */
    storm() {
      storming = true;
      schedule();
    },
    /** Stops cutting, drops every connection and stops listening. */
    close() {
      closed = true;
      clearTimeout(timer);
      for (const pair of pairs) {
        pair.client.terminate();
        pair.upstream.terminate();
      }
      pairs.clear();
      stats.open = 0;
      return new Promise((ok) => server.close(() => ok()));
    },
  };
}
