// Times the dashboard in Chromium against a collector serving a large
// fleet (see dashboard.sh). Prints figures only.
// The browser tests' install of playwright-core (tests/browser/package.json).
import { chromium } from '../browser/node_modules/playwright-core/index.mjs';

const base = process.env.BASE_URL;
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--no-first-run'],
});
const page = await browser.newPage();
const t0 = Date.now();
await page.goto(base);
await page.waitForSelector('body[data-loaded="true"]', { timeout: 120000 });
const tti = Date.now() - t0;
const api = await page.evaluate(() => {
  const e = performance.getEntriesByType('resource').find((r) => r.name.endsWith('/api/report'));
  return e ? { ms: Math.round(e.duration), bytes: e.transferSize } : null;
});
const timed = async (fn) => { const s = Date.now(); await fn(); return Date.now() - s; };
const filter = await timed(async () => {
  await page.fill('#f-text', 'mbx0999');
  await page.waitForFunction(() => document.querySelectorAll('#servers tbody tr').length <= 10);
});
await page.fill('#f-text', '');
const sort = await timed(async () => {
  await page.click('th button[data-sort="fqdn"]');
  await page.waitForFunction(() => document.querySelector('#servers th[aria-sort]') !== null);
});
const rows = await page.locator('#servers tbody tr').count();
console.log(`dashboard, ${process.env.SERVERS} servers: time to interactive ${tti} ms` +
  (api ? ` (of which /api/report ${api.ms} ms, ${(api.bytes / 1048576).toFixed(1)} MiB)` : '') +
  `; filter keystroke ${filter} ms; sort ${sort} ms; ${rows} rows drawn at a time`);
await browser.close();
