// Building hostile ISAKMP messages: cleartext rewrites of recorded messages, forged headers,
// and CBC ciphertext manipulation (flipping ciphertext byte k garbles plaintext block k/bs and
// flips the same bit of the next block: a way to corrupt a HASH without keys).

import {
  concat,
  decodeMessage,
  encodeDelete,
  encodeHeader,
  encodeNotify,
  encodePayloads,
  HEADER_LENGTH,
  type Message,
  type RawPayload,
} from '../../src/ike/codec.js';
import { ExchangeType, PayloadType } from '../../src/ike/index.js';

export function fromHex(h: string): Uint8Array {
  return Uint8Array.from(Buffer.from(h, 'hex'));
}

export interface Forge {
  ckyI: Uint8Array;
  ckyR?: Uint8Array;
  exchange: number;
  messageId?: number;
  encrypted?: boolean;
  commit?: boolean;
  /** Overrides the first-payload field. */
  nextPayload?: number;
}

/** A message with the given header and payloads (lengths computed), or an opaque body. */
export function forge(f: Forge, payloads: readonly RawPayload[] | Uint8Array): Uint8Array {
  const body = payloads instanceof Uint8Array ? payloads : encodePayloads(payloads);
  const first = payloads instanceof Uint8Array ? PayloadType.HASH : (payloads[0]?.type ?? 0);
  const header = encodeHeader(
    {
      initiatorCookie: f.ckyI,
      responderCookie: f.ckyR ?? new Uint8Array(8),
      exchangeType: f.exchange,
      flags: { encryption: f.encrypted === true, commit: f.commit === true, authenticationOnly: false },
      messageId: f.messageId ?? 0,
      nextPayload: f.nextPayload ?? first,
    },
    body.length,
  );
  return concat(header, body);
}

/** Re-encodes a cleartext message with its payload list rewritten. */
export function rewrite(
  data: Uint8Array,
  f: (p: readonly RawPayload[]) => RawPayload[],
  m?: Partial<Forge>,
): Uint8Array {
  const msg: Message = decodeMessage(data);
  return forge(
    {
      ckyI: msg.initiatorCookie,
      ckyR: msg.responderCookie,
      exchange: msg.exchangeType,
      messageId: msg.messageId,
      ...m,
    },
    f(msg.payloads),
  );
}

/** Sets the header length field to the datagram's length. */
export function fixLength(data: Uint8Array): Uint8Array {
  const out = data.slice();
  const n = out.length;
  out[24] = (n >>> 24) & 255;
  out[25] = (n >>> 16) & 255;
  out[26] = (n >>> 8) & 255;
  out[27] = n & 255;
  return out;
}

/** Flips one bit of the (encrypted) body byte `k` (offset after the header). */
export function flipBody(data: Uint8Array, k: number, bit = 0x01): Uint8Array {
  const out = data.slice();
  const i = HEADER_LENGTH + k;
  out[i] = (out[i] ?? 0) ^ bit;
  return out;
}

export function setMessageId(data: Uint8Array, mid: number): Uint8Array {
  const out = data.slice();
  out[20] = (mid >>> 24) & 255;
  out[21] = (mid >>> 16) & 255;
  out[22] = (mid >>> 8) & 255;
  out[23] = mid & 255;
  return out;
}

export function exchangeOf(data: Uint8Array): number {
  return data[18] ?? 0;
}
export function isEncrypted(data: Uint8Array): boolean {
  return ((data[19] ?? 0) & 1) === 1;
}
export function messageIdOf(data: Uint8Array): number {
  return (((data[20] ?? 0) << 24) | ((data[21] ?? 0) << 16) | ((data[22] ?? 0) << 8) | (data[23] ?? 0)) >>> 0;
}

export function notify(
  type: number,
  protocol: number,
  spi: Uint8Array,
  data: Uint8Array = new Uint8Array(0),
): RawPayload {
  return { type: PayloadType.N, body: encodeNotify({ doi: 1, protocol, notifyType: type, spi, data }) };
}

export function del(protocol: number, spis: readonly Uint8Array[]): RawPayload {
  return { type: PayloadType.D, body: encodeDelete({ doi: 1, protocol, spis }) };
}

export function spi32(n: number): Uint8Array {
  return Uint8Array.of((n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255);
}

export const INFO = ExchangeType.INFORMATIONAL;
