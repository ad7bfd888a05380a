// The bounded table of pending datagrams shared by the IPv4 and IPv6 reassemblers.

import { test } from 'node:test';
import assert from 'node:assert/strict';

import { fragmentIpv4, Ipv4Reassembler } from '../../src/packet/fragment.js';
import { ipv4FromText } from '../../src/packet/address.js';
import { buildIpv4 } from '../../src/packet/ipv4.js';
import { type Fragment, ReassemblyTable } from '../../src/packet/reassembly.js';

const LIMITS = { maxDatagrams: 2, maxFragmentsPerDatagram: 4, maxBytes: 100, timeoutSeconds: 30 };

function piece(offset: number, bytes: number[], more: boolean, first?: string): Fragment<string> {
  return { offset, data: Uint8Array.from(bytes), more, maxEnd: 0xffff, first, cost: bytes.length };
}

const EIGHT = [1, 2, 3, 4, 5, 6, 7, 8];

test('pieces in any order join by offset; the first piece supplies `first`', () => {
  const t = new ReassemblyTable<string>(LIMITS, false);
  assert.deepEqual(t.add('a', piece(8, [9, 10], false), 0), { kind: 'pending' });
  const r = t.add('a', piece(0, EIGHT, true, 'hdr'), 0);
  assert.deepEqual(r, { kind: 'complete', first: 'hdr', body: Uint8Array.from([...EIGHT, 9, 10]) });
  assert.equal(t.size, 0);
});

test('an exact duplicate is an overlap unless duplicates are ignored', () => {
  const strict = new ReassemblyTable<string>(LIMITS, false);
  strict.add('a', piece(0, EIGHT, true, 'hdr'), 0);
  assert.deepEqual(strict.add('a', piece(0, EIGHT, true, 'hdr'), 0), { kind: 'dropped', reason: 'overlap' });
  assert.equal(strict.size, 0);

  const lenient = new ReassemblyTable<string>(LIMITS, true);
  lenient.add('a', piece(8, EIGHT, true), 0);
  assert.deepEqual(lenient.add('a', piece(8, EIGHT, true), 0), { kind: 'pending' });
  // same place, other M flag: not a duplicate
  assert.deepEqual(lenient.add('a', piece(8, EIGHT, false), 0), { kind: 'dropped', reason: 'overlap' });
  lenient.add('a', piece(8, EIGHT, true), 0);
  // same place, other bytes: not a duplicate
  assert.deepEqual(lenient.add('a', piece(8, [...EIGHT].reverse(), true), 0), {
    kind: 'dropped',
    reason: 'overlap',
  });
});

test('bytes held count over all datagrams and are given back when one is dropped or done', () => {
  const t = new ReassemblyTable<string>(LIMITS, false);
  // costs 60 + 50 > maxBytes 100
  assert.deepEqual(t.add('a', { ...piece(0, EIGHT, true, 'hdr'), cost: 60 }, 0), { kind: 'pending' });
  assert.deepEqual(t.add('b', { ...piece(0, EIGHT, true, 'hdr'), cost: 50 }, 0), {
    kind: 'dropped',
    reason: 'no-room',
  });
  assert.equal(t.size, 1, 'the refused datagram is not kept');
  assert.equal(t.add('a', piece(8, [1], false), 0).kind, 'complete');
  assert.deepEqual(t.add('b', { ...piece(0, EIGHT, true, 'hdr'), cost: 50 }, 0), { kind: 'pending' });
});

test('too-large and malformed drop the datagram already held', () => {
  const t = new ReassemblyTable<string>(LIMITS, false);
  t.add('a', piece(0, EIGHT, true, 'hdr'), 0);
  // end 16 against maxEnd 15
  assert.deepEqual(t.add('a', { ...piece(8, EIGHT, false), maxEnd: 15 }, 0), {
    kind: 'dropped',
    reason: 'too-large',
  });
  assert.equal(t.size, 0);
  t.add('a', piece(0, EIGHT, true, 'hdr'), 0);
  assert.deepEqual(t.add('a', { ...piece(8, EIGHT, false), malformed: true }, 0), {
    kind: 'dropped',
    reason: 'malformed',
  });
  assert.equal(t.size, 0);
  // RFC 791: a non-final fragment carries a multiple of 8 octets
  assert.deepEqual(t.add('a', piece(0, [1, 2, 3], true, 'hdr'), 0), { kind: 'dropped', reason: 'malformed' });
});

test('IPv4: an exact duplicate fragment drops the datagram as an overlap', () => {
  const p = buildIpv4(
    {
      protocol: 17,
      source: ipv4FromText('192.0.2.1'),
      destination: ipv4FromText('192.0.2.2'),
      identification: 3,
    },
    new Uint8Array(600),
  );
  const frags = fragmentIpv4(p, 300);
  const r = new Ipv4Reassembler();
  assert.equal(r.add(frags[0]!, 0).kind, 'pending');
  assert.deepEqual(r.add(frags[0]!, 0), { kind: 'dropped', reason: 'overlap' });
  assert.equal(r.size, 0);
});
