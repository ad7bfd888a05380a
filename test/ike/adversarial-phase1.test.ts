// Phase-1 attacks (main and aggressive mode, both roles) against a victim V that keeps an
// established IKE SA and IPsec SAs with an honest peer H. A third peer C negotiates with V
// and its messages are rewritten in flight; an attacker injects crafted first messages.
// After each attack: nothing escaped, the honest SAs are intact and a new quick mode works,
// the attack got the RFC's notify or a counted drop, and V's IKE SA table stays small.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getDiffieHellman } from 'node:crypto';
import { ExchangeType, NotifyType, PayloadType } from '../../src/ike/constants.js';
import { assertReaction } from './adversaryHostile.js';
import {
  decodeMessage,
  findPayload,
  payloadBody,
  payloadTypeOf,
  tv,
  type Payload,
  type SaPayload,
  type Transform,
} from '../../src/wire/index.js';
import {
  A_WAN,
  assertConsistent,
  assertHonestIntact,
  ATTACKER,
  B_WAN,
  C_WAN,
  eventsOf,
  halfOpen,
  mirrorSel,
  notifiesSent,
  recordedMm1,
  SELECTOR_C,
  tamperFirst,
  world,
  type Sent,
  type World,
  type WorldOptions,
} from './adversary.js';
import {
  exchangeOf,
  fixLength,
  flipBody,
  fromHex,
  isEncrypted,
  raw,
  rewrite,
  setMessageId,
} from './adversaryCraft.js';

const MM = ExchangeType.ID_PROT;
const AM = ExchangeType.AGGRESSIVE;

/** The k-th (0-based) phase-1 datagram `from` sends from now on (retransmissions excluded). */
function nthP1(from: string, k: number): (s: Sent) => boolean {
  const seen: Uint8Array[] = [];
  return (s) => {
    if (s.from !== from || (exchangeOf(s.data) !== MM && exchangeOf(s.data) !== AM)) return false;
    if (seen.some((x) => Buffer.compare(Buffer.from(x), Buffer.from(s.data)) === 0)) return false;
    seen.push(s.data);
    return seen.length === k + 1;
  };
}

/** C negotiates with V (C initiates unless `victimInitiates`), one of C's messages rewritten. */
function attackThrough(
  o: WorldOptions & { cInitiates: boolean },
  k: number,
  mutate: (d: Uint8Array) => Uint8Array,
  runFor = 300,
): World {
  const w = world({ ...o, withThird: true });
  const t = tamperFirst(w.net, nthP1('C', k), (s) => [{ ...s, data: mutate(s.data) }]);
  if (o.cInitiates) w.net.acquire(C_WAN, SELECTOR_C);
  else w.net.acquire(B_WAN, mirrorSel(SELECTOR_C), C_WAN);
  w.net.run(w.net.now + runFor);
  assert.ok(t.hit(), 'the message was rewritten');
  w.net.tamper = undefined;
  return w;
}

function cSas(w: World): number {
  return w.v.engine.listIkeSas().filter((s) => s.dst === C_WAN).length;
}

/** The attack failed the negotiation with `notify`, and left nothing behind on V. */
function assertRefused(w: World, notify: string, what: string): void {
  assert.deepEqual(notifiesSent(w.v), [notify], `${what}: V sent ${notify} and nothing else`);
  assert.equal(cSas(w), 0, `${what}: no IKE SA with C left on V`);
  assert.equal(w.c?.installed.length, 0, `${what}: C installed nothing`);
  assert.ok(
    !w.v.installed.some((ps) => ps.some((p) => p.outbound.destination === C_WAN)),
    `${what}: V installed nothing for C`,
  );
  assertHonestIntact(w, 2);
}

// ------------------------------------------------------------------ KE values

function modpPrime(group: 1 | 2 | 14): Uint8Array {
  const name = group === 1 ? 'modp1' : group === 2 ? 'modp2' : 'modp14';
  return Uint8Array.from(getDiffieHellman(name).getPrime());
}

function minus1(p: Uint8Array): Uint8Array {
  const o = p.slice();
  // p is odd, so p-1 only clears the lowest bit.
  o[o.length - 1] = (o[o.length - 1] ?? 0) & 0xfe;
  return o;
}

function int(n: number, len: number): Uint8Array {
  const o = new Uint8Array(len);
  o[len - 1] = n;
  return o;
}

function badKes(group: 1 | 2 | 14 | 19 | 20): { name: string; ke: (orig: Uint8Array) => Uint8Array }[] {
  const common = [
    { name: 'too short', ke: (o: Uint8Array) => o.slice(1) },
    { name: 'too long', ke: (o: Uint8Array) => Uint8Array.from([0, ...o]) },
    { name: 'empty', ke: () => new Uint8Array(0) },
    { name: 'zero', ke: (o: Uint8Array) => new Uint8Array(o.length) },
  ];
  if (group === 19 || group === 20) {
    const half = group === 19 ? 32 : 48;
    return [
      ...common,
      { name: 'off-curve (1,1)', ke: () => Uint8Array.from([...int(1, half), ...int(1, half)]) },
      {
        name: 'off-curve (x, y+1)',
        ke: (o: Uint8Array) => {
          const b = o.slice();
          b[b.length - 1] = (b[b.length - 1] ?? 0) ^ 1;
          return b;
        },
      },
      { name: 'x = p (all ones)', ke: (o: Uint8Array) => new Uint8Array(o.length).fill(0xff) },
    ];
  }
  const p = modpPrime(group);
  return [
    ...common,
    { name: 'one', ke: (o: Uint8Array) => int(1, o.length) },
    { name: 'p-1', ke: () => minus1(p) },
    { name: 'p', ke: () => p.slice() },
    { name: 'all ones (> p)', ke: (o: Uint8Array) => new Uint8Array(o.length).fill(0xff) },
  ];
}

function replacePayload(type: number, f: (body: Uint8Array) => Uint8Array): (d: Uint8Array) => Uint8Array {
  return (d) => rewrite(d, (ps) => ps.map((p) => (p.type === type ? raw(type, f(payloadBody(p))) : p)));
}

for (const group of [1, 2, 14, 19, 20] as const) {
  test(`invalid KE values (group ${group}) get INVALID-KEY-INFORMATION, both roles`, () => {
    for (const bad of badKes(group)) {
      // V as responder: C's MM3 carries the bad value.
      const r = attackThrough({ cInitiates: true, group }, 1, replacePayload(PayloadType.KE, bad.ke));
      assertRefused(r, 'INVALID_KEY_INFORMATION', `MM3 KE ${bad.name}`);
      if (group === 1 || group === 19) {
        // V as initiator: C's MM4 carries it (V refuses to derive keys from it).
        const i = attackThrough({ cInitiates: false, group }, 1, replacePayload(PayloadType.KE, bad.ke));
        assert.ok(
          eventsOf(i.v, 'ikeSaDeleted').some((e) => e.peer === C_WAN),
          `MM4 KE ${bad.name}: V stopped`,
        );
        assert.equal(cSas(i), 0);
        assert.ok(notifiesSent(i.v).includes('INVALID_KEY_INFORMATION'), `MM4 KE ${bad.name}: notify`);
        assertHonestIntact(i, 2);
      }
    }
  });
}

test('aggressive mode: invalid KE in AM1 (V responder) and AM2 (V initiator)', () => {
  for (const bad of badKes(1).slice(0, 6)) {
    const r = attackThrough(
      { cInitiates: true, aggressive: true },
      0,
      replacePayload(PayloadType.KE, bad.ke),
    );
    assertRefused(r, 'INVALID_KEY_INFORMATION', `AM1 KE ${bad.name}`);
    const i = attackThrough(
      { cInitiates: false, aggressive: true },
      0,
      replacePayload(PayloadType.KE, bad.ke),
    );
    assert.equal(cSas(i), 0, `AM2 KE ${bad.name}: no SA with C`);
    assert.ok(notifiesSent(i.v).includes('INVALID_KEY_INFORMATION'), `AM2 KE ${bad.name}: notify`);
    assertHonestIntact(i, 2);
  }
});

// ------------------------------------------------------------------ nonces (RFC 2409 §5: 8..256 bytes)

test('nonce lengths outside 8..256 bytes get PAYLOAD-MALFORMED; 8 and 256 are accepted', () => {
  for (const len of [0, 1, 7, 257, 1000]) {
    const r = attackThrough(
      { cInitiates: true },
      1,
      replacePayload(PayloadType.NONCE, () => new Uint8Array(len).fill(3)),
    );
    assertRefused(r, 'PAYLOAD_MALFORMED', `MM3 nonce of ${len} bytes`);
    const a = attackThrough(
      { cInitiates: true, aggressive: true },
      0,
      replacePayload(PayloadType.NONCE, () => new Uint8Array(len).fill(3)),
    );
    assertRefused(a, 'PAYLOAD_MALFORMED', `AM1 nonce of ${len} bytes`);
  }
  for (const len of [8, 256]) {
    // The changed nonce makes the keys differ from C's, so the exchange fails later (at MM5),
    // but V must accept the nonce itself and answer MM3 with MM4.
    const r = attackThrough(
      { cInitiates: true },
      1,
      replacePayload(PayloadType.NONCE, () => new Uint8Array(len).fill(3)),
      1,
    );
    const mm4 = r.net.log.filter(
      (s) => s.from === 'V' && s.dstAddress === C_WAN && exchangeOf(s.data) === MM,
    );
    assert.equal(mm4.length, 2, `${len}-byte nonce: V answered with MM4`);
    assert.ok(!notifiesSent(r.v).includes('PAYLOAD_MALFORMED'));
    r.net.run(r.net.now + 300);
    assert.equal(cSas(r), 0);
    assertHonestIntact(r, 2);
  }
});

// ------------------------------------------------------------------ HASH_I / HASH_R

// MM5/MM6 plaintext (3DES): ID (4+8 bytes) then HASH (4+20): flipping ciphertext byte 20
// garbles plaintext block 2 (hash bytes 0..7) and flips a bit of hash byte 12.
test('wrong HASH_I in MM5: authentication fails with a notify, no SA', () => {
  const w = attackThrough({ cInitiates: true }, 2, (d) => flipBody(d, 20, 0x10));
  assert.ok(eventsOf(w.v, 'authFailed').some((e) => e.peer === C_WAN));
  // RFC 2408 §5.11: a HASH that does not verify is INVALID-HASH-INFORMATION.
  assertRefused(w, 'INVALID_HASH_INFORMATION', 'MM5 HASH_I');
});

test('wrong HASH_R in MM6: the initiator V does not authenticate C, no SA', () => {
  const w = attackThrough({ cInitiates: false }, 2, (d) => flipBody(d, 20, 0x10));
  assert.ok(eventsOf(w.v, 'authFailed').some((e) => e.peer === C_WAN));
  assert.equal(eventsOf(w.v, 'authenticated').filter((e) => e.peer === C_WAN).length, 0);
  assert.equal(cSas(w), 0);
  assert.ok(!w.v.installed.some((ps) => ps.some((p) => p.outbound.destination === C_WAN)));
  assertHonestIntact(w, 2);
});

test('wrong HASH_R in AM2 (cleartext) and HASH_I in AM3 (encrypted): refused, no SA', () => {
  const flipHash = replacePayload(PayloadType.HASH, (b) => {
    const o = b.slice();
    o[3] = (o[3] ?? 0) ^ 0x40;
    return o;
  });
  const i = attackThrough({ cInitiates: false, aggressive: true }, 0, flipHash);
  assert.ok(
    eventsOf(i.v, 'authFailed').some((e) => e.peer === C_WAN),
    'AM2: V saw the bad HASH_R',
  );
  assert.equal(cSas(i), 0);
  assert.equal(i.c?.installed.length, 0);
  assertHonestIntact(i, 2);
  // AM3 [HASH NAT-D NAT-D]: HASH body is plaintext bytes 4..23; flip ciphertext byte 8.
  const r = attackThrough({ cInitiates: true, aggressive: true }, 1, (d) =>
    isEncrypted(d) ? flipBody(d, 8, 0x02) : replacePayload(PayloadType.HASH, (b) => b.map((x) => x ^ 1))(d),
  );
  assert.ok(
    eventsOf(r.v, 'authFailed').some((e) => e.peer === C_WAN),
    'AM3: V saw the bad HASH_I',
  );
  assertRefused(r, 'INVALID_HASH_INFORMATION', 'AM3 HASH_I');
});

test('encrypted MM5 with a length that is not a multiple of the block size: counted drop, then completes', () => {
  const w = attackThrough({ cInitiates: true }, 2, (d) => fixLength(d.slice(0, d.length - 5)));
  assert.ok(
    eventsOf(w.v, 'drop').some((d) => d.peer === C_WAN),
    'a counted drop',
  );
  assert.equal(w.c?.installed.length, 1, 'C completes on retransmission');
  assertConsistent(w.v, w.c ?? w.v);
  assertHonestIntact(w, 2);
});

// ------------------------------------------------------------------ first messages (MM1/AM1)

function saOf(mm1: Uint8Array): SaPayload {
  const p = findPayload(decodeMessage(mm1).payloads, PayloadType.SA);
  assert.ok(p);
  return p;
}

interface Crafted {
  name: string;
  payloads: (orig: readonly Payload[], sa: SaPayload) => Payload[];
  /** V's one reaction: the notify RFC 2408 §5 / RFC 2409 §5 names, or 'MM2' when answering is legitimate. */
  expect: string;
}

const unacceptable = (t: Transform, n: number): Transform => ({
  ...t,
  transformNumber: n & 255,
  // An encryption algorithm V has no policy for (AES-256), so nothing matches.
  attributes: [tv(1, 7), tv(14, 256), ...t.attributes.filter((a) => a.type !== 1)],
});

const CRAFTED: Crafted[] = [
  {
    name: 'SA with 0 proposals',
    payloads: (o) => [raw(PayloadType.SA, Uint8Array.of(0, 0, 0, 1, 0, 0, 0, 1)), ...o.slice(1)],
    expect: 'BAD_PROPOSAL_SYNTAX',
  },
  {
    name: 'proposal with 255 unacceptable transforms',
    payloads: (o, sa) => {
      const p = sa.proposals[0];
      assert.ok(p && p.transforms[0]);
      const t0 = p.transforms[0];
      const ts = Array.from({ length: 255 }, (_, i) => unacceptable(t0, i + 1));
      return [{ ...sa, proposals: [{ ...p, transforms: ts }] }, ...o.slice(1)];
    },
    expect: 'NO_PROPOSAL_CHOSEN',
  },
  {
    // RFC 2409 §5: a phase-1 SA payload carries exactly one proposal.
    name: '1000 transforms (4 proposals of 250)',
    payloads: (o, sa) => {
      const p = sa.proposals[0];
      assert.ok(p && p.transforms[0]);
      const t0 = p.transforms[0];
      const props = [1, 2, 3, 4].map((n) => ({
        ...p,
        proposalNumber: n,
        transforms: Array.from({ length: 250 }, (_, i) => unacceptable(t0, i + 1)),
      }));
      return [{ ...sa, proposals: props }, ...o.slice(1)];
    },
    expect: 'BAD_PROPOSAL_SYNTAX',
  },
  {
    name: 'transform count 255 in a proposal that holds 1 transform',
    payloads: (o) => {
      const sa = o[0];
      assert.ok(sa);
      const b = payloadBody(sa).slice();
      b[8 + 7] = 255;
      return [raw(PayloadType.SA, b), ...o.slice(1)];
    },
    expect: 'BAD_PROPOSAL_SYNTAX',
  },
  {
    // RFC 2409 §5: "there MUST NOT be multiple SA payloads" in phase 1.
    name: 'duplicated SA payloads',
    payloads: (o) => [o[0] as Payload, o[0] as Payload, ...o.slice(1)],
    expect: 'BAD_PROPOSAL_SYNTAX',
  },
  {
    // RFC 2409 §5: "The SA payload MUST precede all other payloads in a phase 1 exchange."
    name: 'vendor IDs before the SA payload',
    payloads: (o) => [...o.slice(1), o[0] as Payload],
    expect: 'PAYLOAD_MALFORMED',
  },
  {
    name: 'no SA payload',
    payloads: (o) => o.slice(1),
    expect: 'PAYLOAD_MALFORMED',
  },
  {
    // RFC 2408 §3.1 reserves 14..127 (RFC 3947 took 20/21); §5.2: a message whose Next
    // Payload validation fails is discarded (an INVALID-PAYLOAD-TYPE notify SHOULD follow).
    name: 'reserved payload type 50',
    payloads: (o) => [...o, raw(50, new Uint8Array(12).fill(7))],
    expect: 'INVALID_PAYLOAD_TYPE',
  },
  {
    // RFC 2408 §3.1: 128-255 are for private use between consenting parties; one we do not
    // know is as invalid a Next Payload as a reserved one.
    name: 'private-use payload type 200',
    payloads: (o) => [...o, raw(200, new Uint8Array(12).fill(7))],
    expect: 'INVALID_PAYLOAD_TYPE',
  },
  {
    name: 'phase-2 protocol (ESP) in the phase-1 proposal',
    payloads: (o, sa) => {
      const p = sa.proposals[0];
      assert.ok(p);
      return [{ ...sa, proposals: [{ ...p, protocolId: 3 }] }, ...o.slice(1)];
    },
    expect: 'INVALID_PROTOCOL_ID',
  },
  {
    name: 'DOI 2',
    payloads: (o) => {
      const sa = o[0];
      assert.ok(sa);
      const b = payloadBody(sa).slice();
      b[3] = 2;
      return [raw(PayloadType.SA, b), ...o.slice(1)];
    },
    expect: 'DOI_NOT_SUPPORTED',
  },
];

/** Sets the reserved byte of the payload after the SA (IKEv2's "critical" bit position). */
function withCriticalBit(d: Uint8Array): Uint8Array {
  const o = d.slice();
  const saLen = ((o[28 + 2] ?? 0) << 8) | (o[28 + 3] ?? 0);
  o[28 + saLen + 1] = 0x80;
  return o;
}

test('crafted MM1s from an attacker: the RFC notify (or a legitimate MM2), nothing left behind', () => {
  const mm1 = recordedMm1();
  const w = world();
  let n = 0;
  for (const c of CRAFTED) {
    n++;
    const ckyI = Uint8Array.of(0xa0, n, 1, 2, 3, 4, 5, 6);
    const data = rewrite(mm1, (ps) => c.payloads(ps, saOf(mm1)), { ckyI });
    const started = Date.now();
    const before = w.v.events.length;
    const sentBefore = w.net.log.length;
    w.net.inject({ srcAddress: ATTACKER, srcPort: 500, dstAddress: B_WAN, dstPort: 500, data });
    assert.ok(Date.now() - started < 2000, `${c.name}: handled in bounded time`);
    const fresh = w.v.events.slice(before);
    const notes = fresh.flatMap((e) => (e.type === 'notifySent' ? [e.notify] : []));
    const answered = w.net.log.slice(sentBefore).some((s) => s.from === 'V' && exchangeOf(s.data) === MM);
    const dropped = fresh.some((e) => e.type === 'drop');
    const outcome = answered ? ['MM2'] : [...notes, ...(dropped ? ['drop'] : [])];
    assertReaction(c.name, outcome, c.expect);
    const left = w.v.engine
      .listIkeSas()
      .filter((x) => x.initiatorCookie === Buffer.from(ckyI).toString('hex'));
    if (!answered) assert.equal(left.length, 0, `${c.name}: no half-open SA left after the refusal`);
    else assert.ok(left.length <= 1, `${c.name}: at most one SA for the cookie`);
  }
  // The unknown payload with the high bit of the reserved byte set (no "critical" bit in
  // IKEv1: RFC 2408 §3.2 says RESERVED is 0): refused for its unknown type (RFC 2408 §5.3).
  const crit = withCriticalBit(
    rewrite(mm1, (ps) => [ps[0] as Payload, raw(200, new Uint8Array(8)), ...ps.slice(1)], {
      ckyI: Uint8Array.of(0xc0, 1, 1, 1, 1, 1, 1, 1),
    }),
  );
  const notifiesBefore = eventsOf(w.v, 'notifySent').length;
  w.net.inject({ srcAddress: ATTACKER, srcPort: 500, dstAddress: B_WAN, dstPort: 500, data: crit });
  assert.deepEqual(
    eventsOf(w.v, 'notifySent')
      .slice(notifiesBefore)
      .map((e) => e.notify),
    ['INVALID_PAYLOAD_TYPE'],
    'critical-bit payload of an unknown type: INVALID-PAYLOAD-TYPE',
  );
  w.net.run(w.net.now + 400); // half-open SAs of the accepted ones age out
  assert.equal(halfOpen(w.v), 0);
  assertHonestIntact(w, 1);
});

// ------------------------------------------------------------------ replays and out-of-state messages

test('replayed MM5 and MM6 after phase 1: copies from the peer are duplicates, one from elsewhere a drop', () => {
  for (const victimInitiates of [false, true]) {
    const w = world({ victimInitiates });
    const from = victimInitiates ? 'H' : 'H';
    const enc = w.net.log.filter((s) => s.from === from && exchangeOf(s.data) === MM && isEncrypted(s.data));
    const last = enc[enc.length - 1];
    assert.ok(last, 'recorded the honest MM5/MM6');
    const dup = w.v.engine.counters.duplicates;
    const drops = w.v.engine.counters.drops;
    w.net.inject({ ...last });
    w.net.inject({ ...last, srcAddress: ATTACKER });
    w.net.inject({ ...last, srcPort: 4500, dstPort: 4500 });
    // The reply cache knows the bytes (RFC 2408 §5: a retransmission, whatever the port);
    // from another address the cookies belong to someone else.
    assert.deepEqual(
      { duplicates: w.v.engine.counters.duplicates - dup, drops: w.v.engine.counters.drops - drops },
      { duplicates: 2, drops: 1 },
    );
    w.net.run(w.net.now + 30);
    assert.equal(eventsOf(w.v, 'ikeSaCreated').length, 1, 'no second IKE SA');
    assertHonestIntact(w, 1);
  }
});

test('out-of-state phase-1 messages: MM3 or MM5 before MM1, MM1 again after phase 1, AM1 on a main-mode SA', () => {
  const w = world({ withThird: true });
  w.net.acquire(C_WAN, SELECTOR_C);
  w.net.run(w.net.now + 10);
  assert.equal(w.c?.installed.length, 1);
  const cLog = w.net.log.filter((s) => s.from === 'C' && exchangeOf(s.data) === MM);
  const [mm1, mm3, mm5] = cLog;
  assert.ok(mm1 && mm3 && mm5);
  const NO_SA = /no IKE SA for these cookies/;
  const AFTER = /phase-1 message after phase 1 completed/;
  const EXCHANGE = /exchange type does not match the IKE SA/;
  const cases: { name: string; data: Uint8Array; src: string; reason: RegExp }[] = [
    // A fresh initiator cookie and C's responder cookie: no SA for it.
    {
      name: 'MM3 with unknown cookies',
      data: rewrite(mm3.data, (p) => [...p], { ckyI: fromHex('1111111111111111') }),
      src: ATTACKER,
      reason: NO_SA,
    },
    {
      name: 'MM5 with unknown cookies',
      data: (() => {
        const o = mm5.data.slice();
        o.set(fromHex('2222222222222222'), 0);
        return o;
      })(),
      src: ATTACKER,
      reason: NO_SA,
    },
    { name: 'MM3 replayed after phase 1', data: mm3.data, src: C_WAN, reason: AFTER },
    { name: 'MM1 replayed after phase 1', data: mm1.data, src: C_WAN, reason: AFTER },
    { name: 'MM1 of C from the attacker', data: mm1.data, src: ATTACKER, reason: /cookies belong to peer/ },
    {
      name: 'AM1 on a main-mode SA',
      data: (() => {
        const o = mm1.data.slice();
        o[18] = AM;
        return o;
      })(),
      src: C_WAN,
      reason: EXCHANGE,
    },
    { name: 'MM4-style message ID 1', data: setMessageId(mm3.data, 1), src: C_WAN, reason: EXCHANGE },
  ];
  for (const c of cases) {
    const drops = eventsOf(w.v, 'drop').length;
    const duplicates = w.v.engine.counters.duplicates;
    w.net.inject({ srcAddress: c.src, srcPort: 500, dstAddress: B_WAN, dstPort: 500, data: c.data });
    const fresh = eventsOf(w.v, 'drop').slice(drops);
    assert.equal(fresh.length, 1, `${c.name}: one counted drop`);
    assert.match(fresh[0]?.reason ?? '', c.reason, c.name);
    assert.equal(w.v.engine.counters.duplicates, duplicates, `${c.name}: not taken for a retransmission`);
    assert.ok(w.v.engine.listIkeSas().length <= 2, `${c.name}: no new SA`);
  }
  // MM3 as a first message (zero responder cookie): refused, nothing left.
  const first = rewrite(mm3.data, (p) => [...p], {
    ckyI: fromHex('3333333333333333'),
    ckyR: new Uint8Array(8),
  });
  const before = eventsOf(w.v, 'notifySent').length;
  w.net.inject({ srcAddress: ATTACKER, srcPort: 500, dstAddress: B_WAN, dstPort: 500, data: first });
  // RFC 2409 §5: a first message needs its SA payload.
  assert.deepEqual(
    eventsOf(w.v, 'notifySent')
      .slice(before)
      .map((e) => e.notify),
    ['PAYLOAD_MALFORMED'],
    'MM3 as a first message: refused',
  );
  assert.equal(halfOpen(w.v), 0);
  assert.equal(eventsOf(w.v, 'ikeSaDeleted').filter((e) => e.peer === C_WAN || e.peer === A_WAN).length, 0);
  assertHonestIntact(w, 2);
});

test('MM2/MM4 with a mismatched cookie or message ID: dropped, the negotiation completes', () => {
  const mutations: { name: string; k: number; f: (d: Uint8Array) => Uint8Array; reason: RegExp }[] = [
    {
      name: 'MM4 with another responder cookie',
      k: 1,
      f: (d) => {
        const o = d.slice();
        o[9] = (o[9] ?? 0) ^ 0xff;
        return o;
      },
      reason: /cookie/,
    },
    {
      name: 'MM2 with another initiator cookie',
      k: 0,
      f: (d) => {
        const o = d.slice();
        o[2] = (o[2] ?? 0) ^ 0xff;
        return o;
      },
      reason: /no IKE SA/,
    },
    { name: 'MM4 with message ID 5', k: 1, f: (d) => setMessageId(d, 5), reason: /.+/ },
    { name: 'MM6 with message ID 5', k: 2, f: (d) => setMessageId(d, 5), reason: /.+/ },
  ];
  for (const m of mutations) {
    const w = attackThrough({ cInitiates: false }, m.k, m.f, 60);
    assert.ok(
      eventsOf(w.v, 'drop').some((d) => m.reason.test(d.reason)),
      `${m.name}: counted drop`,
    );
    assert.equal(w.c?.installed.length, 1, `${m.name}: completes on retransmission`);
    assertConsistent(w.v, w.c ?? w.v);
    assertHonestIntact(w, 2);
  }
  void NotifyType;
});

test('aggressive mode: replayed AM1 and AM3 after phase 1 are counted, no second SA', () => {
  const w = world({ withThird: true, aggressive: true });
  w.net.acquire(C_WAN, SELECTOR_C);
  w.net.run(w.net.now + 10);
  assert.equal(w.c?.installed.length, 1);
  const sent = w.net.log.filter((s) => s.from === 'C' && exchangeOf(s.data) === AM);
  assert.equal(sent.length, 2, 'AM1 and AM3 recorded');
  const created = eventsOf(w.v, 'ikeSaCreated').length;
  for (const m of sent)
    for (const src of [C_WAN, ATTACKER]) {
      const before = w.v.engine.counters.drops + w.v.engine.counters.duplicates;
      w.net.inject({ ...m, srcAddress: src });
      assert.ok(w.v.engine.counters.drops + w.v.engine.counters.duplicates > before, 'counted');
    }
  w.net.run(w.net.now + 30);
  assert.equal(eventsOf(w.v, 'ikeSaCreated').length, created, 'no second IKE SA');
  assert.equal(w.v.engine.listIkeSas().filter((s) => s.dst === C_WAN).length, 1);
  assertHonestIntact(w, 2);
});

// ------------------------------------------------------------------ structural variants at each state

type ClearMessage = 'MM1' | 'MM2' | 'MM3' | 'MM4' | 'AM1' | 'AM2';
const SA_FIRST: readonly ClearMessage[] = ['MM1', 'MM2', 'AM1', 'AM2'];
const PM = 'PAYLOAD_MALFORMED';

/**
 * `expect(m)`: 'up' (phase 1 with C completes, no notify) or the one notify V sends. RFC 2409
 * §5: the SA payload comes first and alone in messages that carry it (BAD-PROPOSAL-SYNTAX for
 * a second one), every message needs its payloads (KE, nonce, ID, HASH: PAYLOAD-MALFORMED);
 * RFC 2408 §5.3: a Next Payload we do not know is INVALID-PAYLOAD-TYPE. Vendor IDs are optional.
 */
const STRUCTURAL: {
  name: string;
  f: (ps: readonly Payload[]) => Payload[];
  expect: (m: ClearMessage) => string;
}[] = [
  {
    name: 'every payload twice',
    f: (ps) => ps.flatMap((p) => [p, p]),
    expect: (m) => (SA_FIRST.includes(m) ? 'BAD_PROPOSAL_SYNTAX' : 'up'),
  },
  {
    name: 'payloads reversed',
    f: (ps) => [...ps].reverse(),
    expect: (m) => (SA_FIRST.includes(m) ? PM : 'up'),
  },
  { name: 'first payload missing', f: (ps) => ps.slice(1), expect: () => PM },
  {
    name: 'second payload missing',
    f: (ps) => ps.filter((_, i) => i !== 1),
    // MM1/MM2 lose a vendor ID; the others their KE or nonce.
    expect: (m) => (m === 'MM1' || m === 'MM2' ? 'up' : PM),
  },
  { name: 'only the last payload', f: (ps) => ps.slice(-1), expect: () => PM },
  { name: 'no payloads', f: () => [], expect: () => PM },
  {
    name: 'reserved type 50 appended',
    f: (ps) => [...ps, raw(50, new Uint8Array(4))],
    expect: () => 'INVALID_PAYLOAD_TYPE',
  },
  {
    name: 'private type 200 first',
    f: (ps) => [raw(200, new Uint8Array(4)), ...ps],
    expect: () => 'INVALID_PAYLOAD_TYPE',
  },
  {
    name: 'empty vendor ID inserted',
    f: (ps) => [ps[0] as Payload, raw(PayloadType.VID, new Uint8Array(0)), ...ps.slice(1)],
    expect: () => 'up',
  },
  {
    name: '70 vendor IDs appended',
    f: (ps) => [...ps, ...Array.from({ length: 70 }, () => raw(PayloadType.VID, new Uint8Array(16).fill(1)))],
    expect: () => 'up',
  },
  {
    name: 'every payload body empty',
    f: (ps) => ps.map((p) => raw(payloadTypeOf(p), new Uint8Array(0))),
    expect: () => PM,
  },
];

const CLEAR_MESSAGES: { name: ClearMessage; o: WorldOptions & { cInitiates: boolean }; k: number }[] = [
  { name: 'MM1', o: { cInitiates: true }, k: 0 },
  { name: 'MM3', o: { cInitiates: true }, k: 1 },
  { name: 'MM2', o: { cInitiates: false }, k: 0 },
  { name: 'MM4', o: { cInitiates: false }, k: 1 },
  { name: 'AM1', o: { cInitiates: true, aggressive: true }, k: 0 },
  { name: 'AM2', o: { cInitiates: false, aggressive: true }, k: 0 },
];

for (const m of CLEAR_MESSAGES) {
  test(`structural variants of ${m.name}: phase 1 completes or the one RFC notify, never inconsistent`, () => {
    for (const v of STRUCTURAL) {
      const w = attackThrough(m.o, m.k, (d) => rewrite(d, v.f), 60);
      const what = `${m.name} ${v.name}`;
      const expect = v.expect(m.name);
      const up = eventsOf(w.v, 'ikeSaCreated').some((e) => e.peer === C_WAN);
      assert.deepEqual(
        { up, notifies: notifiesSent(w.v) },
        expect === 'up' ? { up: true, notifies: [] } : { up: false, notifies: [expect] },
        what,
      );
      assert.ok(cSas(w) <= 1, `${what}: at most one IKE SA with C`);
      assert.ok(w.v.engine.listIkeSas().length <= 2);
      assertConsistent(w.v, w.c ?? w.v);
      if (w.c) assertConsistent(w.c, w.v);
      assertHonestIntact(w, 2);
    }
  });
}

test('oversized first messages (64 KB payloads, 1000 payloads, 64 KB of garbage) are handled in bounded time', () => {
  const mm1 = recordedMm1();
  const w = world();
  const variants: { name: string; data: Uint8Array; expect?: string }[] = [
    // A long vendor ID is legal (MM2 follows); more than 256 payloads or a chain that does not
    // walk is PAYLOAD-MALFORMED (RFC 2408 §5.3).
    {
      name: 'one 65 000-byte vendor ID',
      data: rewrite(mm1, (ps) => [...ps, raw(PayloadType.VID, new Uint8Array(65000).fill(0x41))], {
        ckyI: Uint8Array.of(0xb0, 1, 2, 3, 4, 5, 6, 7),
      }),
    },
    {
      name: '1000 empty vendor IDs',
      data: rewrite(
        mm1,
        (ps) => [...ps, ...Array.from({ length: 1000 }, () => raw(PayloadType.VID, new Uint8Array(0)))],
        { ckyI: Uint8Array.of(0xb1, 1, 2, 3, 4, 5, 6, 7) },
      ),
      expect: 'PAYLOAD_MALFORMED',
    },
    {
      name: '65 000 bytes of garbage after a valid header',
      data: fixLength(Uint8Array.from([...mm1.slice(0, 28), ...new Uint8Array(65000).fill(0xee)])),
      expect: 'PAYLOAD_MALFORMED',
    },
  ];
  for (const v of variants) {
    const started = Date.now();
    const before = eventsOf(w.v, 'notifySent').length;
    const logged = w.net.log.length;
    w.net.inject({ srcAddress: ATTACKER, srcPort: 500, dstAddress: B_WAN, dstPort: 500, data: v.data });
    assert.ok(Date.now() - started < 1000, `${v.name}: bounded time`);
    const answers = w.net.log.slice(logged).filter((s) => s.from === 'V').length;
    const notifies = eventsOf(w.v, 'notifySent')
      .slice(before)
      .map((e) => e.notify);
    assert.deepEqual({ answers, notifies }, { answers: 1, notifies: v.expect ? [v.expect] : [] }, v.name);
  }
  assert.ok(w.v.engine.listIkeSas().length <= 4);
  assertHonestIntact(w, 4);
});
