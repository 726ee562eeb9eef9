// Heavy traffic from a real broker: the page's two clients on Mosquitto while MQTT.js, from node,
// publishes 5,000 messages a second to demo/load (the subscriber's demo/#) for a minute, evenly
// paced: 50 every 10 ms, every tenth at QoS 1 (so the subscriber also acknowledges 500 a second)
// and the rest at QoS 0. The publisher is on Mosquitto's TCP listener, so the node side costs as
// little as it can; the page receives everything over its WebSocket.
//
// While the load runs the page records long tasks (PerformanceObserver 'longtask'), and once a
// second the test samples the JS heap (CDP Performance.getMetrics: exact, where
// performance.memory is rounded without extra Chromium flags), the wasm memory, the DOM nodes in
// the diagram, in the message table and in the whole document, and how many messages the
// subscriber has received (the Effective QoS summary counts every message, listed or not). Half-way
// through, a click on "Publish QoS 1" must be drawn within a bound, and its message must arrive
// too: at the end the subscriber has counted every message of the load plus the click's.
//
// The first WARM_UP_MS of the load are not judged: the store fills to its capacity (2,000
// packets, 500 flows), the heap grows to its working size, and V8 moves the hot wasm from its
// baseline compiler to the optimising one. After that the test asserts the heap of the last 20 s
// within a small slack of the first 20 s and the DOM bounded by what is in view, and reports the
// long tasks (the target is none over 50 ms) and the click's latency.
//
// Long tasks are wall-clock time, so other work on the machine stretches them: the figures carry
// the load average, and the long animation frames over 50 ms, which say how much of such a frame
// was the page's scripts and rendering. Playwright reports every WebSocket frame over DevTools
// (README, "Benchmarks"), so the page's figures include that cost too.
//
// The figures are printed and saved in target/e2e-artifacts/heavy-traffic.json, with a screenshot.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { ARTIFACTS_DIR, eventually, saveScreenshot, withApp } from './support/browser.mjs';
import { brokerUrl, useApp } from './support/suite.mjs';

const app = useApp();

const RATE_PER_S = 5_000;
const TICK_MS = 10;
const QOS1_EVERY = 10;
const LOAD_MS = 60_000;
const WARM_UP_MS = 5_000;
/** The heap windows compared: the first and the last 20 s after the warm-up. */
const WINDOW_MS = 20_000;
/**
 * How much the last window's heap may exceed the first's: its floor (what survives collection,
 * where a leak shows) and its peak (which also holds garbage not yet collected, so it is noisier).
 */
const HEAP_FLOOR_SLACK_BYTES = 1024 * 1024;
const HEAP_PEAK_SLACK_BYTES = 4 * 1024 * 1024;
/** When, into the load, the responsiveness click happens. */
const CLICK_AT_MS = 30_000;
/** The diagram draws 40 rows and the table about 23; these bounds leave room for markup changes. */
const MAX_DIAGRAM_NODES = 400;
const MAX_TABLE_NODES = 600;

/** Publishes `RATE_PER_S` messages a second to demo/load for `LOAD_MS`, evenly, from node. */
async function publishLoad() {
  const tcpPort = process.env.QOSCOPE_MOSQUITTO_TCP_PORT;
  const client = await mqtt.connectAsync(tcpPort ? `mqtt://127.0.0.1:${tcpPort}` : brokerUrl(), {
    protocolVersion: 4,
    clientId: `qoscope-load-${process.pid}`,
    reconnectPeriod: 0,
  });
  let sent = 0;
  const start = performance.now();
  await new Promise((done) => {
    // Catches up on what the timer's lateness left behind, so the rate holds on a busy machine.
    const timer = setInterval(() => {
      const elapsed = performance.now() - start;
      const due = Math.floor(Math.min(elapsed, LOAD_MS) * RATE_PER_S / 1000);
      for (; sent < due; sent += 1) {
        client.publish('demo/load', `load ${sent}`, { qos: sent % QOS1_EVERY === 0 ? 1 : 0 });
      }
      if (elapsed >= LOAD_MS) {
        clearInterval(timer);
        done();
      }
    }, TICK_MS);
  });
  await client.endAsync();
  return { sent, seconds: (performance.now() - start) / 1000 };
}

/** One sample of what the page holds, read in the page. */
const pageSample = (page) => page.evaluate(() => {
  const count = (selector) => document.querySelector(selector)?.getElementsByTagName('*').length ?? 0;
  const table = document.querySelector('#message-table');
  return {
    time: performance.now(),
    diagramNodes: count('#sequence-diagram'),
    tableNodes: count('#message-table'),
    documentNodes: document.getElementsByTagName('*').length,
    wasmBytes: window.heavyTraffic.wasmMemory?.buffer.byteLength ?? null,
    tableRows: table ? Number(table.getAttribute('aria-rowcount')) - 1 : 0,
    received: document.querySelector('#received-count')?.dataset.count ?? null,
    summary: document.querySelector('.effective-qos__summary')?.textContent ?? '',
    hidden: document.querySelector('#hidden-count')?.textContent ?? '',
  };
});

/**
 * Runs in the page before its scripts: records every long task, and keeps the wasm memory, which
 * wasm-bindgen's glue does not export but Trunk's loader hands over in TrunkApplicationStarted.
 */
function instrument() {
  const heavyTraffic = { longTasks: [], longFrames: [], wasmMemory: null, click: null };
  window.heavyTraffic = heavyTraffic;
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) heavyTraffic.longTasks.push({ start: entry.startTime, duration: entry.duration });
  }).observe({ type: 'longtask', buffered: true });
  // Long animation frames say where a long task's time went: scripts, or style, layout and paint.
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      heavyTraffic.longFrames.push({
        start: entry.startTime,
        duration: entry.duration,
        scriptsMs: entry.scripts.reduce((sum, script) => sum + script.duration, 0),
        renderMs: entry.startTime + entry.duration - entry.renderStart,
        scripts: entry.scripts.map((script) => `${script.invoker} ${Math.round(script.duration)} ms`),
      });
    }
  }).observe({ type: 'long-animation-frame', buffered: true });
  addEventListener('TrunkApplicationStarted', (event) => { heavyTraffic.wasmMemory = event.detail.wasm.memory; });
}

/**
 * Clicks "Publish QoS 1" and measures, in the page, from the click event to the next frame
 * (input latency) and to the next redraw of the view, which has the click's PUBLISH in it (the
 * hidden-packet count changes with every redraw under load).
 */
async function clickAndTime(page) {
  await page.evaluate(() => {
    const click = { clickedAt: null, nextFrameAt: null, redrawnAt: null };
    window.heavyTraffic.click = click;
    document.addEventListener('click', (event) => {
      click.clickedAt = event.timeStamp;
      requestAnimationFrame(() => {
        const channel = new MessageChannel();
        channel.port1.onmessage = () => { click.nextFrameAt = performance.now(); };
        channel.port2.postMessage(null);
      });
      new MutationObserver((_, observer) => {
        click.redrawnAt = performance.now();
        observer.disconnect();
      }).observe(document.querySelector('#hidden-count'), { subtree: true, childList: true, characterData: true });
    }, { capture: true, once: true });
  });
  await page.click('#publish-qos1');
  const click = await eventually('the view redrawn after the click', () =>
    page.evaluate(() => (window.heavyTraffic.click.redrawnAt === null ? null : window.heavyTraffic.click)), { timeout: 10_000 })
    .catch(() => page.evaluate(() => window.heavyTraffic.click));
  const since = (time) => (time === null ? null : Math.round(time - click.clickedAt));
  return { nextFrameMs: since(click.nextFrameAt), redrawnMs: since(click.redrawnAt) };
}

/** How busy the main thread was between two samples: shares of the time, and layouts a second. */
function mainThreadShares(from, to) {
  const seconds = (to.time - from.time) / 1000;
  const share = (key) => Math.round((to[key] - from[key]) / seconds * 1000) / 1000;
  return {
    busy: share('taskSeconds'),
    script: share('scriptSeconds'),
    layout: share('layoutSeconds'),
    style: share('styleSeconds'),
    layoutsPerSecond: Math.round((to.layouts - from.layouts) / seconds),
  };
}

const max = (values) => values.reduce((a, b) => Math.max(a, b), -Infinity);
const min = (values) => values.reduce((a, b) => Math.min(a, b), Infinity);
const mib = (bytes) => Math.round(bytes / 1024 / 102.4) / 10;

test('5,000 messages a second from Mosquitto for a minute: every message counted, heap and DOM bounded, long tasks measured',
  { timeout: 150_000 }, (t) =>
    withApp(t, app.browser, app.server.url, async ({ page, context }) => {
      await page.fill('#live-url', brokerUrl());
      await page.selectOption('#live-version', '5');
      await page.click('#use-url');
      await eventually('both clients connected, the subscriber subscribed', async () =>
        (await page.$$('#sequence-diagram g.arrow[data-kind="suback"]')).length > 0, { timeout: 15_000 });
      const cdp = await context.newCDPSession(page);
      await cdp.send('Performance.enable');

      const loadAverageBefore = loadavg()[0];
      const loadStart = await page.evaluate(() => performance.now());
      const load = publishLoad();
      const samplingStart = Date.now();
      const samples = [];
      let click = null;
      for (let second = 1; second * 1000 <= LOAD_MS + 1000; second += 1) {
        await new Promise((ok) => setTimeout(ok, Math.max(0, samplingStart + second * 1000 - Date.now())));
        const { metrics } = await cdp.send('Performance.getMetrics');
        const metric = (name) => metrics.find((m) => m.name === name)?.value ?? null;
        samples.push({
          ...(await pageSample(page)),
          jsHeapBytes: metric('JSHeapUsedSize'),
          // Seconds the page's main thread spent in tasks, in scripts, in layout and in style, so far.
          taskSeconds: metric('TaskDuration'),
          scriptSeconds: metric('ScriptDuration'),
          layoutSeconds: metric('LayoutDuration'),
          styleSeconds: metric('RecalcStyleDuration'),
          layouts: metric('LayoutCount'),
        });
        // Not awaited here: the sampling goes on while the click is timed.
        if (click === null && second * 1000 >= CLICK_AT_MS) click = clickAndTime(page);
      }
      const { sent, seconds } = await load;
      click = await click;
      // Every message of the load, and the click's.
      const received = await eventually('the last messages counted', async () => {
        const count = Number((await pageSample(page)).received);
        return count >= sent + 1 && count;
      }, { timeout: 10_000 }).catch(async () => Number((await pageSample(page)).received));

      const at = (sample) => sample.time - loadStart;
      const judged = samples.filter((s) => at(s) >= WARM_UP_MS && at(s) <= LOAD_MS);
      const first = judged.filter((s) => at(s) < WARM_UP_MS + WINDOW_MS);
      const last = judged.filter((s) => at(s) > LOAD_MS - WINDOW_MS);
      const { longTasks, longFrames } = await page.evaluate(() => window.heavyTraffic);
      const judgedLongTasks = longTasks.filter((task) => task.start - loadStart >= WARM_UP_MS);
      const final = samples.at(-1);
      const figures = {
        load: { messagesPerSecond: RATE_PER_S, qos1Share: 1 / QOS1_EVERY, sent, seconds: Math.round(seconds * 10) / 10 },
        warmUpMs: WARM_UP_MS,
        longTasks: {
          all: longTasks.length,
          afterWarmUp: judgedLongTasks.length,
          maxMsAfterWarmUp: Math.round(max(judgedLongTasks.map((task) => task.duration)) || 0),
          maxMsDuringWarmUp: Math.round(max(longTasks.map((task) => task.duration)) || 0),
        },
        longFramesAfterWarmUp: longFrames.filter((frame) => frame.start - loadStart >= WARM_UP_MS && frame.duration > 50)
          .map((frame) => ({ ...frame, start: Math.round(frame.start - loadStart), duration: Math.round(frame.duration),
            scriptsMs: Math.round(frame.scriptsMs), renderMs: Math.round(frame.renderMs) })),
        // Other work on the machine stretches tasks: the 1-minute load average around the run.
        mainThread: mainThreadShares(judged[0], judged.at(-1)),
        machineLoadAverage: { before: loadAverageBefore, after: loadavg()[0] },
        jsHeapMiB: {
          firstWindowMin: mib(min(first.map((s) => s.jsHeapBytes))),
          lastWindowMin: mib(min(last.map((s) => s.jsHeapBytes))),
          firstWindowMax: mib(max(first.map((s) => s.jsHeapBytes))),
          lastWindowMax: mib(max(last.map((s) => s.jsHeapBytes))),
        },
        wasmMiB: { firstWindowMax: mib(max(first.map((s) => s.wasmBytes))), lastWindowMax: mib(max(last.map((s) => s.wasmBytes))) },
        domNodesMax: {
          diagram: max(judged.map((s) => s.diagramNodes)),
          table: max(judged.map((s) => s.tableNodes)),
          documentFirstWindow: max(first.map((s) => s.documentNodes)),
          documentLastWindow: max(last.map((s) => s.documentNodes)),
        },
        received,
        click,
        final: { summary: final.summary, hidden: final.hidden, tableRows: final.tableRows },
      };
      console.log(`heavy traffic figures: ${JSON.stringify(figures, null, 2)}`);
      await mkdir(ARTIFACTS_DIR, { recursive: true });
      await writeFile(join(ARTIFACTS_DIR, 'heavy-traffic.json'), JSON.stringify({ figures, samples, longTasks, longFrames }, null, 2));
      await saveScreenshot(page, 'heavy-traffic', { fullPage: true });

      assert.equal(sent, LOAD_MS * RATE_PER_S / 1000, 'the whole load was published');
      // Timings (long tasks, frames, the click's latency) are measured and reported, not asserted:
      // they are wall-clock time, which other processes on the machine stretch, and a timed
      // assertion would fail with the machine's load, not with the page. What must hold whatever
      // the load is asserted: memory and DOM bounded, every message counted, the click drawn.
      const heap = (window, pick) => pick(window.map((s) => s.jsHeapBytes));
      assert.ok(heap(last, min) <= heap(first, min) + HEAP_FLOOR_SLACK_BYTES && heap(last, max) <= heap(first, max) + HEAP_PEAK_SLACK_BYTES,
        `the JS heap stays bounded: ${JSON.stringify(figures.jsHeapMiB)}`);
      if (first[0].wasmBytes !== null) {
        assert.ok(max(last.map((s) => s.wasmBytes)) <= max(first.map((s) => s.wasmBytes)) + HEAP_FLOOR_SLACK_BYTES,
          `the wasm memory stays bounded: ${JSON.stringify(figures.wasmMiB)}`);
      }
      assert.ok(figures.domNodesMax.diagram <= MAX_DIAGRAM_NODES, `diagram nodes: ${figures.domNodesMax.diagram}`);
      assert.ok(figures.domNodesMax.table <= MAX_TABLE_NODES, `table nodes: ${figures.domNodesMax.table}`);
      assert.ok(figures.domNodesMax.documentLastWindow <= figures.domNodesMax.documentFirstWindow + 50,
        `document nodes: ${JSON.stringify(figures.domNodesMax)}`);
      assert.equal(received, sent + 1, 'the subscriber received every message of the load and the click\'s');
      assert.ok(click.redrawnMs !== null, `the click during the load is drawn: ${JSON.stringify(click)}`);
    }, { initScript: instrument }));
