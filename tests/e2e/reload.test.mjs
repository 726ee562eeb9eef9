// A page reload in the middle of QoS 1 and QoS 2 flows, with the session kept in IndexedDB
// (`persist: true`): after the reload the client resumes the session (clean start 0) and
// re-sends what was in flight, so every message arrives, and QoS 2 exactly once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { eventually } from './support/browser.mjs';
import { brokerUrl, useApp } from './support/suite.mjs';
import { savedSession } from './support/saved_session.mjs';

const BROKER_URL = brokerUrl();

const COUNT = 100;
const app = useApp();

async function ready(page) {
  await page.goto(app.server.url);
  await page.waitForFunction(() => window.qoscope && typeof window.qoscope.connectAsync === 'function');
}


test('a reload mid-flow loses no QoS 1 message and delivers every QoS 2 message exactly once', { timeout: 90_000 }, async () => {
  const context = await app.browser.newContext();
  const run = Date.now().toString(36);
  const topic = `qoscope-reload/${run}`;
  const subscriber = await context.newPage();
  await ready(subscriber);
  await subscriber.evaluate(async ({ url, topic, run }) => {
    window.received = [];
    const client = await window.qoscope.connectAsync(url, { protocolVersion: 5, clientId: `reload-sub-${run}` });
    client.on('message', (_topic, payload, packet) => window.received.push([new TextDecoder().decode(payload), packet.qos]));
    await client.subscribeAsync(`${topic}/#`, { qos: 2 });
    window.subscriber = client;
  }, { url: BROKER_URL, topic, run });

  const clientId = `reload-pub-${run}`;
  const options = { protocolVersion: 5, clientId, clean: false, persist: true, properties: { sessionExpiryInterval: 300 } };
  const publisher = await context.newPage();
  await ready(publisher);
  await publisher.evaluate(async ({ url, topic, options, count }) => {
    const client = await window.qoscope.connectAsync(url, options);
    for (let i = 0; i < count; i++) {
      client.publishAsync(`${topic}/q1`, `one-${i}`, { qos: 1 });
      client.publishAsync(`${topic}/q2`, `two-${i}`, { qos: 2 });
    }
  }, { url: BROKER_URL, topic, options, count: COUNT });

  // Reload once the saved state reflects every publish and some are still unfinished.
  const saved = await eventually('every publish saved', async () => {
    const state = await savedSession(publisher, clientId);
    return state && state.flows >= 2 * COUNT ? state : null;
  });
  await publisher.reload();
  assert.ok(saved.pending > 0, `the reload happened mid-flow (${saved.pending} messages unfinished)`);
  console.log(`reloaded with ${saved.pending} of ${2 * COUNT} messages unfinished`);

  await publisher.waitForFunction(() => window.qoscope);
  await publisher.evaluate(async ({ url, options }) => {
    window.publisher = await window.qoscope.connectAsync(url, options);
  }, { url: BROKER_URL, options });

  const expected = new Set([...Array(COUNT).keys()].flatMap((i) => [`one-${i}`, `two-${i}`]));
  await eventually('every message delivered', async () => {
    const received = await subscriber.evaluate(() => window.received.map(([text]) => text));
    return [...expected].every((text) => received.includes(text));
  }, { timeout: 30_000 });
  // Let any late duplicate arrive before counting.
  await new Promise((resolve) => setTimeout(resolve, 500));
  const received = await subscriber.evaluate(() => window.received);
  const counts = new Map();
  for (const [text] of received) counts.set(text, (counts.get(text) ?? 0) + 1);
  for (let i = 0; i < COUNT; i++) {
    assert.ok(counts.get(`one-${i}`) >= 1, `one-${i} arrived`);
    assert.equal(counts.get(`two-${i}`), 1, `two-${i} arrived exactly once`);
  }
  await context.close();
});
