// Crypto map entries per interface, dynamic maps resolved, lifetimes completed; the entry a
// negotiation runs under and the refusal naming both sides.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseConfig } from '../../src/config/index.js';
import {
  cryptoInterfaces,
  cryptoMapEntries,
  cryptoMapEntriesForInterface,
  entryForPeer,
  entryForSelector,
  findPhase2Policy,
  lifetimeOf,
  localAddressFor,
  localAddressForMap,
  transformSetsOf,
  type TrafficSelector,
} from '../../src/policy/index.js';
import { cryptoMapConfig, PEER } from '../util/cryptoMapConfig.js';
import { fixture } from '../util/fixtures.js';

const cfg = (n: string) =>
  parseConfig(readFileSync(fixture(`chapter/example-13-${n}.cfg`), 'utf8'), `${n}.cfg`);

test('13-13: one interface, two entries in sequence order, local-address Serial0', () => {
  const c = cfg('13');
  const entries = cryptoMapEntriesForInterface(c, 'serial0'); // IOS names are case-insensitive
  assert.deepEqual(
    entries.map((e) => [e.seq, e.peers, e.acl?.name, e.lifetime]),
    [
      [20, ['100.228.202.154'], '106', { seconds: 3600, kilobytes: 4608000 }],
      [30, ['200.154.17.130'], '105', { seconds: 3600, kilobytes: 4608000 }],
    ],
  );
  assert.equal(localAddressForMap(c, 'combined'), '100.232.202.210');
  assert.deepEqual(cryptoMapEntriesForInterface(c, 'FastEthernet0'), []);
});

test('13-21 PIX: the static entry, then the dynamic template in its place', () => {
  const c = cfg('21');
  const entries = cryptoMapEntriesForInterface(c, 'outside');
  assert.deepEqual(
    entries.map((e) => [e.seq, e.dynamic, e.peers, e.transformSets, e.matchAddress]),
    [
      [20, undefined, ['192.168.10.2'], ['mysetdes'], '101'],
      [30, { name: 'mydynmap', seq: 10, discover: false }, [], ['mysetdes'], undefined],
    ],
  );
  assert.equal(localAddressForMap(c, 'newmap'), '192.168.10.1');
});

test('13-24 TED: the dynamic entry carries discover and its ACL', () => {
  const c = cfg('24');
  const [e] = cryptoMapEntries(c, 'tedtag');
  assert.deepEqual(e?.dynamic, { name: 'ted-map', seq: 10, discover: true });
  assert.equal(e?.acl?.entries.length, 2);
  assert.deepEqual(
    cryptoInterfaces(c).map((i) => i.name),
    ['Ethernet0/1'],
  );
});

test('per-entry lifetime overrides the global one field by field', () => {
  const c = parseConfig(readFileSync(fixture('configs/good-modern-ios.cfg'), 'utf8'), 'r1.cfg');
  const [e] = cryptoMapEntries(c, 'site');
  assert.deepEqual(e?.lifetime, { seconds: 1800, kilobytes: 100000 });
  assert.equal(e?.pfsGroup, 14);
});

// The IKE side of the same module: which entry a negotiation runs under.
const OTHER = '198.51.100.7';
const mixed = parseConfig(
  `hostname r1
crypto isakmp policy 10
 authentication pre-share
crypto isakmp key k address ${PEER}
crypto isakmp key w address 0.0.0.0 0.0.0.0
crypto ipsec transform-set myset esp-3des esp-md5-hmac
crypto ipsec transform-set dynset esp-aes esp-sha-hmac
crypto dynamic-map dyn 20
 set transform-set dynset
crypto dynamic-map dyn 10
 set transform-set myset
 match address 102
crypto map vpn 20 ipsec-isakmp
 set peer ${PEER}
 set transform-set dynset
 match address 101
crypto map vpn 10 ipsec-isakmp
 set peer ${PEER}
 set transform-set myset
 match address 101
crypto map vpn 65535 ipsec-isakmp dynamic dyn
crypto map vpn local-address Loopback0
interface Loopback0
 ip address 192.0.2.1 255.255.255.255
interface Ethernet1/0
 ip address 172.16.172.10 255.255.255.0
 crypto map vpn
access-list 101 permit ip 10.1.1.0 0.0.0.255 10.1.2.0 0.0.0.255
access-list 102 permit ip 10.1.1.0 0.0.0.255 10.9.0.0 0.0.255.255
`,
  'r1.cfg',
);

/** Our view of an offer: 10.1.1.0/24 here, `remote` (a /24) there, any protocol. */
function offer(remote: string): TrafficSelector {
  const end = remote.replace(/\.0$/, '.255');
  return {
    protocol: 0,
    localStart: '10.1.1.0',
    localEnd: '10.1.1.255',
    localPortStart: 0,
    localPortEnd: 65535,
    remoteStart: remote,
    remoteEnd: end,
    remotePortStart: 0,
    remotePortEnd: 65535,
  };
}

function chosen(peer: string, remote: string): [string, number, string[]] | string {
  const r = findPhase2Policy(mixed, peer, offer(remote));
  if ('error' in r) return r.error;
  return [r.entry.map, r.entry.seq, r.transformSets.map((t) => t.name)];
}

test('static entries in sequence order, whatever the file order (the model keeps them sorted)', () => {
  assert.equal(entryForPeer(mixed, PEER)?.seq, 10);
  assert.equal(entryForSelector(mixed, offer('10.1.2.0'))?.seq, 10);
  assert.deepEqual(chosen(PEER, '10.1.2.0'), ['vpn', 10, ['myset']]);
});

test('static entries for the peer before the dynamic map, which any other peer falls back to', () => {
  // dyn 20 (no match address) would accept 10.1.2.0/24 too; the peer's static entry wins.
  assert.deepEqual(chosen(PEER, '10.1.2.0'), ['vpn', 10, ['myset']]);
  // Another peer has no static entry: the dynamic templates, in their sequence order.
  assert.deepEqual(chosen(OTHER, '10.9.1.0'), ['vpn', 10, ['myset']]);
  assert.deepEqual(chosen(OTHER, '10.1.2.0'), ['vpn', 20, ['dynset']]);
  const learned = findPhase2Policy(mixed, OTHER, offer('10.1.2.0'));
  assert.ok(!('error' in learned));
  assert.deepEqual([learned.entry.kind, learned.entry.peers], ['ipsec-isakmp', [OTHER]]);
  assert.equal(entryForPeer(mixed, OTHER), undefined);
});

test('a refusal names the offered proxy IDs and each entry tried with its networks', () => {
  const only = parseConfig(
    cryptoMapConfig('access-list 101 permit ip 10.1.1.0 0.0.0.255 10.1.2.0 0.0.0.255\n'),
    'r1.cfg',
  );
  const r = findPhase2Policy(only, PEER, offer('10.1.3.0'));
  assert.ok('error' in r);
  const theirs = '10.1.1.0/255.255.255.0/0/0 (type=4) <-> 10.1.3.0/255.255.255.0/0/0 (type=4)';
  assert.equal(r.theirs, theirs);
  assert.match(
    r.ours,
    /^crypto map vpn 10 ACL 101 \(10\.1\.1\.0\/255\.255\.255\.0\/0\/0 \(type=4\) <-> 10\.1\.2\.0\/255\.255\.255\.0\/0\/0 \(type=4\)\)/,
  );
  assert.ok(r.error.startsWith(`${theirs} not permitted (map vpn 10 ACL 101`), r.error);
  const stranger = findPhase2Policy(only, OTHER, offer('10.1.2.0'));
  assert.ok('error' in stranger);
  assert.equal(stranger.ours, `no crypto map for peer ${OTHER}`);
});

test('lifetimes and transform sets of an entry; IKE uses the map local-address as the SPD does', () => {
  const [entry] = mixed.cryptoMaps.filter((e) => e.seq === 10);
  assert.ok(entry);
  assert.deepEqual(lifetimeOf(mixed, entry), { seconds: 3600, kilobytes: 4608000 });
  assert.deepEqual(
    transformSetsOf(mixed, { transformSets: ['dynset', 'nosuch', 'myset'] }).map((t) => t.name),
    ['dynset', 'myset'],
  );
  assert.equal(localAddressFor(mixed, entry, ['203.0.113.1']), '192.0.2.1');
  assert.equal(localAddressFor(mixed, undefined, ['203.0.113.1']), '203.0.113.1');
});
