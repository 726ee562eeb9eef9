// End-to-end tests of the JavaScript API (`window.qoscope`, MQTT.js naming) in the built app,
// against the Mosquitto WebSocket listener scripts/test starts. By hand:
//   trunk build --release && scripts/lib/mosquitto.sh node --test tests/e2e/js_api.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withApp } from './support/browser.mjs';
import { brokerUrl, useApp } from './support/suite.mjs';

const BROKER_URL = brokerUrl();

const TIMEOUT = { timeout: 60_000 };
const app = useApp();

const withPage = (t, fn) => withApp(t, app.browser, app.server.url, fn);

for (const protocolVersion of [4, 5]) {
  test(`JS API: QoS 0, 1 and 2 round trips through Mosquitto (protocol level ${protocolVersion})`, TIMEOUT, (t) =>
    withPage(t, async ({ page }) => {
      await page.waitForFunction(() => window.qoscope && typeof window.qoscope.connectAsync === 'function');
      const result = await page.evaluate(async ({ url, protocolVersion }) => {
        const topic = `qoscope-e2e/${protocolVersion}/${Math.random().toString(36).slice(2)}`;
        const client = await window.qoscope.connectAsync(url, { protocolVersion, clientId: `e2e-${protocolVersion}-${Date.now()}`, trace: true });
        const received = [];
        const sent = [];
        client.on('message', (t, payload, packet) => received.push({ topic: t, text: new TextDecoder().decode(payload), qos: packet.qos }));
        client.on('packetsend', (packet) => sent.push(packet.cmd));
        const granted = await client.subscribeAsync(`${topic}/#`, { qos: 2 });
        const acks = [];
        for (const qos of [0, 1, 2]) {
          acks.push(await client.publishAsync(`${topic}/q${qos}`, `hello ${qos}`, { qos }));
        }
        const start = performance.now();
        while (received.length < 3 && performance.now() - start < 5000) {
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
        const connected = client.connected;
        await client.endAsync();
        return { granted, acks, received, sent, connected, topic };
      }, { url: BROKER_URL, protocolVersion });
      assert.deepEqual(result.granted, [{ topic: `${result.topic}/#`, qos: 2 }]);
      assert.equal(result.connected, true);
      assert.deepEqual(
        result.received.sort((a, b) => a.qos - b.qos),
        [0, 1, 2].map((qos) => ({ topic: `${result.topic}/q${qos}`, text: `hello ${qos}`, qos })),
      );
      assert.ok(result.sent.includes('publish') && result.sent.includes('pubrel'), `packets sent: ${result.sent}`);
    }));
}

test('JS API: a bad URL and a refused connection reject connectAsync with a clear error', TIMEOUT, (t) =>
  withPage(t, async ({ page }) => {
    await page.waitForFunction(() => window.qoscope);
    const errors = await page.evaluate(async () => {
      const messages = [];
      for (const url of ['http://127.0.0.1:1/mqtt', 'ws://127.0.0.1:1/mqtt']) {
        try {
          await window.qoscope.connectAsync(url, { reconnectPeriod: 0 });
          messages.push('connected?');
        } catch (error) {
          messages.push(error.message);
        }
      }
      return messages;
    });
    assert.match(errors[0], /ws:\/\//);
    assert.match(errors[1], /closed before a CONNACK/);
  }));
