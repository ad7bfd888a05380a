// src/packet: checksums, headers, addresses, flows, ICMP, GRE.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  internetChecksum,
  updateChecksum,
  parseIpv4,
  buildIpv4,
  ipv6FromText,
  ipv6ToText,
  ipv4FromText,
  parseIpv6,
  buildIpv6,
  ipv6UpperLayer,
  parseUdp,
  writeUdpHeader,
  verifyTransportChecksum,
  parseTcp,
  parseIcmp,
  buildIcmpEcho,
  icmpEcho,
  buildFragmentationNeeded,
  icmpNextHopMtu,
  parseGre,
  buildGre,
  packetFlow,
  PacketError,
} from '../../src/packet/index.js';
import { udpIpv4Frame } from '../util/udpFrame.js';

const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s.replace(/\s/g, ''), 'hex'));

test('RFC 1071 §3 example: the sum of 0001 f203 f4f5 f6f7 is ddf2, checksum 220d', () => {
  assert.equal(internetChecksum(hex('0001f203f4f5f6f7')), 0x220d);
  // odd length, last byte padded with zero: 0001 + f203 + f4f5 + f600 = 2dcf9 -> dcfb -> 2304
  assert.equal(internetChecksum(hex('0001f203f4f5f6')), 0x2304);
});

test('RFC 1624 incremental update equals a full recomputation', () => {
  const h = hex('45000054 08f20000 4001f9fe c0a87b03 c0a87b64');
  const updated = updateChecksum(0xf9fe, 0x4001, 0x3f01); // TTL 64 -> 63
  h[8] = 0x3f;
  h[10] = 0;
  h[11] = 0;
  assert.equal(updated, internetChecksum(h));
});

test('IPv4: the RFC 3602 case 5 header parses, verifies and rebuilds byte for byte', () => {
  const pkt = hex(`45000054 08f20000 4001f9fe c0a87b03 c0a87b64 ${'00'.repeat(64)}`);
  const h = parseIpv4(pkt, true);
  assert.equal(h.headerLength, 20);
  assert.equal(h.totalLength, 84);
  assert.equal(h.identification, 0x08f2);
  assert.equal(h.ttl, 64);
  assert.equal(h.protocol, 1);
  assert.deepEqual([...h.source], [192, 168, 123, 3]);
  assert.equal(h.payload.length, 64);
  const rebuilt = buildIpv4(
    { identification: 0x08f2, ttl: 64, protocol: 1, source: h.source, destination: h.destination },
    h.payload,
  );
  assert.deepEqual(Buffer.from(rebuilt), Buffer.from(pkt));
});

test('IPv4 parser throws only PacketError on damaged input', () => {
  for (const bad of [
    new Uint8Array(0),
    hex('45000054'),
    hex('46000014 00000000 40010000 01020304 05060708'),
    hex('45000064 00000000 40010000 01020304 05060708'),
  ]) {
    assert.throws(() => parseIpv4(bad), PacketError);
  }
  const h = hex('45000014 00000000 40010000 01020304 05060708');
  assert.throws(() => parseIpv4(h, true), /checksum/);
});

test('IPv6 text form (RFC 5952) and header', () => {
  assert.equal(ipv6ToText(ipv6FromText('2001:0db8:0000:0000:0000:0000:0000:0001')), '2001:db8::1');
  assert.equal(ipv6ToText(ipv6FromText('::')), '::');
  assert.equal(ipv6ToText(ipv6FromText('::ffff:192.0.2.1')), '::ffff:c000:201');
  assert.equal(ipv6ToText(ipv6FromText('2001:db8:0:1:1:1:1:1')), '2001:db8:0:1:1:1:1:1');
  assert.throws(() => ipv6FromText('1::2::3'), PacketError);
  assert.throws(() => ipv4FromText('1.2.3.256'), PacketError);
  const p = buildIpv6(
    {
      nextHeader: 17,
      source: ipv6FromText('2001:db8::1'),
      destination: ipv6FromText('2001:db8::2'),
      trafficClass: 0xb8,
      flowLabel: 0xabcde,
    },
    new Uint8Array(8),
  );
  const h = parseIpv6(p);
  assert.deepEqual([h.trafficClass, h.flowLabel, h.payloadLength, h.nextHeader], [0xb8, 0xabcde, 8, 17]);
  // hop-by-hop (8 bytes) then UDP
  const withHbh = buildIpv6(
    { nextHeader: 0, source: h.source, destination: h.destination },
    Uint8Array.from([17, 0, 1, 4, 0, 0, 0, 0, 0x12, 0x34, 0x00, 0x35, 0, 8, 0, 0]),
  );
  assert.deepEqual(ipv6UpperLayer(withHbh), {
    protocol: 17,
    offset: 48,
    nextHeaderOffset: 40,
    fragment: false,
  });
  const flow = packetFlow(withHbh);
  assert.deepEqual([flow.protocol, flow.sourcePort, flow.destinationPort], [17, 0x1234, 53]);
});

test('UDP checksum agrees with the independent builder in test/util', () => {
  const frame = udpIpv4Frame('192.0.2.1', '192.0.2.2', 500, 4500, Uint8Array.from([1, 2, 3, 4, 5]));
  const ip = parseIpv4(frame, true);
  assert.equal(verifyTransportChecksum(ip.source, ip.destination, 17, ip.payload), true);
  const mine = new Uint8Array(13);
  mine.set([1, 2, 3, 4, 5], 8);
  writeUdpHeader(mine, 0, 500, 4500, 5, { source: ip.source, destination: ip.destination });
  assert.deepEqual(Buffer.from(mine), Buffer.from(ip.payload));
  const u = parseUdp(ip.payload);
  assert.deepEqual([u.sourcePort, u.destinationPort, u.length], [500, 4500, 13]);
  assert.throws(() => parseUdp(Uint8Array.of(0, 1, 0, 2, 0, 99, 0, 0)), PacketError);
});

test('TCP ports and flags; flows with ports, ICMP type/code, non-initial fragments', () => {
  const seg = hex('3039 0050 00000001 00000000 5002 ffff 0000 0000');
  const t = parseTcp(seg);
  assert.deepEqual([t.sourcePort, t.destinationPort, t.flags, t.dataOffset], [12345, 80, 2, 20]);
  const pkt = buildIpv4(
    { protocol: 6, source: ipv4FromText('10.0.0.1'), destination: ipv4FromText('10.0.0.2') },
    seg,
  );
  assert.deepEqual([packetFlow(pkt).sourcePort, packetFlow(pkt).destinationPort], [12345, 80]);
  const icmp = buildIpv4(
    { protocol: 1, source: ipv4FromText('10.0.0.1'), destination: ipv4FromText('10.0.0.2') },
    buildIcmpEcho(true, 7, 9, new Uint8Array(4)),
  );
  assert.deepEqual([packetFlow(icmp).sourcePort, packetFlow(icmp).destinationPort], [8, 0]);
  const frag = buildIpv4(
    {
      protocol: 6,
      fragmentOffset: 1480,
      source: ipv4FromText('10.0.0.1'),
      destination: ipv4FromText('10.0.0.2'),
    },
    seg,
  );
  assert.deepEqual([packetFlow(frag).nonInitialFragment, packetFlow(frag).sourcePort], [true, 0]);
});

test('ICMP echo and fragmentation needed (RFC 1191) carry valid checksums', () => {
  const echo = buildIcmpEcho(true, 0x1234, 7, Uint8Array.from([1, 2, 3]));
  assert.equal(internetChecksum(echo), 0);
  const m = parseIcmp(echo);
  assert.deepEqual([m.type, icmpEcho(m).identifier, icmpEcho(m).sequence], [8, 0x1234, 7]);
  const original = buildIpv4(
    {
      protocol: 17,
      source: ipv4FromText('10.0.0.1'),
      destination: ipv4FromText('10.0.0.2'),
      dontFragment: true,
    },
    new Uint8Array(100),
  );
  const fn = buildFragmentationNeeded(original, 1438);
  assert.equal(internetChecksum(fn), 0);
  const p = parseIcmp(fn);
  assert.deepEqual([p.type, p.code, icmpNextHopMtu(p), p.body.length], [3, 4, 1438, 28]);
});

test('GRE with checksum, key and sequence round-trips (RFC 2784/2890)', () => {
  const inner = buildIpv4(
    { protocol: 1, source: ipv4FromText('10.0.0.1'), destination: ipv4FromText('10.0.0.2') },
    new Uint8Array(8),
  );
  const g = buildGre(0x0800, inner, { checksum: true, key: 0xdeadbeef, sequence: 42 });
  assert.equal(internetChecksum(g), 0);
  const h = parseGre(g);
  assert.deepEqual([h.protocolType, h.key, h.sequence], [0x0800, 0xdeadbeef, 42]);
  assert.deepEqual(Buffer.from(h.payload), Buffer.from(inner));
  const plain = parseGre(buildGre(0x86dd, Uint8Array.of(1, 2)));
  assert.deepEqual([plain.protocolType, plain.key, plain.payload.length], [0x86dd, undefined, 2]);
  assert.throws(() => parseGre(Uint8Array.of(0x20, 0, 8, 0)), PacketError);
});
