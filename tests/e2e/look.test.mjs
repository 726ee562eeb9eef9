// How every view looks: the workbench after a QoS 2 flow, a lesson part way through, a lesson
// asking "what happens next?", the decoder with a packet, the probe after a CONNECT to Mosquitto
// and the check after a run against a faulty simulated broker with its failing check opened, each
// at 1280×800 and 390×844, light and dark, English and Chinese. Each is saved as
// target/e2e-artifacts/look/<view>-<width>-<theme>-<lang>.png and checked for what holds on any
// view: nothing wider than the window, the header on one line on a desktop, no element over the
// header, no label of a diagram outside its viewBox, no id on two elements; and axe-core finds nothing serious or
// critical (its summary in target/e2e-artifacts/look/axe.json).
// With QOSCOPE_UPDATE_SCREENSHOTS=1 it also writes the README's screenshots (docs/screenshots/).
//   trunk build --release && scripts/lib/mosquitto.sh node --test tests/e2e/look.test.mjs
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ARTIFACTS_DIR, ROOT, eventually, textsOutsideViewBox, withApp } from './support/browser.mjs';
import { brokerUrl, useApp } from './support/suite.mjs';

const app = useApp();
const LOOK_DIR = join(ARTIFACTS_DIR, 'look');
const README_DIR = join(ROOT, 'docs', 'screenshots');
const UPDATE_README = process.env.QOSCOPE_UPDATE_SCREENSHOTS === '1';
const AXE_SOURCE = readFile(join(ROOT, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');

const SIZES = [[1280, 800], [390, 844]];
const THEMES = ['light', 'dark'];
const LANGS = ['en', 'zh'];
/** axe runs in English at both sizes and in Chinese on the desktop, in both themes: every view ×
 * theme × size once, and the Chinese texts once, keeping the file's run time short. */
const auditAxe = (lang, width) => lang === 'en' || width > 900;

/** Every axe run's result, written to look/axe.json when the file ends. */
const axeSummary = [];
after(async () => {
  await mkdir(LOOK_DIR, { recursive: true });
  await writeFile(join(LOOK_DIR, 'axe.json'), `${JSON.stringify(axeSummary, null, 2)}\n`);
});

/** Resolves after two frames, once the fonts are in: what a resize or a switch changed is laid out. */
const laidOut = (page) => page.evaluate(() => document.fonts.ready.then(() => new Promise((done) =>
  requestAnimationFrame(() => requestAnimationFrame(done)))));

/** Shows the page at `width`×`height` in `theme` and `lang`, by the header's switches. */
async function present(page, { width, height, theme, lang }) {
  await page.setViewportSize({ width, height });
  if (await page.getAttribute('html', 'data-theme') !== theme) {
    await page.selectOption('#theme', theme);
    await page.waitForSelector(`html[data-theme="${theme}"]`, { state: 'attached' });
  }
  if (!(await page.getAttribute('html', 'lang')).startsWith(lang)) {
    await page.selectOption('#language', lang);
    await page.waitForSelector(`html[lang^="${lang}"]`, { state: 'attached' });
  }
  await laidOut(page);
}

/** The elements that reach past the window's right edge without a scrolling box to hold them. */
const widerThanWindow = (page) => page.evaluate(() => {
  const clipped = (element) => {
    for (let parent = element.parentElement; parent && parent !== document.body; parent = parent.parentElement) {
      if (getComputedStyle(parent).overflowX !== 'visible') return true;
    }
    return false;
  };
  const describe = (element) => `${element.tagName.toLowerCase()}${element.id ? `#${element.id}` : ''}` +
    `${element.classList.length ? `.${[...element.classList].join('.')}` : ''}`;
  return [...document.body.querySelectorAll('*')]
    .filter((element) => element.getBoundingClientRect().right > innerWidth + 0.5 && !clipped(element))
    .slice(0, 5)
    .map((element) => `${describe(element)} (right edge ${element.getBoundingClientRect().right.toFixed(0)})`);
});

/** Points on the header, a grid of them, where something other than the header is on top. */
const overHeader = (page) => page.evaluate(() => {
  const header = document.querySelector('header.top');
  const box = header.getBoundingClientRect();
  const found = [];
  for (let x = box.left + 2; x < box.right; x += 24) {
    for (const y of [box.top + 2, box.top + box.height / 2, box.bottom - 2]) {
      const top = document.elementFromPoint(x, y);
      if (top && !header.contains(top)) found.push(`${top.tagName.toLowerCase()}${top.id ? `#${top.id}` : ''} at (${x.toFixed(0)}, ${y.toFixed(0)})`);
    }
  }
  return found;
});

/** The ids more than one element has (a label, a link or a test would find the first one only). */
const repeatedIds = (page) => page.evaluate(() => {
  const ids = [...document.querySelectorAll('[id]')].map((element) => element.id);
  return [...new Set(ids.filter((id, index) => ids.indexOf(id) !== index))];
});

/** The header's views and language switch share one row. */
async function headerOnOneLine(page) {
  const box = async (selector) => page.locator(selector).boundingBox();
  const [header, nav, language] = [await box('header.top'), await box('nav.sections'), await box('#language')];
  return Math.abs((nav.y + nav.height / 2) - (language.y + language.height / 2)) < 8 && header.height < 70;
}

/**
 * axe-core's audit of the page as shown, every rule it runs by default (WCAG 2.x A and AA and its
 * best practices). The app's CSP allows no inline script, so page.addScriptTag (an inline
 * <script>) is refused; the library's text is evaluated through the DevTools protocol instead,
 * which a page's CSP does not govern, leaving the page's own policy untouched for the audit.
 */
async function audit(page) {
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.evaluate(await AXE_SOURCE);
  return page.evaluate(async () => {
    const { violations } = await window.axe.run(document, { resultTypes: ['violations'] });
    return violations.map(({ id, impact, help, nodes }) => ({
      id, impact, help, nodes: nodes.length, targets: nodes.slice(0, 3).map((node) => node.target.join(' ')),
    }));
  });
}

const byImpact = (violations) => Object.fromEntries(['critical', 'serious', 'moderate', 'minor']
  .map((impact) => [impact, violations.filter((violation) => violation.impact === impact).length]));

/** Scrolls the page so that `selector` is at the top of the window. */
const scrollTo = (page, selector) => page.evaluate((selector) =>
  document.querySelector(selector).scrollIntoView({ behavior: 'instant' }), selector);

/** Saves a screenshot of the page (or of `element`) in the README's set, when asked to. */
async function readmeScreenshot(page, name, element) {
  if (!UPDATE_README) return;
  await mkdir(README_DIR, { recursive: true });
  await (element ?? page).screenshot({ path: join(README_DIR, `${name}.png`) });
}

/**
 * Opens `hash` once, prepares the view with `prepare`, then shows it at every size, theme and
 * language: saves each screenshot, checks what holds on any view and audits it with axe.
 * `readme` names the README screenshots it stands for, by [width, theme, lang].
 */
function lookAt(view, hash, prepare, { readme = [], show = () => {}, timeout = 120_000 } = {}) {
  test(`${view}: at every size, theme and language it fits, and axe finds nothing serious`, { timeout }, (t) =>
    withApp(t, app.browser, `${app.server.url}${hash}`, async ({ page, errors }) => {
      await prepare(page);
      await mkdir(LOOK_DIR, { recursive: true });
      const problems = [];
      for (const lang of LANGS) {
        for (const theme of THEMES) {
          for (const [width, height] of SIZES) {
            const shown = `${view}-${width}-${theme}-${lang}`;
            await present(page, { width, height, theme, lang });
            await page.evaluate(() => window.scrollTo(0, 0));
            const header = await overHeader(page);
            if (header.length > 0) problems.push(`${shown}: over the header: ${header.slice(0, 3).join(', ')}`);
            if (width > 900 && !(await headerOnOneLine(page))) problems.push(`${shown}: the header is not on one line`);
            await show(page, width);
            await laidOut(page);
            const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
            if (scrollWidth > width) {
              problems.push(`${shown}: ${scrollWidth} px wide: ${(await widerThanWindow(page)).join(', ')}`);
            }
            const repeated = await repeatedIds(page);
            if (repeated.length > 0) problems.push(`${shown}: ids on more than one element: ${repeated.join(', ')}`);
            const outside = await textsOutsideViewBox(page, 'main svg[viewBox]');
            if (outside.length > 0) problems.push(`${shown}: outside the diagram: ${outside.join(', ')}`);
            await page.screenshot({ path: join(LOOK_DIR, `${shown}.png`) });
            const named = readme.find(([w, th, l]) => w === width && th === theme && l === lang);
            if (named) await readmeScreenshot(page, named[3]);
            if (auditAxe(lang, width)) {
              const violations = await audit(page);
              axeSummary.push({ view, width, theme, lang, ...byImpact(violations), violations });
              t.diagnostic(`axe ${shown}: ${JSON.stringify(byImpact(violations))}`);
              for (const { id, impact, help, nodes, targets } of violations) {
                if (impact === 'serious' || impact === 'critical') {
                  problems.push(`${shown}: axe ${impact} ${id} (${help}) on ${nodes}: ${targets.join(' | ')}`);
                }
              }
            }
          }
        }
      }
      assert.deepEqual(problems, []);
      assert.deepEqual(errors, []);
    }));
}

/** Waits until the workbench's clients have connected and subscribed. */
const subscribed = (page) => eventually('both clients are subscribed', async () =>
  (await page.locator('#sequence-diagram g.arrow[data-kind="suback"]').count()) > 0, { timeout: 15_000 });

lookAt('workbench', '#/', async (page) => {
  await subscribed(page);
  await page.click('#publish-qos2');
  await eventually('the QoS 2 flow ends with PUBCOMP on both hops', async () =>
    (await page.locator('#sequence-diagram g.arrow[data-kind="pubcomp"]').count()) >= 2, { timeout: 15_000 });
  // The publisher's PUBLISH, chosen: the inspector shows it byte by byte.
  await page.locator('#sequence-diagram g.arrow[data-kind="publish"]').first().click();
  await page.locator('#inspector').waitFor();
}, { readme: [[1280, 'light', 'en', 'diagram-inspector']] });

lookAt('lesson', '#/lessons/qos1-lost-puback/4', async (page) => {
  await eventually('the re-sent PUBLISH with DUP', async () =>
    (await page.getAttribute('#lesson-narration li[data-step="3"]', 'aria-current')) === 'step' &&
    (await page.locator('#lesson-diagram g.arrow--dup').count()) > 0, { timeout: 20_000 });
}, {
  readme: [[1280, 'light', 'en', 'lesson'], [1280, 'dark', 'en', 'diagram-lost-puback']],
  // On a desktop, the diagram and the narration fill the window: the re-send with DUP is in it.
  show: (page, width) => width > 900 && scrollTo(page, '.lesson-stage'),
});

lookAt('lesson-quiz', '#/lessons/qos1-lost-puback?quiz=1', async (page) => {
  // The first step's questions answered (whichever choice) and the step run: the diagram has the
  // set-up, and the second step asks.
  await page.selectOption('#lesson-speed', '10');
  await eventually('the first question', async () => (await page.locator('#lesson-quiz legend').count()) > 0);
  while ((await page.locator('#quiz-run').count()) === 0) {
    await page.locator('#lesson-quiz input[type="radio"]').first().check();
    await page.click('#quiz-answer');
  }
  await page.click('#quiz-run');
  await eventually('the second step asks', async () =>
    (await page.getAttribute('#lesson-narration li[data-step="0"]', 'aria-current')) === 'step' &&
    (await page.locator('#lesson-quiz legend').count()) > 0, { timeout: 20_000 });
}, {
  readme: [[1280, 'light', 'en', 'lesson-quiz']],
  // The diagram and the question together on a desktop; the question on a phone.
  show: (page, width) => scrollTo(page, width > 900 ? '.lesson-stage' : '#lesson-quiz'),
});

// A 5.0 PUBLISH, QoS 1, on sensors/temp with a Content Type and a User Property.
lookAt('decode', '#/decode?bytes=322c000c73656e736f72732f74656d700007170300' +
  '0a746578742f706c61696e260004756e6974000143' + '32312e35&version=5.0',
  async (page) => {
    await eventually('the packet is decoded', async () =>
      /^PUBLISH/.test(await page.textContent('#hex-summary')));
  }, { readme: [[1280, 'light', 'en', 'decode']] });

lookAt('probe', '#/probe', async (page) => {
  await page.fill('#probe-url', brokerUrl());
  await page.selectOption('#probe-version', '5');
  await page.click('#probe-run');
  await page.waitForSelector('#probe-result[data-status="ok"]', { state: 'attached', timeout: 15_000 });
}, { readme: [[1280, 'light', 'en', 'probe']] });

lookAt('check', '#/check?target=simulated&fault=accepts+PUBACK+for+QoS+2&version=5.0&heavy=0', async (page) => {
  await page.click('#check-run');
  await eventually('the run finishes', async () =>
    (await page.getAttribute('#check-summary', 'data-done')) === 'true', { timeout: 90_000 });
  const failed = page.locator('li[data-verdict="fail"]').first();
  await failed.waitFor({ state: 'attached' });
  const key = await failed.getAttribute('data-check');
  await page.click(`li[data-check="${key}"] button.check-row`);
  await page.locator(`[id="diagram-${key}"]`).waitFor();
  if (UPDATE_README) {
    await present(page, { width: 1280, height: 800, theme: 'light', lang: 'en' });
    await page.selectOption('#coverage-status', 'passed');
    await readmeScreenshot(page, 'check-coverage', page.locator('#check-coverage'));
    await page.selectOption('#coverage-status', { index: 0 });
  }
}, {
  readme: [[1280, 'light', 'en', 'check-failing']],
  // The opened check, its row at the top of the window.
  show: (page) => scrollTo(page, 'li[data-verdict="fail"]'),
  timeout: 180_000,
});

test('the README\'s effective QoS: run all nine, a downgraded cell chosen', {
  skip: !UPDATE_README && 'only with QOSCOPE_UPDATE_SCREENSHOTS=1', timeout: 60_000,
}, (t) => withApp(t, app.browser, `${app.server.url}#/`, async ({ page }) => {
  await present(page, { width: 1280, height: 800, theme: 'light', lang: 'en' });
  await subscribed(page);
  await page.click('#run-all-nine');
  await eventually('all nine cells are filled', async () =>
    (await page.locator('#qos-matrix td[data-state="ok"]').count()) === 9, { timeout: 30_000 });
  await page.click('#qos-matrix td[data-publish="2"][data-granted="1"] button');
  await page.locator('#qos-matrix td.qos-matrix__cell--selected').waitFor();
  await laidOut(page);
  await readmeScreenshot(page, 'effective-qos');
}));
