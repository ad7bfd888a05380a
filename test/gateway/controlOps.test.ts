// The control protocol's version 1 operations over a real Unix socket (docs/API.md): hello and
// the version check, `show debug` naming the gateway log's and the streams' categories,
// `undebug` ending every debug stream of every connection with IOS's message, `events` as a
// JSON stream, `initiate`/`sas`/`counters` passed through, not-found errors with their code.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { projectRoot } from '../util/fixtures.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:net';
import { startControlServer } from '../../src/gateway/controlServer.js';
import {
  CONTROL_OPS,
  CONTROL_PROTOCOL_VERSION,
  SHOW_WHATS,
  ControlNotFound,
  type ControlTarget,
} from '../../src/gateway/controlProtocol.js';
import type { DebugCategory, TypeswanEvent } from '../../src/observe/events.js';
import { ControlClient } from '../../src/cli/controlClient.js';

function target() {
  let logCategories: readonly DebugCategory[] = ['isakmp'];
  const eventSinks: ((e: TypeswanEvent) => void)[] = [];
  const t: ControlTarget = {
    show: (what) => ({ text: `shown ${what}\n`, data: { what } }),
    clear: () => '',
    debug: () => () => undefined,
    initiate: (w) => {
      if ('peer' in w && w.peer === '192.0.2.9')
        throw new ControlNotFound('no crypto map entry for peer 192.0.2.9');
      return { text: 'initiating', peers: ['192.0.2.2'] };
    },
    sas: () => ({ text: 'no SAs\n', data: { ike: [], ipsec: [] } }),
    counters: () => ({ text: 'c\n', data: { ikeSas: 0 } }),
    events: (emit) => {
      eventSinks.push(emit);
      return () => eventSinks.splice(eventSinks.indexOf(emit), 1);
    },
    logDebug: { get: () => logCategories, set: (c) => (logCategories = c) },
  };
  return { t, eventSinks, log: () => logCategories };
}

async function withServer(
  run: (path: string, fake: ReturnType<typeof target>) => Promise<void>,
): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'tsop-control-'));
  const path = join(dir, 'control.sock');
  const fake = target();
  const server = await startControlServer(path, fake.t);
  try {
    await run(path, fake);
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Writes raw request lines and collects the response lines that come within 100 ms. */
async function raw(path: string, lines: readonly string[]): Promise<Record<string, unknown>[]> {
  const socket = connect(path);
  socket.setEncoding('utf8');
  let buffer = '';
  socket.on('data', (d: string) => (buffer += d));
  await new Promise((r) => socket.once('connect', r));
  socket.write(lines.map((l) => `${l}\n`).join(''));
  await new Promise((r) => setTimeout(r, 100));
  socket.destroy();
  return buffer
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

test('hello names the protocol version and the ops; another version is refused', async () => {
  await withServer(async (path) => {
    const [hello, v2, v1, bad] = await raw(path, [
      '{"id":1,"op":"hello","v":1}',
      '{"id":2,"op":"ping","v":2}',
      '{"id":3,"op":"ping","v":1}',
      '{"id":4,"op":"initiate","map":"vpn"}',
    ]);
    assert.equal(CONTROL_PROTOCOL_VERSION, 1);
    assert.deepEqual(hello?.['data'], { protocol: 1, ops: CONTROL_OPS });
    assert.deepEqual([v2?.['ok'], v2?.['code']], [false, 'unsupported-version']);
    assert.deepEqual([v1?.['ok'], v1?.['text']], [true, 'pong']);
    assert.deepEqual([bad?.['ok'], bad?.['code']], [false, 'bad-request']);
  });
});

test('initiate, sas and counters pass through; not-found has its code', async () => {
  await withServer(async (path) => {
    const [up, missing, sas, counters, clearBad] = await raw(path, [
      '{"id":1,"op":"initiate","map":"vpn","seq":10}',
      '{"id":2,"op":"initiate","peer":"192.0.2.9"}',
      '{"id":3,"op":"sas"}',
      '{"id":4,"op":"counters"}',
      '{"id":5,"op":"clear","what":"sa","connId":3}',
    ]);
    assert.deepEqual(up, { id: 1, ok: true, text: 'initiating', data: { peers: ['192.0.2.2'] } });
    assert.deepEqual(missing, {
      id: 2,
      ok: false,
      error: 'no crypto map entry for peer 192.0.2.9',
      code: 'not-found',
    });
    assert.deepEqual(sas?.['data'], { ike: [], ipsec: [] });
    assert.deepEqual(counters?.['data'], { ikeSas: 0 });
    assert.equal(clearBad?.['code'], 'bad-request', 'a conn-id is for clear isakmp');
  });
});

test('show debug, debug-log and undebug all: every stream ends with the IOS message', async () => {
  await withServer(async (path, fake) => {
    const a = await ControlClient.connect(path);
    const b = await ControlClient.connect(path);
    const linesA: string[] = [];
    await a.request({ op: 'debug', categories: ['ipsec'] }, (l) => linesA.push(l));
    await b.request({ op: 'debug', categories: ['engine'] }, () => undefined);
    const closedA = new Promise<void>((r) => a.onClose(r));
    const closedB = new Promise<void>((r) => b.onClose(r));
    const c = await ControlClient.connect(path);
    const shown = await c.request({ op: 'show', what: 'debug' });
    assert.ok(shown.ok);
    assert.equal(
      shown.text,
      'Cryptographic Subsystem:\n  Crypto ISAKMP debugging is on\n  Crypto Engine debugging is on\n  Crypto IPSEC debugging is on\n',
    );
    const undebug = await c.request({ op: 'undebug' });
    assert.deepEqual(undebug, { id: 2, ok: true, text: 'All possible debugging has been turned off' });
    await Promise.all([closedA, closedB]);
    assert.deepEqual(linesA, ['All possible debugging has been turned off']);
    assert.deepEqual(fake.log(), []);
    const after = await c.request({ op: 'show', what: 'debug' });
    assert.deepEqual(after.ok && after.text, '', 'IOS prints nothing when no debugging is on');
    const on = await c.request({ op: 'debug-log', categories: ['engine', 'isakmp'] });
    assert.ok(on.ok);
    assert.deepEqual(fake.log(), ['isakmp', 'engine']);
    c.close();
  });
});

test('events: a JSON stream until the client goes away', async () => {
  await withServer(async (path, fake) => {
    const client = await ControlClient.connect(path);
    const lines: string[] = [];
    const first = await client.request({ op: 'events' }, (l) => lines.push(l));
    assert.ok(first.ok);
    fake.eventSinks[0]?.({
      source: 'gateway',
      router: 'r1',
      time: 1.5,
      event: { type: 'configReloaded', file: 'r1.cfg' },
    });
    await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(
      lines.map((l) => JSON.parse(l) as unknown),
      [{ source: 'gateway', router: 'r1', time: 1.5, event: { type: 'configReloaded', file: 'r1.cfg' } }],
    );
    client.close();
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(fake.eventSinks.length, 0, 'unsubscribed');
  });
});

test('docs/API.md documents every op and every show target', () => {
  const doc = readFileSync(join(projectRoot, 'docs', 'API.md'), 'utf8');
  for (const op of CONTROL_OPS) assert.match(doc, new RegExp(`^### ${op}( \\(stream\\))?$`, 'm'), op);
  for (const what of SHOW_WHATS)
    assert.ok(doc.includes(`| \`${what}\``) || doc.includes(`\`${what}\`,`), what);
  assert.match(doc, /^# typeswan control API, protocol version 1$/m);
  assert.equal(CONTROL_PROTOCOL_VERSION, 1);
});
