// Headless Chromium (Debian's /usr/bin/chromium, driven by playwright-core) and page helpers.
import { mkdir, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const DIST_DIR = process.env.QOSCOPE_DIST_DIR ?? join(ROOT, 'dist');
export const ARTIFACTS_DIR = join(ROOT, 'target', 'e2e-artifacts');

// --no-sandbox: the tests run as root. The rest keep Chromium from phoning home (CI machines may
// have no internet) and from spending CPU on things a test never needs.
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.QOSCOPE_CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
  });
}

/** Save a PNG of `page` as target/e2e-artifacts/NAME.png and return its path. */
export async function saveScreenshot(page, name, options = {}) {
  await mkdir(ARTIFACTS_DIR, { recursive: true });
  const path = join(ARTIFACTS_DIR, `${name.replace(/[^\w.-]+/g, '_')}.png`);
  await page.screenshot({ path, ...options });
  return path;
}

/**
 * Open `url` in a fresh context and wait until the app has started (body[data-app-ready="true"]).
 * `errors` collects uncaught page errors and console errors for the whole life of the page.
 */
async function openApp(browser, url, viewport, locale, initScript, app) {
  app.context = await browser.newContext({ viewport, locale });
  app.page = await app.context.newPage();
  if (initScript) await app.page.addInitScript(initScript);
  app.page.on('pageerror', (err) => app.errors.push(`pageerror: ${err.stack ?? err.message}`));
  app.page.on('console', (msg) => {
    if (msg.type() === 'error') app.errors.push(`console.error: ${msg.text()}`);
  });
  await app.page.goto(url);
  try {
    await app.page.waitForSelector('body[data-app-ready="true"]', { state: 'attached', timeout: 20_000 });
  } catch (err) {
    throw new Error(`the app did not become ready (body[data-app-ready="true"]): ${err.message}\n` +
      `page errors so far:\n${app.errors.join('\n') || '(none)'}`);
  }
}

/**
 * Run `fn({ context, page, errors })` on a freshly opened, ready app. On failure, keep a screenshot
 * and the page's errors in target/e2e-artifacts/ (named after the test) before rethrowing. The
 * context is always closed. The browser's language is `locale`: English unless a test asks for
 * another. `initScript` (a function) runs in the page before any of its scripts.
 */
export async function withApp(t, browser, url, fn,
  { viewport = { width: 1280, height: 800 }, locale = 'en-US', initScript } = {}) {
  const app = { context: undefined, page: undefined, errors: [] };
  try {
    await openApp(browser, url, viewport, locale, initScript, app);
    return await fn(app);
  } catch (err) {
    const name = `failed-${t.name}`.replace(/[^\w.-]+/g, '_');
    await mkdir(ARTIFACTS_DIR, { recursive: true });
    if (app.page) await saveScreenshot(app.page, name).catch(() => {});
    await writeFile(join(ARTIFACTS_DIR, `${name}.log`),
      `${err.stack}\n\npage errors:\n${app.errors.join('\n') || '(none)'}\n`).catch(() => {});
    throw err;
  } finally {
    await app.context?.close();
  }
}

/** Show the page's view `name` (workbench, lessons, decode, probe, check) as a person would: by
 * its link in the header. */
export async function showView(page, name) {
  await page.click(`#nav-${name}`);
  await page.waitForSelector(`main[data-view="${name}"]`, { state: 'attached' });
}

/** The texts of the SVG diagrams `selector` matches that reach outside their viewBox, each as its
 * text and its left and right ends: none, when every label fits. A diagram not shown has none. */
export function textsOutsideViewBox(page, selector) {
  return page.$$eval(selector, (svgs) => svgs.flatMap((svg) => {
    const [x0, , width] = svg.getAttribute('viewBox').split(/[\s,]+/).map(Number);
    return [...svg.querySelectorAll('text')]
      .map((text) => ({ text: text.textContent, box: text.getBBox() }))
      .filter(({ box }) => box.width > 0 && (box.x < x0 - 0.5 || box.x + box.width > x0 + width + 0.5))
      .map(({ text, box }) => `${text} [${box.x.toFixed(1)}, ${(box.x + box.width).toFixed(1)}]`);
  }));
}

/** Poll `fn` until it returns a truthy value (returned) or `timeout` ms pass (then throw `what`). */
export async function eventually(what, fn, { timeout = 10_000, interval = 50 } = {}) {
  const deadline = Date.now() + timeout;
  let last;
  for (;;) {
    try {
      const value = await fn();
      if (value) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeout} ms waiting for ${what}${last ? `: ${last.message}` : ''}`);
    }
    await new Promise((ok) => setTimeout(ok, interval));
  }
}
