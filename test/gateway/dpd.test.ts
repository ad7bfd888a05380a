// On-demand DPD through the whole gateway (real IKE manager and data plane, Figure 13-45 on
// the virtual network): the data plane's packets reach the engine through trafficSeen, so a
// tunnel whose peer went silent is queried and cleared, while an idle or answered one is not.

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
  const net = new VirtualNetwork({ seed: 9, startSeconds: 100 });
  const configs = [
    parseConfigText(`${EXAMPLE_13_1_INITIATOR}\ncrypto isakmp keepalive 10 2\n`, 'i.cfg'),
    parseConfigText(EXAMPLE_13_2_RESPONDER, 'r.cfg'),
  ];
  const topology = buildTopology(net, configs);
  const bus = new EventBus();
  const dpd: { at: number; router: string; what: string }[] = [];
  bus.subscribe((e) => {
    if (e.source !== 'ike') return;
    if (e.event.type === 'dpd')
      dpd.push({ at: e.time, router: e.router, what: `${e.event.kind} ${e.event.direction}` });
    if (e.event.type === 'peerDead') dpd.push({ at: e.time, router: e.router, what: 'dead' });
  });
  const gateways = startRealGateways(net, topology, bus, 70);
  const ping = (count = 5): string => {
    let result: PingResult | undefined;
    topology.routers[0]!.host.ping(
      topology.routers[1]!.host.address,
      { ...DEFAULT_PING, count },
      (r) => (result = r),
    );
    net.scheduler.run(net.scheduler.now() + 4 * count + 10, { stop: () => result !== undefined });
    assert.ok(result);
    return result.replies.map((r) => (r === undefined ? '.' : '!')).join('');
  };
  return { net, gateways, ping, dpd };
}

test('gateway: answered traffic and idleness make no query; a silent peer is queried and cleared', () => {
  const s = setup();
  const [initiator, responder] = s.gateways;
  assert.equal(s.ping(), '.!!!!');
  s.net.scheduler.run(s.net.scheduler.now() + 60);
  assert.equal(s.ping(20), '!'.repeat(20), 'two-way traffic for 40 s');
  s.net.scheduler.run(s.net.scheduler.now() + 60);
  assert.equal(s.dpd.length, 0, 'no R-U-THERE while traffic is answered or the tunnel idle');

  responder!.stop();
  const start = s.net.scheduler.now();
  assert.equal(s.ping(15), '.'.repeat(15));
  const sent = s.dpd.filter((d) => d.router === initiator!.name && d.what === 'R_U_THERE sent');
  const dead = s.dpd.find((d) => d.what === 'dead');
  assert.equal(sent.length, 5);
  assert.ok(dead, `no verdict: ${JSON.stringify(s.dpd)}`);
  assert.ok(dead.at - start <= 10 + 5 * 2 + 1, `dead after ${dead.at - start} s`);
  assert.equal(initiator!.isakmpSas().filter((sa) => sa.state === 'QM_IDLE').length, 0);
  assert.equal(initiator!.ipsecFlows()[0]?.outboundEsp.length ?? 0, 0, 'IPsec SAs gone from the data plane');
});
