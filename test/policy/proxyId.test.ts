// Selector <-> proxy identity pairs, and the IOS check of an offered pair against the ACL.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseConfig } from '../../src/config/index.js';
import {
  PolicyError,
  accessListToSelectors,
  checkProxyPair,
  checkProxySelector,
  identText,
  mirrorProxyPair,
  proxyIdsToSelector,
  proxyPairEquals,
  selectorToProxyIds,
  type ProxyIdPair,
} from '../../src/policy/index.js';
import { fixture } from '../util/fixtures.js';

const cfg = (n: string) =>
  parseConfig(readFileSync(fixture(`chapter/example-13-${n}.cfg`), 'utf8'), `${n}.cfg`);

test('Example 13-1: ACL 101 gives the subnet pair the debug of Example 13-3 shows', () => {
  // Example 13-3: "local_proxy= 10.1.1.0/255.255.255.0/0/0 (type=4), remote_proxy= 10.1.2.0/255.255.255.0/0/0 (type=4)"
  // (type 4 = ID_IPV4_ADDR_SUBNET; the 0/0 are protocol and port, both "any")
  const acl = cfg('01').accessLists[0];
  assert.ok(acl);
  const [s] = accessListToSelectors(acl);
  assert.ok(s);
  const pair = selectorToProxyIds(s);
  assert.deepEqual(pair, {
    local: { type: 'ipv4-subnet', address: '10.1.1.0', netmask: '255.255.255.0', protocol: 0, port: 0 },
    remote: { type: 'ipv4-subnet', address: '10.1.2.0', netmask: '255.255.255.0', protocol: 0, port: 0 },
  });
  assert.deepEqual(proxyIdsToSelector(pair), s);
});

test('hosts become ipv4-addr, odd ranges ipv4-range, single ports are kept', () => {
  const acl = cfg('23').accessLists[0]; // udp host 192.168.0.7 any eq 1701, ...
  assert.ok(acl);
  const [first, second] = accessListToSelectors(acl);
  assert.ok(first && second);
  assert.deepEqual(selectorToProxyIds(first), {
    local: { type: 'ipv4-addr', address: '192.168.0.7', protocol: 17, port: 0 },
    remote: { type: 'ipv4-subnet', address: '0.0.0.0', netmask: '0.0.0.0', protocol: 17, port: 1701 },
  });
  assert.deepEqual(selectorToProxyIds(second).local, {
    type: 'ipv4-subnet',
    address: '0.0.0.0',
    netmask: '0.0.0.0',
    protocol: 17,
    port: 1701,
  });
  const range = proxyIdsToSelector({
    local: { type: 'ipv4-range', start: '10.0.0.5', end: '10.0.0.9', protocol: 0, port: 0 },
    remote: { type: 'ipv4-addr', address: '10.9.0.1', protocol: 0, port: 0 },
  });
  assert.deepEqual(selectorToProxyIds(range).local, {
    type: 'ipv4-range',
    start: '10.0.0.5',
    end: '10.0.0.9',
    protocol: 0,
    port: 0,
  });
});

test('port ranges cannot be carried in an IKEv1 identity', () => {
  const acl = {
    name: 'x',
    entries: [
      {
        action: 'permit' as const,
        protocol: 'tcp' as const,
        source: { address: '10.0.0.0', wildcard: '0.0.0.255' },
        destination: { address: '10.1.0.0', wildcard: '0.0.0.255' },
        destinationPort: { op: 'range' as const, from: 20, to: 21 },
      },
    ],
  };
  const [s] = accessListToSelectors(acl);
  assert.ok(s);
  assert.throws(() => selectorToProxyIds(s), PolicyError);
});

test('responder check: the offer must lie inside a permit line; narrower is fine, wider is not', () => {
  // Router 13-2 (responder) checks what 13-1 (initiator) offers: the initiator's local is
  // the responder's remote, so the offer is mirrored first.
  const acl = cfg('02').accessLists[0];
  assert.ok(acl);
  const fromInitiator: ProxyIdPair = {
    local: { type: 'ipv4-subnet', address: '10.1.1.0', netmask: '255.255.255.0', protocol: 0, port: 0 },
    remote: { type: 'ipv4-subnet', address: '10.1.2.0', netmask: '255.255.255.0', protocol: 0, port: 0 },
  };
  const exact = checkProxyPair(mirrorProxyPair(fromInitiator), acl);
  assert.deepEqual([exact.allowed, exact.index], [true, 0]);
  assert.equal(proxyPairEquals(mirrorProxyPair(fromInitiator), accessListToSelectors(acl)[0]!), true);

  const narrower: ProxyIdPair = {
    local: { type: 'ipv4-addr', address: '10.1.2.7', protocol: 1, port: 0 },
    remote: { type: 'ipv4-addr', address: '10.1.1.9', protocol: 1, port: 0 },
  };
  assert.equal(checkProxyPair(narrower, acl).allowed, true);
  assert.equal(proxyPairEquals(narrower, accessListToSelectors(acl)[0]!), false);

  const wider: ProxyIdPair = {
    local: { type: 'ipv4-subnet', address: '10.1.0.0', netmask: '255.255.0.0', protocol: 0, port: 0 },
    remote: { type: 'ipv4-subnet', address: '10.1.1.0', netmask: '255.255.255.0', protocol: 0, port: 0 },
  };
  const refused = checkProxyPair(wider, acl);
  assert.equal(refused.allowed, false);
  assert.match(refused.reason ?? '', /not inside the permit lines of access list 101/);
  // the un-mirrored offer (sides swapped) is refused too
  assert.equal(checkProxyPair(fromInitiator, acl).allowed, false);
});

test('a deny line that touches the offer refuses it before a later permit', () => {
  const acl = parseConfig(
    'access-list 120 deny ip host 10.0.0.5 any\naccess-list 120 permit ip 10.0.0.0 0.0.0.255 10.9.0.0 0.0.0.255\n',
    'd.cfg',
  ).accessLists[0];
  assert.ok(acl);
  const offer = (local: string): ProxyIdPair => ({
    local: { type: 'ipv4-subnet', address: local, netmask: '255.255.255.248', protocol: 0, port: 0 },
    remote: { type: 'ipv4-subnet', address: '10.9.0.0', netmask: '255.255.255.0', protocol: 0, port: 0 },
  });
  assert.deepEqual(
    [checkProxyPair(offer('10.0.0.0'), acl).allowed, checkProxyPair(offer('10.0.0.0'), acl).index],
    [false, 0],
  );
  assert.deepEqual(
    [checkProxyPair(offer('10.0.0.8'), acl).allowed, checkProxyPair(offer('10.0.0.8'), acl).index],
    [true, 1],
  );
});

test('identities with different protocols are refused', () => {
  const bad: ProxyIdPair = {
    local: { type: 'ipv4-addr', address: '1.1.1.1', protocol: 17, port: 0 },
    remote: { type: 'ipv4-addr', address: '2.2.2.2', protocol: 6, port: 0 },
  };
  assert.throws(() => proxyIdsToSelector(bad), PolicyError);
  assert.equal(checkProxyPair(bad, { name: 'e', entries: [] }).allowed, false);
});

test('a refusal names our permit lines as well as the offer', () => {
  const acl = parseConfig('access-list 101 permit ip 10.1.2.0 0.0.0.255 10.1.1.0 0.0.0.255\n', 'a.cfg')
    .accessLists[0];
  assert.ok(acl);
  const check = checkProxySelector(
    {
      protocol: 0,
      localStart: '10.1.2.0',
      localEnd: '10.1.2.255',
      localPortStart: 0,
      localPortEnd: 65535,
      remoteStart: '10.9.0.0',
      remoteEnd: '10.9.0.255',
      remotePortStart: 0,
      remotePortEnd: 65535,
    },
    acl,
  );
  assert.equal(check.allowed, false);
  assert.match(check.reason ?? '', /10\.1\.2\.0-10\.1\.2\.255 -> 10\.9\.0\.0-10\.9\.0\.255 proto 0/);
  assert.match(check.reason ?? '', /line 1 10\.1\.2\.0-10\.1\.2\.255 -> 10\.1\.1\.0-10\.1\.1\.255 proto 0/);
});

test("show crypto ipsec sa's ident text: subnet, host, a range as its first host, IPv6 by its mask", () => {
  assert.equal(identText('10.1.1.0', '10.1.1.255', 0, 0, 65535), '10.1.1.0/255.255.255.0/0/0');
  assert.equal(identText('10.1.1.5', '10.1.1.5', 6, 80, 80), '10.1.1.5/255.255.255.255/6/80');
  assert.equal(identText('10.1.1.1', '10.1.1.6', 17, 1000, 2000), '10.1.1.1/255.255.255.255/17/0');
  assert.equal(
    identText('2001:db8:1::', '2001:db8:1:0:ffff:ffff:ffff:ffff', 0, 0, 65535),
    '2001:db8:1::/ffff:ffff:ffff:ffff::/0/0',
  );
  assert.equal(identText('2001:db8::7', '2001:db8::7', 58, 0, 65535), '2001:db8::7/128/58/0');
});
