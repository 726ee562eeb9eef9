// Two ways to open the benchmark page in headless Chromium. Either way the page runs by itself: it
// asks the in-process server for runs and posts their results (bench/server.mjs).
//
// - `openDirect` (the default) starts Chromium with the page's URL and no DevTools connection.
// - `openWithPlaywright` opens it through playwright-core. Playwright always enables the DevTools
//   Network domain on its pages (playwright-core sends Network.enable unconditionally), and Chromium
//   then reports every WebSocket frame, with its payload, over the DevTools connection: two to
//   three times fewer messages/s here, whether or not anyone listens. It is there to compare with.
import { execFileSync, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHROMIUM_ARGS as E2E_CHROMIUM_ARGS, launchBrowser } from '../tests/e2e/support/browser.mjs';

export const CHROMIUM = process.env.QOSCOPE_CHROMIUM ?? '/usr/bin/chromium';

// The end-to-end tests' flags (no sandbox as root, nothing that phones home), plus --headless,
// which Playwright adds itself there.
const CHROMIUM_ARGS = ['--headless', ...E2E_CHROMIUM_ARGS];

/** "156.0.8078.108", or null. */
export function chromiumVersion() {
  try {
    const text = execFileSync(CHROMIUM, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    return text.match(/\d+(\.\d+)+/)?.[0] ?? null;
  } catch {
    return null;
  }
}

/** Clock ticks per second, the unit of the CPU times in /proc/PID/stat (100 nearly everywhere). */
const CLOCK_TICKS = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' })) || 100;
  } catch {
    return 100;
  }
})();

/**
 * The fields of a /proc stat file after "pid (comm)", from state on (so utime is [11]), or null if
 * the process or thread has ended. comm may hold spaces and parentheses, so they start after the
 * last ")".
 */
function statFields(path) {
  let stat;
  try {
    stat = readFileSync(path, 'utf8');
  } catch {
    return null;
  }
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

/** Every process's parent and CPU time in clock ticks, from /proc/PID/stat: Map pid -> { ppid, ticks }. */
function processTimes() {
  const processes = new Map();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const fields = statFields(`/proc/${name}/stat`);
    if (!fields) continue; // Ended meanwhile.
    // utime and stime, plus cutime and cstime: a helper that ended and was waited for still counts.
    const ticks = Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
    processes.set(Number(name), { ppid: Number(fields[1]), ticks });
  }
  return processes;
}

/** The CPU time in clock ticks of the main thread of process `pid`, or 0 if it has ended. */
function mainThreadTicks(pid) {
  const fields = statFields(`/proc/${pid}/task/${pid}/stat`);
  return fields ? Number(fields[11]) + Number(fields[12]) : 0;
}

/** Whether process `pid` is a Chromium renderer (false if it has ended). */
function isRenderer(pid) {
  try {
    // Arguments are NUL-separated, or one space-separated string once a zygote child renamed itself.
    return /(^|[\0 ])--type=renderer([\0 ]|$)/.test(readFileSync(`/proc/${pid}/cmdline`, 'utf8'));
  } catch {
    return false;
  }
}

/**
 * CPU time (user + system, ms) that Chromium has used so far, as `{ allMs, pageThreadMs }`:
 * - allMs: the browser process, which this process started (directly or through Playwright), and
 *   all its descendants (zygote, renderer, network service, GPU and other utility processes),
 *   found through their parent ids. This process starts no other processes while the benchmark
 *   runs, so its descendants are Chromium's;
 * - pageThreadMs: the main threads of the renderer processes, where the page's JavaScript and
 *   WebAssembly run (every client's, and the browser's work for the page: events, tasks, garbage
 *   collection steps). A client whose own work per message is larger shows it here first.
 * Null where there is no /proc.
 */
export function chromiumCpuMs() {
  let processes;
  try {
    processes = processTimes();
  } catch {
    return null;
  }
  let ticks = 0;
  let pageTicks = 0;
  const descendants = [process.pid];
  while (descendants.length) {
    const parent = descendants.pop();
    for (const [pid, { ppid, ticks: own }] of processes) {
      if (ppid !== parent) continue;
      ticks += own;
      if (isRenderer(pid)) pageTicks += mainThreadTicks(pid);
      descendants.push(pid);
    }
  }
  const ms = (n) => (n * 1000) / CLOCK_TICKS;
  return { allMs: ms(ticks), pageThreadMs: ms(pageTicks) };
}

/**
 * Starts Chromium on `url` with a throw-away profile. Resolves to `{ exited, log(), profileDir,
 * close() }`: `exited` resolves if Chromium ends on its own, `log()` is the end of its stderr.
 * `devtools`: also listen for DevTools on a free loopback port (written to
 * profileDir/DevToolsActivePort); nothing connects unless asked to (bench/profile.mjs does).
 */
export async function openDirect(url, { devtools = false } = {}) {
  const profile = await mkdtemp(join(tmpdir(), 'qoscope-bench-chromium-'));
  const debugging = devtools ? ['--remote-debugging-port=0'] : [];
  const args = [...CHROMIUM_ARGS, `--user-data-dir=${profile}`, ...debugging, url];
  // detached: Ctrl-C reaches only us, and we close Chromium (a signal of its own would look like
  // a crash in the middle of a run).
  const child = spawn(CHROMIUM, args, { stdio: ['ignore', 'ignore', 'pipe'], detached: true });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk) => {
    // Without a D-Bus (as here) Chromium logs many harmless complaints about it: leave them out.
    const lines = chunk.split('\n').filter((line) => !/dbus|unexpected operator/i.test(line));
    stderr = (stderr + lines.join('\n')).slice(-4000);
  });
  const exited = new Promise((ok) => {
    child.once('error', (error) => ok(`could not start ${CHROMIUM}: ${error.message}`));
    child.once('exit', (code, signal) => ok(`Chromium exited (${signal ?? `code ${code}`})`));
  });
  // Chromium and its helper processes are a process group of their own (detached): signal them all.
  const signal = (name) => {
    try {
      process.kill(-child.pid, name);
    } catch {
      // Already gone.
    }
  };
  // The last resort if this process ends without closing.
  const killOnExit = () => signal('SIGKILL');
  process.once('exit', killOnExit);

  return {
    exited,
    log: () => stderr,
    profileDir: profile,
    async close() {
      process.off('exit', killOnExit);
      if (child.exitCode === null && child.signalCode === null) {
        signal('SIGTERM');
        const timer = setTimeout(() => signal('SIGKILL'), 5_000);
        await exited;
        clearTimeout(timer);
      }
      // A helper that outlived the browser could still write into the profile.
      signal('SIGKILL');
      await rm(profile, { recursive: true, force: true, maxRetries: 3 });
    },
  };
}

/**
 * Opens `url` in a page driven by playwright-core. Resolves to `{ browser, page, exited, log(),
 * close() }`.
 */
export async function openWithPlaywright(url) {
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage();
    let closed;
    const exited = new Promise((ok) => {
      closed = ok;
    });
    page.once('crash', () => closed('the page crashed'));
    browser.once('disconnected', () => closed('Chromium disconnected'));
    await page.goto(url);
    return { browser, page, exited, log: () => '', close: () => browser.close() };
  } catch (error) {
    await browser.close();
    throw error;
  }
}
