// Pre-shared key selection, as IOS does it: main mode only knows the peer's address, so
// keys are looked up by address (an exact host key first, then the longest matching
// `address A netmask M`, the wildcard 0.0.0.0 0.0.0.0 last); aggressive mode carries the
// peer's identity in message 1, so a hostname (FQDN) key can be found by that identity.

import { ipv4ToNumber, netmaskPrefix, parseIpv4 } from './ipv4.js';
import type { Ipv4, PresharedKey } from './model.js';

function prefixOf(key: PresharedKey): number {
  return netmaskPrefix(ipv4ToNumber(key.netmask ?? '255.255.255.255')) ?? -1;
}

/** The key for a peer address: longest prefix wins (the /32 host key, the /0 wildcard last). */
export function findPresharedKey(keys: readonly PresharedKey[], peer: Ipv4): PresharedKey | undefined {
  const address = parseIpv4(peer);
  if (address === undefined) return undefined;
  let best: PresharedKey | undefined;
  let bestPrefix = -1;
  for (const key of keys) {
    if (key.address === undefined) continue;
    const mask = ipv4ToNumber(key.netmask ?? '255.255.255.255');
    if (((address ^ ipv4ToNumber(key.address)) & mask) >>> 0 !== 0) continue;
    const prefix = prefixOf(key);
    if (prefix > bestPrefix) {
      best = key;
      bestPrefix = prefix;
    }
  }
  return best;
}

/** The key for an aggressive-mode identity (ID_FQDN / ID_USER_FQDN); names compare case-insensitively. */
export function findPresharedKeyByHostname(
  keys: readonly PresharedKey[],
  identity: string,
): PresharedKey | undefined {
  const wanted = identity.replace(/\.$/, '').toLowerCase();
  return keys.find((k) => k.hostname !== undefined && k.hostname.replace(/\.$/, '').toLowerCase() === wanted);
}

/** Aggressive mode: a hostname key for the identity if there is one, else by address. */
export function findPresharedKeyForPeer(
  keys: readonly PresharedKey[],
  peer: Ipv4,
  identity?: string,
): PresharedKey | undefined {
  if (identity !== undefined) {
    const byName = findPresharedKeyByHostname(keys, identity);
    if (byName) return byName;
  }
  return findPresharedKey(keys, peer);
}

/** True for `address 0.0.0.0 [netmask 0.0.0.0]`, the key shared by every peer. */
export function isWildcardKey(key: PresharedKey): boolean {
  return key.address !== undefined && prefixOf(key) === 0;
}
