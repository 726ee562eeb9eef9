// The offline default: the simulated broker in the page, with a publisher and a subscriber
// already connected, drawn as a sequence diagram. No broker is needed for these tests.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { eventually, saveScreenshot, withApp } from './support/browser.mjs';
import { useApp } from './support/suite.mjs';

const app = useApp();
const withPage = (t, fn) => withApp(t, app.browser, app.server.url, fn);

/** The diagram's arrows as [kind, fate, label]. */
const arrows = (page) => page.$$eval('#sequence-diagram g.arrow', (groups) =>
  groups.map((g) => [g.dataset.kind, g.dataset.fate, g.dataset.label]));

test('a QoS 2 publish is drawn packet by packet on the simulated broker', { timeout: 60_000 }, (t) =>
  withPage(t, async ({ page }) => {
    await eventually('the clients are connected and subscribed', async () =>
      (await arrows(page)).some(([kind, fate]) => kind === 'suback' && fate === 'delivered'));
    await page.click('#publish-qos2');
    await eventually('the QoS 2 exchange completes on both sides', async () => {
      const kinds = (await arrows(page)).filter(([, fate]) => fate === 'delivered').map(([kind]) => kind);
      return ['publish', 'pubrec', 'pubrel', 'pubcomp'].every((kind) => kinds.filter((k) => k === kind).length >= 2);
    }, { timeout: 15_000 });
    const labels = (await arrows(page)).map(([, , label]) => label);
    assert.ok(labels.some((label) => label.startsWith('PUBLISH id=1 QoS 2')), labels.join('\n'));
    await saveScreenshot(page, 'simulated-qos2');
  }));

test('a lost PUBACK ends in a cross; reconnecting re-sends the PUBLISH with DUP', { timeout: 60_000 }, (t) =>
  withPage(t, async ({ page }) => {
    await eventually('connected', async () => (await arrows(page)).some(([kind]) => kind === 'suback'));
    await page.check('#lose-ack');
    await page.click('#publish-qos1');
    await eventually('the PUBACK is lost', async () =>
      (await arrows(page)).some(([kind, fate]) => kind === 'puback' && fate === 'dropped'), { timeout: 15_000 });
    await page.click('#reconnect-publisher');
    await eventually('the PUBLISH goes again with DUP', async () =>
      (await arrows(page)).some(([kind, , label]) => kind === 'publish' && label.includes('DUP')), { timeout: 15_000 });
    await saveScreenshot(page, 'simulated-lost-puback');
  }));
