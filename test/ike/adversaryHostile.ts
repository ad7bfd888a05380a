// An authenticated but hostile peer: helpers shared by adversarial-authenticated.test.ts and
// adversarial-failing.ts (phase 1 of C with V, then a QM1 rewritten with a valid HASH(1)).

import assert from 'node:assert/strict';
import { idPayloadFromData, type Payload, type SaPayload, type Transform } from '../../src/wire/index.js';
import { raw } from './adversaryCraft.js';
import { ExchangeType, PayloadType } from '../../src/ike/constants.js';
import {
  assertConsistent,
  assertHonestIntact,
  B_WAN,
  C_WAN,
  eventsOf,
  mirrorSel,
  hostilePlaintext,
  internalErrors,
  SELECTOR_C,
  world,
  type World,
} from './adversary.js';
import { exchangeOf } from './adversaryCraft.js';

export const ID = PayloadType.ID;

export function ipv4(a: string): Uint8Array {
  return Uint8Array.from(a.split('.').map(Number));
}

/** An ID payload; data that does not fit the ID type is put on the wire as given. */
export function id(idType: number, data: Uint8Array, protocol = 0, port = 0): Payload {
  try {
    return idPayloadFromData(idType, protocol, port, data);
  } catch {
    return raw(ID, Uint8Array.from([idType, protocol, port >>> 8, port & 0xff, ...data]));
  }
}

export function withSa(ps: readonly Payload[], f: (sa: SaPayload) => SaPayload): Payload[] {
  return ps.map((p) => (p.type === PayloadType.SA ? f(p) : p));
}

export function replaceIds(ps: readonly Payload[], ids: Payload[]): Payload[] {
  return [...ps.filter((p) => p.type !== ID && !(p.type === 'unknown' && p.payloadType === ID)), ...ids];
}

export function firstTransform(sa: SaPayload): Transform {
  const t = sa.proposals[0]?.transforms[0];
  assert.ok(t);
  return t;
}

export interface Case {
  name: string;
  f: (ps: readonly Payload[]) => Payload[];
  /** V's one reaction: the notify name RFC 2408 §5 names, 'QM2'/'QM3' (a legitimate answer) or 'drop'. */
  expect: string;
}

/**
 * Passes only on the one expected reaction: exactly that notify (drops of the peer's later
 * retransmissions may follow it), an answer without any notify, or a drop without a notify.
 */
export function assertReaction(name: string, reaction: readonly string[], expect: string): void {
  const answers = new Set(['QM2', 'QM3', 'MM2']);
  const notifies = reaction.filter((r) => r !== 'drop' && !answers.has(r));
  const answered = reaction.some((r) => answers.has(r));
  const got = `[${reaction.join(', ')}]`;
  if (answers.has(expect))
    assert.ok(answered && notifies.length === 0, `${name}: expected ${expect}, got ${got}`);
  else if (expect === 'drop')
    assert.ok(
      !answered && notifies.length === 0 && reaction.includes('drop'),
      `${name}: expected drop, got ${got}`,
    );
  else assert.ok(!answered && notifies.join() === expect, `${name}: expected ${expect}, got ${got}`);
}

function reactionOf(w: World, logFrom: number, eventsFrom: number, role: 'qm1' | 'qm2'): string[] {
  const fresh = w.v.events.slice(eventsFrom);
  const out = fresh.flatMap((e) => (e.type === 'notifySent' ? [e.notify] : []));
  if (fresh.some((e) => e.type === 'drop')) out.push('drop');
  const quick = new Set(
    w.net.log
      .slice(logFrom)
      .filter((s) => s.from === 'V' && s.dstAddress === C_WAN && exchangeOf(s.data) === ExchangeType.QUICK)
      .map((s) => Buffer.from(s.data).toString('hex')),
  );
  // V answered the rewritten message: QM2 to a QM1, or QM3 after its own QM1.
  if (quick.size >= (role === 'qm1' ? 1 : 2)) out.push(role === 'qm1' ? 'QM2' : 'QM3');
  return out;
}

/**
 * Phase 1 of C and V, then one quick mode in which C rewrites its QM1 (C initiates, `qm1`)
 * or its QM2 (V initiates, `qm2`), with a valid HASH.
 */
export function hostileQuickMode(c: Case, role: 'qm1' | 'qm2' = 'qm1'): void {
  const w = world({ withThird: true });
  const host = w.c;
  assert.ok(host);
  let hits = 0;
  const restore = hostilePlaintext(C_WAN, (kind, ps) => {
    if (kind !== role || hits > 0) return undefined;
    hits++;
    return c.f(ps);
  });
  try {
    const logFrom = w.net.log.length;
    const eventsFrom = w.v.events.length;
    if (role === 'qm1') w.net.acquire(C_WAN, SELECTOR_C);
    else w.net.acquire(B_WAN, mirrorSel(SELECTOR_C), C_WAN);
    w.net.run(w.net.now + 5);
    assert.equal(hits, 1, `${c.name}: ${role} rewritten`);
    assert.ok(
      eventsOf(w.v, 'ikeSaCreated').some((e) => e.peer === C_WAN),
      'phase 1 with C is up',
    );
    assertReaction(c.name, reactionOf(w, logFrom, eventsFrom, role), c.expect);
    w.net.run(w.net.now + 300);
  } finally {
    restore();
  }
  assert.deepEqual(internalErrors(w.v), []);
  assert.deepEqual(w.net.escaped, []);
  assertConsistent(w.v, host);
  assertConsistent(host, w.v);
  assertHonestIntact(w, 2);
}
