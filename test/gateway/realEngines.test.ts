// The gateway with the real IKE manager and data plane on Figure 13-45: `clear crypto sa`
// deletes the IPsec SAs on both ends (the peer hears a DELETE), the IKE SA stays in QM_IDLE,
// and the next ping negotiates a fresh pair by quick mode alone.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chapterPair } from './chapterPair.js';

function setup() {
  return chapterPair({ seed: 5, rngSeed: 40, startSeconds: 100 });
}

test('clear crypto sa, then quick mode again over the same IKE SA', () => {
  const s = setup();
  assert.equal(s.ping(), '.!!!!');
  const [initiator, responder] = s.gateways;
  const firstSpi = initiator!.ipsecFlows()[0]!.currentOutboundSpi;
  initiator!.clear('sa');
  s.net.scheduler.run(s.net.scheduler.now() + 1);
  assert.equal(initiator!.ipsecFlows()[0]!.outboundEsp.length, 0);
  assert.equal(responder!.ipsecFlows()[0]!.outboundEsp.length, 0, 'the peer deleted its SAs on our DELETE');
  assert.deepEqual(
    initiator!.isakmpSas().map((sa) => sa.state),
    ['QM_IDLE'],
  );
  assert.equal(s.ping(), '.!!!!');
  const flow = initiator!.ipsecFlows()[0]!;
  assert.notEqual(flow.currentOutboundSpi, firstSpi);
  assert.equal(flow.counters.encaps, 4, 'counters of the new SA pair');
  assert.equal(s.events.filter((e) => e === 'Initiator ikeSaCreated').length, 1, 'phase 1 ran once');
});

test('clear crypto isakmp removes the IKE SA; the next ping runs main mode again', () => {
  const s = setup();
  assert.equal(s.ping(), '.!!!!');
  const [initiator] = s.gateways;
  initiator!.clear('isakmp');
  s.net.scheduler.run(s.net.scheduler.now() + 1);
  assert.deepEqual(initiator!.isakmpSas(), []);
  initiator!.clear('sa');
  s.gateways[1]!.clear('sa');
  s.net.scheduler.run(s.net.scheduler.now() + 1);
  assert.equal(s.ping(), '.!!!!');
  assert.equal(s.events.filter((e) => e === 'Initiator ikeSaCreated').length, 2);
});
