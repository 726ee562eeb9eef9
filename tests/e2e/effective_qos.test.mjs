// Effective QoS on the simulated broker: "Run all nine" fills the publish × granted QoS matrix
// with min(publish, granted), the message table gets a row per message, and a cell selects its
// example row. No broker is needed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { eventually, saveScreenshot, withApp } from './support/browser.mjs';
import { useApp } from './support/suite.mjs';

const app = useApp();
const withPage = (t, fn) => withApp(t, app.browser, app.server.url, fn);

/** Every matrix cell as { publish, granted, state, delivered, example }. */
const cells = (page) => page.$$eval('#qos-matrix td[data-publish]', (tds) => tds.map((td) => ({
  publish: Number(td.dataset.publish),
  granted: Number(td.dataset.granted),
  state: td.dataset.state,
  delivered: td.querySelector('.qos-matrix__delivered').textContent,
  example: td.dataset.example,
})));

const rowCount = (page) => page.$eval('#message-table', (table) => Number(table.getAttribute('aria-rowcount')) - 1);

test('run all nine fills the QoS matrix with min(publish, granted) and a cell finds its row', { timeout: 90_000 }, (t) =>
  withPage(t, async ({ page }) => {
    await eventually('the subscriber is subscribed', async () =>
      (await page.$$('#sequence-diagram g.arrow[data-kind="suback"][data-fate="delivered"]')).length > 0);
    await page.click('#run-all-nine');
    await eventually('all nine cells are filled', async () =>
      (await cells(page)).every((cell) => cell.state !== 'empty'), { timeout: 30_000 });

    for (const cell of await cells(page)) {
      const expected = String(Math.min(cell.publish, cell.granted));
      assert.equal(cell.state, 'ok', `publish ${cell.publish} granted ${cell.granted}`);
      assert.equal(cell.delivered, expected, `publish ${cell.publish} granted ${cell.granted}`);
    }
    assert.equal(await page.$$eval('#message-table .mark--bug', (marks) => marks.length), 0);
    await eventually('every message has its row', async () => (await rowCount(page)) === 9, { timeout: 15_000 });
    const rows = await page.$$eval('#message-table [role="row"][data-flow]', (rs) =>
      rs.map((r) => [...r.querySelectorAll('[role="cell"]')].map((c) => c.textContent)));
    assert.equal(rows.length, 9);
    for (const [, from, to, topic, payload, publish, granted, delivered, expected] of rows) {
      assert.equal(from, 'Publisher');
      assert.equal(to, 'Subscriber');
      assert.match(topic, /^qos-matrix\/sub[012]$/);
      assert.equal(granted, topic.at(-1));
      assert.ok(payload.startsWith(`run 1: QoS ${publish} to the QoS ${granted} subscription`), payload);
      assert.equal(delivered, String(Math.min(Number(publish), Number(granted))));
      assert.equal(expected, delivered);
    }

    const cell = '#qos-matrix td[data-publish="2"][data-granted="1"]';
    const example = await page.$eval(cell, (td) => td.dataset.example);
    await page.focus(`${cell} button`);
    await page.keyboard.press('Enter');
    await eventually('the example row is highlighted', async () =>
      page.$eval(`#message-table [data-flow="${example}"]`, (row) =>
        row.classList.contains('message-table__row--selected') && row.getAttribute('aria-current') === 'true')
        .catch(() => false));
    assert.equal(await page.$$eval('#message-table .message-table__row--selected', (rs) => rs.length), 1);
    await page.$eval('#sim-title', (title) => title.closest('section').querySelector('.effective-qos').scrollIntoView());
    await saveScreenshot(page, 'effective-qos');
  }));

test('the message table keeps only the rows in view in the page', { timeout: 120_000 }, (t) =>
  withPage(t, async ({ page }) => {
    await eventually('the subscriber is subscribed', async () =>
      (await page.$$('#sequence-diagram g.arrow[data-kind="suback"][data-fate="delivered"]')).length > 0);
    for (let run = 1; run <= 4; run += 1) {
      await page.click('#run-all-nine');
      await eventually(`run ${run} arrives`, async () => (await rowCount(page)) === run * 9, { timeout: 30_000 });
    }
    const rendered = () => page.$$eval('#message-table [role="row"][data-flow]', (rs) => rs.map((r) => r.getAttribute('aria-rowindex')));
    const first = await rendered();
    assert.ok(first.length < 36, `only the rows in view and the overscan: ${first.length} of 36`);
    assert.equal(first[0], '2');
    await page.$eval('#message-table .message-table__body', (body) => { body.scrollTop = body.scrollHeight; });
    await eventually('the last rows are rendered after scrolling', async () => (await rendered()).at(-1) === '37');
    assert.ok(!(await rendered()).includes('2'), 'the first row left the page');
    for (const cell of await cells(page)) assert.ok(cell.delivered === String(Math.min(cell.publish, cell.granted)));
  }));
