// The benchmark page: three MQTT clients behind one small interface, and one timed run. It asks
// the server (bench/server.mjs) for runs and posts back only their results: the page times itself
// with performance.now(), and nothing talks to the page while a run is going.
import init, { connectAsync as qoscopeConnectAsync } from '/lean/qoscope.js';
import { CeilingClient, encodePublishes } from '/ceiling.js';

await init();

const randomId = () => Math.random().toString(16).slice(2, 10);

// Each client: `connect(url)` resolves to a connected adapter with
//   subscribe(topic, qos)               resolves once the broker granted it
//   onMessage(handler)                  handler() runs once per message received
//   prepare(topic, payload, qos, count) returns publishAll(), which publishes `count` messages of
//                                       `payload` (a string) without waiting for any, and returns
//                                       their promises if there are any
//   error()                             the first error the client reported, if any
//   end()                               disconnects

/**
 * A client with MQTT.js 5's promise API: qoscope (from whichever build `connectAsync` comes
 * from) and MQTT.js itself. `forceEnd` ends without waiting for what is still in flight (a
 * timed-out run may leave some).
 */
function promiseClient(connectAsync, { forceEnd = false } = {}) {
  return {
    async connect(url) {
      const client = await connectAsync(url, { protocolVersion: 4 });
      let error;
      client.on('error', (e) => {
        error ??= e;
      });
      return {
        subscribe: (topic, qos) => client.subscribeAsync(topic, { qos }),
        onMessage: (handler) => client.on('message', handler),
        prepare(topic, payload, qos, count) {
          const options = { qos };
          return () => {
            const publishes = new Array(count);
            for (let i = 0; i < count; i++) publishes[i] = client.publishAsync(topic, payload, options);
            return publishes;
          };
        },
        error: () => error,
        end: () => (forceEnd ? client.endAsync(true) : client.endAsync()),
      };
    },
  };
}

const CLIENTS = {
  ceiling: {
    async connect(url) {
      const client = await CeilingClient.connect(url, `bench-ceiling-${randomId()}`, 4);
      return {
        subscribe: (topic, qos) => client.subscribe(topic, qos),
        onMessage: (handler) => {
          client.onMessage = handler;
        },
        prepare(topic, payload, qos, count) {
          // Encoded before the clock starts: the ceiling only writes them.
          const packets = encodePublishes(topic, new TextEncoder().encode(payload), qos, count, 4);
          return () => {
            for (let i = 0; i < count; i++) client.write(packets[i]);
            return [];
          };
        },
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
 * One timed run: connect `client`, subscribe to `topic` at `qos`, publish `count` messages of
 * `payload` at `qos` to it, and time from the first publish until all `count` have come back (or
 * `timeoutMs` passes: then the result says how many did). Connecting and subscribing are not timed.
 */
async function run({ client, url, topic, qos, count, payload, timeoutMs }) {
  const session = await within(10_000, `${client}: connect`, CLIENTS[client].connect(url));
  try {
    await within(10_000, `${client}: subscribe`, session.subscribe(topic, qos));
    let received = 0;
    let finishedAt = 0;
    let allArrived;
    const arrived = new Promise((resolve) => {
      allArrived = resolve;
    });
    session.onMessage(() => {
      if (++received === count) {
        finishedAt = performance.now();
        allArrived();
      }
    });
    const publishAll = session.prepare(topic, payload, qos, count);

    const startedAt = performance.now();
    const publishes = publishAll();
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
      timedOut,
      failedPublishes: failed,
      error: error ? String(error.message ?? error) : null,
    };
  } finally {
    await within(5_000, `${client}: end`, session.end()).catch(() => {});
  }
}

/** Asks the server for runs until it says done; posts each result (or why the run failed). */
async function serve() {
  for (;;) {
    const job = await (await fetch('/next')).json();
    if (job.done) return;
    let result;
    try {
      result = await run(job);
    } catch (error) {
      result = { failed: String(error?.message ?? error) };
    }
    await fetch('/result', { method: 'POST', body: JSON.stringify(result) });
  }
}

serve().catch(window.reportToServer);
