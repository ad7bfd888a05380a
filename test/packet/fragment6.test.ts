// IPv6 fragmentation (RFC 8200 §4.5) and the bounded reassembler (RFC 5722, RFC 6946).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { buildIpv6 } from '../../src/packet/ipv6.js';
import { ipv6FromText } from '../../src/packet/address.js';
import { findIpv6Fragment, fragmentIpv6, Ipv6Reassembler } from '../../src/packet/fragment6.js';
import { PacketError } from '../../src/packet/errors.js';

const SRC = ipv6FromText('2001:db8::1');
const DST = ipv6FromText('2001:db8::2');

function body(size: number, seed = 0): Uint8Array {
  return Uint8Array.from({ length: size }, (_, i) => (i * 31 + seed) & 0xff);
}

/** UDP-ish payload straight after the fixed header. */
function plain(size: number, seed = 0): Uint8Array {
  return buildIpv6({ nextHeader: 17, source: SRC, destination: DST, flowLabel: 0xabcde }, body(size, seed));
}

/** Hop-by-Hop (8) -> Routing (24) -> Destination Options (8) -> UDP payload of `size`. */
function withExtensions(size: number): Uint8Array {
  const hbh = Uint8Array.of(43, 0, 1, 4, 0, 0, 0, 0); // next Routing, PadN
  const routing = new Uint8Array(24);
  routing[0] = 60; // next Destination Options
  routing[1] = 2; // (2 + 1) * 8 = 24 bytes
  routing[2] = 4; // type 4 (SRH) with segments left 0: nothing to do on the way
  const dstopts = Uint8Array.of(17, 0, 1, 4, 0, 0, 0, 0);
  return buildIpv6(
    { nextHeader: 0, source: SRC, destination: DST },
    Uint8Array.from([...hbh, ...routing, ...dstopts, ...body(size)]),
  );
}

function fragWord(f: Uint8Array, at: number): { nh: number; offset: number; m: number; id: number } {
  const word = (f[at + 2]! << 8) | f[at + 3]!;
  return {
    nh: f[at]!,
    offset: word & 0xfff8,
    m: word & 1,
    id: ((f[at + 4]! << 24) | (f[at + 5]! << 16) | (f[at + 6]! << 8) | f[at + 7]!) >>> 0,
  };
}

const payloadLength = (f: Uint8Array): number => (f[4]! << 8) | f[5]!;

test('hand-computed layout: no extension headers, 3000 bytes at MTU 1280', () => {
  // unfragmentable part = 40-byte header; per fragment (1280 - 40 - 8) & ~7 = 1232 bytes.
  // 3000 = 1232 + 1232 + 536: offsets 0, 1232, 2464; M = 1, 1, 0;
  // fragment lengths 40 + 8 + 1232 = 1280, 1280, 40 + 8 + 536 = 584;
  // Payload Length 1240, 1240, 544; fixed header Next Header 44, Fragment header NH 17;
  // the offset field holds offset/8 << 3 | M: 0x0001, 0x04d1, 0x09a0.
  const p = plain(3000);
  const frags = fragmentIpv6(p, 1280, 0xdeadbeef);
  assert.deepEqual(
    frags.map((f) => f.length),
    [1280, 1280, 584],
  );
  assert.deepEqual(frags.map(payloadLength), [1240, 1240, 544]);
  assert.deepEqual(
    frags.map((f) => f[6]),
    [44, 44, 44],
  );
  assert.deepEqual(
    frags.map((f) => fragWord(f, 40)),
    [
      { nh: 17, offset: 0, m: 1, id: 0xdeadbeef },
      { nh: 17, offset: 1232, m: 1, id: 0xdeadbeef },
      { nh: 17, offset: 2464, m: 0, id: 0xdeadbeef },
    ],
  );
  assert.deepEqual([frags[1]![42], frags[1]![43]], [0x04, 0xd1]);
  assert.deepEqual([frags[2]![42], frags[2]![43]], [0x09, 0xa0]);
  assert.equal(frags[0]![41], 0, 'reserved');
  // flow label and addresses copied into every fragment
  for (const f of frags)
    assert.deepEqual(
      [...f.subarray(1, 4), ...f.subarray(8, 40)],
      [...p.subarray(1, 4), ...p.subarray(8, 40)],
    );
  assert.deepEqual([...frags[2]!.subarray(48)], [...p.subarray(40 + 2464)]);
});

test('hand-computed layout: Hop-by-Hop and Routing stay unfragmentable, Destination Options after Routing do not', () => {
  // unfragmentable = 40 + 8 (HBH) + 24 (Routing) = 72; fragmentable = 8 (DstOpts) + 292 = 300.
  // MTU 200: (200 - 72 - 8) & ~7 = 120 per fragment: 120 + 120 + 60, offsets 0, 120, 240,
  // M = 1, 1, 0; Payload Length 32 + 8 + 120 = 160, 160, 100.
  // Next Header chain: fixed header 0 (HBH), HBH 43 (Routing), Routing 44 (Fragment),
  // Fragment header 60 (Destination Options).
  const p = withExtensions(292);
  const frags = fragmentIpv6(p, 200, 7);
  assert.deepEqual(
    frags.map((f) => f.length),
    [200, 200, 140],
  );
  assert.deepEqual(frags.map(payloadLength), [160, 160, 100]);
  for (const f of frags) assert.deepEqual([f[6], f[40], f[48]], [0, 43, 44]);
  assert.deepEqual(
    frags.map((f) => fragWord(f, 72)),
    [
      { nh: 60, offset: 0, m: 1, id: 7 },
      { nh: 60, offset: 120, m: 1, id: 7 },
      { nh: 60, offset: 240, m: 0, id: 7 },
    ],
  );
  assert.deepEqual([...frags[0]!.subarray(80, 88)], [17, 0, 1, 4, 0, 0, 0, 0], 'DstOpts in fragment 1');
  const r = new Ipv6Reassembler();
  const got = frags.map((f) => r.add(f, 0));
  assert.deepEqual(
    got.map((x) => x.kind),
    ['pending', 'pending', 'complete'],
  );
  const last = got[2]!;
  assert.ok(last.kind === 'complete');
  assert.deepEqual(Buffer.from(last.packet), Buffer.from(p));
});

test('a packet that fits is returned whole; an MTU too small to carry 8 bytes is an error', () => {
  const p = plain(100);
  const frags = fragmentIpv6(p, 140, 1);
  assert.equal(frags.length, 1);
  assert.deepEqual(Buffer.from(frags[0]!), Buffer.from(p));
  assert.throws(() => fragmentIpv6(plain(200), 55, 1), PacketError);
});

test('property: fragment, shuffle, duplicate, reassemble gives the packet back', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 5000 }),
      fc.integer({ min: 200, max: 1500 }),
      fc.boolean(),
      fc.array(fc.nat(), { minLength: 64, maxLength: 64 }),
      fc.array(fc.boolean(), { minLength: 64, maxLength: 64 }),
      fc.nat(),
      (size, mtu, extensions, keys, dups, id) => {
        const p = extensions ? withExtensions(size) : plain(size, id);
        const frags = fragmentIpv6(p, mtu, id);
        const unfragmentable = extensions ? 72 : 40;
        for (const [i, f] of frags.entries()) {
          assert.ok(f.length <= mtu);
          if (frags.length === 1) continue;
          const w = fragWord(f, unfragmentable);
          assert.equal(w.id, id);
          assert.equal(w.m, i < frags.length - 1 ? 1 : 0);
          if (w.m === 1) assert.equal((f.length - unfragmentable - 8) % 8, 0);
        }
        if (frags.length === 1) {
          assert.equal(findIpv6Fragment(frags[0]!), undefined);
          return;
        }
        const order = frags.map((f, i) => ({ f, k: keys[i % keys.length]! + i })).sort((a, b) => a.k - b.k);
        // duplicates of fragments already sent, inserted before the last new fragment
        const sequence: Uint8Array[] = [];
        order.forEach(({ f }, i) => {
          sequence.push(f);
          if (i < order.length - 1 && dups[i % dups.length]) sequence.push(order[keys[i]! % (i + 1)]!.f);
        });
        const r = new Ipv6Reassembler({
          maxDatagrams: 4,
          maxFragmentsPerDatagram: 128,
          maxBytes: 1 << 20,
          timeoutSeconds: 60,
        });
        const results = sequence.map((f) => r.add(f, 0));
        assert.deepEqual(
          results.slice(0, -1).map((x) => x.kind),
          new Array<string>(sequence.length - 1).fill('pending'),
        );
        const done = results[results.length - 1]!;
        assert.ok(done.kind === 'complete');
        assert.deepEqual(Buffer.from(done.packet), Buffer.from(p));
        assert.equal(r.size, 0);
      },
    ),
    { numRuns: 150 },
  );
});

/** A fragment with the same id and addresses, at `offset`, carrying `data`. */
function handFragment(offset: number, more: boolean, data: Uint8Array, id = 99): Uint8Array {
  const f = new Uint8Array(8 + data.length);
  f[0] = 17;
  const word = offset | (more ? 1 : 0);
  f[2] = word >> 8;
  f[3] = word & 0xff;
  f[4] = (id >>> 24) & 0xff;
  f[5] = (id >>> 16) & 0xff;
  f[6] = (id >>> 8) & 0xff;
  f[7] = id & 0xff;
  f.set(data, 8);
  return buildIpv6({ nextHeader: 44, source: SRC, destination: DST }, f);
}

test('RFC 5722: an overlapping fragment drops the whole datagram; exact duplicates do not', () => {
  const frags = fragmentIpv6(plain(1000), 300, 5);
  const r = new Ipv6Reassembler();
  assert.equal(r.add(frags[0]!, 0).kind, 'pending');
  assert.equal(r.add(frags[0]!, 0).kind, 'pending', 'exact duplicate ignored');
  // move fragment 2 back by 8 bytes: it now overlaps fragment 1
  const evil = Uint8Array.from(frags[1]!);
  const word = ((evil[42]! << 8) | evil[43]!) - 8;
  evil[42] = word >> 8;
  evil[43] = word & 0xff;
  assert.deepEqual(r.add(evil, 0), { kind: 'dropped', reason: 'overlap' });
  assert.equal(r.size, 0);
  // same offset and length but different bytes is an overlap too
  assert.equal(r.add(handFragment(0, true, body(16, 1)), 0).kind, 'pending');
  assert.deepEqual(r.add(handFragment(0, true, body(16, 2)), 0), { kind: 'dropped', reason: 'overlap' });
  // two different last fragments
  assert.equal(r.add(handFragment(16, false, body(8)), 0).kind, 'pending');
  assert.deepEqual(r.add(handFragment(32, false, body(8)), 0), { kind: 'dropped', reason: 'overlap' });
  // a fragment beyond the end already known
  assert.equal(r.add(handFragment(16, false, body(8)), 0).kind, 'pending');
  assert.deepEqual(r.add(handFragment(24, true, body(8)), 0), { kind: 'dropped', reason: 'overlap' });
  assert.equal(r.size, 0);
});

test('RFC 8200 §4.5: non-final fragments must be 8-octet multiples; the result may not pass 65535', () => {
  const r = new Ipv6Reassembler();
  assert.deepEqual(r.add(handFragment(0, true, body(12)), 0), { kind: 'dropped', reason: 'malformed' });
  // 65528 + 16 bytes: Payload Length would be 65544
  assert.deepEqual(r.add(handFragment(65528, false, body(16)), 0), { kind: 'dropped', reason: 'too-large' });
  // exactly 65535 is fine: 65528 + 7
  assert.equal(r.add(handFragment(65528, false, body(7)), 0).kind, 'pending');
  assert.throws(() => r.add(plain(50), 0), PacketError, 'no Fragment header');
  assert.throws(() => r.add(handFragment(0, true, body(16)).subarray(0, 44), 0), PacketError);
});

test('RFC 7112: a first fragment that cuts the extension header chain is dropped', () => {
  // Fragment header -> Destination Options of (1 + 1) * 8 = 16 bytes, but only 8 in fragment 1
  const r = new Ipv6Reassembler();
  const f = new Uint8Array(8 + 8);
  f[0] = 60; // Fragment header: next Destination Options
  f[3] = 1; // offset 0, M
  f[8] = 17;
  f[9] = 1;
  const cut = buildIpv6({ nextHeader: 44, source: SRC, destination: DST }, f);
  assert.deepEqual(r.add(cut, 0), { kind: 'dropped', reason: 'malformed' });
  // with the whole 16-byte header inside the first fragment it is fine
  const whole = new Uint8Array(8 + 16);
  whole.set(f, 0);
  assert.equal(r.add(buildIpv6({ nextHeader: 44, source: SRC, destination: DST }, whole), 0).kind, 'pending');
});

test('RFC 6946: an atomic fragment is a whole packet, not mixed with a pending datagram', () => {
  const r = new Ipv6Reassembler();
  assert.equal(r.add(handFragment(0, true, body(16, 1)), 0).kind, 'pending');
  const atomic = r.add(handFragment(0, false, body(20, 3)), 0); // same id 99
  assert.ok(atomic.kind === 'complete');
  const whole = buildIpv6({ nextHeader: 17, source: SRC, destination: DST }, body(20, 3));
  assert.deepEqual(Buffer.from(atomic.packet), Buffer.from(whole));
  assert.equal(r.size, 1, 'the pending datagram is untouched');
  assert.equal(r.add(handFragment(16, false, body(4, 17)), 0).kind, 'complete');
});

test('limits: datagrams, fragments, bytes; timeout by the caller clock', () => {
  const limits = { maxDatagrams: 2, maxFragmentsPerDatagram: 3, maxBytes: 2000, timeoutSeconds: 60 };
  const r = new Ipv6Reassembler(limits);
  assert.equal(r.add(fragmentIpv6(plain(1000), 300, 1)[0]!, 0).kind, 'pending');
  assert.equal(r.add(fragmentIpv6(plain(1000), 300, 2)[0]!, 10).kind, 'pending');
  assert.deepEqual(r.add(fragmentIpv6(plain(1000), 300, 3)[0]!, 10), { kind: 'dropped', reason: 'no-room' });
  assert.equal(r.expire(59), 0);
  assert.equal(r.expire(60), 1, 'the first, created at 0');
  assert.equal(r.size, 1);
  // adding at a later time expires the rest first
  assert.equal(r.add(fragmentIpv6(plain(1000), 300, 3)[0]!, 70).kind, 'pending');
  assert.equal(r.size, 1);
  assert.equal(r.expire(200), 1);

  const many = fragmentIpv6(plain(1000), 200, 4);
  assert.ok(many.length > 3);
  assert.deepEqual(
    many.slice(0, 4).map((f) => r.add(f, 300).kind),
    ['pending', 'pending', 'pending', 'dropped'],
  );
  assert.equal(r.size, 0);
  // bytes: 2000 over all datagrams; each 300-MTU fragment holds 248 bytes (+40 for the first)
  const big = fragmentIpv6(plain(3000), 300, 5);
  const r2 = new Ipv6Reassembler({ ...limits, maxFragmentsPerDatagram: 64 });
  const kinds = big.slice(1, 10).map((f) => r2.add(f, 0));
  // 8 * 248 = 1984 fits, the 9th (2232) does not
  assert.deepEqual(
    kinds.map((k) => k.kind),
    [...new Array<string>(8).fill('pending'), 'dropped'],
  );
  assert.deepEqual(kinds[8], { kind: 'dropped', reason: 'no-room' });
  assert.equal(r2.size, 0);
  assert.equal(r2.add(big[1]!, 0).kind, 'pending', 'the bytes were given back');
});
