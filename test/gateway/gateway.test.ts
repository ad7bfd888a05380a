// The gateway with the real data plane over the virtual network, driven by a fake IKE
// engine: SPD from the crypto map, acquire on interesting traffic, the first packet dropped
// as IOS does, ESP both ways, counters in `show crypto ipsec sa`.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Gateway } from '../../src/gateway/gateway.js';
import { DataPlaneAdapter } from '../../src/gateway/dataPlaneAdapter.js';
import { EventBus } from '../../src/observe/bus.js';
import { VirtualNetwork } from '../../src/net/virtual/network.js';
import { buildTopology } from '../../src/lab/topology.js';
import { DEFAULT_PING, type PingResult } from '../../src/net/virtual/host.js';
import { FakeIke, INITIATOR, RESPONDER, routerAdapters } from './helpers.js';

function setup(holdQueueLimit = 0, spiBase = 0x1000) {
  const net = new VirtualNetwork({ seed: 7 });
  const topology = buildTopology(net, [INITIATOR, RESPONDER]);
  const bus = new EventBus();
  const events: string[] = [];
  bus.subscribe((e) => events.push(`${e.router}:${e.source}:${e.event.type}`));
  const ikes: FakeIke[] = [];
  const gateways = topology.routers.map((r, i) => {
    const ike = new FakeIke(r.wan.address, spiBase * (i + 1));
    ikes.push(ike);
    return new Gateway({
      config: r.config,
      adapters: routerAdapters(r),
      scheduler: net.scheduler,
      bus,
      ike,
      dataPlane: new DataPlaneAdapter(),
      holdQueueLimit,
    });
  });
  for (const g of gateways) g.start();
  return { net, topology, gateways, ikes, events };
}

function ping(s: ReturnType<typeof setup>): PingResult {
  let result: PingResult | undefined;
  const [a, b] = s.topology.routers;
  a!.host.ping(b!.host.address, DEFAULT_PING, (r) => (result = r));
  s.net.scheduler.run(1000, { stop: () => result !== undefined });
  assert.ok(result);
  return result;
}

test('the SPD follows the crypto map: one protect rule toward the peer', () => {
  const s = setup();
  const rules = s.gateways[0]!.policy;
  assert.equal(rules.length, 1);
  assert.equal(rules[0]!.rule.action, 'protect');
  assert.equal(rules[0]!.rule.peer, '172.16.172.20');
  assert.equal(rules[0]!.rule.selector.localStart, '10.1.1.0');
  assert.equal(rules[0]!.rule.selector.remoteEnd, '10.1.2.255');
});

test('first ping triggers IKE and is dropped (IOS), the next four cross the tunnel', () => {
  const s = setup();
  const result = ping(s);
  assert.deepEqual(result.replies.map((r) => (r === undefined ? '.' : '!')).join(''), '.!!!!');
  assert.equal(s.ikes[0]!.acquires.length, 1);
  assert.equal(s.ikes[0]!.acquires[0]!.peer, '172.16.172.20');
  const [flowI] = s.gateways[0]!.ipsecFlows();
  const [flowR] = s.gateways[1]!.ipsecFlows();
  assert.ok(flowI && flowR);
  assert.equal(flowI.counters.encaps, 4);
  assert.equal(flowI.counters.decaps, 4);
  assert.equal(flowI.counters.sendErrors, 1, 'the dropped triggering packet');
  assert.equal(flowR.counters.encaps, 4);
  assert.equal(flowR.counters.decaps, 4);
  const text = s.gateways[0]!.show('ipsec sa').text;
  assert.match(text, /#pkts encaps: 4, #pkts encrypt: 4, #pkts digest 4/);
  assert.match(text, /current outbound spi: 2000/);
  assert.match(text, /local ident \(addr\/mask\/prot\/port\): \(10\.1\.1\.0\/255\.255\.255\.0\/0\/0\)/);
  assert.ok(s.events.includes('Initiator:gateway:saInstalled'));
});

test('with a hold queue the triggering packet waits for the SA: !!!!!', () => {
  const s = setup(4);
  const result = ping(s);
  assert.equal(result.replies.filter((r) => r !== undefined).length, 5);
  assert.equal(s.gateways[0]!.ipsecFlows()[0]!.counters.encaps, 5);
});

test('clear crypto sa removes the SAs; the next ping negotiates again', () => {
  const s = setup();
  ping(s);
  s.gateways[0]!.clear('sa');
  s.gateways[1]!.clear('sa');
  assert.equal(s.gateways[0]!.ipsecFlows()[0]!.inboundEsp.length, 0);
  const again = ping(s);
  assert.equal(again.replies.filter((r) => r !== undefined).length, 4);
  assert.equal(s.ikes[0]!.acquires.length, 2);
  // clear crypto sa starts the counters from zero
  assert.equal(s.gateways[0]!.ipsecFlows()[0]!.counters.encaps, 4);
  assert.equal(s.gateways[0]!.ipsecFlows()[0]!.counters.sendErrors, 1);
});

test('show crypto isakmp sa and show crypto map come from engine and config', () => {
  const s = setup();
  ping(s);
  const isakmp = s.gateways[0]!.show('isakmp sa').text.split('\n');
  assert.equal(isakmp[1], '172.16.172.20 172.16.172.10 QM_IDLE        1          0');
  assert.match(
    s.gateways[0]!.show('map').text,
    /Crypto Map "vpn" 10 ipsec-isakmp\n {2}Peer = 172\.16\.172\.20/,
  );
});

test('a rekey replaces the SAs; the flow keeps counting across it (IOS counts per flow)', () => {
  const s = setup();
  ping(s);
  const [ikeI, ikeR] = s.ikes;
  const oldI = ikeI!.pairs[0]!;
  const oldR = ikeR!.pairs[0]!;
  const now = s.net.scheduler.now();
  const newPair = (ike: FakeIke, inSpi: number, outSpi: number, peer: string, old: typeof oldI) => ({
    inbound: ike.sa('inbound', inSpi, peer, old.inbound.selector),
    outbound: ike.sa('outbound', outSpi, peer, old.outbound.selector),
  });
  // Make before break: the new pair is installed during the next ping, the old one removed after it.
  ikeI!.queue(now + 0.03, [
    {
      kind: 'install',
      connId: 1,
      messageId: 2,
      peer: '172.16.172.20',
      pairs: [newPair(ikeI!, 0x5001, 0x6001, '172.16.172.20', oldI)],
    },
  ]);
  ikeR!.queue(now + 0.03, [
    {
      kind: 'install',
      connId: 1,
      messageId: 2,
      peer: '172.16.172.10',
      pairs: [newPair(ikeR!, 0x6001, 0x5001, '172.16.172.10', oldR)],
    },
  ]);
  ikeI!.queue(now + 0.5, [
    {
      kind: 'remove',
      peer: '172.16.172.20',
      pairs: [{ protocol: 'esp', inboundSpi: oldI.inbound.spi, outboundSpi: oldI.outbound.spi }],
      reason: 'rekeyed',
    },
  ]);
  ikeR!.queue(now + 0.5, [
    {
      kind: 'remove',
      peer: '172.16.172.10',
      pairs: [{ protocol: 'esp', inboundSpi: oldR.inbound.spi, outboundSpi: oldR.outbound.spi }],
      reason: 'rekeyed',
    },
  ]);
  // Both gateways re-arm their timer on the next packet they handle.
  const second = ping(s);
  s.net.scheduler.run(s.net.scheduler.now() + 1);
  assert.equal(second.replies.filter((r) => r !== undefined).length, 5);
  const flow = s.gateways[0]!.ipsecFlows()[0]!;
  assert.equal(flow.currentOutboundSpi, 0x6001, 'the new SA is current');
  assert.deepEqual(
    flow.outboundEsp.map((sa) => sa.spi),
    [0x6001],
  );
  assert.equal(flow.counters.encaps, 4 + 5, 'old and new SAs counted together');
  assert.equal(flow.counters.decaps, 4 + 5);
});

test('an SA the data plane refuses (reserved SPI 5) is reported, and the gateway keeps running', () => {
  const s = setup(0, 5);
  const result = ping(s);
  assert.equal(result.replies.filter((r) => r !== undefined).length, 0, 'no usable SA pair');
  for (const g of s.gateways) {
    const text = g.show('ipsec sa').text;
    assert.match(text, /current_peer/);
  }
  assert.ok(
    s.events.some((e) => e.endsWith(':gateway:warning')),
    'a warning event',
  );
});

test('ESP for an SPI the data plane does not hold is handed to the IKE engine with its sender', () => {
  const s = setup();
  assert.equal(ping(s).replies.filter((r) => r !== undefined).length, DEFAULT_PING.count - 1);
  // The responder loses its SAs without telling the initiator, which goes on encrypting.
  s.gateways[1]!.clear('sa');
  const outbound = s.ikes[0]!.pairs[0]!.outbound.spi;
  ping(s);
  const reported = s.ikes[1]!.invalidSpis;
  assert.ok(reported.length > 0, 'the engine heard of the unknown SPI');
  assert.deepEqual(reported[0], { peer: '172.16.172.10', spi: outbound, protocol: 'esp' });
});
