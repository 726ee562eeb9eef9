// The benchmark page: three MQTT clients behind one small interface, one timed throughput run and
// one latency run. It asks the server (bench/server.mjs) for runs and posts back only their
// results: the page times itself with performance.now(), and nothing talks to the page while a
// run is going.
import init, { connectAsync as qoscopeConnectAsync } from '/lean/qoscope.js';
import { CeilingClient, encodePublishes } from '/ceiling.js';

await init();

const randomId = () => Math.random().toString(16).slice(2, 10);

// Each client: `connect(url, version)` (4: MQTT 3.1.1, 5: MQTT 5.0) resolves to a connected
// adapter with
//   subscribe(topic, qos)               resolves once the broker granted it
//   onMessage(handler)                  handler() runs once per message received
//   prepare(topic, payload, qos, count) returns publish(i), which publishes message i (0 <= i <
//                                       count) of `payload` (a string) without waiting, and returns
//                                       a promise that settles when its QoS flow is complete (the
//                                       ceiling returns nothing: see acknowledgement())
//   acknowledgement()                   the ceiling only: resolves at its next PUBACK or PUBCOMP
//   error()                             the first error the client reported, if any
//   end()                               disconnects

/**
 * A client with MQTT.js 5's promise API: qoscope (from whichever build `connectAsync` comes
 * from) and MQTT.js itself. `forceEnd` ends without waiting for what is still in flight (a
 * timed-out run may leave some).
 */
function promiseClient(connectAsync, { forceEnd = false } = {}) {
  return {
    async connect(url, version) {
      const client = await connectAsync(url, { protocolVersion: version });
      let error;
      client.on('error', (e) => {
        error ??= e;
      });
      return {
        subscribe: (topic, qos) => client.subscribeAsync(topic, { qos }),
        onMessage: (handler) => client.on('message', handler),
        prepare(topic, payload, qos) {
          const options = { qos };
          return () => client.publishAsync(topic, payload, options);
        },
        error: () => error,
        end: () => (forceEnd ? client.endAsync(true) : client.endAsync()),
      };
    },
  };
}

const CLIENTS = {
  ceiling: {
    async connect(url, version) {
      const client = await CeilingClient.connect(url, `bench-ceiling-${randomId()}`, version);
      return {
        subscribe: (topic, qos) => client.subscribe(topic, qos),
        onMessage: (handler) => {
          client.onMessage = handler;
        },
        prepare(topic, payload, qos, count) {
          // Encoded before the clock starts: the ceiling only writes them.
          const packets = encodePublishes(topic, new TextEncoder().encode(payload), qos, count, version);
          return (i) => {
            client.write(packets[i]);
          };
        },
        // Its publishes return no promise, so that its throughput runs track no acknowledgements.
        acknowledgement: () => new Promise((resolve) => {
          client.onAcknowledged = resolve;
        }),
        error: () => client.error,
        end: async () => client.end(),
      };
    },
  },

  mqttjs: promiseClient((url, options) => window.mqtt.connectAsync(url, options), { forceEnd: true }),

  qoscope: promiseClient(qoscopeConnectAsync),
};

// ?compare: a second qoscope build (bench/run.mjs --compare DIR), served under /compare/.
if (new URLSearchParams(location.search).has('compare')) {
  const other = await import('/compare/qoscope.js');
  await other.default();
  CLIENTS.compare = promiseClient(other.connectAsync);
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves with `promise`'s value, or rejects after `ms` with a message naming `what`. */
function within(ms, what, promise) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** How many of `promises` rejected, waiting at most `ms` for them to settle (null if they did not). */
async function failures(promises, ms) {
  if (promises.length === 0) return 0;
  try {
    const outcomes = await within(ms, 'publish promises', Promise.allSettled(promises));
    return outcomes.filter((outcome) => outcome.status === 'rejected').length;
  } catch {
    return null;
  }
}

/**
 * Tells the server that the timed part of a run starts or ends, so that it samples Chromium's
 * CPU time then (bench/run.mjs), and waits until it has.
 */
const mark = (name) => fetch('/mark', { method: 'POST', body: name });

/**
 * Connects `client` in MQTT `version`, subscribes to `topic` at `qos`, resolves with what
 * `use(session)` resolves with, and disconnects. Connecting and subscribing are not timed.
 */
async function withSession({ client, url, version, topic }, qos, use) {
  const session = await within(10_000, `${client}: connect`, CLIENTS[client].connect(url, version));
  try {
    await within(10_000, `${client}: subscribe`, session.subscribe(topic, qos));
    return await use(session);
  } finally {
    await within(5_000, `${client}: end`, session.end()).catch(() => {});
  }
}

/**
 * One timed throughput run: publish `count` messages of `payload` at `qos` to `topic`, to which
 * the client is subscribed at `qos`, and time from the first publish until all `count` have come
 * back (or `timeoutMs` passes: then the result says how many did).
 * - burst: all `count` in one synchronous loop;
 * - windowed: `window` of them, then one more from the message handler for each that comes back,
 *   so that at most `window` are on their way at any time.
 * Also counts the WebSocket messages the page sent meanwhile.
 */
function throughput(job) {
  const { qos, count, payload, timeoutMs, pattern } = job;
  return withSession(job, qos, async (session) => {
    const publish = session.prepare(job.topic, payload, qos, count);
    const publishes = [];
    let published = 0;
    const publishNext = () => {
      const promise = publish(published++);
      if (promise) publishes.push(promise);
    };
    let received = 0;
    let finishedAt = 0;
    let allArrived;
    const arrived = new Promise((resolve) => {
      allArrived = resolve;
    });
    const windowed = pattern === 'windowed';
    session.onMessage(() => {
      if (++received === count) {
        finishedAt = performance.now();
        allArrived();
      }
      if (windowed && published < count) publishNext();
    });
    const first = windowed ? Math.min(job.window, count) : count;

    await mark('start');
    window.webSocketSends = 0;
    if (window.webSocketListenerMs !== null) window.webSocketListenerMs = 0;
    const startedAt = performance.now();
    while (published < first) publishNext();
    const publishLoopMs = performance.now() - startedAt;
    let timer;
    const timedOut = await Promise.race([
      arrived.then(() => false),
      new Promise((resolve) => {
        timer = setTimeout(() => resolve(true), timeoutMs);
      }),
    ]);
    clearTimeout(timer);
    const elapsedMs = (timedOut ? performance.now() : finishedAt) - startedAt;
    const webSocketSends = window.webSocketSends;
    const webSocketListenerMs = window.webSocketListenerMs;
    await mark('end');
    const receivedInTime = received;

    const failed = await failures(publishes, timedOut ? 1_000 : 30_000);
    // A short wait, so that a duplicate delivery would show up as more than `count`.
    await sleep(50);
    const error = session.error();
    return {
      received: receivedInTime,
      receivedAfterWait: received,
      elapsedMs,
      publishLoopMs,
      webSocketSends,
      webSocketListenerMs,
      timedOut,
      failedPublishes: failed,
      error: error ? String(error.message ?? error) : null,
    };
  });
}

/**
 * One latency run on an otherwise idle connection, subscribed to `topic` at QoS 1: `count` QoS 1
 * publishes to it, each awaited before the next. For each, the milliseconds from the call to
 * publish until its PUBACK (the promise resolving; the ceiling's PUBACK parsed) and until the
 * message reaches the client's message handler.
 */
function latency(job) {
  const { client, count, payload, timeoutMs } = job;
  return withSession(job, 1, async (session) => {
    let arrive = () => {};
    session.onMessage(() => arrive(performance.now()));
    const publish = session.prepare(job.topic, payload, 1, count);
    const toPubackMs = [];
    const toMessageMs = [];
    const deadline = performance.now() + timeoutMs;
    for (let i = 0; i < count; i++) {
      if (performance.now() > deadline) throw new Error(`latency: ${i} of ${count} publishes in ${timeoutMs} ms`);
      const message = new Promise((resolve) => {
        arrive = resolve;
      });
      const startedAt = performance.now();
      const puback = (publish(i) ?? session.acknowledgement()).then(() => performance.now());
      const [pubackAt, messageAt] = await within(5_000, `${client}: publish ${i + 1}`, Promise.all([puback, message]));
      toPubackMs.push(pubackAt - startedAt);
      toMessageMs.push(messageAt - startedAt);
    }
    const error = session.error();
    return { toPubackMs, toMessageMs, error: error ? String(error.message ?? error) : null };
  });
}

const RUNS = { throughput, latency };

/** Asks the server for runs until it says done; posts each result (or why the run failed). */
async function serve() {
  for (;;) {
    const job = await (await fetch('/next')).json();
    if (job.done) return;
    let result;
    try {
      result = await RUNS[job.kind](job);
    } catch (error) {
      result = { failed: String(error?.message ?? error) };
    }
    await fetch('/result', { method: 'POST', body: JSON.stringify(result) });
  }
}

serve().catch(window.reportToServer);
