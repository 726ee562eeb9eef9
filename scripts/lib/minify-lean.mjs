// Shortens the lean build's import and export names after wasm-opt (esbuild then minifies the
// glue). No behaviour changes; any surprise in wasm-bindgen's output fails the build instead of
// producing a broken module.
//
//   node scripts/lib/minify-lean.mjs MAP.json qoscope_bg.wasm qoscope.js
//
// MAP.json is what `wasm-opt --minify-imports-and-exports-and-modules` printed: the old and new
// name of every import (with its module) and export. The wasm file already has the new names;
// this rewrites qoscope.js to match: the keys of the imports object, the `wasm.NAME` uses of
// exports, and the imports object's one module (binaryen names it, e.g. "a").
import { readFileSync, writeFileSync } from 'node:fs';

const [mapPath, wasmPath, jsPath] = process.argv.slice(2);
if (!jsPath) throw new Error('usage: minify-lean.mjs MAP.json WASM JS');

const map = JSON.parse(readFileSync(mapPath, 'utf8'));
const module = new WebAssembly.Module(readFileSync(wasmPath));
let js = readFileSync(jsPath, 'utf8');

const fail = (message) => {
  throw new Error(`minify-lean: ${message} (wasm-bindgen's output changed?)`);
};
const escape = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const modules = new Set(WebAssembly.Module.imports(module).map((entry) => entry.module));
if (modules.size !== 1) fail(`expected one import module after minifying, got ${[...modules]}`);
const [newModule] = modules;

// `import * as import1 from "./snippets/.../inline0.js"`: snippet modules by their variable.
const snippetVariables = new Map();
for (const [, variable, path] of js.matchAll(/^import \* as (\w+) from "([^"]+)"/gm)) {
  snippetVariables.set(path, variable);
}

// Imports of the glue itself are keys of one object literal, one per line (`NAME: function(`):
// rename the key. Snippet imports are functions of another module: add them under the new name.
const snippetEntries = [];
for (const [oldModule, oldName, newName] of map.imports) {
  if (oldModule.startsWith('./snippets/')) {
    const variable = snippetVariables.get(oldModule) ?? fail(`no import of ${oldModule}`);
    snippetEntries.push(`${JSON.stringify(newName)}: ${variable}.${oldName}`);
    continue;
  }
  const key = new RegExp(`^(\\s*)${escape(oldName)}:`, 'gm');
  const found = js.match(key)?.length ?? 0;
  if (found !== 1) fail(`import ${oldName} is defined ${found} times in the glue`);
  js = js.replace(key, `$1${JSON.stringify(newName)}:`);
}

// The imports object: every old module becomes the one new module.
const imports = /return \{\n\s*__proto__: null,\n(?:\s*"[^"]+": \w+,\n)+\s*\};/;
const glueModule = js.match(/^\s*"\.\/[^"]+_bg\.js": (\w+),$/m) ?? fail('no imports object');
if (!imports.test(js)) fail('the imports object has an unexpected shape');
js = js.replace(
  imports,
  `return { __proto__: null, ${JSON.stringify(newModule)}: Object.assign(${glueModule[1]}, { ${snippetEntries.join(', ')} }) };`,
);

// Exports are only used as `wasm.NAME`.
const exportNames = new Map(map.exports);
js = js.replace(/\bwasm\.([A-Za-z_$][\w$]*)/g, (use, name) => {
  if (!exportNames.has(name)) fail(`wasm.${name} is not an export`);
  return `wasm.${exportNames.get(name)}`;
});

writeFileSync(jsPath, js);
