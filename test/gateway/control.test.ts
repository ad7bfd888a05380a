// The control socket: newline-delimited JSON round trips (show, clear, debug streaming,
// errors) between the server and the CLI's client, over a real Unix socket.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:net';
import { startControlServer } from '../../src/gateway/controlServer.js';
import { parseRequest, type ControlTarget } from '../../src/gateway/controlProtocol.js';
import { ControlClient } from '../../src/cli/controlClient.js';

function fakeTarget(): ControlTarget & { cleared: string[]; emitters: ((line: string) => void)[] } {
  const cleared: string[] = [];
  const emitters: ((line: string) => void)[] = [];
  return {
    cleared,
    emitters,
    show: (what, options) => ({
      text: `shown ${what}${options.peer !== undefined ? ` peer ${options.peer}` : ''}\n`,
      data: { what },
    }),
    clear: (what, options) => {
      cleared.push(`${what}${options.peer !== undefined ? ` ${options.peer}` : ''}`);
      return '';
    },
    debug: (categories, emit) => {
      const e = (line: string): void => emit(`[${categories.join(',')}] ${line}`);
      emitters.push(e);
      return () => {
        emitters.splice(emitters.indexOf(e), 1);
      };
    },
  };
}

async function withServer(
  run: (path: string, target: ReturnType<typeof fakeTarget>) => Promise<void>,
): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'typeswan-control-'));
  const path = join(dir, 'control.sock');
  const target = fakeTarget();
  const server = await startControlServer(path, target);
  try {
    await run(path, target);
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

test('show and clear round trips', async () => {
  await withServer(async (path, target) => {
    const client = await ControlClient.connect(path);
    const shown = await client.request({ op: 'show', what: 'ipsec sa', peer: '172.16.172.20' });
    assert.deepEqual(shown, {
      id: 1,
      ok: true,
      text: 'shown ipsec sa peer 172.16.172.20\n',
      data: { what: 'ipsec sa' },
    });
    const cleared = await client.request({ op: 'clear', what: 'isakmp' });
    assert.deepEqual(cleared, { id: 2, ok: true, text: '' });
    assert.deepEqual(target.cleared, ['isakmp']);
    client.close();
  });
});

test('debug streams lines until the client goes away', async () => {
  await withServer(async (path, target) => {
    const client = await ControlClient.connect(path);
    const lines: string[] = [];
    const first = await client.request({ op: 'debug', categories: ['isakmp', 'ipsec'] }, (l) =>
      lines.push(l),
    );
    assert.equal('ok' in first && first.ok, true);
    assert.equal(target.emitters.length, 1);
    target.emitters[0]!('ISAKMP (0:1): beginning Main Mode exchange');
    target.emitters[0]!('second');
    await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(lines, [
      '[isakmp,ipsec] ISAKMP (0:1): beginning Main Mode exchange',
      '[isakmp,ipsec] second',
    ]);
    client.close();
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(target.emitters.length, 0, 'unsubscribed when the connection closed');
  });
});

test('bad requests get errors, and the connection keeps serving', async () => {
  await withServer(async (path) => {
    const socket = connect(path);
    socket.setEncoding('utf8');
    let buffer = '';
    socket.on('data', (d: string) => (buffer += d));
    await new Promise((r) => socket.once('connect', r));
    socket.write('not json\n{"id":5,"op":"show","what":"nothing"}\n{"id":6,"op":"ping"}\n');
    await new Promise((r) => setTimeout(r, 100));
    const responses = buffer
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { id: number; ok: boolean });
    assert.deepEqual(
      responses.map((r) => [r.id, r.ok]),
      [
        [0, false],
        [5, false],
        [6, true],
      ],
    );
    socket.destroy();
  });
});

test('parseRequest validates every field', () => {
  assert.deepEqual(parseRequest('{"id":1,"op":"debug","categories":["engine"]}'), {
    id: 1,
    op: 'debug',
    categories: ['engine'],
  });
  assert.ok('error' in parseRequest('{"id":1,"op":"debug","categories":["everything"]}'));
  assert.ok('error' in parseRequest('{"id":1,"op":"clear","what":"all"}'));
  assert.ok('error' in parseRequest('[1,2]'));
});

test('the gateway itself serves show over the socket (fake engines)', async () => {
  const { FakeIke, INITIATOR } = await import('./helpers.js');
  const { Gateway } = await import('../../src/gateway/gateway.js');
  const { DataPlaneAdapter } = await import('../../src/gateway/dataPlaneAdapter.js');
  const { EventBus } = await import('../../src/observe/bus.js');
  const { VirtualNetwork } = await import('../../src/net/virtual/network.js');
  const net = new VirtualNetwork();
  const router = net.router('r');
  const seg = net.segment('wan');
  router.addInterface('Ethernet1/0', '172.16.172.10', '255.255.255.0', seg);
  const gateway = new Gateway({
    config: INITIATOR,
    adapters: {
      udp: [router.udpEndpoint('172.16.172.10', 500)],
      raw: [router.rawEndpoint('172.16.172.10')],
      tunnel: router.packetTunnel(),
    },
    scheduler: net.scheduler,
    bus: new EventBus(),
    ike: new FakeIke('172.16.172.10', 0x100),
    dataPlane: new DataPlaneAdapter(),
  });
  gateway.start();
  const dir = mkdtempSync(join(tmpdir(), 'typeswan-control-'));
  const path = join(dir, 'control.sock');
  const server = await startControlServer(path, gateway);
  try {
    const client = await ControlClient.connect(path);
    const map = await client.request({ op: 'show', what: 'map' });
    assert.ok('text' in map);
    assert.match(map.text, /^Crypto Map "vpn" 10 ipsec-isakmp\n {2}Peer = 172\.16\.172\.20\n/);
    const policy = await client.request({ op: 'show', what: 'isakmp policy' });
    assert.ok('text' in policy);
    assert.match(policy.text, /Protection suite of priority 1/);
    client.close();
  } finally {
    await server.close();
    gateway.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
