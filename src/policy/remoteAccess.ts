// What the configuration asks of a remote-access client after phase 1 (the chapter's
// "IKE Enhancements for Remote-Access Client IPsec"): XAUTH from the crypto map's
// `client authentication list L` (IOS) or `client authentication SERVER` (PIX), and Mode
// Config from `client configuration address initiate|respond` with the ISAKMP address pool.
// A peer whose pre-shared key says `no-xauth` / `no-config-mode` (a LAN-to-LAN peer beside
// the clients, Example 13-21) is exempt.

import { formatIpv4, ipv4ToNumber, wildcardPrefix } from './ipv4.js';
import type { ClientGroup, CryptoMapSettings, Ipv4, LocalPool, RouterConfig } from './model.js';
import { findPresharedKey } from './pskLookup.js';

/** The most UNITY_SPLIT_INCLUDE networks one group sends (14 bytes each in one attribute). */
export const MAX_SPLIT_NETWORKS = 64;

/** What Mode Config gives a client besides its address (the client group's settings). */
export interface ModeConfigOffer {
  /** The group the client authenticated into; absent for the global settings. */
  readonly group?: string;
  readonly dns: readonly Ipv4[];
  readonly wins: readonly Ipv4[];
  readonly domain?: string;
  /** UNITY_SPLIT_INCLUDE: the networks behind the gateway the client tunnels; empty is all. */
  readonly splitInclude: readonly { readonly address: Ipv4; readonly mask: Ipv4 }[];
  /** The ACL the split networks came from (for the debug line). */
  readonly splitAcl?: string;
  readonly savePassword: boolean;
}

export interface RemoteAccessPlan {
  /** The crypto map whose `client` commands apply. */
  readonly map: string;
  /** The client group the peer authenticated into, and its `max-users` when configured. */
  readonly group?: { readonly name: string; readonly maxUsers?: number };
  /** The login list XAUTH asks (`group TAG` for a PIX `aaa-server` group). */
  readonly xauthList?: string;
  /** Mode Config: push (`initiate`) and/or answer the client's request (`respond`). */
  readonly modeConfig?: {
    readonly initiate: boolean;
    readonly respond: boolean;
    /**
     * The group's `pool`, else `crypto isakmp client configuration address-pool local P`;
     * absent when neither is configured.
     */
    readonly pool?: string;
    readonly offer: ModeConfigOffer;
  };
}

/** The crypto map applied where `localAddress` lives (or the one naming it as local-address). */
function mapForLocalAddress(config: RouterConfig, localAddress: Ipv4): CryptoMapSettings | undefined {
  const byLocal = config.cryptoMapSettings.find((s) => {
    const named = s.localAddressInterface?.toLowerCase();
    return (
      named !== undefined &&
      config.interfaces.some((i) => i.name.toLowerCase() === named && i.address === localAddress)
    );
  });
  if (byLocal) return byLocal;
  const iface = config.interfaces.find((i) => i.address === localAddress && i.cryptoMap !== undefined);
  return iface?.cryptoMap === undefined
    ? undefined
    : config.cryptoMapSettings.find((s) => s.name === iface.cryptoMap);
}

/**
 * The remote-access steps for a client that reached us at `localAddress` from `peer`;
 * undefined when there are none (a LAN-to-LAN peer, a map without `client` commands).
 */
export function remoteAccessPlan(
  config: RouterConfig,
  localAddress: Ipv4,
  peer: Ipv4,
  group?: string,
): RemoteAccessPlan | undefined {
  const settings = mapForLocalAddress(config, localAddress);
  if (!settings) return undefined;
  const key = findPresharedKey(config.presharedKeys, peer);
  const list =
    settings.clientAuthenticationList ??
    (settings.clientAuthenticationServer !== undefined
      ? `group ${settings.clientAuthenticationServer}`
      : undefined);
  const modes =
    settings.clientConfigurationModes ?? (settings.clientConfiguration ? [settings.clientConfiguration] : []);
  const xauthList = key?.noXauth === true ? undefined : list;
  const wantsConfig = modes.length > 0 && key?.noConfigMode !== true;
  if (xauthList === undefined && !wantsConfig) return undefined;
  const clientGroup = group === undefined ? undefined : clientGroupNamed(config, group);
  const pool = clientGroup?.pool ?? config.isakmp.clientAddressPool;
  return {
    map: settings.name,
    ...(clientGroup
      ? {
          group: {
            name: clientGroup.name,
            ...(clientGroup.maxUsers !== undefined ? { maxUsers: clientGroup.maxUsers } : {}),
          },
        }
      : {}),
    ...(xauthList !== undefined ? { xauthList } : {}),
    ...(wantsConfig
      ? {
          modeConfig: {
            initiate: modes.includes('initiate'),
            respond: modes.includes('respond'),
            ...(pool !== undefined ? { pool } : {}),
            offer: modeConfigOffer(config, clientGroup),
          },
        }
      : {}),
  };
}

/** `ip local pool NAME A B` (PIX `ip local pool NAME A-B`) by name. */
export function localPoolNamed(config: RouterConfig, name: string): LocalPool | undefined {
  return config.localPools.find((p) => p.name === name);
}

/** A client group by its exact name (the client's ID_KEY_ID is compared as sent). */
export function clientGroupNamed(config: RouterConfig, name: string): ClientGroup | undefined {
  return (config.clientGroups ?? []).find((g) => g.name === name);
}

/**
 * The networks of a split-tunnel ACL: the source of each permit entry (IOS `acl N`, PIX
 * `split-tunnel ACL`), as address and netmask. Entries whose source wildcard is not
 * contiguous have no netmask and are left out (the configuration check refuses them).
 */
export function splitNetworks(config: RouterConfig, acl: string): { address: Ipv4; mask: Ipv4 }[] {
  const list = config.accessLists.find((a) => a.name === acl);
  const out: { address: Ipv4; mask: Ipv4 }[] = [];
  for (const e of list?.entries ?? []) {
    if (e.action !== 'permit') continue;
    const wildcard = ipv4ToNumber(e.source.wildcard);
    const prefix = wildcardPrefix(wildcard);
    if (prefix === undefined) continue;
    const mask = ~wildcard >>> 0;
    out.push({
      address: formatIpv4((ipv4ToNumber(e.source.address) & mask) >>> 0),
      mask: formatIpv4(mask),
    });
  }
  return out.slice(0, MAX_SPLIT_NETWORKS);
}

/** The Mode Config settings of `group`; without one, only the address (IOS has no global DNS). */
export function modeConfigOffer(config: RouterConfig, group: ClientGroup | undefined): ModeConfigOffer {
  if (!group) return { dns: [], wins: [], splitInclude: [], savePassword: false };
  return {
    group: group.name,
    dns: (group.dns ?? []).slice(0, 2),
    wins: (group.wins ?? []).slice(0, 2),
    ...(group.domain !== undefined ? { domain: group.domain } : {}),
    splitInclude: group.splitAcl === undefined ? [] : splitNetworks(config, group.splitAcl),
    ...(group.splitAcl !== undefined ? { splitAcl: group.splitAcl } : {}),
    savePassword: group.savePassword === true,
  };
}
