// WebSocket throughput in the browser: qoscope's lean build (dist-lean/) against MQTT.js and a
// minimal hand-written MQTT client (the ceiling, bench/ceiling.js), in one headless Chromium page,
// against one Mosquitto. Run it through scripts/bench, which builds dist-lean/ and starts the broker.
//
//   QOSCOPE_BENCH_WS_URL=ws://127.0.0.1:PORT/mqtt node bench/run.mjs [options]
//     --rounds N        rounds per QoS (default 5); each round runs every client once, order rotated
//     --qos LIST        the QoS levels to run (default 0,1,2)
//     --messages N      messages per run (default 20,000 at QoS 0, 10,000 at QoS 1 and 2)
//     --timeout S       seconds a run may take before it counts as timed out (default 60)
//     --playwright      drive the page through playwright-core (slower: see bench/browser.mjs)
//     --lean DIR        take qoscope's lean build from DIR instead of dist-lean/
//     --compare DIR     also run the lean build in DIR (e.g. one made before a change) as a fourth
//                       client, "compare", interleaved with the others in the same page
//     --profile         instead of the rounds: one CPU-profiled run per client and QoS, each saved
//                       as target/bench/profile-qos-Q-CLIENT.cpuprofile and summarized
//
// Each run: connect, subscribe to a topic of its own at QoS q, publish N messages of 64 bytes at
// QoS q to it without waiting for any, and time from the first publish until all N have come back.
// The page times itself; the driver only hands it runs and collects results (bench/server.mjs).
// Prints a table per QoS and writes everything to target/bench/ws-throughput.json.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { chromiumVersion, openDirect, openWithPlaywright } from './browser.mjs';
import {
  CLIENTS, cell, checkTargets, measureSizes, printSizes, printTable, printTargets, problems, summarize,
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

/** Messages per run: a QoS 0 message costs less, so QoS 0 runs get more of them. */
const MESSAGES = { 0: 20_000, 1: 10_000, 2: 10_000 };
const WARM_UP_MESSAGES = 2_000;
const PAYLOAD_BYTES = 64;
/** A pause after each run, for closed sockets and garbage to go before the next. */
const SETTLE_MS = 300;

/** A failure to report in words, without a stack trace. */
class BenchError extends Error {}
/** A wrong option or a missing file: nothing was run. */
class UsageError extends BenchError {}

const OPTIONS = {
  rounds: { type: 'string', default: '5' },
  qos: { type: 'string', default: '0,1,2' },
  messages: { type: 'string' },
  timeout: { type: 'string', default: '60' },
  playwright: { type: 'boolean', default: false },
  lean: { type: 'string' },
  compare: { type: 'string' },
  profile: { type: 'boolean', default: false },
};

function options() {
  let values;
  try {
    ({ values } = parseArgs({ options: OPTIONS }));
  } catch (error) {
    throw new UsageError(`${error.message} (see the top of bench/run.mjs for the options)`);
  }
  const rounds = Number(values.rounds);
  const qos = values.qos.split(',').map(Number);
  const messages = values.messages === undefined ? undefined : Number(values.messages);
  const timeoutMs = Number(values.timeout) * 1000;
  if (!Number.isInteger(rounds) || rounds < 1) {
    throw new UsageError(`--rounds takes a positive integer, not "${values.rounds}"`);
  }
  if (qos.some((q) => ![0, 1, 2].includes(q))) {
    throw new UsageError(`--qos takes a list of 0, 1 and 2, not "${values.qos}"`);
  }
  // Packet ids are 16 bits and every message of a run is in flight at once.
  if (messages !== undefined && !(Number.isInteger(messages) && messages >= 1 && messages <= 65535)) {
    throw new UsageError(`--messages takes an integer from 1 to 65535, not "${values.messages}"`);
  }
  if (!(timeoutMs > 0)) throw new UsageError(`--timeout takes a positive number of seconds, not "${values.timeout}"`);
  if (values.profile && values.playwright) {
    throw new UsageError('--profile attaches to the page itself: leave out --playwright');
  }
  return {
    rounds,
    qos,
    messagesFor: (q) => messages ?? MESSAGES[q],
    timeoutMs,
    playwright: values.playwright,
    leanDir: values.lean === undefined ? join(ROOT, 'dist-lean') : resolve(values.lean),
    compareDir: values.compare === undefined ? undefined : resolve(values.compare),
    clients: values.compare === undefined ? CLIENTS : [...CLIENTS, 'compare'],
    profile: values.profile,
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
    loadAverageAtStart: loadavg()[0],
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
    /** One run in the page; resolves with its result, rejects if the page fails it or dies. */
    async run(client, qos, count, timeoutMs, topic) {
      const url = process.env.QOSCOPE_BENCH_WS_URL;
      const job = { client, url, topic, qos, count, payload: 'x'.repeat(PAYLOAD_BYTES), timeoutMs };
      // The page's own limits (connect, subscribe, the run, its promises, end) add up to less.
      const result = await Promise.race([server.run(job, timeoutMs + 60_000), died]);
      if (result.failed) throw new BenchError(`${client} at QoS ${qos}: ${result.failed} (broker ${url})`);
      await new Promise((ok) => setTimeout(ok, SETTLE_MS));
      return { client, qos, count, ...result, rate: result.received / (result.elapsedMs / 1000) };
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

/** A short unreported run per client, so that none pays for the page's JIT warming up. */
async function warmUp(bench, opts, qos) {
  const count = Math.min(opts.messagesFor(qos), WARM_UP_MESSAGES);
  for (const client of opts.clients) await bench.run(client, qos, count, opts.timeoutMs, newTopic(client));
}

/** Every QoS: a warm-up run per client, then the rounds. Prints each round as it ends. */
async function measure(bench, opts) {
  const summaries = [];
  const runs = [];
  for (const qos of opts.qos) {
    const count = opts.messagesFor(qos);
    await warmUp(bench, opts, qos);
    const ofThisQos = [];
    for (let round = 1; round <= opts.rounds; round++) {
      const order = opts.clients.map((_, i) => opts.clients[(i + round - 1) % opts.clients.length]);
      const line = [];
      for (const client of order) {
        const run = { round, ...(await bench.run(client, qos, count, opts.timeoutMs, newTopic(client))) };
        ofThisQos.push(run);
        const notes = problems(run);
        line.push(`${client} ${cell(run)}${notes.length ? ` (${notes.join('; ')})` : ''}`);
      }
      console.log(`  QoS ${qos}, round ${round}/${opts.rounds}: ${line.join(', ')}`);
    }
    summaries.push(summarize(qos, count, ofThisQos));
    runs.push(...ofThisQos);
  }
  return { summaries, runs };
}

/**
 * --profile: one run per client and QoS under V8's sampling profiler, after a warm-up run each.
 * Profiled runs are somewhat slower; they say where the time goes, not how fast a client is.
 */
async function profileRuns(server, opts) {
  const bench = await openBench(server, { devtools: true });
  const devtools = await attachToPage(bench.opened.profileDir, server.url);
  try {
    for (const qos of opts.qos) {
      const count = opts.messagesFor(qos);
      await warmUp(bench, opts, qos);
      for (const client of opts.clients) {
        let run;
        const cpuProfile = await profile(devtools, async () => {
          run = await bench.run(client, qos, count, opts.timeoutMs, newTopic(client));
        });
        const path = join(OUT_DIR, `profile-qos-${qos}-${client}.cpuprofile`);
        await writeFile(path, JSON.stringify(cpuProfile));
        const title = `QoS ${qos}, ${client}, ${cell(run)} messages/s while profiled (${relative(ROOT, path)})`;
        printProfile(title, summarizeProfile(cpuProfile));
      }
    }
  } finally {
    devtools.close();
    await bench.close();
  }
}

/** The rounds, the tables, and target/bench/ws-throughput.json. */
async function benchmark(server, opts, env, sizes) {
  const bench = await openBench(server, { playwright: opts.playwright });
  let measured;
  try {
    measured = await measure(bench, opts);
  } finally {
    await bench.close();
  }
  const { summaries, runs } = measured;

  for (const summary of summaries) printTable(summary, PAYLOAD_BYTES);
  printSizes(sizes);
  const targets = checkTargets(summaries, sizes);
  printTargets(targets);
  if (server.errors.length) console.log(`\nThe page reported errors:\n  ${server.errors.join('\n  ')}`);

  const report = {
    date: new Date().toISOString(),
    environment: env,
    broker: process.env.QOSCOPE_BENCH_WS_URL,
    parameters: {
      rounds: opts.rounds,
      payloadBytes: PAYLOAD_BYTES,
      timeoutMs: opts.timeoutMs,
      messages: Object.fromEntries(opts.qos.map((q) => [q, opts.messagesFor(q)])),
    },
    summaries: summaries.map(({ clients, ...rest }) => ({
      ...rest,
      medians: Object.fromEntries(clients.map((c) => [c.client, c.median])),
    })),
    sizes,
    targets,
    runs,
    pageErrors: server.errors,
  };
  await writeFile(OUT_FILE, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`\nwrote ${relative(ROOT, OUT_FILE)}`);
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
  const env = environment(opts);
  console.log(`broker ${process.env.QOSCOPE_BENCH_WS_URL} (Mosquitto ${env.mosquitto ?? '?'}), ` +
    `Chromium ${env.chromium ?? '?'}, MQTT.js ${env.mqttjs}, qoscope ${env.qoscope ?? '?'} ` +
    `(${relative(ROOT, paths.leanDir)}); ${env.driver}`);
  if (paths.compareDir) console.log(`compare: the lean build in ${paths.compareDir}`);
  // Two cores: a build or a test suite running beside the benchmark takes its CPU.
  const [load] = loadavg();
  if (load > 1) {
    console.log(`warning: the machine is busy (load average ${load.toFixed(1)} on ${cpus().length} cores): ` +
      'the figures will be lower and noisier than on an idle machine');
  }

  await mkdir(OUT_DIR, { recursive: true });
  const server = await startServer(paths);
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
    if (opts.profile) await profileRuns(server, opts);
    else await benchmark(server, opts, env, sizes);
  } finally {
    await server.close();
  }
}

main().catch((error) => {
  console.error(`error: ${error instanceof BenchError ? error.message : error.stack ?? error.message}`);
  process.exitCode = error instanceof UsageError ? 2 : 1;
});
