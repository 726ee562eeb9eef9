// The page's views and their addresses (src/route.rs): each view opens from its own URL, Back and
// Forward move between views, a lesson step, the decoder's bytes and the check's settings (never
// its credentials, but the negative tests' choice) are in the address; and the effective QoS is on the diagram itself, with no
// label reaching outside a diagram.
//   trunk build --release && scripts/lib/mosquitto.sh node --test tests/e2e/views.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { eventually, saveScreenshot, showView, textsOutsideViewBox, withApp } from './support/browser.mjs';
import { brokerUrl, useApp } from './support/suite.mjs';

const app = useApp();
const TIMEOUT = { timeout: 60_000 };

/** Open the page at `hash` (`#/lessons`) and run `fn`. */
const at = (t, hash, fn, options) => withApp(t, app.browser, `${app.server.url}${hash}`, fn, options);

const shownView = (page) => page.getAttribute('main', 'data-view');
const currentNav = (page) => page.$eval('nav.sections a[aria-current="page"]', (a) => a.id);

test('each view opens from its own address, and says which it is', TIMEOUT, async (t) => {
  for (const [hash, view, visible] of [
    ['#/', 'workbench', '#sequence-diagram'],
    ['#/lessons', 'lessons', '#lesson-diagram'],
    ['#/decode', 'decode', '#hex-input'],
    ['#/probe', 'probe', '#probe-url'],
    ['#/check', 'check', '#check-run'],
  ]) {
    await at(t, hash, async ({ page, errors }) => {
      assert.equal(await shownView(page), view, hash);
      assert.equal(await currentNav(page), `nav-${view}`, hash);
      assert.ok(await page.isVisible(visible), `${visible} shows at ${hash}`);
      // Only one view is shown at a time.
      assert.equal(await page.locator('main > .view:not([hidden])').count(), 1, hash);
      assert.deepEqual(errors, [], hash);
    });
  }
});

test('an address no view has says so and shows the workbench', TIMEOUT, (t) =>
  at(t, '#/nowhere', async ({ page }) => {
    assert.equal(await shownView(page), 'workbench');
    assert.match(await page.textContent('#unknown-view'), /No view at \/nowhere/);
  }));

test('a lesson address that names no lesson says so and opens free play', TIMEOUT, (t) =>
  at(t, '#/lessons/no-such-lesson', async ({ page }) => {
    assert.equal(await shownView(page), 'lessons');
    assert.match(await page.textContent('#lesson-link-problem'), /No lesson is called "no-such-lesson"/);
    assert.equal(await page.textContent('#lesson-title'), 'Free play');
  }));

test('Back and Forward move between the views that were opened', TIMEOUT, (t) =>
  at(t, '#/', async ({ page }) => {
    await showView(page, 'lessons');
    await page.click('#lesson-qos1-lost-puback');
    await eventually('the lesson is in the address', async () => new URL(page.url()).hash === '#/lessons/qos1-lost-puback');
    await showView(page, 'decode');
    await showView(page, 'check');
    assert.equal(await page.title(), 'Check a broker · qoscope');

    await page.goBack();
    await eventually('back to the decoder', async () => (await shownView(page)) === 'decode');
    await page.goBack();
    await eventually('back to the lesson', async () => (await shownView(page)) === 'lessons');
    assert.equal(await page.textContent('#lesson-title'), 'QoS 1: a lost PUBACK');
    await page.goBack();
    await eventually('back to free play', async () => new URL(page.url()).hash === '#/lessons');
    await eventually('free play is shown', async () => (await page.textContent('#lesson-title')) === 'Free play');
    await page.goBack();
    await eventually('back to the workbench', async () => (await shownView(page)) === 'workbench');
    await page.goForward();
    await page.goForward();
    await eventually('forward to the lesson again', async () =>
      (await shownView(page)) === 'lessons' && (await page.textContent('#lesson-title')) === 'QoS 1: a lost PUBACK');
    // The header's link to a view returns to where it was left.
    await showView(page, 'workbench');
    assert.equal(await page.getAttribute('#nav-lessons', 'href'), '#/lessons/qos1-lost-puback');
  }));

test('a lesson step has an address: the lesson runs through to it and stops there', TIMEOUT, (t) =>
  at(t, '#/lessons/qos1-lost-puback/2', async ({ page }) => {
    assert.equal(await page.textContent('#lesson-title'), 'QoS 1: a lost PUBACK');
    assert.match(await page.textContent('#lesson-status'), /^Stopped at step 2 of \d+$/);
    assert.equal(await page.getAttribute('#lesson-narration li[data-step="1"]', 'aria-current'), 'step');
    assert.equal(await page.getAttribute('#lesson-link', 'href'), '#/lessons/qos1-lost-puback/2');
    // The first step's exchange is drawn: both clients connected and subscribed.
    await eventually('the SUBACK of the first step', async () =>
      (await page.locator('#lesson-diagram g.arrow[data-kind="suback"]').count()) > 0, { timeout: 15_000 });
  }));

test('the decoder opens with the bytes in its address, and typing keeps the address current', TIMEOUT, (t) =>
  at(t, '#/decode?bytes=30070003612f626869&version=3.1.1', async ({ page }) => {
    assert.equal(await page.inputValue('#hex-input'), '30 07 00 03 61 2F 62 68 69');
    assert.match(await page.textContent('#hex-summary'), /^PUBLISH .*"a\/b"/);
    await page.fill('#hex-input', 'C0 00');
    await eventually('the address holds the new bytes', async () =>
      new URL(page.url()).hash === '#/decode?bytes=c000&version=3.1.1');
    assert.match(await page.textContent('#hex-summary'), /PINGREQ/);
  }));

test('the check opens with its target and options from the address, and a run writes them back without credentials', TIMEOUT, (t) =>
  at(t, `#/check?target=${encodeURIComponent(brokerUrl())}&version=5.0&topics=lab%2Fviews&heavy=0&negative=0`, async ({ page }) => {
    assert.ok(await page.isChecked('#check-target-url'));
    assert.equal(await page.inputValue('#check-url'), brokerUrl());
    assert.equal(await page.inputValue('#check-versions'), '5.0');
    assert.equal(await page.inputValue('#check-topic-root'), 'lab/views');
    assert.equal(await page.isChecked('#check-heavy'), false);
    assert.equal(await page.isChecked('#check-negative'), false, 'the address turns the negative tests off on loopback');
    await page.fill('#check-username', 'alice');
    await page.fill('#check-password', 'secret');
    await page.click('#check-run');
    const hash = decodeURIComponent(new URL(page.url()).hash);
    assert.equal(hash, `#/check?target=${brokerUrl()}&version=5.0&topics=lab/views&heavy=0&negative=0`);
    assert.ok(!/alice|secret/.test(page.url()), page.url());
  }));

test('in a lesson, the downgrade is marked on the delivered PUBLISH and explained on hover', TIMEOUT, (t) =>
  at(t, '#/lessons/downgrade-2-to-1/3', async ({ page }) => {
    const mark = page.locator('#lesson-diagram .arrow-mark--downgraded');
    await mark.first().waitFor({ timeout: 15_000 });
    assert.equal(await mark.first().textContent(), 'QoS 2→1 (granted 1)');
    const title = await page.locator('#lesson-diagram g.arrow:has(.arrow-mark--downgraded) > title').first().textContent();
    assert.match(title, /Delivered at QoS 1 = min\(publish 2, granted 1, server Maximum QoS\) = 1/);
    assert.deepEqual(await textsOutsideViewBox(page, '#lesson-diagram'), []);
  }));

test('a check opened from its address with a fault runs it, and the broker bug is marked on the arrow', { timeout: 120_000 }, (t) =>
  at(t, '#/check?target=simulated&fault=delivers+at+the+publish+QoS&version=5.0&heavy=0', async ({ page }) => {
    assert.ok(await page.isChecked('#check-target-sim'));
    assert.ok(await page.isChecked('#check-fault-DeliversAtPublishQos'));
    await page.click('#check-run');
    await eventually('the run finishes', async () =>
      (await page.getAttribute('#check-summary', 'data-done')) === 'true', { timeout: 90_000 });
    const failed = await page.$$eval('li[data-verdict="fail"]', (rows) => rows.map((row) => row.dataset.check));
    assert.ok(failed.length > 0, 'the fault fails a check');
    let bugs = [];
    for (const key of failed) {
      await page.click(`li[data-check="${key}"] button.check-row`);
      const diagram = `[id="diagram-${key}"]`;
      await page.locator(diagram).waitFor();
      bugs = await page.locator(`${diagram} .arrow-mark--bug`).allTextContents();
      assert.deepEqual(await textsOutsideViewBox(page, diagram), [], key);
      if (bugs.length > 0) break;
    }
    assert.ok(bugs.some((text) => /^✕ broker bug: QoS \d, expected \d/.test(text)), `marks: ${bugs.join(' | ')} in ${failed.join(', ')}`);
  }));

test('on the workbench, run all nine marks each delivery on its arrow; no label leaves the diagram', { timeout: 90_000 }, (t) =>
  at(t, '#/', async ({ page }) => {
    await eventually('both clients are ready', async () =>
      (await page.$$('#sequence-diagram g.arrow[data-kind="suback"][data-fate="delivered"]')).length > 0);
    await page.click('#run-all-nine');
    await eventually('the nine deliveries are drawn', async () =>
      (await page.locator('#sequence-diagram .arrow-mark--downgraded').count()) >= 2, { timeout: 30_000 });
    const marks = await page.locator('#sequence-diagram .arrow-mark').allTextContents();
    assert.ok(marks.some((text) => /^QoS 2→[01] \(granted [01]\)$/.test(text)), marks.join('\n'));
    const downgraded = page.locator('#sequence-diagram g.arrow:has(.arrow-mark--downgraded)').last();
    await downgraded.click();
    await page.locator('#inspector-delivery').waitFor();
    assert.match(await page.textContent('#inspector-delivery'), /min\(publish 2, granted [01], server Maximum QoS\)/);
    assert.deepEqual(await textsOutsideViewBox(page, '#sequence-diagram'), []);
    // Whatever is shortened keeps its whole label for the tooltip and the inspector.
    for (const shortened of await page.locator('#sequence-diagram g.arrow[data-shortened]').all()) {
      const [drawn, whole] = await shortened.evaluate((g) => [g.querySelector('.arrow-label').textContent, g.dataset.label]);
      assert.ok(drawn.endsWith('…') && whole.startsWith(drawn.slice(0, -1)), `${drawn} / ${whole}`);
    }
  }));

for (const [width, height] of [[1280, 800], [390, 844]]) {
  for (const colorScheme of ['light', 'dark']) {
    test(`the workbench at ${width}×${height}, ${colorScheme}: ${width > 900 ? 'header on one line; diagram, publish controls, clients and effective QoS on the first screen' : 'header on two lines, nothing pushing the page sideways'}`, TIMEOUT, (t) =>
      at(t, '#/', async ({ page }) => {
        await page.emulateMedia({ colorScheme });
        await eventually('the first exchange is drawn', async () =>
          (await page.$$('#sequence-diagram g.arrow[data-kind="suback"]')).length > 0);
        await page.click('#publish-qos2');
        await page.locator('#sequence-diagram .arrow-mark').first().waitFor();
        const box = async (selector) => page.locator(selector).first().boundingBox();
        const header = await box('header.top');
        const nav = await box('nav.sections');
        const language = await box('#language');
        if (width > 900) {
          // One line: the views and the language switch share the header's only row.
          assert.ok(Math.abs((nav.y + nav.height / 2) - (language.y + language.height / 2)) < 8, JSON.stringify({ nav, language }));
          assert.ok(header.height < 70, `header ${header.height} px high`);
          for (const selector of ['#publish-qos2', '#sequence-diagram', '#effective-qos-title', '#clients-title']) {
            const shown = await box(selector);
            assert.ok(shown.y < height - 40, `${selector} starts at ${shown.y}, below the first screen`);
          }
          const diagram = await box('#sequence-diagram');
          const side = await box('#effective-qos-title');
          assert.ok(side.x > diagram.x + diagram.width - 1, 'the effective QoS is beside the diagram');
        } else {
          assert.ok(nav.y > language.y + language.height - 1, 'the views wrap below the brand and settings');
          assert.ok(header.height < 130, `header ${header.height} px high`);
          assert.equal(await page.evaluate(() => document.documentElement.scrollWidth), width, 'nothing pushes the page sideways');
        }
        t.diagnostic(`screenshot: ${await saveScreenshot(page, `workbench-${width}x${height}-${colorScheme}`)}`);
      }, { viewport: { width, height } }));
  }
}
