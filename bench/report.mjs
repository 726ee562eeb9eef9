// Summaries, sizes, targets and the printed tables of the WebSocket throughput and latency benchmark.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';

export const CLIENTS = ['ceiling', 'mqttjs', 'qoscope'];
/** `compare` is a second qoscope build (--compare DIR). */
const LABELS = { ceiling: 'ceiling', mqttjs: 'MQTT.js', qoscope: 'qoscope', compare: 'compare' };
const VERSION_LABELS = { 4: 'MQTT 3.1.1', 5: 'MQTT 5.0' };
/** Targets the project set itself: reported, never enforced. */
const TARGETS = {
  // The windowed pattern, on each MQTT version: how applications publish.
  windowed: { overCeiling: 0.8, overCeilingGoal: 0.9, overMqttjs: { 0: 1.2, 1: 1.5, 2: 1.5 } },
  leanGzipBytes: 60_000,
};

export function median(values) {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** The nearest-rank percentile `p` (0 to 100) of `values`. */
function percentile(values, p) {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];
}

const ratio = (a, b) => (a == null || b == null || b === 0 ? null : a / b);
const integer = (n) => (n == null ? '-' : Math.round(n).toLocaleString('en-US'));
const fixed = (digits) => (n) => (n == null ? '-' : n.toFixed(digits));
const fixed2 = fixed(2);
const fixed3 = fixed(3);
/** Three significant digits, so that a burst's 1 send per 20,000 messages reads 0.00005, not 0.000. */
const significant3 = (n) => (n == null ? '-' : String(Number(n.toPrecision(3))));
const kb = (bytes) => `${(bytes / 1000).toFixed(1)} KB`;
const medianOf = (runs, key) => median(runs.map((run) => run[key]).filter((value) => value != null));

/** "windowed, MQTT 5.0, QoS 1"; without `qos` for latency. */
export function describe({ pattern, version, qos }) {
  return [pattern, VERSION_LABELS[version], qos === undefined ? undefined : `QoS ${qos}`]
    .filter(Boolean).join(', ');
}

/** The clients present in `runs`, in the order of the tables. */
const clientsIn = (runs) => [...CLIENTS, 'compare'].filter((client) => runs.some((run) => run.client === client));

/**
 * The rounds of one pattern, version and QoS (`key`): each client's runs and medians, and the
 * ratios of the medians of messages/s.
 */
export function summarize(key, runs) {
  const clients = clientsIn(runs).map((client) => {
    const own = runs.filter((run) => run.client === client);
    return {
      client,
      runs: own,
      // A run that timed out counts at the rate it managed: it was that slow.
      median: medianOf(own, 'rate'),
      sendsPerMessage: medianOf(own, 'sendsPerMessage'),
      cpuMicrosPerMessage: medianOf(own, 'cpuMicrosPerMessage'),
      pageThreadMicrosPerMessage: medianOf(own, 'pageThreadMicrosPerMessage'),
      listenerMicrosPerMessage: medianOf(own, 'listenerMicrosPerMessage'),
    };
  });
  const m = Object.fromEntries(clients.map((c) => [c.client, c.median]));
  return {
    ...key,
    clients,
    qoscopeOverMqttjs: ratio(m.qoscope, m.mqttjs),
    qoscopeOverCeiling: ratio(m.qoscope, m.ceiling),
    mqttjsOverCeiling: ratio(m.mqttjs, m.ceiling),
    ...(m.compare === undefined ? {} : { qoscopeOverCompare: ratio(m.qoscope, m.compare) }),
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

/** What the columns after the rounds mean, printed once before the tables. */
export function printLegend({ listenerTime = false } = {}) {
  console.log('\nmessages/s: MQTT messages published and received back per second (median over the rounds);');
  console.log('ws sends/msg: WebSocket messages the page sent per MQTT message (median);');
  console.log('CPU us/msg: CPU time of all of Chromium\'s processes per MQTT message, in microseconds (median);');
  console.log('page us/msg: the part of it on the page\'s main thread, where every client\'s JavaScript and');
  console.log('  WebAssembly run, with the browser\'s work for the page (events, tasks, garbage collection)');
  if (listenerTime) {
    console.log('listener us/msg: time inside the page\'s WebSocket message listeners per MQTT message, in');
    console.log('  microseconds (median): what a client does with what arrives (MQTT.js defers part of its');
    console.log('  work to later tasks, which this leaves out)');
  }
}

export function printTable(summary, payloadBytes) {
  const rounds = Math.max(...summary.clients.map((c) => c.runs.length));
  const width = Math.max(9, ...summary.clients.flatMap((c) => c.runs.map((run) => cell(run).length)));
  const pad = (text, w = width) => String(text).padStart(w);
  const how = summary.pattern === 'windowed'
    ? `at most ${integer(summary.window)} on their way` : 'all published in one loop';
  console.log(`\n${describe(summary)}: ${integer(summary.count)} messages of ${payloadBytes} bytes per run, ` +
    `${how}; messages/s (higher is better)`);
  const roundNames = Array.from({ length: rounds }, (_, i) => pad(`round ${i + 1}`));
  const listenerTime = summary.clients.some((c) => c.listenerMicrosPerMessage !== null);
  const header = [
    'client'.padEnd(8), ...roundNames, pad('median'), pad('ws sends/msg', 13), pad('CPU us/msg', 11), pad('page us/msg', 12),
  ];
  if (listenerTime) header.push(pad('listener us/msg', 16));
  console.log(`  ${header.join(' ')}`);
  for (const client of summary.clients) {
    const cells = client.runs.map((run) => pad(cell(run)));
    const row = [
      LABELS[client.client].padEnd(8), ...cells, pad(integer(client.median)),
      pad(significant3(client.sendsPerMessage), 13), pad(integer(client.cpuMicrosPerMessage), 11),
      pad(integer(client.pageThreadMicrosPerMessage), 12),
    ];
    if (listenerTime) row.push(pad(significant3(client.listenerMicrosPerMessage), 16));
    console.log(`  ${row.join(' ')}`);
  }
  const ratios = [
    `qoscope / MQTT.js ${fixed2(summary.qoscopeOverMqttjs)}`,
    `qoscope / ceiling ${fixed2(summary.qoscopeOverCeiling)}`,
    `(MQTT.js / ceiling ${fixed2(summary.mqttjsOverCeiling)})`,
  ];
  if (summary.qoscopeOverCompare !== undefined) ratios.push(`qoscope / compare ${fixed2(summary.qoscopeOverCompare)}`);
  console.log(`  ${ratios.join('   ')}`);
}

/** One latency run per client on one MQTT version: median and p90 to PUBACK and to the message. */
export function summarizeLatency(version, count, runs) {
  const clients = clientsIn(runs).map((client) => {
    const run = runs.find((r) => r.client === client);
    const spread = (ms) => ({ median: median(ms), p90: percentile(ms, 90) });
    return { client, toPubackMs: spread(run.toPubackMs), toMessageMs: spread(run.toMessageMs), run };
  });
  const m = Object.fromEntries(clients.map((c) => [c.client, c]));
  const over = (which) => ratio(m.qoscope?.[which].median, m.mqttjs?.[which].median);
  return {
    version,
    count,
    clients,
    qoscopeOverMqttjs: { toPubackMs: over('toPubackMs'), toMessageMs: over('toMessageMs') },
  };
}

export function printLatency(summary) {
  console.log(`\nlatency, ${describe(summary)}: ${integer(summary.count)} QoS 1 publishes one at a time on an ` +
    'idle connection; ms from the call to publish (lower is better)');
  const columns = ['to PUBACK median', 'p90', 'to message median', 'p90'];
  console.log(`  ${['client'.padEnd(8), ...columns.map((name) => name.padStart(10))].join('  ')}`);
  for (const c of summary.clients) {
    const figures = [c.toPubackMs.median, c.toPubackMs.p90, c.toMessageMs.median, c.toMessageMs.p90];
    const cells = figures.map((ms, i) => fixed3(ms).padStart(Math.max(10, columns[i].length)));
    console.log(`  ${[LABELS[c.client].padEnd(8), ...cells].join('  ')}`);
  }
  const r = summary.qoscopeOverMqttjs;
  console.log(`  qoscope / MQTT.js (medians): to PUBACK ${fixed2(r.toPubackMs)}, to message ${fixed2(r.toMessageMs)}`);
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

/**
 * The project's targets, each with its figure and whether it is met (null: only reported, as the
 * burst figures without a --compare build to hold qoscope to).
 */
export function checkTargets(summaries, latencies, sizes) {
  const checks = [];
  const check = (target, value, met) => checks.push({ target, value, met });
  const { windowed } = TARGETS;
  for (const s of summaries.filter((summary) => summary.pattern === 'windowed')) {
    check(`${describe(s)}: qoscope >= ${windowed.overCeiling} x ceiling (goal ${windowed.overCeilingGoal})`,
      fixed2(s.qoscopeOverCeiling), s.qoscopeOverCeiling != null && s.qoscopeOverCeiling >= windowed.overCeiling);
    const overMqttjs = windowed.overMqttjs[s.qos];
    check(`${describe(s)}: qoscope >= ${overMqttjs} x MQTT.js`,
      fixed2(s.qoscopeOverMqttjs), s.qoscopeOverMqttjs != null && s.qoscopeOverMqttjs >= overMqttjs);
  }
  for (const s of summaries.filter((summary) => summary.pattern === 'burst')) {
    if (s.qoscopeOverCompare === undefined) {
      check(`${describe(s)}: no --compare build to hold qoscope to`,
        `qoscope / MQTT.js ${fixed2(s.qoscopeOverMqttjs)}, qoscope / ceiling ${fixed2(s.qoscopeOverCeiling)}`, null);
    } else {
      check(`${describe(s)}: qoscope no slower than the --compare build (qoscope / compare >= 1)`,
        fixed2(s.qoscopeOverCompare), s.qoscopeOverCompare != null && s.qoscopeOverCompare >= 1);
    }
  }
  for (const l of latencies) {
    const by = Object.fromEntries(l.clients.map((c) => [c.client, c]));
    for (const [which, to] of [['toPubackMs', 'PUBACK'], ['toMessageMs', 'message']]) {
      const qoscope = by.qoscope?.[which].median;
      const mqttjs = by.mqttjs?.[which].median;
      check(`latency, ${describe(l)}: qoscope's median to ${to} <= MQTT.js's`,
        `${fixed3(qoscope)} vs ${fixed3(mqttjs)} ms (${fixed2(ratio(qoscope, mqttjs))})`,
        qoscope != null && mqttjs != null && qoscope <= mqttjs);
    }
  }
  const lean = sizes.qoscopeLean?.gzipBytes;
  check(`lean build < ${kb(TARGETS.leanGzipBytes)} gzipped`, lean == null ? '-' : kb(lean),
    lean != null && lean < TARGETS.leanGzipBytes);
  return checks;
}

export function printTargets(checks) {
  console.log('\nTargets (reported, not enforced)');
  const verdict = (met) => (met === null ? '-      ' : met ? 'met    ' : 'NOT met');
  for (const check of checks) console.log(`  ${verdict(check.met)}  ${check.target}: ${check.value}`);
}
