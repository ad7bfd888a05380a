// Seeded, bounded fuzzing of every message a peer sends in a recorded negotiation (main mode
// and aggressive mode, each with quick mode, both roles): one message of the third peer C is
// replaced in flight by a truncated, extended, bit-flipped or random-byte version. The
// victim V, which has SAs with the honest peer H, must not let anything escape, must keep
// the honest SAs (and negotiate a new quick mode with H), must keep its IKE SA table small,
// and any SA both C and V install must have the same keys on both sides.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  assertConsistent,
  assertHonestIntact,
  ATTACKER,
  A_WAN,
  B_WAN,
  C_WAN,
  internalErrors,
  mirrorSel,
  SELECTOR_A,
  SELECTOR_C,
  world,
  type Datagram,
  type Sent,
} from './adversary.js';
import { fixLength } from './adversaryCraft.js';

type Mutation =
  | { kind: 'truncate'; at: number; fix: boolean }
  | { kind: 'extend'; extra: Uint8Array; fix: boolean }
  | { kind: 'flip'; bits: { at: number; bit: number }[] }
  | { kind: 'random'; bytes: Uint8Array }
  | { kind: 'randomBody'; seed: Uint8Array };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat(), fix: fc.boolean() }),
  fc.record({
    kind: fc.constant('extend' as const),
    extra: fc.uint8Array({ minLength: 1, maxLength: 64 }),
    fix: fc.boolean(),
  }),
  fc.record({
    kind: fc.constant('flip' as const),
    bits: fc.array(fc.record({ at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }), {
      minLength: 1,
      maxLength: 4,
    }),
  }),
  fc.record({ kind: fc.constant('random' as const), bytes: fc.uint8Array({ maxLength: 400 }) }),
  fc.record({
    kind: fc.constant('randomBody' as const),
    seed: fc.uint8Array({ minLength: 1, maxLength: 32 }),
  }),
);

function apply(m: Mutation, d: Uint8Array): Uint8Array {
  switch (m.kind) {
    case 'truncate': {
      const t = d.slice(0, m.at % d.length);
      return m.fix && t.length >= 28 ? fixLength(t) : t;
    }
    case 'extend': {
      const e = Uint8Array.from([...d, ...m.extra]);
      return m.fix ? fixLength(e) : e;
    }
    case 'flip': {
      const o = d.slice();
      for (const b of m.bits) {
        const i = b.at % o.length;
        o[i] = (o[i] ?? 0) ^ (1 << b.bit);
      }
      return o;
    }
    case 'random':
      return m.bytes;
    case 'randomBody': {
      const o = d.slice();
      for (let i = 28; i < o.length; i++) o[i] = (m.seed[i % m.seed.length] ?? 0) ^ (i * 131);
      return o;
    }
  }
}

interface Scenario {
  name: string;
  aggressive: boolean;
  cInitiates: boolean;
  /** Distinct datagrams C sends in a clean negotiation (phase 1 + quick mode). */
  messages: number;
}

/** How the mutated copy travels: instead of the original, or just before it (a race). */
type Delivery = 'replace' | 'race-same-source' | 'race-attacker';
const delivery: fc.Arbitrary<Delivery> = fc.constantFrom('replace', 'race-same-source', 'race-attacker');

function deliver(how: Delivery, d: Sent, mutated: Uint8Array): Datagram[] {
  if (how === 'replace') return [{ ...d, data: mutated }];
  const copy =
    how === 'race-attacker' ? { ...d, srcAddress: ATTACKER, data: mutated } : { ...d, data: mutated };
  return [copy, d];
}

const SCENARIOS: Scenario[] = [
  { name: 'main mode, V responder', aggressive: false, cInitiates: true, messages: 5 },
  { name: 'main mode, V initiator', aggressive: false, cInitiates: false, messages: 4 },
  { name: 'aggressive mode, V responder', aggressive: true, cInitiates: true, messages: 4 },
  { name: 'aggressive mode, V initiator', aggressive: true, cInitiates: false, messages: 2 },
];

function runOne(s: Scenario, k: number, m: Mutation, how: Delivery = 'replace'): void {
  const w = world({ withThird: true, aggressive: s.aggressive });
  const c = w.c;
  assert.ok(c);
  const seen: Uint8Array[] = [];
  let hit = false;
  w.net.tamper = (d: Sent): Datagram[] => {
    if (hit || d.from !== 'C' || d.dstAddress !== B_WAN) return [d];
    if (seen.some((x) => Buffer.compare(Buffer.from(x), Buffer.from(d.data)) === 0)) return [d];
    seen.push(d.data);
    if (seen.length !== k + 1) return [d];
    hit = true;
    return deliver(how, d, apply(m, d.data));
  };
  if (s.cInitiates) w.net.acquire(C_WAN, SELECTOR_C);
  else w.net.acquire(B_WAN, mirrorSel(SELECTOR_C), C_WAN);
  w.net.run(w.net.now + 400);
  assert.ok(hit, `message ${k} was mutated`);
  assert.deepEqual(w.net.escaped, []);
  assert.deepEqual(internalErrors(w.v), []);
  assert.deepEqual(internalErrors(c), []);
  assert.ok(w.v.engine.listIkeSas().length <= 2, 'V: the honest SA and at most one with C');
  assertConsistent(w.v, c);
  assertConsistent(c, w.v);
  w.net.tamper = undefined;
  assertHonestIntact(w, 2);
}

for (const [i, s] of SCENARIOS.entries()) {
  test(`fuzzed messages of a recorded negotiation: ${s.name}`, () => {
    // The clean negotiation sends the expected number of distinct messages.
    runOne(s, s.messages - 1, { kind: 'extend', extra: new Uint8Array(0), fix: false });
    fc.assert(
      fc.property(fc.integer({ min: 0, max: s.messages - 1 }), mutation, delivery, (k, m, how) =>
        runOne(s, k, m, how),
      ),
      { seed: 0x1ce5 + i, numRuns: s.messages * 15 },
    );
  });
}

// Quick mode with the honest peer itself: one of H's quick-mode messages is mutated. The
// quick mode may fail, but never with different keys on the two sides, and the IKE SA and
// the older IPsec SAs survive; a new quick mode works afterwards.
for (const by of ['H', 'V'] as const) {
  test(`fuzzed quick-mode messages of the honest peer (${by} initiates)`, () => {
    const messages = by === 'H' ? 2 : 1;
    let n = 0;
    fc.assert(
      fc.property(fc.integer({ min: 0, max: messages - 1 }), mutation, delivery, (k, m, how) => {
        const w = world();
        let seen = 0;
        let hit = false;
        w.net.tamper = (d: Sent): Datagram[] => {
          if (hit || d.from !== 'H' || (d.data[18] ?? 0) !== 32) return [d];
          if (seen++ !== k) return [d];
          hit = true;
          return deliver(how, d, apply(m, d.data));
        };
        n++;
        const sel = {
          ...SELECTOR_A,
          localStart: '10.1.1.99',
          localEnd: '10.1.1.99',
          remoteStart: '10.1.2.99',
          remoteEnd: '10.1.2.99',
        };
        if (by === 'H') w.net.acquire(A_WAN, sel);
        else w.net.acquire(B_WAN, mirrorSel(sel), A_WAN);
        w.net.run(w.net.now + 400);
        assert.ok(hit);
        assert.deepEqual(w.net.escaped, []);
        assert.deepEqual(internalErrors(w.v), []);
        assert.deepEqual(internalErrors(w.h), []);
        assertConsistent(w.v, w.h);
        assertConsistent(w.h, w.v);
        w.net.tamper = undefined;
        assertHonestIntact(w, 1);
      }),
      { seed: by === 'H' ? 0x9e1 : 0x9e2, numRuns: 40 },
    );
    assert.equal(n, 40);
  });
}
