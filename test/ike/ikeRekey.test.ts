// IKE SA rekeying between two engines in memory, with a fake data plane sending one packet a
// second each way on the newest outbound SA: the responder rekeys when the initiator does not,
// the initiator's rekey leaves the peer's IPsec SAs alone, and a collision (both sides at
// once) ends with both tunnels carrying traffic.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chapterConfigs, eventsOf, Lab, type Node } from './harness.js';

const IKE_LIFE = 600;
const IPSEC_LIFE = { seconds: 300, kilobytes: 4608000 };

function lab(optsA: object = {}, optsB: object = {}): Lab {
  const spec = { policies: [{ lifetimeSeconds: IKE_LIFE }], lifetime: IPSEC_LIFE };
  const { a, b } = chapterConfigs({ a: spec, b: spec });
  const l = new Lab({ config: a, ...optsA }, { config: b, ...optsB });
  l.acquire('a');
  l.run(5);
  assert.equal(l.a.installed.length, 1);
  return l;
}

/** One packet a second each way on the newest outbound SA; lost when the peer lacks it. */
function traffic(l: Lab, until: number): { sent: number; lost: number } {
  let sent = 0;
  let lost = 0;
  const send = (from: Node, to: Node): void => {
    const spi = from.currentOutbound();
    if (spi === undefined) return;
    sent++;
    if (!to.inboundSpis().has(spi)) lost++;
  };
  for (let t = Math.ceil(l.now); t <= until; t++) {
    l.run(t);
    send(l.a, l.b);
    send(l.b, l.a);
  }
  return { sent, lost };
}

const lifetimeExpiries = (n: Node): number =>
  eventsOf(n, 'ikeSaDeleted').filter((e) => e.reason === 'lifetime expired').length;

test('the responder rekeys its IKE SA before expiry when the initiator does not; traffic crosses with no loss', () => {
  // A (the initiator) would rekey only at 99.9 % of the lifetime: B's soft point comes first.
  const l = lab({ rekey: { softFraction: 0.999, jitter: 0 } });
  const oldConn = l.b.engine.listIkeSas()[0]?.connId;
  const r = traffic(l, 900);
  assert.ok(r.sent > 1700);
  assert.equal(r.lost, 0);
  const rekeys = eventsOf(l.b, 'rekey').filter((e) => e.what === 'isakmp');
  assert.equal(rekeys.length, 1, 'B rekeyed once in the first lifetime');
  assert.equal(rekeys[0]?.connId, oldConn);
  const started = eventsOf(l.b, 'phase1Start');
  assert.equal(started.length, 1, 'B started a phase 1 as initiator');
  const newConn = started[0]?.connId;
  const bSas = l.b.engine.listIkeSas();
  assert.ok(bSas.some((s) => s.connId === newConn && s.role === 'initiator'));
  assert.ok(!bSas.some((s) => s.connId === oldConn), 'the old IKE SA is gone');
  assert.ok(eventsOf(l.b, 'ikeSaDeleted').some((e) => e.connId === oldConn && e.reason === 'rekeyed'));
  assert.equal(lifetimeExpiries(l.a) + lifetimeExpiries(l.b), 0, 'no IKE SA reached its lifetime');
  // IPsec rekeys after the IKE rekey run on the new IKE SA
  const later = eventsOf(l.b, 'ipsecSasCreated').filter((e) => e.connId === newConn);
  const laterA = eventsOf(l.a, 'ipsecSasCreated').filter(
    (e) => e.connId === l.a.engine.listIkeSas().find((s) => s.role === 'responder')?.connId,
  );
  assert.ok(later.length + laterA.length >= 1, 'a quick mode on the new IKE SA');
  assert.equal(eventsOf(l.a, 'ipsecSasDeleted').filter((e) => e.reason === 'INITIAL-CONTACT').length, 0);
});

test("the initiator's IKE rekey leaves the peer's IPsec SAs alone (no INITIAL-CONTACT), and the responder does not rekey too", () => {
  const l = lab();
  const r = traffic(l, 700);
  assert.equal(r.lost, 0);
  assert.equal(eventsOf(l.a, 'rekey').filter((e) => e.what === 'isakmp').length, 1);
  assert.equal(eventsOf(l.b, 'rekey').filter((e) => e.what === 'isakmp').length, 0, 'B saw the newer SA');
  assert.equal(eventsOf(l.b, 'ipsecSasDeleted').filter((e) => e.reason === 'INITIAL-CONTACT').length, 0);
  assert.equal(l.a.engine.listIkeSas().length, 1);
  assert.equal(l.b.engine.listIkeSas().length, 1);
});

test('both sides rekey at once: each replaces only the SA it rekeyed, both new ones carry traffic', () => {
  // A's soft point 93 %; B's responder point 85 % + 8 %: the same instant.
  const l = lab({ rekey: { softFraction: 0.93, jitter: 0 } }, { rekey: { softFraction: 0.85, jitter: 0 } });
  const r = traffic(l, 620);
  assert.equal(r.lost, 0);
  assert.equal(eventsOf(l.a, 'rekey').filter((e) => e.what === 'isakmp').length, 1);
  assert.equal(eventsOf(l.b, 'rekey').filter((e) => e.what === 'isakmp').length, 1);
  assert.equal(l.a.engine.listIkeSas().length, 2, 'two new IKE SAs, the old one deleted');
  assert.equal(l.b.engine.listIkeSas().length, 2);
  assert.equal(lifetimeExpiries(l.a) + lifetimeExpiries(l.b), 0);
  // a new quick mode works from either side afterwards
  const spi = l.a.installed[0]?.pairs[0]?.outbound.spi;
  assert.ok(spi !== undefined);
  l.apply(l.a, l.a.engine.rekeyRequest(spi, l.now));
  const after = traffic(l, l.now + 30);
  assert.equal(after.lost, 0);
});
