// INVALID-SPI recovery (IOS `crypto isakmp invalid-spi-recovery`): ESP or AH that arrives with
// an SPI we do not hold is reported to its sender in an INVALID-SPI notify (RFC 2408 §3.14.1,
// notify 11), over an IKE SA with that peer, so a peer that installed an SA we never did (a lost
// quick-mode message 3) or kept one we dropped stops sending into nothing. Unknown-SPI packets
// are unauthenticated: the notify is rate-limited per (peer, protocol, SPI) and the table is
// bounded, so a flood costs a few notifies and a fixed amount of memory.

import { NotifyType, ProtocolId } from './constants.js';
import { notifyPayload } from './informational.js';
import { spiBytes, spiNumber } from './ipsecTransforms.js';
import type { NotificationPayload } from '../wire/index.js';

/** One notify per SPI this often (seconds), and at most this many SPIs remembered. */
const INTERVAL = 10;
const MAX_ENTRIES = 256;

export class InvalidSpiLimiter {
  private readonly last = new Map<string, number>();

  /** True when a notify for this SPI may go out now (and records it). */
  allow(peer: string, protocol: 'esp' | 'ah', spi: number, now: number): boolean {
    const key = `${peer}/${protocol}/${spi >>> 0}`;
    const at = this.last.get(key);
    if (at !== undefined && now - at < INTERVAL) return false;
    if (at === undefined && this.last.size >= MAX_ENTRIES) {
      for (const [k, t] of this.last) if (now - t >= INTERVAL) this.last.delete(k);
      if (this.last.size >= MAX_ENTRIES) return false;
    }
    this.last.set(key, now);
    return true;
  }
}

/** N(INVALID-SPI) for an ESP/AH SPI: in the SPI field (size 4) and, as IOS does, in the data. */
export function invalidSpiPayload(protocol: 'esp' | 'ah', spi: number): NotificationPayload {
  return notifyPayload(
    NotifyType.INVALID_SPI,
    protocol === 'ah' ? ProtocolId.AH : ProtocolId.ESP,
    spiBytes(spi),
    spiBytes(spi),
  );
}

/** The SPI an INVALID-SPI notify names: the SPI field, else the first 4 bytes of its data. */
export function invalidSpiOf(spi: Uint8Array, data: Uint8Array): number | undefined {
  const b = spi.length === 4 ? spi : data.length >= 4 ? data.subarray(0, 4) : undefined;
  if (!b) return undefined;
  const v = spiNumber(b);
  return v === 0 ? undefined : v;
}
