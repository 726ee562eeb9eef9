// Trunk writes a small inline module script into index.html that loads the wasm. The
// Content-Security-Policy in index.html allows scripts only from the page's origin, so this puts
// that one script's SHA-256 in place of the policy's 'sha256-trunk-loader' marker. Every other
// inline script stays blocked. scripts/lib/post-build.mjs runs it.
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const MARKER = "'sha256-trunk-loader'";

/** Puts the hash of the loader script into the policy of `dir`/index.html. */
export async function allowLoaderScript(dir) {
  const file = join(dir, 'index.html');
  const html = await readFile(file, 'utf8');
  if (!html.includes(MARKER)) throw new Error(`csp-hash: ${file} has no ${MARKER} in its Content-Security-Policy`);
  const inline = [...html.matchAll(/<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/g)].map((match) => match[1]);
  if (inline.length === 0) throw new Error('csp-hash: Trunk wrote no inline loader script');
  const hashes = inline.map((body) => `'sha256-${createHash('sha256').update(body, 'utf8').digest('base64')}'`);
  await writeFile(file, html.replace(MARKER, hashes.join(' ')));
}
