// `typeswan lab nat-bypass`: the chapter's NAT bypass case study (Example 13-30, Figure
// 13-56). NATRTR translates its LAN (PAT onto Ethernet0/0 for access-list 1, and the static
// 10.1.1.2 -> 100.1.1.3) and protects 10.1.1.0/24 -> 10.1.2.0/24 toward 1.1.1.1. NAT comes
// before the crypto map on the way out, so a translated packet no longer matches access-list
// 100 and leaves in the clear: the run first shows that (the configuration without `ip policy
// route-map nonat`), then the cure: the policy route to the Loopback keeps the VPN traffic from
// NAT, so it crosses the tunnel from 10.1.1.2 while traffic to an Internet host at 1.1.1.100
// is translated (static for 10.1.1.2, PAT for 10.1.1.3). The run passes only when a capture
// of the WAN and of the remote LAN saw exactly that.

import type { Gateway, GatewayAdapters } from '../../gateway/gateway.js';
import { EventBus } from '../../observe/bus.js';
import type { DebugCategory } from '../../observe/events.js';
import { DEFAULT_PING, type VirtualHost } from '../../net/virtual/host.js';
import { VirtualNetwork } from '../../net/virtual/network.js';
import type { Segment } from '../../net/virtual/segment.js';
import { ICMP_ECHO_REQUEST, IPPROTO_ICMP, ipv4ToText, parseIpv4 } from '../../packet/index.js';
import { findInterface } from '../../policy/cryptoMap.js';
import type { RouterConfig } from '../../policy/model.js';
import { pingBanner, pingMarks, pingSummary } from '../ping.js';
import {
  collectDebug,
  labGatewaySettings,
  pingUntilDone,
  START_SECONDS,
  tunnelCounters,
  type LabEngines,
  type LabOptions,
  type LabResult,
  type PingOutcome,
} from '../run.js';
import type { LabRouter } from '../topology.js';
import type { Scenario, ScenarioRouter } from './index.js';

/** Example 13-30 as printed (test/fixtures/chapter/example-13-30.cfg). */
export const EXAMPLE_13_30_NATRTR = `Router#write terminal

hostname NATRTR

crypto map test 10 IPsec-isakmp
  set peer 1.1.1.1
  set transform-set transform
  match address 100
!This is the loopback the traffic will be routed to in order to change the order
!of events on the router
interface Loopback1

ip address 10.2.2.2 255.255.255.252

interface Ethernet0/0
ip address 1.1.1.2 255.255.255.0
ip nat outside
crypto map test

interface Ethernet0/1
ip address 10.1.1.1 255.255.255.0
ip nat inside
ip route-cache policy
!The policy route map below is used to force the IPsec interesting traffic to the
!loopback interface.
ip policy route-map nonat
!This is the dynamic NAT configuration we are trying to bypass.
ip nat inside source access-list 1 interface Ethernet0/0 overload
!This is the static NAT entry we are trying to bypass.
ip nat inside source static 10.1.1.2 100.1.1.3
access-list 1 permit 10.0.0.0 0.255.255.255
!The access list below defines IPsec interesting traffic.
access-list 100 permit ip 10.1.1.0 0.0.0.255 10.1.2.0 0.0.0.255
!The access list below defines the traffic that is to be used by the route map
!nonat to route to the loopback interface.
access-list 120 permit ip 10.1.1.0 0.0.0.255 10.1.2.0 0.0.0.255
route-map nonat
permit 10
!Below is the route map used to route the traffic matching access list 120 to the
!loopback interface.
route-map nonat permit 10
match ip address 120
set ip next-hop 10.2.2.1
`;

/** What the stripped configuration leaves out: the ISAKMP policy, the key, transform set "transform". */
export const EXAMPLE_13_30_NATRTR_LAB = `${EXAMPLE_13_30_NATRTR}
! lab: what the printed configuration strips
crypto isakmp policy 10
 authentication pre-share
crypto isakmp key natbypass address 1.1.1.1
crypto ipsec transform-set transform esp-des esp-md5-hmac
ip route 10.1.2.0 255.255.255.0 1.1.1.1
`;

/** The peer the chapter does not print: 1.1.1.1 in front of 10.1.2.0/24. */
export const NAT_BYPASS_PEER = `hostname VPNPEER
crypto isakmp policy 10
 authentication pre-share
crypto isakmp key natbypass address 1.1.1.2
crypto ipsec transform-set transform esp-des esp-md5-hmac
crypto map test 10 ipsec-isakmp
 set peer 1.1.1.2
 set transform-set transform
 match address 100
interface Ethernet0/0
 ip address 1.1.1.1 255.255.255.0
 crypto map test
interface Ethernet0/1
 ip address 10.1.2.1 255.255.255.0
access-list 100 permit ip 10.1.2.0 0.0.0.255 10.1.1.0 0.0.0.255
`;

const INTERNET_HOST = '1.1.1.100';
const STATIC_GLOBAL = '100.1.1.3';

interface Echo {
  readonly source: string;
  readonly destination: string;
}

/** The ICMP echo requests on a segment, by addresses; ESP and the rest are not echoes. */
function echoRequests(segment: Segment, frames?: { time: number; data: Uint8Array }[]): Echo[] {
  const seen: Echo[] = [];
  segment.tap = (packet, time) => {
    frames?.push({ time, data: Uint8Array.from(packet) });
    try {
      const h = parseIpv4(packet);
      if (h.protocol === IPPROTO_ICMP && h.payload[0] === ICMP_ECHO_REQUEST)
        seen.push({ source: ipv4ToText(h.source), destination: ipv4ToText(h.destination) });
    } catch {
      // not an IPv4 packet: nothing to record
    }
  };
  return seen;
}

interface NatLab {
  readonly net: VirtualNetwork;
  readonly natrtr: Gateway;
  readonly peer: Gateway;
  readonly hostA: VirtualHost;
  readonly hostB: VirtualHost;
  readonly remote: VirtualHost;
  /** Echo requests seen on the WAN and on the remote LAN. */
  readonly wan: Echo[];
  readonly remoteLan: Echo[];
  readonly trace: string[];
  count(): number;
}

function addressed(config: RouterConfig, name: string): { address: string; netmask: string } {
  const i = findInterface(config, name);
  if (i?.address === undefined || i.netmask === undefined)
    throw new Error(`${config.file}: ${name} needs an address`);
  return { address: i.address, netmask: i.netmask };
}

function buildLab(
  frames: { time: number; data: Uint8Array }[],
  configs: readonly [RouterConfig, RouterConfig],
  engines: LabEngines,
  options: LabOptions,
): NatLab {
  const seed = options.seed ?? 1;
  const net = new VirtualNetwork({ seed, startSeconds: START_SECONDS });
  const wanLink = {
    loss: options.loss ?? 0,
    duplicate: options.duplicate ?? 0,
    reorder: options.reorder ?? 0,
  };
  const wanSegment = net.segment('wan', wanLink);
  const wan = echoRequests(wanSegment, options.capture === true ? frames : undefined);
  const bus = new EventBus();
  const categories: readonly DebugCategory[] = options.debug ?? ['isakmp', 'ipsec', 'engine'];
  const debug = collectDebug(bus, categories);
  const hosts: VirtualHost[][] = [];
  const lans: Segment[] = [];
  const gateways = configs.map((config, index) => {
    const router = net.router(config.hostname);
    const outside = addressed(config, 'Ethernet0/0');
    const inside = addressed(config, 'Ethernet0/1');
    router.addInterface('Ethernet0/0', outside.address, outside.netmask, wanSegment);
    const lanSegment = net.segment(`lan-${config.hostname}`, { delay: 0.001 });
    lans.push(lanSegment);
    router.addInterface('Ethernet0/1', inside.address, inside.netmask, lanSegment);
    for (const r of config.staticRoutes ?? [])
      if (r.nextHop !== undefined) router.addRoute(r.network, r.mask, r.nextHop);
    const prefix = inside.address.split('.').slice(0, 3).join('.');
    const lanHosts = (index === 0 ? [2, 3] : [2]).map((n) => {
      const host = net.host(`host-${prefix}.${n}`);
      host.addInterface('eth0', `${prefix}.${n}`, inside.netmask, lanSegment);
      host.addRoute('0.0.0.0', '0.0.0.0', inside.address);
      return host;
    });
    hosts.push(lanHosts);
    // NATRTR is its LAN's path to everything (the gateway routes, translates and encrypts);
    // the peer hands the gateway only traffic for NATRTR's LAN.
    if (index === 0) router.addTunnelRoute('0.0.0.0', '0.0.0.0');
    else {
      router.addTunnelRoute('10.1.1.0', '255.255.255.0');
      router.addRoute('0.0.0.0', '0.0.0.0', addressed(configs[0], 'Ethernet0/0').address);
    }
    const adapters: GatewayAdapters = {
      udp: [router.udpEndpoint(outside.address, 500), router.udpEndpoint(outside.address, 4500)],
      raw: [router.rawEndpoint(outside.address)],
      tunnel: router.packetTunnel(),
      natOutside: router.outsideTap(),
    };
    const labRouter: LabRouter = {
      config,
      router,
      wan: { ...findInterface(config, 'Ethernet0/0')!, ...outside },
      lan: { ...findInterface(config, 'Ethernet0/1')!, ...inside },
      host: lanHosts[0]!,
      lanSegment,
      publicAddress: outside.address,
    };
    return engines.createGateway({
      router: labRouter,
      adapters,
      scheduler: net.scheduler,
      bus,
      ...labGatewaySettings(options, index),
    });
  });
  const internet = net.host('internet-host');
  internet.addInterface('eth0', INTERNET_HOST, '255.255.255.0', wanSegment);
  internet.addRoute('0.0.0.0', '0.0.0.0', addressed(configs[0], 'Ethernet0/0').address);
  const remoteLan = echoRequests(lans[1]!);
  for (const g of gateways) g.start();
  return {
    net,
    natrtr: gateways[0]!,
    peer: gateways[1]!,
    hostA: hosts[0]![0]!,
    hostB: hosts[0]![1]!,
    remote: hosts[1]![0]!,
    wan,
    remoteLan,
    trace: debug.trace,
    count: debug.count,
  };
}

/** Echo requests from `source` to `destination` among `seen` since index `from`. */
function sent(seen: readonly Echo[], from: number, source: string, destination: string): number {
  return seen.slice(from).filter((e) => e.source === source && e.destination === destination).length;
}

function runNatBypass(
  routers: readonly ScenarioRouter[],
  engines: LabEngines,
  options: LabOptions,
): LabResult {
  const out = options.out;
  const count = options.count ?? DEFAULT_PING.count;
  const deadline = START_SECONDS + (options.timeLimit ?? 600);
  const [natrtrText, peerText] = [routers[0], routers[1]];
  if (natrtrText === undefined || peerText === undefined)
    throw new Error('nat-bypass needs NATRTR and its peer');
  const peerConfig = engines.parse(peerText.text, peerText.file);
  const withoutPolicy = natrtrText.text.replace(
    /^ip policy route-map nonat\s*$/m,
    '! lab: ip policy route-map nonat left out',
  );
  const frames: { time: number; data: Uint8Array }[] = [];
  const pings: PingOutcome[] = [];
  let debugMessages = 0;
  const gateways: Gateway[] = [];

  const ping = (lab: NatLab, host: VirtualHost, destination: string): PingOutcome => {
    const before = tunnelCounters(lab.natrtr);
    const result = pingUntilDone(lab.net, host, destination, count, deadline);
    const after = tunnelCounters(lab.natrtr);
    const replies = result.replies.filter((r) => r !== undefined).length;
    out(`${host.name}#ping ${destination}`);
    for (const line of pingBanner({ ...result, count })) out(line);
    for (const line of lab.trace.splice(0)) out(line);
    out(pingMarks(result));
    out(pingSummary(result));
    const encaps = after.encaps - before.encaps;
    const decaps = after.decaps - before.decaps;
    const outcome = {
      from: host.address,
      to: destination,
      result,
      encaps,
      decaps,
      tunnelOk: replies > 0 && encaps >= replies && decaps >= replies,
    };
    pings.push(outcome);
    return outcome;
  };
  const show = (gateway: Gateway, what: Parameters<Gateway['show']>[0], command: string): void => {
    out(`${gateway.name}#${command}`);
    out(gateway.show(what).text.trimEnd());
    out('');
  };

  out(`typeswan lab nat-bypass: ${NAT_BYPASS.title} (${NAT_BYPASS.source})`);
  out(
    `  WAN 1.1.1.0 255.255.255.0: NATRTR Ethernet0/0 1.1.1.2, VPNPEER Ethernet0/0 1.1.1.1, Internet host ${INTERNET_HOST}`,
  );
  out('  NATRTR Ethernet0/1 10.1.1.1 255.255.255.0 -- hosts 10.1.1.2 (static 100.1.1.3) and 10.1.1.3 (PAT)');
  out('  VPNPEER Ethernet0/1 10.1.2.1 255.255.255.0 -- host 10.1.2.2');
  out('');

  // 1. The problem: NAT before crypto, nothing to keep the VPN traffic from it.
  out('lab: 1. without ip policy route-map nonat: NAT runs before the crypto map');
  // --pcap records the second run only (each run starts its own virtual clock)
  const problem = buildLab(
    [],
    [engines.parse(withoutPolicy, `${natrtrText.file} without ip policy`), peerConfig],
    engines,
    options,
  );
  gateways.push(problem.natrtr, problem.peer);
  const p0 = problem.wan.length;
  const clear = ping(problem, problem.hostA, problem.remote.address);
  const inClear = sent(problem.wan, p0, STATIC_GLOBAL, problem.remote.address);
  const problemShown = inClear > 0 && clear.encaps === 0;
  out(
    `lab: WAN saw ${inClear} echo requests ${STATIC_GLOBAL} -> ${problem.remote.address} in the clear, ESP encaps ${clear.encaps}: ${problemShown ? 'the translated traffic missed access-list 100, as the chapter says' : 'FAILED to show the problem'}`,
  );
  out('');
  show(problem.natrtr, 'ip nat translations', 'show ip nat translations');
  for (const line of problem.trace.splice(0)) out(line);
  debugMessages += problem.count();
  for (const g of [problem.natrtr, problem.peer]) g.stop();

  // 2. The cure: Example 13-30 as printed.
  out('lab: 2. Example 13-30: the policy route to Loopback1 keeps the VPN traffic from NAT');
  const cure = engines.parse(natrtrText.text, natrtrText.file);
  const lab = buildLab(frames, [cure, peerConfig], engines, options);
  gateways.push(lab.natrtr, lab.peer);
  const w0 = lab.wan.length;
  const vpn = ping(lab, lab.hostA, lab.remote.address);
  const fromInside = sent(lab.remoteLan, 0, lab.hostA.address, lab.remote.address);
  const leaked = lab.wan.slice(w0).filter((e) => e.destination === lab.remote.address).length;
  const vpnOk = vpn.tunnelOk && fromInside > 0 && leaked === 0;
  out(
    `lab: ${lab.remote.address} saw ${fromInside} echo requests from ${lab.hostA.address} (untranslated, through ESP: encaps ${vpn.encaps}, decaps ${vpn.decaps}); in the clear on the WAN ${leaked}: ${vpnOk ? 'ok' : 'FAILED'}`,
  );
  out('');
  const internetChecks = [
    { host: lab.hostA, global: STATIC_GLOBAL, how: 'static' },
    {
      host: lab.hostB,
      global: addressed(cure, 'Ethernet0/0').address,
      how: 'PAT',
    },
  ].map((c) => {
    const i0 = lab.wan.length;
    const r = ping(lab, c.host, INTERNET_HOST);
    const replies = r.result.replies.filter((x) => x !== undefined).length;
    const translated = sent(lab.wan, i0, c.global, INTERNET_HOST);
    const untranslated = sent(lab.wan, i0, c.host.address, INTERNET_HOST);
    const ok = replies > 0 && translated > 0 && untranslated === 0 && r.encaps === 0;
    out(
      `lab: ${INTERNET_HOST} saw ${translated} echo requests from ${c.global} (${c.how} for ${c.host.address}), ${untranslated} from ${c.host.address}, ${replies} replies back: ${ok ? 'ok' : 'FAILED'}`,
    );
    out('');
    return ok;
  });
  show(lab.natrtr, 'ip nat translations', 'show ip nat translations');
  show(lab.natrtr, 'ip nat statistics', 'show ip nat statistics');
  show(lab.natrtr, 'isakmp sa', 'show crypto isakmp sa');
  show(lab.natrtr, 'ipsec sa', 'show crypto ipsec sa');
  for (const line of lab.trace.splice(0)) out(line);
  debugMessages += lab.count();
  const ok = problemShown && vpnOk && internetChecks.every((c) => c);
  out(
    `lab: ${ok ? 'PASS' : 'FAIL'}: ${ok ? 'VPN traffic crossed the tunnel untranslated, Internet traffic was translated' : 'the traffic was not translated or protected as Example 13-30 intends'}`,
  );
  const seconds = lab.net.scheduler.now() - START_SECONDS + (problem.net.scheduler.now() - START_SECONDS);
  for (const g of [lab.natrtr, lab.peer]) g.stop();
  return { ok, pings, gateways, virtualSeconds: seconds, debugMessages, frames };
}

export const NAT_BYPASS: Scenario = {
  name: 'nat-bypass',
  title: 'NAT on the router, and the policy route that keeps IPsec traffic from it',
  source: 'Example 13-30, Figure 13-56; the peer 1.1.1.1 and the stripped ISAKMP lines added',
  routers: [
    { file: 'example-13-30 (NATRTR)', text: EXAMPLE_13_30_NATRTR_LAB },
    { file: 'peer 1.1.1.1 (VPNPEER)', text: NAT_BYPASS_PEER },
  ],
  pings: [],
  run: runNatBypass,
};
