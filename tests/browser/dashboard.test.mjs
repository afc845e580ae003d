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
async function watchedPage(opts) {
  const page = await browser.newPage(opts);
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
  assert.ok(text.includes(payload), 'payload rendered as text');
  assert.equal(await page.locator('img').count(), 0);
  assert.deepEqual(blocked, [], 'the file asks for nothing from the network');
  assert.deepEqual(await allProblems(page, problems), []);
  await page.close();
});
