// Pre-shared key lookup (private adapter; src/policy/pskLookup.ts is another helper's):
// main mode by peer address, most specific first (exact address, `address A netmask M`,
// then the wildcard 0.0.0.0 0.0.0.0); aggressive mode by the peer's identity.

import type { PresharedKey, RouterConfig } from '../policy/model.js';
import { ipv4Number } from './codec.js';

export interface PskMatch {
  readonly key: string;
  /** What the debug prints after "found peer pre-shared key matching". */
  readonly match: string;
}

function maskBits(mask: string): number {
  let n = ipv4Number(mask);
  let bits = 0;
  while (n & 0x80000000) {
    bits++;
    n = (n << 1) >>> 0;
  }
  return bits;
}

export function pskByAddress(config: RouterConfig, peer: string): PskMatch | undefined {
  let best: { k: PresharedKey; bits: number } | undefined;
  const p = ipv4Number(peer);
  for (const k of config.presharedKeys) {
    if (k.address === undefined) continue;
    const mask = k.netmask ?? (k.address === '0.0.0.0' ? '0.0.0.0' : '255.255.255.255');
    const m = ipv4Number(mask);
    if ((p & m) >>> 0 !== (ipv4Number(k.address) & m) >>> 0) continue;
    const bits = maskBits(mask);
    if (!best || bits > best.bits) best = { k, bits };
  }
  return best ? { key: best.k.key, match: peer } : undefined;
}

export function pskByHostname(config: RouterConfig, name: string): PskMatch | undefined {
  const lower = name.toLowerCase();
  const k = config.presharedKeys.find((x) => x.hostname !== undefined && x.hostname.toLowerCase() === lower);
  return k ? { key: k.key, match: name } : undefined;
}
