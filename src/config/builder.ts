// Mutable state the parsers fill line by line, frozen into a RouterConfig at the end.

import { Ikev2Collector } from './ikev2Commands.js';
import {
  DEFAULT_ISAKMP_POLICY,
  DEFAULT_LOGGING,
  DEFAULT_SA_LIFETIME,
  type AaaServerGroup,
  type AclEntry,
  type CertificateBlock,
  type ClientGroup,
  type CryptoMapEntry,
  type CryptoMapSettings,
  type DynamicMapEntry,
  type HostEntry,
  type StaticRoute,
  type IgnoredLine,
  type Interface,
  type IsakmpGlobal,
  type IsakmpPolicy,
  type LocalPool,
  type LocalUser,
  type AaaGroupMember,
  type AaaGroupServer,
  type LoggingSettings,
  type PresharedKey,
  type PublicKeyEntry,
  type RadiusServerEntry,
  type RouterConfig,
  type SaLifetime,
  type SourceRef,
  type TacacsServerEntry,
  type TransformSet,
  type Trustpoint,
  type VpdnGroup,
  type Warning,
} from '../policy/model.js';
import type { NatConfig, NatInsideSource, NatTimeouts, PixGlobal, PixNat } from '../policy/natModel.js';
import type { MutableRouteMapEntry } from './natCommands.js';

export interface AclProblem {
  readonly acl: string;
  readonly line: number;
  readonly column: number;
  readonly found: string;
  readonly expected: string;
  readonly message: string;
}

export type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export type ParsedRadiusServer = Mutable<RadiusServerEntry>;
export type ParsedTacacsServer = Mutable<TacacsServerEntry>;
export type ParsedAaaGroup = Mutable<AaaGroupServer> & { servers: AaaGroupMember[] };

/** Where a reference was written, so cross-checks can point at the exact token. */
export interface TokenRef {
  readonly line: number;
  readonly column: number;
}

export type MutableMapEntry = Mutable<CryptoMapEntry> & { peers: string[]; transformSets: string[] };
export type MutableDynamicEntry = Mutable<DynamicMapEntry> & {
  name: string;
  peers: string[];
  transformSets: string[];
};

export class ConfigBuilder {
  hostname = '';
  readonly policies = new Map<number, Mutable<IsakmpPolicy>>();
  readonly keys: PresharedKey[] = [];
  readonly isakmp: Mutable<IsakmpGlobal> & { enabledInterfaces: string[] } = {
    identity: 'address',
    enabledInterfaces: [],
  };
  readonly transformSets = new Map<string, Mutable<TransformSet>>();
  readonly globalSaLifetime: Mutable<SaLifetime> = { ...DEFAULT_SA_LIFETIME };
  readonly acls = new Map<string, AclEntry[]>();
  readonly maps = new Map<string, MutableMapEntry>();
  readonly mapSettings = new Map<string, Mutable<CryptoMapSettings>>();
  readonly dynamicMaps = new Map<string, MutableDynamicEntry>();
  readonly interfaces = new Map<string, Mutable<Interface>>();
  readonly pools: LocalPool[] = [];
  readonly clientGroups = new Map<string, Mutable<ClientGroup>>();
  readonly users: LocalUser[] = [];
  readonly trustpoints = new Map<string, Mutable<Trustpoint>>();
  readonly certificates: CertificateBlock[] = [];
  readonly publicKeys: Mutable<PublicKeyEntry>[] = [];
  readonly aaa: { list: string; methods: string[]; service?: string }[] = [];
  readonly radiusServers: ParsedRadiusServer[] = [];
  radiusGlobalKey: string | undefined;
  radiusTimeout: number | undefined;
  radiusRetransmit: number | undefined;
  readonly tacacsServers: ParsedTacacsServer[] = [];
  tacacsGlobalKey: string | undefined;
  tacacsTimeout: number | undefined;
  readonly aaaServers = new Map<
    string,
    Mutable<AaaServerGroup> & { hosts: AaaServerGroup['hosts'][number][] }
  >();
  readonly aaaGroupServers: ParsedAaaGroup[] = [];
  readonly hosts: HostEntry[] = [];
  readonly routes: StaticRoute[] = [];
  domainName?: string;
  vpdnEnabled = false;
  readonly vpdnGroups: Mutable<VpdnGroup>[] = [];
  readonly natSources: NatInsideSource[] = [];
  readonly natTimeouts: Mutable<NatTimeouts> = {};
  readonly pixNat: PixNat[] = [];
  readonly pixGlobal: PixGlobal[] = [];
  readonly routeMaps = new Map<string, MutableRouteMapEntry>();
  logging: LoggingSettings = DEFAULT_LOGGING;
  /** A `service timestamps` or `logging buffered` line was read: the model carries `logging`. */
  loggingSet = false;
  readonly ikev2 = new Ikev2Collector();
  readonly ignored: IgnoredLine[] = [];
  readonly warnings: Warning[] = [];
  /** Where each named reference was written, keyed `owner|kind|name`, for cross-check errors. */
  readonly refs = new Map<string, TokenRef>();
  /**
   * ACL lines a crypto map could not use (a non-contiguous wildcard, an `object-group`):
   * accepted while reading, an error only if a crypto map uses the ACL.
   */
  readonly aclProblems: AclProblem[] = [];

  constructor(
    readonly file: string,
    readonly dialect: 'ios' | 'pix',
  ) {}

  at(line: number): SourceRef {
    return { file: this.file, line };
  }

  /** `owner` names the referencing element: `map:M:SEQ`, `dynamic:D:SEQ`, `interface:if`, `settings:M`, `isakmp`. */
  noteRef(owner: string, kind: string, name: string, token: TokenRef): void {
    this.refs.set(`${owner}|${kind}|${name}`, { line: token.line, column: token.column });
  }

  warn(line: number, message: string): void {
    this.warnings.push({ line, message });
  }

  ignore(line: number, text: string): void {
    if (!this.ignored.some((i) => i.line === line)) this.ignored.push({ line, text: text.trim() });
  }

  policy(priority: number, line: number): Mutable<IsakmpPolicy> {
    let p = this.policies.get(priority);
    if (!p) {
      const { priority: _defaultPriority, ...defaults } = DEFAULT_ISAKMP_POLICY;
      p = { ...defaults, priority, at: this.at(line) };
      this.policies.set(priority, p);
    }
    return p;
  }

  /** The client group NAME (IOS group names are case-sensitive, as the client's ID_KEY_ID is). */
  clientGroup(name: string, line: number): Mutable<ClientGroup> {
    let g = this.clientGroups.get(name);
    if (!g) {
      g = { name, at: this.at(line) };
      this.clientGroups.set(name, g);
    }
    return g;
  }

  mapEntry(map: string, seq: number, line: number): MutableMapEntry {
    const key = `${map}\u0000${seq}`;
    let e = this.maps.get(key);
    if (!e) {
      e = { map, seq, kind: 'ipsec-isakmp', peers: [], transformSets: [], at: this.at(line) };
      this.maps.set(key, e);
    }
    return e;
  }

  dynamicEntry(name: string, seq: number, line: number): MutableDynamicEntry {
    const key = `${name}\u0000${seq}`;
    let e = this.dynamicMaps.get(key);
    if (!e) {
      e = { name, map: name, seq, peers: [], transformSets: [], at: this.at(line) };
      this.dynamicMaps.set(key, e);
    }
    return e;
  }

  settings(name: string): Mutable<CryptoMapSettings> {
    let s = this.mapSettings.get(name);
    if (!s) {
      s = { name };
      this.mapSettings.set(name, s);
    }
    return s;
  }

  iface(name: string, line: number): Mutable<Interface> {
    const key = name.toLowerCase();
    let i = this.interfaces.get(key);
    if (!i) {
      i = { name, shutdown: false, at: this.at(line) };
      this.interfaces.set(key, i);
    }
    return i;
  }

  routeMapEntry(name: string, action: 'permit' | 'deny', seq: number, line: number): MutableRouteMapEntry {
    const key = `${name}\u0000${seq}`;
    let e = this.routeMaps.get(key);
    if (!e) {
      e = { name, action, seq, matchAcls: [], setNextHops: [], setInterfaces: [], at: this.at(line) };
      this.routeMaps.set(key, e);
    }
    e.action = action;
    return e;
  }

  private natConfig(): NatConfig | undefined {
    const used =
      this.natSources.length > 0 ||
      this.pixNat.length > 0 ||
      this.pixGlobal.length > 0 ||
      Object.keys(this.natTimeouts).length > 0;
    if (!used) return undefined;
    return {
      insideSources: this.natSources,
      timeouts: this.natTimeouts,
      pixNat: this.pixNat,
      pixGlobal: this.pixGlobal,
    };
  }

  acl(name: string): AclEntry[] {
    let a = this.acls.get(name);
    if (!a) {
      a = [];
      this.acls.set(name, a);
    }
    return a;
  }

  build(): RouterConfig {
    // A host without its own key uses the global `radius-server key` / `tacacs-server key`.
    const radiusServers = this.radiusServers.map((r) =>
      r.key === undefined && this.radiusGlobalKey !== undefined ? { ...r, key: this.radiusGlobalKey } : r,
    );
    const tacacsServers = this.tacacsServers.map((t) =>
      t.key === undefined && this.tacacsGlobalKey !== undefined ? { ...t, key: this.tacacsGlobalKey } : t,
    );
    const policies = [...this.policies.values()].sort((a, b) => a.priority - b.priority);
    // IOS always ends the list with its default policy (the chapter: "priority 65535").
    if (!this.policies.has(DEFAULT_ISAKMP_POLICY.priority)) policies.push({ ...DEFAULT_ISAKMP_POLICY });
    const config: RouterConfig = {
      dialect: this.dialect,
      file: this.file,
      hostname: this.hostname,
      isakmpPolicies: policies,
      presharedKeys: this.keys,
      isakmp: this.isakmp,
      transformSets: [...this.transformSets.values()],
      globalSaLifetime: this.globalSaLifetime,
      accessLists: [...this.acls.entries()].map(([name, entries]) => ({ name, entries })),
      cryptoMaps: [...this.maps.values()].sort((a, b) =>
        a.map === b.map ? a.seq - b.seq : a.map < b.map ? -1 : 1,
      ),
      cryptoMapSettings: [...this.mapSettings.values()],
      dynamicMaps: [...this.dynamicMaps.values()].sort((a, b) =>
        a.name === b.name ? a.seq - b.seq : a.name < b.name ? -1 : 1,
      ),
      interfaces: [...this.interfaces.values()],
      localPools: this.pools,
      ...(this.clientGroups.size > 0 ? { clientGroups: [...this.clientGroups.values()] } : {}),
      users: this.users,
      trustpoints: [...this.trustpoints.values()],
      certificates: this.certificates,
      publicKeys: this.publicKeys,
      aaa: this.aaa,
      radiusServers,
      ignored: this.ignored,
      warnings: [...this.warnings].sort((a, b) => a.line - b.line),
      ...(this.aaaServers.size > 0 ? { aaaServers: [...this.aaaServers.values()] } : {}),
      ...(this.aaaGroupServers.length > 0 ? { aaaGroupServers: this.aaaGroupServers } : {}),
      ...(this.hosts.length > 0 ? { hosts: this.hosts } : {}),
      ...(this.routes.length > 0 ? { staticRoutes: this.routes } : {}),
      ...(this.radiusTimeout !== undefined ? { radiusTimeout: this.radiusTimeout } : {}),
      ...(this.radiusRetransmit !== undefined ? { radiusRetransmit: this.radiusRetransmit } : {}),
      ...(tacacsServers.length > 0 ? { tacacsServers } : {}),
      ...(this.tacacsTimeout !== undefined ? { tacacsTimeout: this.tacacsTimeout } : {}),
      ...(this.domainName !== undefined ? { domainName: this.domainName } : {}),
      ...(this.loggingSet ? { logging: this.logging } : {}),
      ...(this.ikev2.used ? { ikev2: this.ikev2.build() } : {}),
      ...(this.vpdnEnabled || this.vpdnGroups.length > 0
        ? { vpdn: { enabled: this.vpdnEnabled, groups: this.vpdnGroups } }
        : {}),
    };
    const nat = this.natConfig();
    const routeMaps = [...this.routeMaps.values()].sort((a, b) =>
      a.name === b.name ? a.seq - b.seq : a.name < b.name ? -1 : 1,
    );
    return compact({
      ...config,
      ...(nat !== undefined ? { nat } : {}),
      ...(routeMaps.length > 0 ? { routeMaps } : {}),
    });
  }
}

/** Drops keys whose value is undefined, so the model survives JSON.stringify unchanged. */
export function compact<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
