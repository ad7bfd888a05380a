// `interface TunnelN` (tunnel source/destination/mode/key/sequence-datagrams/checksum, keepalive, ip mtu, ip tcp
// adjust-mss), `ip route`, and several `set peer` lines, through the parser and the JSON model.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ConfigError, loadConfigJson, parseConfig } from '../../src/config/index.js';
import { fixture } from '../util/fixtures.js';

const TUNNEL = `hostname router1
interface Tunnel0
 ip address 10.4.1.1 255.255.255.0
 ip mtu 1400
 ip tcp adjust-mss 1360
 keepalive 5 4
 tunnel source Serial0
 tunnel destination 172.18.45.1
 tunnel mode gre ip
 tunnel key 4294967295
!
interface Tunnel1
 keepalive
 tunnel source 172.18.31.1
 tunnel sequence-datagrams
 tunnel checksum
!
interface Serial0
 ip address 172.18.31.1 255.255.255.0
!
ip route 10.2.1.0 255.255.255.0 Tunnel0
ip route 10.2.1.0 255.255.255.0 Tunnel1 250
ip route 172.18.0.0 255.255.0.0 serial0 172.18.31.254 track 1
ip route 0.0.0.0 0.0.0.0 172.18.31.254
crypto map gre 10 ipsec-isakmp
 set peer 172.18.45.1
 set peer 172.18.45.3
`;

test('tunnel interface: source (interface or address), destination, mode, key, sequencing, checksums, keepalive, mtu, mss', () => {
  const c = parseConfig(TUNNEL, 'router1.cfg', { crossCheck: 'warn' });
  const t0 = c.interfaces.find((i) => i.name === 'Tunnel0');
  assert.deepEqual(t0?.tunnel, {
    source: 'Serial0',
    destination: '172.18.45.1',
    mode: 'gre ip',
    key: 4294967295,
  });
  assert.deepEqual(t0?.keepalive, { period: 5, retries: 4 });
  assert.equal(t0?.ipMtu, 1400);
  assert.equal(t0?.tcpAdjustMss, 1360);
  const t1 = c.interfaces.find((i) => i.name === 'Tunnel1');
  // IOS: `keepalive` alone is every 10 s, down after 3 unanswered
  assert.deepEqual(t1?.keepalive, { period: 10, retries: 3 });
  assert.deepEqual(t1?.tunnel, { source: '172.18.31.1', sequenceDatagrams: true, checksum: true });
  assert.deepEqual(c.cryptoMaps[0]?.peers, ['172.18.45.1', '172.18.45.3']);
});

test('ip route: interface, next hop, both, and the distance of a floating route', () => {
  const c = parseConfig(TUNNEL, 'router1.cfg', { crossCheck: 'warn' });
  assert.deepEqual(
    c.staticRoutes?.map((r) => [r.network, r.mask, r.interface, r.nextHop, r.distance, r.at?.line]),
    [
      ['10.2.1.0', '255.255.255.0', 'Tunnel0', undefined, 1, 21],
      ['10.2.1.0', '255.255.255.0', 'Tunnel1', undefined, 250, 22],
      ['172.18.0.0', '255.255.0.0', 'serial0', '172.18.31.254', 1, 23],
      ['0.0.0.0', '0.0.0.0', undefined, '172.18.31.254', 1, 24],
    ],
  );
});

test('the JSON model keeps tunnels, keepalives and routes', () => {
  const c = parseConfig(TUNNEL, 'router1.cfg', { crossCheck: 'warn' });
  const back = loadConfigJson(JSON.stringify(c), 'router1.json');
  assert.deepEqual(back.interfaces, c.interfaces);
  assert.deepEqual(back.staticRoutes, c.staticRoutes);
});

test('errors name the line and column', () => {
  for (const [line, column] of [
    [' keepalive 0', 12],
    [' keepalive 10 0', 15],
    [' ip mtu 67', 9],
    [' ip tcp adjust-mss 1461', 20],
    [' tunnel mode frobnicate', 14],
    [' tunnel key -1', 13],
    [' tunnel destination Serial0', 21],
  ] as const) {
    assert.throws(
      () => parseConfig(`hostname r1\ninterface Tunnel0\n${line}\n`, 'r1.cfg', { crossCheck: 'warn' }),
      (err: unknown) => err instanceof ConfigError && err.line === 3 && err.column === column,
      line,
    );
  }
  assert.throws(
    () => parseConfig('hostname r1\nip route 10.1.1.1 255.255.255.0 10.0.0.1\n', 'r1.cfg'),
    (err: unknown) => err instanceof ConfigError && err.line === 2 && err.column === 10,
  );
});

test('a tunnel source or route naming an undefined interface is an error at its line', () => {
  assert.throws(
    () => parseConfig('hostname r1\ninterface Tunnel0\n tunnel source Serial9\n', 'r1.cfg'),
    (err: unknown) => err instanceof ConfigError && err.line === 3 && err.column === 16,
  );
  assert.throws(
    () => parseConfig('hostname r1\nip route 10.1.0.0 255.255.0.0 Tunnel7\n', 'r1.cfg'),
    (err: unknown) => err instanceof ConfigError && err.line === 2 && err.column === 31,
  );
});

test('the chapter configurations 13-16 to 13-18 parse, with their static route to serial0', () => {
  for (const n of [16, 17, 18]) {
    const name = `example-13-${n}.cfg`;
    const c = parseConfig(readFileSync(fixture(`chapter/${name}`), 'utf8'), name);
    assert.deepEqual(
      c.staticRoutes?.map((r) => [r.network, r.mask, r.interface]),
      [['172.18.0.0', '255.255.0.0', 'serial0']],
    );
    assert.ok(c.interfaces.some((i) => i.name.startsWith('Tunnel') && i.cryptoMap === 'gre'));
  }
});
