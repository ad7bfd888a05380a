// An ISAKMP policy the gateway cannot run (rsa-sig) beside a pre-share one is inert, as IOS
// would treat it: both gateways start, never offer or accept the rsa-sig policy, and phase 1
// completes with the pre-share policy 20.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createGateway } from '../../src/gateway/create.js';
import { parseConfigText } from '../../src/gateway/configFile.js';
import { EventBus } from '../../src/observe/bus.js';
import { VirtualNetwork } from '../../src/net/virtual/network.js';
import { SeededRandom } from '../../src/net/virtual/rng.js';
import { buildTopology } from '../../src/lab/topology.js';
import { DEFAULT_PING, type PingResult } from '../../src/net/virtual/host.js';
import type { Phase1Check } from '../../src/policy/proposal.js';
import { EXAMPLE_13_1_INITIATOR, EXAMPLE_13_2_RESPONDER } from '../../src/lab/scenarios/chapterPsk.js';

/** Policy 10 with RSA signatures first, then the chapter's pre-share policy renumbered 20. */
const RSA_SIG_10 = 'crypto isakmp policy 10\n encr 3des\n hash sha\n authentication rsa-sig\n';
const withRsaPolicy = (text: string): string =>
  text.replace(/crypto isakmp policy 1\n/, `${RSA_SIG_10}crypto isakmp policy 20\n`);

test('rsa-sig policy 10 and pre-share policy 20: both start and phase 1 uses policy 20', () => {
  const initiatorText = withRsaPolicy(EXAMPLE_13_1_INITIATOR);
  const responderText = withRsaPolicy(EXAMPLE_13_2_RESPONDER);
  assert.match(initiatorText, /authentication rsa-sig[^]*crypto isakmp policy 20/);
  assert.match(responderText, /authentication rsa-sig[^]*crypto isakmp policy 20/);
  const net = new VirtualNetwork({ seed: 5, startSeconds: 100 });
  const topology = buildTopology(net, [
    parseConfigText(initiatorText, 'i.cfg'),
    parseConfigText(responderText, 'r.cfg'),
  ]);
  const bus = new EventBus();
  const checks: { router: string; check: Phase1Check }[] = [];
  let created = 0;
  bus.subscribe((e) => {
    if (e.source !== 'ike') return;
    if (e.event.type === 'phase1Check') checks.push({ router: e.router, check: e.event.check });
    if (e.event.type === 'ikeSaCreated') created++;
  });
  topology.routers.forEach((r, i) => {
    const random = new SeededRandom(40 + i);
    createGateway({
      config: r.config,
      adapters: {
        udp: [r.router.udpEndpoint(r.wan.address, 500), r.router.udpEndpoint(r.wan.address, 4500)],
        raw: [r.router.rawEndpoint(r.wan.address)],
        tunnel: r.router.packetTunnel(),
      },
      scheduler: net.scheduler,
      bus,
      rng: { randomBytes: (n) => random.bytes(n) },
    }).start();
  });
  let result: PingResult | undefined;
  const [initiator, responder] = topology.routers;
  assert.ok(initiator && responder);
  initiator.host.ping(responder.host.address, DEFAULT_PING, (r) => (result = r));
  net.scheduler.run(net.scheduler.now() + 60, { stop: () => result !== undefined });
  assert.equal(result?.replies.map((r) => (r === undefined ? '.' : '!')).join(''), '.!!!!');
  assert.equal(created, 2, 'one IKE SA, on each side');
  assert.ok(checks.length > 0, 'the responder checked the offer');
  assert.deepEqual(
    [...new Set(checks.map((c) => c.check.offer.authentication))],
    ['pre-share'],
    'the rsa-sig policy is never offered',
  );
  const accepted = checks.filter((c) => c.check.mismatch === undefined);
  assert.deepEqual(
    [...new Set(accepted.map((c) => c.check.priority))],
    [20],
    'the responder accepts with policy 20, not the inert policy 10',
  );
});
