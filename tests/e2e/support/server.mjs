// A minimal static file server for Trunk's dist/ directory, in-process, on a free loopback port,
// at the server's root or under a sub-path, as a site would host it.
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';

const CONTENT_TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  // WebAssembly.instantiateStreaming refuses anything but application/wasm.
  '.wasm': 'application/wasm',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.webmanifest': 'application/manifest+json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * Serve `distDir` under `base` (a path ending in "/", the server root by default). Paths ending
 * in "/" and extension-less paths get index.html; `base` without its final "/" is redirected to
 * it, as static servers do for a directory; anything outside `base` is 404. Resolves to
 * `{ url, close }`, `url` being the app's address.
 */
export async function serveDist(distDir, { base = '/' } = {}) {
  if (!base.startsWith('/') || !base.endsWith('/')) throw new Error(`serveDist: base must start and end with "/", not ${base}`);
  const root = resolve(distDir);
  const server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url, 'http://localhost');
      if (url.pathname === base.slice(0, -1)) {
        res.writeHead(301, { location: `${base}${url.search}` }).end();
        return;
      }
      if (!url.pathname.startsWith(base)) throw Object.assign(new Error('outside the base path'), { code: 'ENOENT' });
      let path = `/${decodeURIComponent(url.pathname.slice(base.length))}`;
      if (path.endsWith('/') || extname(path) === '') path = '/index.html';
      const file = resolve(join(root, path));
      if (!file.startsWith(root + sep)) throw Object.assign(new Error('outside dist'), { code: 'ENOENT' });
      if (!(await stat(file)).isFile()) throw Object.assign(new Error('not a file'), { code: 'ENOENT' });
      const body = await readFile(file);
      res.writeHead(200, {
        'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
        'cache-control': 'no-store',
      });
      res.end(req.method === 'HEAD' ? undefined : body);
    } catch (err) {
      if (err.code === 'ENOENT' || err.code === 'ENOTDIR') {
        // No favicon in dist/ is not a failure of the page: answer it without a console error.
        res.writeHead(req.url === `${base}favicon.ico` ? 204 : 404).end();
      } else {
        res.writeHead(500, { 'content-type': 'text/plain' }).end(String(err));
      }
    }
  });
  await new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(0, '127.0.0.1', ok);
  });
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}${base}`,
    close: () =>
      new Promise((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}
