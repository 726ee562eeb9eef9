// Summaries, sizes and the printed tables of the WebSocket throughput benchmark.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';

export const CLIENTS = ['ceiling', 'mqttjs', 'qoscope'];
/** `compare` is a second qoscope build (--compare DIR). */
const LABELS = { ceiling: 'ceiling', mqttjs: 'MQTT.js', qoscope: 'qoscope', compare: 'compare' };
/** Targets the project set itself: reported, not enforced. */
const TARGETS = { ceilingRatio: 0.8, ceilingGoal: 0.9, leanGzipBytes: 60_000 };

export function median(values) {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

const ratio = (a, b) => (a == null || b == null || b === 0 ? null : a / b);
const integer = (n) => (n == null ? '-' : Math.round(n).toLocaleString('en-US'));
const fixed2 = (n) => (n == null ? '-' : n.toFixed(2));
const kb = (bytes) => `${(bytes / 1000).toFixed(1)} KB`;

/** The rounds of one QoS: each client's runs and median, and the ratios of the medians. */
export function summarize(qos, count, runs) {
  const present = [...CLIENTS, 'compare'].filter((client) => runs.some((run) => run.client === client));
  const clients = present.map((client) => {
    const own = runs.filter((run) => run.client === client);
    // A run that timed out counts at the rate it managed: it was that slow.
    return { client, runs: own, median: median(own.map((run) => run.rate)) };
  });
  const m = Object.fromEntries(clients.map((c) => [c.client, c.median]));
  return {
    qos,
    count,
    clients,
    qoscopeOverMqttjs: ratio(m.qoscope, m.mqttjs),
    qoscopeOverCeiling: ratio(m.qoscope, m.ceiling),
    mqttjsOverCeiling: ratio(m.mqttjs, m.ceiling),
    ...(m.compare === undefined ? {} : { compareOverQoscope: ratio(m.compare, m.qoscope) }),
  };
}

/** A run as the table shows it: messages/s, or what went wrong. */
export function cell(run) {
  if (run.timedOut) return `timeout ${run.received}/${run.count}`;
  return integer(run.rate);
}

/** What went wrong in a run besides its speed, in words. */
export function problems(run) {
  const notes = [];
  if (run.error) notes.push(run.error);
  if (run.failedPublishes === null) notes.push('publish promises still pending');
  else if (run.failedPublishes > 0) notes.push(`${run.failedPublishes} publishes failed`);
  if (run.receivedAfterWait > run.count) notes.push(`${run.receivedAfterWait - run.count} duplicates`);
  return notes;
}

export function printTable(summary, payloadBytes) {
  const rounds = Math.max(...summary.clients.map((c) => c.runs.length));
  const width = Math.max(9, ...summary.clients.flatMap((c) => c.runs.map((run) => cell(run).length)));
  const pad = (text) => String(text).padStart(width);
  console.log(`\nQoS ${summary.qos}: ${integer(summary.count)} messages of ${payloadBytes} bytes per run, ` +
    'messages/s (higher is better)');
  const roundNames = Array.from({ length: rounds }, (_, i) => pad(`round ${i + 1}`));
  const header = ['client'.padEnd(8), ...roundNames, pad('median')];
  console.log(`  ${header.join(' ')}`);
  for (const client of summary.clients) {
    const cells = client.runs.map((run) => pad(cell(run)));
    const row = [LABELS[client.client].padEnd(8), ...cells, pad(integer(client.median))];
    console.log(`  ${row.join(' ')}`);
  }
  const ratios = [
    `qoscope / MQTT.js ${fixed2(summary.qoscopeOverMqttjs)}`,
    `qoscope / ceiling ${fixed2(summary.qoscopeOverCeiling)}`,
    `(MQTT.js / ceiling ${fixed2(summary.mqttjsOverCeiling)})`,
  ];
  if (summary.compareOverQoscope !== undefined) ratios.push(`compare / qoscope ${fixed2(summary.compareOverQoscope)}`);
  console.log(`  ${ratios.join('   ')}`);
}

/** Raw and gzip -9 sizes of `files` (paths), named relative to `root`. */
function sizeOf(root, files) {
  return {
    files: files.map((file) => relative(root, file)),
    bytes: files.reduce((sum, file) => sum + statSync(file).size, 0),
    gzipBytes: files.reduce((sum, file) => sum + gzipSync(readFileSync(file), { level: 9 }).length, 0),
  };
}

/** The .wasm and .js files directly in `dir`, or null if there are none. */
function bundleIn(root, dir) {
  if (!existsSync(dir)) return null;
  const files = readdirSync(dir).filter((name) => /\.(wasm|js)$/.test(name)).sort().map((name) => join(dir, name));
  return files.length ? sizeOf(root, files) : null;
}

/** What a page downloads for each: MQTT.js's bundle, the lean build, the full app (if built). */
export function measureSizes(root, { mqttjsBundle, leanDir, appDir }) {
  return {
    mqttjs: sizeOf(root, [mqttjsBundle]),
    qoscopeLean: bundleIn(root, leanDir),
    qoscopeApp: bundleIn(root, appDir),
  };
}

export function printSizes(sizes) {
  console.log('\nSizes, gzip -9 (raw); 1 KB = 1,000 bytes');
  const line = (label, size) => {
    const value = size ? `${kb(size.gzipBytes).padStart(9)}  (${kb(size.bytes)})` : '(not built)';
    console.log(`  ${label.padEnd(44)} ${value}`);
  };
  const leanDir = sizes.qoscopeLean ? dirname(sizes.qoscopeLean.files[0]) : 'dist-lean';
  line('MQTT.js       mqtt.min.js', sizes.mqttjs);
  line(`qoscope lean  ${leanDir}/ (wasm + JS glue)`, sizes.qoscopeLean);
  line('qoscope app   dist/ (wasm + JS)', sizes.qoscopeApp);
}

/** The project's targets, each with its value and whether it is met. */
export function checkTargets(summaries, sizes) {
  const checks = [];
  for (const s of summaries) {
    checks.push({
      target: `QoS ${s.qos}: qoscope >= ${TARGETS.ceilingRatio} x ceiling (goal ${TARGETS.ceilingGoal})`,
      value: fixed2(s.qoscopeOverCeiling),
      met: s.qoscopeOverCeiling != null && s.qoscopeOverCeiling >= TARGETS.ceilingRatio,
    });
    checks.push({
      target: `QoS ${s.qos}: qoscope >= MQTT.js`,
      value: fixed2(s.qoscopeOverMqttjs),
      met: s.qoscopeOverMqttjs != null && s.qoscopeOverMqttjs >= 1,
    });
  }
  const lean = sizes.qoscopeLean?.gzipBytes;
  checks.push({
    target: `lean build < ${kb(TARGETS.leanGzipBytes)} gzipped`,
    value: lean == null ? '-' : kb(lean),
    met: lean != null && lean < TARGETS.leanGzipBytes,
  });
  return checks;
}

export function printTargets(checks) {
  console.log('\nTargets');
  for (const check of checks) console.log(`  ${check.met ? 'met    ' : 'NOT met'}  ${check.target}: ${check.value}`);
}
