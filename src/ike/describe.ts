// Names for what goes on the wire, as charon logs them ("ID_PROT request 0 [ SA V V ]"),
// and the RFC 2408 §2.5.3 cookie.

import { createHash } from 'node:crypto';
import { be32, decodeNotify, ipv4Bytes, type RawPayload } from './codec.js';
import { ExchangeType, notifyName, PAYLOAD_SHORT_NAMES, PayloadType } from './constants.js';
import type { Rng } from './types.js';

export function payloadNames(payloads: readonly RawPayload[]): string[] {
  return payloads.map((p) => {
    if (p.type !== PayloadType.N) return PAYLOAD_SHORT_NAMES[p.type] ?? `(${p.type})`;
    try {
      return `N(${notifyName(decodeNotify(p.body).notifyType)})`;
    } catch {
      return 'N';
    }
  });
}

const EXCHANGE_NAMES: Readonly<Record<number, string>> = {
  [ExchangeType.ID_PROT]: 'ID_PROT',
  [ExchangeType.AGGRESSIVE]: 'AGGRESSIVE',
  [ExchangeType.QUICK]: 'QUICK_MODE',
  [ExchangeType.INFORMATIONAL]: 'INFORMATIONAL_V1',
};

export function exchangeName(t: number): string {
  return EXCHANGE_NAMES[t] ?? `EXCHANGE(${t})`;
}

/** RFC 2408 §2.5.3: a hash of the addresses, ports, a local secret, the time and a counter. */
export function makeCookie(
  secret: Uint8Array,
  counter: number,
  now: number,
  rng: Rng,
  local: string,
  peer: string,
  localPort: number,
  peerPort: number,
): Uint8Array {
  const h = createHash('md5');
  h.update(secret);
  h.update(ipv4Bytes(local));
  h.update(ipv4Bytes(peer));
  h.update(be32(((localPort << 16) | peerPort) >>> 0));
  h.update(Buffer.from(String(now)));
  h.update(be32(counter));
  h.update(rng.randomBytes(4));
  return new Uint8Array(h.digest()).slice(0, 8);
}
