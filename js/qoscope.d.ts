// Types of the lean build's module (dist-lean/qoscope.js): qoscope's JavaScript API, named as
// MQTT.js 5 names it.

/** Loads the wasm module (from qoscope_bg.wasm beside this file unless given). Await it first. */
export default function init(
  input?: { module_or_path?: RequestInfo | URL | Response | BufferSource | WebAssembly.Module },
): Promise<unknown>;

/** v5 properties with MQTT.js's names; only those that are set are present. */
export type Properties = Record<string, unknown> & { userProperties?: Record<string, string | string[]> };

export interface ConnectOptions {
  clientId?: string;
  /** 4 (MQTT 3.1.1, the default) or 5 (MQTT 5.0). */
  protocolVersion?: 4 | 5;
  /** Clean session (3.1.1) / Clean Start (5.0); default true. */
  clean?: boolean;
  /** Seconds; default 60. */
  keepalive?: number;
  username?: string;
  password?: string | ArrayBuffer | ArrayBufferView;
  will?: { topic: string; payload?: string | ArrayBuffer | ArrayBufferView; qos?: 0 | 1 | 2; retain?: boolean };
  /** v5 CONNECT properties. */
  properties?: {
    sessionExpiryInterval?: number;
    receiveMaximum?: number;
    maximumPacketSize?: number;
    topicAliasMaximum?: number;
    requestResponseInformation?: boolean;
    requestProblemInformation?: boolean;
  };
  /** Milliseconds before the first reconnection attempt (doubling, with jitter); 0: never. Default 1000. */
  reconnectPeriod?: number;
  /** Milliseconds to wait for CONNACK and other answers. */
  connectTimeout?: number;
  /** Keep the session state in IndexedDB under `clientId`, so a reload resumes it (use with clean: false). */
  persist?: boolean;
  /**
   * When the broker has lost the session (Session Present 0) after it acknowledged a QoS 2
   * publish with PUBREC, whether it delivered the message cannot be known. `false` (the
   * default) rejects that publish with `code: "DELIVERY_UNKNOWN"` and sends nothing twice;
   * `true` publishes it again as a new message: never lost, perhaps delivered twice.
   */
  republishUnconfirmed?: boolean;
  /** `packetsend` / `packetreceive` events (the app's build only). */
  trace?: boolean;
}

export interface PublishOptions {
  qos?: 0 | 1 | 2;
  retain?: boolean;
  properties?: {
    payloadFormatIndicator?: boolean;
    messageExpiryInterval?: number;
    contentType?: string;
    responseTopic?: string;
    correlationData?: string | ArrayBuffer | ArrayBufferView;
    userProperties?: Record<string, string | string[]>;
  };
}

/** Told how a `publish` ended: an error, or the reason code of its last acknowledgement. */
export type PublishCallback = (error?: Error, outcome?: { reasonCode: number }) => void;

export interface SubscribeOptions {
  qos?: 0 | 1 | 2;
  /** No Local (v5). */
  nl?: boolean;
  /** Retain As Published (v5). */
  rap?: boolean;
  /** Retain Handling (v5): 0, 1 or 2. */
  rh?: 0 | 1 | 2;
}

export interface PublishPacket {
  cmd: 'publish';
  topic: string;
  /**
   * The payload, the application's own. One under 4 KiB is a range of a shared 8 KiB buffer
   * (as a small Node.js Buffer is), so `payload.buffer` holds other messages' payloads too:
   * use `payload.slice()` for a buffer of its own.
   */
  payload: Uint8Array;
  qos: 0 | 1 | 2;
  retain: boolean;
  dup: boolean;
  properties?: Properties;
}

/**
 * Why a connection ended, on the errors `connectAsync` rejects with and on `error` events:
 * `UNSUPPORTED_PROTOCOL_VERSION` (the broker does not speak the version asked for: switch
 * `protocolVersion` between 4 and 5), `CLOSED_BEFORE_CONNACK`, `CONNECTION_REFUSED`,
 * `CONNACK_TIMEOUT`, `KEEPALIVE_TIMEOUT`, `SERVER_DISCONNECT`, `PROTOCOL_ERROR`,
 * `CONNECTION_CLOSED` or `CLIENT_DISCONNECT`.
 */
export interface ConnectionError extends Error {
  code: string;
  /** The broker's CONNACK or DISCONNECT reason code, when it gave one. */
  reasonCode?: number;
}

export interface Client {
  /** Whether CONNACK accepted the current connection. */
  readonly connected: boolean;
  on(event: 'message', listener: (topic: string, payload: Uint8Array, packet: PublishPacket) => void): Client;
  on(event: 'connect', listener: (connack: { sessionPresent: boolean; properties: Properties }) => void): Client;
  on(event: 'error', listener: (error: Error | ConnectionError) => void): Client;
  on(event: 'reconnect' | 'close', listener: () => void): Client;
  /** Once, for a likely mistake: `clean: false` in 5.0 without `properties.sessionExpiryInterval`. */
  on(event: 'warning', listener: (message: string) => void): Client;
  /** `null` for a received packet that could not be decoded. */
  on(event: 'packetsend' | 'packetreceive', listener: (packet: Record<string, unknown> | null) => void): Client;
  off(event: string, listener: (...args: any[]) => void): Client;
  /**
   * Resolves when the QoS flow completes (QoS 0: when written). Rejects when the broker refuses
   * it, or with `code: "DELIVERY_UNKNOWN"` when the session was lost after PUBREC. A string
   * is sent as UTF-8; no message is an empty payload.
   */
  publishAsync(topic: string, message?: string | ArrayBuffer | ArrayBufferView, options?: PublishOptions): Promise<{ reasonCode: number }>;
  /**
   * MQTT.js's callback form: `callback(error)` or `callback(undefined, { reasonCode })` when the
   * QoS flow completes. Without a callback nothing is kept for the outcome and a bad argument throws.
   */
  publish(topic: string, message?: string | ArrayBuffer | ArrayBufferView, options?: PublishOptions, callback?: PublishCallback): this;
  publish(topic: string, message: string | ArrayBuffer | ArrayBufferView | undefined, callback: PublishCallback): this;
  /** Resolves with the granted QoS per filter, or its failure code (128 and above). */
  subscribeAsync(filters: string | string[], options?: SubscribeOptions): Promise<{ topic: string; qos: number }[]>;
  unsubscribeAsync(filters: string | string[]): Promise<void>;
  /**
   * Sends DISCONNECT and closes. In-flight messages stay in the session (and, with `persist`,
   * in IndexedDB); the promises still waiting are rejected.
   */
  endAsync(): Promise<void>;
}

/**
 * Connects to `url` (ws:// or wss://) and resolves with the client once CONNACK accepts it. As
 * in MQTT.js, with `allowRetries` (default true) and `reconnectPeriod` > 0, a connection that
 * closes before CONNACK is tried again; a refusal, or a close with `allowRetries` false or no
 * reconnection, rejects with a {@link ConnectionError}.
 */
export function connectAsync(url: string, options?: ConnectOptions, allowRetries?: boolean): Promise<Client>;
