// GRE tunnel interfaces (src/ipsec/gre.ts): the RFC 2784 / 2890 header bytes written out by
// hand from the RFCs' diagrams, IOS keepalives between two ends, line protocol, MTU and MSS.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GreTunnels, type GreAction, type GreTunnelSpec } from '../../src/ipsec/gre.js';

const A: GreTunnelSpec = { name: 'Tunnel0', source: '172.18.31.1', destination: '172.18.45.1', mtu: 1400 };
const B: GreTunnelSpec = { name: 'Tunnel0', source: '172.18.45.1', destination: '172.18.31.1', mtu: 1400 };

/** A hand-made IPv4 header (checksum 0 is fine: nothing here verifies inner checksums). */
function ipv4(
  src: number[],
  dst: number[],
  protocol: number,
  payload: number[],
  flags = 0,
  tos = 0,
): Uint8Array {
  const total = 20 + payload.length;
  return Uint8Array.from([
    0x45,
    tos,
    total >> 8,
    total & 0xff,
    0,
    1,
    flags,
    0,
    64,
    protocol,
    0,
    0,
    ...src,
    ...dst,
    ...payload,
  ]);
}

const icmpEcho = ipv4([10, 1, 1, 2], [10, 2, 1, 2], 1, [8, 0, 0, 0, 0, 1, 0, 1], 0x40, 0xb8);

function only<K extends GreAction['kind']>(actions: GreAction[], kind: K): Extract<GreAction, { kind: K }> {
  assert.equal(actions.length, 1, JSON.stringify(actions.map((a) => a.kind)));
  const a = actions[0]!;
  assert.equal(a.kind, kind);
  return a as Extract<GreAction, { kind: K }>;
}

test('encapsulate: outer IPv4 from tunnel source to destination, protocol 47, GRE 0x0800 (RFC 2784 §2)', () => {
  const gre = new GreTunnels([A], 0);
  const out = only(gre.encapsulate('Tunnel0', icmpEcho, 0), 'transmit').packet;
  assert.equal(out.length, 20 + 4 + icmpEcho.length);
  assert.equal(out[0], 0x45);
  assert.equal(out[1], 0xb8, 'DSCP EF of the inner packet is copied outside');
  assert.equal(out[6]! & 0x40, 0x40, 'DF copied');
  assert.equal(out[8], 255);
  assert.equal(out[9], 47);
  assert.deepEqual([...out.subarray(12, 20)], [172, 18, 31, 1, 172, 18, 45, 1]);
  assert.deepEqual([...out.subarray(20, 24)], [0x00, 0x00, 0x08, 0x00]);
  assert.deepEqual(out.subarray(24), icmpEcho);
  // the far end gets the inner packet back on its tunnel interface
  const back = only(new GreTunnels([B], 0).decapsulate(out, 0), 'deliver');
  assert.equal(back.tunnel, 'Tunnel0');
  assert.deepEqual(back.packet, icmpEcho);
});

test('RFC 2890 key: K bit and the key after the header; a wrong or missing key is discarded', () => {
  const gre = new GreTunnels([{ ...A, key: 42 }], 0);
  const out = only(gre.encapsulate('Tunnel0', icmpEcho, 0), 'transmit').packet;
  assert.deepEqual([...out.subarray(20, 28)], [0x20, 0x00, 0x08, 0x00, 0, 0, 0, 42]);
  assert.equal(only(new GreTunnels([{ ...B, key: 42 }], 0).decapsulate(out, 0), 'deliver').tunnel, 'Tunnel0');
  assert.equal(
    only(new GreTunnels([{ ...B, key: 43 }], 0).decapsulate(out, 0), 'drop').reason,
    'GRE key mismatch',
  );
  assert.equal(only(new GreTunnels([B], 0).decapsulate(out, 0), 'drop').reason, 'GRE key mismatch');
});

test('RFC 2890 sequence numbers and RFC 2784 checksums are accepted; RFC 1701 routing is not', () => {
  const far = new GreTunnels([B], 0);
  const withSeq = (seq: number): Uint8Array =>
    ipv4([172, 18, 31, 1], [172, 18, 45, 1], 47, [0x10, 0, 0x08, 0, 0, 0, 0, seq, ...icmpEcho]);
  assert.equal(only(far.decapsulate(withSeq(2), 0), 'deliver').tunnel, 'Tunnel0');
  assert.equal(only(far.decapsulate(withSeq(1), 0), 'deliver').tunnel, 'Tunnel0');
  assert.equal(far.views()[0]?.counters.outOfOrder, 1);
  // C bit: checksum over GRE header and payload, computed here by hand (RFC 1071 sum)
  const body = [0x80, 0, 0x08, 0, 0, 0, 0, 0, ...icmpEcho];
  let sum = 0;
  for (let i = 0; i < body.length; i += 2) sum += (body[i]! << 8) | (body[i + 1] ?? 0);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  const c = ~sum & 0xffff;
  body[4] = c >> 8;
  body[5] = c & 0xff;
  assert.equal(
    only(far.decapsulate(ipv4([172, 18, 31, 1], [172, 18, 45, 1], 47, body), 0), 'deliver').tunnel,
    'Tunnel0',
  );
  body[5] = (body[5]! + 1) & 0xff;
  assert.equal(
    only(far.decapsulate(ipv4([172, 18, 31, 1], [172, 18, 45, 1], 47, body), 0), 'drop').reason,
    'bad GRE checksum',
  );
  const routing = ipv4([172, 18, 31, 1], [172, 18, 45, 1], 47, [0x40, 0, 0x08, 0, ...icmpEcho]);
  assert.match(only(far.decapsulate(routing, 0), 'drop').reason, /RFC 1701/);
  const truncated = ipv4([172, 18, 31, 1], [172, 18, 45, 1], 47, [0x20, 0, 0x08]);
  assert.match(only(far.decapsulate(truncated, 0), 'drop').reason, /malformed GRE/);
});

test('IOS keepalive: the far end routes the inner GRE packet back; unanswered ones put the line protocol down', () => {
  const near = new GreTunnels([{ ...A, keepalive: { period: 10, retries: 3 } }], 0);
  const far = new GreTunnels([B], 0);
  const ka = only(near.tick(0), 'transmit').packet;
  // outer A->B, GRE 0x0800, inner IPv4 B->A protocol 47 whose GRE protocol type is 0
  assert.deepEqual([...ka.subarray(12, 20)], [172, 18, 31, 1, 172, 18, 45, 1]);
  assert.deepEqual([...ka.subarray(20, 24)], [0, 0, 0x08, 0]);
  assert.equal(ka[24 + 9], 47);
  assert.deepEqual([...ka.subarray(24 + 12, 24 + 20)], [172, 18, 45, 1, 172, 18, 31, 1]);
  assert.deepEqual([...ka.subarray(44, 48)], [0, 0, 0, 0]);
  const reflected = only(far.decapsulate(ka, 0), 'transmit').packet;
  assert.deepEqual(reflected, ka.subarray(24));
  assert.deepEqual(near.decapsulate(reflected, 0.1), []);
  assert.equal(near.views()[0]?.counters.keepalivesAnswered, 1);
  assert.equal(near.nextDeadline(), 10);
  // the keepalives of 10, 20 and 30 s go unanswered: down when the next one is due
  for (const t of [10, 20, 30]) assert.equal(only(near.tick(t), 'transmit').kind, 'transmit');
  assert.ok(near.isUp('Tunnel0'));
  const down = near.tick(40);
  assert.deepEqual(
    down.map((a) => a.kind),
    ['lineProtocol', 'transmit'],
  );
  assert.deepEqual(down[0], {
    kind: 'lineProtocol',
    tunnel: 'Tunnel0',
    up: false,
    reason: '3 keepalives unanswered',
  });
  assert.equal(only(near.encapsulate('Tunnel0', icmpEcho, 41), 'drop').reason, 'line protocol down');
  // the path heals: the next answer brings it up
  const again = only(far.decapsulate(only(near.tick(50), 'transmit').packet, 50), 'transmit').packet;
  assert.deepEqual(near.decapsulate(again, 50.1), [
    { kind: 'lineProtocol', tunnel: 'Tunnel0', up: true, reason: 'keepalive answered' },
  ]);
  assert.ok(near.isUp('Tunnel0'));
});

test('tunnel MTU: DF set gets ICMP fragmentation needed with the MTU, DF clear is fragmented inside', () => {
  const gre = new GreTunnels([{ ...A, address: '10.4.1.1' }], 0);
  const big = ipv4([10, 1, 1, 2], [10, 2, 1, 2], 17, new Array<number>(1480).fill(7), 0x40);
  const actions = gre.encapsulate('Tunnel0', big, 0);
  assert.deepEqual(
    actions.map((a) => a.kind),
    ['icmp', 'drop'],
  );
  const icmp = (actions[0] as Extract<GreAction, { kind: 'icmp' }>).packet;
  assert.deepEqual([...icmp.subarray(12, 20)], [10, 4, 1, 1, 10, 1, 1, 2]);
  assert.deepEqual([icmp[20], icmp[21], (icmp[26]! << 8) | icmp[27]!], [3, 4, 1400]);
  big[6] = 0;
  const pieces = gre.encapsulate('Tunnel0', big, 0);
  assert.equal(pieces.length, 2);
  for (const p of pieces) assert.ok(p.kind === 'transmit' && p.packet.length <= 1400 + 24);
});

/** RFC 1071 sum of the IPv4 pseudo header and a TCP segment, written out here on its own. */
function tcpSum(packet: Uint8Array): number {
  const seg = packet.subarray(20);
  const words = [...packet.subarray(12, 20), 0, 6, seg.length >> 8, seg.length & 0xff, ...seg];
  let sum = 0;
  for (let i = 0; i < words.length; i += 2) sum += (words[i]! << 8) | (words[i + 1] ?? 0);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return sum;
}

test('ip tcp adjust-mss lowers the MSS option of a SYN and keeps the TCP checksum valid (RFC 1624)', () => {
  const gre = new GreTunnels([{ ...A, tcpAdjustMss: 1360 }], 0);
  // a SYN with MSS 1460 (kind 2, length 4, 0x05b4)
  const tcp = [
    0, 80, 0x1f, 0x90, 0, 0, 0, 1, 0, 0, 0, 0, 0x60, 0x02, 0xff, 0xff, 0, 0, 0, 0, 2, 4, 0x05, 0xb4,
  ];
  const syn = ipv4([10, 1, 1, 2], [10, 2, 1, 2], 6, tcp);
  const c = ~tcpSum(syn) & 0xffff;
  syn[36] = c >> 8;
  syn[37] = c & 0xff;
  assert.equal(tcpSum(syn), 0xffff);
  const out = only(gre.encapsulate('Tunnel0', syn, 0), 'transmit').packet;
  const inner = out.subarray(24);
  assert.equal((inner[42]! << 8) | inner[43]!, 1360);
  assert.equal(tcpSum(inner), 0xffff, 'checksum still valid');
  // a SYN already below the limit, and a non-SYN, pass unchanged
  const low = Uint8Array.from(syn);
  low[43] = 0x00; // MSS 0x0500 = 1280
  assert.deepEqual(only(gre.encapsulate('Tunnel0', low, 0), 'transmit').packet.subarray(24), low);
});

test('tunnel sequence-datagrams: S bit and numbers from 0 (RFC 2890 §2.2); late or unnumbered datagrams dropped', () => {
  const near = new GreTunnels([{ ...A, sequenceDatagrams: true }], 0);
  const first = only(near.encapsulate('Tunnel0', icmpEcho, 0), 'transmit').packet;
  const second = only(near.encapsulate('Tunnel0', icmpEcho, 0), 'transmit').packet;
  // |C| |K|S| = 0x10; protocol type 0x0800; the 32-bit sequence number follows
  assert.deepEqual([...first.subarray(20, 28)], [0x10, 0x00, 0x08, 0x00, 0, 0, 0, 0]);
  assert.deepEqual([...second.subarray(20, 28)], [0x10, 0x00, 0x08, 0x00, 0, 0, 0, 1]);
  assert.deepEqual(first.subarray(28), icmpEcho);
  const far = new GreTunnels([{ ...B, sequenceDatagrams: true }], 0);
  assert.equal(only(far.decapsulate(second, 0), 'deliver').tunnel, 'Tunnel0');
  assert.equal(only(far.decapsulate(first, 0), 'drop').reason, 'GRE datagram out of sequence');
  assert.equal(
    only(far.decapsulate(second, 0), 'drop').reason,
    'GRE datagram out of sequence',
    'a duplicate',
  );
  assert.equal(far.views()[0]?.counters.outOfOrder, 2);
  const plain = only(new GreTunnels([A], 0).encapsulate('Tunnel0', icmpEcho, 0), 'transmit').packet;
  assert.equal(
    only(far.decapsulate(plain, 0), 'drop').reason,
    'no GRE sequence number (tunnel sequence-datagrams)',
  );
  // serial number arithmetic (RFC 1982): 0 follows 0xffffffff
  const wrap = (seq: number): Uint8Array =>
    ipv4([172, 18, 31, 1], [172, 18, 45, 1], 47, [
      0x10,
      0,
      0x08,
      0,
      seq >>> 24,
      (seq >>> 16) & 0xff,
      (seq >>> 8) & 0xff,
      seq & 0xff,
      ...icmpEcho,
    ]);
  const wrapping = new GreTunnels([{ ...B, sequenceDatagrams: true }], 0);
  assert.equal(only(wrapping.decapsulate(wrap(0xffffffff), 0), 'deliver').kind, 'deliver');
  assert.equal(only(wrapping.decapsulate(wrap(0), 0), 'deliver').kind, 'deliver');
});

test('tunnel checksum: C bit and a checksum the far end verifies; a datagram without one is dropped', () => {
  const near = new GreTunnels([{ ...A, checksum: true }], 0);
  const out = only(near.encapsulate('Tunnel0', icmpEcho, 0), 'transmit').packet;
  assert.equal(out[20], 0x80);
  // RFC 1071 sum over the GRE header and payload, by hand: it folds to 0xffff
  let sum = 0;
  const gre = out.subarray(20);
  for (let i = 0; i < gre.length; i += 2) sum += (gre[i]! << 8) | (gre[i + 1] ?? 0);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  assert.equal(sum, 0xffff);
  const far = new GreTunnels([{ ...B, checksum: true }], 0);
  assert.equal(only(far.decapsulate(out, 0), 'deliver').tunnel, 'Tunnel0');
  const plain = only(new GreTunnels([A], 0).encapsulate('Tunnel0', icmpEcho, 0), 'transmit').packet;
  assert.equal(only(far.decapsulate(plain, 0), 'drop').reason, 'no GRE checksum (tunnel checksum)');
});

test('keepalives pass between ends with a key, sequence numbers and checksums', () => {
  const options = { key: 7, sequenceDatagrams: true, checksum: true };
  const near = new GreTunnels([{ ...A, ...options, keepalive: { period: 10, retries: 3 } }], 0);
  const far = new GreTunnels([{ ...B, ...options }], 0);
  for (const t of [0, 10, 20, 30, 40]) {
    const reflected = only(far.decapsulate(only(near.tick(t), 'transmit').packet, t), 'transmit').packet;
    assert.deepEqual(near.decapsulate(reflected, t + 0.1), []);
  }
  assert.equal(near.views()[0]?.counters.keepalivesAnswered, 5);
  assert.ok(near.isUp('Tunnel0'));
});

/** A hand-made IPv6 header (RFC 8200 §3) around `payload` (next header 17, hop limit 64). */
function ipv6(src: number[], dst: number[], payload: number[]): Uint8Array {
  const len = payload.length;
  return Uint8Array.from([0x60, 0, 0, 0, len >> 8, len & 0xff, 17, 64, ...src, ...dst, ...payload]);
}

/** RFC 4443 §2.3: the ICMPv6 checksum over the RFC 8200 §8.1 pseudo header, summed here on its own. */
function icmpv6Sum(packet: Uint8Array): number {
  const body = packet.subarray(40);
  const len = body.length;
  const words = [...packet.subarray(8, 40), 0, 0, len >> 8, len & 0xff, 0, 0, 0, 58, ...body];
  let sum = 0;
  for (let i = 0; i < words.length; i += 2) sum += (words[i]! << 8) | (words[i + 1] ?? 0);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return sum;
}

test('tunnel MTU, IPv6: Packet Too Big with the MTU to the sender (RFC 4443 §3.2), never below 1280', () => {
  const src = [0x20, 0x01, 0x0d, 0xb8, 0, 1, ...new Array<number>(9).fill(0), 2];
  const dst = [0x20, 0x01, 0x0d, 0xb8, 0, 2, ...new Array<number>(9).fill(0), 2];
  const gre = new GreTunnels([A], 0);
  const big = ipv6(src, dst, new Array<number>(1460).fill(7));
  const actions = gre.encapsulate('Tunnel0', big, 0);
  assert.deepEqual(
    actions.map((a) => a.kind),
    ['icmp', 'drop'],
  );
  const ptb = (actions[0] as Extract<GreAction, { kind: 'icmp' }>).packet;
  assert.equal(ptb[0]! >> 4, 6);
  assert.equal(ptb[6], 58, 'next header ICMPv6');
  assert.deepEqual([...ptb.subarray(24, 40)], src, 'back to the sender');
  // type 2, code 0, MTU 1400 (RFC 4443 §3.2); then as much of the packet as fits in 1280
  assert.deepEqual([ptb[40], ptb[41]], [2, 0]);
  assert.equal(new DataView(ptb.buffer, ptb.byteOffset).getUint32(44), 1400);
  assert.equal(ptb.length, 1280);
  assert.deepEqual(ptb.subarray(48), big.subarray(0, 1280 - 48));
  assert.equal(icmpv6Sum(ptb), 0xffff, 'checksum');
  // A tunnel below 1280 still carries 1280 (RFC 2473 §7.1) and reports 1280 above it.
  const small = new GreTunnels([{ ...A, mtu: 1200 }], 0);
  only(small.encapsulate('Tunnel0', ipv6(src, dst, new Array<number>(1240).fill(1)), 0), 'transmit');
  const over = small.encapsulate('Tunnel0', ipv6(src, dst, new Array<number>(1300).fill(1)), 0);
  const ptb2 = (over[0] as Extract<GreAction, { kind: 'icmp' }>).packet;
  assert.equal(new DataView(ptb2.buffer, ptb2.byteOffset).getUint32(44), 1280);
});
