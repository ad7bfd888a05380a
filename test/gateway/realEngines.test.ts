// The gateway with the real IKE manager and data plane on Figure 13-45: `clear crypto sa`
// deletes the IPsec SAs on both ends (the peer hears a DELETE), the IKE SA stays in QM_IDLE,
// and the next ping negotiates a fresh pair by quick mode alone.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfigText } from '../../src/gateway/configFile.js';
import { EventBus } from '../../src/observe/bus.js';
import { VirtualNetwork } from '../../src/net/virtual/network.js';
import { buildTopology } from '../../src/lab/topology.js';
import { DEFAULT_PING, type PingResult } from '../../src/net/virtual/host.js';
import { startRealGateways } from './helpers.js';
import { EXAMPLE_13_1_INITIATOR, EXAMPLE_13_2_RESPONDER } from '../../src/lab/scenarios/chapterPsk.js';

function setup() {
  const net = new VirtualNetwork({ seed: 5, startSeconds: 100 });
  const configs = [
    parseConfigText(EXAMPLE_13_1_INITIATOR, 'i.cfg'),
    parseConfigText(EXAMPLE_13_2_RESPONDER, 'r.cfg'),
  ];
  const topology = buildTopology(net, configs);
  const bus = new EventBus();
  const events: string[] = [];
  bus.subscribe((e) => events.push(`${e.router} ${e.event.type}`));
  const gateways = startRealGateways(net, topology, bus, 40);
  const ping = (): string => {
    let result: PingResult | undefined;
    topology.routers[0]!.host.ping(topology.routers[1]!.host.address, DEFAULT_PING, (r) => (result = r));
    net.scheduler.run(net.scheduler.now() + 60, { stop: () => result !== undefined });
    assert.ok(result);
    return result.replies.map((r) => (r === undefined ? '.' : '!')).join('');
  };
  return { net, gateways, ping, events };
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
