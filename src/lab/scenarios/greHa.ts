// `typeswan lab gre-ha`: the chapter's High-Availability IPsec-over-GRE case study (Examples
// 13-16 to 13-18). router1 has a GRE tunnel to router2 and one to router3, each protected in
// transport mode by the crypto map entry whose ACL permits its GRE packets. The chapter runs
// EIGRP over the tunnels; the lab runs no routing daemon, so each router gets static routes
// to its tunnel interfaces, which IOS withdraws while the interface's line protocol is down
// (GRE keepalives), with a floating route (distance 250) behind: router3 also sits on router2's
// LAN, so router1 reaches 10.2.1.0/24 through Tunnel1 and router3 when router2's serial link
// is cut. The script pings across both tunnels, cuts that link, measures how long the path
// takes to move, pings again (now through Tunnel1), heals the link and sees traffic come back.

import type { Gateway, GatewayAdapters } from '../../gateway/gateway.js';
import { EventBus } from '../../observe/bus.js';
import { stampDebug } from '../../observe/debug.js';
import type { DebugCategory } from '../../observe/events.js';
import { DEFAULT_PING, type VirtualHost } from '../../net/virtual/host.js';
import { VirtualNetwork } from '../../net/virtual/network.js';
import type { VirtualRouter } from '../../net/virtual/router.js';
import type { Segment } from '../../net/virtual/segment.js';
import type { PacketTunnel } from '../../net/types.js';
import { findInterface, isTunnelInterface } from '../../policy/cryptoMap.js';
import type { RouterConfig } from '../../policy/model.js';
import { pingBanner, pingMarks, pingSummary } from '../ping.js';
import {
  collectDebug,
  pingUntilDone,
  START_SECONDS,
  type LabEngines,
  type LabOptions,
  type LabResult,
  type PingOutcome,
} from '../run.js';
import type { LabRouter } from '../topology.js';
import type { Scenario } from './index.js';
import { EXAMPLE_13_16_ROUTER1, EXAMPLE_13_17_ROUTER2, EXAMPLE_13_18_ROUTER3 } from './greHaConfigs.js';

/** What the lab adds to the chapter's routers: keepalives and the static routes EIGRP would learn. */
export const GRE_HA_ROUTER1 = `${EXAMPLE_13_16_ROUTER1}
! lab: GRE keepalives, and static routes in place of EIGRP
interface Tunnel0
 keepalive 5 3
interface Tunnel1
 keepalive 5 3
ip route 10.2.1.0 255.255.255.0 Tunnel0
ip route 10.2.1.0 255.255.255.0 Tunnel1 250
ip route 10.3.1.0 255.255.255.0 Tunnel1
`;

export const GRE_HA_ROUTER2 = `${EXAMPLE_13_17_ROUTER2}
! lab: GRE keepalives; router1 through the tunnel, else through router3 on the LAN
interface Tunnel0
 keepalive 5 3
ip route 10.1.1.0 255.255.255.0 Tunnel0
ip route 10.1.1.0 255.255.255.0 10.2.1.3 250
`;

export const GRE_HA_ROUTER3 = `${EXAMPLE_13_18_ROUTER3}
! lab: GRE keepalives; router3 also sits on router2's LAN (the second path)
interface Tunnel0
 keepalive 5 3
interface Ethernet1
 ip address 10.2.1.3 255.255.255.0
ip route 10.1.1.0 255.255.255.0 Tunnel0
`;

const CORE_SUFFIX = 254;
/** Echoes sent while the path moves: each unanswered one costs the 2-second timeout. */
const FAILOVER_ECHOES = 40;

interface GreLabRouter {
  readonly config: RouterConfig;
  readonly router: VirtualRouter;
  readonly host: VirtualHost;
  readonly gateway: Gateway;
}

/** A router's /24 addresses on `iface`, with the host number replaced. */
function onSubnet(address: string, host: number): string {
  return `${address.split('.').slice(0, 3).join('.')}.${host}`;
}

function addressOf(config: RouterConfig, name: string): string {
  const a = findInterface(config, name)?.address;
  if (a === undefined) throw new Error(`${config.hostname}: ${name} has no address`);
  return a;
}

/** The config's `ip route`s on the virtual router (a route to a serial interface goes to the core). */
function installRoutes(config: RouterConfig, router: VirtualRouter): void {
  for (const r of config.staticRoutes ?? []) {
    const iface = r.interface === undefined ? undefined : findInterface(config, r.interface);
    if (iface !== undefined && isTunnelInterface(iface))
      router.addInterfaceRoute(r.network, r.mask, iface.name, r.distance);
    else if (r.nextHop !== undefined) router.addRoute(r.network, r.mask, r.nextHop);
    else if (iface?.address !== undefined)
      router.addRoute(r.network, r.mask, onSubnet(iface.address, CORE_SUFFIX));
  }
}

function runGreHa(engines: LabEngines, options: LabOptions): LabResult {
  const out = options.out;
  const seed = options.seed ?? 1;
  const count = options.count ?? DEFAULT_PING.count;
  const net = new VirtualNetwork({ seed, startSeconds: START_SECONDS });
  const configs = [
    engines.parse(GRE_HA_ROUTER1, 'example-13-16 (router1)'),
    engines.parse(GRE_HA_ROUTER2, 'example-13-17 (router2)'),
    engines.parse(GRE_HA_ROUTER3, 'example-13-18 (router3)'),
  ];
  const [c1, c2, c3] = configs as [RouterConfig, RouterConfig, RouterConfig];
  const wan = { loss: options.loss ?? 0, duplicate: options.duplicate ?? 0, reorder: options.reorder ?? 0 };
  const frames: { time: number; data: Uint8Array }[] = [];
  const tap = (segment: Segment): Segment => {
    if (options.capture === true)
      segment.tap = (data, time) => frames.push({ time, data: Uint8Array.from(data) });
    return segment;
  };
  // router1's serial to the core; router2 and router3 share 172.18.45.0/24 with it
  const serial1 = tap(net.segment('serial-router1', wan));
  const serial23 = tap(net.segment('serial-router2-router3', wan));
  const core = net.router('internet');
  core.addInterface('to-router1', onSubnet(addressOf(c1, 'Serial0'), CORE_SUFFIX), '255.255.255.0', serial1);
  core.addInterface(
    'to-router2-3',
    onSubnet(addressOf(c2, 'Serial0'), CORE_SUFFIX),
    '255.255.255.0',
    serial23,
  );
  const lan1 = net.segment('lan-router1', { delay: 0.001 });
  const lan2 = net.segment('lan-router2', { delay: 0.001 });
  const lan3 = net.segment('lan-router3', { delay: 0.001 });

  const bus = new EventBus();
  const categories: readonly DebugCategory[] = options.debug ?? ['isakmp', 'ipsec', 'engine'];
  const debugTrace = collectDebug(bus, categories);
  const trace = debugTrace.trace;

  const build = (
    config: RouterConfig,
    serial: Segment,
    lans: readonly [string, Segment][],
    index: number,
  ): GreLabRouter => {
    const router = net.router(config.hostname);
    const wanAddress = addressOf(config, 'Serial0');
    router.addInterface('Serial0', wanAddress, '255.255.255.0', serial);
    for (const [name, segment] of lans)
      router.addInterface(name, addressOf(config, name), '255.255.255.0', segment);
    installRoutes(config, router);
    const lanName = lans[0]![0];
    const lanSegment = lans[0]![1];
    const host = net.host(`host-${config.hostname}`);
    host.addInterface('eth0', onSubnet(addressOf(config, lanName), 2), '255.255.255.0', lanSegment);
    host.addRoute('0.0.0.0', '0.0.0.0', addressOf(config, lanName));
    const greTunnels = new Map<string, PacketTunnel>();
    for (const i of config.interfaces)
      if (isTunnelInterface(i)) greTunnels.set(i.name, router.tunnelInterface(i.name));
    const adapters: GatewayAdapters = {
      udp: [router.udpEndpoint(wanAddress, 500), router.udpEndpoint(wanAddress, 4500)],
      raw: [router.rawEndpoint(wanAddress)],
      tunnel: router.packetTunnel(),
      greTunnels,
    };
    const serialIf = findInterface(config, 'Serial0');
    const lanIf = findInterface(config, lanName);
    if (
      serialIf?.address === undefined ||
      serialIf.netmask === undefined ||
      lanIf?.address === undefined ||
      lanIf.netmask === undefined
    )
      throw new Error(`${config.hostname}: Serial0 and ${lanName} need addresses`);
    const labRouter: LabRouter = {
      config,
      router,
      wan: { ...serialIf, address: serialIf.address, netmask: serialIf.netmask },
      lan: { ...lanIf, address: lanIf.address, netmask: lanIf.netmask },
      lanSegment,
      host,
      publicAddress: wanAddress,
    };
    const gateway = engines.createGateway({
      router: labRouter,
      adapters,
      scheduler: net.scheduler,
      bus,
      seed: seed * 1000 + index,
      aggressiveMode: false,
      holdQueueLimit: options.hold ?? 0,
      ...(options.onSaInstalled !== undefined ? { onSaInstalled: options.onSaInstalled } : {}),
      ...(options.onIkeKeys !== undefined ? { onIkeKeys: options.onIkeKeys } : {}),
    });
    return { config, router, host, gateway };
  };
  const r1 = build(c1, serial1, [['Ethernet0', lan1]], 0);
  const r2 = build(c2, serial23, [['Ethernet0', lan2]], 1);
  const r3 = build(
    c3,
    serial23,
    [
      ['Ethernet0', lan3],
      ['Ethernet1', lan2],
    ],
    2,
  );
  const routers = [r1, r2, r3];

  out(`typeswan lab gre-ha: ${GRE_HA.title} (${GRE_HA.source})`);
  out(
    `  router1 Serial0 ${addressOf(c1, 'Serial0')} -- internet -- router2 Serial0 ${addressOf(c2, 'Serial0')}, router3 Serial0 ${addressOf(c3, 'Serial0')}`,
  );
  out(`  router1 Tunnel0 -> router2, Tunnel1 -> router3 (GRE, ESP transport mode); keepalive 5 s, 3 retries`);
  for (const r of routers) out(`  ${r.config.hostname} LAN host ${r.host.address}`);
  out(
    `  router3 Ethernet1 ${addressOf(c3, 'Ethernet1')} on router2's LAN: the second path to ${r2.host.address}`,
  );
  out('');

  for (const r of routers) r.gateway.start();
  const deadline = START_SECONDS + (options.timeLimit ?? 900);
  const settle = (seconds: number): void => {
    net.scheduler.run(Math.min(deadline, net.scheduler.now() + seconds), { maxEvents: 2_000_000 });
  };
  const flush = (): void => {
    for (const line of trace.splice(0)) out(line);
  };
  const tunnelOut = (r: GreLabRouter, name: string): number =>
    r.gateway.tunnelInterfaces(name)[0]?.counters.packetsOut ?? 0;
  const espOut = (r: GreLabRouter): number =>
    r.gateway.ipsecFlows().reduce((n, f) => n + f.counters.encaps, 0);

  const pings: PingOutcome[] = [];
  const ping = (
    from: GreLabRouter,
    to: GreLabRouter,
    n: number,
    via: string,
  ): PingOutcome & { elapsed: number } => {
    const t0 = tunnelOut(r1, via);
    const e0 = espOut(r1);
    const started = net.scheduler.now();
    const finished = pingUntilDone(net, from.host, to.host.address, n, deadline);
    const replies = finished.replies.filter((r) => r !== undefined).length;
    // router1 sends every echo of a reply through `via` (GRE) and ESP
    const encaps = tunnelOut(r1, via) - t0;
    const esp = espOut(r1) - e0;
    const tunnelOk = replies > 0 && encaps >= replies && esp >= replies;
    const outcome = {
      from: from.host.address,
      to: to.host.address,
      result: finished,
      encaps,
      decaps: esp,
      tunnelOk,
    };
    pings.push(outcome);
    out(`${from.host.name}#ping ${to.host.address}`);
    for (const line of pingBanner({ ...finished, count: n })) out(line);
    flush();
    out(pingMarks(finished));
    out(pingSummary(finished));
    out(
      `lab: ${replies} replies; router1 ${via} carried ${encaps} packets, ESP ${esp}: ${tunnelOk ? 'ok' : 'FAILED'}`,
    );
    out('');
    return { ...outcome, elapsed: net.scheduler.now() - started };
  };

  // The keepalives start IKE on both tunnels; give them two periods.
  settle(12);
  flush();
  const before2 = ping(r1, r2, count, 'Tunnel0');
  const before3 = ping(r1, r3, count, 'Tunnel1');

  const cutAt = net.scheduler.now();
  const cutAddress = addressOf(c2, 'Serial0');
  out(`lab: ${stampDebug(cutAt, `cutting router2's Serial0 link (${cutAddress})`)}`);
  serial23.cut(cutAddress);
  // Echoes until one comes back through the other path: the failover time.
  const moving = ping(r1, r2, FAILOVER_ECHOES, 'Tunnel1');
  const firstReply = moving.result.replies.findIndex((r) => r !== undefined);
  let failover: number | undefined;
  if (firstReply >= 0) {
    failover = moving.result.replies
      .slice(0, firstReply + 1)
      .reduce<number>((t, r) => t + (r ?? DEFAULT_PING.timeout), 0);
    out(`lab: traffic to ${r2.host.address} moved to Tunnel1 ${failover.toFixed(1)} s after the cut`);
  } else {
    out(`lab: traffic to ${r2.host.address} did not move to Tunnel1`);
  }
  const after = ping(r1, r2, count, 'Tunnel1');
  out(`router1#show interfaces Tunnel0`);
  out(r1.gateway.show('interfaces', { interface: 'Tunnel0' }).text.trimEnd());
  out('');

  out(`lab: ${stampDebug(net.scheduler.now(), `healing router2's Serial0 link`)}`);
  serial23.heal(cutAddress);
  settle(12);
  flush();
  const back = ping(r1, r2, count, 'Tunnel0');

  for (const name of ['Tunnel0', 'Tunnel1']) {
    out(`router1#show interfaces ${name}`);
    out(r1.gateway.show('interfaces', { interface: name }).text.trimEnd());
    out('');
  }
  out('router1#show crypto map');
  out(r1.gateway.show('map').text.trimEnd());
  out('');
  for (const r of routers) {
    out(`${r.gateway.name}#show crypto isakmp sa`);
    out(r.gateway.show('isakmp sa').text.trimEnd());
    out('');
  }
  out('router1#show crypto ipsec sa');
  out(r1.gateway.show('ipsec sa').text.trimEnd());
  out('');
  flush();

  const ok = before2.tunnelOk && before3.tunnelOk && after.tunnelOk;
  out(
    `lab: before the cut ${before2.tunnelOk ? 'ok' : 'FAILED'} (Tunnel0), ${before3.tunnelOk ? 'ok' : 'FAILED'} (Tunnel1); after the cut ${after.tunnelOk ? 'ok' : 'FAILED'} (Tunnel1); healed ${back.tunnelOk ? 'ok' : 'not back'} (Tunnel0)`,
  );
  if (failover !== undefined) out(`lab: failover ${failover.toFixed(1)} s (keepalive 5 s x 3 retries)`);
  out(
    `lab: ${ok ? 'PASS' : 'FAIL'}: ${ok ? 'traffic crossed the tunnels before and after the cut' : 'traffic did not cross before and after the cut'}`,
  );
  for (const r of routers) r.gateway.stop();
  return {
    ok,
    pings,
    gateways: routers.map((r) => r.gateway),
    virtualSeconds: net.scheduler.now() - START_SECONDS,
    debugMessages: debugTrace.count(),
    frames,
    ...(failover !== undefined ? { failoverSeconds: failover } : {}),
  };
}

export const GRE_HA: Scenario = {
  name: 'gre-ha',
  title: 'High-availability IPsec over GRE: two tunnels, a link cut, traffic moves',
  source: 'Examples 13-16 to 13-18, Figure 13-49; static routes and keepalives in place of EIGRP',
  routers: [
    { file: 'example-13-16 (router1)', text: GRE_HA_ROUTER1 },
    { file: 'example-13-17 (router2)', text: GRE_HA_ROUTER2 },
    { file: 'example-13-18 (router3)', text: GRE_HA_ROUTER3 },
  ],
  pings: [],
  run: (_routers, engines, options) => runGreHa(engines, options),
};
