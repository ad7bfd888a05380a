// The NAT and policy-routing lines of Examples 13-13, 13-19, 13-21 and 13-30 read into the
// model; what the gateway does not translate is refused naming file, line and column.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseConfig } from '../../src/config/parse.js';
import { loadConfigJson } from '../../src/config/json.js';
import { fixture } from '../util/fixtures.js';

const chapter = (n: string): string => readFileSync(fixture(`chapter/example-13-${n}.cfg`), 'utf8');

test('Example 13-30: PAT on Ethernet0/0 for list 1, the static 10.1.1.2 -> 100.1.1.3, route-map nonat', () => {
  const c = parseConfig(chapter('30'), 'n.cfg', { crossCheck: 'warn' });
  assert.deepEqual(
    c.nat?.insideSources.map(({ at, ...s }) => ({ ...s, line: at.line })),
    [
      { kind: 'dynamic', acl: '1', interface: 'Ethernet0/0', line: 28 },
      { kind: 'static', local: '10.1.1.2', global: '100.1.1.3', line: 30 },
    ],
  );
  // `route-map nonat` / `permit 10` (printed on two lines) and `route-map nonat permit 10` are one entry
  assert.deepEqual(
    c.routeMaps?.map(({ at: _at, ...r }) => r),
    [
      {
        name: 'nonat',
        action: 'permit',
        seq: 10,
        matchAcls: ['120'],
        setNextHops: ['10.2.2.1'],
        setInterfaces: [],
      },
    ],
  );
  assert.ok(c.warnings.some((w) => w.line === 38 && /read as part of route-map nonat/.test(w.message)));
  const side = (name: string) => c.interfaces.find((i) => i.name === name);
  assert.equal(side('Ethernet0/0')?.nat, 'outside');
  assert.equal(side('Ethernet0/1')?.nat, 'inside');
  assert.equal(side('Ethernet0/1')?.policyRouteMap, 'nonat');
  assert.equal(side('Loopback1')?.address, '10.2.2.2');
  // `ip route-cache policy` is IOS switching, accepted and ignored
  assert.ok(c.ignored.some((i) => i.text === 'ip route-cache policy'));
});

test('Example 13-13: route-map nonat matches access-list 150 (deny the VPN networks)', () => {
  const c = parseConfig(chapter('13'), 'r1.cfg');
  assert.deepEqual(
    c.nat?.insideSources.map(({ at: _at, ...s }) => s),
    [{ kind: 'dynamic', routeMap: 'nonat', interface: 'Serial0' }],
  );
  assert.deepEqual(c.routeMaps?.[0]?.matchAcls, ['150']);
  assert.equal(c.interfaces.find((i) => i.name === 'FastEthernet0')?.nat, 'inside');
  assert.deepEqual(loadConfigJson(JSON.stringify(c), 'r1.json').nat, c.nat);
});

test('Example 13-19: ip nat translation ... never', () => {
  const c = parseConfig(chapter('19'), 'c.cfg');
  assert.deepEqual(c.nat?.timeouts, {
    timeout: 'never',
    tcp: 'never',
    udp: 'never',
    finrst: 'never',
    syn: 'never',
    dns: 'never',
    icmp: 'never',
  });
  assert.deepEqual(c.nat?.insideSources, []);
});

test('Example 13-21 (PIX): nat 0 access-list, nat 1 with its globals, the statics', () => {
  const c = parseConfig(chapter('21'), 'pix.cfg');
  assert.deepEqual(
    c.nat?.pixNat.map(({ at: _at, ...n }) => n),
    [
      { interface: 'inside', id: 0, acl: 'bypassingnat' },
      { interface: 'inside', id: 1, network: '172.16.0.0', mask: '255.255.0.0' },
    ],
  );
  assert.deepEqual(
    c.nat?.pixGlobal.map(({ at: _at, ...g }) => g),
    [
      { interface: 'outside', id: 1, address: '192.168.10.20', last: '192.168.10.30' },
      { interface: 'outside', id: 1, address: '192.168.10.19' },
    ],
  );
  assert.deepEqual(
    c.nat?.insideSources.map(({ at: _at, ...s }) => s),
    [
      { kind: 'static', local: '172.16.171.13', global: '192.168.10.100' },
      { kind: 'static', local: '20.1.1.1', global: '20.1.1.1' },
    ],
  );
  assert.deepEqual(loadConfigJson(JSON.stringify(c), 'pix.json').nat, c.nat);
});

const BASE = `hostname R
interface Ethernet0
 ip address 192.0.2.1 255.255.255.0
 ip nat outside
interface Ethernet1
 ip address 10.0.0.1 255.255.255.0
 ip nat inside
access-list 1 permit 10.0.0.0 0.0.0.255
`;

const refused: readonly [string, RegExp][] = [
  ['ip nat inside source list 1 pool P overload', /^r\.cfg:9:29: NAT pools are not supported/],
  [
    'ip nat inside source list 1 interface Ethernet0',
    /^r\.cfg:9:49: translation onto an interface needs overload/,
  ],
  ['ip nat outside source static 192.0.2.9 10.0.0.9', /^r\.cfg:9:8: ip nat outside is not supported/],
  [
    'ip nat inside source static tcp 10.0.0.2 80 192.0.2.2 80',
    /^r\.cfg:9:29: static port and network translations/,
  ],
  [
    'ip nat inside source list 7 interface Ethernet0 overload',
    /^r\.cfg:9:\d+: ip nat inside source list 7: access list 7 is not defined/,
  ],
  [
    'ip nat inside source route-map none interface Ethernet0 overload',
    /^r\.cfg:9:\d+: .*route-map none is not defined/,
  ],
  ['ip nat inside source list 1 interface Serial9 overload', /^r\.cfg:9:\d+: .*Serial9: no such interface/],
  ['route-map m permit 10\n match ip address prefix-list p', /^r\.cfg:10:19: prefix lists are not supported/],
  ['route-map m permit 10\n set ip precedence 5', /^r\.cfg:10:9: a route map here can set only/],
  [
    'route-map m permit 10\n match ip address 9',
    /^r\.cfg:10:\d+: route-map m permit 10 matches access list 9, which is not defined/,
  ],
];

for (const [line, message] of refused) {
  test(`refused with file:line: ${line.split('\n').join(' / ')}`, () => {
    assert.throws(
      () => parseConfig(`${BASE}${line}\n`, 'r.cfg'),
      (err: Error) => {
        assert.match(err.message, message);
        return true;
      },
    );
  });
}

test('an ip policy route-map that is not defined is an error on the interface', () => {
  assert.throws(
    () => parseConfig(`${BASE}interface Ethernet1\n ip policy route-map gone\n`, 'r.cfg'),
    /^ConfigError: r\.cfg:10:22: interface Ethernet1: ip policy route-map gone is not defined/,
  );
});

test('PIX: a static of a network and policy NAT are refused', () => {
  const pix = `PIX Version 6.3(1)
nameif ethernet0 outside security0
nameif ethernet1 inside security100
ip address outside 192.0.2.1 255.255.255.0
ip address inside 10.0.0.1 255.255.255.0
access-list a permit ip 10.0.0.0 255.255.255.0 any
`;
  assert.throws(
    () => parseConfig(`${pix}static (inside,outside) 192.0.2.0 10.0.0.0 netmask 255.255.255.0\n`, 'p.cfg'),
    /p\.cfg:7:\d+: only host statics/,
  );
  assert.throws(
    () => parseConfig(`${pix}nat (inside) 1 access-list a\n`, 'p.cfg'),
    /p\.cfg:7:\d+: policy NAT/,
  );
  const c = parseConfig(`${pix}nat (inside) 1 0 0\nglobal (outside) 1 interface\n`, 'p.cfg');
  assert.deepEqual(c.nat?.pixGlobal[0]?.address, 'interface');
  assert.deepEqual(c.nat?.pixNat[0]?.network, '0.0.0.0');
});
