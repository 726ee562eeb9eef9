// Offline after one visit: the service worker caches the build (dist/service-worker.js, written by
// scripts/lib/post-build.mjs), the page is installable, and with the browser offline and the
// server gone a reload still opens the app and runs a lesson to its end. A new build replaces the
// old one's cache. Served under a sub-path, as a school's site might host it.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serveDist } from './support/server.mjs';
import { DIST_DIR, ROOT, eventually, launchBrowser, saveScreenshot, withApp } from './support/browser.mjs';
import { brokerUrl } from './support/suite.mjs';
import { writeServiceWorker } from '../../scripts/lib/service-worker.mjs';

const BASE = '/classroom/qoscope/';
const BROKER_URL = brokerUrl();

/** The BUILD line that scripts/lib/service-worker.mjs put at the top of `dir`/service-worker.js. */
async function buildOf(dir) {
  const first = (await readFile(join(dir, 'service-worker.js'), 'utf8')).split('\n')[0];
  const match = /^const BUILD = (\{.*\});$/.exec(first);
  assert.ok(match, `service-worker.js starts with its BUILD line, not: ${first.slice(0, 80)}`);
  return JSON.parse(match[1]);
}

/** Waits until the service worker controls `page`; returns the origin's cache names. */
async function whenControlled(page) {
  await page.evaluate(() => navigator.serviceWorker.ready);
  await eventually('the service worker controls the page',
    () => page.evaluate(() => navigator.serviceWorker.controller !== null));
  return page.evaluate(() => caches.keys());
}

/** The cached URLs, relative to `appUrl`, sorted. */
const cachedFiles = (page, name, appUrl) => page.evaluate(async ([name, appUrl]) => {
  const requests = await (await caches.open(name)).keys();
  return requests.map((request) => request.url.slice(appUrl.length)).sort();
}, [name, appUrl]);

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

test('after one visit the app is installable, and offline with the server gone it runs a lesson to its end', { timeout: 120_000 }, async (t) => {
  const server = await serveDist(DIST_DIR, { base: BASE });
  const build = await buildOf(DIST_DIR);
  const cacheName = `qoscope ${server.url} ${build.version}`;
  try {
    await withApp(t, browser, server.url, async ({ context, page, errors }) => {
      assert.deepEqual(await whenControlled(page), [cacheName]);
      assert.deepEqual(await cachedFiles(page, cacheName, server.url), build.files);
      assert.ok(build.files.includes('index.html') && build.files.some((file) => file.endsWith('.wasm')));
      // Chromium's own verdict. It always adds 'in-incognito' for a Playwright context (which
      // is one) and lists every other reason beside it (a missing icon, no service worker...).
      const cdp = await context.newCDPSession(page);
      const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
      assert.deepEqual(installabilityErrors.filter((error) => error.errorId !== 'in-incognito'), [], 'Chromium can install the app');
      const { errors: manifestErrors, manifest } = await cdp.send('Page.getAppManifest');
      assert.deepEqual(manifestErrors, []);
      assert.equal(manifest.startUrl, server.url);
      assert.equal(manifest.scope, server.url);

      // While it is controlled: a live WebSocket session, and a request for a file that is not
      // part of the build. Neither is answered or kept by the service worker.
      const echoed = await page.evaluate(async ([url, topic]) => {
        const client = await window.qoscope.connectAsync(url, { protocolVersion: 5 });
        const got = new Promise((resolve) => client.on('message', (_, payload) => resolve(new TextDecoder().decode(payload))));
        await client.subscribeAsync(topic, { qos: 1 });
        await client.publishAsync(topic, 'through no service worker', { qos: 1 });
        const text = await got;
        await client.endAsync();
        return text;
      }, [BROKER_URL, `qoscope-offline/${Date.now()}`]);
      assert.equal(echoed, 'through no service worker');
      // The server answers an extension-less path with its index.html; the worker leaves it to it.
      const source = async (path) => {
        const [response] = await Promise.all([
          page.waitForResponse((r) => r.url() === `${server.url}${path}`),
          page.evaluate((path) => fetch(path).then((r) => r.status), path),
        ]);
        return response.fromServiceWorker() ? 'service worker' : 'network';
      };
      assert.equal(await source('not-in-the-build'), 'network');
      assert.equal(await source('manifest.webmanifest'), 'service worker');
      assert.deepEqual(await cachedFiles(page, cacheName, server.url), build.files, 'nothing stored at run time');

      await server.close();
      await context.setOffline(true);
      const response = await page.goto(`${server.url}?lesson=qos2-lost-pubrec`);
      assert.ok(response.fromServiceWorker(), 'the page came from the service worker');
      await page.waitForSelector('body[data-app-ready="true"]', { state: 'attached', timeout: 20_000 });
      assert.equal(await page.textContent('#lesson-title'), 'QoS 2: a lost PUBREC');
      await page.selectOption('#lesson-speed', '10');
      await eventually('the lesson runs to its checked outcome', async () =>
        (await page.getAttribute('#lesson-outcome', 'data-verified')) === 'true', { timeout: 30_000 });
      assert.match(await page.textContent('#lesson-status'), /Finished/);
      assert.match(await page.textContent('#lesson-narration'), /MQTT-4\.3\.3-10/);
      await saveScreenshot(page.locator('section.lessons'), 'offline-lesson');
      assert.deepEqual(errors, []);
    });
  } finally {
    await server.close();
  }
});

test('a new build replaces the cached one: a new service worker, the old cache deleted', { timeout: 120_000 }, async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'qoscope-offline-'));
  await cp(DIST_DIR, dir, { recursive: true });
  const server = await serveDist(dir, { base: BASE });
  try {
    await withApp(t, browser, server.url, async ({ context, page, errors }) => {
      const first = await buildOf(dir);
      assert.deepEqual(await whenControlled(page), [`qoscope ${server.url} ${first.version}`]);

      // The next build: a changed page, and the service worker written for it as Trunk's hook does.
      const html = await readFile(join(dir, 'index.html'), 'utf8');
      await writeFile(join(dir, 'index.html'), html.replace('<title>', '<meta name="qoscope-build" content="next" /><title>'));
      const next = await writeServiceWorker(dir, join(ROOT, 'js', 'service_worker.js'));
      assert.notEqual(next.version, first.version);
      await page.evaluate(async () => (await navigator.serviceWorker.getRegistration()).update());
      await eventually('only the new build is cached', async () =>
        JSON.stringify(await page.evaluate(() => caches.keys())) === JSON.stringify([`qoscope ${server.url} ${next.version}`]));

      await server.close();
      await context.setOffline(true);
      await page.reload();
      await page.waitForSelector('body[data-app-ready="true"]', { state: 'attached', timeout: 20_000 });
      assert.equal(await page.getAttribute('meta[name="qoscope-build"]', 'content'), 'next', 'the new build\'s page, offline');
      assert.deepEqual(errors, []);
    });
  } finally {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  }
});
