// Quick-mode attacks against a victim with an established IKE SA with an honest peer:
// corrupted HASH(1)/HASH(2)/HASH(3) (CBC bit flips, no keys needed), ciphertext lengths that
// are not a multiple of the block size, an extra block after the padding, mismatched message
// IDs and cookies, replayed QM1, QM before phase 1 completes, spoofed informationals that
// reuse an in-flight quick mode's message ID, and a flood of garbage QM1s.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ExchangeType } from '../../src/ike/constants.js';
import {
  A_WAN,
  assertConsistent,
  assertHonestIntact,
  ATTACKER,
  B_WAN,
  C_WAN,
  eventsOf,
  holdFirst,
  mirrorSel,
  SELECTOR_A,
  SELECTOR_C,
  tamperFirst,
  world,
  type Sent,
  type World,
} from './adversary.js';
import {
  exchangeOf,
  fixLength,
  flipBody,
  forge,
  fromHex,
  INFO,
  messageIdOf,
  setMessageId,
} from './adversaryCraft.js';
import type { TrafficSelector } from '../../src/policy/model.js';

const QM = ExchangeType.QUICK;

function hostSel(n: number): TrafficSelector {
  return {
    ...SELECTOR_A,
    localStart: `10.1.1.${n}`,
    localEnd: `10.1.1.${n}`,
    remoteStart: `10.1.2.${n}`,
    remoteEnd: `10.1.2.${n}`,
  };
}

/** The k-th (0-based) quick-mode datagram `from` sends from now on. */
function nthQm(w: World, from: string, k: number): (s: Sent) => boolean {
  const start = w.net.log.length;
  return (s) =>
    s.from === from &&
    exchangeOf(s.data) === QM &&
    w.net.log.filter((x, i) => i >= start && x.from === from && exchangeOf(x.data) === QM).indexOf(s) === k;
}

/** Starts a quick mode for host pair n, initiated by H or by V. */
function startQm(w: World, n: number, by: 'H' | 'V'): void {
  if (by === 'H') w.net.acquire(A_WAN, hostSel(n));
  else w.net.acquire(B_WAN, mirrorSel(hostSel(n)), A_WAN);
}

function assertNewPair(w: World, vBefore: number, hBefore: number): void {
  assert.equal(w.v.installed.length, vBefore + 1, 'V installed the quick mode');
  assert.equal(w.h.installed.length, hBefore + 1, 'H installed the quick mode');
  assertConsistent(w.v, w.h);
  assertConsistent(w.h, w.v);
}

const cases: {
  name: string;
  by: 'H' | 'V';
  from: 'H';
  k: number;
  mutate: (d: Uint8Array) => Uint8Array;
  reason: RegExp;
}[] = [
  // 3DES: HASH(1) body is plaintext bytes 4..23; flipping ciphertext byte 8 garbles block 1
  // (hash bytes 4..11) and flips a bit of byte 16, leaving the payload headers intact.
  {
    name: 'wrong HASH(1) in QM1',
    by: 'H',
    from: 'H',
    k: 0,
    mutate: (d) => flipBody(d, 8, 0x80),
    reason: /quick mode/,
  },
  {
    name: 'wrong HASH(2) in QM2',
    by: 'V',
    from: 'H',
    k: 0,
    mutate: (d) => flipBody(d, 8, 0x80),
    reason: /quick mode/,
  },
  {
    name: 'wrong HASH(3) in QM3',
    by: 'H',
    from: 'H',
    k: 1,
    mutate: (d) => flipBody(d, 12, 0x04),
    reason: /quick mode/,
  },
  {
    name: 'QM1 ciphertext not a multiple of the block size',
    by: 'H',
    from: 'H',
    k: 0,
    mutate: (d) => fixLength(d.slice(0, d.length - 3)),
    reason: /ciphertext length/,
  },
  {
    name: 'QM2 ciphertext not a multiple of the block size',
    by: 'V',
    from: 'H',
    k: 0,
    mutate: (d) => fixLength(Uint8Array.from([...d, 1, 2, 3, 4, 5])),
    reason: /ciphertext length/,
  },
  {
    name: 'QM2 with a mismatched message ID',
    by: 'V',
    from: 'H',
    k: 0,
    mutate: (d) => setMessageId(d, (messageIdOf(d) ^ 0x5a5a) >>> 0),
    reason: /quick mode/,
  },
  {
    name: 'QM2 with a mismatched responder cookie',
    by: 'V',
    from: 'H',
    k: 0,
    mutate: (d) => {
      const o = d.slice();
      o[15] = (o[15] ?? 0) ^ 0xff;
      return o;
    },
    reason: /responder cookie mismatch/,
  },
  {
    name: 'QM1 with a mismatched initiator cookie',
    by: 'H',
    from: 'H',
    k: 0,
    mutate: (d) => {
      const o = d.slice();
      o[0] = (o[0] ?? 0) ^ 0xff;
      return o;
    },
    reason: /no IKE SA/,
  },
];

for (const c of cases) {
  test(`${c.name}: dropped and counted, the quick mode completes on retransmission`, () => {
    const w = world();
    const vBefore = w.v.installed.length;
    const hBefore = w.h.installed.length;
    const t = tamperFirst(w.net, nthQm(w, c.from, c.k), (s) => [{ ...s, data: c.mutate(s.data) }]);
    const drops = w.v.engine.counters.drops;
    startQm(w, 50, c.by);
    w.net.run(w.net.now + 60);
    assert.ok(t.hit(), 'the message was tampered with');
    assert.ok(w.v.engine.counters.drops > drops, 'a counted drop');
    assert.ok(
      eventsOf(w.v, 'drop').some((d) => c.reason.test(d.reason)),
      `drop reason ${c.reason}`,
    );
    assert.equal(eventsOf(w.v, 'notifySent').length, 0, 'unverifiable input gets no notify');
    assertNewPair(w, vBefore, hBefore);
    w.net.tamper = undefined;
    assertHonestIntact(w);
  });
}

test('an extra ciphertext block after the padding does not lead to mismatched SAs', () => {
  for (const by of ['H', 'V'] as const) {
    const w = world();
    const t = tamperFirst(w.net, nthQm(w, 'H', 0), (s) => [
      { ...s, data: fixLength(Uint8Array.from([...s.data, 9, 8, 7, 6, 5, 4, 3, 2])) },
    ]);
    startQm(w, 60, by);
    w.net.run(w.net.now + 300);
    assert.ok(t.hit());
    assertConsistent(w.v, w.h);
    assertConsistent(w.h, w.v);
    w.net.tamper = undefined;
    assertHonestIntact(w);
  }
});

test('replayed QM1: answered from the cache while in flight; after QM3 and after the purge dropped, never installed twice', () => {
  // A short retransmission budget on V, so that the finished quick mode is purged soon.
  const w = world({ victim: { retransmit: { initial: 1, factor: 2, maxRetries: 3 } } });
  const vBefore = w.v.installed.length;
  const start = w.net.log.length;
  // Hold QM3 so that V still waits for it, then replay QM1: V re-sends its stored QM2.
  const held = holdFirst(w.net, nthQm(w, 'H', 1));
  startQm(w, 70, 'H');
  w.net.run(w.net.now + 0.5);
  assert.ok(held.hit());
  const qm1 = w.net.log.slice(start).find((s) => s.from === 'H' && exchangeOf(s.data) === QM);
  assert.ok(qm1);
  const dup = w.v.engine.counters.duplicates;
  const sentBefore = w.net.log.length;
  w.net.inject({ ...qm1 });
  assert.equal(w.v.engine.counters.duplicates, dup + 1, 'a replay while in flight is a counted duplicate');
  const resent = w.net.log.slice(sentBefore).filter((s) => s.from === 'V');
  assert.equal(resent.length, 1, 'V answers with its stored QM2');
  assert.deepEqual(
    resent[0]?.data,
    w.net.log.slice(start).find((s) => s.from === 'V' && exchangeOf(s.data) === QM)?.data,
  );
  w.net.hold = undefined;
  w.net.release();
  w.net.run(w.net.now + 10);
  assert.equal(w.v.installed.length, vBefore + 1);
  // After QM3: processed again it would install a second pair.
  const drops = w.v.engine.counters.drops;
  w.net.inject({ ...qm1 });
  assert.equal(w.v.engine.counters.drops, drops + 1, 'a replay after QM3 is a counted drop');
  w.net.run(w.net.now + 100); // past the quick-mode purge
  const replays = w.v.engine.counters.replayedQm1;
  w.net.inject({ ...qm1 });
  assert.equal(w.v.engine.counters.replayedQm1, replays + 1, 'a late replay is recognized');
  const drops2 = w.v.engine.counters.drops;
  w.net.inject({ ...qm1, srcAddress: ATTACKER });
  assert.equal(w.v.engine.counters.drops, drops2 + 1, 'from another address: dropped');
  w.net.run(w.net.now + 10);
  assert.equal(w.v.installed.length, vBefore + 1, 'no second install');
  assertHonestIntact(w);
});

test('quick mode before phase 1 completes is dropped and the negotiation still completes', () => {
  const w = world({ withThird: true });
  const c = w.c;
  assert.ok(c);
  // Hold C's MM5 so that V sits in MM_KEY_EXCH, then send a QM with C's cookies.
  const held = holdFirst(w.net, (s) =>
    s.from === 'C' && exchangeOf(s.data) === ExchangeType.ID_PROT && (s.data[19] ?? 0) & 1 ? true : false,
  );
  w.net.acquire(C_WAN, SELECTOR_C);
  w.net.run(w.net.now + 1);
  assert.ok(held.hit(), 'MM5 held');
  const sa = w.v.engine.listIkeSas().find((s) => s.dst === C_WAN);
  assert.ok(sa && sa.state !== 'QM_IDLE');
  const drops = w.v.engine.counters.drops;
  for (const src of [C_WAN, ATTACKER])
    w.net.inject({
      srcAddress: src,
      srcPort: 500,
      dstAddress: B_WAN,
      dstPort: 500,
      data: forge(
        {
          ckyI: fromHex(sa.initiatorCookie),
          ckyR: fromHex(sa.responderCookie),
          exchange: QM,
          messageId: 0x77,
          encrypted: true,
        },
        new Uint8Array(48).fill(0x33),
      ),
    });
  assert.equal(w.v.engine.counters.drops, drops + 2);
  w.net.hold = undefined;
  w.net.release();
  w.net.run(w.net.now + 10);
  assert.equal(c.installed.length, 1, 'C still negotiated its SAs');
  assertConsistent(w.v, c);
  assertHonestIntact(w, 4);
});

for (const by of ['H', 'V'] as const) {
  test(`a spoofed encrypted informational reusing an in-flight quick mode's message ID does not break it (${by} initiates)`, () => {
    const w = world();
    const vBefore = w.v.installed.length;
    const hBefore = w.h.installed.length;
    // Hold the honest peer's next message of the quick mode (QM2 when V initiates, QM3 when H does).
    const held = holdFirst(w.net, nthQm(w, 'H', by === 'V' ? 0 : 1));
    startQm(w, 80, by);
    w.net.run(w.net.now + 0.5);
    assert.ok(held.hit(), 'honest message held');
    const mid = messageIdOf(
      w.net.log.filter((s) => s.from === 'H' && exchangeOf(s.data) === QM).pop()?.data ?? new Uint8Array(28),
    );
    const drops = w.v.engine.counters.drops;
    w.net.inject({
      srcAddress: A_WAN,
      srcPort: 500,
      dstAddress: B_WAN,
      dstPort: 500,
      data: forge(
        {
          ckyI: fromHex(w.honestCookies.i),
          ckyR: fromHex(w.honestCookies.r),
          exchange: INFO,
          messageId: mid,
          encrypted: true,
        },
        new Uint8Array(32).fill(0x5c),
      ),
    });
    assert.equal(w.v.engine.counters.drops, drops + 1, 'the forgery is a counted drop');
    w.net.hold = undefined;
    w.net.release();
    w.net.run(w.net.now + 200);
    assertNewPair(w, vBefore, hBefore);
    assertHonestIntact(w);
  });
}

test('a flood of garbage QM1s from the honest address leaves no quick-mode state behind', () => {
  const w = world();
  const drops = w.v.engine.counters.drops;
  for (let i = 0; i < 500; i++)
    w.net.inject({
      srcAddress: A_WAN,
      srcPort: 500,
      dstAddress: B_WAN,
      dstPort: 500,
      data: forge(
        {
          ckyI: fromHex(w.honestCookies.i),
          ckyR: fromHex(w.honestCookies.r),
          exchange: QM,
          messageId: 0x1000 + i,
          encrypted: true,
        },
        new Uint8Array(8 * (1 + (i % 20))).fill(i & 255),
      ),
    });
  assert.equal(w.v.engine.counters.drops, drops + 500);
  assert.equal(w.v.engine.nextDeadline(), w.v.engine.nextDeadline());
  // The node table is bounded (MAX_NODES_PER_SA): new quick modes still start in both directions.
  assertHonestIntact(w);
  assertHonestIntact(w);
  void SELECTOR_C;
});
