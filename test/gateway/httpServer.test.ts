// The HTTP listener: address parsing, /metrics, the status page's files, its JSON and its
// event stream, and what it refuses. On loopback, an ephemeral port.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import {
  hostAllowed,
  httpListeners,
  parseListenAddress,
  startHttpServer,
} from '../../src/gateway/httpServer.js';

test('listen addresses: ADDR:PORT, [IPv6]:PORT, PORT alone on loopback', () => {
  assert.deepEqual(parseListenAddress('9464'), { host: '127.0.0.1', port: 9464 });
  assert.deepEqual(parseListenAddress('0.0.0.0:80'), { host: '0.0.0.0', port: 80 });
  assert.deepEqual(parseListenAddress('[::1]:9464'), { host: '::1', port: 9464 });
  for (const bad of [
    'localhost:80',
    '::1:80',
    '1.2.3:80',
    '127.0.0.1:0',
    '127.0.0.1:65536',
    '127.0.0.1',
    '[1.2.3.4]:80',
  ])
    assert.throws(() => parseListenAddress(bad), /expected|not an IP address|port/, bad);
});

test('--metrics and --http: one listener when they name the same address, else one each', () => {
  assert.deepEqual(httpListeners(undefined, undefined), []);
  const shared = httpListeners('9464', '127.0.0.1:9464');
  assert.equal(shared.length, 1);
  assert.deepEqual([shared[0]?.metrics, shared[0]?.status, shared[0]?.text], [true, true, '127.0.0.1:9464']);
  const apart = httpListeners('[::1]:9464', '8080');
  assert.deepEqual(
    apart.map((l) => [l.flags, l.text, l.metrics, l.status]),
    [
      ['--metrics', '[::1]:9464', true, false],
      ['--http', '127.0.0.1:8080', false, true],
    ],
  );
  assert.throws(() => httpListeners(undefined, 'web:80'), /^Error: --http web:80: web is not an IP address$/);
});

test('serves /metrics, the page, its JSON and a live event stream; refuses the rest', async () => {
  let value = 1;
  const server = await startHttpServer(
    { host: '127.0.0.1', port: 0 },
    { metrics: () => `# HELP x a\n# TYPE x gauge\nx ${value}\n`, status: () => ({ value }) },
  );
  const base = `http://127.0.0.1:${server.address.port}`;
  try {
    const metrics = await fetch(`${base}/metrics`);
    assert.equal(metrics.headers.get('content-type'), 'text/plain; version=0.0.4; charset=utf-8');
    assert.equal(await metrics.text(), '# HELP x a\n# TYPE x gauge\nx 1\n');
    const page = await fetch(`${base}/`);
    assert.match(page.headers.get('content-type') ?? '', /^text\/html/);
    assert.match(page.headers.get('content-security-policy') ?? '', /default-src 'self'/);
    const html = await page.text();
    assert.match(html, /<script src="status.js" defer><\/script>/);
    assert.doesNotMatch(html, /https?:\/\//, 'the page loads nothing from elsewhere');
    assert.match(await (await fetch(`${base}/status.js`)).text(), /new EventSource\('api\/events'\)/);
    assert.deepEqual(await (await fetch(`${base}/api/status`)).json(), { value: 1 });

    const events = await fetch(`${base}/api/events`);
    assert.equal(events.headers.get('content-type'), 'text/event-stream');
    const reader = events.body!.getReader();
    const decoder = new TextDecoder();
    let received = '';
    const next = async (pattern: RegExp): Promise<void> => {
      for (let i = 0; i < 20 && !pattern.test(received); i++) {
        const chunk = await reader.read();
        if (chunk.done) break;
        received += decoder.decode(chunk.value);
      }
    };
    await next(/data: \{"value":1\}\n\n/);
    value = 2;
    await next(/data: \{"value":2\}\n\n/);
    assert.match(received, /^data: \{"value":1\}\n\n(: unchanged\n\n)*data: \{"value":2\}\n\n/);
    await reader.cancel();

    const post = await fetch(`${base}/metrics`, { method: 'POST', body: 'x' });
    assert.equal(post.status, 405);
    assert.equal(post.headers.get('allow'), 'GET, HEAD');
    assert.equal((await fetch(`${base}/../etc/passwd`)).status, 404);
    assert.equal((await fetch(`${base}/status.html`)).status, 404);
  } finally {
    await server.close();
  }
});

test('a metrics-only listener serves no status page', async () => {
  const server = await startHttpServer({ host: '127.0.0.1', port: 0 }, { metrics: () => '' });
  try {
    const base = `http://127.0.0.1:${server.address.port}`;
    assert.equal((await fetch(`${base}/`)).status, 404);
    assert.equal((await fetch(`${base}/api/status`)).status, 404);
    assert.equal((await fetch(`${base}/metrics`)).status, 200);
  } finally {
    await server.close();
  }
});

test('a loopback listener refuses a request naming another host (DNS rebinding)', async () => {
  const loopback = { host: '127.0.0.1', port: 9464 };
  assert.ok(hostAllowed(loopback, '127.0.0.1:9464'));
  assert.ok(hostAllowed(loopback, 'localhost:9464'));
  assert.ok(hostAllowed(loopback, '[::1]:9464'));
  assert.ok(!hostAllowed(loopback, 'attacker.example:9464'));
  assert.ok(hostAllowed({ host: '0.0.0.0', port: 9464 }, 'gateway.example:9464'));
  const server = await startHttpServer({ host: '127.0.0.1', port: 0 }, { metrics: () => 'x 1\n' });
  try {
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port: server.address.port,
          path: '/metrics',
          headers: { Host: 'rebound.example' },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.end();
    });
    assert.equal(status, 403);
  } finally {
    await server.close();
  }
});

test('a status that throws ends its event stream, not the process', async () => {
  let calls = 0;
  const server = await startHttpServer(
    { host: '127.0.0.1', port: 0 },
    {
      status: () => {
        calls++;
        if (calls > 1) throw new Error('gone');
        return { calls };
      },
    },
  );
  try {
    const base = `http://127.0.0.1:${server.address.port}`;
    const events = await fetch(`${base}/api/events`);
    const text = await events.text().catch(() => 'ended');
    assert.ok(text === 'ended' || text.startsWith('data: {"calls":1}'), text);
    assert.equal((await fetch(`${base}/api/status`)).status, 500);
  } finally {
    await server.close();
  }
});
