// Crypto map entries as the gateway walks them: per interface, in sequence order, with
// `ipsec-isakmp dynamic D` entries replaced by D's entries (in D's sequence order) and SA
// lifetimes completed from the global `crypto ipsec security-association lifetime`.

import type {
  AccessList,
  CryptoMapEntry,
  DhGroup,
  Interface,
  Ipv4,
  RouterConfig,
  SaLifetime,
  SourceRef,
} from './model.js';

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

function lifetimeOf(config: RouterConfig, partial: Partial<SaLifetime> | undefined): SaLifetime {
  return {
    seconds: partial?.seconds ?? config.globalSaLifetime.seconds,
    kilobytes: partial?.kilobytes ?? config.globalSaLifetime.kilobytes,
  };
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
        lifetime: lifetimeOf(config, e.lifetime),
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
        lifetime: lifetimeOf(config, d.lifetime),
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
  return config.interfaces.find((i) => i.cryptoMap === mapName && i.address !== undefined)?.address;
}
