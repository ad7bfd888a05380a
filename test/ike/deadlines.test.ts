// The manager's timer heap against a plain map scanned for its minimum, through random sets,
// updates (earlier and later), removals (by delete and by +Infinity) and clears.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DeadlineHeap } from '../../src/ike/deadlines.js';

/** xorshift32: a repeatable sequence without Math.random. */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 0x100000000;
  };
}

describe('DeadlineHeap', () => {
  it('is empty at +Infinity', () => {
    const h = new DeadlineHeap<object>();
    assert.equal(h.peek(), Number.POSITIVE_INFINITY);
    h.set({}, Number.POSITIVE_INFINITY);
    assert.equal(h.size, 0);
  });

  it('peeks the minimum of the live keys after every operation', () => {
    for (const seed of [1, 7, 42, 1234, 99991]) {
      const next = rng(seed);
      const keys = Array.from({ length: 40 }, (_, i) => ({ i }));
      const h = new DeadlineHeap<{ i: number }>();
      const model = new Map<{ i: number }, number>();
      for (let step = 0; step < 3000; step++) {
        const key = keys[Math.floor(next() * keys.length)] ?? { i: -1 };
        const op = next();
        if (op < 0.6) {
          const at = Math.floor(next() * 1000);
          h.set(key, at);
          model.set(key, at);
        } else if (op < 0.8) {
          h.delete(key);
          model.delete(key);
        } else if (op < 0.98) {
          h.set(key, Number.POSITIVE_INFINITY);
          model.delete(key);
        } else {
          h.clear();
          model.clear();
        }
        const min = Math.min(Number.POSITIVE_INFINITY, ...model.values());
        assert.equal(h.peek(), min, `seed ${seed} step ${step}`);
        assert.equal(h.size, model.size);
      }
    }
  });

  it('pops exactly the keys due, earliest first, and keeps the rest', () => {
    const h = new DeadlineHeap<{ i: number }>();
    const keys = [9, 3, 7, 1, 12, 5, 5, 20].map((at, i) => ({ i, at }));
    for (const k of keys) h.set(k, k.at);
    const due = h.popDue(5) as { i: number; at: number }[];
    assert.deepEqual(
      due.map((k) => k.at),
      [1, 3, 5, 5],
    );
    assert.equal(h.size, 4);
    assert.equal(h.peek(), 7);
    assert.deepEqual(h.popDue(0), []);
    h.set(due[0] ?? { i: -1 }, 2);
    assert.equal(h.peek(), 2, 'a popped key can be set again');
  });
});
