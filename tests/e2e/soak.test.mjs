// A chaos soak of the lean build (dist-lean/, made by scripts/build-lean): a plain page in
// headless Chromium publishes N messages (QOSCOPE_SOAK_MESSAGES, default 5,000) through a chaos
// relay (support/chaos.mjs) that cuts its connection to Mosquitto every 150 to 400 ms, at most
// IN_FLIGHT (50) publishes waiting at a time (20 for 3.1.1 at QoS 2: see V311_QOS2_IN_FLIGHT),
// reconnecting after reconnectPeriod 100. A subscriber
// connected straight to Mosquitto's TCP listener with MQTT.js in node (QoS 2, a persistent
// session made before the run) counts what arrives. It proves that nothing is lost and nothing is
// claimed that did not happen:
// - session kept (3.1.1 clean: false; 5.0 with a Session Expiry Interval, with and without a page
//   reload in the middle and `persist: true`): every payload arrives at least once, and at QoS 2
//   exactly once;
// - session lost on every cut (5.0 clean: false without a Session Expiry Interval): no publish
//   whose promise resolved is missing at the subscriber; DELIVERY_UNKNOWN rejections are counted;
//   the client warned once about the session;
// - everywhere: every publish promise settled, and the JS heap after the run (after a forced
//   collection) is back near where it started.
// A last cell turns it round: the page subscribes through the relay (QoS 2, session kept) while
// MQTT.js publishes N QoS 2 messages straight to Mosquitto; each reaches the page once.
//
// The relay's schedule is seeded (QOSCOPE_SOAK_SEED, printed with each cell; each cell's seed is
// derived from it and the cell's name), so a failure replays with the same waits between cuts;
// QOSCOPE_SOAK_CUT_MIN_MS and QOSCOPE_SOAK_CUT_MAX_MS change their range. One cell alone:
// --test-name-pattern. Figures per cell go to the test's diagnostics and to
// target/e2e-artifacts/soak.json (support/soak_report.mjs prints it as a table).
//
//   scripts/build-lean && scripts/lib/mosquitto.sh node --test --test-reporter=spec tests/e2e/soak.test.mjs
//   scripts/soak [MESSAGES]       (the long run: 100,000 messages per cell by default)
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { chromium } from 'playwright-core';
import { savedSession } from './support/saved_session.mjs';
import { serveDist } from './support/server.mjs';
import { ARTIFACTS_DIR, CHROMIUM_ARGS, ROOT, eventually } from './support/browser.mjs';
import { deriveSeed, startChaosRelay } from './support/chaos.mjs';
import { formatTable } from './support/soak_report.mjs';

const BROKER_URL = process.env.QOSCOPE_MOSQUITTO_WS_URL;
const TCP_PORT = process.env.QOSCOPE_MOSQUITTO_TCP_PORT;
const LEAN_DIR = join(ROOT, 'dist-lean');
if (!BROKER_URL) {
  throw new Error('QOSCOPE_MOSQUITTO_WS_URL is not set: run this under scripts/lib/mosquitto.sh (or scripts/soak), ' +
    'which starts Mosquitto and sets it.');
}
if (!existsSync(join(LEAN_DIR, 'qoscope.js')) || !existsSync(join(LEAN_DIR, 'qoscope_bg.wasm'))) {
  throw new Error(`${LEAN_DIR} is missing (or incomplete): run scripts/build-lean first (scripts/soak does when it is missing).`);
}

/** A whole number from the environment, or `fallback`. */
function envNumber(name, fallback) {
  const value = process.env[name];
  if (value === undefined || value === '') return fallback;
  const number = Number(value);
  if (!Number.isInteger(number) || number < 0) throw new Error(`${name} must be a whole number, not "${value}"`);
  return number;
}

const MESSAGES = envNumber('QOSCOPE_SOAK_MESSAGES', 5_000);
if (MESSAGES < 2) throw new Error('QOSCOPE_SOAK_MESSAGES must be at least 2');
const SEED = envNumber('QOSCOPE_SOAK_SEED', 20_260_607);
const CUT_MIN_MS = envNumber('QOSCOPE_SOAK_CUT_MIN_MS', 150);
const CUT_MAX_MS = envNumber('QOSCOPE_SOAK_CUT_MAX_MS', 400);
/** Publishes waiting at once, at most: the next one starts when one settles. */
const IN_FLIGHT = 50;
/**
 * The same for 3.1.1 at QoS 2. Mosquitto 2.0 holds at most max_inflight_messages (20 by default,
 * as scripts/lib/mosquitto.sh leaves it) incoming QoS 2 messages awaiting PUBREL per client. A
 * 5.0 client learns that limit as the CONNACK's Receive Maximum; a 3.1.1 client cannot, and the
 * broker drops each QoS 2 PUBLISH beyond it while answering with a PUBREC whose reason code
 * (0x97, quota exceeded) a 3.1.1 PUBREC has no room for, so the client sees an ordinary PUBREC,
 * completes the flow with PUBREL/PUBCOMP, and the message is gone. 50 in flight there measures
 * that broker behaviour, not the client; QOSCOPE_SOAK_V311_QOS2_IN_FLIGHT=50 shows it.
 */
const V311_QOS2_IN_FLIGHT = envNumber('QOSCOPE_SOAK_V311_QOS2_IN_FLIGHT', 20);
/** The same for MQTT.js publishing to the page subscriber. */
const NODE_IN_FLIGHT = 20;
const RECONNECT_PERIOD = 100;
const SESSION_EXPIRY = 300;
/** How much the JS heap may grow over a run (after forced collections), and the wasm memory. */
const HEAP_SLACK_BYTES = 8 * 1024 * 1024;
const WASM_SLACK_BYTES = 16 * 1024 * 1024;
/** For the page subscriber: how far the publisher may run ahead of what the page has received,
 * well under Mosquitto's max_queued_messages (10,000 in scripts/lib/mosquitto.sh's config). */
const PUBLISH_AHEAD = 2_000;
/** After the last expected arrival, how long to keep listening for a late duplicate. */
const QUIET_MS = 500;
/** Generous deadlines that grow with the run. */
const SETTLE_TIMEOUT_MS = 60_000 + MESSAGES * 15;
const ARRIVAL_TIMEOUT_MS = 30_000 + MESSAGES * 2;
const CELL_TIMEOUT_MS = 2 * SETTLE_TIMEOUT_MS + ARRIVAL_TIMEOUT_MS + 60_000;
/**
 * Where the relay connects: Mosquitto's TCP listener when scripts/lib/mosquitto.sh gave its port
 * (each connection is made at once; its WebSocket listener takes 100 to 200 ms per handshake, see
 * support/chaos.mjs), else its WebSocket listener. The page speaks WebSocket to the relay either way.
 */
const UPSTREAM = TCP_PORT ? `tcp://127.0.0.1:${TCP_PORT}` : BROKER_URL;
const RUN = `${Date.now().toString(36)}-${process.pid}`;
const REPORT_FILE = join(ARTIFACTS_DIR, 'soak.json');
const WARNING = 'the broker will end this session when the connection drops; set properties.sessionExpiryInterval to keep it';

// The page: the lean module, as README shows it, and a harness the test drives. `init()` returns
// the module's exports, among them its memory (under whatever name the minifier gave it).
const PAGE = `<!doctype html><meta charset="utf-8"><title>soak</title><script type="module">
import init, { connectAsync } from "./qoscope.js";
const exports = await init();
const wasmMemory = Object.values(exports).find((value) => value instanceof WebAssembly.Memory) ?? null;
const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const soak = {
  client: null,
  events: { connects: 0, sessionAbsent: 0, reconnects: 0, closes: 0, errors: [], warnings: [] },
  // Per message index: 0 waiting, 1 resolved, 2 rejected (publisher); arrivals (subscriber).
  status: null,
  arrivals: null,
  received: { total: 0, foreign: 0, dup: 0 },
  run: null,
  async connect(url, options, total, prefix) {
    this.status ??= new Uint8Array(total);
    this.arrivals ??= new Uint16Array(total);
    const client = await connectAsync(url, options);
    this.client = client;
    // The first CONNACK resolved connectAsync; its 'connect' event went before this listener.
    this.events.connects += 1;
    client.on("connect", (connack) => {
      this.events.connects += 1;
      if (!connack.sessionPresent) this.events.sessionAbsent += 1;
    });
    client.on("reconnect", () => (this.events.reconnects += 1));
    client.on("close", () => (this.events.closes += 1));
    client.on("error", (error) => this.events.errors.push(String(error.code ?? "") + " " + error.message));
    client.on("warning", (message) => this.events.warnings.push(message));
    client.on("message", (topic, payload, packet) => {
      this.received.total += 1;
      if (packet.dup) this.received.dup += 1;
      const text = new TextDecoder().decode(payload);
      const index = text.startsWith(prefix) ? Number(text.slice(prefix.length)) : NaN;
      if (Number.isInteger(index) && index >= 0 && index < total) this.arrivals[index] += 1;
      else this.received.foreign += 1;
    });
  },
  async subscribe(topic) {
    return this.client.subscribeAsync(topic, { qos: 2 });
  },
  // Publishes messages from..to-1 (payload prefix + index), at most inFlight waiting at once.
  publish({ topic, qos, prefix, from, to, inFlight }) {
    const run = { from, to, next: from, started: 0, resolved: 0, rejected: 0, waiting: 0, codes: {}, samples: {},
      done: from >= to, ms: 0 };
    this.run = run;
    const status = this.status;
    const began = performance.now();
    const pump = () => {
      while (run.waiting < inFlight && run.next < to) {
        const index = run.next++;
        run.waiting += 1;
        run.started += 1;
        this.client.publishAsync(topic, prefix + index, { qos }).then(
          () => { status[index] = 1; run.resolved += 1; },
          (error) => {
            status[index] = 2;
            run.rejected += 1;
            const code = error?.code ?? "NO_CODE";
            run.codes[code] = (run.codes[code] ?? 0) + 1;
            run.samples[code] ??= error?.message ?? String(error);
          },
        ).finally(() => {
          run.waiting -= 1;
          if (run.next >= to && run.waiting === 0) {
            run.done = true;
            run.ms = performance.now() - began;
          } else pump();
        });
      }
    };
    pump();
  },
  progress() {
    const run = this.run;
    return {
      run: run && { started: run.started, resolved: run.resolved, rejected: run.rejected, waiting: run.waiting,
        done: run.done, ms: run.ms, codes: run.codes, samples: run.samples },
      events: this.events,
      received: this.received,
      connected: this.client?.connected ?? false,
    };
  },
  statusText() { return this.status.join(""); },
  arrivalsList() { return Array.from(this.arrivals); },
  missing() { return this.arrivals.reduce((sum, count) => sum + (count === 0 ? 1 : 0), 0); },
  // The JS heap after forced collections (window.gc: --js-flags=--expose-gc; exact figures:
  // --enable-precise-memory-info), and the wasm memory.
  async memory() {
    for (let i = 0; i < 3; i++) {
      if (typeof gc === "function") gc();
      await pause(50);
    }
    return {
      gc: typeof gc === "function",
      heap: performance.memory?.usedJSHeapSize ?? null,
      wasm: wasmMemory?.buffer.byteLength ?? null,
    };
  },
  async end() { await this.client?.endAsync(); },
};
window.soak = soak;
document.body.dataset.ready = "true";
</script>`;


// The matrix. `session`: whether the broker keeps the publisher's session across a cut.
const CELLS = [
  { id: 'v311-qos1', title: '3.1.1 QoS 1, clean: false', protocolVersion: 4, qos: 1, session: 'kept' },
  { id: 'v311-qos2', title: `3.1.1 QoS 2, clean: false, ${V311_QOS2_IN_FLIGHT} in flight`, protocolVersion: 4, qos: 2, session: 'kept', inFlight: V311_QOS2_IN_FLIGHT },
  { id: 'v5-qos1-expiry', title: `5.0 QoS 1, sessionExpiryInterval ${SESSION_EXPIRY}`, protocolVersion: 5, qos: 1, session: 'kept' },
  { id: 'v5-qos2-expiry', title: `5.0 QoS 2, sessionExpiryInterval ${SESSION_EXPIRY}`, protocolVersion: 5, qos: 2, session: 'kept' },
  { id: 'v5-qos1-no-expiry', title: '5.0 QoS 1, clean: false, no sessionExpiryInterval (session lost)', protocolVersion: 5, qos: 1, session: 'lost' },
  { id: 'v5-qos2-no-expiry', title: '5.0 QoS 2, clean: false, no sessionExpiryInterval (session lost)', protocolVersion: 5, qos: 2, session: 'lost' },
  { id: 'v5-qos2-persist-reload', title: `5.0 QoS 2, sessionExpiryInterval ${SESSION_EXPIRY}, persist: true, page reload mid-run`, protocolVersion: 5, qos: 2, session: 'kept', reload: true },
];
const SUBSCRIBER_CELL = { id: 'v5-qos2-page-subscriber', title: `page subscriber: 5.0 QoS 2, sessionExpiryInterval ${SESSION_EXPIRY}; MQTT.js publishes`, protocolVersion: 5, qos: 2, session: 'kept' };

/** The page client's connect options for `cell`. */
function pageOptions(cell) {
  const options = { protocolVersion: cell.protocolVersion, clientId: `soak-${RUN}-${cell.id}`, clean: false, reconnectPeriod: RECONNECT_PERIOD };
  if (cell.protocolVersion === 5 && cell.session === 'kept') options.properties = { sessionExpiryInterval: SESSION_EXPIRY };
  if (cell.reload) options.persist = true;
  return options;
}

/** MQTT.js, straight to Mosquitto (its TCP listener when scripts/lib/mosquitto.sh gave it). */
function nodeClient(clientId, options = {}) {
  return mqtt.connectAsync(TCP_PORT ? `mqtt://127.0.0.1:${TCP_PORT}` : BROKER_URL, {
    protocolVersion: 5,
    clientId,
    reconnectPeriod: 1000,
    ...options,
  });
}

/** Ends an MQTT.js client and, with a v5 session expiry of 0, its session on the broker. */
async function endNodeClient(client) {
  const disconnect = client.options.protocolVersion === 5 ? { properties: { sessionExpiryInterval: 0 } } : {};
  await client.endAsync(false, disconnect).catch(() => client.endAsync(true));
}

/**
 * The node subscriber: a persistent session (clean: false, expiry 600 s) subscribed at QoS 2 to
 * `topic` before the run; `arrivals[i]` counts the payloads `prefix + i`.
 */
async function startSubscriber(clientId, topic, prefix) {
  const client = await nodeClient(clientId, { clean: false, properties: { sessionExpiryInterval: 600 } });
  const subscriber = { client, arrivals: new Uint32Array(MESSAGES), total: 0, foreign: 0, last: Date.now() };
  client.on('message', (_topic, payload) => {
    const text = payload.toString();
    const index = text.startsWith(prefix) ? Number(text.slice(prefix.length)) : NaN;
    subscriber.total += 1;
    subscriber.last = Date.now();
    if (Number.isInteger(index) && index >= 0 && index < MESSAGES) subscriber.arrivals[index] += 1;
    else subscriber.foreign += 1;
  });
  const granted = await client.subscribeAsync(topic, { qos: 2 });
  assert.equal(granted[0]?.qos, 2, `the subscriber was granted QoS 2: ${JSON.stringify(granted)}`);
  return subscriber;
}

/** Lost / duplicate counts of an arrivals array over indices 0..MESSAGES-1. */
function tally(arrivals) {
  let lost = 0;
  let duplicates = 0;
  const lostSample = [];
  for (let i = 0; i < MESSAGES; i++) {
    if (arrivals[i] === 0) {
      lost += 1;
      if (lostSample.length < 10) lostSample.push(i);
    } else duplicates += arrivals[i] - 1;
  }
  return { lost, duplicates, lostSample };
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const mib = (bytes) => (bytes === null || bytes === undefined ? null : Math.round((bytes / 1048576) * 100) / 100);

let dir;
let server;
let browser;
const report = {
  started: new Date().toISOString(),
  messagesPerCell: MESSAGES,
  seed: SEED,
  cutIntervalMs: [CUT_MIN_MS, CUT_MAX_MS],
  inFlight: IN_FLIGHT,
  reconnectPeriod: RECONNECT_PERIOD,
  upstream: UPSTREAM,
  cells: [],
};

async function saveReport() {
  report.totalSeconds = Math.round((Date.now() - Date.parse(report.started)) / 100) / 10;
  report.loadavg = loadavg().map((load) => Math.round(load * 100) / 100);
  await mkdir(ARTIFACTS_DIR, { recursive: true });
  await writeFile(REPORT_FILE, `${JSON.stringify(report, null, 2)}\n`);
}

before(async () => {
  console.log(`soak: ${MESSAGES} messages per cell, relay seed ${SEED} (QOSCOPE_SOAK_SEED), cuts every ` +
    `${CUT_MIN_MS}-${CUT_MAX_MS} ms, ${IN_FLIGHT} publishes in flight, reconnectPeriod ${RECONNECT_PERIOD}, ` +
    `relay upstream ${UPSTREAM}`);
  dir = await mkdtemp(join(tmpdir(), 'qoscope-soak-'));
  await cp(LEAN_DIR, dir, { recursive: true });
  await writeFile(join(dir, 'index.html'), PAGE);
  server = await serveDist(dir);
  browser = await chromium.launch({
    executablePath: process.env.QOSCOPE_CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: [...CHROMIUM_ARGS, '--js-flags=--expose-gc', '--enable-precise-memory-info'],
  });
});

after(async () => {
  await browser?.close();
  await server?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
  await saveReport();
  console.log(formatTable(report));
  console.log(`soak: report in ${REPORT_FILE}`);
});

/**
 * A page on the lean module in a fresh context (its own IndexedDB), closed with the cell's
 * `resources`; `errors` collects page errors.
 */
async function openPage(resources, errors) {
  const context = await browser.newContext();
  resources.push(() => context.close());
  const page = await context.newPage();
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.stack ?? error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console.error: ${message.text()}`);
  });
  await page.goto(server.url);
  await page.waitForSelector('body[data-ready="true"]', { state: 'attached', timeout: 20_000 });
  return page;
}

/** Waits until the page's publish run has settled every promise, or throws after the deadline. */
async function waitSettled(page, what) {
  const deadline = Date.now() + SETTLE_TIMEOUT_MS;
  for (;;) {
    const progress = await page.evaluate(() => window.soak.progress());
    if (progress.run.done) return progress;
    if (Date.now() > deadline) {
      throw new Error(`${what}: ${progress.run.waiting} publish promises still unsettled after ` +
        `${SETTLE_TIMEOUT_MS} ms (${JSON.stringify(progress)})`);
    }
    await sleep(100);
  }
}

/** Waits until `predicate()` holds, then QUIET_MS more for late duplicates. False on timeout. */
async function waitArrivals(predicate) {
  const deadline = Date.now() + ARRIVAL_TIMEOUT_MS;
  while (!predicate()) {
    if (Date.now() > deadline) return false;
    await sleep(50);
  }
  await sleep(QUIET_MS);
  return true;
}

/** The record of one cell, filled as it runs and saved whether it passes or fails. */
function newRecord(cell, seed) {
  const record = {
    id: cell.id, title: cell.title, protocolVersion: cell.protocolVersion, qos: cell.qos, session: cell.session,
    inFlight: cell.inFlight ?? IN_FLIGHT,
    seed, messages: MESSAGES, cuts: 0, severed: 0, relayConnections: 0, reconnects: 0, connects: 0,
    sessionAbsent: 0, lost: null, duplicates: null, failed: 0, failedByCode: {}, resolvedNeverArrived: null,
    unsettled: null, warnings: null, seconds: null, heapMiB: {}, wasmMiB: {}, result: 'running',
  };
  report.cells.push(record);
  return record;
}

/** Runs `body(record)` as one cell: relay, subscriber and page are made here and always closed. */
async function runCell(t, cell, body) {
  const seed = deriveSeed(SEED, cell.id);
  const record = newRecord(cell, seed);
  t.diagnostic(`relay seed ${seed} (derived from QOSCOPE_SOAK_SEED=${SEED} and "${cell.id}")`);
  const began = Date.now();
  // What to close, last made first; `resources.chaos`, once the relay is up, for its counts.
  const resources = [];
  try {
    await body(record, seed, resources);
    record.result = 'pass';
  } catch (error) {
    record.result = 'FAIL';
    record.failure = error.message.slice(0, 2000);
    throw error;
  } finally {
    record.seconds = Math.round((Date.now() - began) / 100) / 10;
    if (resources.chaos) {
      const { cuts, severed, connections } = resources.chaos.stats;
      Object.assign(record, { cuts, severed, relayConnections: connections });
    }
    for (const close of resources.reverse()) await close().catch(() => {});
    t.diagnostic(JSON.stringify({
      messages: record.messages, cuts: record.cuts, reconnects: record.reconnects, lost: record.lost,
      duplicates: record.duplicates, failedByCode: record.failedByCode, resolvedNeverArrived: record.resolvedNeverArrived,
      unsettled: record.unsettled, seconds: record.seconds, heapMiB: record.heapMiB, wasmMiB: record.wasmMiB,
      ...(record.reload ? { reload: record.reload } : {}),
    }));
    await saveReport();
  }
}

for (const cell of CELLS) {
  test(`soak (publisher through the chaos relay): ${cell.title}`, { timeout: CELL_TIMEOUT_MS }, (t) =>
    runCell(t, cell, async (record, seed, resources) => {
      const topic = `qoscope-soak/${RUN}/${cell.id}`;
      const prefix = `${cell.id}#`;
      const subscriber = await startSubscriber(`soak-sub-${RUN}-${cell.id}`, topic, prefix);
      resources.push(() => endNodeClient(subscriber.client));
      const chaos = await startChaosRelay(UPSTREAM, { seed, minMs: CUT_MIN_MS, maxMs: CUT_MAX_MS });
      resources.push(() => chaos.close());
      resources.chaos = chaos;
      const errors = [];
      const page = await openPage(resources, errors);
      const options = pageOptions(cell);
      const publish = (from, to) => page.evaluate(
        (run) => window.soak.publish(run), { topic, qos: cell.qos, prefix, from, to, inFlight: cell.inFlight ?? IN_FLIGHT });

      // Connecting goes through the chaos too: a cut before CONNACK is retried (allowRetries).
      await page.evaluate(([url, options, total, prefix]) => window.soak.connect(url, options, total, prefix),
        [chaos.url, options, MESSAGES, prefix]);
      const memoryBefore = await page.evaluate(() => window.soak.memory());
      assert.ok(memoryBefore.gc, 'window.gc is there (--js-flags=--expose-gc)');

      // Per message index: 0 unsettled, 1 resolved, 2 rejected; 3 in flight at the reload.
      const status = new Uint8Array(MESSAGES);
      const events = { reconnects: 0, connects: 0, sessionAbsent: 0, warnings: [], errors: [] };
      const addEvents = (progress) => {
        events.reconnects += progress.events.reconnects;
        events.connects += progress.events.connects;
        events.sessionAbsent += progress.events.sessionAbsent;
        events.warnings.push(...progress.events.warnings);
        events.errors.push(...progress.events.errors);
      };
      // Rejections by code, with the first message of each.
      const codes = {};
      const samples = {};
      const addCodes = (run) => {
        for (const [code, count] of Object.entries(run.codes)) codes[code] = (codes[code] ?? 0) + count;
        for (const [code, message] of Object.entries(run.samples)) samples[code] ??= message;
      };
      const readStatus = async (from, to, inFlightMark) => {
        const text = await page.evaluate(() => window.soak.statusText());
        for (let i = from; i < to; i++) {
          const value = text.charCodeAt(i) - 48;
          status[i] = value === 0 && inFlightMark ? 3 : value;
        }
      };

      let settled;
      if (!cell.reload) {
        await publish(0, MESSAGES);
        settled = await waitSettled(page, cell.title);
        await readStatus(0, MESSAGES, false);
      } else {
        // Half the messages, then a reload as soon as the saved session holds every one of them
        // (with some still in flight), then a new page resumes the session and publishes the rest.
        const half = Math.floor(MESSAGES / 2);
        await publish(0, half);
        await eventually('the first half started', async () => (await page.evaluate(() => window.soak.progress())).run.started >= half,
          { timeout: SETTLE_TIMEOUT_MS, interval: 20 });
        const saved = await eventually('the first half saved in IndexedDB', async () => {
          const state = await savedSession(page, options.clientId);
          return state && state.flows >= half ? state : null;
        }, { timeout: 30_000, interval: 5 });
        const beforeReload = await page.evaluate(() => window.soak.progress());
        await readStatus(0, half, true);
        await page.reload();
        const inFlightAtReload = status.subarray(0, half).filter((value) => value === 3).length;
        record.reload = { savedPending: saved.pending, unsettledAtSnapshot: inFlightAtReload, cutsBefore: chaos.stats.cuts };
        addEvents(beforeReload);
        addCodes(beforeReload.run);
        t.diagnostic(`reloaded after ${half} publishes: ${saved.pending} unfinished in the saved session, ` +
          `${inFlightAtReload} promises unsettled when the page went`);
        assert.ok(saved.pending > 0 || inFlightAtReload > 0, 'the reload happened with messages in flight');
        await page.waitForSelector('body[data-ready="true"]', { state: 'attached', timeout: 20_000 });
        await page.evaluate(([url, options, total, prefix]) => window.soak.connect(url, options, total, prefix),
          [chaos.url, options, MESSAGES, prefix]);
        // The new page's own starting point, beside the first page's (reported, not asserted).
        const reloaded = await page.evaluate(() => window.soak.memory());
        record.reload.heapMiBAtReconnect = mib(reloaded.heap);
        record.reload.wasmMiBAtReconnect = mib(reloaded.wasm);
        await publish(half, MESSAGES);
        settled = await waitSettled(page, `${cell.title} (after the reload)`);
        await readStatus(half, MESSAGES, false);
      }
      addCodes(settled.run);

      // The chaos stops; what is settled has reached the broker (or was reported failed).
      chaos.calm();
      const resolved = [];
      for (let i = 0; i < MESSAGES; i++) if (status[i] === 1) resolved.push(i);
      const mustArrive = cell.session === 'kept'
        ? () => subscriber.arrivals.every((count) => count > 0)
        : () => resolved.every((i) => subscriber.arrivals[i] > 0);
      const arrivedInTime = await waitArrivals(mustArrive);
      const memoryAfter = await page.evaluate(() => window.soak.memory());
      // The page's events up to now: a cut after the last publish settled still counts.
      const final = await page.evaluate(() => window.soak.progress());
      addEvents(final);

      const { lost, duplicates, lostSample } = tally(subscriber.arrivals);
      const resolvedNeverArrived = resolved.filter((i) => subscriber.arrivals[i] === 0);
      const unsettled = status.filter((value) => value === 0).length;
      Object.assign(record, {
        cuts: chaos.stats.cuts, severed: chaos.stats.severed, relayConnections: chaos.stats.connections,
        reconnects: events.reconnects, connects: events.connects, sessionAbsent: events.sessionAbsent,
        lost, duplicates, failed: status.filter((value) => value === 2).length, failedByCode: codes,
        resolvedNeverArrived: resolvedNeverArrived.length, unsettled, warnings: events.warnings.length,
        received: subscriber.total, foreign: subscriber.foreign, lostSample,
        heapMiB: { before: mib(memoryBefore.heap), after: mib(memoryAfter.heap) },
        wasmMiB: { before: mib(memoryBefore.wasm), after: mib(memoryAfter.wasm) },
        publishMs: Math.round(settled.run.ms), errorEvents: events.errors.slice(0, 5), rejectionSamples: samples,
        connectedAtEnd: final.connected,
      });
      await page.evaluate(() => window.soak.end());

      const detail = JSON.stringify({ ...record, title: undefined });
      assert.deepEqual(errors, [], 'no page errors');
      assert.equal(unsettled, 0, `every publish promise settled: ${detail}`);
      assert.ok(chaos.stats.cuts > 0, `the relay cut the connection: ${detail}`);
      assert.equal(subscriber.foreign, 0, `nothing but this cell's payloads arrived: ${detail}`);
      assert.equal(resolvedNeverArrived.length, 0,
        `no publish resolved whose payload never arrived (first: ${resolvedNeverArrived.slice(0, 10)}): ${detail}`);
      if (cell.session === 'kept') {
        assert.ok(arrivedInTime, `every payload arrived within ${ARRIVAL_TIMEOUT_MS} ms: ${detail}`);
        assert.equal(lost, 0, `no message lost with the session kept (first: ${lostSample}): ${detail}`);
        if (cell.qos === 2) assert.equal(duplicates, 0, `no QoS 2 duplicate: ${detail}`);
        assert.equal(events.sessionAbsent, 0, `the broker kept the session at every reconnect: ${detail}`);
        assert.deepEqual(events.warnings, [], 'no session warning when the session is kept');
      } else {
        assert.ok(events.sessionAbsent > 0, `the broker lost the session at least once: ${detail}`);
        // Every payload that never arrived was reported failed: nothing vanished silently.
        for (let i = 0; i < MESSAGES; i++) {
          if (subscriber.arrivals[i] === 0) assert.equal(status[i], 2, `message ${i} never arrived and was not reported failed: ${detail}`);
        }
      }
      assert.ok(memoryAfter.heap < memoryBefore.heap + HEAP_SLACK_BYTES,
        `the JS heap is back near its start (${mib(memoryBefore.heap)} → ${mib(memoryAfter.heap)} MiB): ${detail}`);
      if (memoryBefore.wasm !== null) {
        assert.ok(memoryAfter.wasm < memoryBefore.wasm + WASM_SLACK_BYTES,
          `the wasm memory stays bounded (${mib(memoryBefore.wasm)} → ${mib(memoryAfter.wasm)} MiB): ${detail}`);
      }
      // Last, so that a missing warning hides none of the checks above. A listener can only be
      // added once connectAsync has resolved with the client.
      if (cell.session === 'lost') {
        assert.deepEqual(events.warnings, [WARNING],
          `the session warning was heard once by a 'warning' listener added when connectAsync resolved: ${detail}`);
      }
    }));
}

test(`soak (subscriber through the chaos relay): ${SUBSCRIBER_CELL.title}`, { timeout: CELL_TIMEOUT_MS }, (t) =>
  runCell(t, SUBSCRIBER_CELL, async (record, seed, resources) => {
    const cell = SUBSCRIBER_CELL;
    const topic = `qoscope-soak/${RUN}/${cell.id}`;
    const prefix = `${cell.id}#`;
    // Calm while the page connects and subscribes (a SUBSCRIBE cut off would be the page's own
    // business to redo); then the storm, while MQTT.js publishes.
    const chaos = await startChaosRelay(UPSTREAM, { seed, minMs: CUT_MIN_MS, maxMs: CUT_MAX_MS, calm: true });
    resources.push(() => chaos.close());
    resources.chaos = chaos;
    const errors = [];
    const page = await openPage(resources, errors);
    await page.evaluate(([url, options, total, prefix]) => window.soak.connect(url, options, total, prefix),
      [chaos.url, pageOptions(cell), MESSAGES, prefix]);
    const granted = await page.evaluate((topic) => window.soak.subscribe(topic), topic);
    assert.deepEqual(granted, [{ topic, qos: 2 }]);
    const memoryBefore = await page.evaluate(() => window.soak.memory());
    assert.ok(memoryBefore.gc, 'window.gc is there (--js-flags=--expose-gc)');

    // 3.1.1, at most NODE_IN_FLIGHT waiting: within Mosquitto's default in-flight window (20),
    // which a 5.0 client would have to respect as its Receive Maximum.
    const publisher = await nodeClient(`soak-pub-${RUN}-${cell.id}`, { protocolVersion: 4, clean: true });
    resources.push(() => endNodeClient(publisher));
    chaos.storm();
    // At most NODE_IN_FLIGHT publishes waiting, and at most PUBLISH_AHEAD ahead of the page, so that
    // Mosquitto's queue for the page's session never overflows while it is cut off.
    let pageReceived = 0;
    let polling = true;
    let ticker;
    let publishDeadline;
    // However the cell ends, nothing of it keeps running (a live timer would keep node up).
    resources.push(async () => {
      polling = false;
      clearInterval(ticker);
      clearTimeout(publishDeadline);
    });
    const poll = (async () => {
      while (polling) {
        pageReceived = (await page.evaluate(() => window.soak.received.total).catch(() => pageReceived));
        await sleep(50);
      }
    })();
    const began = Date.now();
    let next = 0;
    let waiting = 0;
    let failures = 0;
    await new Promise((done, fail) => {
      publishDeadline = setTimeout(() => fail(new Error(`MQTT.js did not publish ${MESSAGES} messages in ${SETTLE_TIMEOUT_MS} ms (${next} started)`)),
        SETTLE_TIMEOUT_MS);
      const pump = () => {
        while (waiting < NODE_IN_FLIGHT && next < MESSAGES && next - pageReceived < PUBLISH_AHEAD) {
          const index = next++;
          waiting += 1;
          publisher.publishAsync(topic, prefix + index, { qos: 2 }).catch(() => (failures += 1)).finally(() => {
            waiting -= 1;
            if (next >= MESSAGES && waiting === 0) {
              clearTimeout(publishDeadline);
              done();
            }
          });
        }
      };
      ticker = setInterval(() => {
        pump();
        if (next >= MESSAGES) clearInterval(ticker);
      }, 10);
      pump();
    });
    const publishMs = Date.now() - began;
    assert.equal(failures, 0, 'MQTT.js published every message');

    // The page should now get the rest; the chaos goes on until then, then calms for the last.
    // If half the deadline passes first, the chaos calms for the rest.
    const missing = () => page.evaluate(() => window.soak.missing());
    const deadline = Date.now() + ARRIVAL_TIMEOUT_MS;
    while ((await missing()) > 0 && Date.now() < deadline) {
      if (Date.now() > deadline - ARRIVAL_TIMEOUT_MS / 2) chaos.calm();
      await sleep(100);
    }
    chaos.calm();
    polling = false;
    await poll;
    await sleep(QUIET_MS);
    const pageArrivals = Uint32Array.from(await page.evaluate(() => window.soak.arrivalsList()));
    const memoryAfter = await page.evaluate(() => window.soak.memory());
    const final = await page.evaluate(() => window.soak.progress());
    const { lost, duplicates, lostSample } = tally(pageArrivals);
    Object.assign(record, {
      cuts: chaos.stats.cuts, severed: chaos.stats.severed, relayConnections: chaos.stats.connections,
      reconnects: final.events.reconnects, connects: final.events.connects, sessionAbsent: final.events.sessionAbsent,
      lost, duplicates, failed: failures, failedByCode: failures ? { MQTTJS_PUBLISH: failures } : {},
      resolvedNeverArrived: null, unsettled: null, warnings: final.events.warnings.length,
      received: final.received.total, dupFlagged: final.received.dup, foreign: final.received.foreign, lostSample,
      heapMiB: { before: mib(memoryBefore.heap), after: mib(memoryAfter.heap) },
      wasmMiB: { before: mib(memoryBefore.wasm), after: mib(memoryAfter.wasm) },
      publishMs, errorEvents: final.events.errors.slice(0, 5), connectedAtEnd: final.connected,
    });
    await page.evaluate(() => window.soak.end());

    const detail = JSON.stringify({ ...record, title: undefined });
    assert.deepEqual(errors, [], 'no page errors');
    assert.ok(chaos.stats.cuts > 0, `the relay cut the connection: ${detail}`);
    assert.equal(final.events.sessionAbsent, 0, `the broker kept the page's session at every reconnect: ${detail}`);
    assert.equal(final.received.foreign, 0, `nothing but this cell's payloads reached the page: ${detail}`);
    assert.equal(lost, 0, `every message reached the page (first missing: ${lostSample}): ${detail}`);
    assert.equal(duplicates, 0, `no message reached the page twice: ${detail}`);
    assert.ok(memoryAfter.heap < memoryBefore.heap + HEAP_SLACK_BYTES,
      `the JS heap is back near its start (${mib(memoryBefore.heap)} → ${mib(memoryAfter.heap)} MiB): ${detail}`);
    if (memoryBefore.wasm !== null) {
      assert.ok(memoryAfter.wasm < memoryBefore.wasm + WASM_SLACK_BYTES,
        `the wasm memory stays bounded (${mib(memoryBefore.wasm)} → ${mib(memoryAfter.wasm)} MiB): ${detail}`);
    }
  }));
