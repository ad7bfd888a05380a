// Diffie-Hellman outside the engine (IkeManagerOptions.dhOffload): a message that needs an
// exponentiation returns a `dh` action and waits; `dhResult` takes it up where it stopped.
// The keys are those of the same negotiation with DH inline (same seeds, same RNG order);
// the peer's retransmissions meanwhile are duplicates; a refused request drops the message
// and the retransmission is processed; an IKE SA deleted meanwhile drops its result.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chapterConfigs, eventsOf, Lab } from './harness.js';

function keysOf(lab: Lab): string[] {
  return lab.a.installed.flatMap((i) =>
    i.pairs.flatMap((p) => [
      Buffer.from(p.inbound.encryptionKey ?? []).toString('hex'),
      Buffer.from(p.outbound.integrityKey ?? []).toString('hex'),
    ]),
  );
}

for (const pfs of [undefined, 2, 14] as const) {
  test(`main mode and quick mode${pfs ? ` with PFS group ${pfs}` : ''}: the same keys with DH offloaded`, () => {
    const { a, b } = chapterConfigs(
      pfs ? { a: { cryptoMap: { pfsGroup: pfs } }, b: { cryptoMap: { pfsGroup: pfs } } } : {},
    );
    const inline = new Lab({ config: a }, { config: b });
    inline.acquire('a');
    inline.run(30);
    assert.equal(inline.dhRequests.length, 0, 'inline: no dh actions');
    const offload = new Lab({ config: a, dhOffload: true }, { config: b, dhOffload: true });
    offload.acquire('a');
    offload.run(30);
    assert.equal(offload.a.installed.length, 1);
    assert.equal(offload.b.installed.length, 1);
    assert.deepEqual(keysOf(offload), keysOf(inline));
    // A: g^xi for MM3 and g^xy on MM4 (the initiator's PFS value is built with QM1, inline);
    // B: g^xr and g^xy on MM3, and with PFS both again on QM1.
    const sides = offload.dhRequests.map((r) => `${r.side}${r.request.peerPublic ? '+' : ''}`);
    assert.deepEqual(sides, pfs ? ['a', 'b+', 'a+', 'b+'] : ['a', 'b+', 'a+']);
  });
}

test('a slow DH result: the peer retransmits, the responder answers once', () => {
  const { a, b } = chapterConfigs();
  const lab = new Lab({ config: a }, { config: b, dhOffload: true });
  lab.dhDelay = 2.5; // past the initiator's first retransmission (1 s)
  lab.acquire('a');
  lab.run(60);
  assert.equal(lab.a.installed.length, 1);
  assert.ok(lab.b.engine.counters.duplicates >= 1, 'MM3 again while its DH ran: a duplicate');
  assert.equal(lab.dhRequests.filter((r) => r.side === 'b').length, 1, 'one computation for MM3');
  const mm4 = eventsOf(lab.b, 'packet').filter(
    (p) => p.direction === 'sent' && p.payloads.includes('KE') && p.exchange === 'ID_PROT',
  );
  assert.equal(mm4.length, 1, 'MM4 sent once');
});

test('a refused DH request drops the message; the retransmission gets through', () => {
  const { a, b } = chapterConfigs();
  const lab = new Lab({ config: a }, { config: b, dhOffload: true });
  let refused = 0;
  lab.dhFilter = (side) => side !== 'b' || refused++ > 0;
  lab.acquire('a');
  lab.run(60);
  assert.equal(refused, 2);
  assert.equal(lab.a.installed.length, 1);
  assert.ok(eventsOf(lab.b, 'drop').some((d) => d.reason === 'Diffie-Hellman queue full'));
});

test('an IKE SA deleted while its DH runs: the result is dropped', () => {
  const { a, b } = chapterConfigs();
  const lab = new Lab({ config: a }, { config: b, dhOffload: true });
  lab.dhDelay = 0.5;
  lab.acquire('a');
  lab.run(0.2); // MM3 is at B, its DH not back yet
  assert.equal(lab.dhRequests.filter((r) => r.side === 'b').length, 1);
  lab.apply(lab.b, lab.b.engine.clearIsakmp({}, lab.now));
  const sentBefore = lab.b.sent.length;
  lab.run(0.8);
  assert.equal(lab.b.sent.length, sentBefore, 'nothing sent for the deleted SA');
  assert.equal(lab.b.engine.listIkeSas().length, 0);
});
