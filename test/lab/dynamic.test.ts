// A hub whose crypto map points at a dynamic map (no peer, no ACL): it answers any peer with
// the wildcard key, and the traffic back to that peer is protected by the SA it negotiated
// (the gateway instantiates the dynamic entry), so the chapter's Initiator can ping through.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runLab } from '../../src/lab/run.js';
import { realEngines } from '../../src/lab/engines.js';
import { EXAMPLE_13_1_INITIATOR } from '../../src/lab/scenarios/chapterPsk.js';

const HUB = `hostname Hub
crypto isakmp policy 1
 encr 3des
 hash sha
 authentication pre-share
crypto isakmp key jw4ep9846804ijl address 0.0.0.0 0.0.0.0
crypto ipsec transform-set myset esp-3des esp-md5-hmac
crypto dynamic-map dyn 10
 set transform-set myset
crypto map vpn 10 ipsec-isakmp dynamic dyn
interface Ethernet0/0
 ip address 10.1.2.1 255.255.255.0
interface Ethernet1/0
 ip address 172.16.172.20 255.255.255.0
 crypto map vpn
`;

test('a dynamic-map hub answers the Initiator and protects the replies', () => {
  const routers = [
    { file: 'initiator.cfg', text: EXAMPLE_13_1_INITIATOR },
    { file: 'hub.cfg', text: HUB },
  ];
  const lines: string[] = [];
  const result = runLab(
    { name: 'dynamic', title: 'dynamic hub', source: 'test', routers, pings: [{ from: 0, to: 1 }] },
    routers,
    realEngines,
    { out: (l) => lines.push(l), debug: [] },
  );
  assert.equal(result.ok, true, lines.slice(-12).join('\n'));
  const hub = result.gateways[1]!;
  const flows = hub.ipsecFlows();
  assert.equal(flows.length, 1);
  assert.deepEqual(flows[0]!.flags, [], 'a dynamic entry is not origin_is_acl');
  assert.equal(flows[0]!.currentPeer, '172.16.172.10');
  assert.equal(flows[0]!.counters.encaps, 4);
  assert.equal(flows[0]!.counters.decaps, 4);
});
