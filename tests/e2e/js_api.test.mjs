// End-to-end tests of the JavaScript API (`window.qoscope`, MQTT.js naming) in the built app,
// against the Mosquitto WebSocket listener scripts/test starts. By hand:
//   trunk build --release && scripts/lib/mosquitto.sh node --test tests/e2e/js_api.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WebSocket, WebSocketServer } from 'ws';
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

test('JS API: v5 properties go out as given and come back with MQTT.js names', TIMEOUT, (t) =>
  withPage(t, async ({ page }) => {
    await page.waitForFunction(() => window.qoscope && typeof window.qoscope.connectAsync === 'function');
    const result = await page.evaluate(async (url) => {
      const topic = `qoscope-e2e/properties/${Math.random().toString(36).slice(2)}`;
      // A password may be bytes, as in MQTT.js (this Mosquitto lets anyone in).
      const client = await window.qoscope.connectAsync(url, {
        protocolVersion: 5,
        username: 'e2e',
        password: new Uint8Array([0, 1, 2, 255]),
        properties: { sessionExpiryInterval: 0, receiveMaximum: 100, topicAliasMaximum: 5 },
      });
      const arrived = new Promise((resolve) => client.on('message', (_topic, payload, packet) => resolve(packet)));
      await client.subscribeAsync(topic, { qos: 1 });
      const ack = await client.publishAsync(topic, new Uint8Array([1, 2, 3]), {
        qos: 1,
        properties: {
          payloadFormatIndicator: false,
          messageExpiryInterval: 60,
          contentType: 'application/octet-stream',
          responseTopic: `${topic}/reply`,
          correlationData: new Uint8Array([9, 8]),
          userProperties: { origin: 'e2e', tag: ['a', 'b'] },
        },
      });
      const packet = await arrived;
      // Ended before its PUBACK can be heard: the promise is rejected, not left waiting.
      const cut = client.publishAsync(topic, 'never acknowledged here', { qos: 1 });
      await client.endAsync();
      const abandoned = await cut.then(() => 'resolved', (error) => error.message);
      let refused;
      try {
        await client.publishAsync(topic, 'after the end');
      } catch (error) {
        refused = error.message;
      }
      return {
        topic,
        ack,
        payload: Array.from(packet.payload),
        qos: packet.qos,
        properties: {
          ...packet.properties,
          correlationData: Array.from(packet.properties.correlationData),
          correlationIsBytes: packet.properties.correlationData instanceof Uint8Array,
        },
        refused,
        abandoned,
      };
    }, BROKER_URL);
    assert.deepEqual(result.ack, { reasonCode: 0 });
    assert.deepEqual(result.payload, [1, 2, 3]);
    assert.equal(result.qos, 1);
    const { messageExpiryInterval, ...properties } = result.properties;
    assert.ok(messageExpiryInterval > 0 && messageExpiryInterval <= 60, `expiry ${messageExpiryInterval}`);
    assert.deepEqual(properties, {
      payloadFormatIndicator: false,
      contentType: 'application/octet-stream',
      responseTopic: `${result.topic}/reply`,
      correlationData: [9, 8],
      correlationIsBytes: true,
      userProperties: { origin: 'e2e', tag: ['a', 'b'] },
    });
    assert.equal(result.refused, 'the client has ended');
    assert.equal(result.abandoned, 'the client has ended');
  }));

test("JS API: publish with MQTT.js's callback form, with and without options, and with no callback", TIMEOUT, (t) =>
  withPage(t, async ({ page }) => {
    await page.waitForFunction(() => window.qoscope && typeof window.qoscope.connectAsync === 'function');
    const result = await page.evaluate(async (url) => {
      const topic = `qoscope-e2e/callback/${Math.random().toString(36).slice(2)}`;
      const client = await window.qoscope.connectAsync(url, { protocolVersion: 5 });
      const received = [];
      client.on('message', (_topic, payload, packet) => received.push(`${new TextDecoder().decode(payload)}@${packet.qos}`));
      await client.subscribeAsync(topic, { qos: 2 });
      const told = (publish) => new Promise((resolve) => publish((error, outcome) => resolve(error ? error.message : outcome)));
      const withOptions = await told((callback) => client.publish(topic, 'two', { qos: 2 }, callback));
      const withoutOptions = await told((callback) => client.publish(topic, new Uint8Array([0x7a, 0x65, 0x72, 0x6f]), callback));
      const chained = client.publish(topic, 'quiet', { qos: 1 }) === client;
      const badQos = await told((callback) => client.publish(topic, 'x', { qos: 3 }, callback));
      let thrown;
      try {
        client.publish(topic, 'x', { qos: 3 });
      } catch (error) {
        thrown = error.message;
      }
      const start = performance.now();
      while (received.length < 3 && performance.now() - start < 5000) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      await client.endAsync();
      const ended = await told((callback) => client.publish(topic, 'after the end', callback));
      return { withOptions, withoutOptions, chained, badQos, thrown, ended, received: received.sort() };
    }, BROKER_URL);
    assert.deepEqual(result.withOptions, { reasonCode: 0 });
    assert.deepEqual(result.withoutOptions, { reasonCode: 0 });
    assert.equal(result.chained, true);
    assert.match(result.badQos, /qos/);
    assert.equal(result.thrown, result.badQos);
    assert.equal(result.ended, 'the client has ended');
    assert.deepEqual(result.received, ['quiet@1', 'two@2', 'zero@0']);
  }));

test('JS API: publishes to one topic again, to others, after a refused one, and payloads that grow the memory', TIMEOUT, (t) =>
  withPage(t, async ({ page }) => {
    await page.waitForFunction(() => window.qoscope && typeof window.qoscope.connectAsync === 'function');
    const result = await page.evaluate(async (url) => {
      const base = `qoscope-e2e/topics/${Math.random().toString(36).slice(2)}`;
      const client = await window.qoscope.connectAsync(url, { protocolVersion: 5 });
      const received = [];
      client.on('message', (topic, payload) => received.push({ topic: topic.slice(base.length), length: payload.length, first: payload[0], last: payload[payload.length - 1] }));
      await client.subscribeAsync(`${base}/#`, { qos: 1 });
      const refusals = [];
      const publish = (topic, payload) => client.publishAsync(`${base}${topic}`, payload, { qos: 1 });
      await publish('/a', 'one');
      await publish('/a', 'two');
      await publish('/b', 'three');
      // Refused before and after it reaches the session: neither may become the topic reused next.
      await client.publishAsync(`${base}/c`, 'x', { qos: 3 }).catch((error) => refusals.push(error.message));
      await publish('/a', 'four');
      await client.publishAsync(`${base}/+`, 'x', { qos: 1 }).catch((error) => refusals.push(error.message));
      await publish('/a', 'five');
      await publish('/c', 'six');
      // Payloads that make the module's memory grow, which detaches its old buffer: four of
      // 100 KB at once (Mosquitto's WebSocket listener passes larger ones on slowly).
      const memory = window.wasmBindings.wasmMemory();
      const before = memory.buffer;
      await Promise.all(Array.from({ length: 4 }, (_, i) => publish('/c', new Uint8Array(100_000).fill(i))));
      const grew = memory.buffer !== before;
      await publish('/c', new Uint8Array(6_000).fill(9));
      await publish('/a', 'seven');
      const start = performance.now();
      while (received.length < 12 && performance.now() - start < 10_000) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      await client.endAsync();
      return { received, refusals, grew };
    }, BROKER_URL);
    assert.equal(result.grew, true, "the module's memory did not grow: the test no longer covers it");
    assert.equal(result.refusals.length, 2, `refusals: ${result.refusals}`);
    assert.match(result.refusals[0], /qos/);
    assert.match(result.refusals[1], /wildcard/i);
    const text = (topic, word) => ({ topic, length: word.length, first: word.charCodeAt(0), last: word.charCodeAt(word.length - 1) });
    assert.deepEqual(result.received, [
      text('/a', 'one'), text('/a', 'two'), text('/b', 'three'), text('/a', 'four'), text('/a', 'five'), text('/c', 'six'),
      ...Array.from({ length: 4 }, (_, i) => ({ topic: '/c', length: 100_000, first: i, last: i })),
      { topic: '/c', length: 6_000, first: 9, last: 9 },
      text('/a', 'seven'),
    ]);
  }));

test('JS API: a listener that throws is reported and the client goes on', TIMEOUT, (t) =>
  withPage(t, async ({ page, errors }) => {
    await page.waitForFunction(() => window.qoscope && typeof window.qoscope.connectAsync === 'function');
    const result = await page.evaluate(async (url) => {
      const topic = `qoscope-e2e/throwing/${Math.random().toString(36).slice(2)}`;
      const client = await window.qoscope.connectAsync(url, { protocolVersion: 5 });
      const received = [];
      client.on('message', () => {
        throw new Error('listener failed on purpose');
      });
      client.on('message', (_topic, payload) => received.push(new TextDecoder().decode(payload)));
      await client.subscribeAsync(topic, { qos: 1 });
      const acks = await Promise.all([1, 2, 3].map((n) => client.publishAsync(topic, `m${n}`, { qos: 1 })));
      const start = performance.now();
      while (received.length < 3 && performance.now() - start < 5000) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      // Keep-alive and further work still run: one more round trip after the throws.
      await client.publishAsync(topic, 'after', { qos: 1 });
      while (received.length < 4 && performance.now() - start < 5000) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      const connected = client.connected;
      await client.endAsync();
      return { received, acks: acks.map((ack) => ack.reasonCode), connected };
    }, BROKER_URL);
    assert.deepEqual(result.received, ['m1', 'm2', 'm3', 'after']);
    assert.deepEqual(result.acks, [0, 0, 0]);
    assert.equal(result.connected, true);
    assert.ok(errors.some((error) => /listener failed on purpose/.test(error)), `page errors: ${errors}`);
  }));

/**
 * A proxy to Mosquitto that drops the connections numbered in `drop` (from 1) as soon as their
 * CONNECT arrives, before any CONNACK, and relays the others. Resolves to `{ url, close() }`.
 */
async function flakyProxy(drop) {
  const server = new WebSocketServer({
    host: '127.0.0.1',
    port: 0,
    handleProtocols: (protocols) => (protocols.has('mqtt') ? 'mqtt' : false),
  });
  await new Promise((ok) => server.once('listening', ok));
  let seen = 0;
  server.on('connection', (client) => {
    seen += 1;
    if (drop.includes(seen)) {
      client.once('message', () => client.terminate());
      return;
    }
    const upstream = new WebSocket(BROKER_URL, 'mqtt');
    const held = [];
    client.on('message', (data) => (upstream.readyState === WebSocket.OPEN ? upstream.send(data) : held.push(data)));
    upstream.on('open', () => held.splice(0).forEach((data) => upstream.send(data)));
    upstream.on('message', (data) => client.send(data));
    client.on('close', () => upstream.terminate());
    upstream.on('close', () => client.terminate());
    upstream.on('error', () => client.terminate());
  });
  return {
    url: `ws://127.0.0.1:${server.address().port}/mqtt`,
    close: () => new Promise((ok) => { server.clients.forEach((c) => c.terminate()); server.close(ok); }),
  };
}

test('JS API: connectAsync keeps trying after a close before CONNACK, unless allowRetries is false', TIMEOUT, (t) =>
  withPage(t, async ({ page }) => {
    await page.waitForFunction(() => window.qoscope && typeof window.qoscope.connectAsync === 'function');
    // The first two attempts are cut; so is the one after the first client ends.
    const proxy = await flakyProxy([1, 2, 4]);
    try {
      const result = await page.evaluate(async (url) => {
        // As MQTT.js: the first attempt is cut, connectAsync waits for the reconnection.
        const client = await window.qoscope.connectAsync(url, { reconnectPeriod: 50 });
        const connected = client.connected;
        await client.endAsync();
        // The next attempt is cut too: with allowRetries false that rejects at once.
        let rejected;
        try {
          await window.qoscope.connectAsync(url, { reconnectPeriod: 50 }, false);
        } catch (error) {
          rejected = { code: error.code, message: error.message };
        }
        return { connected, rejected };
      }, proxy.url);
      assert.equal(result.connected, true);
      assert.equal(result.rejected?.code, 'CLOSED_BEFORE_CONNACK', JSON.stringify(result));
      assert.match(result.rejected.message, /connection closed before CONNACK/);
    } finally {
      await proxy.close();
    }
  }));

test('JS API: clean:false in 5.0 without a session expiry warns once that the session ends with the connection', TIMEOUT, (t) =>
  withPage(t, async ({ page }) => {
    await page.waitForFunction(() => window.qoscope && typeof window.qoscope.connectAsync === 'function');
    const warnings = await page.evaluate(async (url) => {
      const heard = [];
      for (const options of [
        { protocolVersion: 5, clean: false },
        { protocolVersion: 5, clean: false, properties: { sessionExpiryInterval: 60 } },
        { protocolVersion: 4, clean: false },
      ]) {
        const client = await window.qoscope.connectAsync(url, { ...options, clientId: `warn-${Math.random()}` });
        const mine = [];
        client.on('warning', (message) => mine.push(message));
        await new Promise((resolve) => setTimeout(resolve, 100));
        heard.push(mine);
        await client.endAsync();
      }
      return heard;
    }, BROKER_URL);
    assert.deepEqual(warnings, [
      ['the broker will end this session when the connection drops; set properties.sessionExpiryInterval to keep it'],
      [],
      [],
    ]);
  }));
