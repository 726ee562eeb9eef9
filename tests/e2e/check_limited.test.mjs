// The broker check suite, in the page, against the limited Mosquitto that scripts/test starts next
// to the default one (scripts/lib/mosquitto.sh: Maximum QoS 1, no retained messages, Maximum
// Packet Size 65536, Topic Alias Maximum 2, Server Keep Alive 10, no empty client ids). Every
// result is compared with tests/e2e/expected/check-limited-mosquitto.json:
//
//   { "connect@3.1.1": { "verdict": "pass" },
//     "keep-alive-enforced@5.0": { "verdict": ["pass", "warn"] },
//     "qos-2-sub-2@5.0": { "verdict": "skipped", "reason": "Maximum QoS 1" }, ... }
//
// "reason" is text that the skip's `seen` must contain; a verdict that depends on timing may be
// given as ["pass", "warn"]. A check that finds a limit has it in the table, as
// "limit": { "value": 65520, "unit": "bytes", "at_least": false } (or "min" in place of "value"
// where a time budget decides how far the search gets; tests/e2e/support/limits.mjs), each value
// reasoned from Mosquitto's config. A check may fail only where the table says so with the "rule"
// Mosquitto breaks (a true finding, checked against the spec by hand and listed in README.md):
//
//     "reserved-flags-pingreq@3.1.1": { "verdict": "fail", "rule": "[MQTT-2.2.2-2] ..." } The run's JSON report is kept as
// target/e2e-artifacts/check-limited-mosquitto.json; to rebuild the table from it (then review it):
//
//   node scripts/lib/expected-from-report.mjs target/e2e-artifacts/check-limited-mosquitto.json \
//     > tests/e2e/expected/check-limited-mosquitto.json
//
// Alone: trunk build --release && scripts/lib/mosquitto.sh node --test tests/e2e/check_limited.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ARTIFACTS_DIR, ROOT, withApp } from './support/browser.mjs';
import { limitProblem } from './support/limits.mjs';
import { useApp } from './support/suite.mjs';

const LIMITED_URL = process.env.QOSCOPE_MOSQUITTO_LIMITED_WS_URL;
const EXPECTED_FILE = join(ROOT, 'tests/e2e/expected/check-limited-mosquitto.json');
const REPORT_FILE = join(ARTIFACTS_DIR, 'check-limited-mosquitto.json');
// Each verdict as it comes, so that a run that hangs still shows how far it got.
const PROGRESS_FILE = join(ARTIFACTS_DIR, 'check-limited-mosquitto.progress.log');

const VERDICTS = ['pass', 'warn', 'skipped', 'fail'];
// Without the limited broker there is nothing to run: no browser either.
const app = LIMITED_URL ? useApp() : undefined;
const skip = LIMITED_URL
  ? false
  : 'QOSCOPE_MOSQUITTO_LIMITED_WS_URL is not set: run scripts/test, or run this file under ' +
    'scripts/lib/mosquitto.sh, which starts the limited broker and sets it';

/** The expected table, each entry checked for shape; `problems` collects what is wrong with it. */
async function readExpected(problems) {
  const table = JSON.parse(await readFile(EXPECTED_FILE, 'utf8'));
  assert.ok(table && typeof table === 'object' && !Array.isArray(table), `${EXPECTED_FILE} holds an object`);
  for (const [key, entry] of Object.entries(table)) {
    const verdicts = [entry?.verdict].flat();
    const lenient = Array.isArray(entry?.verdict);
    if (!verdicts.every((verdict) => VERDICTS.includes(verdict)) ||
        (lenient && !verdicts.every((verdict) => verdict === 'pass' || verdict === 'warn'))) {
      problems.push(`${key}: the table's verdict ${JSON.stringify(entry?.verdict)} is not one of ` +
        '"pass", "warn", "skipped", "fail" or ["pass", "warn"]');
    } else if (verdicts[0] === 'skipped' && typeof entry.reason !== 'string') {
      problems.push(`${key}: the table expects a skip but gives no "reason"`);
    } else if (verdicts[0] === 'fail' && typeof entry.rule !== 'string') {
      problems.push(`${key}: the table expects a failure but names no "rule" that Mosquitto breaks`);
    }
  }
  return table;
}

/** Adds to `problems` one line per difference between the run's results and the table. */
function differences(results, table, problems) {
  const actual = new Map();
  for (const result of results) {
    const key = `${result.id}@${result.version}`;
    if (actual.has(key)) problems.push(`${key}: reported twice`);
    actual.set(key, result);
  }
  for (const [key, entry] of Object.entries(table)) {
    const result = actual.get(key);
    const wanted = [entry?.verdict].flat();
    if (!result) {
      problems.push(`${key}: missing from the run (expected ${wanted.join(' or ')})`);
    } else if (!wanted.includes(result.verdict)) {
      problems.push(`${key}: ${result.verdict}, expected ${wanted.join(' or ')}; seen: ${result.seen}`);
    } else if (result.verdict === 'skipped' && typeof entry.reason === 'string' && !result.seen.includes(entry.reason)) {
      problems.push(`${key}: skipped, but for another reason: "${result.seen}" does not contain "${entry.reason}"`);
    } else {
      const problem = limitProblem(entry.limit, result.limit);
      if (problem) problems.push(`${key}: ${problem}; seen: ${result.seen}`);
    }
  }
  for (const [key, result] of actual) {
    if (!Object.hasOwn(table, key)) {
      problems.push(`${key}: not in the table (${result.verdict}; seen: ${result.seen})`);
    }
  }
}

test('the check suite judges the limited Mosquitto as the expected table says', { skip, timeout: 900_000 }, (t) =>
  withApp(t, app.browser, app.server.url, async ({ page }) => {
    await mkdir(ARTIFACTS_DIR, { recursive: true });
    await writeFile(PROGRESS_FILE, '');
    await page.exposeFunction('qoscopeLimitedProgress', (done, total, result) =>
      appendFile(PROGRESS_FILE, `${done}/${total} ${result.verdict} ${result.id}@${result.version}: ${result.seen}\n`));
    await page.waitForFunction(() => typeof window.qoscope?.checkBroker === 'function', null, { timeout: 30_000 });
    const run = await page.evaluate(async (url) => {
      try {
        const { report, json } = await window.qoscope.checkBroker(url, {
          versions: ['3.1.1', '5.0'],
          heavy: true,
          onResult: (done, total, result) => window.qoscopeLimitedProgress(done, total, result),
        });
        return { ok: true, report, json };
      } catch (err) {
        return { ok: false, error: String(err?.message ?? err) };
      }
    }, LIMITED_URL);
    assert.ok(run.ok, `qoscope.checkBroker(${LIMITED_URL}) did not run: ${run.error}`);
    await writeFile(REPORT_FILE, run.json);
    const { results } = run.report;
    assert.ok(results.length > 0, 'the run has results');

    const problems = [];
    const table = await readExpected(problems);
    differences(results, table, problems);
    const failed = results
      .filter((result) => result.verdict === 'fail' && table[`${result.id}@${result.version}`]?.verdict !== 'fail')
      .map((result) => `${result.id}@${result.version}: fail; seen: ${result.seen}\n` +
        result.transcript.slice(-12).join('\n'));
    assert.deepEqual({ problems, failed }, { problems: [], failed: [] }, [
      problems.length &&
        `${problems.length} difference(s) from ${EXPECTED_FILE} (the run's report: ${REPORT_FILE}):\n` +
        problems.join('\n'),
      failed.length && `${failed.length} check(s) failed:\n\n${failed.join('\n\n')}`,
    ].filter(Boolean).join('\n\n'));
  }));
