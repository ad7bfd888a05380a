// What the configuration asks of a remote-access client after phase 1 (the chapter's
// "IKE Enhancements for Remote-Access Client IPsec"): XAUTH from the crypto map's
// `client authentication list L` (IOS) or `client authentication SERVER` (PIX), and Mode
// Config from `client configuration address initiate|respond` with the ISAKMP address pool.
// A peer whose pre-shared key says `no-xauth` / `no-config-mode` (a LAN-to-LAN peer beside
// the clients, Example 13-21) is exempt.

import type { CryptoMapSettings, Ipv4, LocalPool, RouterConfig } from './model.js';
import { findPresharedKey } from './pskLookup.js';

export interface RemoteAccessPlan {
  /** The crypto map whose `client` commands apply. */
  readonly map: string;
  /** The login list XAUTH asks (`group TAG` for a PIX `aaa-server` group). */
  readonly xauthList?: string;
  /** Mode Config: push (`initiate`) and/or answer the client's request (`respond`). */
  readonly modeConfig?: {
    readonly initiate: boolean;
    readonly respond: boolean;
    /** `crypto isakmp client configuration address-pool local P`; absent when not configured. */
    readonly pool?: string;
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
  const pool = config.isakmp.clientAddressPool;
  return {
    map: settings.name,
    ...(xauthList !== undefined ? { xauthList } : {}),
    ...(wantsConfig
      ? {
          modeConfig: {
            initiate: modes.includes('initiate'),
            respond: modes.includes('respond'),
            ...(pool !== undefined ? { pool } : {}),
          },
        }
      : {}),
  };
}

/** `ip local pool NAME A B` (PIX `ip local pool NAME A-B`) by name. */
export function localPoolNamed(config: RouterConfig, name: string): LocalPool | undefined {
  return config.localPools.find((p) => p.name === name);
}
