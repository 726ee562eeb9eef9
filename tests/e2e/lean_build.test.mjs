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

test('the lean ES module connects, subscribes and gets its QoS 2 message back', { timeout: 60_000 }, async () => {
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(server.url);
  await page.waitForSelector('body[data-ready="true"]', { state: 'attached' });
  const topic = `qoscope-lean/${Date.now()}`;
  const text = await page.evaluate(([url, topic]) => window.runLean(url, topic), [BROKER_URL, topic]);
  assert.equal(text, 'from a plain page');
  assert.deepEqual(errors, []);
  await page.close();
});
