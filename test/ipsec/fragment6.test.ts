// IPv6 outer packets and the path MTU: ICMPv6 Packet Too Big for inner IPv6 (RFC 8200 §5,
// RFC 2473 §7.1), Fragment headers after encryption for inner IPv4 without DF (RFC 4301 §8,
// RFC 8200 §4.5), reassembly before ESP on input; tshark reassembles our fragments too.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DataPlane } from '../../src/ipsec/dataplane.js';
import { Spd } from '../../src/ipsec/spd.js';
import type { DataPlaneAction } from '../../src/ipsec/actions.js';
import { buildIpv6, parseIpv6 } from '../../src/packet/ipv6.js';
import { parseIpv4 } from '../../src/packet/ipv4.js';
import { ipv6FromText } from '../../src/packet/address.js';
import type { IpsecSa } from '../../src/policy/sa.js';
import { ANY_TS6, espPair, fixedRng, hex, ping, reverseTs, subnetTs } from './helpers.js';
import { tsharkFields, tsharkMissing } from './tshark.js';

const GW_A = '2001:db8::1';
const GW_B = '2001:db8::2';
const LOCAL4 = subnetTs('10.1.1.0/24', '10.1.2.0/24');
// the CBC IV and then the fragment identification come from this fixed Rng
const RNG_BYTES = hex('deadbeef 00112233 44556677 8899aabb ccddeeff');

function kinds(actions: DataPlaneAction[]): string[] {
  return actions.map((a) => (a.kind === 'drop' ? `drop:${a.reason}` : a.kind));
}

function sends(actions: DataPlaneAction[]): Uint8Array[] {
  return actions.flatMap((a) => (a.kind === 'send' ? [a.packet] : []));
}

/** Routers A and B with an ESP tunnel (AES-128-CBC + HMAC-SHA1-96) between IPv6 addresses. */
function v6Routers(selector = ANY_TS6): { a: DataPlane; b: DataPlane } {
  const pair = espPair('aes-cbc', 'hmac-sha1-96', { selector, source: GW_A, destination: GW_B });
  const a = new DataPlane({
    spd: Spd.fromRules([{ action: 'protect', selector }]),
    rng: fixedRng(RNG_BYTES),
  });
  const b = new DataPlane({ spd: Spd.fromRules([{ action: 'protect', selector: pair.in.selector }]) });
  a.installSa(pair.out, 0);
  b.installSa(pair.in, 0);
  return { a, b };
}

/** An IPv6 UDP packet of `total` bytes from 2001:db8:1::5 to 2001:db8:2::5. */
function udp6(total: number): Uint8Array {
  const length = total - 40;
  const udp = Uint8Array.from({ length }, (_, i) => (i * 7) & 0xff);
  udp.set([0x03, 0xe8, 0x07, 0xd0, length >> 8, length & 0xff, 0, 0], 0);
  return buildIpv6(
    { nextHeader: 17, source: ipv6FromText('2001:db8:1::5'), destination: ipv6FromText('2001:db8:2::5') },
    udp,
  );
}

/** RFC 1071 checksum computed here, over the RFC 8200 §8.1 pseudo-header and the message
 * with its checksum field zeroed: independent of src/packet/checksum.ts. */
function icmpv6Checksum(source: Uint8Array, destination: Uint8Array, message: Uint8Array): number {
  const m = Uint8Array.from(message);
  m[2] = 0;
  m[3] = 0;
  const len = m.length;
  const pseudo = [
    ...source,
    ...destination,
    len >>> 24,
    (len >>> 16) & 255,
    (len >>> 8) & 255,
    len & 255,
    0,
    0,
    0,
    58,
  ];
  const bytes = [...pseudo, ...m];
  if (bytes.length % 2 === 1) bytes.push(0);
  let sum = 0;
  for (let i = 0; i < bytes.length; i += 2) sum += bytes[i]! * 256 + bytes[i + 1]!;
  while (sum > 0xffff) sum = (sum % 0x10000) + Math.floor(sum / 0x10000);
  return 0xffff - sum;
}

function checkPacketTooBig(actions: DataPlaneAction[], original: Uint8Array, mtu: number): void {
  assert.deepEqual(kinds(actions), ['icmp', 'drop:too-big']);
  const icmp = actions[0]!;
  assert.ok(icmp.kind === 'icmp');
  assert.equal(icmp.nextHopMtu, mtu);
  const ip = parseIpv6(icmp.packet);
  assert.equal(ip.nextHeader, 58);
  assert.deepEqual([...ip.source], [...ipv6FromText(GW_A)], 'from the gateway');
  assert.deepEqual([...ip.destination], [...original.subarray(8, 24)], 'toward the inner source');
  const m = ip.payload;
  assert.equal(m[0], 2, 'type 2 Packet Too Big');
  assert.equal(m[1], 0, 'code 0');
  assert.equal(((m[4]! << 24) | (m[5]! << 16) | (m[6]! << 8) | m[7]!) >>> 0, mtu);
  assert.equal((m[2]! << 8) | m[3]!, icmpv6Checksum(ip.source, ip.destination, m));
  // RFC 4443 §3.2: as much of the invoking packet as fits a 1280-byte IPv6 packet
  assert.equal(icmp.packet.length, 1280);
  assert.deepEqual([...m.subarray(8)], [...original.subarray(0, 1280 - 48)]);
}

test('inner IPv6 too big for an IPv6 tunnel: ICMPv6 Packet Too Big with the hand-computed MTU', () => {
  // AES-128-CBC + SHA1-96, outer IPv6, MTU 1500: 1500 - 40 = 1460 for ESP;
  // 1460 - 8 (SPI, seq) - 16 (IV) - 12 (ICV) = 1424 = 89 whole 16-byte blocks;
  // minus pad length and next header: 1422 bytes of inner packet at most.
  const { a } = v6Routers();
  const fits = a.outbound(udp6(1422), 0);
  assert.deepEqual(kinds(fits), ['send']);
  assert.equal(sends(fits)[0]!.length, 1500);
  const big = udp6(1423);
  checkPacketTooBig(a.outbound(big, 0), big, 1422);
});

test('RFC 2473 §7.1: a tunnel MTU below 1280 reports 1280 and fragments what is not bigger', () => {
  // path MTU 1280: 1280 - 40 - 36 = 1204 -> 1200 in blocks -> 1198 < 1280
  const { a, b } = v6Routers();
  a.setPathMtu(GW_B, 1280);
  const big = udp6(1281);
  checkPacketTooBig(a.outbound(big, 0), big, 1280);
  const minimum = udp6(1280);
  const out = a.outbound(minimum, 0);
  assert.deepEqual(kinds(out), ['send', 'send']);
  const got = sends(out).flatMap((f) => b.inbound(f, 1));
  assert.deepEqual(kinds(got), ['deliver']);
  assert.ok(got[0]!.kind === 'deliver');
  assert.deepEqual(Buffer.from(got[0]!.packet), Buffer.from(minimum));
});

test('inner IPv4 without DF over IPv6: Fragment headers after encryption, reassembled before ESP', () => {
  // inner ping of 1428 bytes; ESP = 8 + 16 (IV) + (1428 + 2 -> 1440) + 12 (ICV) = 1476;
  // outer packet 40 + 1476 = 1516. Path MTU 600: (600 - 40 - 8) & ~7 = 552 per fragment:
  // 552 + 552 + 372; offsets 0, 552, 1104; M = 1, 1, 0; lengths 600, 600, 420;
  // fixed header Next Header 44, Fragment header Next Header 50 (ESP); the identification
  // 0xdeadbeef is the first 4 bytes of the injected Rng (drawn after the IV).
  const { a, b } = v6Routers(LOCAL4);
  a.setPathMtu(GW_B, 600);
  const big = ping('10.1.1.5', '10.1.2.5', 9, 1400, false);
  assert.equal(big.length, 1428);
  const actions = a.outbound(big, 0);
  assert.deepEqual(kinds(actions), ['send', 'send', 'send']);
  const frags = sends(actions);
  assert.deepEqual(
    frags.map((f) => f.length),
    [600, 600, 420],
  );
  const layout = frags.map((f) => ({
    nh: f[6],
    fragmentNh: f[40],
    offset: ((f[42]! << 8) | f[43]!) & 0xfff8,
    m: f[43]! & 1,
    id: Buffer.from(f.subarray(44, 48)).toString('hex'),
  }));
  assert.deepEqual(layout, [
    { nh: 44, fragmentNh: 50, offset: 0, m: 1, id: 'deadbeef' },
    { nh: 44, fragmentNh: 50, offset: 552, m: 1, id: 'deadbeef' },
    { nh: 44, fragmentNh: 50, offset: 1104, m: 0, id: 'deadbeef' },
  ]);
  assert.equal(
    ((frags[0]![48]! << 24) | (frags[0]![49]! << 16) | (frags[0]![50]! << 8) | frags[0]![51]!) >>> 0,
    0x1000,
    'SPI',
  );
  const results = [...frags].reverse().flatMap((f) => b.inbound(f, 5));
  assert.deepEqual(kinds(results), ['deliver']);
  const d = results[0]!;
  assert.ok(d.kind === 'deliver');
  assert.deepEqual(Buffer.from(d.packet), Buffer.from(big));
  assert.equal(b.counters(0x1000, 'esp', GW_B)!.decaps, 1);
  // with DF the inner sender hears ICMP fragmentation needed (IPv4), nothing is fragmented:
  // 600 - 40 - 36 = 524 -> 512 in blocks -> 510
  const df = a.outbound(ping('10.1.1.5', '10.1.2.5', 10, 1400, true), 0);
  assert.deepEqual(kinds(df), ['icmp', 'drop:too-big']);
  assert.ok(df[0]!.kind === 'icmp' && df[0]!.nextHopMtu === 510);
  assert.equal(parseIpv4(df[0]!.packet, true).protocol, 1);
});

test('AH over IPv6 fragments: the ICV covers the reassembled packet', () => {
  // AH tunnel, HMAC-SHA1-96: AH = 12 + 12 = 24 bytes (a multiple of 8 for IPv6);
  // outer 40 + 24 + 1428 = 1492 > 600; fragmentable 1452: (600 - 48) & ~7 = 552 per fragment,
  // 552 + 552 + 348, the last 40 + 8 + 348 = 396 bytes
  const ah: IpsecSa = {
    protocol: 'ah',
    direction: 'outbound',
    spi: 0x2000,
    mode: 'tunnel',
    source: GW_A,
    destination: GW_B,
    integrity: 'hmac-sha1-96',
    integrityKey: new Uint8Array(20).fill(0x0b),
    selector: LOCAL4,
    lifetime: { seconds: 3600, kilobytes: 4608000 },
  };
  const a = new DataPlane({ spd: Spd.fromRules([{ action: 'protect', selector: LOCAL4 }]) });
  const b = new DataPlane();
  a.installSa(ah, 0);
  b.installSa({ ...ah, direction: 'inbound', selector: reverseTs(LOCAL4) }, 0);
  a.setPathMtu(GW_B, 600);
  const big = ping('10.1.1.5', '10.1.2.5', 3, 1400, false);
  const frags = sends(a.outbound(big, 0));
  assert.deepEqual(
    frags.map((f) => [f.length, f[40]]),
    [
      [600, 51],
      [600, 51],
      [396, 51],
    ],
  );
  const got = [frags[1]!, frags[2]!, frags[0]!].flatMap((f) => b.inbound(f, 0));
  assert.deepEqual(kinds(got), ['deliver']);
  assert.ok(got[0]!.kind === 'deliver');
  assert.deepEqual(Buffer.from(got[0]!.packet), Buffer.from(big));
  assert.equal(b.counters(0x2000, 'ah', GW_B)!.verify, 1);
});

test('through the DataPlane: an overlapping IPv6 fragment is a counted drop; the timeout frees the rest', () => {
  const { a, b } = v6Routers(LOCAL4);
  a.setPathMtu(GW_B, 600);
  const frags = sends(a.outbound(ping('10.1.1.5', '10.1.2.5', 9, 1400, false), 0));
  assert.deepEqual(b.inbound(frags[0]!, 0), []);
  const evil = Uint8Array.from(frags[1]!);
  evil[43] = (evil[43]! - 8) & 0xff; // offset 552 -> 544: overlaps the first fragment
  const dropped = b.inbound(evil, 0);
  assert.deepEqual(kinds(dropped), ['drop:fragment']);
  assert.ok(dropped[0]!.kind === 'drop' && dropped[0]!.detail === 'overlap');
  assert.equal(b.dropStatistics().fragment, 1);
  // the rest of the datagram starts a new reassembly that never completes; tick expires it
  assert.deepEqual(b.inbound(frags[2]!, 1), []);
  assert.deepEqual(b.tick(31), []);
  assert.deepEqual(kinds(b.inbound(frags[0]!, 32)), []);
  // a truncated Fragment header is malformed, not an exception
  const cut = Uint8Array.from(frags[0]!.subarray(0, 44));
  cut[4] = 0;
  cut[5] = 4;
  assert.deepEqual(kinds(b.inbound(cut, 32)), ['drop:malformed']);
});

test('tshark reassembles our IPv6 fragments and finds the ESP inside', (t) => {
  const missing = tsharkMissing();
  if (missing !== undefined) {
    t.skip(missing);
    return;
  }
  const { a } = v6Routers(LOCAL4);
  a.setPathMtu(GW_B, 600);
  const frags = sends(a.outbound(ping('10.1.1.5', '10.1.2.5', 9, 1400, false), 0));
  const rows = tsharkFields(
    frags,
    ['ipv6.defragment:TRUE'],
    [
      'ipv6.fraghdr.nxt',
      'ipv6.fraghdr.offset',
      'ipv6.fraghdr.more',
      'ipv6.fraghdr.ident',
      'ipv6.fragment.error',
      'ipv6.fragment.count',
      'ipv6.reassembled.length',
      'esp.spi',
      'esp.sequence',
    ],
  );
  // Wireshark's own reading of the layout (offsets in 8-octet units: 552 / 8 = 69,
  // 1104 / 8 = 138); only the last frame carries the reassembled 1476 bytes of ESP
  assert.deepEqual(rows, [
    ['50', '0', '1', '0xdeadbeef', '', '', '', '', ''],
    ['50', '69', '1', '0xdeadbeef', '', '', '', '', ''],
    ['50', '138', '0', '0xdeadbeef', '', '3', '1476', '0x00001000', '1'],
  ]);
});
