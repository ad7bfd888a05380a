// `typeswan show|clear|debug` through the built binary, against a control server in this
// process serving a gateway (fake IKE engine, real data plane).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliMissing, cliPath, runTypeswan } from './runCli.js';
import { startControlServer } from '../../src/gateway/controlServer.js';
import { Gateway } from '../../src/gateway/gateway.js';
import { DataPlaneAdapter } from '../../src/gateway/dataPlaneAdapter.js';
import { EventBus } from '../../src/observe/bus.js';
import { VirtualNetwork } from '../../src/net/virtual/network.js';
import { FakeIke, INITIATOR } from '../gateway/helpers.js';
import { parseShowWords } from '../../src/cli/show.js';
import { parseClearWords } from '../../src/cli/clear.js';
import { parseDebugWords } from '../../src/cli/debug.js';

const missing = cliMissing();

function typeswan(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [cliPath, ...args], { timeout: 30_000 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
      resolve({ code, stdout, stderr });
    });
  });
}

test('show/clear words: IOS abbreviations and peer filters', () => {
  assert.deepEqual(parseShowWords(['cry', 'isa', 'sa']), { what: 'isakmp sa' });
  assert.deepEqual(parseShowWords(['crypto', 'ipsec', 'sa', 'peer', '10.0.0.1']), {
    what: 'ipsec sa',
    peer: '10.0.0.1',
  });
  assert.deepEqual(parseShowWords(['crypto', 'map']), { what: 'map' });
  assert.deepEqual(parseShowWords(['crypto', 'isakmp', 'policy']), { what: 'isakmp policy' });
  assert.deepEqual(parseShowWords(['crypto', 'ipsec', 'transform-set']), { what: 'ipsec transform-set' });
  assert.deepEqual(parseShowWords(['cry', 'key', 'mypub', 'rsa']), { what: 'key mypubkey rsa' });
  assert.throws(() => parseShowWords(['crypto', 'key', 'mypubkey']), /unknown show command/);
  assert.throws(() => parseShowWords(['crypto', 'i', 'sa']), /unknown show command/);
  assert.deepEqual(parseClearWords(['crypto', 'sa', 'peer', '1.2.3.4']), { what: 'sa', peer: '1.2.3.4' });
  assert.deepEqual(parseClearWords(['crypto', 'isakmp']), { what: 'isakmp' });
  // the one address reading: no leading zeros, octets up to 255
  assert.throws(() => parseClearWords(['crypto', 'sa', 'peer', '010.1.1.1']), /unknown clear command/);
  assert.throws(() => parseShowWords(['crypto', 'ipsec', 'sa', 'peer', '1.2.3.999']), /unknown show command/);
  assert.deepEqual(parseDebugWords(['crypto', 'isakmp', 'ipsec']), ['isakmp', 'ipsec']);
  assert.throws(() => parseDebugWords(['crypto']), /unknown debug command/);
  assert.deepEqual(parseDebugWords(['vpdn']), ['vpdn']);
  assert.deepEqual(parseDebugWords(['vpdn', 'l2x-events']), ['vpdn']);
  assert.deepEqual(parseDebugWords(['ppp', 'negotiation']), ['vpdn']);
  assert.throws(() => parseDebugWords(['vpdn', 'bogus']), /unknown debug command/);
});

test(
  'show without a gateway is a runtime failure (1); bad words a usage error (2)',
  { skip: missing },
  () => {
    const none = runTypeswan(['show', 'crypto', 'isakmp', 'sa', '--control', '/nonexistent/typeswan.sock']);
    assert.equal(none.status, 1);
    assert.match(none.stderr, /cannot connect to the control socket/);
    assert.equal(runTypeswan(['show', 'crypto', 'bogus']).status, 2);
    assert.equal(runTypeswan(['clear', 'crypto', 'everything']).status, 2);
    assert.equal(runTypeswan(['debug', 'crypto', 'kitchen']).status, 2);
    for (const c of ['show', 'clear', 'debug', 'check', 'lab'])
      assert.equal(runTypeswan([c, '--help']).status, 0, `${c} --help`);
  },
);

test('show, show --json and clear against a running gateway', { skip: missing }, async () => {
  const net = new VirtualNetwork();
  const router = net.router('r');
  router.addInterface('Ethernet1/0', '172.16.172.10', '255.255.255.0', net.segment('wan'));
  const ike = new FakeIke('172.16.172.10', 0x100);
  const gateway = new Gateway({
    config: INITIATOR,
    adapters: {
      udp: [router.udpEndpoint('172.16.172.10', 500)],
      raw: [router.rawEndpoint('172.16.172.10')],
      tunnel: router.packetTunnel(),
    },
    scheduler: net.scheduler,
    bus: new EventBus(),
    ike,
    dataPlane: new DataPlaneAdapter(),
  });
  gateway.start();
  const dir = mkdtempSync(join(tmpdir(), 'typeswan-cli-'));
  const path = join(dir, 'control.sock');
  const server = await startControlServer(path, gateway);
  try {
    const map = await typeswan(['show', 'crypto', 'map', '--control', path]);
    assert.equal(map.code, 0, map.stderr);
    assert.match(
      map.stdout,
      /^Crypto Map "vpn" 10 ipsec-isakmp\n {2}Peer = 172\.16\.172\.20\n {2}Extended IP access list 101\n/,
    );
    const ts = await typeswan(['show', 'crypto', 'ipsec', 'transform-set', '--control', path]);
    assert.match(ts.stdout, /Transform set myset: \{ esp-3des esp-md5-hmac {2}\}/);
    const sa = await typeswan(['show', 'crypto', 'ipsec', 'sa', '--json', '--control', path]);
    assert.equal(sa.code, 0, sa.stderr);
    const flows = JSON.parse(sa.stdout) as { currentPeer: string; localIdent: string }[];
    assert.deepEqual(
      flows.map((f) => [f.currentPeer, f.localIdent]),
      [['172.16.172.20', '10.1.1.0/255.255.255.0/0/0']],
    );
    const isakmp = await typeswan(['show', 'cry', 'isa', 'sa', '--control', path]);
    assert.equal(isakmp.stdout, 'dst          src          state          conn-id    slot\n');
    const clear = await typeswan(['clear', 'crypto', 'isakmp', '--control', path]);
    assert.equal(clear.code, 0, clear.stderr);
  } finally {
    await server.close();
    gateway.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test(
  "debug crypto isakmp streams the gateway's debug lines until interrupted",
  { skip: missing },
  async () => {
    const net = new VirtualNetwork({ startSeconds: 250 });
    const router = net.router('r');
    router.addInterface('Ethernet1/0', '172.16.172.10', '255.255.255.0', net.segment('wan'));
    const bus = new EventBus();
    const gateway = new Gateway({
      config: INITIATOR,
      adapters: {
        udp: [router.udpEndpoint('172.16.172.10', 500)],
        raw: [router.rawEndpoint('172.16.172.10')],
        tunnel: router.packetTunnel(),
      },
      scheduler: net.scheduler,
      bus,
      ike: new FakeIke('172.16.172.10', 0x100),
      dataPlane: new DataPlaneAdapter(),
    });
    gateway.start();
    const dir = mkdtempSync(join(tmpdir(), 'typeswan-cli-'));
    const path = join(dir, 'control.sock');
    const server = await startControlServer(path, gateway);
    try {
      const child = spawn(process.execPath, [cliPath, 'debug', 'crypto', 'isakmp', '--control', path]);
      let stdout = '';
      child.stdout.setEncoding('utf8');
      child.stdout.on('data', (d: string) => (stdout += d));
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      for (let i = 0; i < 100 && !stdout.includes('debugging isakmp is on'); i++)
        await new Promise((r) => setTimeout(r, 50));
      assert.match(stdout, /debugging isakmp is on/);
      bus.publish({
        source: 'ike',
        router: 'Initiator',
        time: 250,
        event: { type: 'begin', connId: 1, exchange: 'main' },
      });
      bus.publish({
        source: 'gateway',
        router: 'Initiator',
        time: 250,
        event: { type: 'packetDropped', direction: 'inbound', reason: 'replay' },
      });
      for (let i = 0; i < 100 && !stdout.includes('Main Mode'); i++)
        await new Promise((r) => setTimeout(r, 50));
      child.kill('SIGINT');
      assert.equal(await exited, 0);
      assert.match(stdout, /^00:04:10: ISAKMP \(0:1\): beginning Main Mode exchange$/m);
      assert.doesNotMatch(stdout, /CRYPTO_ENGINE/, 'engine lines were not asked for');
    } finally {
      await server.close();
      gateway.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  },
);
