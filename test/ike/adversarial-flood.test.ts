// A flood of first messages (MM1 and AM1) from 10 000 spoofed source addresses and ports:
// half-open IKE SAs stay bounded in number and in age (issue 3, STYLE.md §8), the honest peer
// keeps its SAs and negotiates new quick modes during the flood, and a new phase 1 works once
// the flood's half-open entries have aged out.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ExchangeType } from '../../src/ike/constants.js';
import {
  assertConsistent,
  assertHonestIntact,
  ATTACKER,
  B_WAN,
  C_WAN,
  eventsOf,
  halfOpen,
  recordedMm1,
  SELECTOR_C,
  world,
} from './adversary.js';
import { rewrite } from './adversaryCraft.js';

function floodSource(i: number): { address: string; port: number } {
  return { address: `198.18.${(i >> 8) & 255}.${i & 255}`, port: 1024 + ((i * 7919) % 60000) };
}

function cookie(i: number): Uint8Array {
  return Uint8Array.of(0xf1, 0x00, (i >>> 24) & 255, (i >>> 16) & 255, (i >>> 8) & 255, i & 255, 0x5a, 0xa5);
}

for (const variant of [
  { name: 'default limits', halfOpen: undefined, max: 256 },
  { name: 'configured limits (64 half-open, 30 s)', halfOpen: { max: 64, maxAge: 30 }, max: 64 },
]) {
  test(`MM1/AM1 flood from 10 000 sources (${variant.name}): half-open state bounded, honest peer served`, () => {
    const mm1 = recordedMm1();
    const am1 = (() => {
      const o = mm1.slice();
      o[18] = ExchangeType.AGGRESSIVE;
      return o;
    })();
    const w = world({
      withThird: true,
      ...(variant.halfOpen ? { victim: { halfOpen: variant.halfOpen } } : {}),
    });
    const started = Date.now();
    const drops = w.v.engine.counters.drops;
    let peak = 0;
    const N = 10000;
    for (let i = 0; i < N; i++) {
      const src = floodSource(i);
      const data = rewrite(i % 10 === 9 ? am1 : mm1, (p) => [...p], { ckyI: cookie(i) });
      w.net.inject({ srcAddress: src.address, srcPort: src.port, dstAddress: B_WAN, dstPort: 500, data });
      if (i % 500 === 0) {
        w.net.run(w.net.now + 0.5);
        peak = Math.max(peak, halfOpen(w.v));
      }
    }
    peak = Math.max(peak, halfOpen(w.v));
    const elapsed = Date.now() - started;
    assert.ok(peak <= variant.max, `half-open peak ${peak} ≤ ${variant.max}`);
    assert.ok(w.v.engine.listIkeSas().length <= variant.max + 1, 'IKE SA table bounded');
    assert.ok(w.v.engine.counters.drops - drops >= N - peak - 1000, 'the rest are counted drops');
    assert.ok(
      eventsOf(w.v, 'drop').some((d) => /half-open/.test(d.reason)),
      'drops name the half-open limit',
    );
    assert.ok(elapsed < 15000, `flood handled in ${elapsed} ms`);
    // During the flood: the honest peer keeps its SAs and negotiates a new quick mode.
    assertHonestIntact(w, variant.max + 1);
    // Bounded in age: the flood's entries are gone after the half-open lifetime.
    w.net.run(w.net.now + (variant.halfOpen?.maxAge ?? 300) + 60);
    assert.equal(halfOpen(w.v), 0, 'half-open entries aged out');
    assert.equal(w.v.engine.listIkeSas().length, 1, 'only the honest IKE SA left');
    // A new phase 1 (another peer) succeeds afterwards.
    const c = w.c;
    assert.ok(c);
    w.net.acquire(C_WAN, SELECTOR_C);
    w.net.run(w.net.now + 20);
    assert.equal(c.installed.length, 1, 'new peer negotiated after the flood');
    assertConsistent(w.v, c);
    assertHonestIntact(w, 2);
  });
}

test('a flood from one unspoofed source cannot fill the half-open table for everyone', () => {
  const mm1 = recordedMm1();
  const w = world({ withThird: true });
  for (let i = 0; i < 2000; i++) {
    const data = rewrite(mm1, (p) => [...p], {
      ckyI: Uint8Array.of(0xf2, 0, 0, 0, (i >> 8) & 255, i & 255, 1, 1),
    });
    w.net.inject({ srcAddress: ATTACKER, srcPort: 500, dstAddress: B_WAN, dstPort: 500, data });
  }
  const fromAttacker = w.v.engine.listIkeSas().filter((s) => s.dst === ATTACKER).length;
  assert.ok(fromAttacker < 64, `one source holds ${fromAttacker} half-open SAs`);
  // The source's oldest half-open SAs make room for its newest (bounded memory, no lock-out).
  assert.ok(
    eventsOf(w.v, 'ikeSaDeleted').some(
      (d) => d.peer === ATTACKER && /replaced by a newer message 1/.test(d.reason),
    ),
  );
  // A new peer still negotiates during the flood.
  const c = w.c;
  assert.ok(c);
  w.net.acquire(C_WAN, SELECTOR_C);
  w.net.run(w.net.now + 20);
  assert.equal(c.installed.length, 1, 'a new peer negotiates during a single-source flood');
  assertConsistent(w.v, c);
  assertHonestIntact(w, 64);
});
