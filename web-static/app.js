// bindscope dashboard. Every string that reaches the page came from an
// agent and is untrusted: it is only ever set with textContent or as an
// attribute value through the DOM API, never parsed as HTML.
'use strict';

const state = { servers: [], sortKey: 'status', sortDir: 1, rules: [] };
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
  for (const f of s.findings) if (!w || rank[f.severity] > rank[w.severity]) w = f;
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
  const hay = [s.fqdn, s.exchange_build, certLabel(s.cert_443), certLabel(s.cert_444),
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
  for (const s of rows) {
    const w = worst(s);
    const d = daysLeft(s.cert_444 && s.cert_444.not_after);
    const link = el('a', { href: '#server=' + encodeURIComponent(s.fqdn) }, s.fqdn);
    frag.append(el('tr', { 'data-fqdn': s.fqdn },
      el('td', null, link),
      el('td', null, s.exchange_build || 'unknown'),
      el('td', { class: s.status }, s.status),
      el('td', { class: s.cert_443.kind === 'missing' ? 'broken' : '' }, certLabel(s.cert_443)),
      cert444Cell(s.cert_444),
      el('td', null, d === null ? '–' : String(d)),
      el('td', null, s.last_report_at || '–'),
      el('td', { class: w ? 'sev-' + w.severity : '' }, w ? `${w.rule}: ${w.title}` : 'none')));
  }
  tbody.replaceChildren(frag);
  document.getElementById('count').textContent = `${rows.length} of ${state.servers.length} servers shown`;
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
    ['Last report', s.last_report_at || '–'], ['Provenance', s.provenance],
    ['Collection errors', String(s.collection_errors)]]));
  parts.push(el('h3', null, 'Findings'));
  if (!s.findings.length) parts.push(el('p', null, 'No findings.'));
  for (const f of s.findings) {
    parts.push(el('div', { class: 'finding sev-' + f.severity },
      el('p', null, el('strong', { class: 'sev-' + f.severity }, `${f.severity.toUpperCase()} ${f.rule}`), ' — ', f.title),
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
  for (const id of ['f-text', 'f-status', 'f-rule']) document.getElementById(id).addEventListener('input', renderTable);
  document.getElementById('filters').addEventListener('submit', (e) => e.preventDefault());
  document.getElementById('close-detail').addEventListener('click', () => { location.hash = ''; });
  window.addEventListener('hashchange', showFromHash);
  refresh().then(showFromHash);
  setInterval(refresh, 60000);
});
