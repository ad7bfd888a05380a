// What the crypto map configuration says for one negotiation: the entry for a peer or for
// "interesting traffic", its transform sets and lifetimes, and (responder) the entry whose
// ACL permits the offered proxy identities — with a refusal that names what was tried.
// Private adapter over the model; src/policy/cryptoMap.ts belongs to another helper.

import { accessListToSelectors, checkProxySelector } from '../policy/index.js';
import type {
  AccessList,
  CryptoMapEntry,
  RouterConfig,
  SaLifetime,
  TrafficSelector,
  TransformSet,
} from '../policy/model.js';
import type { Phase2Policy } from './quickMode.js';
import { proxyText } from './selectors.js';

/** Would our SPD protect every packet of `selector` under this ACL? (src/policy decides.) */
function protects(acl: AccessList | undefined, selector: TrafficSelector): boolean {
  return acl !== undefined && checkProxySelector(selector, acl).allowed;
}

export function transformSetsOf(config: RouterConfig, entry: CryptoMapEntry): TransformSet[] {
  return entry.transformSets
    .map((n) => config.transformSets.find((t) => t.name === n))
    .filter((t): t is TransformSet => t !== undefined);
}

/** `set security-association lifetime` on the entry, else the global one. */
export function lifetimeOf(config: RouterConfig, entry: CryptoMapEntry): SaLifetime {
  const g = config.globalSaLifetime;
  return {
    seconds: entry.lifetime?.seconds ?? g.seconds,
    kilobytes: entry.lifetime?.kilobytes ?? g.kilobytes,
  };
}

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
      e.kind === 'ipsec-isakmp' &&
      e.peers.length > 0 &&
      protects(
        config.accessLists.find((a) => a.name === e.matchAddress),
        selector,
      ),
  );
}

/** The address of the interface the map is applied to. */
export function localAddressFor(
  config: RouterConfig,
  entry: CryptoMapEntry | undefined,
  fallback: readonly string[],
): string {
  const iface = entry
    ? config.interfaces.find((i) => i.cryptoMap === entry.map && i.address !== undefined)
    : undefined;
  return iface?.address ?? fallback[0] ?? '0.0.0.0';
}

function describe(s: TrafficSelector): string {
  const l = proxyText(s.localStart, s.localEnd, s.protocol, s.localPortStart, s.localPortEnd);
  const r = proxyText(s.remoteStart, s.remoteEnd, s.protocol, s.remotePortStart, s.remotePortEnd);
  return `${l} <-> ${r}`;
}

/** Responder: static entries for this peer first, then dynamic maps (any peer). */
export function findPhase2Policy(
  config: RouterConfig,
  peer: string,
  selector: TrafficSelector,
): Phase2Policy | Phase2Refusal {
  const tried: string[] = [];
  const ours: string[] = [];
  for (const entry of config.cryptoMaps) {
    if (entry.kind !== 'ipsec-isakmp' || !entry.peers.includes(peer)) continue;
    const acl = config.accessLists.find((a) => a.name === entry.matchAddress);
    const check = acl ? checkProxySelector(selector, acl) : undefined;
    tried.push(
      `map ${entry.map} ${entry.seq} ACL ${entry.matchAddress ?? '-'}${check?.reason ? `: ${check.reason}` : ''}`,
    );
    ours.push(
      permitted(`crypto map ${entry.map} ${entry.seq} ACL ${entry.matchAddress ?? '-'}`, acl) +
        (check?.reason ? `: ${check.reason}` : ''),
    );
    if (check?.allowed)
      return { entry, transformSets: transformSetsOf(config, entry), lifetime: lifetimeOf(config, entry) };
  }
  for (const entry of config.cryptoMaps) {
    if (entry.kind !== 'dynamic') continue;
    for (const dyn of config.dynamicMaps.filter((m) => m.name === entry.dynamicMap)) {
      const acl = dyn.matchAddress ? config.accessLists.find((a) => a.name === dyn.matchAddress) : undefined;
      tried.push(`dynamic-map ${dyn.name} ${dyn.seq}`);
      ours.push(permitted(`dynamic-map ${dyn.name} ${dyn.seq} ACL ${dyn.matchAddress ?? '-'}`, acl));
      if (dyn.matchAddress && !protects(acl, selector)) continue;
      const asEntry: CryptoMapEntry = { ...dyn, map: entry.map, kind: 'ipsec-isakmp', peers: [peer] };
      return {
        entry: asEntry,
        transformSets: transformSetsOf(config, asEntry),
        lifetime: lifetimeOf(config, asEntry),
      };
    }
  }
  const where = tried.length > 0 ? tried.join(', ') : `no crypto map for peer ${peer}`;
  return {
    error: `${describe(selector)} not permitted (${where})`,
    theirs: describe(selector),
    ours: ours.length > 0 ? ours.join('; ') : `no crypto map for peer ${peer}`,
  };
}

/** A responder's refusal of proxy identities, naming both sides (STYLE.md §6). */
export interface Phase2Refusal {
  readonly error: string;
  /** The offered proxy identities, our view (local <-> remote). */
  readonly theirs: string;
  /** Each entry tried, with its ACL's networks. */
  readonly ours: string;
}

/** An entry and the networks its ACL protects, for a refusal. */
function permitted(name: string, acl: AccessList | undefined): string {
  const nets = acl ? accessListToSelectors(acl).map(describe) : [];
  return `${name} (${nets.length > 0 ? nets.join(', ') : 'no permit lines'})`;
}
