// The one address module: strict text forms (expected bytes written by hand from RFC 4291
// §2.2 and the dotted-quad rule in src/packet/address.ts), and every layer reading alike.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cidrContains, rangeToCidrs } from '../../src/net/host/cidr.js';
import {
  ipv4FromText,
  ipv6ToText,
  maskPrefix,
  parseIpv4Text,
  parseIpv6Text,
  parsePrefixText,
  PacketError,
} from '../../src/packet/index.js';
import { parseIpv4 as policyParseIpv4 } from '../../src/policy/index.js';
import { EncodeError, parseIpv4 as wireParseIpv4, parseIpv6 as wireParseIpv6 } from '../../src/wire/index.js';

const hex = (s: string): number[] => [...Buffer.from(s.replace(/\s/g, ''), 'hex')];

test('dotted quads: four decimal octets 0-255', () => {
  assert.deepEqual([...parseIpv4Text('192.0.2.1')!], [192, 0, 2, 1]);
  assert.deepEqual([...parseIpv4Text('0.0.0.0')!], [0, 0, 0, 0]);
  assert.deepEqual([...parseIpv4Text('255.255.255.255')!], [255, 255, 255, 255]);
  assert.deepEqual([...parseIpv4Text('10.0.100.200')!], [10, 0, 100, 200]);
});

test('what inet_aton would read differently is refused: hex, short forms, leading zeros', () => {
  // Rule: a leading zero is refused, since inet_aton reads "010" as octal 8 and most
  // other readers as decimal 10; "0" alone is fine.
  for (const bad of [
    '0x1.2.3.4', // inet_aton: 1.2.3.4
    '1.2.3.', // split gives an empty octet
    '1.2.3', // inet_aton: 1.2.0.3
    '1', // inet_aton: 0.0.0.1
    '01.2.3.4',
    '1.2.3.04',
    '00.0.0.0',
    '256.1.1.1',
    '1.2.3.256',
    '1.2.3.4.5',
    '1..3.4',
    ' 1.2.3.4',
    '1.2.3.4 ',
    '+1.2.3.4',
    '-1.2.3.4',
    '1e1.2.3.4',
    '1.2.3.4/32',
    '',
  ]) {
    assert.equal(parseIpv4Text(bad), undefined, bad);
    assert.throws(() => ipv4FromText(bad), PacketError, bad);
    assert.throws(() => wireParseIpv4(bad), EncodeError, bad);
    assert.equal(policyParseIpv4(bad), undefined, bad);
  }
});

test('IPv6 text forms of RFC 4291 §2.2', () => {
  const cases: [string, string][] = [
    ['::', '00000000000000000000000000000000'],
    ['::1', '00000000000000000000000000000001'],
    ['2001:DB8:0:0:8:800:200C:417A', '20010db80000000000080800200c417a'],
    ['2001:db8::8:800:200c:417a', '20010db80000000000080800200c417a'],
    ['ff01::101', 'ff010000000000000000000000000101'],
    ['1:2:3:4:5:6:7:8', '00010002000300040005000600070008'],
    ['::ffff:192.0.2.1', '00000000000000000000ffffc0000201'],
    ['::13.1.68.3', '0000000000000000000000000d014403'],
    ['0:0:0:0:0:ffff:129.144.52.38', '00000000000000000000ffff81903426'],
    ['1:2:3:4:5:6:1.2.3.4', '00010002000300040005000601020304'],
  ];
  for (const [text, bytes] of cases) assert.deepEqual([...parseIpv6Text(text)!], hex(bytes), text);
  assert.equal(ipv6ToText(parseIpv6Text('2001:DB8:0:0:8:800:200C:417A')!), '2001:db8::8:800:200c:417a');
});

test('malformed IPv6 text is refused', () => {
  for (const bad of [
    '1::2::3',
    ':::',
    '1:2:3:4:5:6:7:8:9',
    '1:2:3:4:5:6:7',
    '1::2:3:4:5:6:7:8', // "::" stands for at least one zero group
    '12345::',
    'g::1',
    '1:',
    ':1',
    '1::2:',
    'fe80::1%eth0',
    '::ffff:01.2.3.4',
    '::1.2.3',
    '1.2.3.4::',
    '1:2:3:4:5:6:7:1.2.3.4',
    '',
  ]) {
    assert.equal(parseIpv6Text(bad), undefined, bad);
    assert.throws(() => wireParseIpv6(bad), EncodeError, bad);
  }
});

test('prefixes: length within the family, decimal without leading zeros', () => {
  assert.deepEqual(parsePrefixText('10.0.0.0/8'), { address: Uint8Array.of(10, 0, 0, 0), length: 8 });
  assert.equal(parsePrefixText('2001:db8::/32')?.length, 32);
  assert.equal(parsePrefixText('192.0.2.7')?.length, 32);
  for (const bad of ['10.0.0.0/33', '10.0.0.0/08', '10.0.0.0/', '2001:db8::/129', '0x1.2.3.4/32'])
    assert.equal(parsePrefixText(bad), undefined, bad);
  assert.equal(maskPrefix(0xffffff00n, 4), 24);
  assert.equal(maskPrefix(0xffff00ffn, 4), undefined);
});

test('routes: the host layer reads addresses as strictly and handles IPv6', () => {
  // Before: Number('0x1') is 1 and Number('') is 0, so these were 1.2.3.4 and 1.2.3.0.
  assert.throws(() => rangeToCidrs('0x1.2.3.4', '1.2.3.4'), RangeError);
  assert.throws(() => rangeToCidrs('1.2.3.', '1.2.3.255'), RangeError);
  assert.throws(() => cidrContains('10.0.0.0/8', '010.0.0.1'), RangeError);
  // 2001:db8::/120 is 2001:db8::0 .. 2001:db8::ff
  assert.deepEqual(rangeToCidrs('2001:db8::', '2001:db8::ff'), ['2001:db8::/120']);
  // ::1 | ::2-::3
  assert.deepEqual(rangeToCidrs('::1', '::3'), ['::1/128', '::2/127']);
  assert.equal(cidrContains('2001:db8::/32', '2001:db8:1::5'), true);
  assert.equal(cidrContains('2001:db8::/32', '2001:db9::5'), false);
  assert.equal(cidrContains('0.0.0.0/0', '2001:db8::1'), false);
});
