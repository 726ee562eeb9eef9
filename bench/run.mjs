// WebSocket throughput and latency in the browser: qoscope's lean build (dist-lean/) against
// MQTT.js and a minimal hand-written MQTT client (the ceiling, bench/ceiling.js), in one headless
// Chromium page, against one Mosquitto. Run it through scripts/bench, which builds dist-lean/ and
// starts the broker.
//
//   QOSCOPE_BENCH_WS_URL=ws://127.0.0.1:PORT/mqtt node bench/run.mjs [options]
//     --pattern LIST    the publishing patterns to run, burst and/or windowed (default burst,windowed)
//     --versions LIST   the MQTT versions to run, 4 (3.1.1) and/or 5 (5.0) (default 4,5)
//     --qos LIST        the QoS levels to run (default 0,1,2)
//     --rounds N        rounds per pattern, version and QoS (default 3); each round runs every
//                       client once, order rotated
//     --messages N      messages per run, both patterns (default: burst 20,000 at QoS 0 and 10,000
//                       at QoS 1 and 2; windowed 20,000 at every QoS: a windowed run of a few
//                       thousand lasts a fraction of a second, and its rate swings with whatever
//                       else the machine does in it)
//     --window W        windowed: at most W messages published and not yet received back (default 256)
//     --latency-count N publishes per latency run (default 200)
//     --no-latency      skip the latency runs
//     --timeout S       seconds a run may take before it counts as timed out (default 60)
//     --playwright      drive the page through playwright-core (slower: see bench/browser.mjs)
//     --lean DIR        take qoscope's lean build from DIR instead of dist-lean/
//     --compare DIR     also run the lean build in DIR (e.g. one made before a change) as a fourth
//                       client, "compare", interleaved with the others in the same page
//     --listener-time   also time the page's WebSocket message listeners (every client's, wrapped
//                       in bench/page.html) and print that time per MQTT message: the client's own
//                       work on what arrives, without the browser's. The two clock reads per
//                       WebSocket message slow every client a little, so it is off by default
//     --profile         instead of the rounds: one CPU-profiled run per client, pattern, version and
//                       QoS, each saved as target/bench/profile-PATTERN-vVERSION-qos-Q-CLIENT.cpuprofile
//                       and summarized
//
// Each throughput run: connect, subscribe to a topic of its own at QoS q, publish N messages of 64
// bytes at QoS q to it, and time from the first publish until all N have come back. How they are
// published is the pattern:
// - burst: all N in one synchronous loop. A client that coalesces its writes then puts them all in
//   a few WebSocket messages, which flatters it: few applications publish like that.
// - windowed: W at first, then one more from the message handler for each message that comes
//   back, until N have been published: at most W are on their way at any time, and each publish
//   is made from an event, as applications publish (a few at a time, from events). A client that
//   sends one WebSocket message per packet shows it here.
// Both are measured because a bench that showed only the burst would not be a measurement.
// (Mosquitto sends each packet in a WebSocket message of its own, so at QoS 1 and 2 a client that
// answers each as it arrives, as the ceiling does, sends about one message per acknowledgement in
// either pattern.)
//
// For each client, pattern, version and QoS: messages/s; WebSocket messages the page sent per MQTT
// message (WebSocket.prototype.send is counted, see bench/page.html); and the CPU time of all of
// Chromium's processes per message, read from /proc before and after the timed part of each run
// (the browser, renderer, network service and other helpers: sending and receiving cost CPU
// outside the page's thread too), and the part of it on the page's main thread, where each
// client's own work runs. Medians over the rounds, and their ratios between clients.
//
// Latency, per client and version: on an idle connection subscribed to its own topic at QoS 1,
// --latency-count QoS 1 publishes, each awaited before the next; the time from the call to publish
// until its PUBACK, and until the message reaches the message handler: median and p90.
//
// The page times itself; the driver only hands it runs and collects results (bench/server.mjs).
// Prints the machine's load at the start and the end, a table per pattern, version and QoS, the
// latencies, the sizes and the project's targets (reported, never enforced), and writes everything
// to target/bench/ws-throughput.json.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { chromiumCpuMs, chromiumVersion, openDirect, openWithPlaywright } from './browser.mjs';
import {
  CLIENTS, cell, checkTargets, describe, measureSizes, printLatency, printLegend, printSizes, printTable,
  printTargets, problems, summarize, summarizeLatency,
} from './report.mjs';
import { attachToPage, printSummary as printProfile, profile, summarize as summarizeProfile } from './profile.mjs';
import { startServer } from './server.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const PATHS = {
  benchDir: join(ROOT, 'bench'),
  appDir: join(ROOT, 'dist'),
  mqttjsBundle: join(ROOT, 'node_modules', 'mqtt', 'dist', 'mqtt.min.js'),
};
const OUT_DIR = join(ROOT, 'target', 'bench');
const OUT_FILE = join(OUT_DIR, 'ws-throughput.json');

/**
 * Messages per run. A burst: a QoS 0 message costs less, so QoS 0 runs get more of them. Windowed:
 * runs of 5,000 (a third of a second at QoS 1) gave one client rates up to 2x apart from one round
 * to the next; runs of 20,000 keep most rounds within 10 %.
 */
const MESSAGES = {
  burst: { 0: 20_000, 1: 10_000, 2: 10_000 },
  windowed: { 0: 20_000, 1: 20_000, 2: 20_000 },
};
const PATTERNS = ['burst', 'windowed'];
const VERSIONS = [4, 5];
const WARM_UP_MESSAGES = 2_000;
const PAYLOAD_BYTES = 64;
/** A pause after each run, for closed sockets and garbage to go before the next. */
const SETTLE_MS = 300;

/** A failure to report in words, without a stack trace. */
class BenchError extends Error {}
/** A wrong option or a missing file: nothing was run. */
class UsageError extends BenchError {}

const OPTIONS = {
  pattern: { type: 'string', default: PATTERNS.join(',') },
  versions: { type: 'string', default: VERSIONS.join(',') },
  rounds: { type: 'string', default: '3' },
  qos: { type: 'string', default: '0,1,2' },
  messages: { type: 'string' },
  window: { type: 'string', default: '256' },
  'latency-count': { type: 'string', default: '200' },
  'no-latency': { type: 'boolean', default: false },
  timeout: { type: 'string', default: '60' },
  playwright: { type: 'boolean', default: false },
  lean: { type: 'string' },
  compare: { type: 'string' },
  profile: { type: 'boolean', default: false },
  'listener-time': { type: 'boolean', default: false },
};

function options() {
  let values;
  try {
    ({ values } = parseArgs({ options: OPTIONS }));
  } catch (error) {
    throw new UsageError(`${error.message} (see the top of bench/run.mjs for the options)`);
  }
  const rounds = Number(values.rounds);
  const patterns = values.pattern.split(',');
  const versions = values.versions.split(',').map(Number);
  const qos = values.qos.split(',').map(Number);
  const messages = values.messages === undefined ? undefined : Number(values.messages);
  const window = Number(values.window);
  const latencyCount = Number(values['latency-count']);
  const timeoutMs = Number(values.timeout) * 1000;
  if (!Number.isInteger(rounds) || rounds < 1) {
    throw new UsageError(`--rounds takes a positive integer, not "${values.rounds}"`);
  }
  if (patterns.some((pattern) => !PATTERNS.includes(pattern))) {
    throw new UsageError(`--pattern takes a list of burst and windowed, not "${values.pattern}"`);
  }
  if (versions.some((version) => !VERSIONS.includes(version))) {
    throw new UsageError(`--versions takes a list of 4 and 5, not "${values.versions}"`);
  }
  if (qos.some((q) => ![0, 1, 2].includes(q))) {
    throw new UsageError(`--qos takes a list of 0, 1 and 2, not "${values.qos}"`);
  }
  // Packet ids are 16 bits, and the ceiling gives each message of a run an id of its own.
  const packetIds = (n) => Number.isInteger(n) && n >= 1 && n <= 65535;
  if (messages !== undefined && !packetIds(messages)) {
    throw new UsageError(`--messages takes an integer from 1 to 65535, not "${values.messages}"`);
  }
  if (!packetIds(window)) throw new UsageError(`--window takes an integer from 1 to 65535, not "${values.window}"`);
  if (!packetIds(latencyCount)) {
    throw new UsageError(`--latency-count takes an integer from 1 to 65535, not "${values['latency-count']}"`);
  }
  if (!(timeoutMs > 0)) throw new UsageError(`--timeout takes a positive number of seconds, not "${values.timeout}"`);
  if (values.profile && values.playwright) {
    throw new UsageError('--profile attaches to the page itself: leave out --playwright');
  }
  return {
    rounds,
    patterns,
    versions,
    qos,
    messagesFor: (pattern, q) => messages ?? MESSAGES[pattern][q],
    window,
    latencyCount: values['no-latency'] ? 0 : latencyCount,
    timeoutMs,
    playwright: values.playwright,
    leanDir: values.lean === undefined ? join(ROOT, 'dist-lean') : resolve(values.lean),
    compareDir: values.compare === undefined ? undefined : resolve(values.compare),
    clients: values.compare === undefined ? CLIENTS : [...CLIENTS, 'compare'],
    profile: values.profile,
    listenerTime: values['listener-time'],
  };
}

function environment(opts) {
  const git = (...args) => {
    try {
      return execFileSync('git', args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    } catch {
      return null;
    }
  };
  const commit = git('rev-parse', '--short', 'HEAD');
  // What the lean build is made from (the benchmark's own files do not count).
  const dirty = git('status', '--porcelain', '--untracked-files=no', '--', 'src', 'js', 'Cargo.toml', 'Cargo.lock');
  return {
    qoscope: commit && `${commit}${dirty ? ' + uncommitted changes to src/, js/ or Cargo.*' : ''}`,
    mqttjs: JSON.parse(readFileSync(join(ROOT, 'node_modules', 'mqtt', 'package.json'), 'utf8')).version,
    chromium: chromiumVersion(),
    mosquitto: process.env.QOSCOPE_BENCH_MOSQUITTO_VERSION || null,
    node: process.version,
    driver: opts.playwright ? 'playwright-core (DevTools attached, Network domain on)'
      : opts.profile ? 'Chromium started directly, only the Profiler attached'
        : 'Chromium started directly (no DevTools)',
  };
}

/** Pages open now, for Ctrl-C to close. */
const openBenches = new Set();

/**
 * The page, opened one way or the other, and a runner for its runs. `exited` and a load timeout
 * turn a page that died or never loaded into an error naming what happened.
 */
async function openBench(server, { playwright = false, devtools = false } = {}) {
  const browser = playwright ? await openWithPlaywright(server.url) : await openDirect(server.url, { devtools });
  const died = browser.exited.then((reason) => {
    const log = browser.log().trim();
    throw new BenchError(`${reason}${log ? `; the end of its log:\n${log}` : ''}`);
  });
  died.catch(() => {});
  const loadError = (what) => new BenchError(`${what}` +
    `${server.errors.length ? `; it reported:\n${server.errors.join('\n')}` : ''}` +
    `${browser.log().trim() ? `\nthe end of Chromium's log:\n${browser.log().trim()}` : ''}`);
  let loadTimer;
  const loadTimeout = new Promise((_, bad) => {
    loadTimer = setTimeout(() => bad(loadError('the benchmark page did not load within 30 s')), 30_000);
  });
  const failedToLoad = server.firstError.then(() => {
    throw loadError('the benchmark page failed to load');
  });
  try {
    await Promise.race([server.firstRequest, died, loadTimeout, failedToLoad]);
  } catch (error) {
    await browser.close();
    throw error;
  } finally {
    clearTimeout(loadTimer);
  }
  const bench = {
    opened: browser,
    /**
     * One run in the page: `job` is { kind: 'throughput' or 'latency', client, version, count,
     * timeoutMs, ... }; this adds the broker, a topic of the run's own and the payload. Resolves
     * with its result, plus `cpuMs` and `pageThreadCpuMs` (Chromium's CPU time during the timed
     * part, all of it and its page's main thread's: see chromiumCpuMs) for throughput runs;
     * rejects if the page fails it or dies.
     */
    async run(job) {
      const url = process.env.QOSCOPE_BENCH_WS_URL;
      const full = { ...job, url, topic: newTopic(job.client), payload: 'x'.repeat(PAYLOAD_BYTES) };
      // The page's own limits (connect, subscribe, the run, its promises, end) add up to less.
      const { marks, ...result } = await Promise.race([server.run(full, job.timeoutMs + 60_000), died]);
      if (result.failed) throw new BenchError(`${job.client}, ${describe(job)}: ${result.failed} (broker ${url})`);
      await new Promise((ok) => setTimeout(ok, SETTLE_MS));
      // A throughput run marks the start and the end of its timed part: Chromium's CPU time between.
      if (!('start' in marks)) return result;
      const spent = (key) => (marks.start == null || marks.end == null ? null : marks.end[key] - marks.start[key]);
      return { ...result, cpuMs: spent('allMs'), pageThreadCpuMs: spent('pageThreadMs') };
    },
    async close() {
      openBenches.delete(bench);
      await Promise.race([server.run({ done: true }, 5_000), died]).catch(() => {});
      await browser.close();
    },
  };
  openBenches.add(bench);
  return bench;
}

const topicPrefix = `qoscope-bench/${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
let topics = 0;
const newTopic = (client) => `${topicPrefix}/${client}/${++topics}`;

/**
 * Every pattern, version and QoS to run, in that order, each as what its throughput runs share:
 * { pattern, version, qos, count, and for windowed runs, window }.
 */
function throughputKeys(opts) {
  return opts.patterns.flatMap((pattern) => opts.versions.flatMap((version) => opts.qos.map((qos) => {
    const key = { pattern, version, qos, count: opts.messagesFor(pattern, qos) };
    return pattern === 'windowed' ? { ...key, window: opts.window } : key;
  })));
}

/** One throughput run of `client`, with its rate and its figures per message. */
async function throughputRun(bench, opts, client, key) {
  const result = await bench.run({ kind: 'throughput', client, ...key, timeoutMs: opts.timeoutMs });
  const perMessage = (total) => (total == null || result.received === 0 ? null : total / result.received);
  return {
    client,
    ...key,
    ...result,
    rate: result.received / (result.elapsedMs / 1000),
    sendsPerMessage: perMessage(result.webSocketSends),
    listenerMicrosPerMessage: perMessage(result.webSocketListenerMs == null ? null : result.webSocketListenerMs * 1000),
    cpuMicrosPerMessage: perMessage(result.cpuMs == null ? null : result.cpuMs * 1000),
    pageThreadMicrosPerMessage: perMessage(result.pageThreadCpuMs == null ? null : result.pageThreadCpuMs * 1000),
  };
}

/** A short unreported run per client, so that none pays for the page's JIT warming up. */
async function warmUp(bench, opts, key) {
  const short = { ...key, count: Math.min(key.count, WARM_UP_MESSAGES) };
  for (const client of opts.clients) await throughputRun(bench, opts, client, short);
}

/** One pattern, version and QoS: a warm-up run per client, then the rounds. Prints each round as it ends. */
async function measureThroughput(bench, opts, key) {
  await warmUp(bench, opts, key);
  const runs = [];
  for (let round = 1; round <= opts.rounds; round++) {
    const order = opts.clients.map((_, i) => opts.clients[(i + round - 1) % opts.clients.length]);
    const line = [];
    for (const client of order) {
      const run = { round, ...(await throughputRun(bench, opts, client, key)) };
      runs.push(run);
      const notes = problems(run);
      line.push(`${client} ${cell(run)}${notes.length ? ` (${notes.join('; ')})` : ''}`);
    }
    console.log(`  ${describe(key)}, round ${round}/${opts.rounds}: ${line.join(', ')}`);
  }
  return summarize(key, runs);
}

/** One latency run per client on MQTT `version`. Prints the medians. */
async function measureLatency(bench, opts, version) {
  const runs = [];
  for (const client of opts.clients) {
    const job = { kind: 'latency', client, version, count: opts.latencyCount, timeoutMs: opts.timeoutMs };
    runs.push({ client, version, ...(await bench.run(job)) });
  }
  const summary = summarizeLatency(version, opts.latencyCount, runs);
  const line = summary.clients.map((c) => `${c.client} ${c.toPubackMs.median.toFixed(3)} / ` +
    `${c.toMessageMs.median.toFixed(3)} ms${c.run.error ? ` (${c.run.error})` : ''}`);
  console.log(`  latency, ${describe({ version })}, median to PUBACK / to message: ${line.join(', ')}`);
  return summary;
}

/** Every pattern, version and QoS, then the latency on each version. */
async function measure(bench, opts) {
  const summaries = [];
  for (const key of throughputKeys(opts)) summaries.push(await measureThroughput(bench, opts, key));
  const latencies = [];
  if (opts.latencyCount > 0) {
    for (const version of opts.versions) latencies.push(await measureLatency(bench, opts, version));
  }
  return { summaries, latencies };
}

/**
 * --profile: one run per client, pattern, version and QoS under V8's sampling profiler, after a
 * warm-up run each. Profiled runs are somewhat slower; they say where the time goes, not how
 * fast a client is.
 */
async function profileRuns(server, opts) {
  const bench = await openBench(server, { devtools: true });
  const devtools = await attachToPage(bench.opened.profileDir, server.url);
  try {
    for (const key of throughputKeys(opts)) {
      await warmUp(bench, opts, key);
      for (const client of opts.clients) {
        let run;
        const cpuProfile = await profile(devtools, async () => {
          run = await throughputRun(bench, opts, client, key);
        });
        const { pattern, version, qos } = key;
        const path = join(OUT_DIR, `profile-${pattern}-v${version}-qos-${qos}-${client}.cpuprofile`);
        await writeFile(path, JSON.stringify(cpuProfile));
        const title = `${describe(key)}, ${client}, ${cell(run)} messages/s while profiled (${relative(ROOT, path)})`;
        printProfile(title, summarizeProfile(cpuProfile));
      }
    }
  } finally {
    devtools.close();
    await bench.close();
  }
}

/** Clients' figures as { client: figures }. */
const byClient = (clients) => Object.fromEntries(clients.map(({ client, ...figures }) => [client, figures]));

/** The throughput summaries as { pattern: { version: { qos: { ..., clients: { client: figures } } } } }. */
function byPatternVersionQos(summaries) {
  const nested = {};
  for (const { pattern, version, qos, clients, ...rest } of summaries) {
    ((nested[pattern] ??= {})[version] ??= {})[qos] = { ...rest, clients: byClient(clients) };
  }
  return nested;
}

/** The latency summaries as { version: { ..., clients: { client: figures } } }. */
const byVersion = (latencies) => Object.fromEntries(
  latencies.map(({ version, clients, ...rest }) => [version, { ...rest, clients: byClient(clients) }]),
);

/** Prints the machine's load (the benchmark shares the machine's CPUs) and returns it. */
function reportLoad(when) {
  const load = loadavg();
  console.log(`machine ${when}: load average ${load.map((n) => n.toFixed(2)).join(' ')} on ${cpus().length} CPUs`);
  return { loadAverage: load, cpus: cpus().length };
}

/** The runs, the tables, and target/bench/ws-throughput.json. */
async function benchmark(server, opts, env, sizes) {
  const bench = await openBench(server, { playwright: opts.playwright });
  let measured;
  try {
    measured = await measure(bench, opts);
  } finally {
    await bench.close();
  }
  const { summaries, latencies } = measured;

  printLegend({ listenerTime: opts.listenerTime });
  for (const summary of summaries) printTable(summary, PAYLOAD_BYTES);
  for (const latency of latencies) printLatency(latency);
  printSizes(sizes);
  const targets = checkTargets(summaries, latencies, sizes);
  printTargets(targets);
  if (server.errors.length) console.log(`\nThe page reported errors:\n  ${server.errors.join('\n  ')}`);
  console.log('');
  const loadAtEnd = reportLoad('at the end');

  const report = {
    date: new Date().toISOString(),
    environment: { ...env, loadAtEnd },
    broker: process.env.QOSCOPE_BENCH_WS_URL,
    parameters: {
      rounds: opts.rounds,
      patterns: opts.patterns,
      versions: opts.versions,
      qos: opts.qos,
      payloadBytes: PAYLOAD_BYTES,
      window: opts.window,
      latencyCount: opts.latencyCount,
      timeoutMs: opts.timeoutMs,
      messages: Object.fromEntries(opts.patterns.map((pattern) =>
        [pattern, Object.fromEntries(opts.qos.map((q) => [q, opts.messagesFor(pattern, q)]))])),
    },
    throughput: byPatternVersionQos(summaries),
    latency: byVersion(latencies),
    sizes,
    targets,
    pageErrors: server.errors,
  };
  await writeFile(OUT_FILE, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`wrote ${relative(ROOT, OUT_FILE)}`);
}

async function main() {
  const opts = options();
  const paths = { ...PATHS, leanDir: opts.leanDir, compareDir: opts.compareDir };
  if (!process.env.QOSCOPE_BENCH_WS_URL) {
    throw new UsageError('QOSCOPE_BENCH_WS_URL is not set: run scripts/bench, which starts the broker');
  }
  const leanFix = opts.leanDir === join(ROOT, 'dist-lean')
    ? 'run scripts/build-lean (scripts/bench does)'
    : 'give --lean a directory that scripts/build-lean made';
  const compareFix = 'give --compare a directory that scripts/build-lean made';
  for (const [file, fix] of [
    [join(paths.leanDir, 'qoscope.js'), leanFix],
    [join(paths.leanDir, 'qoscope_bg.wasm'), leanFix],
    ...(paths.compareDir ? [[join(paths.compareDir, 'qoscope.js'), compareFix]] : []),
    [paths.mqttjsBundle, 'run npm ci (MQTT.js is a devDependency)'],
  ]) {
    if (!existsSync(file)) throw new UsageError(`${file} is missing: ${fix}`);
  }
  const sizes = measureSizes(ROOT, paths);
  const env = { ...environment(opts), loadAtStart: reportLoad('at the start') };
  console.log(`broker ${process.env.QOSCOPE_BENCH_WS_URL} (Mosquitto ${env.mosquitto ?? '?'}), ` +
    `Chromium ${env.chromium ?? '?'}, MQTT.js ${env.mqttjs}, qoscope ${env.qoscope ?? '?'} ` +
    `(${relative(ROOT, paths.leanDir)}); ${env.driver}`);
  if (paths.compareDir) console.log(`compare: the lean build in ${paths.compareDir}`);
  // Two cores: a build or a test suite running beside the benchmark takes its CPU.
  const [load] = env.loadAtStart.loadAverage;
  if (load > 1) {
    console.log(`warning: the machine is busy (load average ${load.toFixed(1)} on ${env.loadAtStart.cpus} CPUs): ` +
      'the figures will be lower and noisier than on an idle machine');
  }

  await mkdir(OUT_DIR, { recursive: true });
  const server = await startServer(paths, { mark: chromiumCpuMs, listenerTime: opts.listenerTime });
  // Ctrl-C or a TERM: close the browser and the server before going (the broker is scripts/bench's).
  const stop = (code) => async () => {
    console.error('\ninterrupted: closing the browser');
    await Promise.all([...openBenches].map((bench) => bench.close().catch(() => {})));
    await server.close();
    process.exit(code);
  };
  process.once('SIGINT', stop(130));
  process.once('SIGTERM', stop(143));
  try {
    if (opts.profile) {
      await profileRuns(server, opts);
      console.log('');
      reportLoad('at the end');
    } else {
      await benchmark(server, opts, env, sizes);
    }
  } finally {
    await server.close();
  }
}

main().catch((error) => {
  console.error(`error: ${error instanceof BenchError ? error.message : error.stack ?? error.message}`);
  process.exitCode = error instanceof UsageError ? 2 : 1;
});
