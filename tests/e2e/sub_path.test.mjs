// dist/ hosted under a sub-path (https://example.org/tools/qoscope/ style), unchanged: every URL
// the page, its scripts, its manifest and its links use is relative, so the app starts, the
// simulated broker runs and a lesson opens by its link. The server answers nothing outside the
// sub-path, so an absolute URL anywhere would fail to load. No broker is needed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { eventually, showView, withApp } from './support/browser.mjs';
import { useApp } from './support/suite.mjs';

const BASE = '/tools/qoscope/';
const app = useApp({ base: BASE });

/** Every URL the page has loaded (the page, its resources, the service worker's script). */
const loadedUrls = (page) => page.evaluate(async () => {
  const registration = await navigator.serviceWorker.ready;
  return [
    location.href,
    ...performance.getEntriesByType('resource').map((entry) => entry.name),
    registration.active.scriptURL,
  ];
});

/** The diagram's delivered arrows by kind. */
const delivered = (page, diagram) => page.$$eval(`${diagram} g.arrow[data-fate="delivered"]`,
  (groups) => groups.map((g) => g.dataset.kind));

test('under a sub-path the app starts, loads everything from there, and the simulated broker runs', { timeout: 60_000 }, (t) =>
  withApp(t, app.browser, app.server.url, async ({ page, errors }) => {
    assert.ok(app.server.url.endsWith(BASE), app.server.url);
    await eventually('the clients are subscribed', async () => (await delivered(page, '#sequence-diagram')).includes('suback'));
    await page.click('#publish-qos2');
    await eventually('the QoS 2 exchange completes on both hops', async () => {
      const kinds = await delivered(page, '#sequence-diagram');
      return kinds.filter((kind) => kind === 'pubcomp').length >= 2;
    }, { timeout: 15_000 });

    const urls = await loadedUrls(page);
    const outside = urls.filter((url) => !url.startsWith(app.server.url) && !url.startsWith('blob:'));
    assert.deepEqual(outside, [], 'every file comes from under the sub-path');
    assert.ok(urls.includes(`${app.server.url}service-worker.js`), urls.join('\n'));
    const manifest = await page.evaluate(async () => {
      const link = document.querySelector('link[rel="manifest"]');
      const response = await fetch(link.href);
      return { url: response.url, ok: response.ok, body: await response.json() };
    });
    assert.equal(manifest.url, `${app.server.url}manifest.webmanifest`);
    assert.equal(new URL(manifest.body.start_url, manifest.url).href, app.server.url);
    assert.equal(new URL(manifest.body.scope, manifest.url).href, app.server.url);
    assert.deepEqual(errors, []);
  }));

test('under a sub-path a lesson opens from its link, and the address without its final "/" works', { timeout: 60_000 }, (t) =>
  withApp(t, app.browser, app.server.url.slice(0, -1), async ({ page, errors }) => {
    assert.equal(page.url().split('#')[0], app.server.url, 'redirected to the directory');
    await showView(page, 'lessons');
    await page.click('#lesson-qos1-lost-puback');
    const href = await page.getAttribute('#lesson-link', 'href');
    assert.equal(href, '#/lessons/qos1-lost-puback');
    // The link, opened afresh, loads the page at the sub-path with the lesson.
    await page.goto('about:blank');
    await page.goto(new URL(href, app.server.url).href);
    await page.waitForSelector('body[data-app-ready="true"]', { state: 'attached' });
    assert.equal(page.url(), `${app.server.url}#/lessons/qos1-lost-puback`);
    assert.equal(await page.textContent('#lesson-title'), 'QoS 1: a lost PUBACK');
    await page.selectOption('#lesson-speed', '10');
    await eventually('the lesson runs to its checked outcome', async () =>
      (await page.getAttribute('#lesson-outcome', 'data-verified')) === 'true', { timeout: 30_000 });
    assert.ok((await delivered(page, '#lesson-diagram')).includes('puback'));
    assert.deepEqual(errors, []);
  }));
