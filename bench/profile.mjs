// CPU profiles of benchmark runs, for --profile. The page is opened by Chromium itself (as in a
// normal run) with a DevTools port; we attach to it with a bare DevTools connection that enables
// the Profiler and nothing else. Playwright would enable the Network domain too, and Chromium then
// reports every WebSocket frame, which changes what is measured (see bench/browser.mjs).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import WebSocket from 'ws';

/** A minimal DevTools protocol client on one target's WebSocket. */
class DevTools {
  static async attach(webSocketUrl) {
    const socket = new WebSocket(webSocketUrl, { perMessageDeflate: false, maxPayload: 1 << 30 });
    await new Promise((ok, bad) => {
      socket.once('open', ok);
      socket.once('error', bad);
    });
    return new DevTools(socket);
  }

  constructor(socket) {
    this.socket = socket;
    this.nextId = 1;
    this.waiting = new Map();
    socket.on('message', (data) => {
      const message = JSON.parse(data);
      const pending = this.waiting.get(message.id);
      if (!pending) return;
      this.waiting.delete(message.id);
      if (message.error) pending.bad(new Error(`${pending.method}: ${message.error.message}`));
      else pending.ok(message.result);
    });
  }

  send(method, params = {}) {
    const id = this.nextId++;
    return new Promise((ok, bad) => {
      this.waiting.set(id, { ok, bad, method });
      this.socket.send(JSON.stringify({ id, method, params }));
    });
  }

  close() {
    this.socket.close();
  }
}

/** Attaches to the page at `pageUrl` in the Chromium whose profile directory is `profileDir`. */
export async function attachToPage(profileDir, pageUrl) {
  // Chromium writes its DevTools port into the profile directory once it listens.
  let port;
  for (let i = 0; i < 100 && !port; i++) {
    const text = await readFile(join(profileDir, 'DevToolsActivePort'), 'utf8').catch(() => '');
    port = text.split('\n')[0];
    if (!port) await new Promise((ok) => setTimeout(ok, 100));
  }
  if (!port) throw new Error('Chromium did not open its DevTools port within 10 s');
  const targets = await (await fetch(`http://127.0.0.1:${port}/json/list`)).json();
  const page = targets.find((target) => target.type === 'page' && target.url.startsWith(pageUrl));
  if (!page) throw new Error(`no page at ${pageUrl} among Chromium's targets`);
  return DevTools.attach(page.webSocketDebuggerUrl);
}

/** Runs `during()` under V8's sampling profiler; resolves to the profile (.cpuprofile format). */
export async function profile(devtools, during) {
  await devtools.send('Profiler.enable');
  await devtools.send('Profiler.setSamplingInterval', { interval: 200 });
  await devtools.send('Profiler.start');
  let result;
  try {
    await during();
  } finally {
    ({ profile: result } = await devtools.send('Profiler.stop'));
    await devtools.send('Profiler.disable');
  }
  return result;
}

/** A Rust function's name without its hash: `...::WsClient::drain::h0123456789abcdef` -> `...::WsClient::drain`. */
function withoutHash(name) {
  return name.replace(/::h[0-9a-f]{16}$/, '');
}

/** Where a frame's code comes from: the page's files by name, wasm, or V8's own buckets. */
function origin(frame) {
  if (!frame.url) return frame.functionName.startsWith('(') ? frame.functionName : '(native)';
  const path = new URL(frame.url).pathname;
  // qoscope's build is served under /lean/ (and a second one under /compare/), wasm-bindgen's
  // inline JavaScript under its snippets/.
  const build = path.startsWith('/compare/') ? 'compare' : 'qoscope';
  if (path.endsWith('.wasm')) return `${build} wasm`;
  if (path.startsWith('/lean/') || path.startsWith('/compare/')) return `${build} JS glue`;
  return { '/mqtt.min.js': 'MQTT.js', '/ceiling.js': 'ceiling', '/page.js': 'bench page' }[path] ?? path;
}

/**
 * Self time by origin and by function, idle excluded: `{ busyMs, origins: [{ name, ms, share }],
 * functions: [{ name, origin, ms, share }] }`, largest first.
 */
export function summarize(cpuProfile) {
  const nodes = new Map(cpuProfile.nodes.map((node) => [node.id, node]));
  const self = new Map();
  cpuProfile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (cpuProfile.timeDeltas[i + 1] ?? 0)));
  const byOrigin = new Map();
  const byFunction = new Map();
  let busy = 0;
  for (const [id, micros] of self) {
    const frame = nodes.get(id).callFrame;
    if (frame.functionName === '(idle)') continue;
    busy += micros;
    const where = origin(frame);
    byOrigin.set(where, (byOrigin.get(where) ?? 0) + micros);
    const name = withoutHash(frame.functionName) || '(anonymous)';
    const key = `${where}\u0000${name}`;
    byFunction.set(key, (byFunction.get(key) ?? 0) + micros);
  }
  const rows = (map, make) => [...map]
    .sort((a, b) => b[1] - a[1])
    .map(([key, micros]) => ({ ...make(key), ms: micros / 1000, share: micros / busy }));
  return {
    busyMs: busy / 1000,
    origins: rows(byOrigin, (name) => ({ name })),
    functions: rows(byFunction, (key) => {
      const [where, name] = key.split('\u0000');
      return { name, origin: where };
    }),
  };
}

export function printSummary(title, summary, top = 12) {
  const pct = (share) => `${(share * 100).toFixed(1).padStart(5)}%`;
  console.log(`\n${title}: ${summary.busyMs.toFixed(0)} ms busy on the page's main thread`);
  console.log(`  by origin: ${summary.origins.slice(0, 8).map((o) => `${o.name} ${pct(o.share).trim()}`).join(', ')}`);
  for (const f of summary.functions.slice(0, top)) {
    const name = f.name.length > 90 ? `${f.name.slice(0, 87)}...` : f.name;
    console.log(`  ${pct(f.share)}  ${f.origin.padEnd(20)} ${name}`);
  }
}
