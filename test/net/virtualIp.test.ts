// The virtual network's header values on top of src/packet: expected bytes computed by hand
// from RFC 791 / RFC 768 / RFC 792, as written out in each test.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildIcmpEcho } from '../../src/packet/index.js';
import { buildIpv4, buildUdpPacket, inSubnet, parseIcmpEcho, parsed } from '../../src/net/virtual/ip.js';

test('buildIpv4: TTL 255, identification 0, no flags, hand-computed header checksum', () => {
  const packet = buildIpv4({
    source: '10.0.0.1',
    destination: '10.0.0.2',
    protocol: 1,
    payload: new Uint8Array(0),
  });
  // 4500+0014+0000+0000+ff01+0a00+0001+0a00+0002 = 0x15818 -> fold 0x5819 -> ~ = 0xa7e6
  assert.deepEqual(
    packet,
    Uint8Array.of(0x45, 0, 0, 20, 0, 0, 0, 0, 0xff, 1, 0xa7, 0xe6, 10, 0, 0, 1, 10, 0, 0, 2),
  );
});

test('buildUdpPacket: a computed UDP checksum of zero is sent as 0xffff (RFC 768)', () => {
  // Pseudo-header 0a00+0001+0a00+0002+0011+000a, ports 0001+0002, length 000a: 0x142b.
  // Data word 0xebd4 makes the sum 0xffff, so the checksum computes to 0.
  const packet = buildUdpPacket('10.0.0.1', '10.0.0.2', 1, 2, Uint8Array.of(0xeb, 0xd4));
  assert.deepEqual(packet.subarray(20), Uint8Array.of(0, 1, 0, 2, 0, 10, 0xff, 0xff, 0xeb, 0xd4));
  assert.equal(packet[8], 255);
});

test('parseIcmpEcho: echo request/reply with a good checksum only', () => {
  const request = buildIcmpEcho(true, 0x1234, 7, Uint8Array.of(0xab, 0xcd));
  assert.deepEqual(parseIcmpEcho(request), {
    request: true,
    identifier: 0x1234,
    sequence: 7,
    data: Uint8Array.of(0xab, 0xcd),
  });
  assert.equal(parseIcmpEcho(buildIcmpEcho(false, 1, 2, new Uint8Array(0)))?.request, false);
  const corrupted = Uint8Array.from(request);
  corrupted[9] = 0xce;
  assert.equal(parseIcmpEcho(corrupted), undefined);
  const unreachable = Uint8Array.from(request);
  unreachable[0] = 3;
  assert.equal(parseIcmpEcho(unreachable), undefined);
  assert.equal(parseIcmpEcho(request.subarray(0, 7)), undefined);
});

test('parsed: PacketError becomes undefined, any other error is rethrown', () => {
  assert.equal(
    parsed(() =>
      buildIpv4({ source: '10.0.0', destination: '10.0.0.2', protocol: 1, payload: new Uint8Array(0) }),
    ),
    undefined,
  );
  assert.throws(() => parsed(() => JSON.parse('{')), SyntaxError);
});

test('inSubnet compares under the mask', () => {
  assert.equal(inSubnet('10.1.2.3', '10.1.0.0', '255.255.0.0'), true);
  assert.equal(inSubnet('10.2.2.3', '10.1.0.0', '255.255.0.0'), false);
  assert.equal(inSubnet('192.0.2.200', '192.0.2.128', '255.255.255.128'), true);
});
