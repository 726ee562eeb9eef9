// The app's service worker: it keeps one build of the app (its page, wasm, scripts, style,
// manifest and icons) in a cache, so that after one visit the app opens and runs with no network,
// for a classroom with poor Wi-Fi. The simulated broker and the lessons need nothing else.
//
// scripts/lib/service-worker.mjs writes dist/service-worker.js at build time: this file after
//   const BUILD = { version: "<hash of the build's files>", files: ["index.html", ...] };
// (paths relative to this worker). A new build has a new version, so the browser sees a changed
// worker and installs it; its activation deletes the caches of older builds.
//
// What it answers: GET requests of this origin for a file of the build (from the cache, since
// Trunk names each by the hash of its content), and navigations to the app's page (from the
// network while it answers, else the cached page, which ignores the query: ?lesson=... still
// opens). Nothing else is touched: other origins and other paths go to the network as if there
// were no worker, and nothing is stored at run time. WebSocket connections never pass through a
// service worker.
/* global BUILD */

/** The app's directory: this worker's URL without its file name. */
const APP_DIR = new URL('./', self.location.href);
/** Caches of this deployment (an origin may host several, at different paths) start with this. */
const CACHE_PREFIX = `qoscope ${APP_DIR.href} `;
const CACHE = `${CACHE_PREFIX}${BUILD.version}`;
const FILES = new Set(BUILD.files.map((file) => new URL(file, APP_DIR).href));
const PAGE = new URL('index.html', APP_DIR).href;
/** How long a navigation waits for the network before the cached page answers instead. */
const NETWORK_PATIENCE_MS = 3000;

self.addEventListener('install', (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    // 'no-cache': each file is revalidated with the server, so the HTTP cache can never hand an
    // older build's file to this build's cache, and a file it already holds is not sent again.
    await cache.addAll([...FILES].map((url) => new Request(url, { cache: 'no-cache' })));
    // The new build takes over at once; the page loads every file of its own build up front.
    await self.skipWaiting();
  })());
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith(CACHE_PREFIX) && name !== CACHE) await caches.delete(name);
    }
    // Serve the page that registered this worker from now on, not only after its next load.
    await self.clients.claim();
  })());
});

self.addEventListener('fetch', (event) => {
  const { request } = event;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== APP_DIR.origin) return;
  if (request.mode === 'navigate') {
    if (url.pathname === APP_DIR.pathname || url.href.split(/[?#]/)[0] === PAGE) {
      event.respondWith(page(request));
    }
  } else if (FILES.has(url.href)) {
    event.respondWith(file(request));
  }
});

/** A file of the build: the cached copy, or the network if the cache has lost it. */
async function file(request) {
  return (await caches.match(request, { cacheName: CACHE })) ?? fetch(request);
}

/** The app's page: the network's if it answers well and in time, else the cached one. */
async function page(request) {
  const network = fetch(request);
  let timer;
  const patience = new Promise((resolve) => {
    timer = setTimeout(() => resolve(null), NETWORK_PATIENCE_MS);
  });
  try {
    const response = await Promise.race([network, patience]);
    if (response?.ok) return response;
  } catch {
    // Offline or the server is gone: the cached page below.
  } finally {
    clearTimeout(timer);
  }
  return (await caches.match(PAGE, { cacheName: CACHE })) ?? network;
}
