// What each end-to-end file needs: the Mosquitto URL that scripts/test exports, the built app,
// and one static server and one browser shared by the file's tests.
import { after, before } from 'node:test';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { serveDist } from './server.mjs';
import { DIST_DIR, launchBrowser } from './browser.mjs';

/** The broker's WebSocket URL, or a clear error saying how to get one. */
export function brokerUrl() {
  const url = process.env.QOSCOPE_MOSQUITTO_WS_URL;
  if (!url) {
    throw new Error('QOSCOPE_MOSQUITTO_WS_URL is not set (e.g. ws://127.0.0.1:9001/mqtt). Run scripts/test, ' +
      'or run these tests under scripts/lib/mosquitto.sh, which starts a broker and sets it.');
  }
  return url;
}

/**
 * Serves dist/ (under `base`, the server root by default) and launches Chromium before the file's
 * tests; closes both after them.
 */
export function useApp({ base } = {}) {
  if (!existsSync(join(DIST_DIR, 'index.html'))) {
    throw new Error(`${DIST_DIR}/index.html is missing: run \`trunk build --release\` first.`);
  }
  const suite = { server: undefined, browser: undefined };
  before(async () => {
    suite.server = await serveDist(DIST_DIR, { base });
    suite.browser = await launchBrowser();
  });
  after(async () => {
    await suite.browser?.close();
    await suite.server?.close();
  });
  return suite;
}
