// The lab topology from router configurations: a shared WAN when the crypto-map interfaces
// share a subnet, an "internet" core router otherwise, hosts on each LAN, and clear errors.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildTopology, TopologyError } from '../../src/lab/topology.js';
import { VirtualNetwork } from '../../src/net/virtual/network.js';
import { INITIATOR, RESPONDER, pairConfig } from '../gateway/helpers.js';

test('Figure 13-45: one WAN segment, a host at .2 behind each router', () => {
  const net = new VirtualNetwork();
  const t = buildTopology(net, [INITIATOR, RESPONDER]);
  assert.equal(t.wanSegments.length, 1);
  assert.deepEqual(
    t.routers.map((r) => [r.config.hostname, r.host.address, r.publicAddress]),
    [
      ['Initiator', '10.1.1.2', '172.16.172.10'],
      ['Responder', '10.1.2.2', '172.16.172.20'],
    ],
  );
});

test('WAN interfaces in different subnets are joined by a core router at the first free address', () => {
  const a = pairConfig({
    hostname: 'a',
    lan: '10.0.1.1',
    lanNet: '10.0.1.0',
    wan: '198.51.100.2',
    peer: '203.0.113.2',
    peerNet: '10.0.2.0',
  });
  const b = pairConfig({
    hostname: 'b',
    lan: '10.0.2.1',
    lanNet: '10.0.2.0',
    wan: '203.0.113.2',
    peer: '198.51.100.2',
    peerNet: '10.0.1.0',
  });
  const t = buildTopology(new VirtualNetwork(), [a, b]);
  assert.equal(t.wanSegments.length, 2);
  assert.ok(t.describe.some((l) => l.includes('-- internet 198.51.100.1')));
  assert.ok(t.describe.some((l) => l.includes('-- internet 203.0.113.1')));
});

test('errors: no crypto-map interface, no LAN, the same hostname twice', () => {
  const noMap = {
    ...INITIATOR,
    interfaces: INITIATOR.interfaces.map((i) => ({ ...i, cryptoMap: undefined })),
  };
  assert.throws(() => buildTopology(new VirtualNetwork(), [noMap, RESPONDER]), TopologyError);
  const noLan = { ...INITIATOR, interfaces: INITIATOR.interfaces.filter((i) => i.cryptoMap !== undefined) };
  assert.throws(
    () => buildTopology(new VirtualNetwork(), [noLan, RESPONDER]),
    /no second addressed interface/,
  );
  assert.throws(
    () => buildTopology(new VirtualNetwork(), [INITIATOR, { ...RESPONDER, hostname: 'Initiator' }]),
    /two routers are named Initiator/,
  );
});
