// Anti-replay window, RFC 4303 §3.4.3 and Appendix A.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ReplayWindow } from '../../src/ipsec/replay.js';

const TWO32 = 2 ** 32;

function receive(w: ReplayWindow, low: number): boolean {
  const seq = w.check(low);
  if (seq < 0) return false;
  w.accept(seq);
  return true;
}

test('sequence 0 is never accepted without ESN; the first packet is 1', () => {
  const w = new ReplayWindow(64);
  assert.equal(w.check(0), -1);
  assert.equal(receive(w, 1), true);
  assert.equal(receive(w, 1), false);
});

test('window sizes 1..4096 are accepted, others refused', () => {
  for (const size of [1, 32, 64, 1024, 4096]) assert.equal(new ReplayWindow(size).size, size);
  assert.throws(() => new ReplayWindow(0), RangeError);
  assert.throws(() => new ReplayWindow(4097), RangeError);
});

for (const size of [32, 64, 1024]) {
  test(`window ${size}: every reordering within the window is accepted, each packet once`, () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 600 }),
        fc.integer({ min: 1, max: 2 ** 31 }),
        fc.nat(),
        (n, start, seed) => {
          // a permutation in which no packet is displaced by `size` or more positions
          const order = Array.from({ length: n }, (_, i) => start + i);
          let r = seed;
          for (let i = 0; i < n; i++) {
            r = (r * 1103515245 + 12345) >>> 0;
            const j = Math.min(n - 1, i + (r % Math.max(1, Math.floor(size / 2))));
            [order[i], order[j]] = [order[j]!, order[i]!];
          }
          const w = new ReplayWindow(size);
          let highest = 0;
          for (const s of order) {
            const inWindow = s > highest - size;
            assert.equal(receive(w, s), inWindow, `seq ${s} highest ${highest}`);
            highest = Math.max(highest, s);
          }
          for (const s of order) assert.equal(receive(w, s), false, `replay of ${s}`);
        },
      ),
      { numRuns: 60 },
    );
  });

  test(`window ${size}: a packet ${size} or more behind the highest is dropped`, () => {
    fc.assert(
      fc.property(
        fc.integer({ min: size + 1, max: 2 ** 31 }),
        fc.integer({ min: 0, max: 5000 }),
        (top, behind) => {
          const w = new ReplayWindow(size);
          assert.equal(receive(w, top), true);
          const s = top - behind;
          if (s <= 0) return;
          assert.equal(receive(w, s), behind === 0 ? false : behind < size);
        },
      ),
      { numRuns: 200 },
    );
  });
}

test('ESN: the high-order bits are inferred across the 2^32 boundary (Appendix A2)', () => {
  const w = new ReplayWindow(64, true);
  assert.equal(receive(w, 100), true);
  // Case A (window inside subspace 0): a large low value is still subspace 0
  assert.equal(receive(w, 0xfffffff0), true);
  assert.equal(w.highest, 0xfffffff0);
  // low 5 after 0xfffffff0: the window (Case A) says the next subspace
  const seq = w.check(5);
  assert.equal(seq, TWO32 + 5);
  w.accept(seq);
  assert.equal(w.highest, TWO32 + 5);
  // a late 0xfffffffe is still inside the window (Case B: window spans two subspaces)
  assert.equal(w.check(0xfffffffe), 0xfffffffe);
  // below the window of the old subspace: Appendix A2 (Case B) reads it as subspace 1 ahead
  assert.equal(w.check(0xfffff000), TWO32 + 0xfffff000);
  // replay of TWO32 + 5
  assert.equal(w.check(5), -1);
});

test('ESN: a packet far ahead moves into the next subspace only after authentication', () => {
  const w = new ReplayWindow(1024, true);
  for (let s = 1; s <= 2000; s++) assert.equal(receive(w, s), true);
  const guess = w.check(10); // below the window: Case A infers the next subspace
  assert.equal(guess, TWO32 + 10);
  // not accepted (e.g. the ICV failed): the window has not moved
  assert.equal(w.highest, 2000);
  assert.equal(w.check(1999), -1); // already received
  // older than the window: Appendix A2.1 reads it as the next subspace, so only the ICV
  // (computed with the inferred high bits) can reject it
  assert.equal(w.check(900), TWO32 + 900);
});
