// Runs a lab scenario in virtual time: parse the routers' configurations, build the network,
// start one gateway per router, let each host ping across, then print the IOS debug trace,
// the ping results and `show crypto isakmp sa` / `show crypto ipsec sa` of every router.
// Passes only if every ping got replies through the tunnel (the SA counters prove it).

import type { Gateway } from '../gateway/gateway.js';
import type { GatewayAdapters } from '../gateway/gateway.js';
import type { IkeSaKeys } from '../gateway/create.js';
import { EventBus } from '../observe/bus.js';
import { renderDebug, stampDebug, type DebugLine } from '../observe/debug.js';
import { Metrics } from '../observe/metrics.js';
import type { DebugCategory } from '../observe/events.js';
import { DEFAULT_PING, type PingResult, type VirtualHost } from '../net/virtual/host.js';
import { VirtualNetwork } from '../net/virtual/network.js';
import type { VirtualScheduler } from '../net/virtual/scheduler.js';
import type { RouterConfig } from '../policy/model.js';
import type { IpsecSa } from '../policy/sa.js';
import { pingBanner, pingMarks, pingSummary } from './ping.js';
import type { Scenario, ScenarioRouter } from './scenarios/index.js';
import { buildTopology, type LabRouter } from './topology.js';

export interface GatewayContext {
  readonly router: LabRouter;
  readonly adapters: GatewayAdapters;
  readonly scheduler: VirtualScheduler;
  readonly bus: EventBus;
  readonly seed: number;
  readonly aggressiveMode: boolean;
  /** Packets held per acquire while IKE runs (0: dropped, as IOS does). */
  readonly holdQueueLimit: number;
  /** Told about every installed SA with its keys (the lab's `--keylog`). */
  readonly onSaInstalled?: (sa: IpsecSa) => void;
  /** Told each IKE SA's cookie and Ka when phase 1 completes (the lab's `--keylog`). */
  readonly onIkeKeys?: (keys: IkeSaKeys) => void;
}

export interface LabEngines {
  parse(text: string, file: string): RouterConfig;
  createGateway(context: GatewayContext): Gateway;
}

export interface LabOptions {
  /** Probability of loss on every WAN transmission (0..1). */
  readonly loss?: number;
  readonly seed?: number;
  /** Echoes per ping (IOS "Repeat count [5]"). */
  readonly count?: number;
  /** Debug categories to print (default all three, as in the chapter's `show debug`). */
  readonly debug?: readonly DebugCategory[];
  /** Packets each gateway holds per acquire while IKE runs; default 0 (IOS drops them: `.!!!!`). */
  readonly hold?: number;
  /** Record every packet put on the WAN (for `--pcap`): LabResult.frames. */
  readonly capture?: boolean;
  readonly onSaInstalled?: (sa: IpsecSa) => void;
  readonly onIkeKeys?: (keys: IkeSaKeys) => void;
  /** Probability a WAN packet is delivered twice / held back and overtaken (0..1). */
  readonly duplicate?: number;
  readonly reorder?: number;
  /** Virtual seconds the whole run may take. */
  readonly timeLimit?: number;
  readonly out: (line: string) => void;
}

export interface PingOutcome {
  readonly from: string;
  readonly to: string;
  readonly result: PingResult;
  readonly encaps: number;
  readonly decaps: number;
  readonly tunnelOk: boolean;
}

export interface LabResult {
  readonly ok: boolean;
  readonly pings: readonly PingOutcome[];
  readonly gateways: readonly Gateway[];
  readonly virtualSeconds: number;
  /** Debug messages printed. */
  readonly debugMessages: number;
  /** WAN packets with their virtual time, when `capture` was asked for. */
  readonly frames: readonly { readonly time: number; readonly data: Uint8Array }[];
  /** Seconds from a link cut until traffic crossed again (scenarios that cut a link). */
  readonly failoverSeconds?: number;
}

/** The chapter's debug starts at uptime 00:04:10; so does the lab's virtual clock. */
export const START_SECONDS = 250;

export function runLab(
  scenario: Scenario,
  routers: readonly ScenarioRouter[],
  engines: LabEngines,
  options: LabOptions,
): LabResult {
  if (scenario.run !== undefined) return scenario.run(engines, options);
  const out = options.out;
  const seed = options.seed ?? 1;
  const loss = options.loss ?? 0;
  const configs = routers.map((r) => engines.parse(r.text, r.file));
  const net = new VirtualNetwork({ seed, startSeconds: START_SECONDS });
  const duplicate = options.duplicate ?? 0;
  const reorder = options.reorder ?? 0;
  const impaired = loss > 0 || duplicate > 0 || reorder > 0;
  const topology = buildTopology(net, configs, {
    wan: { loss, duplicate, reorder },
    ...(scenario.nat !== undefined ? { nat: scenario.nat } : {}),
  });
  const frames: { time: number; data: Uint8Array }[] = [];
  if (options.capture === true) {
    for (const segment of topology.wanSegments)
      segment.tap = (data, time) => frames.push({ time, data: Uint8Array.from(data) });
  }
  const bus = new EventBus();
  const metrics = new Metrics(bus);
  const categories = options.debug ?? ['isakmp', 'ipsec', 'engine'];
  const debugTrace = collectTrace(bus, categories);
  const trace = debugTrace.lines;

  const gateways = topology.routers.map((router, index) => {
    const wan = router.wan.address;
    const adapters: GatewayAdapters = {
      udp: [router.router.udpEndpoint(wan, 500), router.router.udpEndpoint(wan, 4500)],
      raw: [router.router.rawEndpoint(wan)],
      tunnel: router.router.packetTunnel(),
    };
    const gateway = engines.createGateway({
      router,
      adapters,
      scheduler: net.scheduler,
      bus,
      seed: seed * 1000 + index,
      aggressiveMode: routers[index]?.aggressiveMode === true,
      holdQueueLimit: options.hold ?? 0,
      ...(options.onSaInstalled !== undefined ? { onSaInstalled: options.onSaInstalled } : {}),
      ...(options.onIkeKeys !== undefined ? { onIkeKeys: options.onIkeKeys } : {}),
    });
    return gateway;
  });
  out(`typeswan lab ${scenario.name}: ${scenario.title} (${scenario.source})`);
  for (const line of topology.describe) out(`  ${line}`);
  if (impaired) {
    const pct = (p: number): string => `${Math.round(p * 1000) / 10} %`;
    out(`  WAN loss ${pct(loss)}, duplication ${pct(duplicate)}, reordering ${pct(reorder)} (seed ${seed})`);
  }
  out('');
  if (categories.length > 0) {
    // As the chapter opens Examples 13-3 and 13-5.
    const names: Record<DebugCategory, string> = { isakmp: 'ISAKMP', engine: 'Engine', ipsec: 'IPSEC' };
    for (const r of topology.routers) {
      out(`${r.config.hostname}#show debug`);
      out('Cryptographic Subsystem:');
      for (const c of ['isakmp', 'engine', 'ipsec'] as const) {
        if (categories.includes(c)) out(`  Crypto ${names[c]} debugging is on`);
      }
    }
    out('');
  }

  for (const gateway of gateways) gateway.start();

  const count = options.count ?? DEFAULT_PING.count;
  const deadline = START_SECONDS + (options.timeLimit ?? 600);
  const pings: PingOutcome[] = [];
  for (const p of scenario.pings) {
    const from = topology.routers[p.from];
    const to = topology.routers[p.to];
    if (from === undefined || to === undefined) continue;
    const before = tunnelCounters(gateways[p.from], to.publicAddress);
    const finished = pingUntilDone(net, from.host, to.host.address, count, deadline);
    const after = tunnelCounters(gateways[p.from], to.publicAddress);
    const encaps = after.encaps - before.encaps;
    const decaps = after.decaps - before.decaps;
    const replies = finished.replies.filter((r) => r !== undefined).length;
    // Each reply needed one echo encapsulated here and one reply decapsulated here.
    const tunnelOk =
      replies > 0 &&
      encaps >= replies &&
      decaps >= replies &&
      (impaired || (encaps === replies && decaps === replies));
    pings.push({ from: from.host.address, to: to.host.address, result: finished, encaps, decaps, tunnelOk });

    out(`${from.host.name}#ping ${to.host.address}`);
    for (const line of pingBanner({ ...finished, count })) out(line);
    for (const line of trace.splice(0)) out(line);
    out(pingMarks(finished));
    out(pingSummary(finished));
    out('');
  }
  // Let the last quick-mode messages and deletes settle before showing state.
  net.scheduler.run(net.scheduler.now() + 1, { maxEvents: 100_000 });
  for (const line of trace.splice(0)) out(line);

  for (const gateway of gateways) {
    out(`${gateway.name}#show crypto isakmp sa`);
    out(gateway.show('isakmp sa').text.trimEnd());
    out('');
    out(`${gateway.name}#show crypto ipsec sa`);
    out(gateway.show('ipsec sa').text.trimEnd());
    out('');
  }
  const ok = pings.length > 0 && pings.every((p) => p.tunnelOk);
  for (const [router, m] of Object.entries(metrics.snapshot())) {
    const drops = Object.entries(m.drops)
      .map(([reason, n]) => `${reason} ${n}`)
      .join(', ');
    out(
      `lab: ${router}: IKE messages sent ${m.ikePacketsSent}, received ${m.ikePacketsReceived}, retransmitted ${m.ikeRetransmissions}; IPsec SAs installed ${m.ipsecSasInstalled}${drops === '' ? '' : `; drops: ${drops}`}`,
    );
  }
  for (const p of pings) {
    out(
      `lab: ${p.from} -> ${p.to}: ${p.result.replies.filter((r) => r !== undefined).length}/${p.result.replies.length} replies, tunnel encaps ${p.encaps} decaps ${p.decaps}: ${p.tunnelOk ? 'ok' : 'FAILED'}`,
    );
  }
  out(
    `lab: ${ok ? 'PASS' : 'FAIL'}: ${ok ? 'every ping crossed its IPsec tunnel' : 'a ping did not cross its tunnel'}`,
  );
  for (const g of gateways) g.stop();
  return {
    ok,
    pings,
    gateways,
    virtualSeconds: net.scheduler.now() - START_SECONDS,
    debugMessages: debugTrace.count(),
    frames,
  };
}

/** The debug lines of `categories` from every router on `bus`, prefixed with the router's name. */
export function collectTrace(
  bus: EventBus,
  categories: readonly DebugCategory[],
): { readonly lines: string[]; count(): number } {
  const lines: string[] = [];
  let count = 0;
  bus.subscribe((event) => {
    for (const line of renderDebug(event)) {
      if (!categories.includes(line.category)) continue;
      count++;
      lines.push(prefixed(event.router, stampDebug(event.time, line.text)));
    }
  });
  return { lines, count: () => count };
}

/** One IOS ping from `host`, run in virtual time until every echo is answered or timed out. */
export function pingUntilDone(
  net: VirtualNetwork,
  host: VirtualHost,
  destination: string,
  count: number,
  deadline: number,
): PingResult {
  let result: PingResult | undefined;
  host.ping(destination, { ...DEFAULT_PING, count }, (r) => {
    result = r;
  });
  net.scheduler.run(deadline, { stop: () => result !== undefined, maxEvents: 2_000_000 });
  return result ?? { destination, size: DEFAULT_PING.size, timeout: DEFAULT_PING.timeout, replies: [] };
}

function prefixed(router: string, text: string): string {
  return text
    .split('\n')
    .map((line) => `${router}: ${line}`)
    .join('\n');
}

function tunnelCounters(gateway: Gateway | undefined, peer: string): { encaps: number; decaps: number } {
  if (gateway === undefined) return { encaps: 0, decaps: 0 };
  let encaps = 0;
  let decaps = 0;
  for (const flow of gateway.ipsecFlows(peer)) {
    encaps += flow.counters.encaps;
    decaps += flow.counters.decaps;
  }
  return { encaps, decaps };
}

export type { DebugLine };
