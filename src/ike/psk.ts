// Pre-shared key lookup: main mode by peer address through src/policy (exact address,
// `address A netmask M`, then the wildcard 0.0.0.0 0.0.0.0: the most specific wins);
// aggressive mode by the peer's identity.

import { findPresharedKey } from '../policy/index.js';
import type { RouterConfig } from '../policy/model.js';

export interface PskMatch {
  readonly key: string;
  /** What the debug prints after "found peer pre-shared key matching". */
  readonly match: string;
}

export function pskByAddress(config: RouterConfig, peer: string): PskMatch | undefined {
  // IOS: `address 0.0.0.0` alone is the wildcard. The parser writes its netmask 0.0.0.0; a
  // model built by hand may leave it out, which policy would read as the host 0.0.0.0/32.
  const keys = config.presharedKeys.map((k) =>
    k.address === '0.0.0.0' && k.netmask === undefined ? { ...k, netmask: '0.0.0.0' } : k,
  );
  let k;
  try {
    k = findPresharedKey(keys, peer);
  } catch {
    return undefined; // a key address or netmask in the model that is not IPv4
  }
  return k ? { key: k.key, match: peer } : undefined;
}

/** `crypto isakmp client configuration group NAME` / `key K`: the group's key, by its exact name. */
export function pskByGroup(config: RouterConfig, name: string): PskMatch | undefined {
  const k = config.presharedKeys.find((x) => x.group === name);
  return k ? { key: k.key, match: name } : undefined;
}

/** Exact, case-insensitive (src/policy's lookup also ignores a trailing dot: not the engine's rule). */
export function pskByHostname(config: RouterConfig, name: string): PskMatch | undefined {
  const lower = name.toLowerCase();
  const k = config.presharedKeys.find((x) => x.hostname !== undefined && x.hostname.toLowerCase() === lower);
  return k ? { key: k.key, match: name } : undefined;
}
