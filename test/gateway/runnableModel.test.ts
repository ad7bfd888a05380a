// What createGateway hands the IKE engine (planRun's model), on two gateways in memory: an
// ISAKMP policy the gateway cannot run (rsa-encr) beside a pre-share one is inert, as IOS
// would treat it: never offered nor accepted, phase 1 completes with the pre-share policy 20;
// and a redacted pre-shared key is no key, even when both ends hold the same mask.

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
const RSA_SIG_10 = 'crypto isakmp policy 10\n encr 3des\n hash sha\n authentication rsa-encr\n';
const withRsaPolicy = (text: string): string =>
  text.replace(/crypto isakmp policy 1\n/, `${RSA_SIG_10}crypto isakmp policy 20\n`);

interface PairRun {
  readonly pings: string;
  readonly checks: readonly Phase1Check[];
  readonly ikeSas: number;
  readonly pskMissing: number;
}

/** The chapter's pair from these texts, started with the real engines; one ping from 13-1's LAN. */
function runPair(initiatorText: string, responderText: string): PairRun {
  const net = new VirtualNetwork({ seed: 5, startSeconds: 100 });
  const topology = buildTopology(net, [
    parseConfigText(initiatorText, 'i.cfg'),
    parseConfigText(responderText, 'r.cfg'),
  ]);
  const bus = new EventBus();
  const checks: Phase1Check[] = [];
  let ikeSas = 0;
  let pskMissing = 0;
  bus.subscribe((e) => {
    if (e.source !== 'ike') return;
    if (e.event.type === 'phase1Check') checks.push(e.event.check);
    if (e.event.type === 'ikeSaCreated') ikeSas++;
    if (e.event.type === 'pskMissing') pskMissing++;
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
  const pings = result?.replies.map((r) => (r === undefined ? '.' : '!')).join('') ?? '';
  return { pings, checks, ikeSas, pskMissing };
}

test('rsa-encr policy 10 and pre-share policy 20: both start and phase 1 uses policy 20', () => {
  const initiatorText = withRsaPolicy(EXAMPLE_13_1_INITIATOR);
  const responderText = withRsaPolicy(EXAMPLE_13_2_RESPONDER);
  assert.match(initiatorText, /authentication rsa-encr[^]*crypto isakmp policy 20/);
  assert.match(responderText, /authentication rsa-encr[^]*crypto isakmp policy 20/);
  const { pings, checks, ikeSas } = runPair(initiatorText, responderText);
  assert.equal(pings, '.!!!!');
  assert.equal(ikeSas, 2, 'one IKE SA, on each side');
  assert.ok(checks.length > 0, 'the responder checked the offer');
  assert.deepEqual(
    [...new Set(checks.map((c) => c.offer.authentication))],
    ['pre-share'],
    'the rsa-encr policy is never offered',
  );
  const accepted = checks.filter((c) => c.mismatch === undefined);
  assert.deepEqual(
    [...new Set(accepted.map((c) => c.priority))],
    [20],
    'the responder accepts with policy 20, not the inert policy 10',
  );
});

test('a redacted key is no key: the same mask on both ends brings up no tunnel', () => {
  const mask = (text: string): string => text.replace('jw4ep9846804ijl', '<redacted>');
  assert.notEqual(mask(EXAMPLE_13_1_INITIATOR), EXAMPLE_13_1_INITIATOR);
  assert.notEqual(mask(EXAMPLE_13_2_RESPONDER), EXAMPLE_13_2_RESPONDER);
  const { pings, ikeSas, pskMissing } = runPair(mask(EXAMPLE_13_1_INITIATOR), mask(EXAMPLE_13_2_RESPONDER));
  assert.equal(ikeSas, 0, 'no IKE SA keyed with the mask');
  assert.equal(pings, '.....');
  assert.ok(pskMissing > 0, 'the engine found no key for the peer');
});
