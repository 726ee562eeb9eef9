// End-to-end tests of the built app (dist/) in headless Chromium, against a real Mosquitto broker
// reached over a browser WebSocket. scripts/test builds dist/ and starts the broker; by hand:
//   trunk build --release && scripts/lib/mosquitto.sh node --test tests/e2e/page.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { eventually, saveScreenshot, showView, withApp } from './support/browser.mjs';
import { brokerUrl, useApp } from './support/suite.mjs';

const BROKER_URL = brokerUrl();

const TIMEOUT = { timeout: 60_000 };
const app = useApp();

// Run `fn(app)` on a freshly loaded page; see support/app.browser.mjs.
const withPage = (t, fn, options) => withApp(t, app.browser, app.server.url, fn, options);

/** The decoded rows of the hex decoder's table. */
function hexRows(page) {
  return page.$$eval('#hex-fields tbody tr', (rows) =>
    rows.map((row) => ({
      name: row.querySelector('td.field-name')?.textContent.trim() ?? '',
      range: row.querySelector('td.field-range')?.textContent.trim() ?? '',
      value: row.querySelector('td.field-value')?.textContent.trim() ?? '',
    })),
  );
}

async function hexErrorText(page) {
  const error = page.locator('#hex-error');
  return (await error.count()) === 0 ? '' : (await error.first().textContent()).trim();
}

async function decodeHex(page, hex, version) {
  await showView(page, 'decode');
  await page.selectOption('#hex-version', version);
  await page.fill('#hex-input', hex);
}

/**
 * Run the broker probe on a fresh page and record every WebSocket the page opens, with the frames it
 * sends and receives as Playwright sees them (Buffer for binary frames, string for text ones).
 */
async function runProbe(page, url, version) {
  const sockets = [];
  page.on('websocket', (ws) => {
    const socket = { url: ws.url(), sent: [], received: [] };
    ws.on('framesent', (frame) => socket.sent.push(frame.payload));
    ws.on('framereceived', (frame) => socket.received.push(frame.payload));
    sockets.push(socket);
  });
  await showView(page, 'probe');
  await page.fill('#probe-url', url);
  await page.selectOption('#probe-version', version);
  await page.click('#probe-run');
  const result = page.locator('#probe-result');
  // The result has no data-status while the probe runs; any value means it has finished.
  await page.waitForSelector('#probe-result[data-status]', { state: 'attached', timeout: 15_000 });
  return {
    status: await result.getAttribute('data-status'),
    text: (await result.textContent()).trim(),
    sockets,
  };
}

const hex = (buf) => Buffer.from(buf).toString('hex').replace(/(..)/g, '$1 ').trim();

/** The protocol level byte of an MQTT CONNECT packet (4 = 3.1.1, 5 = 5.0). */
function connectProtocolLevel(packet) {
  let i = 1; // skip the fixed header's first byte; then a variable byte integer (remaining length)
  while (packet[i] & 0x80) i += 1;
  const header = packet.subarray(i + 1, i + 8);
  assert.equal(hex(header.subarray(0, 6)), '00 04 4d 51 54 54', `CONNECT without "MQTT" protocol name: ${hex(packet)}`);
  return header[6];
}

test('the page loads and starts without errors', TIMEOUT, async (t) => {
  await withPage(t, async ({ page, errors }) => {
    // Give late failures (a panic in a first render, a failed fetch) a moment to show up.
    await page.waitForTimeout(500);
    assert.deepEqual(errors, [], 'the page reported errors');
  });
});

test('hex decoder: shows the fields of a PUBLISH and names the rule a bad one breaks', TIMEOUT, async (t) => {
  await withPage(t, async ({ page }) => {
    // PUBLISH, QoS 0, topic "a/b", payload "hi".
    await decodeHex(page, '30 07 00 03 61 2F 62 68 69', '4');
    const rows = await eventually('a Topic row with the value a/b', async () => {
      const rows = await hexRows(page);
      return rows.some((r) => r.name.includes('Topic') && r.value.includes('a/b')) && rows;
    });
    const table = JSON.stringify(rows, null, 1);
    assert.ok(rows.some((r) => r.name.includes('Payload')), `no Payload row in ${table}`);
    assert.ok(rows.every((r) => r.name && r.range), `every row needs a field name and a byte range: ${table}`);
    assert.equal(await hexErrorText(page), '', 'a valid packet must not show #hex-error');

    // The same packet with a wildcard in the topic name, which [MQTT-3.3.2-2] forbids.
    await decodeHex(page, '30 07 00 03 61 2B 62 68 69', '4');
    const error = await eventually('#hex-error naming MQTT-3.3.2-2', async () => {
      const text = await hexErrorText(page);
      return text.includes('MQTT-3.3.2-2') && text;
    }).catch(async (err) => {
      throw new Error(`${err.message}; #hex-error says: "${await hexErrorText(page)}"`);
    });
    t.diagnostic(`error shown: ${error}`);
  });
});

for (const [version, label] of [['4', 'MQTT 3.1.1'], ['5', 'MQTT 5.0']]) {
  test(`broker probe: CONNECT/CONNACK with Mosquitto over a browser WebSocket (${label})`, TIMEOUT, async (t) => {
    await withPage(t, async ({ page }) => {
      const { status, text, sockets } = await runProbe(page, BROKER_URL, version);
      assert.equal(status, 'ok', `probe of ${BROKER_URL} failed: ${text}`);
      assert.match(text, /CONNACK/, `result: ${text}`);
      assert.match(text, /success|accepted/i, `result: ${text}`);

      // The exchange went through a real WebSocket of the app.browser, to the broker, in binary frames.
      assert.equal(sockets.length, 1, `expected one WebSocket, saw: ${sockets.map((s) => s.url).join(', ')}`);
      const [socket] = sockets;
      assert.equal(socket.url, BROKER_URL);
      const first = socket.sent[0];
      assert.ok(Buffer.isBuffer(first), `the first frame sent must be binary, got: ${JSON.stringify(first)}`);
      assert.equal(first[0], 0x10, `the first frame sent must be a CONNECT: ${hex(first)}`);
      assert.equal(connectProtocolLevel(first), Number(version), `CONNECT protocol level: ${hex(first)}`);
      // Frame events may reach us just after the page has rendered the result.
      const connack = await eventually('a CONNACK frame from the broker', () =>
        socket.received.find((f) => Buffer.isBuffer(f) && f[0] === 0x20),
      ).catch((err) => {
        throw new Error(`${err.message}; received: ${socket.received.map(hex).join(' | ') || 'nothing'}`);
      });
      // Byte 3 is the return code (3.1.1) or reason code (5.0): 0 means accepted.
      assert.equal(connack[3], 0, `CONNACK refused the connection: ${hex(connack)}`);
      t.diagnostic(`sent ${hex(first)}; received ${hex(connack)}; shown: ${text}`);
    });
  });
}

test('broker probe: a non-WebSocket URL is an error that says ws:// is needed', TIMEOUT, async (t) => {
  await withPage(t, async ({ page }) => {
    const { status, text } = await runProbe(page, 'http://127.0.0.1:1/', '4');
    assert.equal(status, 'error', `result: ${text}`);
    assert.match(text, /ws:\/\//, `the error should mention ws://: ${text}`);
  });
});

test('screenshot of the page at 1280x800', TIMEOUT, async (t) => {
  await withPage(
    t,
    async ({ page }) => {
      // Show something decoded, so that the screenshot shows the decoder at work.
      await decodeHex(page, '30 07 00 03 61 2F 62 68 69', '4');
      await eventually('decoded rows', async () => (await hexRows(page)).length > 0);
      const path = await saveScreenshot(page, 'home');
      const png = await readFile(path);
      // PNG IHDR: width and height are big-endian u32 at bytes 16 and 20.
      assert.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20)], [1280, 800], path);
      t.diagnostic(`screenshot: ${path}`);
    },
    { viewport: { width: 1280, height: 800 } },
  );
});
