// An authenticated but hostile peer C (it holds its own pre-shared key and completes phase 1
// with V) sends quick-mode offers and informationals with arbitrary, correctly hashed content.
// V must answer with the RFC's notify or a counted drop, never throw or swallow an untyped
// error, never let C touch what belongs to the honest peer H, and stay consistent.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getDiffieHellman } from 'node:crypto';
import { numericAttribute, tlv, type Payload, type Transform } from '../../src/wire/index.js';
import { NotifyType, PayloadType, ProtocolId } from '../../src/ike/constants.js';
import type { RouterConfig } from '../../src/policy/model.js';
import {
  A_WAN,
  assertConsistent,
  B_LAN,
  B_WAN,
  C_LAN,
  KEY_C,
  assertHonestIntact,
  C_WAN,
  hostilePlaintext,
  internalErrors,
  notifiesSent,
  SELECTOR_C,
  victimConfig,
  world,
  type World,
} from './adversary.js';
import { del, fromHex, notify, raw, spi32 } from './adversaryCraft.js';
import { makeConfig } from './harness.js';
import {
  firstTransform,
  hostileQuickMode,
  id,
  ID,
  ipv4,
  replaceIds,
  withSa,
  type Case,
} from './adversaryHostile.js';

const QM1_CASES: Case[] = [
  // RFC 2407 §4.5 / RFC 2408 §3.5: AH/ESP SPIs are 4 bytes; SPI 0 is reserved (RFC 4303 §2.1).
  ...[new Uint8Array(0), new Uint8Array(16).fill(9), new Uint8Array(4)].map((spi): Case => ({
    name: `SPI ${Buffer.from(spi).toString('hex') || '(empty)'}`,
    f: (ps) => withSa(ps, (sa) => ({ ...sa, proposals: sa.proposals.map((p) => ({ ...p, spi })) })),
    expect: 'INVALID_SPI',
  })),
  // RFC 2409 §5: nonces are 8..256 bytes, in quick mode too.
  ...[0, 7, 257].map((n): Case => ({
    name: `nonce of ${n} bytes`,
    f: (ps) => ps.map((p) => (p.type === PayloadType.NONCE ? raw(p.type, new Uint8Array(n)) : p)),
    expect: 'PAYLOAD_MALFORMED',
  })),
  {
    name: 'SA with 0 proposals',
    f: (ps) => withSa(ps, (sa) => ({ ...sa, proposals: [] })),
    // RFC 2408 §5.5 (3): a verified SA without proposals is BAD-PROPOSAL-SYNTAX.
    expect: 'BAD_PROPOSAL_SYNTAX',
  },
  {
    name: '255 transforms in one proposal, none acceptable',
    f: (ps) =>
      withSa(ps, (sa) => {
        const p = sa.proposals[0];
        assert.ok(p);
        const t = firstTransform(sa);
        return {
          ...sa,
          proposals: [
            {
              ...p,
              transforms: Array.from({ length: 255 }, (_, i) => ({
                ...t,
                transformNumber: i + 1,
                transformId: 250,
              })),
            },
          ],
        };
      }),
    expect: 'NO_PROPOSAL_CHOSEN',
  },
  {
    name: '1000 transforms in 4 proposals',
    f: (ps) =>
      withSa(ps, (sa) => {
        const p = sa.proposals[0];
        assert.ok(p);
        const t = firstTransform(sa);
        const proposals = [1, 2, 3, 4].map((n) => ({
          ...p,
          proposalNumber: n,
          transforms: Array.from({ length: 250 }, (_, i) => ({
            ...t,
            transformNumber: i + 1,
            transformId: 250,
          })),
        }));
        return { ...sa, proposals };
      }),
    expect: 'NO_PROPOSAL_CHOSEN',
  },
  {
    name: 'protocol 99',
    f: (ps) =>
      withSa(ps, (sa) => ({ ...sa, proposals: sa.proposals.map((p) => ({ ...p, protocolId: 99 })) })),
    expect: 'INVALID_PROTOCOL_ID',
  },
  {
    name: 'lifetime of 0 seconds',
    f: (ps) =>
      withSa(ps, (sa) => ({
        ...sa,
        proposals: sa.proposals.map((p) => ({
          ...p,
          transforms: p.transforms.map((t) => ({
            ...t,
            attributes: [
              ...t.attributes.filter((a) => a.type !== 1 && a.type !== 2),
              numericAttribute(1, 1),
              numericAttribute(2, 0),
            ],
          })),
        })),
      })),
    expect: 'QM2',
  },
  {
    name: 'lifetime as an 8-byte variable attribute (2^64-1 kB)',
    f: (ps) =>
      withSa(ps, (sa) => ({
        ...sa,
        proposals: sa.proposals.map((p) => ({
          ...p,
          transforms: p.transforms.map((t) => ({
            ...t,
            attributes: [
              ...t.attributes.filter((a) => a.type !== 1 && a.type !== 2),
              numericAttribute(1, 2),
              tlv(2, new Uint8Array(8).fill(0xff)),
            ],
          })),
        })),
      })),
    expect: 'QM2',
  },
  {
    name: 'unknown attribute types and an encapsulation mode 99',
    f: (ps) =>
      withSa(ps, (sa) => ({
        ...sa,
        proposals: sa.proposals.map((p) => ({
          ...p,
          transforms: p.transforms.map((t) => ({
            ...t,
            attributes: [
              ...t.attributes.filter((a) => a.type !== 4),
              numericAttribute(4, 99),
              numericAttribute(16000, 1),
            ],
          })),
        })),
      })),
    expect: 'NO_PROPOSAL_CHOSEN',
  },
  { name: 'no IDs', f: (ps) => replaceIds(ps, []), expect: 'INVALID_ID_INFORMATION' },
  {
    name: 'one ID',
    f: (ps) => replaceIds(ps, ps.filter((p) => p.type === ID).slice(0, 1)),
    expect: 'INVALID_ID_INFORMATION',
  },
  {
    name: 'three IDs',
    f: (ps) => [...ps, ...ps.filter((p) => p.type === ID).slice(0, 1)],
    expect: 'INVALID_ID_INFORMATION',
  },
  {
    name: 'FQDN identities',
    f: (ps) =>
      replaceIds(ps, [
        id(2, new TextEncoder().encode('evil.example')),
        id(2, new TextEncoder().encode('victim.example')),
      ]),
    expect: 'INVALID_ID_INFORMATION',
  },
  {
    name: 'ID type 255 with empty data',
    f: (ps) => replaceIds(ps, [id(255, new Uint8Array(0)), id(255, new Uint8Array(0))]),
    expect: 'INVALID_ID_INFORMATION',
  },
  {
    name: 'IPv4 subnet IDs with 3-byte data',
    f: (ps) => replaceIds(ps, [id(4, Uint8Array.of(10, 1, 3)), id(4, Uint8Array.of(10, 1, 2))]),
    expect: 'INVALID_ID_INFORMATION',
  },
  {
    name: 'IPv4 range with start after end',
    f: (ps) =>
      replaceIds(ps, [
        id(7, Uint8Array.from([...ipv4('10.1.3.200'), ...ipv4('10.1.3.1')])),
        id(4, Uint8Array.from([...ipv4('10.1.2.0'), ...ipv4('255.255.255.0')])),
      ]),
    expect: 'INVALID_ID_INFORMATION',
  },
  {
    name: 'non-contiguous subnet mask',
    f: (ps) =>
      replaceIds(ps, [
        id(4, Uint8Array.from([...ipv4('10.1.3.0'), ...ipv4('255.0.255.0')])),
        id(4, Uint8Array.from([...ipv4('10.1.2.0'), ...ipv4('255.255.255.0')])),
      ]),
    expect: 'INVALID_ID_INFORMATION',
  },
  {
    name: 'IPv6 subnet identities',
    f: (ps) => replaceIds(ps, [id(6, new Uint8Array(32).fill(0x20)), id(6, new Uint8Array(32).fill(0x30))]),
    expect: 'INVALID_ID_INFORMATION',
  },
  {
    name: 'no nonce',
    f: (ps) => ps.filter((p) => p.type !== PayloadType.NONCE),
    expect: 'PAYLOAD_MALFORMED',
  },
  {
    name: 'no SA',
    f: (ps) => ps.filter((p) => p.type !== PayloadType.SA),
    expect: 'PAYLOAD_MALFORMED',
  },
  {
    name: 'two SA payloads',
    f: (ps) => [...ps.filter((p) => p.type === PayloadType.SA), ...ps],
    expect: 'QM2',
  },
  {
    name: 'a KE of zeros (PFS group 2) where V has no PFS configured',
    f: (ps) => [
      ...ps.filter((p) => p.type !== ID),
      raw(PayloadType.KE, new Uint8Array(128)),
      ...ps.filter((p) => p.type === ID),
    ],
    expect: 'INVALID_KEY_INFORMATION',
  },
  {
    name: 'reserved payload type 50',
    f: (ps) => [...ps, raw(50, new Uint8Array(8))],
    expect: 'INVALID_PAYLOAD_TYPE',
  },
];

for (const c of QM1_CASES) test(`hostile authenticated QM1: ${c.name}`, () => hostileQuickMode(c));

function withTransforms(ps: readonly Payload[], f: (t: Transform) => Transform): Payload[] {
  return withSa(ps, (sa) => ({
    ...sa,
    proposals: sa.proposals.map((p) => ({ ...p, transforms: p.transforms.map(f) })),
  }));
}

function responderLifetime(attrs: Uint8Array): Payload {
  return notify(NotifyType.RESPONDER_LIFETIME, ProtocolId.ESP, spi32(0x1234), attrs);
}

const QM2_CASES: Case[] = [
  {
    name: 'proposal number not offered',
    f: (ps) =>
      withSa(ps, (sa) => ({ ...sa, proposals: sa.proposals.map((p) => ({ ...p, proposalNumber: 99 })) })),
    expect: 'BAD_PROPOSAL_SYNTAX',
  },
  {
    name: 'transform not offered',
    f: (ps) => withTransforms(ps, (t) => ({ ...t, transformId: 250 })),
    expect: 'NO_PROPOSAL_CHOSEN',
  },
  {
    name: 'SA with 0 proposals',
    f: (ps) => withSa(ps, (sa) => ({ ...sa, proposals: [] })),
    expect: 'BAD_PROPOSAL_SYNTAX',
  },
  {
    name: 'two transforms chosen',
    f: (ps) =>
      withSa(ps, (sa) => ({
        ...sa,
        proposals: sa.proposals.map((p) => ({ ...p, transforms: [...p.transforms, ...p.transforms] })),
      })),
    expect: 'BAD_PROPOSAL_SYNTAX',
  },
  {
    name: 'AH proposal added that was not offered',
    f: (ps) =>
      withSa(ps, (sa) => ({
        ...sa,
        proposals: [...sa.proposals, ...sa.proposals.map((p) => ({ ...p, protocolId: ProtocolId.AH }))],
      })),
    expect: 'BAD_PROPOSAL_SYNTAX',
  },
  ...[new Uint8Array(0), new Uint8Array(16).fill(9), new Uint8Array(4)].map((spi): Case => ({
    name: `SPI ${Buffer.from(spi).toString('hex') || '(empty)'}`,
    f: (ps) => withSa(ps, (sa) => ({ ...sa, proposals: sa.proposals.map((p) => ({ ...p, spi })) })),
    expect: 'INVALID_SPI',
  })),
  ...[0, 7, 257].map((n): Case => ({
    name: `nonce of ${n} bytes`,
    f: (ps) => ps.map((p) => (p.type === PayloadType.NONCE ? raw(p.type, new Uint8Array(n)) : p)),
    expect: 'PAYLOAD_MALFORMED',
  })),
  {
    name: 'no nonce',
    f: (ps) => ps.filter((p) => p.type !== PayloadType.NONCE),
    expect: 'PAYLOAD_MALFORMED',
  },
  {
    name: 'proxy identities changed',
    f: (ps) => replaceIds(ps, [id(1, ipv4('10.1.2.9')), id(1, ipv4('10.1.1.9'))]),
    expect: 'INVALID_ID_INFORMATION',
  },
  // A QM2 with other than two proxy identities is accepted today: adversarial-failing.ts.
  {
    name: 'a longer lifetime than offered',
    f: (ps) =>
      withTransforms(ps, (t) => ({
        ...t,
        attributes: [
          ...t.attributes.filter((a) => a.type !== 1 && a.type !== 2),
          numericAttribute(1, 1),
          numericAttribute(2, 1_000_000),
        ],
      })),
    expect: 'QM3',
  },
  {
    name: 'RESPONDER-LIFETIME of 0 seconds',
    f: (ps) => [...ps, responderLifetime(Uint8Array.of(0x80, 1, 0, 1, 0x80, 2, 0, 0))],
    expect: 'QM3',
  },
  {
    name: 'RESPONDER-LIFETIME with truncated attributes',
    f: (ps) => [...ps, responderLifetime(Uint8Array.of(0x00, 2, 0, 200, 1))],
    expect: 'PAYLOAD_MALFORMED',
  },
  {
    name: 'KE without PFS',
    f: (ps) => [...ps, raw(PayloadType.KE, new Uint8Array(96).fill(2))],
    expect: 'INVALID_KEY_INFORMATION',
  },
  {
    name: 'reserved payload type 50',
    f: (ps) => [...ps, raw(50, new Uint8Array(8))],
    expect: 'INVALID_PAYLOAD_TYPE',
  },
];

for (const c of QM2_CASES)
  test(`hostile authenticated QM2 (V initiates): ${c.name}`, () => hostileQuickMode(c, 'qm2'));

/** V with one crypto map entry per peer: H may use 10.1.1.0/24, C only 10.1.3.0/24. */
function separateEntries(): RouterConfig {
  const base = victimConfig();
  const entry = base.cryptoMaps[0];
  assert.ok(entry);
  const acl = (name: string, dst: string) => ({
    name,
    entries: [
      {
        action: 'permit' as const,
        protocol: 'ip' as const,
        source: { address: '10.1.2.0', wildcard: '0.0.0.255' },
        destination: { address: dst, wildcard: '0.0.0.255' },
      },
    ],
  });
  return {
    ...base,
    accessLists: [acl('101', '10.1.1.0'), acl('102', '10.1.3.0')],
    cryptoMaps: [
      { ...entry, seq: 10, peers: [A_WAN], matchAddress: '101' },
      { ...entry, seq: 20, peers: [C_WAN], matchAddress: '102' },
    ],
  };
}

test("an authenticated peer claiming the honest peer's network gets INVALID-ID-INFORMATION", () => {
  const w = world({ withThird: true, victim: { config: separateEntries() } });
  const restore = hostilePlaintext(C_WAN, (kind, ps) =>
    kind === 'qm1'
      ? replaceIds(ps, [
          id(4, Uint8Array.from([...ipv4('10.1.1.0'), ...ipv4('255.255.255.0')])),
          id(4, Uint8Array.from([...ipv4('10.1.2.0'), ...ipv4('255.255.255.0')])),
        ])
      : undefined,
  );
  try {
    w.net.acquire(C_WAN, SELECTOR_C);
    w.net.run(w.net.now + 30);
  } finally {
    restore();
  }
  assert.ok(notifiesSent(w.v).includes('INVALID_ID_INFORMATION'));
  assert.ok(
    !w.v.installed.some((ps) => ps.some((p) => p.outbound.destination === C_WAN)),
    'nothing installed for C',
  );
  assertHonestIntact(w, 2);
});

test("an authenticated peer cannot delete the honest peer's IKE SA or IPsec SAs by naming them", () => {
  const w = world({ withThird: true });
  const c = w.c;
  assert.ok(c);
  w.net.acquire(C_WAN, SELECTOR_C);
  w.net.run(w.net.now + 10);
  assert.equal(c.installed.length, 1);
  const honestOut = w.v.installed.flatMap((ps) =>
    ps.filter((p) => p.outbound.destination === A_WAN).map((p) => p.outbound.spi),
  );
  const honestIn = w.honestSpis;
  const cookies = fromHex(w.honestCookies.i + w.honestCookies.r);
  // What V does with each verified set: 'delete' / 'notify' processed (acting only on C's own
  // SAs), 'drop' counted: a payload that does not decode (RFC 2408 §5.3), a DELETE for a
  // protocol IPsec does not define (§5.15), DPD data other than 32 bits (RFC 3706 §5.1).
  const payloadSets: [Payload[], string[]][] = [
    [[del(ProtocolId.ISAKMP, [cookies])], ['delete']],
    [[del(ProtocolId.ESP, honestOut.map(spi32))], ['delete']],
    [[del(ProtocolId.ESP, honestIn.map(spi32))], ['delete']],
    [[del(ProtocolId.AH, honestOut.map(spi32))], ['delete']],
    [[notify(NotifyType.INITIAL_CONTACT, ProtocolId.ISAKMP, cookies)], ['notify']],
    [[notify(NotifyType.INVALID_SPI, ProtocolId.ESP, spi32(honestOut[0] ?? 0))], ['notify']],
    [[del(ProtocolId.ESP, [new Uint8Array(0)])], ['drop: 1 SPIs of size 0']],
    [[del(ProtocolId.ESP, [Uint8Array.of(1, 2, 3)])], ['delete']],
    [[del(99, [spi32(1)])], ['drop: DELETE for protocol 99']],
    [[raw(PayloadType.D, Uint8Array.of(0, 0, 0, 1, 3, 4, 1, 0))], ['drop: 256 SPIs of 4 bytes do not fill']],
    [
      [notify(NotifyType.R_U_THERE, ProtocolId.ISAKMP, cookies, Uint8Array.of(1))],
      ['notify', 'drop: R-U-THERE with 1 bytes of data'],
    ],
    [
      [notify(NotifyType.R_U_THERE_ACK, ProtocolId.ISAKMP, new Uint8Array(0))],
      ['notify', 'drop: R-U-THERE-ACK with 0 bytes of data'],
    ],
    [[raw(PayloadType.N, Uint8Array.of(0, 0, 0, 1, 3, 200))], ['drop: truncated notify message type']],
    [[raw(50, new Uint8Array(4))], ['drop: payload type UNKNOWN(50)']],
  ];
  for (const [i, [set, expected]] of payloadSets.entries()) {
    let rewritten = 0;
    const eventsFrom = w.v.events.length;
    const restore = hostilePlaintext(C_WAN, (kind) => {
      if (kind !== 'info' || rewritten > 0) return undefined;
      rewritten++;
      return set;
    });
    try {
      // C deletes its own SA; the hostile rewrite turns that DELETE into the payloads above.
      const spi = c.installed[0]?.[0]?.inbound.spi;
      w.net.apply(c, c.engine.clearIpsec(spi !== undefined ? { spi } : {}, w.net.now));
      w.net.run(w.net.now + 2);
    } finally {
      restore();
    }
    assert.equal(rewritten, 1, `set ${i}: C's DELETE was rewritten`);
    const fresh = w.v.events.slice(eventsFrom);
    const reaction = fresh.flatMap((e) =>
      e.type === 'notifyReceived' && e.authenticated
        ? ['notify']
        : e.type === 'deleteReceived'
          ? ['delete']
          : e.type === 'drop'
            ? [`drop: ${e.reason}`]
            : [],
    );
    // A drop passes only with the reason expected (the start of it: offsets follow).
    assert.deepEqual(
      reaction.map((r, k) =>
        expected[k]?.startsWith('drop: ') && r.includes(expected[k].slice(6)) ? expected[k] : r,
      ),
      expected,
      `set ${i}`,
    );
    assert.deepEqual(internalErrors(w.v), [], `set ${i}`);
    const ike = w.v.engine.listIkeSas().find((s) => s.initiatorCookie === w.honestCookies.i);
    assert.equal(ike?.state, 'QM_IDLE', `set ${i}: honest IKE SA kept`);
    for (const s of honestIn)
      assert.ok(
        w.v.installed.some((ps) => ps.some((p) => p.inbound.spi === s)),
        `set ${i}: honest SA ${s} kept`,
      );
    // Re-establish C's IPsec SA for the next round.
    if (c.installed.length < 1) {
      w.net.acquire(C_WAN, SELECTOR_C);
      w.net.run(w.net.now + 10);
    }
  }
  assertHonestIntact(w, 2);
});

// ------------------------------------------------------------------ hostile MM5 (HASH_I re-computed)

// `expect`: 'up' (V accepts: the identity and extra payloads are C's business, RFC 2409 §5
// authenticates C by its key) or the one notify RFC 2408 §5.8 names for an unusable ID.
const MM5_CASES: { name: string; f: (ps: readonly Payload[], w: World) => Payload[]; expect: string }[] = [
  {
    name: "identity of the honest peer's address, with INITIAL-CONTACT naming its cookies",
    f: (ps, w) => [
      id(1, ipv4(A_WAN), 17, 500),
      ...ps.filter((p) => p.type === PayloadType.HASH),
      notify(NotifyType.INITIAL_CONTACT, ProtocolId.ISAKMP, fromHex(w.honestCookies.i + w.honestCookies.r)),
    ],
    expect: 'up',
  },
  {
    name: "DELETE payloads for the honest peer's SAs inside MM5",
    f: (ps, w) => [
      ...ps,
      del(ProtocolId.ISAKMP, [fromHex(w.honestCookies.i + w.honestCookies.r)]),
      del(ProtocolId.ESP, w.honestSpis.map(spi32)),
    ],
    expect: 'up',
  },
  {
    name: 'ID type 255 with empty data',
    f: (ps) => [id(255, new Uint8Array(0)), ...ps.slice(1)],
    expect: 'INVALID_ID_INFORMATION',
  },
  {
    name: 'IPv4 ID with 3 bytes',
    f: (ps) => [id(1, Uint8Array.of(10, 1, 3)), ...ps.slice(1)],
    expect: 'INVALID_ID_INFORMATION',
  },
  {
    name: 'FQDN of 4000 bytes',
    f: (ps) => [id(2, new Uint8Array(4000).fill(0x61)), ...ps.slice(1)],
    expect: 'up',
  },
  {
    name: 'ID payload shorter than its header',
    f: (ps) => [raw(ID, Uint8Array.of(1)), ...ps.slice(1)],
    expect: 'INVALID_ID_INFORMATION',
  },
  { name: 'a second ID and HASH', f: (ps) => [...ps, ...ps], expect: 'up' },
];

for (const c of MM5_CASES) {
  test(`hostile authenticated MM5: ${c.name}`, () => {
    const w = world({ withThird: true });
    const host = w.c;
    assert.ok(host);
    let hits = 0;
    const restore = hostilePlaintext(C_WAN, (kind, ps) => {
      if (kind !== 'mm5' || hits > 0) return undefined;
      hits++;
      return c.f(ps, w);
    });
    const eventsFrom = w.v.events.length;
    try {
      w.net.acquire(C_WAN, SELECTOR_C);
      w.net.run(w.net.now + 300);
    } finally {
      restore();
    }
    assert.equal(hits, 1, 'MM5 rewritten');
    const fresh = w.v.events.slice(eventsFrom);
    const up = fresh.some((e) => e.type === 'ikeSaCreated' && e.peer === C_WAN);
    const notifies = fresh.flatMap((e) => (e.type === 'notifySent' ? [e.notify] : []));
    if (c.expect === 'up') assert.ok(up && notifies.length === 0, `accepted, got [${notifies.join(', ')}]`);
    else assert.ok(!up && notifies.join() === c.expect, `${c.expect}, got up=${up} [${notifies.join(', ')}]`);
    assert.ok(
      !fresh.some((e) => e.type === 'ikeSaDeleted' && e.peer === A_WAN),
      "the honest peer's IKE SA untouched",
    );
    assert.ok(
      !fresh.some((e) => e.type === 'ipsecSasDeleted' && e.peer === A_WAN),
      "the honest peer's IPsec SAs untouched",
    );
    assert.deepEqual(internalErrors(w.v), []);
    assertConsistent(w.v, host);
    assertConsistent(host, w.v);
    assertHonestIntact(w, 2);
  });
}

// ------------------------------------------------------------------ PFS: hostile KE in quick mode

function pfsWorld(): World {
  const base = victimConfig();
  const entry = base.cryptoMaps[0];
  assert.ok(entry);
  const v: RouterConfig = { ...base, cryptoMaps: [{ ...entry, pfsGroup: 2 }] };
  const w = world({ victim: { config: v }, honestPfs: 2 });
  const third = makeConfig(
    {
      hostname: 'Third',
      wan: C_WAN,
      lan: C_LAN,
      keys: [{ key: KEY_C, address: B_WAN }],
      cryptoMap: { pfsGroup: 2 },
    },
    B_WAN,
    B_LAN,
  );
  w.net.add('C', C_WAN, third);
  return w;
}

test('PFS: invalid KE values in an authenticated QM1 get INVALID-KEY-INFORMATION (or a counted drop), no SA', () => {
  const p = Uint8Array.from(getDiffieHellman('modp2').getPrime());
  const pm1 = p.slice();
  pm1[pm1.length - 1] = (pm1[pm1.length - 1] ?? 0) & 0xfe;
  const one = new Uint8Array(128);
  one[127] = 1;
  const values: { name: string; ke: Uint8Array }[] = [
    { name: 'zero', ke: new Uint8Array(128) },
    { name: 'one', ke: one },
    { name: 'p-1', ke: pm1 },
    { name: 'p', ke: p },
    { name: '127 bytes', ke: new Uint8Array(127).fill(5) },
    { name: '129 bytes', ke: new Uint8Array(129).fill(5) },
    { name: 'empty', ke: new Uint8Array(0) },
  ];
  for (const v of values) {
    const w = pfsWorld();
    const c = w.net.host(C_WAN);
    let hits = 0;
    const restore = hostilePlaintext(C_WAN, (kind, ps) => {
      if (kind !== 'qm1' || hits > 0) return undefined;
      hits++;
      return ps.map((x) => (x.type === PayloadType.KE ? raw(x.type, v.ke) : x));
    });
    const eventsFrom = w.v.events.length;
    try {
      w.net.acquire(C_WAN, SELECTOR_C);
      w.net.run(w.net.now + 300);
    } finally {
      restore();
    }
    assert.equal(hits, 1, `${v.name}: QM1 rewritten`);
    const fresh = w.v.events.slice(eventsFrom);
    assert.ok(
      fresh.some((e) => e.type === 'ikeSaCreated' && e.peer === C_WAN),
      'phase 1 up',
    );
    // RFC 2408 §5.7 / RFC 2409 §5.5: an unusable KE is INVALID-KEY-INFORMATION.
    assert.deepEqual(notifiesSent(w.v), ['INVALID_KEY_INFORMATION'], `${v.name}: INVALID-KEY-INFORMATION`);
    assert.ok(
      !w.v.installed.some((ps) => ps.some((x) => x.outbound.destination === C_WAN)),
      `${v.name}: no SA on V`,
    );
    assert.deepEqual(internalErrors(w.v), []);
    assertConsistent(w.v, c);
    assertHonestIntact(w, 2);
  }
});
