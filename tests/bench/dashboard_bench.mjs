// Times the dashboard in Chromium against a collector serving a large
// fleet (see dashboard.sh). Prints figures only, each measured inside the
// page (performance.now(), so the test driver's own round trips do not
// count) up to the next frame after the table is drawn:
// - time to interactive: from navigation start to the table drawn with
//   the summary (tiles, pictures) in place: in a new tab, on reload, on a
//   first visit and in a new window (below);
// - the first paint's API answers (time, bytes sent, JSON size);
// - a filter keystroke and a sort, from the input event to the table
//   drawn (scrolled into view), the median of five;
// - a refresh of an unchanged snapshot (a 304).
// A page without the table's data-busy (the dashboard before #18, which
// drew everything from /api/report in the browser) counts as drawn when
// its input handler returns.
// The browser tests' install of playwright-core (tests/browser/package.json).
import { chromium } from '../browser/node_modules/playwright-core/index.mjs';

const base = process.env.BASE_URL;
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--no-first-run'],
});
const median = (xs) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];

// In the page before its scripts: note when the page is first interactive.
function watchInteractive() {
  const frame = () => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
  const ready = () => document.body && document.body.dataset.loaded === 'true' &&
    (document.getElementById('servers').dataset.busy || 'false') === 'false';
  const o = new MutationObserver(() => {
    if (window.__tti === undefined && ready()) { window.__tti = null; frame().then(() => { window.__tti = performance.now(); }); }
  });
  o.observe(document, { attributes: true, subtree: true, attributeFilter: ['data-loaded', 'data-busy'] });
}

// In the page: run act, then wait for the table drawn and the next frame.
async function timeAction(page, act) {
  return page.evaluate(async (what) => {
    const t = document.getElementById('servers');
    const frame = () => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
    const s = performance.now();
    if (what.kind === 'filter') {
      const inp = document.getElementById('f-text');
      inp.value = what.text;
      inp.dispatchEvent(new Event('input', { bubbles: true }));
    } else {
      document.querySelector('th button[data-sort="fqdn"]').click();
    }
    if (t.dataset.busy === 'true') {
      await new Promise((res) => {
        const o = new MutationObserver(() => { if (t.dataset.busy === 'false') { o.disconnect(); res(); } });
        o.observe(t, { attributes: true, attributeFilter: ['data-busy'] });
      });
    }
    await frame();
    return Math.round(performance.now() - s);
  }, act);
}

// The driver leaves the page alone while it loads (Playwright's
// waitForSelector polls visibility, forcing style and layout on the
// page's main thread: ~100 ms it would not spend for a user), then reads
// the time the page noted itself.
async function readTTI(page) {
  await new Promise((r) => setTimeout(r, 1000));
  for (let k = 0; k < 240; k++) {
    const t = await page.evaluate(() => window.__tti);
    if (typeof t === 'number') return Math.round(t);
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error('the dashboard did not become interactive in 2 minutes');
}
// Four ways the dashboard is opened, each the median of five: a first
// visit (a fresh browser profile, nothing cached), a new tab in a browser
// that has shown it before (its script and style sheet cached by
// version), a reload of the same tab, as an ops lead refreshing the
// dashboard sees it, and a new window.
// A tab opens beside another tab of its profile (a blank one kept open):
// a page that is the only one of its profile opens a new window, and for
// every new window Chromium loads its own omnibox popup (a WebUI page of
// some hundred modules in another renderer) while the dashboard loads,
// which on two cores took 50-70 ms of the new-tab figure. The new window
// is timed on its own, so that cost stays in view.
const ROUNDS = 5;
const firsts = [], tabs = [], reloads = [], windows = [];
let page;
async function open(context, into) {
  if (page) await page.close();
  page = await context.newPage();
  await page.addInitScript(watchInteractive);
  page.goto(base).catch(() => {});
  into.push(await readTTI(page));
}
for (let i = 0; i < ROUNDS; i++) {
  const fresh = await browser.newContext();
  await fresh.newPage();
  await new Promise((r) => setTimeout(r, 1000)); // the new window's own pages settle
  await open(fresh, firsts);
  await page.close();
  page = null;
  await fresh.close();
}
const context = await browser.newContext();
const blank = await context.newPage();
await open(context, []);
for (let i = 0; i < ROUNDS; i++) await open(context, tabs);
for (let i = 0; i < ROUNDS; i++) {
  page.reload().catch(() => {});
  reloads.push(await readTTI(page));
}
await blank.close();
for (let i = 0; i < ROUNDS; i++) await open(context, windows);
const fig = (xs) => `${median(xs)} ms (${xs.join(', ')})`;
const opened = `${fig(tabs)} in a new tab, ${fig(reloads)} on reload, ${fig(firsts)} on a first visit, ` +
  `${fig(windows)} in a new window`;
// FLOOR=LABEL: a page that is not the dashboard (dashboard.sh's floors):
// how it opens is all that is timed.
if (process.env.FLOOR) {
  console.log(`  floor, ${process.env.FLOOR}: ${opened}`);
  await browser.close();
  process.exit(0);
}
// SAVE_STATIC=DIR: the first screen as drawn, saved as a static page
// (no script but one that says it is loaded) for dashboard.sh's floor.
if (process.env.SAVE_STATIC) {
  const fs = await import('node:fs');
  const html = (await page.content()).replace(/\?v=[0-9a-f]+"/g, '"')
    .replace(/data-loaded="true"/, 'data-loaded="false"');
  fs.writeFileSync(`${process.env.SAVE_STATIC}/index.html`, html);
  fs.writeFileSync(`${process.env.SAVE_STATIC}/app.js`, "document.body.dataset.loaded = 'true';\n");
}
const res = await page.evaluate(() => performance.getEntriesByType('resource')
  .filter((r) => /\/api\//.test(r.name))
  .map((r) => ({ name: new URL(r.name).pathname, ms: Math.round(r.duration), bytes: r.transferSize, body: r.decodedBodySize })));
// Filter and sort with the table in view, as the user sees it.
await page.evaluate(() => document.getElementById('servers-h').scrollIntoView());
const filters = [], sorts = [];
for (const w of ['mbx0999', 'mbx01', 'corp', 'mbx09', 'mbx0123']) filters.push(await timeAction(page, { kind: 'filter', text: w }));
await timeAction(page, { kind: 'filter', text: '' });
for (let i = 0; i < 5; i++) sorts.push(await timeAction(page, { kind: 'sort' }));
const rows = await page.locator('#servers tbody tr').count();
const refresh = await page.evaluate(async () => {
  const etag = (await fetch('/api/summary')).headers.get('ETag');
  const s = performance.now();
  const r = await fetch('/api/summary', { headers: etag ? { 'If-None-Match': etag } : {} });
  return { ms: Math.round(performance.now() - s), status: r.status };
});
const kib = (n) => (n >= 1048576 ? `${(n / 1048576).toFixed(1)} MiB` : `${(n / 1024).toFixed(0)} KiB`);
console.log(`dashboard, ${process.env.SERVERS} servers: time to interactive ${opened}` +
  (res.length ? res.map((r) => `; ${r.name} ${r.ms} ms, ${kib(r.bytes)} sent (${kib(r.body)} JSON)`).join('')
    : '; the first paint asked no API') +
  `; filter keystroke ${median(filters)} ms (${filters.join(', ')}); sort ${median(sorts)} ms (${sorts.join(', ')})` +
  `; ${rows} rows drawn at a time; unchanged summary refresh: HTTP ${refresh.status} in ${refresh.ms} ms`);
await browser.close();
