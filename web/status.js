// The status page: renders /api/status into the three tables, then follows /api/events
// (server-sent events, one status a message) unless the address says `?live=0`. Text only
// goes in through textContent: peer identities and refusal details are the peer's words.
/* global document, window, fetch, EventSource, URLSearchParams */
'use strict';

function cell(row, text, className) {
  const td = document.createElement('td');
  td.textContent = text;
  if (className) td.className = className;
  row.appendChild(td);
  return td;
}

const COLUMNS = {
  peers: ['peer', 'local', 'state', 'conn-id', 'role', 'algorithms', 'ports', 'lifetime left'],
  tunnels: [
    'peer',
    'map',
    'local ident',
    'remote ident',
    'transform',
    'SAs',
    'pkts encaps',
    'pkts decaps',
    'bytes out',
    'bytes in',
    'errors',
  ],
  failures: ['time', 'peer', 'phase', 'reason', 'what mismatched'],
};

function headers() {
  for (const [tableId, names] of Object.entries(COLUMNS)) {
    const row = document.getElementById(tableId).createTHead().insertRow();
    for (const name of names) {
      const th = document.createElement('th');
      th.textContent = name;
      row.appendChild(th);
    }
  }
}

function fill(tableId, items, render) {
  const columns = COLUMNS[tableId].length;
  const body = document.querySelector(`#${tableId} tbody`);
  body.replaceChildren();
  if (items.length === 0) {
    const row = body.insertRow();
    const td = cell(row, 'none', 'empty');
    td.colSpan = columns;
    return;
  }
  for (const item of items) render(body.insertRow(), item);
}

function duration(seconds) {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h > 0 ? `${h}h${String(m).padStart(2, '0')}m` : `${m}m${String(s % 60).padStart(2, '0')}s`;
}

function sum(sas, direction, what) {
  return sas.filter((s) => s.direction === direction).reduce((n, s) => n + s[what], 0);
}

function render(status) {
  document.getElementById('router').textContent = status.router;
  document.getElementById('updated').textContent =
    `updated ${new Date(status.time * 1000).toISOString().replace('T', ' ').slice(0, 19)} UTC`;
  fill('peers', status.peers, (row, p) => {
    row.dataset.peer = p.dst;
    cell(row, p.dst);
    cell(row, p.src);
    cell(row, p.state, `state-${p.state}`);
    cell(row, String(p.connId), 'number');
    cell(row, `${p.role} (${p.exchange} mode)`);
    cell(
      row,
      [p.encryption, p.hash, p.group !== undefined ? `group ${p.group}` : undefined]
        .filter(Boolean)
        .join(' '),
    );
    cell(row, `${p.localPort} → ${p.peerPort}${p.natT ? ' NAT-T' : ''}`);
    cell(row, duration(p.lifetimeRemaining), 'number');
  });
  fill('tunnels', status.tunnels, (row, t) => {
    row.dataset.peer = t.peer;
    const transforms = [...new Set(t.sas.map((s) => s.transform))];
    cell(row, t.peer);
    cell(row, t.cryptoMap);
    cell(row, t.local);
    cell(row, t.remote);
    cell(row, transforms.join(', ') || '—', 'transform');
    cell(
      row,
      t.sas
        .map((s) => `${s.protocol} ${s.direction === 'inbound' ? 'in' : 'out'} 0x${s.spi.toString(16)}`)
        .join(', ') || '—',
    );
    cell(row, String(t.counters.encaps), 'number encaps');
    cell(row, String(t.counters.decaps), 'number decaps');
    cell(row, String(sum(t.sas, 'outbound', 'bytes')), 'number bytes-out');
    cell(row, String(sum(t.sas, 'inbound', 'bytes')), 'number bytes-in');
    cell(row, String(t.counters.sendErrors + t.counters.recvErrors), 'number');
  });
  fill('failures', status.failures, (row, f) => {
    cell(row, new Date(f.wallTime * 1000).toISOString().slice(11, 19));
    cell(row, f.peer);
    cell(row, String(f.phase), 'number');
    cell(row, f.reason.replaceAll('_', ' '), 'reason');
    const what = f.mismatches.map((m) => `${m.attribute}: ours ${m.ours}, theirs ${m.theirs}`);
    cell(row, [...what, f.detail].join('; '), 'mismatch');
  });
}

function follow() {
  const events = new EventSource('api/events');
  events.onmessage = (message) => render(JSON.parse(message.data));
  events.onerror = () => {
    document.getElementById('updated').textContent = 'connection to the gateway lost; retrying…';
  };
}

window.addEventListener('DOMContentLoaded', () => {
  headers();
  fetch('api/status')
    .then((response) => response.json())
    .then(render)
    .catch(() => undefined)
    // `?live=0`: one rendering, no event stream (a screenshot or a print waits for no stream).
    .finally(() => new URLSearchParams(window.location.search).get('live') !== '0' && follow());
});
