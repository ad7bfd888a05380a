// Figure 13-45 in memory with the real engines: the chapter's two routers (Examples 13-1 and
// 13-2, or the texts given) as Gateways on the virtual network, and a ping across them.

import assert from 'node:assert/strict';
import { parseConfigText } from '../../src/gateway/configFile.js';
import { EventBus } from '../../src/observe/bus.js';
import { VirtualNetwork } from '../../src/net/virtual/network.js';
import { buildTopology } from '../../src/lab/topology.js';
import { DEFAULT_PING, type PingResult } from '../../src/net/virtual/host.js';
import { startRealGateways } from './helpers.js';
import { EXAMPLE_13_1_INITIATOR, EXAMPLE_13_2_RESPONDER } from '../../src/lab/scenarios/chapterPsk.js';

export interface ChapterPairOptions {
  readonly seed: number;
  /** Seed of the first router's randomness; the second's is one more. */
  readonly rngSeed: number;
  readonly startSeconds?: number;
  /** File names the configurations carry (messages name them). */
  readonly files?: readonly [string, string];
  /** The two configurations, when not Examples 13-1 and 13-2. */
  readonly texts?: readonly [string, string];
}

export function chapterPair(o: ChapterPairOptions) {
  const net = new VirtualNetwork({
    seed: o.seed,
    ...(o.startSeconds !== undefined ? { startSeconds: o.startSeconds } : {}),
  });
  const [fileI, fileR] = o.files ?? ['i.cfg', 'r.cfg'];
  const configs = [
    parseConfigText(o.texts?.[0] ?? EXAMPLE_13_1_INITIATOR, fileI),
    parseConfigText(o.texts?.[1] ?? EXAMPLE_13_2_RESPONDER, fileR),
  ];
  const topology = buildTopology(net, configs);
  const bus = new EventBus();
  const events: string[] = [];
  bus.subscribe((e) => events.push(`${e.router} ${e.event.type}`));
  const gateways = startRealGateways(net, topology, bus, o.rngSeed);
  /** Five pings from the Initiator's LAN host to the Responder's: "!" answered, "." lost. */
  const ping = (size = DEFAULT_PING.size): string => {
    let result: PingResult | undefined;
    topology.routers[0]!.host.ping(
      topology.routers[1]!.host.address,
      { ...DEFAULT_PING, size },
      (r) => (result = r),
    );
    net.scheduler.run(net.scheduler.now() + 60, { stop: () => result !== undefined });
    assert.ok(result);
    return result.replies.map((r) => (r === undefined ? '.' : '!')).join('');
  };
  return { net, topology, gateways, ping, events, bus };
}
