// Peer input never crashes the IKEv2 engine: every message of a negotiation, with any byte
// changed, truncated or from the wrong direction, is processed or dropped without a throw,
// and the engine still negotiates afterwards.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Pair, peer, R1, R2 } from './pair.js';

function recorded(): { from: 'r1' | 'r2'; data: Uint8Array }[] {
  const pair = new Pair(peer(R1, R2), peer(R2, R1));
  const seen: { from: 'r1' | 'r2'; data: Uint8Array }[] = [];
  pair.lose = (from, data) => {
    seen.push({ from, data: data.slice() });
    return false;
  };
  pair.run('r1', pair.r1.engine.initiate(R2, 0));
  pair.run('r1', pair.r1.engine.deleteSas(1));
  return seen;
}

test('mutated, truncated and misdirected messages never throw', () => {
  const messages = recorded();
  assert.ok(messages.length >= 6);
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: messages.length - 1 }),
      fc.nat(),
      fc.integer({ min: 0, max: 255 }),
      fc.boolean(),
      fc.boolean(),
      (which, where, value, truncate, misdirect) => {
        const pair = new Pair(peer(R1, R2), peer(R2, R1));
        // Bring both sides to the state the message meets, then deliver the bad copy.
        const m = messages[which];
        if (!m) return;
        for (const earlier of messages.slice(0, which)) {
          const to = earlier.from === 'r1' ? pair.r2 : pair.r1;
          to.engine.receive(
            {
              srcAddress: earlier.from === 'r1' ? R1 : R2,
              srcPort: 500,
              dstAddress: earlier.from === 'r1' ? R2 : R1,
              dstPort: 500,
              data: earlier.data,
            },
            0,
          );
        }
        const bad = m.data.slice(0, truncate ? where % m.data.length : m.data.length);
        if (!truncate && bad.length > 0) bad[where % bad.length] = value;
        const toR2 = (m.from === 'r1') !== misdirect;
        const target = toR2 ? pair.r2 : pair.r1;
        target.engine.receive(
          { srcAddress: toR2 ? R1 : R2, srcPort: 500, dstAddress: toR2 ? R2 : R1, dstPort: 500, data: bad },
          0,
        );
        target.engine.tick(100);
      },
    ),
    { numRuns: 400, seed: 1742 },
  );
});

test('after a flood of garbage the engines still negotiate', () => {
  const pair = new Pair(peer(R1, R2), peer(R2, R1));
  for (let i = 0; i < 200; i++) {
    const junk = new Uint8Array(28 + (i % 60)).fill(i);
    junk[17] = 0x20;
    pair.r2.engine.receive({ srcAddress: R1, srcPort: 500, dstAddress: R2, dstPort: 500, data: junk }, 0);
  }
  pair.run('r1', pair.r1.engine.initiate(R2, 0));
  assert.equal(pair.r1.installed.length, 1);
  assert.equal(pair.r2.installed.length, 1);
});
