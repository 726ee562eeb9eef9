// A broker that speaks only MQTT 3.1.1 (Aedes, a real one, in this process): the client reports
// its refusal of 5.0 as "not supported, use protocolVersion 4" with a code, the page offers the
// switch in one click, and the broker check skips every 5.0 check at once instead of failing it.
// By hand: trunk build --release && node --test tests/e2e/v311_only_broker.test.mjs
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ARTIFACTS_DIR, eventually, saveScreenshot, withApp } from './support/browser.mjs';
import { useApp } from './support/suite.mjs';
import { startAedes } from './support/aedes.mjs';

const app = useApp();
const withPage = (t, fn) => withApp(t, app.browser, app.server.url, fn);
let broker;
before(async () => { broker = await startAedes(); });
after(async () => { await broker?.close(); });

const UNSUPPORTED = "the broker does not support MQTT 5.0: it answered with MQTT 3.1.1's 'unacceptable protocol level'; connect with protocolVersion 4";

test('JS API: a 5.0 connect to a 3.1.1-only broker rejects with UNSUPPORTED_PROTOCOL_VERSION; 3.1.1 works', { timeout: 60_000 }, (t) =>
  withPage(t, async ({ page }) => {
    await page.waitForFunction(() => typeof window.qoscope?.connectAsync === 'function');
    const result = await page.evaluate(async (url) => {
      const errors = [];
      let refused;
      try {
        await window.qoscope.connectAsync(url, { protocolVersion: 5, clientId: 'v5-refused', reconnectPeriod: 0 });
      } catch (error) {
        refused = { message: error.message, code: error.code, reasonCode: error.reasonCode };
      }
      const client = await window.qoscope.connectAsync(url, { protocolVersion: 4, clientId: 'v311-works' });
      client.on('error', (error) => errors.push(error.message));
      const got = new Promise((resolve) => client.on('message', (topic, payload) => resolve(new TextDecoder().decode(payload))));
      await client.subscribeAsync('t/311', { qos: 1 });
      await client.publishAsync('t/311', 'over 3.1.1', { qos: 1 });
      const text = await got;
      await client.endAsync();
      return { refused, text, errors };
    }, broker.url);
    assert.deepEqual(result.refused, { message: UNSUPPORTED, code: 'UNSUPPORTED_PROTOCOL_VERSION', reasonCode: 0x84 });
    assert.equal(result.text, 'over 3.1.1');
    assert.deepEqual(result.errors, []);
  }));

test('the page says the broker does not support 5.0 and switches a client to 3.1.1 in one click', { timeout: 60_000 }, (t) =>
  withPage(t, async ({ page }) => {
    await page.fill('#live-url', broker.url);
    await page.selectOption('#live-version', '5');
    await page.click('#use-url');
    const note = page.locator('#client-0-lost');
    await note.waitFor({ timeout: 15_000 });
    assert.match(await note.textContent(), /does not support MQTT 5\.0/);
    const button = page.locator('#client-0-switch-version');
    assert.equal(await button.textContent(), 'Use MQTT 3.1.1 and connect');
    await saveScreenshot(page, 'v311-only-broker-switch');
    await button.click();
    await eventually('the publisher is connected with 3.1.1', async () =>
      (await page.getAttribute('#client-0-card', 'data-state')) === 'connected', { timeout: 15_000 });
    assert.equal(await page.locator('#client-0-lost').count(), 0, 'the note goes once connected');
    assert.match(await page.textContent('#client-0-card summary'), /MQTT 3\.1\.1/);
  }));

test('the broker check skips every 5.0 check at once on a 3.1.1-only broker, with the reason', { timeout: 600_000 }, (t) =>
  withPage(t, async ({ page }) => {
    await page.waitForFunction(() => typeof window.qoscope?.checkBroker === 'function');
    const started = Date.now();
    const report = await page.evaluate(async (url) => {
      const run = await window.qoscope.checkBroker(url, { versions: ['5.0'], heavy: true });
      return run.report ?? run;
    }, broker.url);
    const took = Date.now() - started;
    await mkdir(ARTIFACTS_DIR, { recursive: true });
    await writeFile(join(ARTIFACTS_DIR, 'check-v311-only-broker.json'), JSON.stringify({ took, report }, null, 2));
    const v5 = report.results.filter((result) => result.version === '5.0');
    assert.equal(v5.length, 160, "every 5.0 check, negative and Paho tests included (the broker is on loopback)");
    const first = v5[0];
    assert.equal(first.id, 'version-supported');
    assert.equal(first.verdict, 'skipped');
    assert.match(first.seen, /does not support MQTT 5\.0/);
    assert.ok(first.transcript.some((line) => line.includes('CONNACK')), first.transcript.join('\n'));
    for (const result of v5) {
      assert.equal(result.verdict, 'skipped', `${result.id}: ${result.seen}`);
      assert.match(result.seen, /does not support MQTT 5\.0/);
    }
    assert.equal(report.summary.fail, 0);
    assert.match(report.declared[0].declares[0], /does not support MQTT 5\.0/);
    // One CONNECT and its answer: seconds, not the minutes of that many failing checks.
    assert.ok(took < 20_000, `took ${took} ms`);
    t.diagnostic(`5.0 on a 3.1.1-only broker: ${v5.length} checks skipped in ${took} ms`);
  }));
