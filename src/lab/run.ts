// Runs a lab scenario in virtual time: parse the routers' configurations, build the network,
// start one gateway per router, connect the VPN clients, let each host ping across, then print
// the IOS debug trace, the ping results and `show crypto isakmp sa` / `show crypto ipsec sa` of
// every router. Passes only if every ping got replies through the tunnel (the SA counters
// prove it). The run is a generator of stretches of virtual time: `runLab` runs each at once;
// `runLabAsync` runs them in slices and lets promises settle between slices, which XAUTH's AAA
// checks (asynchronous, as in the gateway) need.

import type { KeyObject } from 'node:crypto';
import type { Gateway } from '../gateway/gateway.js';
import type { GatewayAdapters } from '../gateway/gateway.js';
import type { IkeSaKeys } from '../gateway/create.js';
import type { L2tpClientSettings } from '../gateway/l2tpService.js';
import { EventBus } from '../observe/bus.js';
import { renderDebug, stampDebug, type DebugLine } from '../observe/debug.js';
import { Metrics } from '../observe/metrics.js';
import type { DebugCategory } from '../observe/events.js';
import { DEFAULT_PING, type PingResult, type VirtualHost } from '../net/virtual/host.js';
import { VirtualNetwork } from '../net/virtual/network.js';
import type { VirtualScheduler } from '../net/virtual/scheduler.js';
import type { RouterConfig } from '../policy/model.js';
import type { IpsecSa } from '../policy/sa.js';
import type { ServerGroupFactories } from '../aaa/index.js';
import type { RemoteAccessClient } from '../ike/types.js';
import { pingTranscript } from './ping.js';
import { gatewayOf, labAaa, vpnClientOf } from './remoteAccess.js';
import type { Scenario, ScenarioRouter } from './scenarios/index.js';
import { buildTopology, type LabRouter } from './topology.js';
import { labCaCredentials, type LabRouterPki } from './labPki.js';

export interface GatewayContext {
  readonly router: LabRouter;
  readonly adapters: GatewayAdapters;
  readonly scheduler: VirtualScheduler;
  readonly bus: EventBus;
  readonly seed: number;
  readonly aggressiveMode: boolean;
  /** The router's encryption keys (rsa-encr), when the scenario made some. */
  readonly decryptionKeys?: readonly KeyObject[];
  /** Packets held per acquire while IKE runs (0: dropped, as IOS does). */
  readonly holdQueueLimit: number;
  /** Told about every installed SA with its keys (the lab's `--keylog`). */
  readonly onSaInstalled?: (sa: IpsecSa) => void;
  /** Told each IKE SA's cookie and Ka when phase 1 completes (the lab's `--keylog`). */
  readonly onIkeKeys?: (keys: IkeSaKeys) => void;
  /** This router is a VPN client: the client side of XAUTH and Mode Config. */
  readonly remoteAccessClient?: RemoteAccessClient;
  /** The `group` login methods of XAUTH (the lab's stand-in AAA server). */
  readonly aaa?: ServerGroupFactories;
  /** This router is an L2TP client (LAC + PPP) of that LNS. */
  readonly l2tpClient?: L2tpClientSettings;
  /** The router's keys from the lab CA (scenarios with `labCa`). */
  readonly pki?: Omit<LabRouterPki, 'config'>;
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

/** The context fields a scenario's own gateways take from the lab's options (main mode, keylog hooks). */
export function labGatewaySettings(
  options: LabOptions,
  index: number,
): Pick<GatewayContext, 'seed' | 'aggressiveMode' | 'holdQueueLimit' | 'onSaInstalled' | 'onIkeKeys'> {
  return {
    seed: (options.seed ?? 1) * 1000 + index,
    aggressiveMode: false,
    holdQueueLimit: options.hold ?? 0,
    ...(options.onSaInstalled !== undefined ? { onSaInstalled: options.onSaInstalled } : {}),
    ...(options.onIkeKeys !== undefined ? { onIkeKeys: options.onIkeKeys } : {}),
  };
}

/** The chapter's debug starts at uptime 00:04:10; so does the lab's virtual clock. */
export const START_SECONDS = 250;

/** A stretch of virtual time the run needs: until `until`, or sooner when `stop()` says so. */
interface Advance {
  readonly scheduler: VirtualScheduler;
  readonly until: number;
  readonly stop?: () => boolean;
  readonly maxEvents: number;
}

/** Virtual seconds per slice of `runLabAsync`; promises settle between slices. */
const SLICE_SECONDS = 0.05;

/** Runs the scenario, each stretch of virtual time at once (no promise settles meanwhile). */
export function runLab(
  scenario: Scenario,
  routers: readonly ScenarioRouter[],
  engines: LabEngines,
  options: LabOptions,
): LabResult {
  if (scenario.run !== undefined) return scenario.run(routers, engines, options);
  const steps = labSteps(scenario, routers, engines, options);
  for (;;) {
    const step = steps.next();
    if (step.done === true) return step.value;
    const a = step.value;
    a.scheduler.run(a.until, { maxEvents: a.maxEvents, ...(a.stop !== undefined ? { stop: a.stop } : {}) });
  }
}

/** Runs the scenario in slices of virtual time, letting promises (XAUTH's AAA) settle between them. */
export async function runLabAsync(
  scenario: Scenario,
  routers: readonly ScenarioRouter[],
  engines: LabEngines,
  options: LabOptions,
): Promise<LabResult> {
  if (scenario.run !== undefined) return scenario.run(routers, engines, options);
  const steps = labSteps(scenario, routers, engines, options);
  for (;;) {
    const step = steps.next();
    if (step.done === true) return step.value;
    const a = step.value;
    let budget = a.maxEvents;
    while (budget > 0 && a.scheduler.now() < a.until && a.stop?.() !== true) {
      const horizon = Math.min(a.until, a.scheduler.now() + SLICE_SECONDS);
      budget -= a.scheduler.run(horizon, {
        maxEvents: budget,
        ...(a.stop !== undefined ? { stop: a.stop } : {}),
      });
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
}

function* labSteps(
  scenario: Scenario,
  routers: readonly ScenarioRouter[],
  engines: LabEngines,
  options: LabOptions,
): Generator<Advance, LabResult, void> {
  const out = options.out;
  const seed = options.seed ?? 1;
  const loss = options.loss ?? 0;
  const parsed = routers.map((r) => engines.parse(r.text, r.file));
  const pki = scenario.labCa !== undefined ? labCaCredentials(parsed, scenario.labCa) : undefined;
  const configs = pki?.map((p) => p.config) ?? parsed;
  const net = new VirtualNetwork({ seed, startSeconds: START_SECONDS });
  const duplicate = options.duplicate ?? 0;
  const reorder = options.reorder ?? 0;
  const impaired = loss > 0 || duplicate > 0 || reorder > 0;
  const topology = buildTopology(net, configs, {
    wan: { loss, duplicate, reorder },
    ...(scenario.nat !== undefined ? { nat: scenario.nat } : {}),
    ...(routers.some((r) => r.host !== undefined) ? { hosts: routers.map((r) => r.host) } : {}),
  });
  const frames: { time: number; data: Uint8Array }[] = [];
  if (options.capture === true) {
    for (const segment of topology.wanSegments)
      segment.tap = (data, time) => frames.push({ time, data: Uint8Array.from(data) });
  }
  const bus = new EventBus();
  const metrics = new Metrics(bus);
  const categories = options.debug ?? ['isakmp', 'ipsec', 'engine'];
  const debug = collectDebug(bus, categories);
  const trace = debug.trace;

  const remoteAccess = scenario.remoteAccess;
  const aaa = remoteAccess?.aaaUsers !== undefined ? labAaa(remoteAccess.aaaUsers) : undefined;
  const gateways = topology.routers.map((router, index) => {
    const client = vpnClientOf(remoteAccess, index);
    const wan = router.wan.address;
    const adapters: GatewayAdapters = {
      udp: [router.router.udpEndpoint(wan, 500), router.router.udpEndpoint(wan, 4500)],
      raw: [router.router.rawEndpoint(wan)],
      tunnel: router.router.packetTunnel(),
      natOutside: router.router.outsideTap(),
    };
    const gateway = engines.createGateway({
      router,
      adapters,
      scheduler: net.scheduler,
      bus,
      seed: seed * 1000 + index,
      aggressiveMode: routers[index]?.aggressiveMode === true,
      ...(routers[index]?.decryptionKeys ? { decryptionKeys: routers[index].decryptionKeys } : {}),
      holdQueueLimit: options.hold ?? 0,
      ...(options.onSaInstalled !== undefined ? { onSaInstalled: options.onSaInstalled } : {}),
      ...(options.onIkeKeys !== undefined ? { onIkeKeys: options.onIkeKeys } : {}),
      ...(client !== undefined ? { remoteAccessClient: client } : {}),
      ...(aaa !== undefined ? { aaa } : {}),
      ...(pki?.[index] !== undefined ? { pki: pki[index] } : {}),
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
    const names: Record<DebugCategory, string> = {
      isakmp: 'ISAKMP',
      engine: 'Engine',
      ipsec: 'IPSEC',
      vpdn: 'VPDN',
    };
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
  // A VPN client connects first (as `typeswan client` does); its host then pings from the
  // address Mode Config gave it.
  const sources = new Map<number, string>();
  for (const c of remoteAccess?.clients ?? []) {
    const router = topology.routers[c.router];
    const gateway = gateways[c.router];
    const peer = router === undefined ? undefined : gatewayOf(router.config);
    if (router === undefined || gateway === undefined || peer === undefined) continue;
    out(`${router.config.hostname}: connect to ${peer} as ${c.username} (XAUTH, Mode Config pull)`);
    let address: string | undefined;
    let failed: string | undefined;
    const unsubscribe = bus.subscribe((e) => {
      if (e.router !== router.config.hostname || e.source !== 'ike') return;
      const ev = e.event;
      if (ev.type === 'modeConfig' && ev.step === 'assigned') address = ev.address;
      if ((ev.type === 'xauth' || ev.type === 'modeConfig') && ev.step === 'failed') failed = ev.reason;
    });
    gateway.initiate({ peer });
    // Up once it has its address and the tunnel to the gateway is installed.
    yield {
      scheduler: net.scheduler,
      until: Math.min(deadline, net.scheduler.now() + 120),
      stop: () =>
        failed !== undefined ||
        (address !== undefined && gateway.ipsecFlows(peer).some((f) => f.outboundEsp.length > 0)),
      maxEvents: 2_000_000,
    };
    unsubscribe();
    for (const line of trace.splice(0)) out(line);
    if (address !== undefined) {
      router.host.addInterface('vpn0', address, '255.255.255.255', router.lanSegment);
      sources.set(c.router, address);
      out(`${router.config.hostname}: Mode Config address ${address} on ${router.host.name}`);
    } else out(`${router.config.hostname}: not connected: ${failed ?? 'no Mode Config address'}`);
    out('');
  }

  const pings: PingOutcome[] = [];
  for (const p of scenario.pings) {
    const from = topology.routers[p.from];
    const to = topology.routers[p.to];
    if (from === undefined || to === undefined) continue;
    let result: PingResult | undefined;
    const before = tunnelCounters(gateways[p.from], to.publicAddress);
    const source = sources.get(p.from);
    from.host.ping(
      to.host.address,
      { ...DEFAULT_PING, count, ...(source !== undefined ? { source } : {}) },
      (r) => {
        result = r;
      },
    );
    yield {
      scheduler: net.scheduler,
      until: deadline,
      stop: () => result !== undefined,
      maxEvents: 2_000_000,
    };
    const finished = result ?? {
      destination: to.host.address,
      size: DEFAULT_PING.size,
      timeout: DEFAULT_PING.timeout,
      replies: [],
    };
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
    const origin = source ?? from.host.address;
    pings.push({ from: origin, to: to.host.address, result: finished, encaps, decaps, tunnelOk });

    const command = `${from.host.name}#ping ${to.host.address}${source !== undefined ? ` source ${source}` : ''}`;
    for (const line of pingTranscript(command, finished, count, trace)) out(line);
  }
  // Let the last quick-mode messages and deletes settle before showing state.
  yield { scheduler: net.scheduler, until: net.scheduler.now() + 1, maxEvents: 100_000 };
  for (const line of trace.splice(0)) out(line);

  gateways.forEach((gateway, index) => {
    out(`${gateway.name}#show crypto isakmp sa`);
    out(gateway.show('isakmp sa').text.trimEnd());
    out('');
    out(`${gateway.name}#show crypto ipsec sa`);
    out(gateway.show('ipsec sa').text.trimEnd());
    out('');
    if ((configs[index]?.localPools.length ?? 0) > 0) {
      out(`${gateway.name}#show ip local pool`);
      out(gateway.show('ip local pool').text.trimEnd());
      out('');
    }
    if (pki !== undefined)
      for (const what of ['key mypubkey rsa', 'ca certificates'] as const) {
        out(`${gateway.name}#show crypto ${what}`);
        out(gateway.show(what).text.trimEnd());
        out('');
      }
  });
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
    debugMessages: debug.count(),
    frames,
  };
}

/** The debug lines of `categories` from the bus, each prefixed with its router, as they come. */
export function collectDebug(
  bus: EventBus,
  categories: readonly DebugCategory[],
): { readonly trace: string[]; count(): number } {
  const trace: string[] = [];
  let count = 0;
  bus.subscribe((event) => {
    for (const line of renderDebug(event)) {
      if (!categories.includes(line.category)) continue;
      count++;
      trace.push(prefixed(event.router, stampDebug(event.time, line.text)));
    }
  });
  return { trace, count: () => count };
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

/** ESP/AH packets a gateway's flows (toward `peer`, or all) encapsulated and decapsulated. */
export function tunnelCounters(
  gateway: Gateway | undefined,
  peer?: string,
): { encaps: number; decaps: number } {
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
