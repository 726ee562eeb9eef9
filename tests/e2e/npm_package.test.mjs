// The lean build as an npm package (dist-lean/, made by scripts/build-lean): `npm pack` makes a
// tarball, a scratch project installs it with no registry, esbuild bundles a page that imports
// "qoscope", and that page runs in Chromium against Mosquitto: connect, subscribe, publish at
// QoS 1 and receive the message back.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { serveDist } from './support/server.mjs';
import { ROOT, launchBrowser } from './support/browser.mjs';
import { brokerUrl } from './support/suite.mjs';

const BROKER_URL = brokerUrl();
const PACKAGE_DIR = join(ROOT, 'dist-lean');
if (!existsSync(join(PACKAGE_DIR, 'package.json'))) throw new Error('dist-lean/package.json is missing: run scripts/build-lean.');
const run = promisify(execFile);

// What a user of the package writes (the broker and topic come from the page's address).
const MAIN = `import init, { connectAsync } from "qoscope";
await init();
const at = new URLSearchParams(location.search), topic = at.get("topic");
const client = await connectAsync(at.get("broker"), { protocolVersion: 5 });
client.on("message", (_, payload) => { document.body.dataset.received = new TextDecoder().decode(payload); });
await client.subscribeAsync(topic, { qos: 1 }); await client.publishAsync(topic, "from a bundle", { qos: 1 });
`;

let dir;
let browser;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'qoscope-npm-'));
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

test('npm pack gives a tarball that a project installs offline, bundles with esbuild and runs against Mosquitto', { timeout: 120_000 }, async () => {
  const { stdout } = await run('npm', ['pack', PACKAGE_DIR, '--json', '--pack-destination', dir], { cwd: dir });
  const [packed] = JSON.parse(stdout);
  const version = JSON.parse(await readFile(join(PACKAGE_DIR, 'package.json'), 'utf8')).version;
  assert.equal(packed.filename, `qoscope-${version}.tgz`);
  assert.deepEqual(packed.files.map((file) => file.path).sort(), [
    'LICENSE-APACHE', 'LICENSE-MIT', 'README.md', 'package.json', 'qoscope.d.ts', 'qoscope.js', 'qoscope_bg.wasm',
  ]);

  const project = join(dir, 'project');
  await mkdir(project);
  await writeFile(join(project, 'package.json'), JSON.stringify({ name: 'scratch', private: true, type: 'module' }));
  await run('npm', ['install', '--offline', '--no-audit', '--no-fund', join(dir, packed.filename)], { cwd: project });
  const installed = join(project, 'node_modules', 'qoscope');
  const manifest = JSON.parse(await readFile(join(installed, 'package.json'), 'utf8'));
  assert.equal(manifest.type, 'module');
  assert.equal(manifest.types, './qoscope.d.ts');
  assert.equal(await readFile(join(installed, 'qoscope.d.ts'), 'utf8'), await readFile(join(ROOT, 'js', 'qoscope.d.ts'), 'utf8'));

  // Bundled by esbuild, which leaves the wasm's `new URL(..., import.meta.url)` alone: the wasm
  // goes beside the bundle, as the package's README says.
  await writeFile(join(project, 'main.js'), MAIN);
  const site = join(project, 'site');
  await build({
    absWorkingDir: project, entryPoints: ['main.js'], bundle: true, format: 'esm', target: 'es2022',
    outfile: join(site, 'main.js'), logLevel: 'warning',
  });
  await copyFile(join(installed, 'qoscope_bg.wasm'), join(site, 'qoscope_bg.wasm'));
  await writeFile(join(site, 'index.html'), '<!doctype html><meta charset="utf-8"><title>scratch</title><script type="module" src="main.js"></script>');
  assert.deepEqual((await readdir(site)).sort(), ['index.html', 'main.js', 'qoscope_bg.wasm']);

  const server = await serveDist(site);
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (error) => errors.push(error.message));
  try {
    const topic = `qoscope-npm/${Date.now()}`;
    await page.goto(`${server.url}?${new URLSearchParams({ broker: BROKER_URL, topic })}`);
    await page.waitForSelector('body[data-received]', { state: 'attached', timeout: 20_000 });
    assert.equal(await page.getAttribute('body', 'data-received'), 'from a bundle');
    assert.deepEqual(errors, []);
  } finally {
    await page.close();
    await server.close();
  }
});
