// The diagram as a debugging tool, on the simulated broker (no network): a packet chosen on the
// diagram opens the inspector with its bytes; hovering lights up one message end to end; the
// trace exports and imports again; the diagram exports as SVG and Mermaid. Also the page's
// theme switch and its Content-Security-Policy.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { eventually, saveScreenshot, withApp } from './support/browser.mjs';
import { useApp } from './support/suite.mjs';

const app = useApp();
const withPage = (t, fn) => withApp(t, app.browser, app.server.url, fn);

const arrows = (page) => page.$$eval('#sequence-diagram g.arrow', (groups) =>
  groups.map((g) => ({ kind: g.dataset.kind, fate: g.dataset.fate, id: g.dataset.packet, label: g.dataset.label, classes: g.getAttribute('class') })));

/** Publishes at QoS 2 and waits for both hops to complete. */
async function publishQos2(page) {
  await eventually('the subscriber is subscribed', async () =>
    (await arrows(page)).some((a) => a.kind === 'suback' && a.fate === 'delivered'));
  await page.click('#publish-qos2');
  await eventually('the QoS 2 exchange completes on both sides', async () =>
    (await arrows(page)).filter((a) => a.kind === 'pubcomp' && a.fate === 'delivered').length >= 2, { timeout: 15_000 });
}

async function download(page, button) {
  const [file] = await Promise.all([page.waitForEvent('download'), page.click(button)]);
  return { name: file.suggestedFilename(), text: await readFile(await file.path(), 'utf8') };
}

test('a packet chosen on the diagram shows its bytes field by field, and its session', { timeout: 60_000 }, (t) =>
  withPage(t, async ({ page }) => {
    await publishQos2(page);
    const publish = (await arrows(page)).find((a) => a.label.startsWith('PUBLISH id=1 QoS 2'));
    await page.click(`#sequence-diagram g[data-packet="${publish.id}"]`);
    // 0x34 PUBLISH QoS 2; remaining length 32; topic "demo/greeting"; id 1; no properties; payload.
    assert.match(await page.textContent('#inspector-raw'),
      /^34 20 00 0D 64 65 6D 6F 2F 67 72 65 65 74 69 6E 67 00 01 00 68 65 6C 6C 6F/);
    const topicRow = page.locator('#inspector-fields tbody tr', { hasText: 'Topic Name' }).first();
    await topicRow.hover();
    const lit = await page.$$eval('#inspector-hex .byte--lit', (bytes) => bytes.map((b) => b.textContent).join(' '));
    assert.equal(lit, '00 0D 64 65 6D 6F 2F 67 72 65 65 74 69 6E 67');
    assert.match(await page.textContent('#inspector-session'), /Send quota/);
    // Keyboard: focus another arrow and press Enter.
    const pubrec = (await arrows(page)).find((a) => a.kind === 'pubrec');
    await page.focus(`#sequence-diagram g[data-packet="${pubrec.id}"]`);
    await page.keyboard.press('Enter');
    assert.match(await page.textContent('#inspector-title'), /^PUBREC id=1/);
    await saveScreenshot(page, 'inspector');
    await page.click('#inspector-close');
    assert.equal(await page.locator('#inspector').count(), 0);
  }));

test('hovering a packet lights up its message on both sides of the broker', { timeout: 60_000 }, (t) =>
  withPage(t, async ({ page }) => {
    await publishQos2(page);
    const publish = (await arrows(page)).find((a) => a.label.startsWith('PUBLISH id=1 QoS 2'));
    await page.hover(`#sequence-diagram g[data-packet="${publish.id}"]`);
    const all = await arrows(page);
    const lit = all.filter((a) => a.classes.includes('arrow--lit'));
    // PUBLISH, PUBREC, PUBREL, PUBCOMP on each hop.
    assert.equal(lit.length, 8, lit.map((a) => a.label).join('\n'));
    assert.ok(all.filter((a) => a.kind === 'connect').every((a) => a.classes.includes('arrow--dim')));
  }));

test('the trace exports as JSON and imports again; the diagram exports as SVG and Mermaid', { timeout: 60_000 }, (t) =>
  withPage(t, async ({ page }) => {
    await publishQos2(page);
    const live = await arrows(page);
    const trace = await download(page, '#export-trace');
    assert.equal(trace.name, 'qoscope-trace.json');
    const file = JSON.parse(trace.text);
    assert.equal(file.format, 'qoscope-trace');
    const mermaid = await download(page, '#export-mermaid');
    assert.match(mermaid.text, /^sequenceDiagram\n {4}participant c0 as Publisher\n/);
    assert.match(mermaid.text, /c0->>broker: PUBLISH id=1 QoS 2 "demo\/greeting"/);
    const svg = await download(page, '#export-svg');
    assert.match(svg.text, /^<\?xml/);
    assert.match(svg.text, /<svg xmlns="http:\/\/www.w3.org\/2000\/svg"[^>]*><style>[^<]*\.arrow/);
    // The file carries the delivered PUBLISH's QoS mark with its style, and each arrow's whole
    // label and explanation as its tooltip.
    assert.match(svg.text, /\.arrow-mark \{/);
    assert.match(svg.text, /<text [^>]*class="arrow-mark"[^>]*>QoS 2 delivered<\/text>/);
    assert.match(svg.text, /<title>PUBLISH id=1 QoS 2 "demo\/greeting"\nQoS 2 delivered\nDelivered at QoS 2 = min\(publish 2, granted 2, server Maximum QoS\) = 2/);

    // Importing replays the same diagram, with no live session behind it.
    await page.setInputFiles('#import-trace', { name: 'trace.json', mimeType: 'application/json', buffer: Buffer.from(trace.text) });
    await page.locator('#replay-badge').waitFor();
    const replayed = await arrows(page);
    assert.deepEqual(replayed.map((a) => [a.kind, a.fate, a.label]), live.map((a) => [a.kind, a.fate, a.label]));
    assert.ok(await page.isDisabled('#publish-qos1'));
    await page.click('#back-to-live');
    assert.equal(await page.locator('#replay-badge').count(), 0);

    // A file that is not a trace is refused by name.
    await page.setInputFiles('#import-trace', { name: 'x.json', mimeType: 'application/json', buffer: Buffer.from('{"format":"other"}') });
    await page.getByText('Import: a "other" file, not a qoscope trace').waitFor();
  }));

test('the theme follows the system unless chosen, and the choice is kept', { timeout: 60_000 }, (t) =>
  withPage(t, async ({ page }) => {
    const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    assert.equal(await background(), 'rgb(247, 248, 250)');
    await page.selectOption('#theme', 'dark');
    assert.equal(await page.getAttribute('html', 'data-theme'), 'dark');
    assert.equal(await background(), 'rgb(15, 18, 22)');
    await page.reload();
    await page.waitForSelector('body[data-app-ready="true"]', { state: 'attached' });
    assert.equal(await background(), 'rgb(15, 18, 22)');
    await page.selectOption('#theme', 'system');
    assert.equal(await page.getAttribute('html', 'data-theme'), null);
  }));

test('the Content-Security-Policy lets the app run and blocks nothing it needs', { timeout: 60_000 }, (t) =>
  withPage(t, async ({ page }) => {
    const policy = await page.getAttribute('meta[http-equiv="Content-Security-Policy"]', 'content');
    assert.match(policy, /script-src 'self' 'wasm-unsafe-eval' 'sha256-[A-Za-z0-9+/=]+'/);
    assert.doesNotMatch(policy, /'unsafe-eval'|script-src[^;]*'unsafe-inline'/);
    const violations = await page.evaluate(() => new Promise((resolve) => {
      const seen = [];
      document.addEventListener('securitypolicyviolation', (event) => seen.push(`${event.violatedDirective} ${event.blockedURI}`));
      // An inline script injected now must be blocked.
      const script = document.createElement('script');
      script.textContent = 'window.injected = true;';
      document.body.append(script);
      setTimeout(() => resolve(seen), 500);
    }));
    assert.deepEqual(violations.map((v) => v.split(' ')[0]), ['script-src-elem']);
    assert.equal(await page.evaluate(() => window.injected), undefined);
    await publishQos2(page);
    assert.equal(await page.evaluate(() => typeof window.qoscope?.connectAsync), 'function');
  }));

test('usable at 390 px wide: nothing pushes the page sideways, and the diagram still works', { timeout: 60_000 }, (t) =>
  withApp(t, app.browser, app.server.url, async ({ page }) => {
    await publishQos2(page);
    assert.equal(await page.evaluate(() => document.documentElement.scrollWidth), 390);
    await page.click('#run-all-nine');
    assert.equal(await page.evaluate(() => document.documentElement.scrollWidth), 390);
    await saveScreenshot(page, 'narrow-390');
  }, { viewport: { width: 390, height: 800 } }));

test('the timeline pauses, steps, scrubs and spaces rows by real time', { timeout: 60_000 }, (t) =>
  withPage(t, async ({ page }) => {
    await publishQos2(page);
    const before = (await arrows(page)).length;
    await page.click('#timeline-pause');
    await page.click('#publish-qos1');
    await eventually('the new packets are counted, not drawn', async () =>
      /later packets not drawn/.test(await page.textContent('#hidden-count')) &&
      !(await page.textContent('#hidden-count')).includes(' 0 later'), { timeout: 10_000 });
    assert.equal((await arrows(page)).length, before);
    await page.click('#timeline-back');
    assert.equal((await arrows(page)).length, before - 1);
    await page.click('#timeline-forward');
    await page.click('#timeline-forward');
    assert.equal((await arrows(page)).length, before + 1);
    await page.fill('#timeline-scrub', '1');
    assert.equal((await arrows(page)).length, 1);
    assert.match(await page.textContent('#timeline-position'), /^1 \/ \d+$/);
    await page.click('#timeline-pause');
    await eventually('following live again draws everything', async () => (await arrows(page)).length > before);
    const height = async () => Number((await page.getAttribute('#sequence-diagram', 'viewBox')).split(' ')[3]);
    const perPacket = await height();
    await page.selectOption('#timeline-spacing', '100');
    assert.ok(await height() > perPacket, 'idle time shows as gaps');
  }));
