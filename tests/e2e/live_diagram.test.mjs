// The page's two clients on a real broker: "Connect both clients" puts the publisher and the
// subscriber each on its own WebSocket to Mosquitto, and the diagram shows both ends of every
// flow, with the client-side fault (a lost PUBACK) and the re-send after reconnecting.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { eventually, saveScreenshot, withApp } from './support/browser.mjs';
import { brokerUrl, useApp } from './support/suite.mjs';

const app = useApp();
const withPage = (t, fn) => withApp(t, app.browser, app.server.url, fn);

const arrows = (page) => page.$$eval('#sequence-diagram g.arrow', (groups) =>
  groups.map((g) => ({ kind: g.dataset.kind, fate: g.dataset.fate, label: g.dataset.label })));

async function connectToMosquitto(page, version) {
  await page.fill('#live-url', brokerUrl());
  await page.selectOption('#live-version', version);
  await page.click('#use-url');
  await eventually('both clients connected, the subscriber subscribed', async () =>
    (await arrows(page)).some((a) => a.kind === 'suback' && a.label.includes('granted 2')), { timeout: 15_000 });
}

for (const [version, name] of [['4', '3.1.1'], ['5', '5.0']]) {
  test(`on Mosquitto (MQTT ${name}) a QoS 2 message is drawn on both hops`, { timeout: 60_000 }, (t) =>
    withPage(t, async ({ page }) => {
      await connectToMosquitto(page, version);
      assert.match(await page.textContent('#sim-title'), /Watch QoS happen on ws:\/\/127\.0\.0\.1:\d+\/mqtt/);
      await page.click('#publish-qos2');
      await eventually('PUBCOMP on both hops', async () =>
        (await arrows(page)).filter((a) => a.kind === 'pubcomp').length === 2, { timeout: 15_000 });
      const labels = (await arrows(page)).map((a) => a.label);
      assert.equal(labels.filter((label) => label.startsWith('PUBLISH id=1 QoS 2 "demo/greeting"')).length, 2, labels.join('\n'));
    }));
}

test('on Mosquitto, a PUBACK lost at our client is repaired by reconnecting: the PUBLISH goes again with DUP', { timeout: 60_000 }, (t) =>
  withPage(t, async ({ page }) => {
    await connectToMosquitto(page, '5');
    await page.check('#lose-ack');
    await page.click('#publish-qos1');
    await eventually('the PUBACK is lost', async () =>
      (await arrows(page)).some((a) => a.kind === 'puback' && a.fate === 'dropped'), { timeout: 15_000 });
    await page.click('#reconnect-publisher');
    await eventually('the PUBLISH goes again with DUP and is acknowledged', async () => {
      const all = await arrows(page);
      const dup = all.findIndex((a) => a.kind === 'publish' && a.label.includes('DUP'));
      return dup >= 0 && all.slice(dup).some((a) => a.kind === 'puback' && a.fate === 'delivered');
    }, { timeout: 15_000 });
    await saveScreenshot(page, 'live-mosquitto-lost-puback');
    await page.click('#use-simulated');
    assert.match(await page.textContent('#sim-title'), /simulated broker/);
  }));

test('a link with ?broker= fills in the URL; profiles keep the password only when asked', { timeout: 60_000 }, (t) =>
  withApp(t, app.browser, `${app.server.url}?broker=${encodeURIComponent('wss://broker.example.com/mqtt')}`, async ({ page }) => {
    assert.equal(await page.inputValue('#live-url'), 'wss://broker.example.com/mqtt');
    await page.click('.broker-details summary');
    await page.fill('#live-username', 'alice');
    await page.fill('#live-password', 'secret');
    await page.fill('#profile-name', 'plain');
    await page.click('#profile-save');
    await page.fill('#profile-name', 'kept');
    await page.check('#profile-remember');
    await page.click('#profile-save');
    await page.reload();
    await page.waitForSelector('body[data-app-ready="true"]', { state: 'attached' });
    await page.click('.broker-details summary');
    await page.selectOption('#profile-list', 'plain');
    assert.equal(await page.inputValue('#live-username'), 'alice');
    assert.equal(await page.inputValue('#live-password'), '');
    await page.selectOption('#profile-list', 'kept');
    assert.equal(await page.inputValue('#live-password'), 'secret');
    const stored = JSON.parse(await page.evaluate(() => localStorage.getItem('qoscope-profiles')));
    assert.deepEqual(stored.list.map((p) => [p.name, p.password]), [['plain', null], ['kept', 'secret']]);
    await page.click('#profile-forget');
    assert.deepEqual(await page.$$eval('#profile-list option', (options) => options.map((o) => o.value)), ['', 'plain']);
  }));

test('credentials from the switch reach the broker with both clients', { timeout: 60_000 }, (t) =>
  withPage(t, async ({ page }) => {
    await page.click('.broker-details summary');
    await page.fill('#live-username', 'qoscope-user');
    await connectToMosquitto(page, '5');
    await page.click('#sequence-diagram g.arrow[data-kind="connect"]');
    assert.match(await page.textContent('#inspector-fields'), /qoscope-user/);
  }));

test('on Mosquitto, the subscriber withholds its PUBACK and reconnects: the broker sends the PUBLISH again with DUP', { timeout: 60_000 }, (t) =>
  withPage(t, async ({ page }) => {
    await connectToMosquitto(page, '4');
    await page.check('#withhold-ack');
    await page.click('#publish-qos1');
    await eventually('the subscriber\'s PUBACK is lost', async () =>
      (await arrows(page)).some((a) => a.kind === 'puback' && a.fate === 'dropped'), { timeout: 15_000 });
    await page.click('#reconnect-subscriber');
    await eventually('the broker re-sends with DUP and the PUBACK goes through', async () => {
      const all = await arrows(page);
      const dup = all.findIndex((a) => a.kind === 'publish' && a.label.includes('DUP'));
      return dup >= 0 && all.slice(dup).some((a) => a.kind === 'puback' && a.fate === 'delivered');
    }, { timeout: 15_000 });
  }));
