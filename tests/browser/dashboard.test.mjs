// Dashboard and auditor's HTML file in Debian's Chromium (playwright-core).
// BASE_URL: a collector serving the prepared fleet; REPORT_HTML: the file
// written by `report --format html`. Prepared by tests/browser/run.sh.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';

const base = process.env.BASE_URL;
const reportFile = process.env.REPORT_HTML;
const payload = '<img src=x onerror=alert(2)>';
let browser;

before(async () => {
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});
after(async () => { await browser?.close(); });

// A page that fails the test on any dialog (an executed payload), console
// error or Content-Security-Policy violation (cspProblems reads those).
// In context when given (pages that share a browser cache), else alone.
async function watchedPage(opts, context) {
  const page = await (context ? context.newPage() : browser.newPage(opts));
  const problems = [];
  page.on('dialog', async (d) => { problems.push(`dialog: ${d.message()}`); await d.dismiss(); });
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  await page.addInitScript(() => {
    window.alert = () => { window.__alerted = true; };
    window.__csp = [];
    document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  return { page, problems };
}

// Problems plus the page's CSP violations: [] when all is well.
async function allProblems(page, problems) {
  return problems.concat(await page.evaluate(() => window.__csp.map((v) => `csp: ${v}`)));
}

const rows = (page) => page.locator('#servers tbody tr');
// The table is fetched from the collector: wait until the newest request
// is drawn.
const settled = (page) => page.waitForSelector('#servers[data-busy="false"]', { state: 'attached' });
async function loaded(page, url) {
  await page.goto(url || base);
  await page.waitForSelector('body[data-loaded="true"]');
  await settled(page);
}

test('overview counts, filter and sort', async () => {
  const { page, problems } = await watchedPage();
  await loaded(page);
  assert.equal(await page.textContent('#n-critical'), '2');
  assert.equal(await page.textContent('#n-clean'), '2');
  assert.equal(await rows(page).count(), 4);

  await page.fill('#f-text', 'mbx04');
  await settled(page);
  assert.equal(await rows(page).count(), 1);
  await page.fill('#f-text', '');
  await page.selectOption('#f-status', 'clean');
  await settled(page);
  assert.equal(await rows(page).count(), 2);
  await page.selectOption('#f-status', '');
  await page.selectOption('#f-rule', 'BACKEND_CERT_NOT_IN_STORE');
  await settled(page);
  assert.equal(await rows(page).count(), 1);
  assert.equal(await rows(page).first().getAttribute('data-fqdn'), 'mbx04.corp.example');
  await page.selectOption('#f-rule', '');

  await page.click('th button[data-sort="fqdn"]');
  await settled(page);
  assert.equal(await rows(page).first().getAttribute('data-fqdn'), 'mbx01.corp.example');
  await page.click('th button[data-sort="fqdn"]');
  await settled(page);
  assert.equal(await rows(page).first().getAttribute('data-fqdn'), 'mbx04.corp.example');
  // Keyboard: the sort buttons are reachable and work with Enter.
  await page.focus('th button[data-sort="status"]');
  await page.keyboard.press('Enter');
  await settled(page);
  assert.equal(await page.getAttribute('th:has(button[data-sort="status"])', 'aria-sort'), 'ascending');
  assert.deepEqual(await allProblems(page, problems), []);
  await page.close();
});

// The collector puts the summary and the table's first page in the page
// itself (collector/output/page.h): the first paint makes no API request,
// a value that would end the block is text, the refresh revalidates with
// the page's ETags, and the script and style sheet are kept by version.
const hostileSite = '</script><script>alert(3)</script><!--';
test('the first paint comes inside the page: no API request, a value that would end its block is text', async () => {
  const context = await browser.newContext();
  const { page, problems } = await watchedPage(null, context);
  const assets = [];
  page.on('response', (r) => { if (/\/(app\.js|style\.css)/.test(r.url())) assets.push(r.url()); });
  await loaded(page);
  const api = await page.evaluate(() => performance.getEntriesByType('resource')
    .map((r) => new URL(r.name).pathname).filter((p) => p.startsWith('/api/')));
  assert.deepEqual(api, [], 'the summary and the first table page came with the page');
  assert.equal(await page.textContent('#n-critical'), '2');
  assert.equal(await rows(page).count(), 4);
  assert.equal(await page.textContent('#servers tr[data-fqdn="mbx02.corp.example"] td:nth-child(3)'), hostileSite);
  assert.equal(await page.locator('script').count(), 2, 'app.js and the boot block, nothing the value opened');
  assert.equal(await page.evaluate(() => window.__alerted === true), false);
  const statuses = await page.evaluate(async () => {
    const boot = JSON.parse(document.getElementById('bs-boot').textContent);
    const ask = async (url, etag) => (await fetch(url, { headers: { 'If-None-Match': etag } })).status;
    return [await ask('/api/summary', boot.summary_etag), await ask(boot.table_url, boot.table_etag)];
  });
  assert.deepEqual(statuses, [304, 304], 'an unchanged snapshot is not sent again');
  // Named by version, kept: a second visit in the same browser asks for neither.
  assert.ok(assets.length >= 2 && assets.every((u) => /\?v=[0-9a-f]{32}$/.test(u)), assets.join(' '));
  const second = await context.newPage();
  await second.goto(base);
  await second.waitForSelector('body[data-loaded="true"]');
  const sent = await second.evaluate(() => performance.getEntriesByType('resource')
    .filter((r) => /\/(app\.js|style\.css)/.test(r.name)).map((r) => r.transferSize));
  assert.deepEqual(sent, [0, 0], 'app.js and style.css from the browser cache');
  await second.close();
  assert.deepEqual(await allProblems(page, problems), []);
  await context.close();
});

// A browser that restores what the user typed in the search box on reload
// (Firefox does, as the control is parsed; this Chromium does not for a
// no-store page, so the restore is done here the same way): the page's
// summary is drawn, its table page is not the one asked for, so that one
// alone is fetched.
test('a restored search draws the summary from the page and fetches only the table', async () => {
  const { page, problems } = await watchedPage();
  await page.addInitScript(() => {
    const o = new MutationObserver(() => {
      const f = document.getElementById('f-text');
      if (f) { f.value = 'mbx04'; o.disconnect(); }
    });
    o.observe(document, { childList: true, subtree: true });
  });
  await loaded(page);
  assert.equal(await page.inputValue('#f-text'), 'mbx04');
  assert.equal(await rows(page).count(), 1);
  assert.equal(await rows(page).first().getAttribute('data-fqdn'), 'mbx04.corp.example');
  assert.equal(await page.textContent('#n-critical'), '2');
  const api = await page.evaluate(() => performance.getEntriesByType('resource')
    .map((r) => new URL(r.name)).filter((u) => u.pathname.startsWith('/api/')).map((u) => u.pathname + u.search));
  assert.deepEqual(api, ['/api/table?q=mbx04&sort=status&dir=asc&offset=0&limit=20']);
  assert.deepEqual(await allProblems(page, problems), []);
  await page.close();
});

test('server page shows the broken binding link and the fix', async () => {
  const { page, problems } = await watchedPage();
  await loaded(page);
  await page.click('a[href="#server=mbx04.corp.example"]');
  await page.waitForSelector('#detail:not([hidden])');
  const detail = await page.textContent('#detail');
  assert.match(detail, /BROKEN: certificate not in store/);
  assert.match(detail, /BACKEND_CERT_NOT_IN_STORE/);
  assert.match(detail, /Fix:/);
  assert.deepEqual(await allProblems(page, problems), []);
  await page.close();
});

test('consistency view groups servers and filters the table', async () => {
  const { page, problems } = await watchedPage();
  await loaded(page);
  const groups = await page.textContent('#consistency-body');
  assert.match(groups, /15\.2\.1544\.4\s*3/);
  assert.match(groups, /missing\s*1\s*mbx04\.corp\.example/);
  await page.click('#consistency-body button[data-filter="15.1.2507.39"]');
  await settled(page);
  assert.equal(await rows(page).count(), 1);
  assert.equal(await rows(page).first().getAttribute('data-fqdn'), 'mbx04.corp.example');
  assert.deepEqual(await allProblems(page, problems), []);
  await page.close();
});

test('server page: traffic by target, change history, muted finding', async () => {
  const { page, problems } = await watchedPage();
  await page.goto(`${base}#server=mbx01.corp.example`);
  await page.waitForSelector('#detail:not([hidden])');
  const traffic = await page.textContent('#detail table.traffic');
  assert.match(traffic, /HttpProxy Owa/);
  assert.match(traffic, /mbx03\.corp\.example: \d+ of \d+ \(TrustFailure\)/);
  assert.ok(await page.locator('#detail svg.bar rect').count() > 0, 'status bars drawn');
  const detail = await page.textContent('#detail');
  assert.match(detail, /binding added.*Default Web Site: http \*:8080:/s);
  assert.match(detail, /Muted until .* by tester: CHG-7 test binding/);
  // Muted: the server stays clean and its worst finding is none.
  await page.fill('#f-text', 'mbx01');
  await settled(page);
  assert.match(await rows(page).first().textContent(), /clean.*none$/s);
  assert.deepEqual(await allProblems(page, problems), []);
  await page.close();
});

test('server page: a sample whose log files were truncated in place says so, the others do not', async () => {
  const { page, problems } = await watchedPage();
  await page.goto(`${base}#server=mbx01.corp.example`);
  await page.waitForSelector('#detail[data-loaded="mbx01.corp.example"]');
  const s = await page.evaluate(async () => (await fetch('/api/servers/mbx01.corp.example')).json());
  const bySample = Object.fromEntries(s.report.log_samples.map((l) => [l.name, l.files_truncated]));
  assert.equal(bySample.Mapi, 2, 'the server JSON carries files_truncated');
  assert.equal(bySample.Owa, undefined);
  const mapi = page.locator('#detail table.traffic tbody tr', { hasText: 'HttpProxy Mapi' });
  assert.equal(await mapi.locator('.truncated').textContent(), '2 log files were truncated in place and re-read');
  assert.equal(await page.locator('#detail table.traffic .truncated').count(), 1);
  assert.doesNotMatch(await page.locator('#detail table.traffic tbody tr', { hasText: 'HttpProxy Owa' }).textContent(), /truncated/);
  assert.deepEqual(await allProblems(page, problems), []);
  await page.close();
});

test('agent strings are shown as text, never run', async () => {
  const { page, problems } = await watchedPage();
  await page.goto(`${base}#server=mbx03.corp.example`);
  await page.waitForSelector('#detail:not([hidden])');
  const detail = await page.textContent('#detail');
  assert.ok(detail.includes(payload), 'the friendly name is shown literally');
  // RFC 2253 escapes < and > with a backslash; either way it is text.
  assert.match(detail, /CN=\\?<script\\?>alert\(1\)\\?<\/script\\?>/, 'the subject is shown literally');
  assert.equal(await page.locator('#detail img').count(), 0);
  assert.equal(await page.evaluate(() => window.__alerted === true), false);
  assert.deepEqual(await allProblems(page, problems), []);
  await page.close();
});

test('expiry timeline: every bound certificate, hover names it and its servers, click filters', async () => {
  const { page, problems } = await watchedPage();
  await loaded(page);
  // 443: the namespace certificate (a year) on all four servers, one mark.
  const m443 = page.locator('#expiry g[data-series="443"] rect.mark');
  assert.equal(await m443.count(), 1);
  assert.equal(await m443.first().getAttribute('data-servers'), '4');
  const title = await m443.first().locator('title').textContent();
  assert.match(title, /4 servers/);
  assert.match(title, /mail\.corp\.example \[[0-9A-F]{8}…\] on mbx01\.corp\.example, mbx02\.corp\.example, mbx03\.corp\.example and 1 more/);
  // 444: the wildcard (200 days) on mbx02, the namespace on mbx03; mbx01's
  // self-signed is years away and mbx04's is gone.
  const m444 = page.locator('#expiry g[data-series="444"] rect.mark');
  assert.equal(await m444.count(), 2);
  assert.match(await page.textContent('#expiry g[data-series="444"]'), /1 later than 400 days; 1 without a certificate/);
  const wildcard = m444.first();
  const day = Number(await wildcard.getAttribute('data-day'));
  assert.ok(day >= 198 && day <= 200, `wildcard expires in ${day} days`);
  assert.match(await wildcard.locator('title').textContent(), /\*\.corp\.example .* on mbx02\.corp\.example/);
  await wildcard.click();
  await settled(page);
  assert.equal(await rows(page).count(), 1);
  assert.equal(await rows(page).first().getAttribute('data-fqdn'), 'mbx02.corp.example');
  // The table's days to expiry is the timeline's day: one rounding rule.
  assert.equal(await rows(page).first().locator('td').nth(6).textContent(), String(day));
  assert.match(await page.textContent('#f-active'), /444 .*certificates expiring on \d{4}-\d\d-\d\d/);
  await page.click('#f-clear');
  await settled(page);
  assert.equal(await rows(page).count(), 4);
  // Keyboard: the marks are focusable and Enter selects one.
  await m443.first().focus();
  await page.keyboard.press('Enter');
  await settled(page);
  assert.equal(await rows(page).count(), 4);
  assert.deepEqual(await allProblems(page, problems), []);
  await page.close();
});

test('findings over time: counts per severity per day match the findings', async () => {
  const { page, problems } = await watchedPage();
  await loaded(page);
  const days = page.locator('#trend g.day');
  assert.equal(await days.count(), 90);
  const today = days.last();
  // Today's counts are the findings open now, by severity (muted ones too:
  // the history counts what was found).
  const want = await page.evaluate(async () => {
    const f = await (await fetch('/api/findings')).json();
    const n = { critical: 0, warning: 0, info: 0 };
    for (const x of f) n[x.severity]++;
    return n;
  });
  assert.ok(want.critical > 0);
  for (const sev of ['critical', 'warning', 'info']) {
    assert.equal(Number(await today.getAttribute('data-' + sev)), want[sev], sev);
  }
  assert.match(await today.locator('title').textContent(),
    new RegExp(`^\\d{4}-\\d\\d-\\d\\d: ${want.critical} critical, ${want.warning} warning, ${want.info} info$`));
  assert.ok(await today.locator('rect.seg-crit').count() === 1, 'critical drawn');
  // Before the first report nothing was open.
  assert.equal(await days.first().getAttribute('data-critical'), '0');
  assert.deepEqual(await allProblems(page, problems), []);
  await page.close();
});

test('consistency bars: the odd group stands out and a click filters', async () => {
  const { page, problems } = await watchedPage();
  await loaded(page);
  const build = page.locator('#consistency-body svg.groupbar[data-prop="build"] rect');
  assert.equal(await build.count(), 2);
  assert.equal(await build.nth(0).getAttribute('data-count'), '3');
  assert.equal(await build.nth(0).getAttribute('class'), 'seg-major');
  assert.equal(await build.nth(1).getAttribute('data-count'), '1');
  assert.equal(await build.nth(1).getAttribute('class'), 'seg-odd');
  const w = async (i) => Number(await build.nth(i).getAttribute('width'));
  assert.ok(await w(0) > 2.5 * await w(1), 'segments as wide as their groups');
  // 443: one certificate everywhere, no odd group.
  assert.equal(await page.locator('svg.groupbar[data-prop="cert_443"] rect.seg-odd').count(), 0);
  await build.nth(1).click();
  await settled(page);
  assert.equal(await rows(page).count(), 1);
  assert.equal(await rows(page).first().getAttribute('data-fqdn'), 'mbx04.corp.example');
  assert.match(await page.textContent('#f-active'), /Exchange build 15\.1\.2507\.39/);
  assert.deepEqual(await allProblems(page, problems), []);
  await page.close();
});

test('server page: findings over time and back-end failures per sampled hour', async () => {
  const { page, problems } = await watchedPage();
  await page.goto(`${base}#server=mbx01.corp.example`);
  await page.waitForSelector('#detail[data-loaded="mbx01.corp.example"]');
  const s = await page.evaluate(async () => (await fetch('/api/servers/mbx01.corp.example')).json());
  let failures = 0, requests = 0;
  for (const l of s.report.log_samples) {
    if (l.kind !== 'LOG_HTTPPROXY') continue;
    for (const t of l.targets || []) { failures += Number(t.backend_failures || 0); requests += Number(t.requests || 0); }
  }
  assert.ok(failures > 0, 'the fleet fails to reach mbx03');
  const hours = page.locator('#traffic-hours g.hour');
  assert.ok(await hours.count() >= 1);
  let drawnF = 0, drawnR = 0;
  for (const h of await hours.all()) {
    drawnF += Number(await h.getAttribute('data-failures'));
    drawnR += Number(await h.getAttribute('data-requests'));
  }
  // Two reports of the same logs: each sampled window counted once.
  assert.equal(drawnF, failures);
  assert.equal(drawnR, requests);
  assert.match(await hours.first().locator('title').textContent(), /^\d{4}-\d\d-\d\d \d\d:00 UTC: \d+ back-end failures of \d+ requests$/);
  // Its findings over time: CONFIG_CHANGED (muted) and the 444 info.
  const today = page.locator('#server-trend g.day').last();
  assert.equal(await page.locator('#server-trend g.day').count(), 90);
  const open = s.findings.length;
  const drawn = ['critical', 'warning', 'info'].map((k) => today.getAttribute('data-' + k));
  assert.equal((await Promise.all(drawn)).map(Number).reduce((a, b) => a + b, 0), open);
  assert.deepEqual(await allProblems(page, problems), []);
  await page.close();
});

test('a #server= link opens the server page at the top', async () => {
  const { page, problems } = await watchedPage({ viewport: { width: 1400, height: 900 } });
  await page.goto(`${base}#server=mbx03.corp.example`);
  await page.waitForSelector('#detail[data-loaded="mbx03.corp.example"]');
  const top = await page.evaluate(() => document.getElementById('detail').getBoundingClientRect().top);
  assert.ok(Math.abs(top) < 100, `server page at ${top}px`);
  const below = await page.evaluate(() => document.getElementById('servers').getBoundingClientRect().top);
  assert.ok(below > top, 'the fleet comes after it');
  await page.click('#close-detail');
  await page.waitForSelector('#detail', { state: 'hidden' });
  assert.deepEqual(await allProblems(page, problems), []);
  await page.close();
});

test('at 1,400 px the server table fits; a cut value is whole on hover', async () => {
  const { page, problems } = await watchedPage({ viewport: { width: 1400, height: 900 } });
  await loaded(page);
  const fit = await page.evaluate(() => ({
    page: document.documentElement.scrollWidth, view: document.documentElement.clientWidth,
    table: document.getElementById('servers').getBoundingClientRect().right,
  }));
  assert.ok(fit.page <= fit.view, `page ${fit.page} px wide in ${fit.view}`);
  assert.ok(fit.table <= fit.view, `table ends at ${fit.table}`);
  const c444 = rows(page).filter({ hasText: 'mbx03.corp.example' }).locator('td').nth(5);
  assert.equal(await c444.getAttribute('title'), 'third-party: mail.corp.example (does not cover the FQDN)');
  assert.deepEqual(await allProblems(page, problems), []);
  await page.close();
});

test("the auditor's file opens from file:// with the network off", async () => {
  const { page, problems } = await watchedPage();
  const blocked = [];
  await page.route('**/*', (route) => {
    if (route.request().url().startsWith('file:')) return route.continue();
    blocked.push(route.request().url());
    return route.abort();
  });
  await page.goto(`file://${reportFile}`);
  const text = await page.textContent('body');
  assert.match(text, /mbx03\.corp\.example/);
  assert.match(text, /BACKEND_CERT_NAME_MISMATCH/);
  assert.match(text, /SHA-256 of the report data: [0-9a-f]{64}/);
  assert.match(text, /mbx01\.corp\.exampleHttpProxy Mapi2 log files were truncated in place and re-read/);
  assert.ok(text.includes(payload), 'payload rendered as text');
  assert.equal(await page.locator('img').count(), 0);
  assert.deepEqual(blocked, [], 'the file asks for nothing from the network');
  assert.deepEqual(await allProblems(page, problems), []);
  await page.close();
});

test("the auditor's file draws the pictures, readable in print", async () => {
  const { page, problems } = await watchedPage({ viewport: { width: 1000, height: 800 } });
  const blocked = [];
  await page.route('**/*', (route) => {
    if (route.request().url().startsWith('file:')) return route.continue();
    blocked.push(route.request().url());
    return route.abort();
  });
  await page.goto(`file://${reportFile}`);
  // The expiry timeline: the namespace certificate on four servers (443),
  // the wildcard and the namespace certificate on 444, each named on hover.
  assert.equal(await page.locator('#expiry g[data-series="443"] rect.mark').count(), 1);
  assert.equal(await page.locator('#expiry g[data-series="443"] rect.mark').getAttribute('data-servers'), '4');
  assert.equal(await page.locator('#expiry g[data-series="444"] rect.mark').count(), 2);
  assert.match(await page.locator('#expiry g[data-series="444"] rect.mark title').first().textContent(),
    /\*\.corp\.example \[[0-9A-F]{40}\] on mbx02\.corp\.example/);
  // Findings over time: today's critical count is the file's critical findings.
  const findings = page.locator('table').filter({ has: page.locator('caption', { hasText: /^Findings$/ }) });
  const critical = await findings.locator('td.critical').count();
  assert.ok(critical > 0);
  assert.equal(await page.locator('#trend g.day').count(), 90);
  assert.equal(Number(await page.locator('#trend g.day').last().getAttribute('data-critical')), critical);
  // Consistency: the odd build stands out.
  const build = page.locator('#consistency svg[data-prop="build"] rect');
  assert.equal(await build.count(), 2);
  assert.equal(await page.locator('#consistency svg[data-prop="build"] rect.odd').getAttribute('data-count'), '1');
  // In print the pictures stay on the page, within its width.
  await page.emulateMedia({ media: 'print' });
  for (const id of ['#expiry', '#trend', '#consistency']) {
    const box = await page.locator(id).boundingBox();
    assert.ok(box && box.width > 100 && box.x + box.width <= 1000, `${id} in print: ${JSON.stringify(box)}`);
  }
  const pdf = await page.pdf({ format: 'A4' });
  assert.ok(pdf.length > 10000, 'prints');
  assert.deepEqual(blocked, [], 'the file asks for nothing from the network');
  assert.deepEqual(await allProblems(page, problems), []);
  await page.close();
});

test('the dashboard prints its pictures without the controls', async () => {
  const { page, problems } = await watchedPage({ viewport: { width: 1000, height: 800 } });
  await loaded(page);
  await page.emulateMedia({ media: 'print' });
  assert.equal(await page.locator('#filters').isVisible(), false);
  for (const id of ['#expiry svg', '#trend svg', '#consistency-body svg']) {
    const box = await page.locator(id).first().boundingBox();
    assert.ok(box && box.width > 100 && box.x + box.width <= 1000, `${id} in print: ${JSON.stringify(box)}`);
  }
  assert.deepEqual(await allProblems(page, problems), []);
  await page.close();
});

test('consistency view: TLS, .NET, Extended Protection and Auth certificate groups; the odd TLS server filters', async () => {
  const { page, problems } = await watchedPage();
  await loaded(page);
  for (const prop of ['tls', 'dotnet', 'extended_protection', 'auth_cert']) {
    assert.ok(await page.locator(`#consistency-body svg.groupbar[data-prop="${prop}"]`).count() === 1, `${prop} group drawn`);
  }
  const tls = page.locator('#consistency-body svg.groupbar[data-prop="tls"] rect');
  assert.equal(await tls.count(), 2);
  assert.equal(await tls.nth(1).getAttribute('class'), 'seg-odd');
  assert.equal(await tls.nth(1).getAttribute('data-count'), '1');
  // Everything else about TLS, .NET and the Auth certificate is alike.
  for (const prop of ['dotnet', 'auth_cert']) {
    assert.equal(await page.locator(`svg.groupbar[data-prop="${prop}"] rect.seg-odd`).count(), 0, prop);
  }
  await tls.nth(1).click();
  await settled(page);
  assert.equal(await rows(page).count(), 1);
  assert.equal(await rows(page).first().getAttribute('data-fqdn'), 'mbx03.corp.example');
  assert.deepEqual(await allProblems(page, problems), []);
  await page.close();
});

test('server page: TLS matrix, Extended Protection expected beside actual, a fix to copy', async () => {
  const { page, problems } = await watchedPage();
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base });
  await loaded(page, base + '#server=mbx03.corp.example');
  await page.waitForSelector('#detail:not([hidden]) table.tls-matrix');
  const cells = page.locator('table.tls-matrix tbody td');
  assert.equal(await cells.count(), 12, 'six protocols, Server and Client');
  const row = (p) => page.locator('table.tls-matrix tbody tr', { has: page.locator('th', { hasText: p }) });
  assert.match(await row('TLS 1.2').locator('td').nth(0).textContent(), /^enabled/);
  assert.equal(await row('TLS 1.2').locator('td').nth(0).getAttribute('class'), 'tls on');
  assert.match(await row('TLS 1.0').locator('td').nth(1).textContent(), /^disabled/);
  // TLS 1.3 is unsupported on the fleet's Windows Server 2019: not "disabled".
  assert.match(await row('TLS 1.3').locator('td').nth(0).textContent(), /^unsupported.*Enabled absent/);
  const ep = page.locator('table.ep tbody tr');
  assert.ok(await ep.count() >= 10);
  const ews = page.locator('table.ep tbody tr', { has: page.locator('td', { hasText: /^Default Web Site\/EWS$/ }) });
  assert.deepEqual(await ews.locator('td').evaluateAll((t) => t.slice(1, 4).map((x) => x.textContent)),
    ['Allow', 'Allow', 'as expected']);
  const f = page.locator('.finding', { hasText: 'TLS_SETTINGS_INCONSISTENT' });
  assert.equal(await f.count(), 1);
  const pre = f.locator('pre.fix');
  assert.match(await pre.textContent(), /mbx03\.corp\.example/);
  assert.match(await pre.textContent(), /Remove-ItemProperty .*AllowInsecureRenegoClients/);
  await f.locator('button.copy').click();
  // A locator waits in Playwright's own world; waitForFunction polls with eval in
  // the page's, which the page's CSP refuses once the first check comes too early.
  await f.locator('.copy-note', { hasText: /^(Copied\.|Selected: press Ctrl\+C\.)$/ }).waitFor();
  const note = await f.locator('.copy-note').textContent();
  if (note === 'Copied.') {
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), await pre.textContent());
  } else {
    assert.equal(note, 'Selected: press Ctrl+C.');
  }
  assert.deepEqual(await allProblems(page, problems), []);
  await page.close();
});
