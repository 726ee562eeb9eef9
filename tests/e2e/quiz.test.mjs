// "What happens next?" in the page (simulated broker, no broker needed): a teacher's link opens a
// lesson in quiz mode, a right and a wrong answer are scored (one given with the keyboard alone),
// the score survives a reload, a bad link is named, and screenshots of the quiz at desktop and
// phone sizes, light and dark, English and Chinese.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { eventually, saveScreenshot, withApp } from './support/browser.mjs';
import { useApp } from './support/suite.mjs';

const app = useApp();
const QUIZ_LINK = '?lesson=qos1-lost-puback&quiz=1';
const QUIZ_ROUTE = '#/lessons/qos1-lost-puback?quiz=1';

/** The step the narration shows as current, if any. */
const currentStep = (page) => page.$eval('#lesson-narration', (list) =>
  list.querySelector('li[aria-current="step"]')?.dataset.step);

/** The quiz's question (its legend), or null once every question is answered. */
const question = (page) => page.$eval('#lesson-quiz', (quiz) => quiz.querySelector('legend')?.textContent ?? null);

/** The score shown for this attempt, as [right, asked]. */
const score = async (page) => {
  const element = await page.$('#quiz-score');
  return [Number(await element.getAttribute('data-right')), Number(await element.getAttribute('data-asked'))];
};

/** Picks the choice labelled exactly `text` and answers. */
async function answer(page, text) {
  await page.locator('#lesson-quiz .quiz-choice').filter({ hasText: new RegExp(`^${text}$`) }).click();
  await page.click('#quiz-answer');
}

test('a quiz link asks before each step, scores right and wrong answers, and keeps the score after a reload',
  { timeout: 90_000 }, (t) =>
    withApp(t, app.browser, `${app.server.url}${QUIZ_LINK}`, async ({ page, errors }) => {
      assert.equal(await page.textContent('#lesson-title'), 'QoS 1: a lost PUBACK');
      assert.ok(await page.isChecked('#lesson-quiz-mode'));
      assert.equal(new URL(page.url()).hash, QUIZ_ROUTE, 'the old link is rewritten to the route');
      assert.equal(await page.getAttribute('#lesson-quiz-link', 'href'), QUIZ_ROUTE);
      assert.equal(await page.getAttribute('#lesson-link', 'href'), '#/lessons/qos1-lost-puback');
      await page.selectOption('#lesson-speed', '10');

      // Before the first step: the world waits, nothing is drawn yet.
      await eventually('the first question', async () => (await question(page)) === 'Which packet comes next?');
      assert.equal(await page.$$eval('#lesson-diagram g.arrow', (arrows) => arrows.length), 0);
      assert.equal(await currentStep(page), undefined);

      // A right answer, with the mouse.
      assert.ok(await page.isDisabled('#quiz-answer'), 'nothing chosen yet');
      await answer(page, 'CONNECT');
      assert.deepEqual(await score(page), [1, 1]);
      assert.equal(await page.getAttribute('#lesson-quiz .quiz-result', 'data-right'), 'true');

      // A wrong answer, with the keyboard alone: the new question has the focus; an arrow key
      // moves to the second choice, Enter answers.
      assert.equal(await question(page), 'Who sends it, to whom?');
      await eventually('the first choice has the focus', () => page.evaluate(() =>
        document.activeElement?.matches('#lesson-quiz input[type="radio"]')));
      await page.keyboard.press('ArrowRight');
      await page.keyboard.press('Enter');
      const results = await page.$$eval('#lesson-quiz .quiz-result', (items) =>
        items.map((item) => [item.dataset.right, item.textContent]));
      assert.equal(results.length, 2);
      assert.equal(results[1][0], 'false');
      assert.match(results[1][1], /broker → Publisher.*The trace shows: Publisher → broker/);
      assert.deepEqual(await score(page), [1, 2]);

      // Every question answered: the run button has the focus, and the step runs.
      await eventually('the run button has the focus', () => page.evaluate(() =>
        document.activeElement?.id === 'quiz-run'));
      await page.keyboard.press('Enter');
      await eventually('the first step runs', async () => (await currentStep(page)) === '0');
      await eventually('the next step asks again', async () => (await question(page)) === 'Which packet comes next?',
        { timeout: 20_000 });
      const arrowsBefore = await page.$$eval('#lesson-diagram g.arrow', (arrows) => arrows.length);
      assert.ok(arrowsBefore >= 6, `${arrowsBefore} arrows after the set-up`);

      // The score is in the browser: a reload shows it as the last attempt.
      await page.reload();
      await page.waitForSelector('body[data-app-ready="true"]', { state: 'attached' });
      await eventually('the saved score', async () => (await page.$('#quiz-saved')) !== null);
      assert.equal(await page.getAttribute('#quiz-saved', 'data-right'), '1');
      assert.equal(await page.getAttribute('#quiz-saved', 'data-asked'), '2');
      assert.match(await page.textContent('#quiz-saved'), /Last attempt: 1 of 2/);
      assert.deepEqual(await score(page), [0, 0], 'a new attempt starts from nothing');
      assert.deepEqual(errors, []);
    }));

test('a link to an unknown lesson says so', { timeout: 30_000 }, (t) =>
  withApp(t, app.browser, `${app.server.url}?lesson=qos3&quiz=1`, async ({ page }) => {
    assert.match(await page.textContent('#lesson-link-problem'), /No lesson is called "qos3"/);
  }));

test('a quiz address opens the lesson asking; a quiz value that means nothing is named', { timeout: 30_000 }, async (t) => {
  await withApp(t, app.browser, `${app.server.url}${QUIZ_ROUTE}`, async ({ page }) => {
    assert.equal(await page.textContent('#lesson-title'), 'QoS 1: a lost PUBACK');
    assert.ok(await page.isChecked('#lesson-quiz-mode'));
    await eventually('the first question', async () => (await question(page)) === 'Which packet comes next?');
  });
  await withApp(t, app.browser, `${app.server.url}#/lessons/qos1-lost-puback?quiz=yes`, async ({ page }) => {
    assert.match(await page.textContent('#lesson-link-problem'), /quiz=yes means nothing/);
    assert.equal(await page.isChecked('#lesson-quiz-mode'), false);
  });
});

/** Answers the first step's two questions, runs it, and answers two of the next step's. */
async function reachASecondStepQuestion(page) {
  await page.selectOption('#lesson-speed', '10');
  await eventually('the first question', async () => (await question(page)) !== null);
  await answer(page, 'CONNECT');
  await page.locator('#lesson-quiz input[type="radio"]').first().check();
  await page.click('#quiz-answer');
  await page.click('#quiz-run');
  await eventually('the second step asks', async () =>
    (await page.textContent('#lesson-quiz > p')).match(/2/) !== null, { timeout: 20_000 });
  await answer(page, 'PUBLISH');
  await page.locator('#lesson-quiz input[type="radio"]').nth(1).check();
  await page.click('#quiz-answer');
}

for (const [width, height] of [[1280, 800], [390, 844]]) {
  for (const theme of ['light', 'dark']) {
    for (const locale of ['en-US', 'zh-CN']) {
      const name = `quiz-${width}x${height}-${theme}-${locale.slice(0, 2)}`;
      test(`screenshot ${name}`, { timeout: 60_000 }, (t) =>
        withApp(t, app.browser, `${app.server.url}${QUIZ_LINK}`, async ({ page }) => {
          await reachASecondStepQuestion(page);
          // The next question takes the focus (and scrolls to it); then the title goes on top.
          await eventually('the third question has the focus', () => page.evaluate(() =>
            document.activeElement?.matches('#lesson-quiz input[type="radio"]')));
          await page.evaluate(() => document.querySelector('#lesson-title').scrollIntoView({ behavior: 'instant' }));
          const path = await saveScreenshot(page, name);
          t.diagnostic(`screenshot: ${path}`);
        }, {
          viewport: { width, height },
          locale,
          initScript: new Function(`localStorage.setItem('qoscope-theme', '${theme}');`),
        }));
    }
  }
}
