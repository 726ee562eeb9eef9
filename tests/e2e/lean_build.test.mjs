// The lean build (dist-lean/, made by scripts/build-lean): the JavaScript API as an ES module,
// imported by a plain HTML page with no app around it, against Mosquitto.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serveDist } from './support/server.mjs';
import { ROOT, launchBrowser } from './support/browser.mjs';

const BROKER_URL = process.env.QOSCOPE_MOSQUITTO_WS_URL;
const LEAN_DIR = join(ROOT, 'dist-lean');
if (!BROKER_URL) throw new Error('QOSCOPE_MOSQUITTO_WS_URL is not set: run scripts/test.');
if (!existsSync(join(LEAN_DIR, 'qoscope.js'))) throw new Error('dist-lean/ is missing: run scripts/build-lean.');

// The five lines README shows, as a page would use them.
const PAGE = `<!doctype html><meta charset="utf-8"><title>lean</title><script type="module">
import init, { connectAsync } from "./qoscope.js";
await init();
window.runLean = async (url, topic) => {
  const client = await connectAsync(url, { protocolVersion: 5 });
  const got = new Promise((resolve) => client.on("message", (t, payload) => resolve(new TextDecoder().decode(payload))));
  await client.subscribeAsync(topic, { qos: 2 });
  await client.publishAsync(topic, "from a plain page", { qos: 2 });
  const text = await got;
  await client.endAsync();
  return text;
};
// Publishing as applications do, from events: at most \`window\` on their way, the next one
// published from the message listener. Counts the WebSocket messages the page sends.
let sends = 0;
const send = WebSocket.prototype.send;
WebSocket.prototype.send = function countedSend(data) {
  sends++;
  return send.call(this, data);
};
window.runWindowed = async (url, protocolVersion, topic, qos, count, window) => {
  const client = await connectAsync(url, { protocolVersion });
  await client.subscribeAsync(topic, { qos });
  const received = [];
  const outcomes = [];
  let published = 0;
  const publishNext = () => outcomes.push(client.publishAsync(topic, String(published++), { qos }));
  const done = new Promise((resolve) => client.on("message", (t, payload) => {
    received.push(Number(new TextDecoder().decode(payload)));
    if (published < count) publishNext();
    if (received.length === count) resolve();
  }));
  const sendsBefore = sends;
  while (published < Math.min(window, count)) publishNext();
  await done;
  const settled = await Promise.allSettled(outcomes);
  const sent = sends - sendsBefore;
  await client.endAsync();
  return {
    received,
    fulfilled: settled.filter((outcome) => outcome.status === "fulfilled").length,
    sendsPerMessage: sent / count,
  };
};
// Messages of \`sizes\` bytes (byte j of message i is (i + j) & 255), all kept until the last
// arrives; then one is overwritten. Returns the index of each kept payload that is not what was
// sent, before and after.
window.runPayloads = async (url, topic, sizes) => {
  const client = await connectAsync(url, { protocolVersion: 4 });
  await client.subscribeAsync(topic, { qos: 1 });
  const expected = sizes.map((size, i) => Uint8Array.from({ length: size }, (_, j) => (i + j) & 255));
  const kept = [];
  const done = new Promise((resolve) => client.on("message", (t, payload) => {
    kept.push(payload);
    if (kept.length === sizes.length) resolve();
  }));
  for (const payload of expected) client.publishAsync(topic, payload, { qos: 1 });
  await done;
  await client.endAsync();
  const wrong = () => kept.flatMap((payload, i) =>
    payload.length === expected[i].length && payload.every((byte, j) => byte === expected[i][j]) ? [] : [i]);
  const before = wrong();
  kept[1].fill(0);
  expected[1].fill(0);
  return { before, after: wrong() };
};
document.body.dataset.ready = "true";
</script>`;

let dir;
let server;
let browser;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'qoscope-lean-'));
  await cp(LEAN_DIR, dir, { recursive: true });
  await writeFile(join(dir, 'index.html'), PAGE);
  server = await serveDist(dir);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Opens the plain page, waits for the module, runs `use(page)`, and checks the page threw nothing. */
async function withLeanPage(use) {
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (error) => errors.push(error.message));
  try {
    await page.goto(server.url);
    await page.waitForSelector('body[data-ready="true"]', { state: 'attached' });
    await use(page);
    assert.deepEqual(errors, []);
  } finally {
    await page.close();
  }
}

test('the lean ES module connects, subscribes and gets its QoS 2 message back', { timeout: 60_000 }, () =>
  withLeanPage(async (page) => {
    const topic = `qoscope-lean/${Date.now()}`;
    const text = await page.evaluate(([url, topic]) => window.runLean(url, topic), [BROKER_URL, topic]);
    assert.equal(text, 'from a plain page');
  }));

// Each received message is its own task, and the page answers it and publishes the next one
// from its listener: what one task writes alone would leave as a WebSocket message per packet
// (two per QoS 1 message, four per QoS 2 one). Gathered across tasks, they leave together.
// - QoS 1 in MQTT 3.1.1, where Mosquitto sets no limit: 256 are in flight, so the flush is also
//   held while the broker owes many answers.
// - QoS 2 in MQTT 5.0, where Mosquitto declares Receive Maximum 20 (its max_inflight_messages):
//   the session keeps to it and queues the rest. (In 3.1.1 it declares nothing, and Mosquitto
//   2.0 acknowledges a client's QoS 2 publishes beyond its 20 in flight with PUBREC and PUBCOMP
//   but never delivers them.)
for (const [qos, protocolVersion, perMessage] of [[1, 4, 0.5], [2, 5, 2]]) {
  test(`the lean ES module publishing from its message listener at QoS ${qos} (protocol level ${protocolVersion}), 256 on their way: every message arrives once, in order, and the page sends fewer WebSocket messages than packets`, { timeout: 120_000 }, () =>
    withLeanPage(async (page) => {
      const count = 2_000;
      const topic = `qoscope-lean/windowed/${qos}/${Date.now()}`;
      const run = await page.evaluate(
        ([url, protocolVersion, topic, qos, count]) => window.runWindowed(url, protocolVersion, topic, qos, count, 256),
        [BROKER_URL, protocolVersion, topic, qos, count],
      );
      assert.deepEqual(run.received, Array.from({ length: count }, (_, i) => i), 'each message once, in order');
      assert.equal(run.fulfilled, count, 'every publish resolved');
      assert.ok(run.sendsPerMessage < perMessage, `${run.sendsPerMessage} WebSocket messages per MQTT message`);
    }));
}

// Small payloads are copied out of the module into shared buffers (a new ArrayBuffer per message
// would be the costliest part of taking it out): each must stay what was sent while kept, and
// writing into one must change no other. The sizes cross buffer boundaries and the size from
// which a payload gets a buffer of its own.
test('the lean ES module keeps every received payload apart, small and large, while the application holds them', { timeout: 60_000 }, () =>
  withLeanPage(async (page) => {
    const sizes = [0, 1, 64, 4095, 4096, 5000, 4095, ...Array.from({ length: 60 }, (_, i) => 100 + 97 * i), 1, 0, 8192];
    const topic = `qoscope-lean/payloads/${Date.now()}`;
    const result = await page.evaluate(([url, topic, sizes]) => window.runPayloads(url, topic, sizes), [BROKER_URL, topic, sizes]);
    assert.deepEqual(result, { before: [], after: [] }, 'payloads that are not what was sent (none, before and after one is overwritten)');
  }));
