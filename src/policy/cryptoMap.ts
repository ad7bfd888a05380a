// Crypto map entries as the gateway and IKE walk them: per interface, in sequence order, with
// `ipsec-isakmp dynamic D` entries replaced by D's entries (in D's sequence order) and SA
// lifetimes completed from the global `crypto ipsec security-association lifetime`; and, for
// one negotiation, the entry for a peer or for "interesting traffic" and (responder) the entry
// whose ACL permits the offered proxy identities, with a refusal naming ours and theirs.

import { accessListToSelectors } from './acl.js';
import type {
  AccessList,
  CryptoMapEntry,
  DhGroup,
  Interface,
  Ipv4,
  RouterConfig,
  SaLifetime,
  SourceRef,
  TrafficSelector,
  TransformSet,
} from './model.js';
import { checkProxySelector, proxyIdText } from './proxyId.js';

export interface ResolvedMapEntry {
  readonly map: string;
  readonly seq: number;
  /** Set when the entry comes from a dynamic map template. */
  readonly dynamic?: { readonly name: string; readonly seq: number; readonly discover: boolean };
  readonly peers: readonly Ipv4[];
  readonly transformSets: readonly string[];
  readonly pfsGroup?: DhGroup;
  readonly lifetime: SaLifetime;
  readonly matchAddress?: string;
  readonly acl?: AccessList;
  readonly at?: SourceRef;
}

/** `set security-association lifetime` on the entry, else the global one, field by field. */
export function lifetimeOf(
  config: RouterConfig,
  entry: { readonly lifetime?: Partial<SaLifetime> },
): SaLifetime {
  return {
    seconds: entry.lifetime?.seconds ?? config.globalSaLifetime.seconds,
    kilobytes: entry.lifetime?.kilobytes ?? config.globalSaLifetime.kilobytes,
  };
}

/** The entry's `set transform-set` names as transform sets, in order; unknown names skipped. */
export function transformSetsOf(
  config: RouterConfig,
  entry: { readonly transformSets: readonly string[] },
): TransformSet[] {
  return entry.transformSets
    .map((n) => config.transformSets.find((t) => t.name === n))
    .filter((t): t is TransformSet => t !== undefined);
}

function aclNamed(config: RouterConfig, name: string | undefined): AccessList | undefined {
  return name === undefined ? undefined : config.accessLists.find((a) => a.name === name);
}

function resolveStatic(config: RouterConfig, e: CryptoMapEntry): ResolvedMapEntry[] {
  if (e.kind !== 'dynamic') {
    const acl = aclNamed(config, e.matchAddress);
    return [
      {
        map: e.map,
        seq: e.seq,
        peers: e.peers,
        transformSets: e.transformSets,
        ...(e.pfsGroup !== undefined ? { pfsGroup: e.pfsGroup } : {}),
        lifetime: lifetimeOf(config, e),
        ...(e.matchAddress !== undefined ? { matchAddress: e.matchAddress } : {}),
        ...(acl ? { acl } : {}),
        ...(e.at ? { at: e.at } : {}),
      },
    ];
  }
  const name = e.dynamicMap ?? '';
  return config.dynamicMaps
    .filter((d) => d.name === name)
    .sort((a, b) => a.seq - b.seq)
    .map((d) => {
      const acl = aclNamed(config, d.matchAddress);
      return {
        map: e.map,
        seq: e.seq,
        dynamic: { name, seq: d.seq, discover: e.discover === true },
        peers: d.peers,
        transformSets: d.transformSets,
        ...(d.pfsGroup !== undefined ? { pfsGroup: d.pfsGroup } : {}),
        lifetime: lifetimeOf(config, d),
        ...(d.matchAddress !== undefined ? { matchAddress: d.matchAddress } : {}),
        ...(acl ? { acl } : {}),
        ...(d.at ? { at: d.at } : e.at ? { at: e.at } : {}),
      };
    });
}

/** All entries of one crypto map, by sequence number, dynamic maps expanded. */
export function cryptoMapEntries(config: RouterConfig, mapName: string): ResolvedMapEntry[] {
  return config.cryptoMaps
    .filter((e) => e.map === mapName)
    .sort((a, b) => a.seq - b.seq)
    .flatMap((e) => resolveStatic(config, e));
}

/** The entries that apply to traffic leaving `interfaceName` (empty when no map is applied). */
export function cryptoMapEntriesForInterface(
  config: RouterConfig,
  interfaceName: string,
): ResolvedMapEntry[] {
  const iface = findInterface(config, interfaceName);
  return iface?.cryptoMap === undefined ? [] : cryptoMapEntries(config, iface.cryptoMap);
}

/** Interface names compare case-insensitively (IOS accepts `serial0` for `Serial0`). */
export function findInterface(config: RouterConfig, name: string): Interface | undefined {
  const wanted = name.toLowerCase();
  return config.interfaces.find((i) => i.name.toLowerCase() === wanted);
}

/** `interface TunnelN` (GRE): its packets leave, encapsulated, through a physical interface. */
export function isTunnelInterface(i: Interface): boolean {
  return i.tunnel !== undefined || /^tunnel\d/i.test(i.name);
}

/** Tunnel modes the data plane runs: GRE over IPv4 (`tunnel mode gre ip`, the IOS default). */
export function isGreIp(i: Interface): boolean {
  const mode = i.tunnel?.mode;
  return mode === undefined || mode === 'gre' || mode === 'gre ip';
}

/** Interfaces with a crypto map applied, in configuration order. */
export function cryptoInterfaces(config: RouterConfig): Interface[] {
  return config.interfaces.filter((i) => i.cryptoMap !== undefined);
}

/**
 * The address IKE uses for a map: `crypto map NAME local-address IF` if set, otherwise the
 * address of the interface the map is applied to (the first one, as IOS does).
 */
export function localAddressForMap(config: RouterConfig, mapName: string): Ipv4 | undefined {
  const settings = config.cryptoMapSettings.find((s) => s.name === mapName);
  if (settings?.localAddressInterface !== undefined) {
    return findInterface(config, settings.localAddressInterface)?.address;
  }
  // A map on a tunnel and on the physical interface (the chapter's GRE case study): IKE and
  // ESP use the physical interface's address, never the tunnel's.
  const carrying = config.interfaces.filter((i) => i.cryptoMap === mapName && i.address !== undefined);
  return (carrying.find((i) => !isTunnelInterface(i)) ?? carrying[0])?.address;
}

/** The address IKE uses for an entry's map (see localAddressForMap), else our first address. */
export function localAddressFor(
  config: RouterConfig,
  entry: CryptoMapEntry | undefined,
  fallback: readonly string[],
): string {
  const mapAddress = entry ? localAddressForMap(config, entry.map) : undefined;
  return mapAddress ?? fallback[0] ?? '0.0.0.0';
}

/** Would our SPD protect every packet of `selector` under this ACL? */
function protects(acl: AccessList | undefined, selector: TrafficSelector): boolean {
  return acl !== undefined && checkProxySelector(selector, acl).allowed;
}

/** The first static entry naming this peer (`set peer`). */
export function entryForPeer(config: RouterConfig, peer: string): CryptoMapEntry | undefined {
  return config.cryptoMaps.find((e) => e.peers.includes(peer));
}

/** The first static entry whose ACL covers the traffic (the chapter's "interesting traffic"). */
export function entryForSelector(
  config: RouterConfig,
  selector: TrafficSelector,
): CryptoMapEntry | undefined {
  return config.cryptoMaps.find(
    (e) =>
      e.kind === 'ipsec-isakmp' && e.peers.length > 0 && protects(aclNamed(config, e.matchAddress), selector),
  );
}

/** The crypto map entry a phase-2 negotiation runs under, with its transform sets and lifetime. */
export interface Phase2Entry {
  readonly entry: CryptoMapEntry;
  readonly transformSets: readonly TransformSet[];
  readonly lifetime: SaLifetime;
}

/** A responder's refusal of proxy identities, naming both sides (STYLE.md §6). */
export interface Phase2Refusal {
  readonly error: string;
  /** The offered proxy identities, our view (local <-> remote). */
  readonly theirs: string;
  /** Each entry tried, with its ACL's networks. */
  readonly ours: string;
}

function describe(s: TrafficSelector): string {
  const l = proxyIdText(s.localStart, s.localEnd, s.protocol, s.localPortStart, s.localPortEnd);
  const r = proxyIdText(s.remoteStart, s.remoteEnd, s.protocol, s.remotePortStart, s.remotePortEnd);
  return `${l} <-> ${r}`;
}

/** An entry and the networks its ACL protects, for a refusal. */
function permitted(name: string, acl: AccessList | undefined): string {
  const nets = acl ? accessListToSelectors(acl).map(describe) : [];
  return `${name} (${nets.length > 0 ? nets.join(', ') : 'no permit lines'})`;
}

function phase2Entry(config: RouterConfig, entry: CryptoMapEntry): Phase2Entry {
  return { entry, transformSets: transformSetsOf(config, entry), lifetime: lifetimeOf(config, entry) };
}

/**
 * Responder: the entry whose ACL permits the offered proxy identities (our view). Static
 * entries for this peer first, then dynamic map templates (any peer); a template without
 * `match address` accepts what the peer proposes, as IOS does.
 */
export function findPhase2Policy(
  config: RouterConfig,
  peer: string,
  selector: TrafficSelector,
): Phase2Entry | Phase2Refusal {
  const tried: string[] = [];
  const ours: string[] = [];
  for (const entry of config.cryptoMaps) {
    if (entry.kind !== 'ipsec-isakmp' || !entry.peers.includes(peer)) continue;
    const acl = aclNamed(config, entry.matchAddress);
    const check = acl ? checkProxySelector(selector, acl) : undefined;
    const reason = check?.reason ? `: ${check.reason}` : '';
    tried.push(`map ${entry.map} ${entry.seq} ACL ${entry.matchAddress ?? '-'}${reason}`);
    ours.push(
      permitted(`crypto map ${entry.map} ${entry.seq} ACL ${entry.matchAddress ?? '-'}`, acl) + reason,
    );
    if (check?.allowed) return phase2Entry(config, entry);
  }
  for (const entry of config.cryptoMaps) {
    if (entry.kind !== 'dynamic') continue;
    for (const dyn of config.dynamicMaps.filter((m) => m.name === entry.dynamicMap)) {
      const acl = aclNamed(config, dyn.matchAddress);
      tried.push(`dynamic-map ${dyn.name} ${dyn.seq}`);
      ours.push(permitted(`dynamic-map ${dyn.name} ${dyn.seq} ACL ${dyn.matchAddress ?? '-'}`, acl));
      if (dyn.matchAddress && !protects(acl, selector)) continue;
      return phase2Entry(config, { ...dyn, map: entry.map, kind: 'ipsec-isakmp', peers: [peer] });
    }
  }
  const none = `no crypto map for peer ${peer}`;
  return {
    error: `${describe(selector)} not permitted (${tried.length > 0 ? tried.join(', ') : none})`,
    theirs: describe(selector),
    ours: ours.length > 0 ? ours.join('; ') : none,
  };
}
