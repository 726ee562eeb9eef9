// Renders static/favicon.svg as the PNG icons the web app manifest lists beside it
// (static/icon-192.png and static/icon-512.png), for systems that install a web app only with
// bitmap icons. Run it after changing the SVG:  node scripts/lib/render-icons.mjs
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const STATIC = fileURLToPath(new URL('../../static/', import.meta.url));
const svg = await readFile(join(STATIC, 'favicon.svg'), 'utf8');
const browser = await chromium.launch({ executablePath: process.env.QOSCOPE_CHROMIUM ?? '/usr/bin/chromium', args: ['--no-sandbox'] });
try {
  for (const size of [192, 512]) {
    const page = await browser.newPage({ viewport: { width: size, height: size } });
    await page.setContent(`<style>html,body{margin:0;background:transparent}svg{display:block;width:${size}px;height:${size}px}</style>${svg}`);
    await page.screenshot({ path: join(STATIC, `icon-${size}.png`), omitBackground: true });
    await page.close();
  }
} finally {
  await browser.close();
}
