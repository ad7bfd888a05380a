// Recovery of the SA lifecycle (issue 9, failures 1, 2, 3, 9, 12): whatever happens to an IKE
// SA or to a quick-mode message, traffic toward the peer flows again or starts a negotiation,
// and no IPsec SA that the peer has dropped lives on silently. (The proxy-ID refusal wording
// is checked in negotiate.test.ts, clear crypto isakmp in lifecycle.test.ts.)

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NotifyType, PayloadType, ProtocolId } from '../../src/ike/constants.js';
import { A_WAN, B_WAN, chapterConfigs, eventsOf, Lab, SELECTOR_A } from './harness.js';
import { hostilePlaintext } from './adversary.js';
import { notify } from './adversaryCraft.js';
import { mirror } from '../../src/ike/selectors.js';

function established(mod: Parameters<typeof chapterConfigs>[0] = {}): Lab {
  const { a, b } = chapterConfigs(mod);
  const lab = new Lab({ config: a }, { config: b });
  lab.acquire('a');
  lab.run(5);
  assert.equal(lab.a.installed.length, 1);
  assert.equal(lab.b.installed.length, 1);
  return lab;
}

/** QM3: a quick-mode message (exchange 32) holding only HASH(3), far shorter than QM1/QM2. */
function isQm3(data: Uint8Array): boolean {
  return data[18] === 32 && data.length < 80;
}

/** A second, narrower flow (one host to one host) inside the chapter's ACL. */
const HOST_SELECTOR = { ...SELECTOR_A, localStart: '10.1.1.5', localEnd: '10.1.1.5' };

test('an acquire never rides an IKE SA about to expire: a new phase 1 starts', () => {
  const lab = established({
    a: { policies: [{ lifetimeSeconds: 100 }] },
    b: { policies: [{ lifetimeSeconds: 100 }] },
  });
  lab.run(75); // inside the 30 s margin, before the soft rekey (80-85 s)
  const before = eventsOf(lab.a, 'phase1Start').length;
  lab.acquire('a', HOST_SELECTOR);
  lab.run(lab.now + 5);
  assert.equal(
    eventsOf(lab.a, 'phase1Start').length,
    before + 1,
    'a new main mode, not a quick mode on the old SA',
  );
});

test('replayed and spoofed MM1s from the peer address never block a negotiation with it', () => {
  const { a, b } = chapterConfigs();
  // An MM1 of B's, recorded elsewhere: the material an attacker replays.
  const recorder = new Lab({ config: a }, { config: b, seed: 'recorded' });
  recorder.filter = () => false;
  recorder.acquire('b', mirror(SELECTOR_A));
  const mm1 = recorder.b.sent[0];
  assert.ok(mm1);
  const lab = new Lab({ config: a }, { config: b });
  // A burst "from B" into A: 40 valid-looking MM1s with fresh cookies, each replayed, and junk.
  for (let i = 0; i < 40; i++) {
    const copy = mm1.slice();
    copy[0] = 0xa0;
    copy[1] = i;
    lab.inject('a', copy);
    lab.inject('a', copy);
    lab.inject('a', copy.slice(0, 20 + i));
  }
  lab.run(lab.now + 0.5);
  // A's own traffic toward B: a half-open responder SA is no IKE SA for an acquire.
  lab.acquire('a');
  lab.run(lab.now + 5);
  assert.equal(lab.a.installed.length, 1, 'A negotiates with B despite the half-open SAs');
  // And B's next negotiation gets into A although A holds a source's worth of half-open SAs.
  for (let i = 0; i < 40; i++) {
    const copy = mm1.slice();
    copy[0] = 0xb0;
    copy[1] = i;
    lab.inject('a', copy);
  }
  lab.acquire('b', mirror(HOST_SELECTOR));
  lab.run(lab.now + 5);
  assert.equal(lab.b.installed.length, 2, 'B negotiates into A after the burst');
});

test('QM3 lost: ESP on the offered SPI makes the responder delete its offer; the initiator follows', () => {
  const { a, b } = chapterConfigs();
  const lab = new Lab({ config: a }, { config: b });
  lab.filter = (from, data) => !(from === 'a' && isQm3(data));
  lab.acquire('a');
  lab.run(3);
  assert.equal(lab.a.installed.length, 1, 'the initiator installed');
  assert.equal(lab.b.installed.length, 0, 'the responder never saw QM3');
  const spi = lab.a.installed[0]?.pairs[0]?.outbound.spi;
  assert.ok(spi !== undefined);
  // The data plane of B drops A's ESP for that SPI and tells the engine.
  lab.apply(lab.b, lab.b.engine.invalidSpi(A_WAN, spi, 'esp', lab.now));
  lab.run(lab.now + 1);
  assert.equal(lab.a.installed.length, 0, 'A removed the half-up SA');
  assert.ok(eventsOf(lab.a, 'deleteReceived').some((d) => d.protocol === 'esp'));
  lab.filter = undefined;
  lab.acquire('a');
  lab.run(lab.now + 5);
  assert.equal(lab.a.installed.length, 1);
  assert.equal(lab.b.installed.length, 1);
});

test('QM3 lost for good: the responder that gives up deletes what it offered', () => {
  const { a, b } = chapterConfigs();
  const lab = new Lab({ config: a }, { config: b });
  lab.filter = (from, data) => !(from === 'a' && isQm3(data));
  lab.acquire('a');
  lab.run(200);
  assert.equal(lab.b.installed.length, 0);
  assert.equal(lab.a.installed.length, 0, 'the initiator followed the DELETE');
  // Each QM2 retransmission was answered with the cached QM3: those count as messages sent.
  const qm3Sent = eventsOf(lab.a, 'packet').filter(
    (p) => p.direction === 'sent' && p.exchange === 'QUICK_MODE' && p.retransmission === true,
  );
  assert.ok(qm3Sent.length >= 5, `QM3 sent again ${qm3Sent.length} times`);
});

test('INVALID-SPI: rate-limited notify; the peer removes that SA and renegotiates', () => {
  const lab = established();
  const spi = lab.a.installed[0]?.pairs[0]?.outbound.spi;
  assert.ok(spi !== undefined);
  for (let i = 0; i < 50; i++) lab.apply(lab.b, lab.b.engine.invalidSpi(A_WAN, spi, 'esp', lab.now));
  const notifies = eventsOf(lab.b, 'notifySent').filter((n) => n.notify === 'INVALID_SPI');
  assert.equal(notifies.length, 1, 'one notify per SPI and interval');
  assert.equal(notifies[0]?.protocol, ProtocolId.ESP);
  lab.run(lab.now + 3);
  const got = eventsOf(lab.a, 'invalidSpi')[0];
  assert.equal(got?.direction, 'received');
  assert.equal(got?.spi, spi);
  assert.equal(lab.a.installed.length, 1, 'a new pair replaced it');
  assert.notEqual(lab.a.installed[0]?.pairs[0]?.outbound.spi, spi);
  assert.equal(lab.b.installed.length, 1);
  // An unknown SPI from an address with no crypto map is a counted drop, nothing sent.
  const sent = lab.b.sent.length;
  lab.apply(lab.b, lab.b.engine.invalidSpi('198.51.100.9', 0x1234, 'esp', lab.now));
  assert.equal(lab.b.sent.length, sent);
});

test('an authenticated phase-2 error notify with SPI 0 (strongSwan) ends our quick mode at once', () => {
  for (const notifyType of [NotifyType.NO_PROPOSAL_CHOSEN, NotifyType.INVALID_ID_INFORMATION]) {
    const { a, b } = chapterConfigs({
      b: {
        transformSets: [
          { name: 'other', espEncryption: 'esp-aes', espIntegrity: 'esp-sha-hmac', mode: 'tunnel' },
        ],
      },
    });
    const lab = new Lab({ config: a }, { config: b });
    // B answers as strongSwan does: N(notifyType), protocol ESP, SPI size 4, SPI 0.
    const restore = hostilePlaintext(B_WAN, (kind, ps) =>
      kind === 'info' && ps.some((p) => p.type === PayloadType.N)
        ? [notify(notifyType, ProtocolId.ESP, new Uint8Array(4))]
        : undefined,
    );
    try {
      lab.acquire('a');
      lab.run(30);
    } finally {
      restore();
    }
    const qmStart = eventsOf(lab.a, 'begin').find((e) => e.exchange === 'quick');
    assert.ok(qmStart);
    const ended = eventsOf(lab.a, 'nodeDeleted').find((n) => n.error && n.messageId === qmStart.messageId);
    assert.ok(ended, 'the quick mode ended');
    assert.match(ended.reason, /peer sent (NO_PROPOSAL_CHOSEN|INVALID_ID_INFORMATION)/);
    assert.equal(
      eventsOf(lab.a, 'retransmit').filter((r) => r.messageId === qmStart.messageId).length,
      0,
      'no QM1 retransmitted into the refusal',
    );
    assert.ok(eventsOf(lab.a, 'acquireFailed').length === 1, 'the acquire is reported over');
    assert.equal(eventsOf(lab.a, 'peerRefused')[0]?.authenticated, true);
    assert.equal(eventsOf(lab.a, 'notifyReceived').find((n) => n.authenticated)?.protocol, ProtocolId.ESP);
  }
});

test('a phase-1 refusal is reported as a refusal, not as a silent peer', () => {
  const { a, b } = chapterConfigs({ b: { policies: [{ encryption: 'aes', hash: 'sha256', group: 14 }] } });
  const lab = new Lab({ config: a }, { config: b });
  lab.acquire('a');
  lab.run(30);
  assert.equal(eventsOf(lab.a, 'giveUp').length, 0);
  const refused = eventsOf(lab.a, 'peerRefused')[0];
  assert.equal(refused?.notify, 'NO_PROPOSAL_CHOSEN');
  assert.equal(refused?.messageId, 0);
  assert.equal(eventsOf(lab.a, 'acquireFailed').length, 1);
});

test('an acquire for traffic whose SA the data plane no longer has starts a quick mode', () => {
  const lab = established();
  const old = lab.a.installed[0]?.pairs[0]?.inbound.spi;
  // The data plane removed the SA (hard volume limit) and asks again for the same traffic.
  const quickModes = eventsOf(lab.a, 'begin').filter((e) => e.exchange === 'quick').length;
  lab.acquire('a');
  lab.run(lab.now + 15);
  assert.equal(eventsOf(lab.a, 'begin').filter((e) => e.exchange === 'quick').length, quickModes + 1);
  assert.equal(lab.a.installed.length, 1, 'the new pair replaced the old one after the overlap');
  assert.notEqual(lab.a.installed[0]?.pairs[0]?.inbound.spi, old);
});

test('an IKE SA that expires without a successor takes its IPsec SAs along, with DELETEs', () => {
  const noRekey = { policies: [{ lifetimeSeconds: 100 }] };
  const { a, b } = chapterConfigs({ a: noRekey, b: noRekey });
  const lab = new Lab(
    { config: a, rekey: { softFraction: 2, jitter: 0 } },
    { config: b, rekey: { softFraction: 2, jitter: 0 } },
  );
  lab.acquire('a');
  lab.run(5);
  assert.equal(lab.b.installed.length, 1);
  lab.run(110);
  assert.deepEqual(lab.a.engine.listIkeSas(), []);
  assert.equal(lab.a.installed.length, 0);
  assert.equal(lab.b.installed.length, 0);
  // The side whose IKE SA expired first told the other (B: its phase 1 ended a message earlier).
  assert.ok(eventsOf(lab.a, 'deleteReceived').some((d) => d.protocol === 'esp'));
  lab.acquire('a');
  lab.run(lab.now + 5);
  assert.equal(lab.a.installed.length, 1, 'traffic builds a new IKE SA and quick mode');
});
