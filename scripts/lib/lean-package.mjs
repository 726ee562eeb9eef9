// Makes the lean build's directory (dist-lean/) an npm package: package.json (named "qoscope",
// at the qoscope crate's version and with its license from Cargo.toml), the package's README
// (js/npm/README.md) and the repository's licence files (LICENSE-*). `npm pack dist-lean` then
// gives the tarball.
//
//   node scripts/lib/lean-package.mjs DIR
import { execFileSync } from 'node:child_process';
import { copyFile, readdir, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const [dir] = process.argv.slice(2);
if (!dir) throw new Error('usage: lean-package.mjs DIR (the lean build, with qoscope.js, qoscope_bg.wasm, qoscope.d.ts)');

const MODULE_FILES = ['qoscope.js', 'qoscope_bg.wasm', 'qoscope.d.ts'];

for (const file of MODULE_FILES) {
  if (!existsSync(join(dir, file))) throw new Error(`lean-package: ${dir}/${file} is missing (run scripts/build-lean)`);
}
const metadata = JSON.parse(execFileSync('cargo', ['metadata', '--no-deps', '--format-version', '1', '--offline'],
  { cwd: ROOT, encoding: 'utf8' }));
const crate = metadata.packages.find((p) => p.name === 'qoscope')
  ?? (() => { throw new Error('lean-package: cargo metadata lists no package named qoscope'); })();
const licences = (await readdir(ROOT)).filter((name) => /^LICENSE/.test(name)).sort();
if (licences.length === 0) throw new Error(`lean-package: no LICENSE* file in ${ROOT} for the license "${crate.license}"`);

const manifest = {
  name: 'qoscope',
  version: crate.version,
  description: 'An MQTT 3.1.1 and 5.0 client for the browser over WebSocket, in Rust compiled to WebAssembly, with MQTT.js 5 names',
  keywords: ['mqtt', 'mqtt5', 'websocket', 'webassembly', 'browser'],
  license: crate.license,
  type: 'module',
  exports: {
    '.': { types: './qoscope.d.ts', default: './qoscope.js' },
    // For bundlers and servers that need the module's path (see the README).
    './qoscope_bg.wasm': './qoscope_bg.wasm',
  },
  types: './qoscope.d.ts',
  files: [...MODULE_FILES, ...licences],
  sideEffects: false,
};
await writeFile(join(dir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
await copyFile(join(ROOT, 'js', 'npm', 'README.md'), join(dir, 'README.md'));
for (const file of licences) await copyFile(join(ROOT, file), join(dir, file));
