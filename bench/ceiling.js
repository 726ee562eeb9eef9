// The ceiling: the least work an MQTT 3.1.1 or 5.0 client can do on the browser's WebSocket, to
// measure the other clients against. It keeps no session, checks almost nothing and handles only
// what the benchmark needs: CONNECT, SUBSCRIBE, PUBLISH at QoS 0/1/2 both ways and their
// acknowledgements. In 5.0 it sends no properties and skips those it receives.
//
// What makes it fast, and what a real client could do too:
// - every packet written before the flush goes out as ONE WebSocket message (the per-message cost
//   of the browser's WebSocket dominates small packets); the flush is a `setTimeout(0)`, which runs
//   after the tasks already queued, so acknowledgements and publishes made from the message handlers
//   of several incoming frames share a message too;
// - the PUBLISH packets are encoded before the clock starts (`encodePublishes`);
// - incoming frames go through a streaming parser: a frame may hold many packets, and a packet may
//   span frames.

const CONNECT = 0x10;
const CONNACK = 0x20;
const PUBLISH = 0x30;
const PUBACK = 0x40;
const PUBREC = 0x50;
const PUBREL = 0x60;
const PUBCOMP = 0x70;
const SUBSCRIBE = 0x80;
const SUBACK = 0x90;
const PINGRESP = 0xd0;
const DISCONNECT = 0xe0;

const utf8 = new TextEncoder();

/** MQTT 5.0's protocol level; 3.1.1's is 4. */
const MQTT_5 = 5;
/** In 5.0, the Property Length of a packet without properties (one byte: 0). */
const NO_PROPERTIES = [0];
const propertiesOf = (version) => (version === MQTT_5 ? NO_PROPERTIES : []);

/** A Variable Byte Integer (Remaining Length, Property Length): 1 to 4 bytes, 7 bits each, low group first. */
function varint(length) {
  const bytes = [];
  do {
    let byte = length % 128;
    length = Math.floor(length / 128);
    if (length > 0) byte |= 0x80;
    bytes.push(byte);
  } while (length > 0);
  return bytes;
}

/** What `readVarint` returns for an integer that does not end before the data does. */
const INCOMPLETE = -1;
/** What `readVarint` returns for an integer longer than 4 bytes. */
const MALFORMED = -2;

/**
 * Reads a Variable Byte Integer at data[at], looking no further than data[end - 1]. Returns its
 * value * 8 + its size in bytes (so that the hot path allocates nothing: `>>> 3` and `& 7` take
 * them apart), INCOMPLETE or MALFORMED.
 */
function readVarint(data, at, end) {
  let value = 0;
  let multiplier = 1;
  for (let size = 1; size <= 4; size++) {
    if (at + size > end) return INCOMPLETE;
    const byte = data[at + size - 1];
    value += (byte & 0x7f) * multiplier;
    if ((byte & 0x80) === 0) return value * 8 + size;
    multiplier *= 128;
  }
  return MALFORMED;
}

/** Where what follows a 5.0 packet's properties starts: past their Property Length at data[at] and them. */
function skipVarint(data, at, end) {
  const packed = readVarint(data, at, end);
  if (packed < 0) throw new Error('malformed Property Length');
  return at + (packed & 7) + (packed >>> 3);
}

/** A packet from its first byte and its variable header plus payload. */
function packet(first, body) {
  const header = [first, ...varint(body.length)];
  const out = new Uint8Array(header.length + body.length);
  out.set(header);
  out.set(body, header.length);
  return out;
}

/** A UTF-8 string with its two-byte length prefix. */
function mqttString(text) {
  const bytes = utf8.encode(text);
  return [bytes.length >> 8, bytes.length & 0xff, ...bytes];
}

/**
 * A two-byte acknowledgement (PUBACK, PUBREC, PUBREL, PUBCOMP) for packet id `pid`. Also right in
 * 5.0, where a Remaining Length of 2 means reason code 0 (success) and no properties.
 */
function ack(first, pid) {
  return Uint8Array.of(first, 2, pid >> 8, pid & 0xff);
}

/**
 * `count` PUBLISH packets to `topic` at `qos` in MQTT `version` (4 or 5), each with `payload` (a
 * Uint8Array). Packet ids (QoS 1 and 2) run from 1 upwards, so they are unique for up to 65,535
 * packets.
 */
export function encodePublishes(topic, payload, qos, count, version) {
  if (qos > 0 && count > 65535) throw new Error('at most 65,535 packets in flight have distinct ids');
  const name = mqttString(topic);
  const packets = new Array(count);
  for (let i = 0; i < count; i++) {
    const pid = i + 1;
    // The rest of the variable header: the packet id (QoS 1 and 2), the properties (5.0).
    const rest = [...(qos > 0 ? [pid >> 8, pid & 0xff] : []), ...propertiesOf(version)];
    const body = new Uint8Array(name.length + rest.length + payload.length);
    body.set(name);
    body.set(rest, name.length);
    body.set(payload, name.length + rest.length);
    packets[i] = packet(PUBLISH | (qos << 1), body);
  }
  return packets;
}

export class CeilingClient {
  /**
   * Opens a WebSocket to `url` and resolves once the broker's CONNACK accepts the connection in
   * MQTT `version` (4: 3.1.1, 5: 5.0).
   */
  static connect(url, clientId, version) {
    return new Promise((resolve, reject) => {
      const client = new CeilingClient(url, version);
      client.pending = { resolve, reject, what: 'CONNACK' };
      client.socket.onopen = () => {
        if (client.socket.protocol !== 'mqtt') {
          client.fail(new Error(`the broker did not accept the subprotocol "mqtt" (got "${client.socket.protocol}")`));
          return;
        }
        // Protocol name "MQTT", its level, flags: clean session (start); keep alive 0 (off).
        const header = [...mqttString('MQTT'), version, 0x02, 0, 0, ...propertiesOf(version)];
        client.write(packet(CONNECT, [...header, ...mqttString(clientId)]));
      };
    });
  }

  constructor(url, version) {
    this.version = version;
    this.socket = new WebSocket(url, 'mqtt');
    this.socket.binaryType = 'arraybuffer';
    this.socket.onmessage = (event) => this.receive(new Uint8Array(event.data));
    this.socket.onclose = (event) => this.fail(new Error(`the WebSocket closed (code ${event.code})`));
    this.socket.onerror = () => this.fail(new Error('WebSocket error'));
    /** Packets written in the current task, sent together by `flush`. */
    this.outgoing = [];
    this.outgoingBytes = 0;
    this.flushQueued = false;
    /** The start of a packet whose end has not arrived yet. */
    this.partial = null;
    /** The CONNACK or SUBACK being waited for: { resolve, reject, what }. */
    this.pending = null;
    /** Called with (topic, payload) for each PUBLISH received. */
    this.onMessage = () => {};
    /** Called with the packet id of each of its publishes whose QoS 1 or 2 flow completes. */
    this.onAcknowledged = () => {};
  }

  /** Subscribes to `filter` at `qos`; resolves with the granted QoS. */
  subscribe(filter, qos) {
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject, what: 'SUBACK' };
      this.write(packet(SUBSCRIBE | 0x02, [0, 1, ...propertiesOf(this.version), ...mqttString(filter), qos]));
    });
  }

  /** Queues a packet; everything queued until the flush leaves as one WebSocket message. */
  write(bytes) {
    this.outgoing.push(bytes);
    this.outgoingBytes += bytes.length;
    if (!this.flushQueued) {
      this.flushQueued = true;
      setTimeout(() => this.flush(), 0);
    }
  }

  flush() {
    this.flushQueued = false;
    const parts = this.outgoing;
    let message = parts[0];
    if (parts.length > 1) {
      message = new Uint8Array(this.outgoingBytes);
      let at = 0;
      for (const part of parts) {
        message.set(part, at);
        at += part.length;
      }
    }
    this.outgoing = [];
    this.outgoingBytes = 0;
    if (this.socket.readyState === WebSocket.OPEN) this.socket.send(message);
  }

  /** Parses a frame: whole packets are handled, the tail of a split one is kept for the next. */
  receive(frame) {
    let data = frame;
    if (this.partial) {
      data = new Uint8Array(this.partial.length + frame.length);
      data.set(this.partial);
      data.set(frame, this.partial.length);
      this.partial = null;
    }
    let at = 0;
    while (at < data.length) {
      // Fixed header: type and flags, then 1 to 4 bytes of Remaining Length.
      const length = readVarint(data, at + 1, data.length);
      if (length === MALFORMED) {
        this.fail(new Error('malformed Remaining Length'));
        return;
      }
      if (length === INCOMPLETE) break;
      const start = at + 1 + (length & 7);
      const end = start + (length >>> 3);
      if (end > data.length) break;
      try {
        this.handle(data[at], data, start, end);
      } catch (error) {
        this.fail(error);
        return;
      }
      at = end;
    }
    if (at < data.length) this.partial = data.slice(at);
  }

  /** One packet: first byte `first`, its body in data[start, end). */
  handle(first, data, start, end) {
    const pid = () => (data[start] << 8) | data[start + 1];
    const v5 = this.version === MQTT_5;
    switch (first & 0xf0) {
      case PUBLISH: {
        const qos = (first >> 1) & 3;
        const topicLength = (data[start] << 8) | data[start + 1];
        const topicEnd = start + 2 + topicLength;
        const idEnd = topicEnd + (qos > 0 ? 2 : 0);
        const payloadStart = v5 ? skipVarint(data, idEnd, end) : idEnd;
        if (qos === 1) this.write(ack(PUBACK, (data[topicEnd] << 8) | data[topicEnd + 1]));
        if (qos === 2) this.write(ack(PUBREC, (data[topicEnd] << 8) | data[topicEnd + 1]));
        // The topic is left undecoded (the benchmark knows it); the payload is a view, not a copy.
        this.onMessage(undefined, data.subarray(payloadStart, end));
        break;
      }
      case PUBREC:
        if (!this.refused(first, data, start, end)) this.write(ack(PUBREL | 0x02, pid()));
        break;
      case PUBREL:
        this.write(ack(PUBCOMP, pid()));
        break;
      case PUBACK:
      case PUBCOMP:
        if (!this.refused(first, data, start, end)) this.onAcknowledged(pid());
        break;
      case CONNACK:
        // Flags, then the return code (3.1.1) or reason code (5.0): 0 accepts either way.
        if (data[start + 1] !== 0) this.settle(new Error(`CONNACK refused the connection (code ${data[start + 1]})`));
        else this.settle(null, this);
        break;
      case SUBACK: {
        // The packet id, (5.0) properties, then one return or reason code per filter: 0x80 and up refuse.
        const code = data[v5 ? skipVarint(data, start + 2, end) : start + 2];
        if (code >= 0x80) this.settle(new Error(`SUBACK refused the subscription (code ${code})`));
        else this.settle(null, code);
        break;
      }
      case PINGRESP:
        break;
      default:
        this.fail(new Error(`unexpected packet type ${first >> 4}`));
    }
  }

  /**
   * Whether a 5.0 PUBACK, PUBREC or PUBCOMP (first byte `first`, body in data[start, end)) refuses
   * its publish, recording the error if so. Its Remaining Length is 2 (success, no properties), or
   * 3 and more with a reason code (0x80 and up refuse) and perhaps properties, not needed here.
   */
  refused(first, data, start, end) {
    if (this.version !== MQTT_5 || end - start < 3 || data[start + 2] < 0x80) return false;
    const name = { [PUBACK]: 'PUBACK', [PUBREC]: 'PUBREC', [PUBCOMP]: 'PUBCOMP' }[first & 0xf0];
    this.error ??= new Error(`${name} refused a publish (reason code ${data[start + 2]})`);
    return true;
  }

  settle(error, value) {
    const pending = this.pending;
    this.pending = null;
    if (!pending) return;
    if (error) pending.reject(error);
    else pending.resolve(value);
  }

  fail(error) {
    if (this.pending) this.settle(new Error(`${error.message} (waiting for ${this.pending.what})`));
    this.error ??= error;
  }

  /** Sends DISCONNECT and closes. */
  end() {
    this.socket.onclose = null;
    this.socket.onerror = null;
    this.socket.onmessage = null;
    if (this.socket.readyState === WebSocket.OPEN) {
      this.socket.send(Uint8Array.of(DISCONNECT, 0));
      this.socket.close();
    }
  }
}
