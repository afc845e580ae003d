// bindscope dashboard. Every string that reaches the page came from an
// agent and is untrusted: it is only ever set with textContent or as an
// attribute value through the DOM API, never parsed as HTML.
'use strict';

const state = { servers: [], sortKey: 'status', sortDir: 1, rules: [], limit: 500 };
const PAGE = 500; // rows rendered at a time: a 10,000-server fleet stays responsive
const SVG_NS = 'http://www.w3.org/2000/svg';
const STATUS_ORDER = { critical: 0, warning: 1, stale: 2, clean: 3 };

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

function daysLeft(notAfter) {
  if (!notAfter) return null;
  return Math.floor((notAfter * 1000 - Date.now()) / 86400000);
}

function certLabel(c) {
  if (!c || c.kind === 'missing') return 'missing';
  return `${c.kind}: ${c.common_name || c.thumbprint}`;
}

// The 444 certificate must cover the server's FQDN (the front end's view).
function cert444Cell(c) {
  const broken = !c || c.kind === 'missing' || c.covers_fqdn === false;
  const text = certLabel(c) + (c && c.kind !== 'missing' && c.covers_fqdn === false ? ' (does not cover the FQDN)' : '');
  return el('td', { class: broken ? 'broken' : '' }, text);
}

function worst(s) {
  let w = null;
  const rank = { critical: 3, warning: 2, info: 1 };
  for (const f of s.findings) if (!f.muted && (!w || rank[f.severity] > rank[w.severity])) w = f;
  return w;
}

function sortValue(s, key) {
  switch (key) {
    case 'status': return STATUS_ORDER[s.status] ?? 9;
    case 'cert443': return certLabel(s.cert_443);
    case 'cert444': return certLabel(s.cert_444);
    case 'days': { const d = daysLeft(s.cert_444 && s.cert_444.not_after); return d === null ? 1e9 : d; }
    default: return s[key] || '';
  }
}

function matches(s) {
  const text = document.getElementById('f-text').value.trim().toLowerCase();
  const status = document.getElementById('f-status').value;
  const rule = document.getElementById('f-rule').value;
  if (status && s.status !== status) return false;
  if (rule && !s.findings.some((f) => f.rule === rule)) return false;
  if (!text) return true;
  const hay = [s.fqdn, s.exchange_build, s.ad_site || '', certLabel(s.cert_443), certLabel(s.cert_444),
    ...s.findings.map((f) => f.title)].join(' ').toLowerCase();
  return hay.includes(text);
}

function renderTable() {
  const tbody = document.querySelector('#servers tbody');
  const rows = state.servers.filter(matches);
  rows.sort((a, b) => {
    const x = sortValue(a, state.sortKey), y = sortValue(b, state.sortKey);
    return (x < y ? -1 : x > y ? 1 : a.fqdn < b.fqdn ? -1 : 1) * state.sortDir;
  });
  const frag = document.createDocumentFragment();
  for (const s of rows.slice(0, state.limit)) {
    const w = worst(s);
    const d = daysLeft(s.cert_444 && s.cert_444.not_after);
    const link = el('a', { href: '#server=' + encodeURIComponent(s.fqdn) }, s.fqdn);
    frag.append(el('tr', { 'data-fqdn': s.fqdn },
      el('td', null, link),
      el('td', null, s.exchange_build || 'unknown'),
      el('td', null, s.ad_site || 'unknown'),
      el('td', { class: s.status }, s.status),
      el('td', { class: s.cert_443.kind === 'missing' ? 'broken' : '' }, certLabel(s.cert_443)),
      cert444Cell(s.cert_444),
      el('td', null, d === null ? '–' : String(d)),
      el('td', null, s.last_report_at || '–'),
      el('td', { class: w ? 'sev-' + w.severity : '' }, w ? `${w.rule}: ${w.title}` : 'none')));
  }
  tbody.replaceChildren(frag);
  const shown = Math.min(rows.length, state.limit);
  document.getElementById('count').textContent =
    `${shown} of ${rows.length} matching servers shown (${state.servers.length} in the fleet)`;
  const more = document.getElementById('more');
  more.hidden = rows.length <= state.limit;
  more.textContent = `Show ${Math.min(PAGE, rows.length - shown)} more`;
  for (const th of document.querySelectorAll('#servers th')) {
    const b = th.querySelector('button');
    if (b && b.dataset.sort === state.sortKey) th.setAttribute('aria-sort', state.sortDir > 0 ? 'ascending' : 'descending');
    else th.removeAttribute('aria-sort');
  }
}

function renderSummary(doc) {
  const s = doc.summary;
  for (const k of ['critical', 'warning', 'stale', 'clean']) document.getElementById('n-' + k).textContent = String(s[k]);
  document.getElementById('newest').textContent =
    `${s.servers} servers; newest report ${s.newest_report_at || 'never'}; generated ${doc.generated_at}.`;
  const sel = document.getElementById('f-rule');
  const current = sel.value;
  const opts = [el('option', { value: '' }, 'any')];
  for (const [rule, n] of Object.entries(s.findings_per_rule)) opts.push(el('option', { value: rule }, `${rule} (${n})`));
  sel.replaceChildren(...opts);
  sel.value = current;
}

// Groups servers by a key: the odd one out is the small group.
function groupBy(servers, keyOf) {
  const m = new Map();
  for (const s of servers) {
    const k = keyOf(s);
    if (!m.has(k)) m.set(k, []);
    m.get(k).push(s);
  }
  return [...m.entries()].sort((a, b) => b[1].length - a[1].length || (a[0] < b[0] ? -1 : 1));
}

function groupTable(caption, header, groups, filterOf) {
  const t = el('table', { class: 'groups' }, el('caption', null, caption),
    el('thead', null, el('tr', null, el('th', { scope: 'col' }, header),
      el('th', { scope: 'col' }, 'Servers'), el('th', { scope: 'col' }, 'Examples'))));
  const tb = el('tbody');
  const top = groups.length ? groups[0][1].length : 0;
  for (const [key, list] of groups) {
    const b = el('button', { type: 'button', class: 'linklike', 'data-filter': filterOf(key) }, key);
    b.addEventListener('click', () => {
      document.getElementById('f-text').value = b.dataset.filter;
      state.limit = PAGE;
      renderTable();
      document.getElementById('servers-h').scrollIntoView();
    });
    const names = list.slice(0, 3).map((s) => s.fqdn).join(', ') + (list.length > 3 ? ', …' : '');
    tb.append(el('tr', { class: list.length < top ? 'odd-one' : '' }, el('td', null, b),
      el('td', null, String(list.length)), el('td', null, names)));
  }
  t.append(tb);
  return t;
}

function renderConsistency() {
  const c443 = (s) => (s.cert_443 && s.cert_443.thumbprint ? `${s.cert_443.common_name || '?'} [${s.cert_443.thumbprint}]` : 'missing');
  const k444 = (s) => (s.cert_444 ? s.cert_444.kind : 'missing');
  const build = (s) => s.exchange_build || 'unknown';
  document.getElementById('consistency-body').replaceChildren(
    groupTable('Servers by 443 certificate', '443 certificate', groupBy(state.servers, c443),
      (k) => (k.match(/\[([0-9A-F]+)\]$/) || [null, k])[1]),
    groupTable('Servers by 444 certificate kind', '444 certificate', groupBy(state.servers, k444), (k) => k),
    groupTable('Servers by Exchange build', 'Build', groupBy(state.servers, build), (k) => k));
}

// One horizontal bar per log sample: the share of each status class, with
// the numbers in the table beside it (the chart is decoration for sighted
// readers; the table carries the data).
function statusBar(statuses) {
  const classes = [['2xx/3xx', (c) => c.http_status < 400, 'ok'], ['4xx', (c) => c.http_status >= 400 && c.http_status < 500, 'warn'],
    ['5xx', (c) => c.http_status >= 500, 'crit']];
  const total = statuses.reduce((n, c) => n + Number(c.count || 0), 0) || 1;
  const svg = document.createElementNS(SVG_NS, 'svg');
  svg.setAttribute('viewBox', '0 0 300 14');
  svg.setAttribute('class', 'bar');
  svg.setAttribute('aria-hidden', 'true');
  let x = 0;
  for (const [, pred, cls] of classes) {
    const n = statuses.filter(pred).reduce((a, c) => a + Number(c.count || 0), 0);
    const w = (n / total) * 300;
    if (w <= 0) continue;
    const r = document.createElementNS(SVG_NS, 'rect');
    r.setAttribute('x', String(x)); r.setAttribute('y', '0');
    r.setAttribute('width', String(w)); r.setAttribute('height', '14');
    r.setAttribute('class', 'seg-' + cls);
    svg.append(r);
    x += w;
  }
  return svg;
}

function renderTraffic(r) {
  const parts = [];
  const samples = (r.log_samples || []).filter((l) => (l.statuses || []).length || (l.targets || []).length);
  if (!samples.length) return [el('p', null, 'No log sample in this report.')];
  const t = el('table', { class: 'traffic' }, el('thead', null, el('tr', null,
    ...['Log', 'Window', 'Statuses (count)', 'Share', 'Back-end failures by target'].map((h) => el('th', { scope: 'col' }, h)))));
  const tb = el('tbody');
  for (const l of samples) {
    const statuses = (l.statuses || []).slice().sort((a, b) => Number(b.count) - Number(a.count));
    const pairs = statuses.slice(0, 6).map((c) => `${c.http_status}${c.backend_status !== undefined ? '/' + c.backend_status : ''}${c.error_code ? ' ' + c.error_code : ''}: ${c.count}`).join('; ');
    const failing = (l.targets || []).filter((x) => Number(x.backend_failures) > 0)
      .map((x) => `${x.target_server}: ${x.backend_failures} of ${x.requests}${x.top_web_exception ? ' (' + x.top_web_exception + ')' : ''}`);
    const win = l.window_start_ms ? `${new Date(Number(l.window_start_ms)).toISOString().slice(11, 16)}–${new Date(Number(l.window_end_ms)).toISOString().slice(11, 16)} UTC` : '–';
    tb.append(el('tr', null, el('td', null, `${l.kind === 'LOG_W3C' ? 'IIS' : 'HttpProxy'} ${l.name}`), el('td', null, win),
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
};

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
      el('details', null, el('summary', null, 'Evidence'), el('pre', null, JSON.stringify(f.evidence, null, 2)))));
  }
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
        el('td', null, c ? `${c.common_name || c.subject} [${c.thumbprint}]` : (b.cert_thumbprint || '–')),
        el('td', { class: join.startsWith('JOIN_OK') || join === 'JOIN_NOT_HTTPS' ? '' : 'broken' }, JOIN_TEXT[join] || join)));
    }
  }
  bt.append(tb);
  parts.push(bt);
  parts.push(el('h3', null, 'Certificates'));
  const ct = el('table', null, el('thead', null, el('tr', null,
    ...['Store', 'Subject', 'DNS names', 'Issuer', 'Expires', 'Key', 'Covers FQDN', 'Self-signed', 'Friendly name', 'Used by'].map((h) => el('th', { scope: 'col' }, h)))));
  const cb = el('tbody');
  for (const c of r.certificates || []) {
    cb.append(el('tr', null, el('td', null, c.store), el('td', null, c.subject), el('td', null, (c.dns_names || []).join(', ')),
      el('td', null, c.issuer), el('td', null, new Date(c.not_after * 1000).toISOString().slice(0, 10)),
      el('td', null, `${c.key_type} ${c.key_bits || ''}`), el('td', null, (c.covers_fqdn || '').replace('TRI_', '')),
      el('td', null, (c.self_signed || '').replace('TRI_', '')), el('td', null, c.friendly_name || ''),
      el('td', null, (c.used_by || []).join(', '))));
  }
  ct.append(cb);
  parts.push(ct);
  parts.push(el('h3', null, 'Traffic in the sampled logs'));
  parts.push(...renderTraffic(r));
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

async function getJSON(url) {
  const res = await fetch(url, { headers: { Accept: 'application/json' } });
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  return res.json();
}

async function showFromHash() {
  const m = /^#server=(.+)$/.exec(location.hash);
  const detail = document.getElementById('detail');
  if (!m) { detail.hidden = true; return; }
  try {
    const s = await getJSON('/api/servers/' + encodeURIComponent(decodeURIComponent(m[1])));
    renderDetail(s);
    detail.hidden = false;
    document.getElementById('detail-h').scrollIntoView();
  } catch (e) {
    showError(e);
  }
}

function showError(e) {
  const p = document.getElementById('error');
  p.textContent = 'Could not load data: ' + e.message;
  p.hidden = false;
}

async function refresh() {
  try {
    const doc = await getJSON('/api/report');
    state.servers = doc.servers;
    renderSummary(doc);
    renderTable();
    renderConsistency();
    document.getElementById('error').hidden = true;
    document.body.dataset.loaded = 'true';
  } catch (e) {
    showError(e);
  }
}

document.addEventListener('DOMContentLoaded', () => {
  for (const b of document.querySelectorAll('#servers th button')) {
    b.addEventListener('click', () => {
      if (state.sortKey === b.dataset.sort) state.sortDir = -state.sortDir;
      else { state.sortKey = b.dataset.sort; state.sortDir = 1; }
      renderTable();
    });
  }
  for (const id of ['f-text', 'f-status', 'f-rule']) {
    document.getElementById(id).addEventListener('input', () => { state.limit = PAGE; renderTable(); });
  }
  document.getElementById('more').addEventListener('click', () => { state.limit += PAGE; renderTable(); });
  document.getElementById('filters').addEventListener('submit', (e) => e.preventDefault());
  document.getElementById('close-detail').addEventListener('click', () => { location.hash = ''; });
  window.addEventListener('hashchange', showFromHash);
  refresh().then(showFromHash);
  setInterval(refresh, 60000);
});
