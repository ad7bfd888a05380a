// IPv4 fragmentation and the bounded reassembler.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { buildIpv4, parseIpv4 } from '../../src/packet/ipv4.js';
import { fragmentIpv4, Ipv4Reassembler } from '../../src/packet/fragment.js';
import { ipv4FromText } from '../../src/packet/address.js';
import { internetChecksum } from '../../src/packet/checksum.js';

function packet(size: number, id = 7, options?: Uint8Array): Uint8Array {
  return buildIpv4(
    {
      protocol: 17,
      identification: id,
      source: ipv4FromText('192.0.2.1'),
      destination: ipv4FromText('192.0.2.2'),
      ...(options ? { options } : {}),
    },
    Uint8Array.from({ length: size }, (_, i) => (i * 31) & 0xff),
  );
}

test('fragment then reassemble in any order gives the packet back', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 4000 }),
      fc.integer({ min: 68, max: 1500 }),
      fc.nat(),
      (size, mtu, seed) => {
        const p = packet(size);
        const frags = fragmentIpv4(p, mtu);
        for (const f of frags) {
          assert.ok(f.length <= mtu);
          parseIpv4(f, true);
        }
        const order = frags.map((f, i) => ({ f, k: (i * 7919 + seed) % 1009 })).sort((a, b) => a.k - b.k);
        const r = new Ipv4Reassembler({
          maxDatagrams: 4,
          maxFragmentsPerDatagram: 128,
          maxBytes: 1 << 20,
          timeoutSeconds: 30,
        });
        if (frags.length === 1) return;
        let done: Uint8Array | undefined;
        for (const { f } of order) {
          const res = r.add(f, 0);
          if (res.kind === 'complete') done = res.packet;
          else assert.equal(res.kind, 'pending');
        }
        assert.ok(done);
        assert.deepEqual(Buffer.from(done), Buffer.from(p));
        assert.equal(r.size, 0);
      },
    ),
    { numRuns: 150 },
  );
});

test('options with the copy flag go into every fragment, others only into the first', () => {
  // LSRR (131, copied) with one address, then Record Route (7, not copied)
  const options = Uint8Array.from([131, 7, 4, 10, 0, 0, 1, 7, 7, 4, 0, 0, 0, 0, 0, 0]);
  const frags = fragmentIpv4(packet(200, 9, options), 100);
  assert.equal(parseIpv4(frags[0]!).options.length, 16);
  const later = parseIpv4(frags[1]!).options;
  assert.deepEqual([...later], [131, 7, 4, 10, 0, 0, 1, 0]);
});

test('overlapping fragments drop the whole datagram', () => {
  const frags = fragmentIpv4(packet(1000), 300);
  const r = new Ipv4Reassembler();
  assert.equal(r.add(frags[0]!, 0).kind, 'pending');
  const evil = Uint8Array.from(frags[1]!);
  // move fragment 2 back by 8 bytes: it now overlaps fragment 1
  const fo = (((evil[6]! << 8) | evil[7]!) & 0x1fff) - 1;
  evil[6] = (evil[6]! & 0xe0) | (fo >> 8);
  evil[7] = fo & 0xff;
  evil[10] = 0;
  evil[11] = 0;
  const c = internetChecksum(evil.subarray(0, 20));
  evil[10] = c >> 8;
  evil[11] = c & 0xff;
  assert.deepEqual(r.add(evil, 0), { kind: 'dropped', reason: 'overlap' });
  assert.equal(r.size, 0);
});

test('limits: datagrams, fragments, bytes; timeout by the caller clock', () => {
  const r = new Ipv4Reassembler({
    maxDatagrams: 2,
    maxFragmentsPerDatagram: 3,
    maxBytes: 10_000,
    timeoutSeconds: 30,
  });
  assert.equal(r.add(fragmentIpv4(packet(1000, 1), 300)[0]!, 0).kind, 'pending');
  assert.equal(r.add(fragmentIpv4(packet(1000, 2), 300)[0]!, 0).kind, 'pending');
  assert.deepEqual(r.add(fragmentIpv4(packet(1000, 3), 300)[0]!, 0), { kind: 'dropped', reason: 'no-room' });
  assert.equal(r.expire(29), 0);
  assert.equal(r.expire(30), 2);
  const many = fragmentIpv4(packet(1000, 4), 200);
  assert.ok(many.length > 3);
  const kinds = many.map((f) => r.add(f, 40).kind);
  assert.deepEqual(kinds.slice(0, 4), ['pending', 'pending', 'pending', 'dropped']);
});
