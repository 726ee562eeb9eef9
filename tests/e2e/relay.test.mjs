// End-to-end tests of the browser driver's WebSocket framing, through a re-framing relay
// (support/relay.mjs) between the built app and the Mosquitto WebSocket listener scripts/test
// starts:
// - [MQTT-6.0.0-2]: a WebSocket message may hold part of a packet or several packets, so every
//   packet must arrive whole whether each byte comes alone ("split") or many packets share one
//   message ("merge"), in both directions;
// - [MQTT-6.0.0-1]: a text frame from the server makes the client close.
// By hand:
//   trunk build --release && scripts/lib/mosquitto.sh node --test tests/e2e/relay.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withApp } from './support/browser.mjs';
import { brokerUrl, useApp } from './support/suite.mjs';
import { startRelay } from './support/relay.mjs';

const BROKER_URL = brokerUrl();

const TIMEOUT = { timeout: 60_000 };
const MESSAGES = 20;
const app = useApp();

// Runs `fn` on a fresh app page with a relay in `mode` to Mosquitto; the relay is always closed.
async function withRelay(t, mode, fn) {
  const relay = await startRelay(BROKER_URL, { mode });
  try {
    return await withApp(t, app.browser, app.server.url, async (app) => {
      await app.page.waitForFunction(() => window.qoscope && typeof window.qoscope.connectAsync === 'function');
      const result = await fn({ ...app, relay });
      // A panic in the driver shows up as a page error, even when the flows still complete.
      assert.deepEqual(app.errors.filter((e) => e.startsWith('pageerror') || /panicked/.test(e)), []);
      return result;
    });
  } finally {
    await relay.close();
  }
}

for (const protocolVersion of [4, 5]) {
  for (const mode of ['split', 'merge']) {
    test(`relay (${mode}): ${MESSAGES} mixed QoS 0/1/2 messages round-trip (protocol level ${protocolVersion})`, TIMEOUT, (t) =>
      withRelay(t, mode, async ({ page, relay }) => {
        const result = await page.evaluate(async ({ url, protocolVersion, mode, count }) => {
          const topic = `qoscope-e2e/relay/${mode}/${protocolVersion}/${Math.random().toString(36).slice(2)}`;
          const client = await window.qoscope.connectAsync(url, {
            protocolVersion,
            clientId: `e2e-relay-${mode}-${protocolVersion}-${Date.now()}`,
            reconnectPeriod: 0,
            // packetsend / packetreceive count the packets, to compare with the relay's frames.
            trace: true,
          });
          const events = [];
          const received = [];
          const packets = { sent: 0, received: 0 };
          client.on('message', (t, payload, packet) => received.push({ topic: t, text: new TextDecoder().decode(payload), qos: packet.qos }));
          client.on('packetsend', () => (packets.sent += 1));
          client.on('packetreceive', () => (packets.received += 1));
          client.on('error', (error) => events.push(`error: ${error.message}`));
          client.on('close', () => events.push('close'));
          const granted = await client.subscribeAsync(`${topic}/#`, { qos: 2 });
          // Varied lengths: from 9 bytes past 127, where the remaining length takes two bytes.
          const sent = Array.from({ length: count }, (_, i) => ({
            topic: `${topic}/${i}`,
            text: `message ${i} ${'x'.repeat(i * 20)}`,
            qos: i % 3,
          }));
          // All at once: the driver writes each publish as its own message before the first
          // acknowledgement comes back, so in merge mode several packets share a message.
          const acks = await Promise.all(sent.map((m) => client.publishAsync(m.topic, m.text, { qos: m.qos })));
          const start = performance.now();
          while (received.length < count && performance.now() - start < 10_000) {
            await new Promise((resolve) => setTimeout(resolve, 20));
          }
          // A moment more, so that a duplicate would show.
          await new Promise((resolve) => setTimeout(resolve, 200));
          const connected = client.connected;
          const before = [...events];
          await client.endAsync();
          return { topic, granted, acks, sent, received, packets, events: before, connected };
        }, { url: relay.url, protocolVersion, mode, count: MESSAGES });

        assert.deepEqual(result.granted, [{ topic: `${result.topic}/#`, qos: 2 }]);
        assert.equal(result.acks.length, MESSAGES);
        for (const ack of result.acks) assert.equal(ack.reasonCode, 0, `publish result ${JSON.stringify(ack)}`);
        assert.deepEqual(result.events, []);
        assert.equal(result.connected, true);
        // Granted QoS 2: each message comes back once, at the QoS it was published with.
        const byTopic = (a, b) => a.topic.localeCompare(b.topic);
        assert.deepEqual(result.received.sort(byTopic), result.sent.sort(byTopic));

        const { toBroker, toClient } = relay.stats;
        const detail = JSON.stringify({ stats: relay.stats, packets: result.packets });
        t.diagnostic(detail);
        assert.equal(relay.stats.connections, 1, detail);
        if (mode === 'split') {
          // Every byte went alone, both ways, so every packet (at least 2 bytes) was split.
          for (const counts of [toBroker, toClient]) {
            assert.equal(counts.largest, 1, detail);
            assert.equal(counts.frames, counts.bytes, detail);
          }
          assert.ok(toBroker.frames >= 2 * result.packets.sent, detail);
          assert.ok(toClient.frames >= 2 * result.packets.received, detail);
        } else {
          // Fewer messages than packets both ways: packets shared messages. Towards the broker
          // the client already sends each task's packets as one message, so the relay may have
          // nothing left to merge there.
          assert.ok(toBroker.frames <= toBroker.messages, detail);
          assert.ok(toClient.frames < toClient.messages, detail);
          assert.ok(toBroker.frames < result.packets.sent, detail);
          assert.ok(toClient.frames < result.packets.received, detail);
        }
      }));
  }
}

for (const protocolVersion of [4, 5]) {
  test(`relay: a text frame from the server is an error and closes the connection [MQTT-6.0.0-1] (protocol level ${protocolVersion})`, TIMEOUT, (t) =>
    withRelay(t, 'pass', async ({ page, relay }) => {
      await page.evaluate(async ({ url, protocolVersion }) => {
        const client = await window.qoscope.connectAsync(url, {
          protocolVersion,
          clientId: `e2e-relay-text-${protocolVersion}-${Date.now()}`,
          reconnectPeriod: 0,
        });
        window.relayTest = { client, events: [] };
        client.on('error', (error) => window.relayTest.events.push(`error: ${error.message}`));
        client.on('close', () => window.relayTest.events.push('close'));
        client.on('reconnect', () => window.relayTest.events.push('reconnect'));
      }, { url: relay.url, protocolVersion });

      relay.sendText('x');
      await page.waitForFunction(() => window.relayTest.events.includes('close'), null, { timeout: 10_000 });
      // Long enough for a reconnect attempt to show, if reconnectPeriod 0 did not stop it.
      await page.waitForTimeout(500);
      const { events, connected } = await page.evaluate(() => ({
        events: window.relayTest.events,
        connected: window.relayTest.client.connected,
      }));

      assert.equal(relay.stats.texts, 1);
      assert.equal(events.length, 2, `events: ${JSON.stringify(events)}`);
      assert.match(events[0], /^error: .*MQTT-6\.0\.0-1/);
      assert.equal(events[1], 'close');
      assert.equal(connected, false);
      // The client closed its WebSocket (the relay then closes the broker side) and did not
      // come back.
      assert.equal(relay.stats.open, 0);
      assert.equal(relay.stats.connections, 1);
    }));
}
