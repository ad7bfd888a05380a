// Which translation a packet from the inside gets, in IOS's order of operations: policy
// routing on the inside interface first (`ip policy route-map`: a packet sent to a next hop on
// a Loopback enters the router again from an interface that is not `ip nat inside`, so it is
// never translated: Example 13-30's bypass), then NAT (static before dynamic; a dynamic rule
// translates what its ACL or route map permits: Example 13-13's `route-map nonat` denies the
// VPN traffic), and only then the crypto map of the outside interface (the caller's data plane).
// PIX: `nat (IF) 0 access-list ACL` exempts, `nat (IF) ID NET MASK` + `global (IF) ID ...` translate.

import { inSubnet } from '../../net/virtual/ip.js';
import { matchAcl, type Packet5Tuple } from '../../policy/match.js';
import type { AccessList, Interface, RouterConfig } from '../../policy/model.js';
import type { RouteMapEntry } from '../../policy/natModel.js';

export type NatDecision =
  | { readonly kind: 'none'; readonly reason: string }
  | { readonly kind: 'static'; readonly global: string; readonly local: string }
  | { readonly kind: 'pat'; readonly global: string; readonly rule: string };

/** A problem of the configuration the gateway runs around: printed once at start. */
export interface NatNotice {
  readonly line: number;
  readonly message: string;
}

interface DynamicRule {
  /** As `show ip nat statistics` names it: `access-list 1 interface Ethernet0/0`. */
  readonly name: string;
  readonly matches: (packet: Packet5Tuple) => boolean;
  /** The address PAT translates onto, undefined when the interface has none. */
  readonly global: string | undefined;
}

interface Addressed extends Interface {
  readonly address: string;
  readonly netmask: string;
}

const addressed = (i: Interface): i is Addressed => i.address !== undefined && i.netmask !== undefined;
const isLoopback = (name: string): boolean => /^lo/i.test(name);

export class NatPolicy {
  readonly insideInterfaces: readonly string[];
  readonly outsideInterfaces: readonly string[];
  readonly notices: NatNotice[] = [];
  /** Inside local → inside global, and back. */
  readonly statics: ReadonlyMap<string, string>;
  readonly staticsByGlobal: ReadonlyMap<string, string>;
  private readonly dynamic: DynamicRule[] = [];
  private readonly exempt: ((packet: Packet5Tuple) => boolean)[] = [];
  private readonly acls: ReadonlyMap<string, AccessList>;
  private readonly routeMaps = new Map<string, RouteMapEntry[]>();

  constructor(private readonly config: RouterConfig) {
    this.acls = new Map(config.accessLists.map((a) => [a.name, a]));
    for (const r of config.routeMaps ?? []) {
      const list = this.routeMaps.get(r.name) ?? [];
      list.push(r);
      this.routeMaps.set(r.name, list);
    }
    const pix = config.dialect === 'pix';
    this.insideInterfaces = config.interfaces
      .filter((i) => (pix ? (i.securityLevel ?? (i.name === 'inside' ? 100 : 0)) > 0 : i.nat === 'inside'))
      .map((i) => i.name);
    this.outsideInterfaces = config.interfaces
      .filter((i) => (pix ? i.name === 'outside' || i.securityLevel === 0 : i.nat === 'outside'))
      .map((i) => i.name);
    const statics = new Map<string, string>();
    for (const s of config.nat?.insideSources ?? []) {
      if (s.kind === 'static') statics.set(s.local, s.global);
      else {
        const iface = this.findInterface(s.interface);
        const name = `${s.acl !== undefined ? `access-list ${s.acl}` : `route-map ${s.routeMap ?? ''}`} interface ${s.interface}`;
        if (iface?.nat !== 'outside')
          this.notices.push({
            line: s.at.line,
            message: `ip nat inside source ${name}: ${s.interface} is not ip nat outside, so nothing is translated onto it`,
          });
        const acl = s.acl;
        const routeMap = s.routeMap;
        this.dynamic.push({
          name,
          matches: (p) =>
            acl !== undefined
              ? this.aclPermits(acl, p)
              : this.routeMapMatch(routeMap ?? '', p)?.action === 'permit',
          global: iface?.address,
        });
      }
    }
    this.statics = statics;
    this.staticsByGlobal = new Map([...statics].map(([local, global]) => [global, local]));
    this.pixRules();
    for (const r of config.routeMaps ?? []) {
      const hops = r.setNextHops.filter((h) => !this.onLoopback(h));
      if (hops.length > 0)
        this.notices.push({
          line: r.at.line,
          message: `route-map ${r.name} ${r.action} ${r.seq}: set ip next-hop ${hops.join(' ')} is not followed (the host routes); only a next hop on a Loopback, which keeps the traffic from NAT, changes what the gateway does`,
        });
    }
  }

  /** Any translation configured at all. */
  get active(): boolean {
    return (this.statics.size > 0 || this.dynamic.length > 0) && this.outsideInterfaces.length > 0;
  }

  /** `show ip nat statistics`' dynamic mappings. */
  get dynamicRules(): readonly string[] {
    return this.dynamic.map((d) => d.name);
  }

  private findInterface(name: string): Interface | undefined {
    const lower = name.toLowerCase();
    return this.config.interfaces.find((i) => i.name.toLowerCase() === lower);
  }

  private aclPermits(name: string, p: Packet5Tuple): boolean {
    const acl = this.acls.get(name);
    return acl !== undefined && matchAcl(acl, p).action === 'permit';
  }

  /** The first entry whose `match ip address` ACLs permit the packet (an entry without one matches all). */
  private routeMapMatch(name: string, p: Packet5Tuple): RouteMapEntry | undefined {
    return (this.routeMaps.get(name) ?? []).find(
      (e) => e.matchAcls.length === 0 || e.matchAcls.some((acl) => this.aclPermits(acl, p)),
    );
  }

  private onLoopback(address: string): boolean {
    return this.config.interfaces.some(
      (i) => isLoopback(i.name) && addressed(i) && inSubnet(address, i.address, i.netmask),
    );
  }

  /** The interface a packet from `source` came in on: the one whose subnet holds it, else the only inside one. */
  private ingress(source: string): Interface | undefined {
    const connected = this.config.interfaces.find(
      (i) => addressed(i) && !isLoopback(i.name) && inSubnet(source, i.address, i.netmask),
    );
    if (connected !== undefined) return connected;
    const inside = this.insideInterfaces;
    return inside.length === 1 ? this.findInterface(inside[0] ?? '') : undefined;
  }

  private pixRules(): void {
    const nat = this.config.nat;
    if (nat === undefined || this.config.dialect !== 'pix') return;
    for (const n of nat.pixNat) {
      const where = `nat (${n.interface}) ${n.id}`;
      const network = n.network;
      const mask = n.mask;
      const inNetwork = (p: Packet5Tuple): boolean =>
        network !== undefined && mask !== undefined && inSubnet(p.source, network, mask);
      if (n.id === 0) {
        const acl = n.acl;
        this.exempt.push((p) => (acl !== undefined ? this.aclPermits(acl, p) : inNetwork(p)));
        continue;
      }
      const globals = nat.pixGlobal.filter((g) => g.id === n.id);
      const pat = globals.find((g) => g.last === undefined);
      for (const g of globals.filter((x) => x.last !== undefined))
        this.notices.push({
          line: g.at.line,
          message: `global (${g.interface}) ${g.id} ${g.address}-${g.last ?? ''}: address pools are not run; ${pat !== undefined ? 'the PAT address of the same ID translates instead' : 'nothing translates for this ID'}`,
        });
      if (pat === undefined) {
        if (globals.length === 0)
          this.notices.push({
            line: n.at.line,
            message: `${where}: no global (IF) ${n.id}, nothing is translated`,
          });
        continue;
      }
      const global = pat.address === 'interface' ? this.findInterface(pat.interface)?.address : pat.address;
      this.dynamic.push({
        name: `${where} ${network ?? ''} ${mask ?? ''} global (${pat.interface}) ${pat.address}`,
        matches: inNetwork,
        global,
      });
    }
  }

  /** What a packet from the inside gets on its way out. */
  decide(p: Packet5Tuple): NatDecision {
    const ingress = this.ingress(p.source);
    if (this.config.dialect === 'ios') {
      if (ingress?.nat !== 'inside') return { kind: 'none', reason: 'not from an ip nat inside interface' };
      const policy = ingress.policyRouteMap;
      const entry = policy === undefined ? undefined : this.routeMapMatch(policy, p);
      if (entry?.action === 'permit') {
        const loop =
          entry.setInterfaces.find(isLoopback) ?? entry.setNextHops.find((h) => this.onLoopback(h));
        if (loop !== undefined)
          return {
            kind: 'none',
            reason: `policy-routed by route-map ${policy ?? ''} to ${loop} (not ip nat inside)`,
          };
      }
    } else if (this.exempt.some((e) => e(p))) return { kind: 'none', reason: 'nat 0 (exempt)' };
    const global = this.statics.get(p.source);
    if (global !== undefined) return { kind: 'static', global, local: p.source };
    for (const d of this.dynamic) {
      if (d.global !== undefined && d.matches(p)) return { kind: 'pat', global: d.global, rule: d.name };
    }
    return { kind: 'none', reason: 'no NAT rule permits it' };
  }
}
