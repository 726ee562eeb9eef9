// The broker check's four WebSocket checks, in the page, against the Mosquitto that scripts/test
// starts, through the relay of support/relay.mjs. Mosquitto keeps every rule they check, so each
// check is shown able to fail by a relay mode that breaks its rule the way a faulty broker would:
//   ws-subprotocol        no-subprotocol      the handshake selects no subprotocol [MQTT-6.0.0-4];
//   ws-binary-frames      text-frames         the broker's packets come in text frames [MQTT-6.0.0-1];
//   ws-split-packet       whole-packets-only  a message that is not whole packets is lost [MQTT-6.0.0-2];
//   ws-coalesced-packets  first-packet-only   only the first packet of a message is read [MQTT-6.0.0-2].
// In pass mode all four pass through the same relay: the relay itself breaks none of them.
//
// A run always starts with the version check, and when that one cannot connect the rest of the
// version is skipped. So the two faults that break every connection spare the relay's first one
// (the version check's probe: in 5.0 it needs one connection, where 3.1.1's also tries what the
// broker refuses); the version check then passes and the WebSocket check meets the fault. The
// two faults that only touch how packets share messages leave the version check alone.
//
// Alone: trunk build --release && scripts/lib/mosquitto.sh node --test tests/e2e/check_transport.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withApp } from './support/browser.mjs';
import { brokerUrl, useApp } from './support/suite.mjs';
import { startRelay } from './support/relay.mjs';

const BROKER_URL = brokerUrl();
const app = useApp();
const TIMEOUT = { timeout: 60_000 };
const WS_CHECKS = ['ws-subprotocol', 'ws-binary-frames', 'ws-split-packet', 'ws-coalesced-packets'];

// Each fault mode, the check it must fail, and what that check's `seen` must say.
const FAULTS = [
  {
    mode: 'no-subprotocol',
    spare: 1,
    check: 'ws-subprotocol',
    // The browser fails a handshake that answers no subprotocol to one offered (Chromium does),
    // so nothing was selected; a browser that let it open would report an empty one.
    seen: /^selected (None|Some\(""\))/,
  },
  {
    mode: 'text-frames',
    spare: 1,
    check: 'ws-binary-frames',
    // The CONNACK comes in a text frame: the client closes at once and cannot connect.
    seen: /could not connect: .*text frame/,
  },
  {
    mode: 'whole-packets-only',
    spare: 0,
    check: 'ws-split-packet',
    // The CONNECT in 3-byte messages never reaches the broker.
    seen: /^CONNECT in 3-byte frames failed/,
  },
  {
    mode: 'first-packet-only',
    spare: 0,
    check: 'ws-coalesced-packets',
    // The second and third PUBLISH of the message are lost: their flows never complete.
    seen: /did not complete/,
  },
];

/**
 * Runs `qoscope.checkBroker(relay.url)` in a fresh page for MQTT 5.0 and the checks `only` (the
 * version check comes first anyway). Resolves to `{ results, errors }`: the results by id, each
 * `{ verdict, seen, transcript }`, and the page's errors.
 */
function runChecks(t, relay, only) {
  return withApp(t, app.browser, app.server.url, async ({ page, errors }) => {
    await page.waitForFunction(() => typeof window.qoscope?.checkBroker === 'function', null, { timeout: 30_000 });
    const run = await page.evaluate(async ({ url, only }) => {
      try {
        const { report } = await window.qoscope.checkBroker(url, { versions: ['5.0'], only, heavy: false });
        return { ok: true, results: report.results };
      } catch (err) {
        return { ok: false, error: String(err?.message ?? err) };
      }
    }, { url: relay.url, only });
    assert.ok(run.ok, `qoscope.checkBroker(${relay.url}) did not run: ${run.error}`);
    const results = Object.fromEntries(run.results.map(({ id, verdict, seen, transcript }) =>
      [id, { verdict, seen, transcript }]));
    const verdicts = run.results.map((r) => `${r.id}: ${r.verdict}: ${r.seen}`);
    t.diagnostic(JSON.stringify({ stats: relay.stats, verdicts }));
    return { results, errors: [...errors] };
  });
}

/** One line per result, with the end of its transcript, for assertion messages. */
const describe = (results) => Object.entries(results)
  .map(([id, { verdict, seen, transcript }]) => `${id}: ${verdict}; seen: ${seen}\n${transcript.slice(-12).join('\n')}`)
  .join('\n\n');

test('through the relay in pass mode, the four WebSocket checks pass against Mosquitto', TIMEOUT, async (t) => {
  const relay = await startRelay(BROKER_URL, { mode: 'pass' });
  try {
    const { results, errors } = await runChecks(t, relay, WS_CHECKS);
    const verdicts = Object.fromEntries(Object.entries(results).map(([id, { verdict }]) => [id, verdict]));
    assert.deepEqual(verdicts, Object.fromEntries(['version-supported', ...WS_CHECKS].map((id) => [id, 'pass'])),
      describe(results));
    assert.deepEqual(errors.filter((e) => e.startsWith('pageerror') || /panicked/.test(e)), []);
    assert.equal(relay.stats.faulted, 0);
    assert.ok(relay.stats.connections >= 1 + WS_CHECKS.length, JSON.stringify(relay.stats));
  } finally {
    await relay.close();
  }
});

for (const { mode, spare, check, seen } of FAULTS) {
  test(`${check} fails against Mosquitto behind a relay in ${mode} mode`, TIMEOUT, async (t) => {
    const relay = await startRelay(BROKER_URL, { mode, spare });
    try {
      const { results, errors } = await runChecks(t, relay, [check]);
      const detail = describe(results);
      assert.deepEqual(Object.keys(results), ['version-supported', check], detail);
      // The version check met a healthy broker, so the failure below is the fault's.
      assert.equal(results['version-supported'].verdict, 'pass', detail);
      assert.equal(results[check].verdict, 'fail', detail);
      assert.match(results[check].seen, seen, detail);
      assert.ok(relay.stats.faulted > 0, `the fault acted: ${JSON.stringify(relay.stats)}`);
      // A failing check is a verdict, not a crash.
      assert.deepEqual(errors.filter((e) => e.startsWith('pageerror') || /panicked/.test(e)), []);
    } finally {
      await relay.close();
    }
  });
}
