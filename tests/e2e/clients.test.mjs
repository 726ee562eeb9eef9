// Client cards on the simulated broker (no network): add a client, connect it with its own
// options, subscribe, publish from another card with a hex payload, refuse a bad JSON payload
// by name, and see a will published when a connection drops without DISCONNECT.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { eventually, saveScreenshot, withApp } from './support/browser.mjs';
import { useApp } from './support/suite.mjs';

const app = useApp();
const withPage = (t, fn) => withApp(t, app.browser, app.server.url, fn);

const arrows = (page) => page.$$eval('#sequence-diagram g.arrow', (groups) =>
  groups.map((g) => ({ kind: g.dataset.kind, fate: g.dataset.fate, label: g.dataset.label })));
// Whole lane names (a long one is drawn shortened).
const lanes = (page) => page.$$eval('#sequence-diagram g.lane', (lanes) => lanes.map((lane) => lane.dataset.name));

async function addConnectedClient(page, { will } = {}) {
  await page.click('#add-client');
  await page.click('#client-2-card summary');
  await page.selectOption('#client-2-version', '5');
  if (will) {
    await page.check('#client-2-will');
    await page.fill('#client-2-will-topic', 'demo/will');
    await page.fill('#client-2-will-payload', will);
  }
  await page.click('#client-2-connect');
  await eventually('Client 3 is connected', async () =>
    (await page.getAttribute('#client-2-card', 'data-state')) === 'connected', { timeout: 10_000 });
  assert.deepEqual(await lanes(page), ['Publisher', 'Broker', 'Subscriber', 'Client 3']);
}

test('a new client connects, subscribes and receives a hex payload published from another card', { timeout: 60_000 }, (t) =>
  withPage(t, async ({ page }) => {
    await addConnectedClient(page);
    await page.fill('#client-2-filter', 'cards/#');
    await page.selectOption('#client-2-sub-qos', '1');
    await page.click('#client-2-subscribe');
    await page.getByText('asked QoS 1 · granted 1').waitFor({ timeout: 10_000 });

    await page.click('#client-0-card summary');
    await page.fill('#client-0-topic', 'cards/hex');
    await page.selectOption('#client-0-format', 'Hex');
    await page.fill('#client-0-payload', '68 69 21');
    await page.check('#client-0-card input[name="client-0-qos"][value="2"]');
    await page.click('#client-0-publish');
    await eventually('the message reaches Client 3 at QoS 1 (the granted QoS)', async () =>
      (await page.textContent('#message-table')).includes('hi!'), { timeout: 15_000 });
    const labels = (await arrows(page)).map((a) => a.label);
    assert.ok(labels.includes('PUBLISH id=1 QoS 2 "cards/hex"'), labels.join('\n'));
    assert.ok(labels.some((label) => /^PUBLISH id=\d+ QoS 1 "cards\/hex"$/.test(label)), labels.join('\n'));
    await saveScreenshot(page, 'client-cards');

    await page.selectOption('#client-0-format', 'JSON');
    await page.fill('#client-0-payload', '{t: 1}');
    await page.click('#client-0-publish');
    assert.match(await page.textContent('#client-0-problem'), /^Publish: not JSON: /);
  }));

test('dropping a connection without DISCONNECT publishes the will; removing a client takes its card away', { timeout: 60_000 }, (t) =>
  withPage(t, async ({ page }) => {
    await addConnectedClient(page, { will: 'client 3 gone' });
    await page.click('#client-2-drop');
    await eventually('the subscriber (demo/#) gets the will', async () =>
      (await page.textContent('#message-table')).includes('client 3 gone'), { timeout: 15_000 });
    await page.click('#client-2-remove');
    assert.equal(await page.locator('#client-2-card').count(), 0);
    assert.ok((await lanes(page)).includes('Client 3 (removed)'));
  }));
