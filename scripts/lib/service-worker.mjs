// Writes the app's service worker into a build: js/service_worker.js after one line naming the
// build's files and a version, a hash of their paths and contents. Any change to any file gives a
// new version, so browsers install the new worker and drop the old build's cache (see
// js/service_worker.js). scripts/lib/post-build.mjs runs it last, once no other step changes
// the files.
import { createHash } from 'node:crypto';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';

export const SERVICE_WORKER = 'service-worker.js';

/** The files under `dir` as sorted '/'-separated paths, leaving out dotfiles (Trunk's lock file). */
async function buildFiles(dir) {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)).split(sep).join('/'))
    .filter((path) => path !== SERVICE_WORKER && !path.split('/').some((part) => part.startsWith('.')))
    .sort();
}

/** Writes `dir`/service-worker.js from the `template` file for the build in `dir`; returns its BUILD. */
export async function writeServiceWorker(dir, template) {
  const files = await buildFiles(dir);
  if (!files.includes('index.html')) throw new Error(`service-worker: ${dir} has no index.html (is it a build?)`);
  const hash = createHash('sha256');
  for (const file of files) {
    const content = createHash('sha256').update(await readFile(join(dir, file))).digest('hex');
    hash.update(`${file} ${content}\n`);
  }
  const build = { version: hash.digest('hex').slice(0, 16), files };
  const source = await readFile(template, 'utf8');
  await writeFile(join(dir, SERVICE_WORKER), `const BUILD = ${JSON.stringify(build)};\n${source}`);
  return build;
}
