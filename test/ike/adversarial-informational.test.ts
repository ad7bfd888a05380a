// Spoofed informational exchanges against a victim that has an IKE SA and IPsec SAs with an
// honest peer. RFC 2408 §5.15 and issue 3: unauthenticated notifies and deletes (cleartext,
// exchange 5) never tear down authenticated state, whatever cookies, SPIs and source address
// they carry; an encrypted informational is honoured only when its HASH(1) verifies
// (RFC 2409 §5.7).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { NotifyType, PayloadType, ProtocolId } from '../../src/ike/constants.js';
import {
  A_WAN,
  assertHonestIntact,
  ATTACKER,
  B_WAN,
  C_WAN,
  eventsOf,
  SELECTOR_C,
  thirdConfig,
  world,
  type World,
} from './adversary.js';
import { seededRng } from './harness.js';
import { del, forge, fromHex, INFO, notify, spi32 } from './adversaryCraft.js';
import type { Payload } from '../../src/wire/index.js';

function bytes(seed: string, n: number): Uint8Array {
  const out = new Uint8Array(n);
  let h = createHash('sha256').update(seed).digest();
  for (let i = 0; i < n; i++) {
    if (i % 32 === 0 && i > 0) h = createHash('sha256').update(h).digest();
    out[i] = h[i % 32] ?? 0;
  }
  return out;
}

function attackPayloads(w: World): { name: string; payloads: Payload[] }[] {
  const cookies = fromHex(w.honestCookies.i + w.honestCookies.r);
  const inbound = w.v.installed.flatMap((ps) => ps.map((p) => p.inbound.spi));
  const outbound = w.v.installed.flatMap((ps) => ps.map((p) => p.outbound.spi));
  return [
    { name: 'D(ISAKMP cookies)', payloads: [del(ProtocolId.ISAKMP, [cookies])] },
    { name: 'D(ESP our inbound SPIs)', payloads: [del(ProtocolId.ESP, inbound.map(spi32))] },
    { name: 'D(ESP our outbound SPIs)', payloads: [del(ProtocolId.ESP, outbound.map(spi32))] },
    { name: 'D(AH outbound SPIs)', payloads: [del(ProtocolId.AH, outbound.map(spi32))] },
    {
      name: 'N(INITIAL-CONTACT)',
      payloads: [notify(NotifyType.INITIAL_CONTACT, ProtocolId.ISAKMP, cookies)],
    },
    {
      name: 'N(INVALID-SPI)',
      payloads: [notify(NotifyType.INVALID_SPI, ProtocolId.ESP, spi32(outbound[0] ?? 0))],
    },
    {
      name: 'N(AUTHENTICATION-FAILED)',
      payloads: [notify(NotifyType.AUTHENTICATION_FAILED, ProtocolId.ISAKMP, cookies)],
    },
    {
      name: 'N(NO-PROPOSAL-CHOSEN)',
      payloads: [notify(NotifyType.NO_PROPOSAL_CHOSEN, ProtocolId.ESP, spi32(outbound[0] ?? 0))],
    },
    { name: 'N(R-U-THERE)', payloads: [notify(NotifyType.R_U_THERE, ProtocolId.ISAKMP, cookies, spi32(7))] },
    {
      name: 'N(INITIAL-CONTACT)+D(ISAKMP)+D(ESP)',
      payloads: [
        notify(NotifyType.INITIAL_CONTACT, ProtocolId.ISAKMP, cookies),
        del(ProtocolId.ISAKMP, [cookies]),
        del(ProtocolId.ESP, outbound.map(spi32)),
      ],
    },
  ];
}

function spoofedCleartext(w: World): void {
  const { net, v } = w;
  const ckyI = fromHex(w.honestCookies.i);
  const ckyR = fromHex(w.honestCookies.r);
  const headers = [
    { name: 'honest cookies', ckyI, ckyR, messageId: 0x1234567 },
    { name: 'honest cookies, M-ID 0', ckyI, ckyR, messageId: 0 },
    { name: 'honest I-cookie, zero R-cookie', ckyI, ckyR: new Uint8Array(8), messageId: 0x42 },
    { name: 'random cookies', ckyI: bytes('i', 8), ckyR: bytes('r', 8), messageId: 9 },
  ];
  let n = 0;
  for (const src of [ATTACKER, A_WAN]) {
    for (const hd of headers) {
      for (const a of attackPayloads(w)) {
        const what = `${a.name} with ${hd.name} from ${src}`;
        const dropsBefore = v.engine.counters.drops;
        const eventsBefore = v.events.length;
        net.inject({
          srcAddress: src,
          srcPort: 500,
          dstAddress: B_WAN,
          dstPort: 500,
          data: forge({ ckyI: hd.ckyI, ckyR: hd.ckyR, exchange: INFO, messageId: hd.messageId }, a.payloads),
        });
        net.run(net.now + 1);
        n++;
        // (c) RFC 2408 §5.15: an unauthenticated informational acts on nothing. Its notifies
        // are reported as unauthenticated, every other payload is a counted drop; cookies of
        // an IKE SA with another peer make the whole message a counted drop.
        const fresh = v.events.slice(eventsBefore);
        const seen = fresh.some((e) => e.type === 'notifyReceived' && !e.authenticated);
        const foreign = src !== A_WAN && hd.ckyI === ckyI;
        assert.deepEqual(
          { dropped: v.engine.counters.drops > dropsBefore, reported: seen },
          {
            dropped: foreign || a.payloads.some((p) => p.type !== PayloadType.N),
            reported: !foreign && a.payloads.some((p) => p.type === PayloadType.N),
          },
          what,
        );
        assert.ok(
          !fresh.some((e) => e.type === 'notifyReceived' && e.authenticated),
          `${what}: treated as authenticated`,
        );
        assert.ok(
          !fresh.some((e) => e.type === 'ikeSaDeleted' || e.type === 'ipsecSasDeleted'),
          `${what}: tore down state`,
        );
        const ike = v.engine.listIkeSas().find((s) => s.initiatorCookie === w.honestCookies.i);
        assert.equal(ike?.state, 'QM_IDLE', `${what}: honest IKE SA gone`);
        assert.equal(v.engine.listIpsecSas().length, v.installed.length);
        for (const spi of w.honestSpis)
          assert.ok(
            v.installed.some((ps) => ps.some((p) => p.inbound.spi === spi)),
            `${what}: IPsec SA ${spi} gone`,
          );
      }
    }
  }
  assert.equal(n, 2 * headers.length * attackPayloads(w).length);
  assertHonestIntact(w);
}

test('spoofed cleartext notifies and deletes do not tear down state (victim responded to the honest peer)', () => {
  spoofedCleartext(world());
});

test('spoofed cleartext notifies and deletes do not tear down state (victim initiated)', () => {
  spoofedCleartext(world({ victimInitiates: true }));
});

test('spoofed encrypted informationals with garbage or a bad length are dropped and counted', () => {
  const w = world();
  const { net, v } = w;
  const ckyI = fromHex(w.honestCookies.i);
  const ckyR = fromHex(w.honestCookies.r);
  for (const src of [A_WAN, ATTACKER]) {
    for (const len of [0, 1, 7, 8, 15, 16, 24, 40, 64, 1000, 1024]) {
      const before = v.engine.counters.drops;
      net.inject({
        srcAddress: src,
        srcPort: 500,
        dstAddress: B_WAN,
        dstPort: 500,
        data: forge(
          { ckyI, ckyR, exchange: INFO, messageId: 0x100 + len, encrypted: true },
          bytes(`garbage${len}`, len),
        ),
      });
      assert.equal(v.engine.counters.drops, before + 1, `${len}-byte body from ${src}: one counted drop`);
    }
  }
  assert.equal(eventsOf(v, 'notifyReceived').length, 0);
  assertHonestIntact(w);
});

test('spoofed unauthenticated notify from the honest address cannot end the established SA', () => {
  // The error notify may end a negotiation that is not authenticated yet (RFC 2408 §5.15
  // leaves that to local policy), never the established IKE SA next to it.
  const w = world();
  const { net, v } = w;
  const ckyI = fromHex(w.honestCookies.i);
  const ckyR = fromHex(w.honestCookies.r);
  for (const t of [
    NotifyType.INVALID_COOKIE,
    NotifyType.PAYLOAD_MALFORMED,
    NotifyType.INVALID_HASH_INFORMATION,
  ]) {
    net.inject({
      srcAddress: A_WAN,
      srcPort: 4500,
      dstAddress: B_WAN,
      dstPort: 4500,
      data: forge({ ckyI, ckyR, exchange: INFO, messageId: 77 }, [
        notify(t, ProtocolId.ISAKMP, fromHex(w.honestCookies.i + w.honestCookies.r)),
      ]),
    });
  }
  net.run(net.now + 5);
  assert.equal(eventsOf(v, 'ikeSaDeleted').length, 0);
  assert.equal(eventsOf(v, 'notifyReceived').filter((n) => !n.authenticated).length, 3);
  assertHonestIntact(w);
});

test("an authenticated peer cannot delete another peer's SAs, even when it names the same SPIs", () => {
  const w = world();
  const { net, v } = w;
  // C draws the same random numbers as H, so it picks the same inbound SPI as H did: its
  // authenticated DELETE names an SPI V also uses outbound towards H.
  const c = net.add('C', C_WAN, thirdConfig(), { rng: seededRng(`H:${A_WAN}`) });
  net.acquire(C_WAN, SELECTOR_C);
  net.run(net.now + 10);
  assert.equal(c.installed.length, 1);
  const toH = v.installed.flatMap((ps) =>
    ps.filter((p) => p.outbound.destination === A_WAN).map((p) => p.outbound.spi),
  );
  const toC = v.installed.flatMap((ps) =>
    ps.filter((p) => p.outbound.destination === C_WAN).map((p) => p.outbound.spi),
  );
  assert.equal(toC.length, 1);
  assert.ok(toH.includes(toC[0] ?? -1), 'the scenario: V uses the same outbound SPI towards H and C');
  net.apply(c, c.engine.clearIpsec({}, net.now));
  net.run(net.now + 5);
  assert.ok(
    eventsOf(v, 'deleteReceived').some((d) => d.protocol === 'esp'),
    'V processed the authenticated DELETE',
  );
  assert.equal(
    v.installed.filter((ps) => ps.some((p) => p.outbound.destination === C_WAN)).length,
    0,
    "C's SAs gone",
  );
  net.apply(c, c.engine.clearIsakmp({}, net.now));
  net.run(net.now + 5);
  assert.equal(v.engine.listIkeSas().filter((s) => s.dst === C_WAN).length, 0, "C's IKE SA gone");
  assertHonestIntact(w, 1);
});

test('the checks can fail: a torn-down honest SA, a lost IPsec SA or a swallowed error is detected', () => {
  {
    const w = world();
    w.net.apply(w.v, w.v.engine.clearIsakmp({ peer: A_WAN }, w.net.now));
    w.net.run(w.net.now + 1);
    assert.throws(() => assertHonestIntact(w), /honest IKE SA still on V/);
  }
  {
    const w = world();
    w.net.apply(w.v, w.v.engine.clearIpsec({ peer: A_WAN }, w.net.now));
    w.net.run(w.net.now + 1);
    assert.throws(() => assertHonestIntact(w), /honest IPsec SA/);
  }
  {
    const w = world();
    w.v.events.push({ type: 'drop', connId: 0, peer: ATTACKER, reason: 'internal: TypeError' });
    assert.throws(() => assertHonestIntact(w), /untyped error/);
  }
  {
    const w = world();
    w.net.escaped.push({ host: 'V', call: 'receive', error: new Error('boom') });
    assert.throws(() => assertHonestIntact(w), /no exception escaped/);
  }
});
