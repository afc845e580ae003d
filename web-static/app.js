// bindscope dashboard. Every string that reaches the page came from an
// agent and is untrusted: it is only ever set with textContent or as an
// attribute value through the DOM API, never parsed as HTML. The pictures
// are SVG built the same way (no library, nothing from the network).
//
// The first paint needs two small answers: /api/summary (tiles, pictures,
// consistency) and one page of /api/table (the collector filters, sorts
// and pages the server table), so a 10,000-server fleet loads as fast as
// a small one. The collector puts both in the page itself (the bs-boot
// block), so the page is drawn when this script runs, with no round trip;
// it is fetched only when they are missing. Each answer's ETag is kept:
// the refresh asks with If-None-Match and an unchanged snapshot costs a 304.
'use strict';

const PAGE = 20; // table rows fetched and drawn at a time: about a screenful
const SVG_NS = 'http://www.w3.org/2000/svg';
const DAY_MS = 86400000;
const state = {
  summary: null, sortKey: 'status', sortDir: 1, rows: [], matched: 0, total: 0,
  group: null, // {prop, value, label}: a consistency group
  expires: null, // {series, day, label}: an expiry timeline mark
  seq: 0, // the newest table request: older answers are dropped
};

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === 'class') e.className = v; else e.setAttribute(k, v);
  }
  for (const c of children) {
    if (c === null || c === undefined) continue;
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}

function svg(tag, attrs, ...children) {
  const e = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, String(v));
  for (const c of children) {
    if (c === null || c === undefined) continue;
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}

// Whole days until notAfter (Unix seconds), rounded down: negative exactly
// when it has passed. The collector's bs_days_left (common/clock.c) is the
// same rule, so the table, the timeline and the findings agree.
function daysLeft(notAfter, nowMs = Date.now()) {
  if (!notAfter) return null;
  return Math.floor((notAfter * 1000 - nowMs) / DAY_MS);
}

function daysText(d) {
  if (d === null || d === undefined) return '–';
  if (d < 0) return `expired ${-d} day${d === -1 ? '' : 's'} ago`;
  return `in ${d} day${d === 1 ? '' : 's'}`;
}

// Answers kept with their ETags, by URL (a few: the summary, the pages
// shown, the server page).
const cache = new Map();
async function getJSON(url) {
  const held = cache.get(url);
  const headers = { Accept: 'application/json' };
  if (held) headers['If-None-Match'] = held.etag;
  const res = await fetch(url, { headers, cache: 'no-store' });
  if (res.status === 304 && held) return { data: held.data, fresh: false };
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  const data = await res.json();
  const etag = res.headers.get('ETag');
  if (etag) {
    cache.delete(url);
    cache.set(url, { etag, data });
    while (cache.size > 8) cache.delete(cache.keys().next().value);
  }
  return { data, fresh: true };
}

// ---- the server table, a page at a time from the collector ----

function tableURL(offset) {
  const p = new URLSearchParams();
  const text = document.getElementById('f-text').value.trim();
  const status = document.getElementById('f-status').value;
  const rule = document.getElementById('f-rule').value;
  if (text) p.set('q', text);
  if (status) p.set('status', status);
  if (rule) p.set('rule', rule);
  if (state.group) { p.set('prop', state.group.prop); p.set('value', state.group.value); }
  if (state.expires) p.set('expires', `${state.expires.series}:${state.expires.day}`);
  p.set('sort', state.sortKey);
  p.set('dir', state.sortDir > 0 ? 'asc' : 'desc');
  p.set('offset', String(offset));
  p.set('limit', String(PAGE));
  return '/api/table?' + p.toString();
}

// A cell that shows a long value cut short, the whole of it on hover.
function cell(text, cls) {
  return el('td', { class: cls || '', title: text }, text);
}

function rowOf(s) {
  const w = s.worst;
  const link = el('a', { href: '#server=' + encodeURIComponent(s.fqdn), title: s.fqdn }, s.fqdn);
  return el('tr', { 'data-fqdn': s.fqdn },
    el('td', null, link),
    cell(s.exchange_build || 'unknown'),
    cell(s.ad_site || 'unknown'),
    el('td', { class: s.status }, s.status),
    cell(s.cert_443, s.cert_443_broken ? 'broken' : ''),
    cell(s.cert_444, s.cert_444_broken ? 'broken' : ''),
    el('td', null, s.days_444 === null ? '–' : String(s.days_444)),
    cell(s.last_report_at || '–'),
    el('td', { class: 'wrap ' + (w ? 'sev-' + w.severity : '') }, w ? `${w.rule}: ${w.title}` : 'none'));
}

function renderRows(append) {
  const tbody = document.querySelector('#servers tbody');
  const frag = document.createDocumentFragment();
  const from = append ? tbody.children.length : 0;
  for (const s of state.rows.slice(from)) frag.append(rowOf(s));
  if (append) tbody.append(frag); else tbody.replaceChildren(frag);
  document.getElementById('count').textContent =
    `${state.rows.length} of ${state.matched} matching servers shown (${state.total} in the fleet)`;
  const more = document.getElementById('more');
  more.hidden = state.rows.length >= state.matched;
  more.textContent = `Show ${Math.min(PAGE, state.matched - state.rows.length)} more`;
  for (const th of document.querySelectorAll('#servers th')) {
    const b = th.querySelector('button');
    if (b && b.dataset.sort === state.sortKey) th.setAttribute('aria-sort', state.sortDir > 0 ? 'ascending' : 'descending');
    else th.removeAttribute('aria-sort');
  }
  const active = document.getElementById('f-active');
  const parts = [];
  if (state.group) parts.push(state.group.label);
  if (state.expires) parts.push(state.expires.label);
  active.hidden = parts.length === 0;
  document.getElementById('f-active-text').textContent = parts.length ? 'Showing ' + parts.join('; ') + '.' : '';
}

function showTable(data, append) {
  state.rows = append ? state.rows.concat(data.rows) : data.rows;
  state.matched = data.matched;
  state.total = data.total;
  renderRows(append);
}

// The first page for the current filter and sort (append: the next one).
// data-busy on the table says whether the newest request is drawn yet.
async function loadTable(append) {
  const seq = ++state.seq;
  const table = document.getElementById('servers');
  table.dataset.busy = 'true';
  try {
    const { data } = await getJSON(tableURL(append ? state.rows.length : 0));
    if (seq !== state.seq) return; // a newer request is on its way
    showTable(data, append);
  } finally {
    if (seq === state.seq) table.dataset.busy = 'false';
  }
}

function reloadTable() {
  loadTable(false).catch(showError);
}

function filterBy(kind, value) {
  if (kind === 'group') state.group = value; else state.expires = value;
  reloadTable();
  document.getElementById('servers-h').scrollIntoView();
}

// ---- pictures ----

// Keyboard and pointer alike: Enter or Space on a focusable mark clicks it.
function clickable(node, label, fn) {
  node.setAttribute('tabindex', '0');
  node.setAttribute('role', 'button');
  node.setAttribute('aria-label', label);
  node.addEventListener('click', fn);
  node.addEventListener('keydown', (e) => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); fn(); } });
}

function isoDay(ms) { return new Date(ms).toISOString().slice(0, 10); }

// Every bound certificate on one axis: one row per role (443, 444, and
// whatever else the collector lists), one mark per day with the number of
// servers whose certificate expires that day; the mark's title names the
// certificates and their servers, a click filters the table to them.
function renderExpiry(ex, genMs) {
  const W = 1000, L = 150, R = 10, ROW = 46, TOP = 22;
  const span = ex.to_day - ex.from_day;
  const x = (d) => L + ((d - ex.from_day) / span) * (W - L - R);
  const H = TOP + ROW * ex.series.length + 4;
  const root = svg('svg', { viewBox: `0 0 ${W} ${H}`, class: 'timeline', role: 'img',
    'aria-label': 'Certificate expiry timeline' });
  root.append(svg('rect', { x: L, y: TOP - 4, width: x(0) - L, height: H - TOP, class: 'expired-zone' }));
  for (const [d, label] of [[ex.from_day, `${-ex.from_day}+ days ago`], [0, 'today'], [30, '30 d'], [90, '90 d'],
    [180, '180 d'], [365, '1 year']]) {
    root.append(svg('line', { x1: x(d), x2: x(d), y1: TOP - 6, y2: H, class: d === 0 ? 'axis today' : 'axis' }));
    root.append(svg('text', { x: x(d) + 2, y: 12, class: 'tick' }, label));
  }
  let max = 1;
  for (const s of ex.series) for (const b of s.buckets) max = Math.max(max, b.servers);
  ex.series.forEach((s, i) => {
    const y0 = TOP + i * ROW;
    const g = svg('g', { class: 'series role-' + s.role, 'data-series': s.name });
    g.append(svg('text', { x: 0, y: y0 + ROW / 2, class: 'series-label' }, s.label));
    g.append(svg('line', { x1: L, x2: W - R, y1: y0 + ROW - 8, y2: y0 + ROW - 8, class: 'baseline' }));
    for (const b of s.buckets) {
      const h = 6 + (ROW - 18) * Math.sqrt(b.servers / max);
      const auth = s.role === 'auth' || b.certs.some((c) => /auth/i.test(c.role || ''));
      const when = isoDay(genMs + b.day * DAY_MS);
      const names = b.certs.map((c) => `${c.name} [${c.thumbprint.slice(0, 8)}…] on ${c.servers.join(', ')}` +
        (c.count > c.servers.length ? ` and ${c.count - c.servers.length} more` : '')).join('\n');
      const title = `${s.label}: ${b.servers} server${b.servers === 1 ? '' : 's'}, ` +
        `${b.day <= ex.from_day ? 'expired long ago' : daysText(b.day)} (${when})\n${names}` +
        (b.more_certs ? `\nand ${b.more_certs} more certificates` : '');
      const mark = svg('rect', { x: x(b.day) - 1.5, y: y0 + ROW - 8 - h, width: 3, height: h,
        class: 'mark' + (b.day < 0 ? ' expired' : b.day < 30 ? ' soon' : '') + (auth ? ' auth' : ''),
        'data-day': b.day, 'data-servers': b.servers }, svg('title', null, title));
      clickable(mark, title, () => filterBy('expires', { series: s.name, day: b.day,
        label: `${s.label} certificates expiring ${b.day < 0 ? 'expired ' + (-b.day) + ' days ago' : 'on ' + when}` }));
      g.append(mark);
    }
    const off = [];
    if (s.later) off.push(`${s.later} later than ${ex.to_day} days`);
    if (s.none) off.push(`${s.none} without a certificate`);
    if (off.length) g.append(svg('text', { x: L, y: y0 + ROW, class: 'note' }, off.join('; ')));
    root.append(g);
  });
  const legend = el('p', { class: 'legend' }, el('span', { class: 'key expired' }, 'expired'), ' ',
    el('span', { class: 'key soon' }, 'within 30 days'), ' ', el('span', { class: 'key later' }, 'later'),
    ' ', el('span', { class: 'key auth' }, 'Auth certificate'));
  document.getElementById('expiry-body').replaceChildren(root, legend);
}

const SEVS = [['critical', 'crit'], ['warning', 'warn'], ['info', 'info']];

// Findings open per day, stacked by severity; each day's title gives the
// counts. Used for the fleet and for one server.
function trendChart(t, label) {
  const W = 1000, H = 140, L = 40, B = 18, T = 8;
  const root = svg('svg', { viewBox: `0 0 ${W} ${H}`, class: 'trend', role: 'img', 'aria-label': label });
  if (!t || !t.days) return root;
  let max = 1;
  for (let d = 0; d < t.days; d++) max = Math.max(max, t.critical[d] + t.warning[d] + t.info[d]);
  const bw = (W - L) / t.days;
  const start = Date.parse(t.from + 'T00:00:00Z');
  root.append(svg('line', { x1: L, x2: W, y1: H - B, y2: H - B, class: 'axis' }));
  root.append(svg('text', { x: 0, y: T + 8, class: 'tick' }, String(max)));
  root.append(svg('text', { x: 0, y: H - B, class: 'tick' }, '0'));
  root.append(svg('text', { x: L, y: H - 4, class: 'tick' }, t.from));
  root.append(svg('text', { x: W - 70, y: H - 4, class: 'tick' }, isoDay(start + (t.days - 1) * DAY_MS)));
  for (let d = 0; d < t.days; d++) {
    const day = isoDay(start + d * DAY_MS);
    const g = svg('g', { class: 'day', 'data-date': day, 'data-critical': t.critical[d],
      'data-warning': t.warning[d], 'data-info': t.info[d] },
    svg('title', null, `${day}: ${t.critical[d]} critical, ${t.warning[d]} warning, ${t.info[d]} info`));
    let y = H - B;
    for (const [sev, cls] of SEVS) {
      const h = (t[sev][d] / max) * (H - B - T);
      if (h <= 0) continue;
      y -= h;
      g.append(svg('rect', { x: L + d * bw, y, width: Math.max(bw - 1, 1), height: h, class: 'seg-' + cls }));
    }
    // An invisible full-height target, so a day with few findings is easy to hover.
    g.append(svg('rect', { x: L + d * bw, y: T, width: bw, height: H - B - T, class: 'hit' }));
    root.append(g);
  }
  return root;
}

function trendLegend() {
  return el('p', { class: 'legend' }, el('span', { class: 'key crit' }, 'critical'), ' ',
    el('span', { class: 'key warn' }, 'warning'), ' ', el('span', { class: 'key info' }, 'info'));
}

// One bar per compared property: a segment per group, as wide as its
// share of the fleet; the odd groups stand out. Below it the groups as a
// table, for reading and for screen readers.
function renderConsistency(props) {
  const out = [];
  for (const p of props) {
    const W = 600, H = 26;
    const bar = svg('svg', { viewBox: `0 0 ${W} ${H}`, class: 'groupbar', role: 'img',
      'aria-label': `${p.label}: ${p.groups.length} group${p.groups.length === 1 ? '' : 's'}`, 'data-prop': p.name });
    let x = 0;
    for (const g of p.groups) {
      const w = Math.max((g.count / Math.max(p.servers, 1)) * W, 3);
      const seg = svg('rect', { x, y: 0, width: w, height: H, class: g.odd ? 'seg-odd' : 'seg-major',
        'data-value': g.value, 'data-count': g.count }, svg('title', null, `${g.label}: ${g.count} server${g.count === 1 ? '' : 's'}`));
      clickable(seg, `${p.label} ${g.label}: ${g.count} servers`,
        () => filterBy('group', { prop: p.name, value: g.value, label: `${p.label} ${g.label}` }));
      bar.append(seg);
      x += w;
    }
    const t = el('table', { class: 'groups' }, el('caption', null, `Servers by ${p.label}`),
      el('thead', null, el('tr', null, el('th', { scope: 'col' }, p.label),
        el('th', { scope: 'col' }, 'Servers'), el('th', { scope: 'col' }, 'Examples'))));
    const tb = el('tbody');
    for (const g of p.groups) {
      const b = el('button', { type: 'button', class: 'linklike', 'data-filter': g.value, 'data-prop': p.name }, g.label);
      b.addEventListener('click', () => filterBy('group', { prop: p.name, value: g.value, label: `${p.label} ${g.label}` }));
      const names = g.servers.join(', ') + (g.count > g.servers.length ? ', …' : '');
      tb.append(el('tr', { class: g.odd ? 'odd-one' : '' }, el('td', null, b),
        el('td', null, String(g.count)), el('td', null, names)));
    }
    t.append(tb);
    const more = p.more_groups ? el('p', { class: 'note' }, `and ${p.more_groups} smaller groups`) : null;
    out.push(el('div', { class: 'group' }, el('h3', null, p.label), bar, t, more));
  }
  document.getElementById('consistency-body').replaceChildren(...out);
}

function renderSummary(doc) {
  const s = doc;
  for (const k of ['critical', 'warning', 'stale', 'clean']) document.getElementById('n-' + k).textContent = String(s[k]);
  document.getElementById('newest').textContent =
    `${s.servers} servers; newest report ${s.newest_report_at || 'never'}; generated ${doc.generated_at}.`;
  const sel = document.getElementById('f-rule');
  const current = sel.value;
  const opts = [el('option', { value: '' }, 'any')];
  for (const [rule, n] of Object.entries(s.findings_per_rule)) opts.push(el('option', { value: rule }, `${rule} (${n})`));
  sel.replaceChildren(...opts);
  sel.value = current;
  const gen = Date.parse(doc.generated_at) || Date.now();
  renderExpiry(doc.expiry, gen);
  document.getElementById('trend-body').replaceChildren(
    trendChart(doc.findings_trend, 'Findings open per day across the fleet'), trendLegend());
  renderConsistency(doc.consistency);
}

// ---- the server page ----

// One horizontal bar per log sample: the share of each status class, with
// the numbers in the table beside it (the chart is decoration for sighted
// readers; the table carries the data).
function statusBar(statuses) {
  const classes = [[(c) => c.http_status < 400, 'ok'], [(c) => c.http_status >= 400 && c.http_status < 500, 'warn'],
    [(c) => c.http_status >= 500, 'crit']];
  const total = statuses.reduce((n, c) => n + Number(c.count || 0), 0) || 1;
  const root = svg('svg', { viewBox: '0 0 300 14', class: 'bar', 'aria-hidden': 'true' });
  let x = 0;
  for (const [pred, cls] of classes) {
    const n = statuses.filter(pred).reduce((a, c) => a + Number(c.count || 0), 0);
    const w = (n / total) * 300;
    if (w <= 0) continue;
    root.append(svg('rect', { x, y: 0, width: w, height: 14, class: 'seg-' + cls }));
    x += w;
  }
  return root;
}

// Back-end failures per sampled hour (the HttpProxy samples of the
// server's stored reports): a bar per hour, requests as its background.
function trafficChart(t) {
  const W = 1000, H = 120, L = 40, B = 18, T = 8;
  const root = svg('svg', { viewBox: `0 0 ${W} ${H}`, class: 'traffic-chart', role: 'img',
    'aria-label': 'Back-end failures per sampled hour' });
  const n = t.hours.length;
  const max = Math.max(1, ...t.requests);
  const bw = Math.min((W - L) / Math.max(n, 1), 40);
  root.append(svg('line', { x1: L, x2: W, y1: H - B, y2: H - B, class: 'axis' }));
  root.append(svg('text', { x: 0, y: T + 8, class: 'tick' }, String(max)));
  if (n) {
    root.append(svg('text', { x: L, y: H - 4, class: 'tick' }, t.hours[0].slice(0, 16).replace('T', ' ')));
    root.append(svg('text', { x: W - 110, y: H - 4, class: 'tick' }, t.hours[n - 1].slice(0, 16).replace('T', ' ')));
  }
  for (let i = 0; i < n; i++) {
    const hr = (t.requests[i] / max) * (H - B - T), hf = (t.failures[i] / max) * (H - B - T);
    root.append(svg('g', { class: 'hour', 'data-hour': t.hours[i], 'data-failures': t.failures[i], 'data-requests': t.requests[i] },
      svg('title', null, `${t.hours[i].slice(0, 13).replace('T', ' ')}:00 UTC: ${t.failures[i]} back-end failures of ${t.requests[i]} requests`),
      svg('rect', { x: L + i * bw, y: H - B - hr, width: Math.max(bw - 2, 1), height: hr, class: 'seg-req' }),
      svg('rect', { x: L + i * bw, y: H - B - hf, width: Math.max(bw - 2, 1), height: hf, class: 'seg-crit' })));
  }
  return root;
}

// Copy-truncate rotation seen by the agent's log cursor: those files were
// read again from their start (the sample is whole, not short).
function truncatedNote(n) {
  const k = Number(n) || 0;
  if (k <= 0) return null;
  return el('div', { class: 'note truncated' },
    k === 1 ? '1 log file was truncated in place and re-read' : `${k} log files were truncated in place and re-read`);
}

function renderTraffic(r, hours) {
  const parts = [];
  if (hours && hours.hours.length) {
    parts.push(el('figure', { class: 'chart', id: 'traffic-hours' },
      el('figcaption', null, 'Back-end failures (dark) of all requests (light) per sampled hour, from this server\'s HttpProxy logs.'),
      trafficChart(hours)));
  }
  const samples = (r.log_samples || []).filter((l) => (l.statuses || []).length || (l.targets || []).length ||
    Number(l.files_truncated) > 0);
  if (!samples.length) return parts.concat([el('p', null, 'No log sample in this report.')]);
  const t = el('table', { class: 'traffic' }, el('thead', null, el('tr', null,
    ...['Log', 'Window', 'Statuses (count)', 'Share', 'Back-end failures by target'].map((h) => el('th', { scope: 'col' }, h)))));
  const tb = el('tbody');
  for (const l of samples) {
    const statuses = (l.statuses || []).slice().sort((a, b) => Number(b.count) - Number(a.count));
    const pairs = statuses.slice(0, 6).map((c) => `${c.http_status}${c.backend_status !== undefined ? '/' + c.backend_status : ''}${c.error_code ? ' ' + c.error_code : ''}: ${c.count}`).join('; ');
    const failing = (l.targets || []).filter((x) => Number(x.backend_failures) > 0)
      .map((x) => `${x.target_server}: ${x.backend_failures} of ${x.requests}${x.top_web_exception ? ' (' + x.top_web_exception + ')' : ''}`);
    const win = l.window_start_ms ? `${new Date(Number(l.window_start_ms)).toISOString().slice(11, 16)}–${new Date(Number(l.window_end_ms)).toISOString().slice(11, 16)} UTC` : '–';
    tb.append(el('tr', null, el('td', null, `${l.kind === 'LOG_W3C' ? 'IIS' : 'HttpProxy'} ${l.name}`,
      truncatedNote(l.files_truncated)), el('td', null, win),
      el('td', null, pairs || '–'), el('td', null, statusBar(statuses)),
      el('td', { class: failing.length ? 'broken' : '' }, failing.length ? failing.join('; ') : 'none')));
  }
  t.append(tb);
  parts.push(t);
  return parts;
}

function renderChanges(changes) {
  if (!changes || !changes.length) return [el('p', null, 'No change recorded.')];
  const t = el('table', null, el('thead', null, el('tr', null,
    ...['Seen', 'Change', 'Object', 'Before', 'After'].map((h) => el('th', { scope: 'col' }, h)))));
  const tb = el('tbody');
  for (const c of changes) {
    tb.append(el('tr', null, el('td', null, `${c.seen_at} (previous report ${c.previous_report_at})`),
      el('td', null, c.kind.replace(/_/g, ' ')), el('td', null, c.object), el('td', null, c.before || '–'),
      el('td', null, c.after || '–')));
  }
  t.append(tb);
  return [t];
}

function kv(rows) {
  const t = el('table');
  for (const [k, v] of rows) t.append(el('tr', null, el('th', { scope: 'row' }, k), el('td', null, v)));
  return t;
}

const JOIN_TEXT = {
  JOIN_OK: 'ok', JOIN_NO_SSL_BINDING: 'BROKEN: no http.sys certificate binding',
  JOIN_CERT_NOT_IN_STORE: 'BROKEN: certificate not in store', JOIN_STORE_MISSING: 'BROKEN: store missing',
  JOIN_CENTRAL_CERT_STORE: 'central certificate store', JOIN_NOT_HTTPS: 'no TLS',
  JOIN_STORES_NOT_READ: 'NOT CHECKED: no certificate store was read',
};

// A finding's PowerShell block for this server, with a copy button; the
// values the evidence lacks are named beside it.
function renderFix(f) {
  const fix = f.fix || {};
  if (!fix.powershell) return null;
  const pre = el('pre', { class: 'fix' }, fix.powershell);
  const note = el('span', { class: 'copy-note', role: 'status' });
  const btn = el('button', { type: 'button', class: 'copy' }, 'Copy');
  btn.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(fix.powershell);
      note.textContent = 'Copied.';
    } catch (e) {
      // No clipboard (not a secure context): select it for Ctrl+C.
      const range = document.createRange();
      range.selectNodeContents(pre);
      const sel = window.getSelection();
      sel.removeAllRanges();
      sel.addRange(range);
      note.textContent = 'Selected: press Ctrl+C.';
    }
  });
  const ph = fix.placeholders || [];
  return el('div', { class: 'fix-block' },
    el('p', null, el('strong', null, 'PowerShell for this server '), btn, ' ', note),
    pre,
    ph.length ? el('p', { class: 'placeholders' }, `Values not in the evidence: ${ph.join(', ')} (fill them in before running).`) : null);
}

const PROTOCOLS = ['SSL 2.0', 'SSL 3.0', 'TLS 1.0', 'TLS 1.1', 'TLS 1.2', 'TLS 1.3'];

// The TLS matrix (protocol x Server/Client) and the Extended Protection
// table, as the collector's rules read them; absent and not read are
// written out, never shown as a value.
function renderProtection(p) {
  const out = [el('h3', null, 'TLS protocols')];
  const cell = (e) => {
    if (!e) return el('td', { class: 'unread' }, 'not in report');
    const values = `Enabled ${e.enabled}, DisabledByDefault ${e.disabled_by_default}`;
    const cls = e.state === 'not read' ? 'unread' : e.state === 'OS default' ? 'absent' : e.usable ? 'on' : 'off';
    return el('td', { class: 'tls ' + cls, title: values }, el('span', null, e.state), el('br'), el('small', null, values));
  };
  const m = new Map((p.tls_matrix || []).map((e) => [`${e.protocol}|${e.side}`, e]));
  const tt = el('table', { class: 'tls-matrix' }, el('thead', null, el('tr', null,
    ...['Protocol', 'Server', 'Client'].map((h) => el('th', { scope: 'col' }, h)))));
  const tb = el('tbody');
  for (const pr of PROTOCOLS) {
    tb.append(el('tr', null, el('th', { scope: 'row' }, pr), cell(m.get(`${pr}|Server`)), cell(m.get(`${pr}|Client`))));
  }
  tt.append(tb);
  out.push(tt);
  if ((p.dotnet || []).length) {
    const dt = el('table', { class: 'dotnet' }, el('thead', null, el('tr', null,
      ...['.NET key', 'SystemDefaultTlsVersions', 'SchUseStrongCrypto'].map((h) => el('th', { scope: 'col' }, h)))));
    const db = el('tbody');
    const v = (x) => el('td', { class: x === '0x1' ? 'on' : x === 'not read' ? 'unread' : x === 'absent' ? 'absent' : 'off' }, x);
    for (const d of p.dotnet) {
      db.append(el('tr', null, el('th', { scope: 'row' }, `${d.version}${d.wow6432 ? ' (32-bit view)' : ''}`),
        v(d.SystemDefaultTlsVersions), v(d.SchUseStrongCrypto)));
    }
    dt.append(db);
    out.push(dt);
  }
  out.push(el('h3', null, 'Extended Protection'));
  if (!(p.extended_protection || []).length) {
    out.push(el('p', null, 'No virtual directories in the report.'));
    return out;
  }
  const et = el('table', { class: 'ep' }, el('thead', null, el('tr', null,
    ...['Location', 'tokenChecking', 'Expected', 'Verdict', 'Where it is set', 'sslFlags', 'ipSecurity allowUnlisted']
      .map((h) => el('th', { scope: 'col' }, h)))));
  const eb = el('tbody');
  for (const e of p.extended_protection) {
    const cls = e.verdict === 'as expected' ? 'on' : e.verdict === 'not compared' ? '' : 'off';
    eb.append(el('tr', null, el('td', { class: 'wrap' }, e.location),
      el('td', null, e.token_checking), el('td', null, e.expected || '–'),
      el('td', { class: cls }, e.verdict),
      el('td', { class: 'wrap' }, e.set_here ? 'here' : `inherited from ${e.inherited_from}`),
      el('td', null, e.ssl_flags || '–'), el('td', null, e.allow_unlisted)));
  }
  et.append(eb);
  out.push(et);
  return out;
}

function renderDetail(s) {
  const r = s.report || {};
  const body = document.getElementById('detail-body');
  const parts = [];
  document.getElementById('detail-h').textContent = s.fqdn;
  parts.push(kv([['Status', s.status], ['Exchange build', s.exchange_build || 'unknown'],
    ['AD site', s.ad_site || 'unknown (not in the evidence)'],
    ['Last report', s.last_report_at || '–'], ['Provenance', s.provenance],
    ['Collection errors', String(s.collection_errors)],
    ['Agent', s.agent ? `${s.agent.version || '?'}: last sweep ${s.agent.sweep_cpu_ms} ms CPU, peak ${s.agent.peak_memory_mib.toFixed(1)} MiB` +
      `${s.agent.cut_short ? ' — CUT SHORT by its watchdog' : ''}; ${s.agent.spooled_reports} waiting in its spool` +
      `${s.agent.dropped_reports ? `, ${s.agent.dropped_reports} dropped` : ''}` : 'unknown']]));
  parts.push(el('h3', null, 'Findings'));
  if (!s.findings.length) parts.push(el('p', null, 'No findings.'));
  for (const f of s.findings) {
    parts.push(el('div', { class: 'finding sev-' + f.severity + (f.muted ? ' muted' : '') },
      el('p', null, el('strong', { class: 'sev-' + f.severity }, `${f.severity.toUpperCase()} ${f.rule}`), ' — ', f.title),
      el('p', { class: 'seen' }, `First seen ${f.first_seen || '–'}, last seen ${f.last_seen || '–'}`),
      f.muted ? el('p', { class: 'mute-note' }, `Muted until ${f.muted.until} by ${f.muted.by}: ${f.muted.reason}`) : null,
      el('p', null, el('strong', null, 'Fix: '), f.remediation),
      renderFix(f),
      el('details', null, el('summary', null, 'Evidence'), el('pre', null, JSON.stringify(f.evidence, null, 2)))));
  }
  if (s.findings_trend) {
    parts.push(el('figure', { class: 'chart', id: 'server-trend' },
      el('figcaption', null, 'This server\'s findings open per day, by severity.'),
      trendChart(s.findings_trend, `Findings open per day on ${s.fqdn}`), trendLegend()));
  }
  if (s.protection) parts.push(...renderProtection(s.protection));
  parts.push(el('h3', null, 'Sites and bindings'));
  const certs = new Map((r.certificates || []).map((c) => [c.thumbprint, c]));
  const bt = el('table', null, el('thead', null, el('tr', null,
    ...['Site', 'Protocol', 'Binding', 'http.sys entry', 'Certificate', 'Link'].map((h) => el('th', { scope: 'col' }, h)))));
  const tb = el('tbody');
  for (const site of r.sites || []) {
    for (const b of site.bindings || []) {
      const c = certs.get(b.cert_thumbprint);
      const join = b.join || 'JOIN_UNSPECIFIED';
      tb.append(el('tr', null, el('td', null, `${site.name} (${site.id})`), el('td', null, b.protocol),
        el('td', null, b.binding_information), el('td', null, b.ssl_endpoint || '–'),
        el('td', { class: 'wrap' }, c ? `${c.common_name || c.subject} [${c.thumbprint}]` : (b.cert_thumbprint || '–')),
        el('td', { class: join.startsWith('JOIN_OK') || join === 'JOIN_NOT_HTTPS' ? '' : 'broken' }, JOIN_TEXT[join] || join)));
    }
  }
  bt.append(tb);
  parts.push(bt);
  parts.push(el('h3', null, 'Certificates'));
  const ct = el('table', { class: 'certs' }, el('thead', null, el('tr', null,
    ...['Store', 'Subject', 'DNS names', 'Issuer', 'Expires', 'Key', 'Covers FQDN', 'Self-signed', 'Friendly name', 'Used by'].map((h) => el('th', { scope: 'col' }, h)))));
  const cb = el('tbody');
  const gen = Date.parse(s.generated_at || '') || Date.now();
  for (const c of r.certificates || []) {
    const d = daysLeft(c.not_after, gen);
    cb.append(el('tr', null, el('td', null, c.store), el('td', { class: 'wrap' }, c.subject),
      el('td', { class: 'wrap' }, (c.dns_names || []).join(', ')),
      el('td', { class: 'wrap' }, c.issuer), el('td', { class: d !== null && d < 0 ? 'broken' : '' },
        `${new Date(c.not_after * 1000).toISOString().slice(0, 10)} (${daysText(d)})`),
      el('td', null, `${c.key_type} ${c.key_bits || ''}`), el('td', null, (c.covers_fqdn || '').replace('TRI_', '')),
      el('td', null, (c.self_signed || '').replace('TRI_', '')), el('td', { class: 'wrap' }, c.friendly_name || ''),
      el('td', null, (c.used_by || []).join(', '))));
  }
  ct.append(cb);
  parts.push(ct);
  parts.push(el('h3', null, 'Traffic in the sampled logs'));
  parts.push(...renderTraffic(r, s.traffic_hours));
  if ((r.probes || []).length) {
    parts.push(el('h3', null, 'Live probes'));
    const ul = el('ul');
    for (const p of r.probes) ul.append(el('li', { class: /OK|SELF_SIGNED|UNTRUSTED|CHAIN/.test(p.result || '') ? '' : 'broken' },
      `${p.host}:${p.port} (${p.sni}): ${(p.result || '').replace('PROBE_', '')}${p.detail ? ' — ' + p.detail : ''}`));
    parts.push(ul);
  }
  parts.push(el('h3', null, 'Change history'));
  parts.push(...renderChanges(s.changes));
  if ((r.errors || []).length) {
    parts.push(el('h3', null, 'Collection errors'));
    const ul = el('ul');
    for (const e of r.errors) ul.append(el('li', null, `${e.source}: ${e.path}${e.line ? ':' + e.line : ''}: ${e.reason}`));
    parts.push(ul);
  }
  body.replaceChildren(...parts);
}

async function showFromHash() {
  const m = /^#server=(.+)$/.exec(location.hash);
  const detail = document.getElementById('detail');
  if (!m) { detail.hidden = true; return; }
  try {
    const { data } = await getJSON('/api/servers/' + encodeURIComponent(decodeURIComponent(m[1])));
    if (state.summary) data.generated_at = state.summary.generated_at;
    renderDetail(data);
    detail.hidden = false;
    // The server page comes first on the page: a direct link lands on it.
    detail.scrollIntoView({ block: 'start' });
    detail.dataset.loaded = data.fqdn;
  } catch (e) {
    showError(e);
  }
}

function showError(e) {
  const p = document.getElementById('error');
  p.textContent = 'Could not load data: ' + e.message;
  p.hidden = false;
}

// First: the summary and the table's first page at once. Later: the
// summary again, and the table only when the snapshot changed (an
// unchanged one answers 304 and keeps the rows the user paged to).
async function refresh(first) {
  try {
    const [sum] = await Promise.all([getJSON('/api/summary'), first ? loadTable(false) : null]);
    if (sum.fresh) {
      state.summary = sum.data;
      renderSummary(sum.data);
      if (!first) await loadTable(false);
    }
    document.getElementById('error').hidden = true;
    document.body.dataset.loaded = 'true';
  } catch (e) {
    showError(e);
  }
}

// The first paint's answers when the collector put them in the page
// (<script type="application/json" id="bs-boot">: the summary and the
// table's first page with their URLs and ETags), so the page is drawn in
// its first frame with no round trip; null when absent (before the
// collector's first snapshot): then both are fetched.
function bootAnswers() {
  const n = document.getElementById('bs-boot');
  if (!n || !n.textContent.trim()) return null;
  try {
    const b = JSON.parse(n.textContent);
    return b.summary && b.table ? b : null;
  } catch (e) {
    return null;
  }
}

// The first paint from the page's own answers; false when it has none.
// Its table page is drawn only when it is the one this page would ask
// for: a filter the browser restored on reload fetches its own.
function drawBoot() {
  const b = bootAnswers();
  if (!b) return false;
  cache.set('/api/summary', { etag: b.summary_etag, data: b.summary });
  state.summary = b.summary;
  renderSummary(b.summary);
  document.body.dataset.loaded = 'true';
  if (b.table_url === tableURL(0)) {
    cache.set(b.table_url, { etag: b.table_etag, data: b.table });
    showTable(b.table, false);
    document.getElementById('servers').dataset.busy = 'false';
  } else {
    reloadTable();
  }
  return true;
}

// A deferred script: the document is parsed when this runs.
(() => {
  for (const b of document.querySelectorAll('#servers th button')) {
    b.addEventListener('click', () => {
      if (state.sortKey === b.dataset.sort) state.sortDir = -state.sortDir;
      else { state.sortKey = b.dataset.sort; state.sortDir = 1; }
      reloadTable();
    });
  }
  for (const id of ['f-text', 'f-status', 'f-rule']) document.getElementById(id).addEventListener('input', reloadTable);
  document.getElementById('f-clear').addEventListener('click', () => {
    state.group = null;
    state.expires = null;
    reloadTable();
  });
  const more = document.getElementById('more');
  more.addEventListener('click', () => loadTable(true).catch(showError));
  // Scrolling to the end of the table fetches the next page by itself (the
  // button stays for the keyboard and for print).
  new IntersectionObserver((seen) => {
    if (seen.some((e) => e.isIntersecting) && !more.hidden && document.getElementById('servers').dataset.busy !== 'true') {
      loadTable(true).catch(showError);
    }
  }).observe(more);
  document.getElementById('filters').addEventListener('submit', (e) => e.preventDefault());
  document.getElementById('close-detail').addEventListener('click', () => { location.hash = ''; });
  window.addEventListener('hashchange', showFromHash);
  if (drawBoot()) showFromHash();
  else refresh(true).then(showFromHash);
  setInterval(() => refresh(false), 60000);
})();
