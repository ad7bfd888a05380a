// The acquire queue: one IKE request per rule while it is pending, a bounded hold, drops
// counted per rule, a timeout after which traffic asks again, release when SAs come up.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AcquireQueue } from '../../src/gateway/acquireQueue.js';

const packet = (n: number): Uint8Array => Uint8Array.of(n);

test('holds up to the limit, asks IKE once, counts the rest as drops', () => {
  const q = new AcquireQueue(2, 30);
  assert.deepEqual(q.offer(0, packet(1), 0), { ask: true, held: true });
  assert.deepEqual(q.offer(0, packet(2), 1), { ask: false, held: true });
  assert.deepEqual(q.offer(0, packet(3), 2), { ask: false, held: false });
  assert.deepEqual(q.offer(1, packet(4), 2), { ask: true, held: true }, 'another rule has its own acquire');
  assert.equal(q.drops.get(0), 1);
  const released = q.release((rule) => rule === 0);
  assert.deepEqual(released, [{ ruleIndex: 0, packets: [packet(1), packet(2)] }]);
  assert.deepEqual(
    q.offer(0, packet(5), 3),
    { ask: true, held: true },
    'released: the next packet asks again',
  );
});

test('limit 0 is IOS: the triggering packet is dropped; a stale acquire is retried after the timeout', () => {
  const q = new AcquireQueue(0, 30);
  assert.deepEqual(q.offer(0, packet(1), 0), { ask: true, held: false });
  assert.deepEqual(q.offer(0, packet(2), 29), { ask: false, held: false });
  assert.deepEqual(q.offer(0, packet(3), 31), { ask: true, held: false });
  assert.equal(q.drops.get(0), 3);
  q.clear();
  assert.equal(q.drops.size, 0);
});
