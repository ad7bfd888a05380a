// SA lifecycle: deletes both ways, concurrent quick modes, rekey (time and volume) with a fake
// data plane counting packets across it, IKE SA rekey, INITIAL-CONTACT, DPD, commit bit.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chapterConfigs, eventsOf, Lab, SELECTOR_A, type Node } from './harness.js';
import { IkeManager } from '../../src/ike/index.js';
import { seededRng } from './harness.js';
import { mirror } from '../../src/ike/selectors.js';

function established(mod: Parameters<typeof chapterConfigs>[0] = {}, optsA = {}, optsB = {}): Lab {
  const { a, b } = chapterConfigs(mod);
  const lab = new Lab({ config: a, ...optsA }, { config: b, ...optsB });
  lab.acquire('a');
  lab.run(5);
  assert.equal(lab.a.installed.length, 1);
  assert.equal(lab.b.installed.length, 1);
  return lab;
}

test('clear crypto sa on the initiator deletes the pair on both sides', () => {
  const lab = established();
  lab.apply(lab.a, lab.a.engine.clearIpsec({}, lab.now));
  lab.run(lab.now + 1);
  assert.equal(lab.a.installed.length, 0);
  assert.equal(lab.b.installed.length, 0);
  const sentD = eventsOf(lab.a, 'packet')
    .filter((p) => p.direction === 'sent' && p.exchange === 'INFORMATIONAL_V1')
    .pop();
  assert.deepEqual(sentD?.payloads, ['HASH', 'D']);
  assert.equal(eventsOf(lab.b, 'deleteReceived')[0]?.protocol, 'esp');
  assert.equal(lab.b.engine.listIkeSas()[0]?.state, 'QM_IDLE', 'the IKE SA stays');
});

test('clear crypto sa on the responder deletes the pair on both sides', () => {
  const lab = established();
  lab.apply(lab.b, lab.b.engine.clearIpsec({ peer: '172.16.172.10' }, lab.now));
  lab.run(lab.now + 1);
  assert.equal(lab.a.installed.length, 0);
  assert.equal(lab.b.installed.length, 0);
});

test('clear crypto isakmp deletes the IKE SA on both sides, with the IPsec SAs it negotiated', () => {
  for (const side of ['a', 'b'] as const) {
    const lab = established();
    const n = lab.node(side);
    lab.apply(n, n.engine.clearIsakmp({}, lab.now));
    lab.run(lab.now + 1);
    assert.deepEqual(lab.a.engine.listIkeSas(), []);
    assert.deepEqual(lab.b.engine.listIkeSas(), []);
    // strongSwan drops its IPsec SAs with the IKE SA: ours go too, each DELETE before the IKE SA's.
    assert.equal(lab.a.installed.length, 0);
    assert.equal(lab.b.installed.length, 0);
    assert.deepEqual(
      eventsOf(lab.node(side === 'a' ? 'b' : 'a'), 'deleteReceived').map((d) => d.protocol),
      ['esp', 'isakmp'],
    );
    // New traffic builds a new IKE SA and quick mode.
    lab.acquire('a', {
      ...SELECTOR_A,
      protocol: 6,
      localStart: '10.1.1.5',
      localEnd: '10.1.1.5',
      remoteStart: '10.1.2.7',
      remoteEnd: '10.1.2.7',
      remotePortStart: 80,
      remotePortEnd: 80,
    });
    lab.run(lab.now + 5);
    assert.equal(lab.a.engine.listIkeSas().length, 1);
    assert.equal(lab.a.installed.length, 1);
  }
});

test('an unauthenticated DELETE or notify does not tear down an established SA', () => {
  const lab = established();
  const sa = lab.a.engine.listIkeSas()[0];
  assert.ok(sa);
  // A clear informational with the right cookies and an error notify.
  const hdr = Buffer.from(sa.initiatorCookie + sa.responderCookie, 'hex');
  const n = Buffer.from('0000000c000000010100000e', 'hex'); // N: DOI 1, proto ISAKMP, NO_PROPOSAL_CHOSEN
  const msg = Buffer.concat([
    hdr,
    Buffer.from([11, 0x10, 5, 0]),
    Buffer.from('00000000', 'hex'),
    Buffer.alloc(4),
    n,
  ]);
  msg.writeUInt32BE(msg.length, 24);
  lab.inject('a', new Uint8Array(msg));
  assert.equal(eventsOf(lab.a, 'notifyReceived').pop()?.authenticated, false);
  assert.equal(lab.a.engine.listIkeSas().length, 1);
  assert.equal(lab.a.installed.length, 1);
});

test('concurrent quick modes on one IKE SA, keyed by message ID', () => {
  const { a, b } = chapterConfigs();
  const lab = new Lab({ config: a }, { config: b });
  const host = {
    ...SELECTOR_A,
    protocol: 6,
    localStart: '10.1.1.5',
    localEnd: '10.1.1.5',
    remoteStart: '10.1.2.7',
    remoteEnd: '10.1.2.7',
    remotePortStart: 80,
    remotePortEnd: 80,
  };
  const range = { ...SELECTOR_A, localStart: '10.1.1.16', localEnd: '10.1.1.40' };
  lab.acquire('a');
  lab.acquire('a', host);
  lab.acquire('a', range);
  lab.run(10);
  assert.equal(lab.a.installed.length, 3);
  assert.equal(lab.b.installed.length, 3);
  const mids = new Set(
    eventsOf(lab.a, 'begin')
      .filter((e) => e.exchange === 'quick')
      .map((e) => e.messageId),
  );
  assert.equal(mids.size, 3);
  const sent = eventsOf(lab.a, 'packet').filter(
    (p) => p.exchange === 'QUICK_MODE' && p.direction === 'sent' && p.payloads.length > 1,
  );
  assert.equal(sent.length, 3, 'three QM1 in flight before any QM2');
  const bSelectors = lab.b.installed.map((i) => i.pairs[0]?.inbound.selector);
  assert.ok(
    bSelectors.some((s) => s?.remoteStart === '10.1.1.16' && s.remoteEnd === '10.1.1.40'),
    'range proxy ID',
  );
  assert.ok(
    bSelectors.some((s) => s?.protocol === 6 && s.localPortStart === 80 && s.localPortEnd === 80),
    'host/tcp/80 proxy ID',
  );
  assert.equal(
    new Set(lab.a.installed.flatMap((i) => i.pairs.map((p) => p.inbound.spi))).size,
    3,
    'SPIs unique',
  );
});

/** A fake data plane: every second each side sends one packet on its newest outbound SA. */
function trafficAcross(lab: Lab, until: number): { sent: number; lost: number; spis: Set<number> } {
  let sent = 0;
  let lost = 0;
  const spis = new Set<number>();
  const send = (from: Node, to: Node): void => {
    const spi = from.currentOutbound();
    if (spi === undefined) return;
    sent++;
    spis.add(spi);
    if (!to.inboundSpis().has(spi)) lost++;
  };
  for (let t = Math.ceil(lab.now); t <= until; t++) {
    lab.run(t);
    send(lab.a, lab.b);
    send(lab.b, lab.a);
    lab.run(t + 0.02);
  }
  return { sent, lost, spis };
}

test('rekey before expiry, make before break: traffic counted across two rekeys loses nothing', () => {
  const lab = established({
    a: { lifetime: { seconds: 120, kilobytes: 4608000 } },
    b: { lifetime: { seconds: 120, kilobytes: 4608000 } },
  });
  const r = trafficAcross(lab, 330);
  assert.ok(r.sent > 600);
  assert.equal(r.lost, 0);
  const rekeys = eventsOf(lab.a, 'rekey').filter((e) => e.what === 'ipsec').length;
  assert.ok(rekeys >= 2, `rekeys ${rekeys}`);
  assert.ok(r.spis.size >= 6, 'new SPIs in use after each rekey (both directions)');
  assert.equal(lab.a.installed.length, 1, 'old SAs removed after the overlap');
  assert.equal(lab.b.installed.length, 1);
  const del = eventsOf(lab.a, 'ipsecSasDeleted').map((e) => e.reason);
  assert.ok(del.includes('replaced by rekey'));
  // soft lifetime with jitter: the rekey happened between 80 % and 85 % of 120 s
  const first = eventsOf(lab.a, 'rekey')[0];
  assert.ok(first);
  const t = lab.a.events.indexOf(first);
  assert.ok(t > 0);
});

test('volume lifetime: the data plane asks for a rekey with rekeyRequest', () => {
  const lab = established();
  const spi = lab.a.installed[0]?.pairs[0]?.outbound.spi;
  assert.ok(spi !== undefined);
  lab.apply(lab.a, lab.a.engine.rekeyRequest(spi, lab.now));
  const r = trafficAcross(lab, lab.now + 30);
  assert.equal(r.lost, 0);
  assert.equal(eventsOf(lab.a, 'rekey').length, 1);
  assert.equal(lab.a.installed.length, 1);
  assert.notEqual(lab.a.installed[0]?.pairs[0]?.outbound.spi, spi);
});

test('IKE SA rekey: a new main mode before the old SA expires, then the old one is deleted', () => {
  const lab = established({
    a: { policies: [{ lifetimeSeconds: 600 }] },
    b: { policies: [{ lifetimeSeconds: 600 }] },
  });
  const before = lab.a.engine.listIkeSas()[0]?.connId;
  lab.run(560);
  const sas = lab.a.engine.listIkeSas();
  assert.equal(sas.length, 1);
  assert.notEqual(sas[0]?.connId, before);
  assert.equal(lab.b.engine.listIkeSas().length, 1);
  assert.equal(eventsOf(lab.a, 'rekey').filter((e) => e.what === 'isakmp').length, 1);
});

test('INITIAL-CONTACT: a rebooted peer makes us drop the stale SAs', () => {
  const lab = established();
  const { a } = chapterConfigs();
  // A reboots: a fresh engine with the same configuration.
  lab.a.engine = new IkeManager({ config: a, rng: seededRng('reboot'), localAddresses: ['172.16.172.10'] });
  lab.a.installed = [];
  lab.acquire('a');
  lab.run(lab.now + 5);
  assert.equal(lab.b.engine.listIkeSas().length, 1, 'old IKE SA replaced');
  assert.equal(lab.b.installed.length, 1, 'stale IPsec SAs removed, new ones in');
  assert.ok(eventsOf(lab.b, 'ipsecSasDeleted').some((e) => e.reason === 'INITIAL-CONTACT'));
  assert.ok(eventsOf(lab.b, 'ikeSaDeleted').some((e) => e.reason === 'INITIAL-CONTACT'));
});

test('DPD: R-U-THERE answered with R-U-THERE-ACK; a dead peer is detected and cleaned up', () => {
  const lab = established({ a: { keepalive: { seconds: 10, retry: 2, mode: 'periodic' } } });
  lab.run(lab.now + 25);
  const sentA = eventsOf(lab.a, 'dpd').filter((e) => e.kind === 'R_U_THERE' && e.direction === 'sent');
  const acks = eventsOf(lab.a, 'dpd').filter((e) => e.kind === 'R_U_THERE_ACK' && e.direction === 'received');
  assert.ok(sentA.length >= 2);
  assert.equal(acks.length, sentA.length);
  assert.equal(acks[0]?.sequence, sentA[0]?.sequence);
  lab.faults = { dead: true };
  lab.run(lab.now + 40);
  assert.deepEqual(lab.a.engine.listIkeSas(), []);
  assert.equal(lab.a.installed.length, 0);
  assert.equal(eventsOf(lab.a, 'peerDead').length, 1);
});

test('commit bit: the initiator installs only after the CONNECTED notify', () => {
  const { a, b } = chapterConfigs();
  const lab = new Lab({ config: a, commitBit: true }, { config: b });
  lab.acquire('a');
  lab.run(5);
  assert.equal(lab.a.installed.length, 1);
  assert.equal(lab.b.installed.length, 1);
  assert.ok(eventsOf(lab.b, 'notifySent').some((n) => n.notify === 'NOTIFY(16384)'));
  const qm1 = lab.a.sent.find((d) => d[18] === 32);
  assert.equal((qm1?.[19] ?? 0) & 2, 2, 'commit flag set in QM1');
  // and when CONNECTED is lost the initiator does not install
  const lab2 = new Lab({ config: a, commitBit: true }, { config: b });
  lab2.filter = (from, data) => !(from === 'b' && data[18] === 5);
  lab2.acquire('a');
  lab2.run(5);
  assert.equal(lab2.a.installed.length, 0);
  assert.equal(lab2.b.installed.length, 1);
  void mirror;
});

test("both sides acquire at once: two IKE SAs and two pairs, no side deletes the other's, no loss through rekeys", () => {
  const life = { seconds: 300, kilobytes: 4608000 };
  const { a, b } = chapterConfigs({ a: { lifetime: life }, b: { lifetime: life } });
  const lab = new Lab({ config: a }, { config: b });
  lab.acquire('a');
  lab.acquire('b', mirror(SELECTOR_A));
  lab.run(5);
  assert.equal(lab.a.engine.listIkeSas().length, 2);
  assert.equal(lab.a.installed.length, 2);
  assert.equal(lab.b.installed.length, 2);
  const r = trafficAcross(lab, 1000);
  assert.equal(r.lost, 0);
  assert.ok(lab.a.installed.length >= 1 && lab.b.installed.length >= 1);
  const aOut = lab.a.currentOutbound();
  const bOut = lab.b.currentOutbound();
  assert.ok(aOut !== undefined && lab.b.inboundSpis().has(aOut));
  assert.ok(bOut !== undefined && lab.a.inboundSpis().has(bOut));
});
