// Builds the virtual network for a set of router configurations: each router's crypto-map
// interface faces the WAN, its other addressed interface is a LAN with one host (.2, or the
// next free address). Routers whose WAN interfaces share a subnet share one WAN segment;
// otherwise an "internet" core router joins their subnets (as in Figure 13-48), answering
// at the first free address of each (the routers' default gateways).

import { ipv4NumberToText } from '../packet/address.js';
import { inSubnet, ipToNumber } from '../net/virtual/ip.js';
import type { VirtualHost } from '../net/virtual/host.js';
import type { VirtualNetwork } from '../net/virtual/network.js';
import type { VirtualRouter } from '../net/virtual/router.js';
import type { LinkProfile, Segment } from '../net/virtual/segment.js';
import type { Interface, RouterConfig } from '../policy/model.js';

export interface LabRouter {
  readonly config: RouterConfig;
  readonly router: VirtualRouter;
  readonly wan: Interface & { readonly address: string; readonly netmask: string };
  readonly lan: Interface & { readonly address: string; readonly netmask: string };
  readonly host: VirtualHost;
  /** The LAN between the router and its host (a VPN client's host takes its Mode Config address here). */
  readonly lanSegment: Segment;
  /** Where peers see this router: its WAN address, or its PAT box's outside address. */
  readonly publicAddress: string;
}

export interface LabTopology {
  readonly routers: readonly LabRouter[];
  readonly wanSegments: readonly Segment[];
  readonly describe: readonly string[];
}

export class TopologyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TopologyError';
  }
}

type Addressed = Interface & { readonly address: string; readonly netmask: string };

function addressed(i: Interface): i is Addressed {
  return i.address !== undefined && i.netmask !== undefined && !i.shutdown;
}

function networkOf(address: string, mask: string): string {
  return ipv4NumberToText((ipToNumber(address) & ipToNumber(mask)) >>> 0);
}

/** The first host address of the subnet not in `taken`. */
function freeAddress(iface: Addressed, taken: ReadonlySet<string>): string {
  const network = ipToNumber(networkOf(iface.address, iface.netmask));
  const broadcast = (network | (~ipToNumber(iface.netmask) >>> 0)) >>> 0;
  for (let a = network + 1; a < broadcast; a++) {
    const text = ipv4NumberToText(a);
    if (!taken.has(text)) return text;
  }
  throw new TopologyError(`no free address in ${iface.name} ${iface.address} ${iface.netmask}`);
}

/**
 * The lab's host behind a router on a LAN of its own, at `address` in `netmask`, when the
 * traffic the configuration protects comes from a host the printed configuration only routes
 * to (Example 13-21's 20.1.1.1) or from a loopback (Example 13-22's 10.1.1.1). The router
 * answers on that LAN at the subnet's first other address.
 */
export interface LabHost {
  readonly address: string;
  readonly netmask: string;
}

export function buildTopology(
  net: VirtualNetwork,
  configs: readonly RouterConfig[],
  options: {
    wan?: Partial<LinkProfile>;
    lan?: Partial<LinkProfile>;
    /** Put router `router` behind a PAT box whose outside address is `outsideAddress`. */
    nat?: { readonly router: number; readonly outsideAddress: string };
    /** Per router (by index): its host on a LAN of its own instead of on its second interface. */
    hosts?: readonly (LabHost | undefined)[];
  } = {},
): LabTopology {
  const describe: string[] = [];
  const picked = configs.map((config, index) => {
    const wan = config.interfaces.find((i) => i.cryptoMap !== undefined && addressed(i));
    if (wan === undefined || !addressed(wan)) {
      throw new TopologyError(
        `${config.file}: no interface with an address and a crypto map (the lab's WAN side)`,
      );
    }
    const own = options.hosts?.[index];
    if (own !== undefined) {
      const lan: Addressed = { name: 'lab-lan', shutdown: false, address: own.address, netmask: own.netmask };
      return { config, wan, lan, hostAddress: own.address };
    }
    const lan = config.interfaces.find(
      (i) =>
        i !== wan &&
        i.cryptoMap === undefined &&
        addressed(i) &&
        !i.name.toLowerCase().startsWith('loopback'),
    );
    if (lan === undefined || !addressed(lan)) {
      throw new TopologyError(`${config.file}: no second addressed interface (the lab's protected LAN side)`);
    }
    return { config, wan, lan, hostAddress: undefined };
  });
  const names = new Set<string>();
  for (const p of picked) {
    if (names.has(p.config.hostname))
      throw new TopologyError(`two routers are named ${p.config.hostname}: give each its own hostname`);
    names.add(p.config.hostname);
  }
  const allAddresses = new Set<string>(
    picked.flatMap((p) => p.config.interfaces.flatMap((i) => (i.address === undefined ? [] : [i.address]))),
  );
  const nat = options.nat;
  if (nat !== undefined) allAddresses.add(nat.outsideAddress);
  // Where each router appears on the WAN: its own address, or its PAT box's outside address.
  const presence = (p: (typeof picked)[number], index: number): Addressed =>
    nat?.router === index ? { ...p.wan, address: nat.outsideAddress } : p.wan;
  const routers: LabRouter[] = [];
  const wanSegments: Segment[] = [];
  const first = presence(picked[0]!, 0);
  const sharedSubnet = picked.every(
    (p, i) =>
      inSubnet(presence(p, i).address, first.address, first.netmask) && p.wan.netmask === first.netmask,
  );
  let shared: Segment | undefined;
  let core: VirtualRouter | undefined;
  if (sharedSubnet) {
    shared = net.segment('wan', options.wan);
    wanSegments.push(shared);
    describe.push(
      `WAN ${networkOf(first.address, first.netmask)} ${first.netmask}: ${picked.map((p, i) => `${p.config.hostname} ${nat?.router === i ? `(via PAT) ${presence(p, i).address}` : `${p.wan.name} ${p.wan.address}`}`).join(', ')}`,
    );
  } else {
    core = net.router('internet');
  }
  picked.forEach((p, index) => {
    const router = net.router(p.config.hostname);
    const seen = presence(p, index);
    let wanSegment = shared;
    let gateway: string | undefined;
    if (wanSegment === undefined && core !== undefined) {
      wanSegment = net.segment(`wan-${p.config.hostname}`, options.wan);
      wanSegments.push(wanSegment);
      gateway = freeAddress(seen, allAddresses);
      allAddresses.add(gateway);
      core.addInterface(`to-${p.config.hostname}`, gateway, seen.netmask, wanSegment);
      describe.push(
        `${p.config.hostname} ${seen.name} ${seen.address} ${seen.netmask} -- internet ${gateway}`,
      );
    }
    if (wanSegment === undefined) throw new TopologyError('no WAN segment');
    if (nat?.router === index) {
      // router -- inside segment -- PAT box -- WAN
      const inside = net.segment(`inside-${p.config.hostname}`, { delay: 0.001, ...options.lan });
      const natInside = freeAddress(p.wan, allAddresses);
      allAddresses.add(natInside);
      const box = net.nat(`pat-${p.config.hostname}`, 'inside', 'outside');
      box.addInterface('inside', natInside, p.wan.netmask, inside);
      box.addInterface('outside', nat.outsideAddress, p.wan.netmask, wanSegment);
      if (gateway !== undefined) box.addRoute('0.0.0.0', '0.0.0.0', gateway);
      router.addInterface(p.wan.name, p.wan.address, p.wan.netmask, inside);
      router.addRoute('0.0.0.0', '0.0.0.0', natInside);
      describe.push(
        `${p.config.hostname} ${p.wan.name} ${p.wan.address} ${p.wan.netmask} -- PAT inside ${natInside}, outside ${nat.outsideAddress}`,
      );
    } else {
      if (gateway !== undefined) router.addRoute('0.0.0.0', '0.0.0.0', gateway);
      router.addInterface(p.wan.name, p.wan.address, p.wan.netmask, wanSegment);
    }
    const lanSegment = net.segment(`lan-${p.config.hostname}`, { delay: 0.001, ...options.lan });
    const lan =
      p.hostAddress === undefined
        ? p.lan
        : { ...p.lan, address: freeAddress(p.lan, new Set([...allAddresses, p.hostAddress])) };
    allAddresses.add(lan.address);
    router.addInterface(lan.name, lan.address, lan.netmask, lanSegment);
    const host = net.host(`host-${p.config.hostname}`);
    const hostAddress = p.hostAddress ?? freeAddress(lan, allAddresses);
    allAddresses.add(hostAddress);
    host.addInterface('eth0', hostAddress, lan.netmask, lanSegment);
    host.addRoute('0.0.0.0', '0.0.0.0', lan.address);
    describe.push(`${p.config.hostname} ${lan.name} ${lan.address} ${lan.netmask} -- host ${hostAddress}`);
    routers.push({
      config: p.config,
      router,
      wan: p.wan,
      lan,
      host,
      lanSegment,
      publicAddress: seen.address,
    });
  });
  // Each router hands traffic for the other routers' LANs to its gateway (the tunnel). On a
  // shared WAN the other LANs are also routed via their router (Example 13-24's `ip route`):
  // what the gateway sends in the clear toward them (a TED probe) gets there.
  for (const r of routers) {
    for (const other of routers) {
      if (other === r) continue;
      const network = networkOf(other.lan.address, other.lan.netmask);
      r.router.addTunnelRoute(network, other.lan.netmask);
      if (sharedSubnet) r.router.addRoute(network, other.lan.netmask, other.wan.address);
    }
    // A `discover` entry's gateway answers TED probes for its LAN (and gets the answers to its own).
    if (r.config.cryptoMaps.some((e) => e.discover === true))
      r.router.captureIke(networkOf(r.lan.address, r.lan.netmask), r.lan.netmask);
  }
  return { routers, wanSegments, describe };
}
