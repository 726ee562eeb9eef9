// The benchmark page's server, in-process on a free loopback port. It serves
//   /             bench/page.html (and the rest of bench/ by name)
//   /lean/...     dist-lean/, qoscope's lean build
//   /compare/...  another lean build to compare with (if there is one)
//   /mqtt.min.js  MQTT.js's browser bundle from node_modules
// and hands the page its runs: the page asks GET /next for a run (held until there is one) and
// posts each result to POST /result. So no driver talks to the page while it runs: nothing but the
// page's own clock is involved in a measurement, and the page needs no DevTools connection at all.
// The page posts POST /mark ("start", "end") around the timed part of a run; the server answers
// once it has taken `mark()` (bench/run.mjs samples Chromium's CPU time) and adds what it took to
// the run's result as `marks`.
import { createServer } from 'node:http';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname, join, resolve, sep } from 'node:path';

const CONTENT_TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
};

/**
 * Makes the page cross-origin isolated, which gives it performance.now() to 5 us instead of 100 us:
 * the latency runs time sub-millisecond round trips. Everything the page loads is from here.
 */
const CROSS_ORIGIN_ISOLATED = {
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-embedder-policy': 'require-corp',
};

/** `?compare&listenerTime`, with the names whose values are set; empty with none. */
function query(flags) {
  const names = Object.keys(flags).filter((name) => flags[name]);
  return names.length ? `?${names.join('&')}` : '';
}

/**
 * Resolves to `{ url, run(job, timeoutMs), firstRequest, firstError, errors, close() }`. `mark()`
 * is taken at each POST /mark (see above). With `listenerTime` the page times its WebSocket
 * message listeners (bench/page.html).
 */
export async function startServer(
  { benchDir, leanDir, compareDir, mqttjsBundle },
  { mark = () => null, listenerTime = false } = {},
) {
  const mounts = [['/lean/', leanDir], ['/compare/', compareDir], ['/', benchDir]];
  const fileFor = (path) => {
    if (path === '/') return join(benchDir, 'page.html');
    if (path === '/mqtt.min.js') return mqttjsBundle;
    const [prefix, dir] = mounts.find(([prefix, dir]) => dir && path.startsWith(prefix)) ?? [];
    if (!dir) return null;
    const file = resolve(dir, path.slice(prefix.length));
    return file.startsWith(dir + sep) && existsSync(file) && statSync(file).isFile() ? file : null;
  };

  // The run the page has not fetched yet, the page's pending GET /next, and who awaits the result.
  let queued = null;
  let waitingPage = null;
  let awaitingResult = null;
  /** What `mark()` gave at each mark of the run in progress, by name. */
  let marks = {};
  /** Errors the page reported (uncaught exceptions, unhandled rejections). */
  const errors = [];
  let pageFailed;
  /** Resolves with the first error the page reports. */
  const firstError = new Promise((ok) => {
    pageFailed = ok;
  });
  let pageAsked;
  /** Resolves when the page first asks for a run: it has loaded. */
  const firstRequest = new Promise((ok) => {
    pageAsked = ok;
  });

  const hand = (job) => {
    waitingPage.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    waitingPage.end(JSON.stringify(job));
    waitingPage = null;
  };

  const readBody = (req) => new Promise((ok, bad) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => ok(body));
    req.on('error', bad);
  });

  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://localhost').pathname);
    if (req.method === 'GET' && path === '/next') {
      pageAsked();
      waitingPage = res;
      if (queued) {
        const job = queued;
        queued = null;
        hand(job);
      }
      return;
    }
    if (req.method === 'POST' && (path === '/result' || path === '/error' || path === '/mark')) {
      const body = await readBody(req);
      if (path === '/mark') marks[body] = mark();
      res.writeHead(204).end();
      if (path === '/error') {
        errors.push(body);
        pageFailed(body);
      } else if (path === '/result' && awaitingResult) {
        awaitingResult({ ...JSON.parse(body), marks });
      }
      return;
    }
    const file = req.method === 'GET' ? fileFor(path) : null;
    if (!file) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, {
      'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
      'cache-control': 'no-store',
      ...CROSS_ORIGIN_ISOLATED,
    });
    res.end(readFileSync(file));
  });
  await new Promise((ok, bad) => {
    server.once('error', bad);
    server.listen(0, '127.0.0.1', ok);
  });

  return {
    url: `http://127.0.0.1:${server.address().port}/${query({ compare: compareDir, listenerTime })}`,
    firstRequest,
    firstError,
    errors,

    /**
     * Gives `job` to the page and resolves with its result, or rejects if none comes within
     * `timeoutMs` (the page times out its own runs well before that). `{ done: true }` tells the
     * page to stop asking.
     */
    run(job, timeoutMs) {
      return new Promise((ok, bad) => {
        const timer = setTimeout(() => {
          awaitingResult = null;
          bad(new Error(`the page gave no result within ${Math.round(timeoutMs / 1000)} s for ${JSON.stringify(job)}`));
        }, timeoutMs);
        awaitingResult = (result) => {
          clearTimeout(timer);
          awaitingResult = null;
          ok(result);
        };
        marks = {};
        if (waitingPage) hand(job);
        else queued = job;
        if (job.done) awaitingResult(null);
      });
    },

    close: () => new Promise((ok) => {
      server.closeAllConnections();
      server.close(() => ok());
    }),
  };
}
