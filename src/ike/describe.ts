// Names for what goes on the wire, as charon logs them ("ID_PROT request 0 [ SA V V ]"),
// and the RFC 2408 §2.5.3 cookie.

import { createHash } from 'node:crypto';
import { uint32Bytes } from '../crypto/index.js';
import { payloadTypeOf, type Payload } from '../wire/index.js';
import { ExchangeType, notifyName, PAYLOAD_SHORT_NAMES } from './constants.js';
import { addressBytes } from './natd.js';
import type { Rng } from './types.js';

export function payloadNames(payloads: readonly Payload[]): string[] {
  return payloads.map((p) => {
    if (p.type === 11) return `N(${notifyName(p.notifyType)})`;
    const type = payloadTypeOf(p);
    return PAYLOAD_SHORT_NAMES[type] ?? `(${type})`;
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
  h.update(addressBytes(local));
  h.update(addressBytes(peer));
  h.update(uint32Bytes(((localPort << 16) | peerPort) >>> 0));
  h.update(Buffer.from(String(now)));
  h.update(uint32Bytes(counter >>> 0));
  h.update(rng.randomBytes(4));
  return new Uint8Array(h.digest()).slice(0, 8);
}
