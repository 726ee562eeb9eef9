// English and Chinese (no broker needed): the language switch turns the header, the sections, the
// buttons and a lesson's narration into Chinese and sets <html lang>; a reload keeps the choice;
// a browser whose language is Chinese opens the page in Chinese.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { eventually, saveScreenshot, showView, withApp } from './support/browser.mjs';
import { useApp } from './support/suite.mjs';

const app = useApp();
const withPage = (t, fn, options) => withApp(t, app.browser, app.server.url, fn, options);

const htmlLang = (page) => page.getAttribute('html', 'lang');
const text = async (page, selector) => (await page.textContent(selector)).trim();

/** The header's section links, in order. */
const sectionLinks = (page) => page.$$eval('nav.sections a', (links) => links.map((a) => a.textContent));

test('switching to 中文 translates the page and a lesson, survives a reload, and switches back', { timeout: 90_000 }, (t) =>
  withPage(t, async ({ page }) => {
    assert.equal(await htmlLang(page), 'en');
    assert.equal(await page.inputValue('#language'), 'en');
    assert.equal(await text(page, '.tagline'), 'MQTT 3.1.1 and 5.0 over WebSocket, packet by packet');

    await page.selectOption('#language', 'zh');
    await eventually('<html lang> is zh-Hans', async () => (await htmlLang(page)) === 'zh-Hans');
    assert.equal(await text(page, '.tagline'), '基于 WebSocket 的 MQTT 3.1.1 与 5.0，逐个报文展示');
    assert.deepEqual(await sectionLinks(page), ['时序图', '课程', '解码', '探测', '检测代理']);
    assert.equal(await text(page, 'label[for="theme"]'), '主题');
    assert.equal(await text(page, '#sim-title'), '观察 QoS 如何运作（模拟代理，无需网络）');
    assert.equal(await text(page, '#hex-title'), '解码报文');
    assert.equal(await text(page, '#probe-title'), '探测代理');
    assert.equal(await text(page, '#check-title'), '检测代理');
    assert.equal(await text(page, '#publish-qos1'), '发布 QoS 1');
    assert.equal(await text(page, '#run-all-nine'), '运行全部九种组合');
    assert.equal(await text(page, '#check-run'), '运行检测');
    // Packet names stay the spec's.
    assert.equal(await text(page, '#probe-run'), '发送 CONNECT');

    await showView(page, 'lessons');
    await page.selectOption('#lesson-speed', '10');
    await page.click('#lesson-qos1-lost-puback');
    assert.equal(await text(page, '#lesson-title'), 'QoS 1：PUBACK 丢失');
    assert.equal(await page.title(), '课程 · qoscope');
    const narration = await text(page, '#lesson-narration');
    assert.match(narration, /发布者发送 QoS 1 的 PUBLISH，并保存它直到收到 PUBACK。/);
    assert.match(narration, /\[v3 MQTT-4\.3\.2-1\]/, 'the rule ids stay as the spec writes them');
    await eventually('the lesson finishes and its outcome is confirmed', async () =>
      (await page.getAttribute('#lesson-outcome', 'data-verified')) === 'true', { timeout: 30_000 });
    assert.equal(await text(page, '#lesson-status'), '已结束');
    assert.match(await text(page, '#lesson-outcome'), /^预期结果：订阅者收到两次消息/);
    assert.match(await text(page, '#lesson-outcome'), /✓ 已在报文记录中看到。/);
    await saveScreenshot(page, 'page-zh', { fullPage: true });

    await page.reload();
    await page.waitForSelector('body[data-app-ready="true"]', { state: 'attached' });
    assert.equal(await htmlLang(page), 'zh-Hans');
    assert.equal(await page.inputValue('#language'), 'zh');
    assert.equal(await text(page, '#hex-title'), '解码报文');

    await page.selectOption('#language', 'en');
    await eventually('<html lang> is en', async () => (await htmlLang(page)) === 'en');
    assert.equal(await text(page, '.tagline'), 'MQTT 3.1.1 and 5.0 over WebSocket, packet by packet');
    assert.deepEqual(await sectionLinks(page), ['Diagram', 'Lessons', 'Decode', 'Probe', 'Check a broker']);
    assert.equal(await text(page, '#publish-qos1'), 'Publish QoS 1');
    await page.click('#lesson-qos1-lost-puback');
    assert.equal(await text(page, '#lesson-title'), 'QoS 1: a lost PUBACK');
  }));

test('a browser whose language is Chinese opens the page in Chinese', { timeout: 30_000 }, (t) =>
  withPage(t, async ({ page }) => {
    assert.equal(await htmlLang(page), 'zh-Hans');
    assert.equal(await page.inputValue('#language'), 'zh');
    assert.equal(await text(page, '#lessons-title'), '课程：故意制造故障，一键运行');
  }, { locale: 'zh-CN' }));
