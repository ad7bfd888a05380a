// The NAT and policy-routing part of a router's configuration (Examples 13-13 to 13-15,
// 13-21 and 13-30): IOS `ip nat inside source ...`, `route-map`, `ip nat translation ...`
// and PIX `nat`/`global`/`static`. The gateway reads it through gateway/nat/natPolicy.ts.

import type { Ipv4, SourceRef } from './model.js';

/** `ip nat inside source list ACL|route-map NAME interface IF overload`: PAT onto IF's address. */
export interface NatDynamicSource {
  readonly kind: 'dynamic';
  /** `list N` (or `access-list N`): the ACL that says which inside sources are translated. */
  readonly acl?: string;
  /** `route-map NAME`: its permit entries' `match ip address` ACLs say it instead. */
  readonly routeMap?: string;
  readonly interface: string;
  readonly at: SourceRef;
}

/** `ip nat inside source static LOCAL GLOBAL`: one inside address always seen as GLOBAL. */
export interface NatStaticSource {
  readonly kind: 'static';
  readonly local: Ipv4;
  readonly global: Ipv4;
  readonly at: SourceRef;
}

export type NatInsideSource = NatDynamicSource | NatStaticSource;

/** `route-map NAME permit|deny SEQ` with its `match ip address` and `set ip next-hop`/`set interface`. */
export interface RouteMapEntry {
  readonly name: string;
  readonly action: 'permit' | 'deny';
  readonly seq: number;
  readonly matchAcls: readonly string[];
  readonly setNextHops: readonly Ipv4[];
  readonly setInterfaces: readonly string[];
  readonly at: SourceRef;
}

/** Seconds, or `never`: `ip nat translation timeout|udp-timeout|...`. */
export type NatTimeout = number | 'never';

export interface NatTimeouts {
  readonly timeout?: NatTimeout;
  readonly tcp?: NatTimeout;
  readonly udp?: NatTimeout;
  readonly icmp?: NatTimeout;
  readonly dns?: NatTimeout;
  readonly finrst?: NatTimeout;
  readonly syn?: NatTimeout;
}

/** PIX `nat (IF) ID ...`: ID 0 with `access-list ACL` exempts; other IDs translate NETWORK MASK by `global ID`. */
export interface PixNat {
  readonly interface: string;
  readonly id: number;
  readonly acl?: string;
  readonly network?: Ipv4;
  readonly mask?: Ipv4;
  readonly at: SourceRef;
}

/** PIX `global (IF) ID interface|ADDRESS[-LAST] [netmask M]`. */
export interface PixGlobal {
  readonly interface: string;
  readonly id: number;
  /** `interface` (PAT onto the interface's address) or the first address. */
  readonly address: Ipv4 | 'interface';
  /** A range's last address (a pool of addresses, not PAT). */
  readonly last?: Ipv4;
  readonly at: SourceRef;
}

export interface NatConfig {
  readonly insideSources: readonly NatInsideSource[];
  readonly timeouts: NatTimeouts;
  readonly pixNat: readonly PixNat[];
  readonly pixGlobal: readonly PixGlobal[];
}
