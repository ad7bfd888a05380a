// Every configuration example of the chapter that the issue lists parses; the expected
// values below are read off the printed examples (test/fixtures/chapter/README.md says how
// the files were cut out of the chapter).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { X509Certificate, createPublicKey } from 'node:crypto';
import { parseConfig, type ParseOptions } from '../../src/config/index.js';
import type { RouterConfig } from '../../src/policy/model.js';
import { fixture } from '../util/fixtures.js';

function example(n: number, options: ParseOptions = {}): RouterConfig {
  const name = `example-13-${String(n).padStart(2, '0')}.cfg`;
  return parseConfig(readFileSync(fixture(`chapter/${name}`), 'utf8'), name, options);
}

const pick = <T extends object, K extends keyof T>(
  o: T | undefined,
  keys: readonly K[],
): Pick<T, K> | undefined => {
  if (!o) return undefined;
  const out: Partial<Pick<T, K>> = {};
  for (const k of keys) if (o[k] !== undefined) out[k] = o[k];
  return out as Pick<T, K>;
};

const POLICY = ['priority', 'encryption', 'hash', 'authentication', 'group', 'lifetimeSeconds'] as const;
const MAP = [
  'map',
  'seq',
  'kind',
  'peers',
  'transformSets',
  'matchAddress',
  'dynamicMap',
  'discover',
] as const;

const DEFAULT_65535 = {
  priority: 65535,
  encryption: 'des',
  hash: 'sha',
  authentication: 'rsa-sig',
  group: 1,
  lifetimeSeconds: 86400,
};

test('13-1 Initiator: policy 1, key for 172.16.172.20, myset, map vpn 10, ACL 101', () => {
  const c = example(1);
  assert.equal(c.dialect, 'ios');
  assert.equal(c.hostname, 'Initiator');
  assert.deepEqual(
    c.isakmpPolicies.map((p) => pick(p, POLICY)),
    [
      {
        priority: 1,
        encryption: '3des',
        hash: 'sha',
        authentication: 'pre-share',
        group: 1,
        lifetimeSeconds: 86400,
      },
      DEFAULT_65535,
    ],
  );
  assert.deepEqual(
    c.presharedKeys.map((k) => pick(k, ['key', 'address', 'netmask'])),
    [{ key: 'jw4ep9846804ijl', address: '172.16.172.20', netmask: '255.255.255.255' }],
  );
  assert.deepEqual(
    c.transformSets.map((t) => pick(t, ['name', 'espEncryption', 'espIntegrity', 'ah', 'mode'])),
    [{ name: 'myset', espEncryption: 'esp-3des', espIntegrity: 'esp-md5-hmac', mode: 'tunnel' }],
  );
  assert.deepEqual(
    c.cryptoMaps.map((m) => pick(m, MAP)),
    [
      {
        map: 'vpn',
        seq: 10,
        kind: 'ipsec-isakmp',
        peers: ['172.16.172.20'],
        transformSets: ['myset'],
        matchAddress: '101',
      },
    ],
  );
  assert.deepEqual(
    c.interfaces.map((i) => pick(i, ['name', 'address', 'netmask', 'cryptoMap'])),
    [
      { name: 'Ethernet0/0', address: '10.1.1.1', netmask: '255.255.255.0' },
      { name: 'Ethernet1/0', address: '172.16.172.10', netmask: '255.255.255.0', cryptoMap: 'vpn' },
    ],
  );
  assert.deepEqual(
    c.accessLists.map((a) => ({ name: a.name, n: a.entries.length })),
    [{ name: '101', n: 1 }],
  );
  const e = c.accessLists[0]?.entries[0];
  assert.deepEqual(pick(e, ['action', 'protocol', 'source', 'destination']), {
    action: 'permit',
    protocol: 'ip',
    source: { address: '10.1.1.0', wildcard: '0.0.0.255' },
    destination: { address: '10.1.2.0', wildcard: '0.0.0.255' },
  });
  assert.deepEqual(c.globalSaLifetime, { seconds: 3600, kilobytes: 4608000 });
  assert.deepEqual(c.ignored, []);
  assert.deepEqual(c.warnings, []);
});

test('13-2 Responder mirrors 13-1', () => {
  const c = example(2);
  assert.equal(c.hostname, 'Responder');
  assert.equal(c.presharedKeys[0]?.address, '172.16.172.10');
  assert.deepEqual(c.cryptoMaps[0]?.peers, ['172.16.172.10']);
  assert.equal(c.interfaces.find((i) => i.cryptoMap === 'vpn')?.address, '172.16.172.20');
  assert.deepEqual(c.accessLists[0]?.entries[0]?.source, { address: '10.1.2.0', wildcard: '0.0.0.255' });
});

test('13-7 lab-isdn1: AH+ESP transform set, CA identity, two damaged certificates are warnings', () => {
  const c = example(7);
  assert.equal(c.hostname, 'lab-isdn1');
  assert.deepEqual(c.isakmpPolicies, [DEFAULT_65535]); // no policy configured: only the default
  assert.deepEqual(pick(c.transformSets[0], ['name', 'ah', 'espEncryption', 'espIntegrity']), {
    name: 'mypolicy',
    ah: 'ah-sha-hmac',
    espEncryption: 'esp-des',
    espIntegrity: 'esp-sha-hmac',
  });
  assert.deepEqual(
    c.cryptoMaps.map((m) => pick(m, MAP)),
    [
      {
        map: 'test',
        seq: 10,
        kind: 'ipsec-isakmp',
        peers: ['12.12.12.12'],
        transformSets: ['mypolicy'],
        matchAddress: '144',
      },
    ],
  );
  assert.deepEqual(c.trustpoints, [
    { name: 'bubba', kind: 'identity', enrollmentUrl: 'http://ciscoca-ultra' },
  ]);
  assert.deepEqual(
    c.certificates.map((x) => ({
      serial: x.serial,
      role: x.role,
      line: x.at?.line,
      decoded: x.der !== undefined,
    })),
    [
      { serial: '3E1ED472BDA2CE0163FB6B0B004E5EEE', role: 'router', line: 37, decoded: true },
      { serial: '3051DF7169BEE31B821DFE4B3A338E5F', role: 'ca', line: 54, decoded: false },
      { serial: '503968D890F7D409475B7280162754D2', role: 'router', line: 70, decoded: false },
    ],
  );
  // The two damaged blocks (printed "0006092A" where the DER needs "0D06092A") are warnings
  // naming their `certificate` line, not errors.
  assert.deepEqual(
    c.warnings.map((w) => w.line),
    [54, 70],
  );
  assert.match(c.warnings[0]?.message ?? '', /3051DF7169BEE31B821DFE4B3A338E5F.*cannot be used/);
  const good = new X509Certificate(Buffer.from(c.certificates[0]?.der ?? '', 'hex'));
  assert.equal(good.serialNumber, '3E1ED472BDA2CE0163FB6B0B004E5EEE');
  assert.deepEqual(
    c.interfaces.map((i) => pick(i, ['name', 'address', 'cryptoMap'])),
    [
      { name: 'Ethernet0', address: '40.40.40.40' },
      { name: 'BRI0', address: '12.12.12.13', cryptoMap: 'test' },
    ],
  );
  assert.deepEqual(c.users, [{ name: 'lab-isdn', password: 'cisco', passwordType: 0 }]);
  assert.ok(c.hosts?.some((h) => h.name === 'lab-isdn' && h.address === '12.12.12.12'));
  assert.equal(c.domainName, 'cisco.com'); // `ip domain-name cisco.com`: the FQDN and default key label
  // non-IPsec lines are listed, each once
  const texts = c.ignored.map((i) => i.text);
  for (const t of ['version 11.3', 'isdn switch-type basic-ni1', 'line vty 0 4', 'dialer-group 1']) {
    assert.ok(texts.includes(t), t);
  }
  assert.equal(new Set(c.ignored.map((i) => i.line)).size, c.ignored.length);
  // `ip route` is read (the GRE tunnels' routes), no longer listed as ignored
  assert.ok(!texts.includes('ip route 0.0.0.0 0.0.0.0 12.12.12.12'));
  assert.deepEqual(
    c.staticRoutes?.map((r) => [r.network, r.mask, r.nextHop]),
    [['0.0.0.0', '0.0.0.0', '12.12.12.12']],
  );
});

test('13-8 lab-isdn: all three certificates decode (CA certificate as printed in this example)', () => {
  const c = example(8);
  assert.equal(c.hostname, 'lab-isdn');
  assert.deepEqual(c.cryptoMaps[0]?.peers, ['12.12.12.13']);
  assert.equal(c.cryptoMaps[0]?.matchAddress, '133');
  assert.deepEqual(
    c.certificates.map((x) => [x.trustpoint, x.role, x.at?.line, x.der !== undefined]),
    [
      ['lab', 'router', 34, true],
      ['lab', 'ca', 54, true],
      ['lab', 'router', 71, true],
    ],
  );
  const ca = new X509Certificate(Buffer.from(c.certificates[1]?.der ?? '', 'hex'));
  assert.match(ca.subject, /CN=CISCOCA-ULTRA/);
  assert.deepEqual(c.warnings, []);
  assert.deepEqual(
    c.interfaces.map((i) => [i.name, i.address, i.cryptoMap]),
    [
      ['Ethernet0', '20.20.20.20', undefined],
      ['BRI0', '12.12.12.12', 'test'],
    ],
  );
});

test('13-10 wan2511: rsa-encr policy (misprinted "rsa-enr" read with a warning), hostname identity, named key', () => {
  const c = example(10);
  assert.deepEqual(pick(c.isakmpPolicies[0], POLICY), {
    priority: 1,
    encryption: 'des',
    hash: 'sha',
    authentication: 'rsa-encr',
    group: 2,
    lifetimeSeconds: 86400,
  });
  assert.deepEqual(
    c.warnings.map((w) => w.line),
    [21],
  );
  assert.equal(c.isakmp.identity, 'hostname');
  assert.equal(c.publicKeys.length, 1);
  const key = c.publicKeys[0];
  assert.equal(key?.kind, 'named-key');
  assert.equal(key?.name, 'wan2516.cisco.com');
  const pub = createPublicKey({ key: Buffer.from(key?.der ?? '', 'hex'), format: 'der', type: 'spki' });
  assert.equal(pub.asymmetricKeyDetails?.modulusLength, 512);
  assert.deepEqual(
    c.interfaces.map((i) => [i.name, i.address, i.cryptoMap, i.shutdown]),
    [
      ['Ethernet0', '50.50.50.50', undefined, false],
      ['Serial0', '20.20.20.21', 'test', false],
      ['Serial1', undefined, undefined, true],
    ],
  );
});

test('13-11 wan2516: policy and its attribute on one printed line', () => {
  const c = example(11);
  assert.deepEqual(pick(c.isakmpPolicies[0], ['priority', 'authentication', 'group']), {
    priority: 1,
    authentication: 'rsa-encr',
    group: 2,
  });
  assert.equal(c.publicKeys[0]?.name, 'wan2511.cisco.com');
  assert.ok(c.publicKeys[0]?.der?.startsWith('305c300d06092a864886f70d0101010500034b0030480241'));
  assert.deepEqual(c.cryptoMaps[0]?.peers, ['20.20.20.21']);
  assert.deepEqual(c.warnings, []);
});

test('13-13 router1: one map, two peers in entries 20 and 30, local-address Serial0', () => {
  const c = example(13);
  assert.deepEqual(pick(c.isakmpPolicies[0], POLICY), {
    priority: 4,
    encryption: 'des',
    hash: 'sha',
    authentication: 'pre-share',
    group: 1,
    lifetimeSeconds: 86400,
  });
  assert.deepEqual(
    c.presharedKeys.map((k) => [k.key, k.address]),
    [
      ['xxxxxx1234', '100.228.202.154'],
      ['xxxxxx5678', '200.154.17.130'],
    ],
  );
  assert.deepEqual(
    c.cryptoMaps.map((m) => pick(m, MAP)),
    [
      {
        map: 'combined',
        seq: 20,
        kind: 'ipsec-isakmp',
        peers: ['100.228.202.154'],
        transformSets: ['encrypt-des'],
        matchAddress: '106',
      },
      {
        map: 'combined',
        seq: 30,
        kind: 'ipsec-isakmp',
        peers: ['200.154.17.130'],
        transformSets: ['encrypt-des'],
        matchAddress: '105',
      },
    ],
  );
  assert.deepEqual(
    c.cryptoMapSettings.map((s) => pick(s, ['name', 'localAddressInterface'])),
    [{ name: 'combined', localAddressInterface: 'Serial0' }],
  );
  assert.deepEqual(
    c.accessLists.map((a) => [a.name, a.entries.map((e) => e.action)]),
    [
      ['105', ['permit']],
      ['106', ['permit']],
      ['150', ['deny', 'deny', 'permit']],
    ],
  );
  // the route-map's `match ip address 150` is the route map's, not a crypto map line
  assert.deepEqual(
    c.routeMaps?.map((r) => [r.name, r.seq, r.matchAcls]),
    [['nonat', 10, ['150']]],
  );
  assert.ok(c.cryptoMaps.every((m) => m.matchAddress !== '150'));
});

test('13-14 router2: entries 7 and 8', () => {
  const c = example(14);
  assert.deepEqual(
    c.cryptoMaps.map((m) => [m.seq, m.peers, m.transformSets, m.matchAddress]),
    [
      [7, ['100.232.202.210'], ['1600_box'], '105'],
      [8, ['100.228.202.154'], ['1600_box'], '106'],
    ],
  );
  assert.equal(c.interfaces.find((i) => i.name === 'Ethernet1')?.cryptoMap, 'combined');
});

test('13-15 router3: the printed configuration names transform sets it never defines', () => {
  const file = readFileSync(fixture('chapter/example-13-15.cfg'), 'utf8');
  assert.throws(
    () => parseConfig(file, 'example-13-15.cfg'),
    (err: unknown) =>
      err instanceof Error &&
      err.name === 'ConfigError' &&
      err.message ===
        'example-13-15.cfg:27:21: crypto map combined 7 names transform set "encrypt-des", which is not defined',
  );
  const c = example(15, { crossCheck: 'warn' });
  assert.deepEqual(
    c.cryptoMaps.map((m) => [m.seq, m.peers, m.transformSets, m.matchAddress]),
    [
      [7, ['100.232.202.210'], ['encrypt-des'], '106'],
      [8, ['200.154.17.130'], ['1600_box'], '105'],
    ],
  );
  assert.deepEqual(
    c.warnings.map((w) => w.line),
    [27, 31],
  ); // the two `set transform-set` lines
});

test('13-16 router1 (GRE): transport mode, named ACLs gre1/gre2 permitting GRE, tunnels with the map', () => {
  const c = example(16);
  assert.deepEqual(pick(c.transformSets[0], ['name', 'espEncryption', 'espIntegrity', 'mode']), {
    name: 'one',
    espEncryption: 'esp-des',
    espIntegrity: 'esp-md5-hmac',
    mode: 'transport',
  });
  assert.deepEqual(
    c.cryptoMaps.map((m) => [m.seq, m.peers, m.matchAddress]),
    [
      [10, ['172.18.45.1'], 'gre1'],
      [20, ['172.18.45.2'], 'gre2'],
    ],
  );
  assert.deepEqual(
    c.accessLists
      .find((a) => a.name === 'gre1')
      ?.entries.map((e) => pick(e, ['action', 'protocol', 'source', 'destination'])),
    [
      {
        action: 'permit',
        protocol: 'gre',
        source: { address: '172.18.31.1', wildcard: '0.0.0.0' },
        destination: { address: '172.18.45.1', wildcard: '0.0.0.0' },
      },
    ],
  );
  assert.deepEqual(c.interfaces.find((i) => i.name === 'Tunnel1')?.tunnel, {
    source: '172.18.31.1',
    destination: '172.18.45.2',
  });
  assert.deepEqual(
    c.interfaces.filter((i) => i.cryptoMap === 'gre').map((i) => i.name),
    ['Tunnel0', 'Tunnel1', 'Serial0'],
  );
});

test('13-17 router2 (GRE): `crypto isakmp key` indented under the policy is still a global command', () => {
  const c = example(17);
  assert.deepEqual(
    c.presharedKeys.map((k) => [k.key, k.address]),
    [['cisco123', '172.18.31.1']],
  );
  assert.equal(c.transformSets[0]?.mode, 'transport');
  assert.deepEqual(c.interfaces.find((i) => i.name === 'Tunnel0')?.tunnel, {
    source: '172.18.45.1',
    destination: '172.18.31.1',
  });
});

test('13-18 router3 (GRE)', () => {
  const c = example(18);
  assert.deepEqual(
    c.presharedKeys.map((k) => [k.key, k.address]),
    [['cisco345', '172.18.31.1']],
  );
  assert.equal(c.accessLists[0]?.entries[0]?.source.address, '172.18.45.2');
});

test('13-19 Concentrator: XAUTH list, wildcard key, mode-config pool, dynamic map', () => {
  const c = example(19);
  assert.deepEqual(pick(c.isakmpPolicies[0], ['priority', 'hash', 'authentication']), {
    priority: 10,
    hash: 'md5',
    authentication: 'pre-share',
  });
  assert.deepEqual(
    c.presharedKeys.map((k) => [k.key, k.address, k.netmask]),
    [['cisco123', '0.0.0.0', '0.0.0.0']],
  );
  assert.equal(c.isakmp.clientAddressPool, 'mypool');
  assert.deepEqual(c.localPools, [{ name: 'mypool', first: '10.1.10.0', last: '10.1.10.254' }]);
  assert.deepEqual(c.aaa, [{ list: 'xauth', methods: ['local'], service: 'login' }]);
  assert.deepEqual(c.users, [{ name: 'ciscouser', password: 'cisco1234', passwordType: 0 }]);
  assert.deepEqual(
    pick(c.cryptoMapSettings[0], ['name', 'clientAuthenticationList', 'clientConfigurationModes']),
    {
      name: 'REMOTEACCESS',
      clientAuthenticationList: 'xauth',
      clientConfigurationModes: ['initiate', 'respond'],
    },
  );
  assert.deepEqual(
    c.cryptoMaps.map((m) => pick(m, MAP)),
    [{ map: 'REMOTEACCESS', seq: 1, kind: 'dynamic', peers: [], transformSets: [], dynamicMap: 'vpn' }],
  );
  assert.deepEqual(
    c.dynamicMaps.map((d) => [d.name, d.seq, d.transformSets]),
    [['vpn', 1, ['RTP-TRANSFORM']]],
  );
});

test('13-21 pixfirewall: the PIX dialect, one-liners, nameif interfaces, the wrapped no-config-mode', () => {
  const c = example(21);
  assert.equal(c.dialect, 'pix');
  assert.equal(c.hostname, 'pixfirewall');
  assert.deepEqual(
    c.isakmpPolicies.map((p) => pick(p, POLICY)),
    [
      {
        priority: 10,
        encryption: 'des',
        hash: 'md5',
        authentication: 'pre-share',
        group: 1,
        lifetimeSeconds: 86400,
      },
      DEFAULT_65535,
    ],
  );
  assert.deepEqual(
    c.presharedKeys.map((k) => pick(k, ['key', 'address', 'netmask', 'noXauth', 'noConfigMode'])),
    [
      { key: 'mysecretkey', address: '0.0.0.0', netmask: '0.0.0.0', noXauth: false, noConfigMode: false },
      {
        key: 'myotherkey',
        address: '192.168.10.2',
        netmask: '255.255.255.255',
        noXauth: true,
        noConfigMode: true,
      },
    ],
  );
  assert.deepEqual(
    c.warnings.map((w) => w.line),
    [117],
  ); // "no-" / "config-mode" joined
  assert.deepEqual(
    c.cryptoMaps.map((m) => pick(m, MAP)),
    [
      {
        map: 'newmap',
        seq: 20,
        kind: 'ipsec-isakmp',
        peers: ['192.168.10.2'],
        transformSets: ['mysetdes'],
        matchAddress: '101',
      },
      { map: 'newmap', seq: 30, kind: 'dynamic', peers: [], transformSets: [], dynamicMap: 'mydynmap' },
    ],
  );
  assert.deepEqual(
    c.dynamicMaps.map((d) => [d.name, d.seq, d.transformSets]),
    [['mydynmap', 10, ['mysetdes']]],
  );
  assert.deepEqual(pick(c.cryptoMapSettings[0], ['clientAuthenticationServer', 'clientConfigurationModes']), {
    clientAuthenticationServer: 'myserver',
    clientConfigurationModes: ['initiate', 'respond'],
  });
  assert.deepEqual(
    c.interfaces.map((i) =>
      pick(i, ['name', 'hardware', 'securityLevel', 'address', 'netmask', 'cryptoMap']),
    ),
    [
      {
        name: 'outside',
        hardware: 'ethernet0',
        securityLevel: 0,
        address: '192.168.10.1',
        netmask: '255.255.255.0',
        cryptoMap: 'newmap',
      },
      {
        name: 'inside',
        hardware: 'ethernet1',
        securityLevel: 100,
        address: '172.16.171.5',
        netmask: '255.255.255.240',
      },
      {
        name: 'dmz',
        hardware: 'ethernet2',
        securityLevel: 50,
        address: '127.0.0.1',
        netmask: '255.255.255.255',
      },
    ],
  );
  assert.deepEqual(c.isakmp.enabledInterfaces, ['outside']);
  assert.equal(c.isakmp.clientAddressPool, 'vpnpool');
  assert.deepEqual(c.localPools, [{ name: 'vpnpool', first: '10.1.100.240', last: '10.1.100.250' }]);
  // PIX ACLs are written with netmasks; the model keeps IOS wildcards
  assert.deepEqual(c.accessLists.find((a) => a.name === 'bypassingnat')?.entries[0]?.source, {
    address: '172.16.0.0',
    wildcard: '0.0.255.255',
  });
  assert.deepEqual(c.accessLists.find((a) => a.name === 'inboundtraffic')?.entries[1]?.destinationPort, {
    op: 'eq',
    port: 23,
  });
  assert.deepEqual(
    c.aaaServers?.find((g) => g.tag === 'myserver'),
    {
      tag: 'myserver',
      protocol: 'tacacs+',
      hosts: [{ interface: 'inside', host: '171.68.178.124', key: 'cisco', timeout: 5 }],
    },
  );
  const texts = c.ignored.map((i) => i.text);
  for (const t of ['fixup protocol ftp 21', 'sysopt connection permit-ipsec', 'PIX Version 5.2']) {
    assert.ok(texts.includes(t), t);
  }
  // NAT exemption is read (test/config/nat.test.ts has the rest)
  assert.equal(c.nat?.pixNat[0]?.acl, 'bypassingnat');
});

test('13-22 L2LRouter: policy lifetime 1000, host-to-host ACL', () => {
  const c = example(22);
  assert.deepEqual(pick(c.isakmpPolicies[0], POLICY), {
    priority: 10,
    encryption: 'des',
    hash: 'md5',
    authentication: 'pre-share',
    group: 1,
    lifetimeSeconds: 1000,
  });
  assert.deepEqual(
    c.presharedKeys.map((k) => [k.key, k.address]),
    [['myotherkey', '192.168.10.1']],
  );
  assert.deepEqual(
    c.cryptoMaps.map((m) => [m.map, m.seq, m.peers, m.transformSets, m.matchAddress]),
    [['topix', 10, ['192.168.10.1'], ['strong'], '101']],
  );
  assert.deepEqual(pick(c.accessLists[0]?.entries[0], ['source', 'destination']), {
    source: { address: '10.1.1.1', wildcard: '0.0.0.0' },
    destination: { address: '20.1.1.1', wildcard: '0.0.0.0' },
  });
});

test('13-23 LNS: three policies, "crypto IPsec" in capitals, transport-mode AH sets, UDP 1701 ACL, RADIUS', () => {
  const c = example(23);
  assert.deepEqual(
    c.isakmpPolicies.map((p) => [p.priority, p.hash, p.group, p.authentication]),
    [
      [4, 'sha', 1, 'rsa-sig'],
      [5, 'md5', 1, 'rsa-sig'],
      [6, 'md5', 2, 'rsa-sig'],
      [65535, 'sha', 1, 'rsa-sig'],
    ],
  );
  assert.deepEqual(
    c.transformSets.map((t) => [t.name, t.ah, t.espEncryption, t.espIntegrity, t.mode]),
    [
      ['desmd5tr', undefined, 'esp-des', 'esp-md5-hmac', 'transport'],
      ['ahshatr', 'ah-sha-hmac', undefined, undefined, 'transport'],
      ['ahmd5tr', 'ah-md5-hmac', undefined, undefined, 'transport'],
    ],
  );
  assert.deepEqual(
    c.dynamicMaps.map((d) => [d.name, d.seq, d.transformSets, d.matchAddress]),
    [['dyna', 1, ['ahmd5tr'], '110']],
  );
  assert.deepEqual(
    c.cryptoMaps.map((m) => [m.map, m.seq, m.kind, m.dynamicMap]),
    [['iosmsdyn', 1, 'dynamic', 'dyna']],
  );
  assert.deepEqual(
    c.accessLists[0]?.entries.map((e) => [
      e.protocol,
      e.source.address,
      e.sourcePort,
      e.destination.address,
      e.destinationPort,
    ]),
    [
      ['udp', '192.168.0.7', undefined, '0.0.0.0', { op: 'eq', port: 1701 }],
      ['udp', '0.0.0.0', { op: 'eq', port: 1701 }, '192.168.0.7', undefined],
      ['udp', '192.168.0.7', { op: 'eq', port: 1701 }, '0.0.0.0', undefined],
    ],
  );
  assert.deepEqual(c.trustpoints, [
    {
      name: 'cisco.com',
      kind: 'identity',
      enrollmentRetryCount: 100,
      enrollmentMode: 'ra',
      enrollmentUrl: 'http://cisco-b0tpppy88:80/certsrv/mscep/mscep.dll',
      crlOptional: true,
    },
  ]);
  // "Certs removed for keeping the configs short": five headers without data, five warnings
  assert.deepEqual(
    c.certificates.map((x) => [x.role, x.der]),
    [
      ['router', undefined],
      ['ra', undefined],
      ['router', undefined],
      ['ca', undefined],
      ['ra', undefined],
    ],
  );
  assert.deepEqual(
    c.warnings.map((w) => w.line),
    [78, 79, 80, 81, 82],
  );
  assert.deepEqual(c.radiusServers, [{ host: '192.168.0.4', authPort: 1645, key: 'kitchen' }]);
  assert.deepEqual(c.aaa, [{ list: 'default', methods: ['radius', 'local'], service: 'ppp' }]);
  assert.deepEqual(c.localPools, [{ name: 'vpdn', first: '192.168.2.10', last: '192.168.2.15' }]);
});

test('13-24 TED-Initiator and 13-25 TED-Responder: dynamic map with discover, ACL with two lines', () => {
  for (const [n, local, remote] of [
    [24, '13.13.13.0', '12.12.12.0'],
    [25, '12.12.12.0', '13.13.13.0'],
  ] as const) {
    const c = example(n);
    assert.deepEqual(
      c.presharedKeys.map((k) => [k.key, k.address, k.netmask]),
      [['abc123', '0.0.0.0', '0.0.0.0']],
    );
    assert.deepEqual(
      c.cryptoMaps.map((m) => pick(m, MAP)),
      [
        {
          map: 'tedtag',
          seq: 10,
          kind: 'dynamic',
          peers: [],
          transformSets: [],
          dynamicMap: 'ted-map',
          discover: true,
        },
      ],
    );
    assert.deepEqual(
      c.dynamicMaps.map((d) => [d.name, d.seq, d.transformSets, d.matchAddress]),
      [['ted-map', 10, ['ted-transforms'], '101']],
    );
    assert.deepEqual(
      c.accessLists[0]?.entries.map((e) => [e.protocol, e.source.address, e.destination.address]),
      [
        ['ip', local, remote],
        ['icmp', local, remote],
      ],
    );
    assert.equal(c.interfaces.find((i) => i.cryptoMap === 'tedtag')?.name, 'Ethernet0/1');
  }
});

test('13-30 NATRTR: "IPsec-isakmp" in capitals; the stripped configuration lacks its transform set', () => {
  const text = readFileSync(fixture('chapter/example-13-30.cfg'), 'utf8');
  assert.throws(
    () => parseConfig(text, 'n.cfg'),
    /^ConfigError: n\.cfg:7:21: crypto map test 10 names transform set "transform"/,
  );
  const c = example(30, { crossCheck: 'warn' });
  assert.deepEqual(
    c.cryptoMaps.map((m) => pick(m, MAP)),
    [
      {
        map: 'test',
        seq: 10,
        kind: 'ipsec-isakmp',
        peers: ['1.1.1.1'],
        transformSets: ['transform'],
        matchAddress: '100',
      },
    ],
  );
  assert.deepEqual(
    c.interfaces.map((i) => [i.name, i.address, i.cryptoMap]),
    [
      ['Loopback1', '10.2.2.2', undefined],
      ['Ethernet0/0', '1.1.1.2', 'test'],
      ['Ethernet0/1', '10.1.1.1', undefined],
    ],
  );
  assert.deepEqual(
    c.accessLists.map((a) => a.name),
    ['1', '100', '120'],
  );
});
