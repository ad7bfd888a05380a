// The SPD of one router, built from its crypto maps: interfaces in configuration order, each
// map's entries in sequence order (dynamic maps expanded), each ACL's lines in order;
// permit = protect (toward the entry's first peer), deny = bypass (RFC 4301 §4.4.1 ordering).

import type { SpdRule } from '../ipsec/spd.js';
import { aclRules } from '../policy/acl.js';
import {
  cryptoInterfaces,
  cryptoMapEntries,
  isTunnelInterface,
  localAddressForMap,
  type ResolvedMapEntry,
} from '../policy/cryptoMap.js';
import type { CryptoMapEntry, Interface, RouterConfig } from '../policy/model.js';

export interface PolicyRule {
  readonly rule: SpdRule;
  readonly entry: ResolvedMapEntry;
  /** The configured entry (for the IKE manager's acquire); undefined for dynamic templates. */
  readonly configEntry?: CryptoMapEntry;
  readonly iface: Interface;
  readonly localAddress: string | undefined;
  /** "access-list 101 line 1" */
  readonly aclLine: number;
}

/**
 * Each crypto map applied to an interface, once (the first interface carrying it wins; a
 * physical one before a GRE tunnel, whose packets leave through it).
 */
function* appliedMaps(
  config: RouterConfig,
): Generator<{ iface: Interface; map: string; localAddress: string | undefined }> {
  const seen = new Set<string>();
  const carrying = cryptoInterfaces(config);
  const ordered = [...carrying.filter((i) => !isTunnelInterface(i)), ...carrying.filter(isTunnelInterface)];
  for (const iface of ordered) {
    const map = iface.cryptoMap;
    if (map === undefined || seen.has(map)) continue;
    seen.add(map);
    yield { iface, map, localAddress: localAddressForMap(config, map) ?? iface.address };
  }
}

export function policyRules(config: RouterConfig): PolicyRule[] {
  const out: PolicyRule[] = [];
  for (const { iface, map, localAddress } of appliedMaps(config)) {
    for (const entry of cryptoMapEntries(config, map)) {
      const configEntry =
        entry.dynamic === undefined
          ? config.cryptoMaps.find((e) => e.map === entry.map && e.seq === entry.seq)
          : undefined;
      const acl = entry.acl;
      if (acl === undefined) continue;
      // The same rules the IKE responder checks offered proxy identities against.
      for (const aclRule of aclRules(acl)) {
        const peer = entry.peers[0];
        const rule: SpdRule = {
          action: aclRule.action,
          selector: aclRule.selector,
          name: `${entry.map} ${entry.seq} / access-list ${acl.name} line ${aclRule.line}`,
          ...(peer !== undefined ? { peer } : {}),
        };
        out.push({
          rule,
          entry,
          ...(configEntry !== undefined ? { configEntry } : {}),
          iface,
          localAddress,
          aclLine: aclRule.line,
        });
      }
    }
  }
  return out;
}

/** A dynamic-map entry an SA from an unlisted peer instantiates (IOS "dynamic crypto map"). */
export interface DynamicTemplate {
  readonly entry: ResolvedMapEntry;
  readonly iface: Interface;
  readonly localAddress: string | undefined;
}

export function dynamicTemplates(config: RouterConfig): DynamicTemplate[] {
  const out: DynamicTemplate[] = [];
  for (const { iface, map, localAddress } of appliedMaps(config)) {
    for (const entry of cryptoMapEntries(config, map)) {
      if (entry.dynamic !== undefined) out.push({ entry, iface, localAddress });
    }
  }
  return out;
}
