// The lessons on the simulated broker (no broker needed): one lesson from start to end with its
// narration and diagram, a replay from a fresh world, and the free-play fault panel.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { eventually, saveScreenshot, withApp } from './support/browser.mjs';
import { useApp } from './support/suite.mjs';

const app = useApp();
// The lessons' own view.
const withPage = (t, fn) => withApp(t, app.browser, `${app.server.url}#/lessons`, fn);

/** The lesson diagram's arrows as [kind, fate, label]. */
const arrows = (page) => page.$$eval('#lesson-diagram g.arrow', (groups) =>
  groups.map((g) => [g.dataset.kind, g.dataset.fate, g.dataset.label]));

/** The narration's steps as [data-step, is current]. */
const steps = (page) => page.$$eval('#lesson-narration li[data-step]', (items) =>
  items.map((li) => [Number(li.dataset.step), li.getAttribute('aria-current') === 'step']));

const currentStep = async (page) => (await steps(page)).find(([, current]) => current)?.[0];

/** Deliveries to the subscriber: PUBLISH arrows that reached its lane (the broker sends them). */
const subscriberPublishes = async (page) => {
  const lanes = await page.$$eval('#lesson-diagram g.lane', (lanes) => lanes.map((lane) => lane.dataset.name));
  assert.deepEqual(lanes, ['Publisher', 'Broker', 'Subscriber']);
  const broker = Number(await page.getAttribute('#lesson-diagram g.lane[data-name="Broker"] .lifeline', 'x1'));
  return page.$$eval('#lesson-diagram g.arrow--publish line', (lines, broker) =>
    lines.filter((line) => Number(line.getAttribute('x2')) > Number(line.getAttribute('x1'))
      && line.parentElement.dataset.fate === 'delivered' && Number(line.getAttribute('x1')) >= broker).length, broker);
};

test('the QoS 2 lost PUBREC lesson runs to its end: a cross, a re-send, exactly one delivery', { timeout: 90_000 }, (t) =>
  withPage(t, async ({ page }) => {
    await page.selectOption('#lesson-speed', '10');
    await page.click('#lesson-qos2-lost-pubrec');
    assert.equal(await page.getAttribute('#lesson-qos2-lost-pubrec', 'aria-pressed'), 'true');
    const total = (await steps(page)).length;
    assert.equal(total, 5);
    await eventually('the first step is current', async () => (await currentStep(page)) === 0);

    await eventually('the narration reaches its last step', async () => (await currentStep(page)) === total - 1,
      { timeout: 30_000 });
    await eventually('the outcome is confirmed from the trace', async () =>
      (await page.getAttribute('#lesson-outcome', 'data-verified')) === 'true', { timeout: 30_000 });

    const drawn = await arrows(page);
    const lost = drawn.filter(([, fate]) => fate === 'dropped');
    assert.deepEqual(lost.map(([kind]) => kind), ['pubrec'], JSON.stringify(drawn));
    assert.ok(drawn.some(([kind, , label]) => kind === 'publish' && label.includes('DUP')), 'the PUBLISH went again with DUP');
    assert.equal(await subscriberPublishes(page), 1, 'exactly one delivery to the subscriber');
    assert.match(await page.textContent('#lesson-narration'), /MQTT-4\.3\.3-10/);
    assert.match(await page.textContent('#lesson-status'), /Finished/);
    // The lessons section alone (a locator takes a screenshot like a page does).
    await saveScreenshot(page.locator('section.lessons'), 'lesson-qos2-lost-pubrec');
  }));

test('replay starts the lesson again from a fresh world', { timeout: 90_000 }, (t) =>
  withPage(t, async ({ page }) => {
    await page.selectOption('#lesson-speed', '10');
    await page.click('#lesson-qos1-lost-puback');
    await eventually('the lesson finishes', async () =>
      (await page.getAttribute('#lesson-outcome', 'data-verified')) === 'true', { timeout: 30_000 });
    const before = (await arrows(page)).length;
    assert.ok(before > 10, `${before} arrows`);

    await page.click('#lesson-replay');
    await eventually('a fresh world with only the set-up drawn', async () => {
      const now = await arrows(page);
      return now.length > 0 && now.length < before && (await currentStep(page)) === 0;
    });
    assert.equal(await page.getAttribute('#lesson-outcome', 'data-verified'), null);
    await eventually('the replay finishes the same way', async () =>
      (await page.getAttribute('#lesson-outcome', 'data-verified')) === 'true', { timeout: 30_000 });
    assert.equal((await arrows(page)).length, before);
  }));

test('stop leaves the lesson where it is; free play holds and releases packets', { timeout: 60_000 }, (t) =>
  withPage(t, async ({ page }) => {
    await page.click('#lesson-persistent-session');
    await eventually('the set-up step is showing', async () => (await currentStep(page)) === 0);
    await page.click('#lesson-stop');
    assert.match(await page.textContent('#lesson-status'), /Stopped at step 1 of 4/);
    assert.ok(await page.isDisabled('#lesson-stop'));

    await page.selectOption('#lesson-speed', '10');
    await eventually('the set-up settles', async () =>
      (await arrows(page)).some(([kind, fate]) => kind === 'suback' && fate === 'delivered'));
    await page.check('#fault-hold');
    await page.click('#free-publish-qos1');
    await eventually('the PUBLISH is held at the publisher', async () =>
      (await arrows(page)).some(([kind, fate]) => kind === 'publish' && fate === 'held'));
    assert.equal(await currentStep(page), 0, 'a stopped lesson takes no further step');
    await page.click('#fault-release');
    await eventually('the released PUBLISH arrives', async () =>
      (await arrows(page)).some(([kind, fate, label]) => kind === 'publish' && fate === 'delivered' && label.includes('lesson/free')));
  }));

test('an old lesson link, ?lesson=<id>, opens the lesson at its new address', { timeout: 60_000 }, (t) =>
  withApp(t, app.browser, `${app.server.url}?lesson=qos2-lost-pubrec`, async ({ page }) => {
    assert.equal(await page.textContent('#lesson-title'), 'QoS 2: a lost PUBREC');
    assert.equal(new URL(page.url()).search, '', 'the old query is gone');
    assert.equal(new URL(page.url()).hash, '#/lessons/qos2-lost-pubrec');
    assert.equal(await page.getAttribute('main', 'data-view'), 'lessons');
    assert.equal(await page.getAttribute('#lesson-link', 'href'), '#/lessons/qos2-lost-pubrec');
    await eventually('the lesson runs', async () => (await currentStep(page)) !== undefined, { timeout: 15_000 });
  }));

test('a 5.0 lesson runs in 5.0 whatever is chosen: shared subscriptions take turns', { timeout: 90_000 }, (t) =>
  withPage(t, async ({ page }) => {
    await page.selectOption('#lesson-version', '4');
    await page.selectOption('#lesson-speed', '10');
    await page.click('#lesson-shared-subscriptions');
    assert.match(await page.textContent('#lesson-title'), /Shared subscriptions/);
    assert.match(await page.textContent('.lesson-side'), /MQTT 5\.0 only/);
    // The lanes are read once the new lesson's diagram has replaced the last one's.
    const expected = ['Publisher', 'Broker', 'Worker A', 'Worker B', 'Auditor'];
    let lanes;
    await eventually(`the lanes are ${expected.join(', ')}`, async () => {
      lanes = await page.$$eval('#lesson-diagram .lane', (all) => all.map((lane) => lane.dataset.name));
      return JSON.stringify(lanes) === JSON.stringify(expected);
    }, { timeout: 10_000 }).catch(() => assert.deepEqual(lanes, expected));
    await eventually('the outcome is confirmed from the trace', async () =>
      (await page.getAttribute('#lesson-outcome', 'data-verified')) === 'true', { timeout: 30_000 });
    const subscribes = (await arrows(page)).filter(([kind]) => kind === 'subscribe').map(([, , label]) => label);
    assert.ok(subscribes.some((label) => label.includes('$share/workers/lesson/jobs')), JSON.stringify(subscribes));
    await saveScreenshot(page.locator('section.lessons'), 'lesson-shared-subscriptions');
  }));
