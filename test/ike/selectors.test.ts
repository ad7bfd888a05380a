// Proxy identities as ID payload bodies (RFC 2407 §4.6.2), IPv4 and IPv6; the bytes are
// written out by hand from the RFC's layouts (address, then mask or end address).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { proxyIdBody, proxyIdRange, proxyText } from '../../src/ike/selectors.js';
import { PolicyError } from '../../src/policy/index.js';

const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s.replace(/\s/g, ''), 'hex'));

test('IPv6 subnet, range and host identities (ID types 6, 8, 5)', () => {
  const subnet = proxyIdBody('2001:db8:1::', '2001:db8:1:0:ffff:ffff:ffff:ffff', 0, 0, 65535);
  assert.deepEqual(subnet, {
    idType: 6,
    protocol: 0,
    port: 0,
    data: hex('20010db8000100000000000000000000 ffffffffffffffff0000000000000000'),
  });
  assert.deepEqual(proxyIdRange(subnet), {
    start: '2001:db8:1::',
    end: '2001:db8:1:0:ffff:ffff:ffff:ffff',
    protocol: 0,
    portStart: 0,
    portEnd: 65535,
  });
  const range = proxyIdBody('2001:db8::5', '2001:db8::9', 6, 443, 443);
  assert.deepEqual(range, {
    idType: 8,
    protocol: 6,
    port: 443,
    data: hex('20010db8000000000000000000000005 20010db8000000000000000000000009'),
  });
  assert.deepEqual(proxyIdRange(range), {
    start: '2001:db8::5',
    end: '2001:db8::9',
    protocol: 6,
    portStart: 443,
    portEnd: 443,
  });
  assert.equal(proxyIdBody('2001:db8::1', '2001:db8::1', 0, 0, 65535).idType, 5);
  assert.equal(
    proxyText('2001:db8:1::', '2001:db8:1:0:ffff:ffff:ffff:ffff', 0, 0, 65535).endsWith('(type=6)'),
    true,
  );
});

test('IPv4 subnet with host bits set is its subnet; malformed bodies are no identities', () => {
  const r = proxyIdRange({ idType: 4, protocol: 0, port: 0, data: hex('0a01014d ffffff00') });
  assert.deepEqual([r?.start, r?.end], ['10.1.1.0', '10.1.1.255']);
  assert.equal(proxyIdRange({ idType: 5, protocol: 0, port: 0, data: hex('0a01014d') }), undefined);
  assert.equal(proxyIdRange({ idType: 7, protocol: 0, port: 0, data: hex('0a010109 0a010105') }), undefined);
  assert.equal(proxyIdRange({ idType: 2, protocol: 0, port: 0, data: hex('6869') }), undefined);
});

test('a port range is refused, never sent as port 0 (any)', () => {
  assert.throws(() => proxyIdBody('10.1.1.0', '10.1.1.255', 6, 81, 65535), PolicyError);
});
