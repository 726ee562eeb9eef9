// qoscope's JavaScript API, named as MQTT.js 5 users know it (promise style), on the
// `Connection` the wasm module exports (src/web/js_api.rs). This side reads options objects,
// keeps listeners and promises, makes the objects listeners get, and keeps the session state in
// IndexedDB; the MQTT work is all in Rust.
//
// The app installs it as `window.qoscope` (installGlobal); the lean build (scripts/build-lean)
// exports `connectAsync` from js/lean.js.

/** MQTT.js's names of the v5 properties, by identifier. */
const PROPERTY_NAMES = {
  1: 'payloadFormatIndicator',
  2: 'messageExpiryInterval',
  3: 'contentType',
  8: 'responseTopic',
  9: 'correlationData',
  17: 'sessionExpiryInterval',
  18: 'assignedClientIdentifier',
  19: 'serverKeepAlive',
  21: 'authenticationMethod',
  22: 'authenticationData',
  23: 'requestProblemInformation',
  24: 'willDelayInterval',
  25: 'requestResponseInformation',
  26: 'responseInformation',
  28: 'serverReference',
  31: 'reasonString',
  33: 'receiveMaximum',
  34: 'topicAliasMaximum',
  35: 'topicAlias',
  36: 'maximumQoS',
  37: 'retainAvailable',
  39: 'maximumPacketSize',
  40: 'wildcardSubscriptionAvailable',
  41: 'subscriptionIdentifiersAvailable',
  42: 'sharedSubscriptionAvailable',
};
const SUBSCRIPTION_IDENTIFIER = 11;
const USER_PROPERTY = 38;

/** `[identifier, value, ...]` from Rust as an MQTT.js properties object. */
function propertiesObject(flat) {
  const properties = {};
  for (let i = 0; i < flat.length; i += 2) {
    const id = flat[i];
    const value = flat[i + 1];
    if (id === SUBSCRIPTION_IDENTIFIER) {
      (properties.subscriptionIdentifier ??= []).push(value);
    } else if (id === USER_PROPERTY) {
      const users = (properties.userProperties ??= {});
      const [name, text] = value;
      // A repeated name collects its values, as MQTT.js does.
      users[name] = name in users ? [].concat(users[name], text) : text;
    } else {
      properties[PROPERTY_NAMES[id]] = value;
    }
  }
  return properties;
}

// Option readers: `undefined` when absent, an Error naming the option when mistyped.
const given = (value) => value !== undefined && value !== null;
const field = (object, name) => (object !== null && typeof object === 'object' ? object[name] : undefined);

function bool(object, name) {
  const value = field(object, name);
  if (!given(value)) return undefined;
  if (typeof value !== 'boolean') throw new Error(`${name} must be true or false`);
  return value;
}

function whole(object, name, max) {
  const value = field(object, name);
  if (!given(value)) return undefined;
  if (!Number.isInteger(value) || value < 0 || value > max) {
    throw new Error(`${name} must be a whole number from 0 to ${max}`);
  }
  return value;
}

function text(object, name) {
  const value = field(object, name);
  if (!given(value)) return undefined;
  if (typeof value !== 'string') throw new Error(`${name} must be a string`);
  return value;
}

/** Causes of a lost connection that are the broker saying no: `error` events, as in MQTT.js. */
const REFUSALS = new Set(['CONNECTION_REFUSED', 'UNSUPPORTED_PROTOCOL_VERSION']);

/** An Error with `code` (why the connection ended) and, when the broker gave one, `reasonCode`. */
function codedError(message, code, reasonCode) {
  const error = new Error(message);
  error.code = code;
  if (reasonCode >= 0) error.reasonCode = reasonCode;
  return error;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** A payload as MQTT.js takes it: a string (sent as UTF-8), bytes, or nothing. */
function bytes(value, name = 'payload') {
  if (typeof value === 'string') return encoder.encode(value);
  if (value instanceof Uint8Array) return value;
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  if (!given(value)) return new Uint8Array();
  throw new Error(`${name} must be a string, a Uint8Array or an ArrayBuffer`);
}

/** The shared buffer small payloads are copied into, and how much of it is taken. */
const POOL_SIZE = 8192;
let pool = new Uint8Array(POOL_SIZE);
let pooled = 0;

/**
 * A copy of the `length` bytes at `start` of `memory` (wasm memory, which the next call into the
 * module may change). A payload under half the pool's size goes into the shared pool, as Node.js
 * does for small Buffers: a new ArrayBuffer per message is the costliest part of taking it out,
 * and the pool makes one per many messages. Each copy is a range of its own, so no message can
 * change another; what keeps one keeps its pool (8 KiB) alive.
 */
function copyOut(memory, start, length) {
  // Views made with the constructor: `subarray` looks up the constructor to use each time.
  const view = new Uint8Array(memory.buffer, start, length);
  if (length >= POOL_SIZE >>> 1) return view.slice();
  if (pooled + length > POOL_SIZE) {
    pool = new Uint8Array(POOL_SIZE);
    pooled = 0;
  }
  const copy = new Uint8Array(pool.buffer, pooled, length);
  copy.set(view);
  pooled += length;
  return copy;
}

/**
 * What the module hands over by address (`messages`): read through views of its memory, made
 * once and again only after the memory grows, which detaches the buffer they were made on.
 */
class ModuleMemory {
  #memory;
  bytes = new Uint8Array(0);
  words = new Uint32Array(0);

  /** `memory`: the module's WebAssembly.Memory. */
  constructor(memory) {
    this.#memory = memory;
  }

  /** The views, on the memory's current buffer. */
  current() {
    const { buffer } = this.#memory;
    if (this.bytes.buffer !== buffer) {
      this.bytes = new Uint8Array(buffer);
      this.words = new Uint32Array(buffer);
    }
    return this;
  }
}

const filterList = (filters) => {
  const list = Array.isArray(filters) ? filters : [filters];
  if (!list.every((filter) => typeof filter === 'string')) throw new Error('filters must be strings');
  return list;
};

/** The PUBLISH properties the Rust side takes, in its order, from MQTT.js's `properties`. */
function publishProperties(properties) {
  const users = field(properties, 'userProperties');
  let userPairs;
  if (users !== null && typeof users === 'object') {
    userPairs = [];
    for (const [name, value] of Object.entries(users)) {
      for (const one of [].concat(value)) userPairs.push(name, String(one));
    }
  }
  const correlation = field(properties, 'correlationData');
  return [
    bool(properties, 'payloadFormatIndicator'),
    whole(properties, 'messageExpiryInterval', MAX_U32),
    text(properties, 'contentType'),
    text(properties, 'responseTopic'),
    given(correlation) ? bytes(correlation, 'correlationData') : undefined,
    userPairs,
  ];
}
const NO_PUBLISH_PROPERTIES = [undefined, undefined, undefined, undefined, undefined, undefined];

const MAX_U16 = 0xffff;
const MAX_U32 = 0xffffffff;

/** The connect options, checked, with MQTT.js's defaults. */
function connectOptions(options) {
  const persist = bool(options, 'persist') ?? false;
  let clientId = text(options, 'clientId');
  if (persist && clientId === undefined) {
    throw new Error('persist: true needs a clientId: the saved session is found by it');
  }
  const protocolVersion = whole(options, 'protocolVersion', 255) ?? 4;
  if (protocolVersion !== 4 && protocolVersion !== 5) {
    throw new Error(`protocolVersion must be 4 (MQTT 3.1.1) or 5 (MQTT 5.0), not ${protocolVersion}`);
  }
  clientId ??= `qoscope_${Math.floor(Math.random() * MAX_U32).toString(16).padStart(8, '0')}`;
  const password = field(options, 'password');
  const properties = field(options, 'properties');
  const will = field(options, 'will');
  let willTopic;
  let willPayload = new Uint8Array();
  let willQos = 0;
  let willRetain = false;
  if (will !== null && typeof will === 'object') {
    willTopic = text(will, 'topic');
    if (willTopic === undefined) throw new Error('will.topic must be a string');
    willPayload = bytes(will.payload, 'will.payload');
    willQos = whole(will, 'qos', 2) ?? 0;
    willRetain = bool(will, 'retain') ?? false;
  }
  // MQTT.js reconnects every second by default; 0 turns it off.
  const reconnectPeriod = whole(options, 'reconnectPeriod', MAX_U32) ?? 1000;
  return {
    clientId,
    persist,
    reconnects: reconnectPeriod > 0,
    settings: [
      clientId,
      protocolVersion,
      bool(options, 'clean') ?? true,
      whole(options, 'keepalive', MAX_U16) ?? 60,
      text(options, 'username'),
      given(password) ? bytes(password, 'password') : undefined,
      whole(properties, 'sessionExpiryInterval', MAX_U32),
      whole(properties, 'receiveMaximum', MAX_U16),
      whole(properties, 'maximumPacketSize', MAX_U32),
      whole(properties, 'topicAliasMaximum', MAX_U16),
      bool(properties, 'requestResponseInformation'),
      bool(properties, 'requestProblemInformation'),
      willTopic,
      willPayload,
      willQos,
      willRetain,
      whole(options, 'connectTimeout', MAX_U32),
      reconnectPeriod,
      bool(options, 'republishUnconfirmed') ?? false,
      bool(options, 'trace') ?? false,
    ],
    warning: sessionWarning(protocolVersion, options, properties),
  };
}

/**
 * The mistake worth a word: in 5.0, `clean: false` keeps the session only for its Session
 * Expiry Interval, which is 0 when not given ([v5 MQTT-3.1.2-23]), so the broker ends the
 * session when the connection drops.
 */
function sessionWarning(protocolVersion, options, properties) {
  if (protocolVersion !== 5 || bool(options, 'clean') !== false) return undefined;
  if ((whole(properties, 'sessionExpiryInterval', MAX_U32) ?? 0) > 0) return undefined;
  return 'the broker will end this session when the connection drops; set properties.sessionExpiryInterval to keep it';
}

/** The error a publish rejects with when the session was lost after PUBREC. */
const DELIVERY_UNKNOWN =
  'the session was lost after the broker acknowledged receipt (PUBREC): whether the message was delivered is unknown; ' +
  'it was not sent again (republishUnconfirmed: true would send it again, at the risk of a duplicate)';

const DATABASE = 'qoscope';
const STORE = 'sessions';

/** Resolves with an IndexedDB request's result. */
const requestResult = (request) =>
  new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });

/**
 * The session state saved for `clientId` and a store that keeps it (the `StateStore` of
 * src/web/state_store.rs): each write calls `done` once it is durable, or with why it failed.
 */
async function openStateStore(clientId) {
  if (typeof indexedDB === 'undefined') throw new Error('IndexedDB is not available in this browser context');
  const opening = indexedDB.open(DATABASE, 1);
  opening.onupgradeneeded = () => opening.result.createObjectStore(STORE);
  const database = await requestResult(opening);
  const saved = await requestResult(database.transaction(STORE).objectStore(STORE).get(clientId));
  const store = {
    close: () => database.close(),
    save(state, done) {
      try {
        const transaction = database.transaction(STORE, 'readwrite');
        // `state` is a view of wasm memory: keep a copy.
        transaction.objectStore(STORE).put(state.slice(), clientId);
        transaction.oncomplete = () => done();
        transaction.onabort = () => done(transaction.error?.message ?? 'IndexedDB write failed');
      } catch (error) {
        // A closed database throws at once; `done` still comes after this call, as it always does.
        queueMicrotask(() => done(error?.message ?? String(error)));
      }
    },
  };
  return { store, saved: saved instanceof Uint8Array ? saved : undefined };
}

/** A connected client (MQTT.js `MqttClient` naming). */
class Client {
  #connection = null;
  #listeners = new Map();
  #publishes = new Map();
  #requests = new Map();
  #connecting;
  #store;
  #reconnects = false;
  #retries = false;
  #warning;
  /** The last topic received, as bytes and as text: most messages come on a topic seen just before. */
  #topicBytes = new Uint8Array(0);
  #topic = '';
  /** The topic of the last publish the module accepted: it keeps it, so a publish to it again passes none. */
  #publishedTopic;
  #memory;

  /**
   * `connecting` settles with the first CONNACK; until then, with `retries`, a connection that
   * closes is tried again instead of rejecting it (MQTT.js's `allowRetries`).
   */
  constructor(connecting, retries) {
    this.#connecting = connecting;
    this.#retries = retries;
  }

  /**
   * Starts the connection; `this.#connecting` settles when CONNACK arrives or it fails.
   * `memory`: the module's, as a ModuleMemory.
   */
  open(Connection, memory, url, { settings, reconnects, warning }, store, saved) {
    this.#memory = memory;
    this.#store = store;
    this.#reconnects = reconnects;
    this.#retries &&= reconnects;
    this.#warning = warning;
    try {
      this.#connection = new Connection(url, ...settings, store, saved, this.#events());
    } catch (error) {
      store?.close();
      throw error;
    }
  }

  /**
   * Registers a listener: `message`, `connect`, `reconnect`, `close`, `error`, `packetsend`,
   * `packetreceive` (the last two need `trace: true`, which the lean build refuses).
   */
  on(event, listener) {
    // A new array, never a changed one: an emit going on keeps the list it started with, so a
    // listener added by a listener hears the next event, and no emit has to copy the list.
    this.#listeners.set(event, [...(this.#listeners.get(event) ?? []), listener]);
    return this;
  }

  /** Removes a listener. */
  off(event, listener) {
    const list = this.#listeners.get(event);
    if (list) this.#listeners.set(event, list.filter((registered) => registered !== listener));
    return this;
  }

  /** Whether CONNACK accepted the current connection. */
  get connected() {
    return this.#connection?.connected ?? false;
  }

  /** Publishes; resolves with `{ reasonCode }` when the QoS flow completes (QoS 0: when written). */
  publishAsync(topic, message, options) {
    try {
      const flow = this.#publish(topic, message, options);
      // The outcome is reported from a microtask after this call, so the entry is in place by then.
      return new Promise((resolve, reject) => this.#publishes.set(flow, { resolve, reject }));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * Publishes as MQTT.js's `publish` does: `callback(error)` or `callback(undefined, { reasonCode })`
   * when the QoS flow completes, and `options` may be left out. Without a callback nothing is kept
   * for the outcome (no promise either, for code that publishes often and listens for nothing);
   * a bad argument then throws, as it has nowhere else to go.
   */
  publish(topic, message, options, callback) {
    if (typeof options === 'function') [options, callback] = [undefined, options];
    if (given(callback) && typeof callback !== 'function') throw new Error('callback must be a function');
    let flow;
    try {
      flow = this.#publish(topic, message, options);
    } catch (error) {
      if (!callback) throw error;
      queueMicrotask(() => callback(error));
      return this;
    }
    if (callback) {
      this.#publishes.set(flow, { resolve: (outcome) => callback(undefined, outcome), reject: (error) => callback(error) });
    }
    return this;
  }

  /** Hands a publish to the session; returns its flow, or throws what was wrong with it. */
  #publish(topic, message, options) {
    const properties = field(options, 'properties');
    // A string goes to the module as it is: it is written into the module's memory as UTF-8
    // once, where bytes(message) would first make a Uint8Array of it and then copy that.
    const isText = typeof message === 'string';
    const name = String(topic);
    const flow = this.#live().publish(
      name === this.#publishedTopic ? undefined : name,
      isText ? message : undefined,
      isText ? undefined : bytes(message),
      whole(options, 'qos', 2) ?? 0,
      bool(options, 'retain') ?? false,
      ...(given(properties) ? publishProperties(properties) : NO_PUBLISH_PROPERTIES),
    );
    this.#publishedTopic = name;
    return flow;
  }

  /**
   * Subscribes to a filter or an array of filters; resolves with `[{ topic, qos }]`, qos being
   * the granted QoS or the failure code (128 and above).
   */
  async subscribeAsync(filters, options) {
    const topics = filterList(filters);
    const pid = this.#live().subscribe(
      topics,
      whole(options, 'qos', 2) ?? 0,
      bool(options, 'nl') ?? false,
      bool(options, 'rap') ?? false,
      whole(options, 'rh', 2) ?? 0,
    );
    return new Promise((resolve, reject) => this.#requests.set(pid, { resolve, reject, topics }));
  }

  /** Unsubscribes from a filter or an array of filters. */
  async unsubscribeAsync(filters) {
    const pid = this.#live().unsubscribe(filterList(filters));
    return new Promise((resolve, reject) => this.#requests.set(pid, { resolve, reject }));
  }

  /** Sends DISCONNECT and closes; resolves when done. In-flight messages stay in the session. */
  async endAsync() {
    this.#end();
  }

  #live() {
    if (!this.#connection) throw new Error('the client has ended');
    return this.#connection;
  }

  #end() {
    const connection = this.#connection;
    this.#connection = null;
    if (connection) {
      connection.end();
      connection.free();
      // After the end's last state write: closing lets running transactions finish.
      this.#store?.close();
      this.#abandon('the client has ended');
    }
  }

  /** Rejects every publish and request still waiting: their outcome will not be heard here. */
  #abandon(message) {
    for (const entries of [this.#publishes, this.#requests]) {
      for (const entry of entries.values()) entry.reject(new Error(message));
      entries.clear();
    }
  }

  #emit(event, ...args) {
    for (const listener of this.#listeners.get(event) ?? []) {
      try {
        listener(...args);
      } catch (error) {
        // Thrown from inside the driver's work, it would stop that work half done (Rust code is
        // not unwound by JavaScript exceptions): report it as uncaught, once the work is over.
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }

  /** Rejects `connectAsync` if it is still waiting, and ends the client. */
  #failConnect(error) {
    const connecting = this.#connecting;
    if (!connecting) return;
    this.#connecting = null;
    connecting.reject(error);
    this.#end();
  }

  /**
   * The text of a received topic, the `length` UTF-8 bytes at `start` of `memory`, decoded only
   * when it differs from the last one.
   */
  #topicOf(memory, start, length) {
    const last = this.#topicBytes;
    let same = length === last.length;
    for (let i = 0; same && i < length; i++) same = memory[start + i] === last[i];
    if (same) return this.#topic;
    this.#topicBytes = memory.slice(start, start + length);
    this.#topic = decoder.decode(this.#topicBytes);
    return this.#topic;
  }

  /** The publish or request waiting under `key`, taken out of `entries`; undefined if none is. */
  static #take(entries, key) {
    const entry = entries.get(key);
    if (entry) entries.delete(key);
    return entry;
  }

  /** What the Rust side calls (the `Events` of src/web/js_api.rs). */
  #events() {
    return {
      connected: (sessionPresent, properties) => {
        const connecting = this.#connecting;
        this.#connecting = null;
        connecting?.resolve(this);
        const warning = this.#warning;
        if (warning) {
          this.#warning = undefined;
          // Once, after the task that resolves connectAsync, so that listeners added then hear it.
          setTimeout(() => this.#emit('warning', warning));
        }
        this.#emit('connect', { sessionPresent, properties: propertiesObject(properties) });
      },
      messages: (records, count, properties) => {
        // Records of where each topic and payload are in wasm memory, which a listener's call
        // can change: everything is taken out (each payload copied once, each topic decoded)
        // before the first listener runs. A record is 5 words (MESSAGE_RECORD in js_api.rs).
        const { bytes, words } = this.#memory.current();
        const packets = new Array(count);
        for (let i = 0, at = records >>> 2; i < count; i++, at += 5) {
          const topic = this.#topicOf(bytes, words[at], words[at + 1]);
          const payload = copyOut(bytes, words[at + 2], words[at + 3]);
          const f = words[at + 4];
          const packet = { cmd: 'publish', topic, payload, qos: f & 3, retain: (f & 4) !== 0, dup: (f & 8) !== 0 };
          const values = properties?.[i];
          if (values !== undefined) packet.properties = propertiesObject(values);
          packets[i] = packet;
        }
        for (const packet of packets) this.#emit('message', packet.topic, packet.payload, packet);
      },
      published: (flow, reasonCode) => Client.#take(this.#publishes, flow)?.resolve({ reasonCode }),
      publishFailed: (flow, message) => Client.#take(this.#publishes, flow)?.reject(new Error(message)),
      publishUnknown: (flow) =>
        Client.#take(this.#publishes, flow)?.reject(codedError(DELIVERY_UNKNOWN, 'DELIVERY_UNKNOWN', -1)),
      subscribed: (pid, codes) => {
        const entry = Client.#take(this.#requests, pid);
        const granted = Array.from(codes);
        entry?.resolve(entry.topics.map((topic, i) => ({ topic, qos: granted[i] })));
      },
      unsubscribed: (pid) => Client.#take(this.#requests, pid)?.resolve(),
      reconnecting: () => this.#emit('reconnect'),
      closed: (reason, code, reasonCode) => {
        const error = codedError(reason, code, reasonCode);
        // A refusal is an error to the application, as MQTT.js reports a refused CONNACK; a
        // close is tried again when retries are allowed.
        const refused = REFUSALS.has(code);
        if (refused) this.#emit('error', error);
        if (refused || !this.#retries) this.#failConnect(error);
        // With no reconnection to come, what is still waiting cannot complete on this page
        // (with `persist`, the saved session sends it again on the next load).
        if (!this.#reconnects) this.#abandon(`the connection closed: ${reason}`);
        this.#emit('close');
      },
      failed: (message) => {
        const error = new Error(message);
        this.#failConnect(error);
        this.#emit('error', error);
      },
      packet: (outgoing, packet) => this.#emit(outgoing ? 'packetsend' : 'packetreceive', packet),
    };
  }
}

/** `connectAsync(url, options)` over the wasm module's `Connection` class. */
export function makeConnectAsync(Connection, wasmMemory) {
  // Asked for at the first connection, once the module is instantiated.
  let memory;
  /**
   * Connects to `url` (ws:// or wss://) and resolves with the client once CONNACK accepts it. As
   * in MQTT.js, with `allowRetries` (the default) and `reconnectPeriod` > 0 a connection that
   * closes before CONNACK is tried again; a refusal, or any close with `allowRetries` false,
   * rejects.
   */
  return async function connectAsync(url, options, allowRetries = true) {
    const connect = connectOptions(options);
    const { clientId, persist } = connect;
    const { store, saved } = persist ? await openStateStore(clientId) : {};
    return new Promise((resolve, reject) => {
      memory ??= new ModuleMemory(wasmMemory());
      new Client({ resolve, reject }, allowRetries !== false)
        .open(Connection, memory, String(url), connect, store, saved);
    });
  };
}

/**
 * Makes the API `window.qoscope` (with what `api` already has, such as the app's broker check)
 * once Trunk has started the app and exposed its bindings, and announces it with `qoscope-ready`.
 */
export function installGlobal(api) {
  addEventListener(
    'TrunkApplicationStarted',
    () => {
      const { Connection, wasmMemory } = window.wasmBindings;
      api.connectAsync = makeConnectAsync(Connection, wasmMemory);
      window.qoscope = api;
      dispatchEvent(new Event('qoscope-ready'));
    },
    { once: true },
  );
}
