// Building hostile ISAKMP messages: cleartext rewrites of recorded messages, forged headers,
// and CBC ciphertext manipulation (flipping ciphertext byte k garbles plaintext block k/bs and
// flips the same bit of the next block: a way to corrupt a HASH without keys). Everything is
// built with src/wire's encoders; `raw` puts arbitrary (even malformed) body bytes under any
// payload type.

import {
  decodeMessage,
  encodeMessage,
  HEADER_LENGTH,
  payloadTypeOf,
  type Payload,
  type UnknownPayload,
} from '../../src/wire/index.js';
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

/** A payload of type `type` whose body is exactly `body` (src/wire writes it unchanged). */
export function raw(type: number, body: Uint8Array): UnknownPayload {
  return { type: 'unknown', payloadType: type, data: body };
}

/** A message with the given header and payloads (lengths computed), or an opaque body. */
export function forge(f: Forge, payloads: readonly Payload[] | Uint8Array): Uint8Array {
  const opaque = payloads instanceof Uint8Array;
  const first = opaque ? PayloadType.HASH : payloads[0] ? payloadTypeOf(payloads[0]) : 0;
  const header = {
    initiatorCookie: f.ckyI,
    responderCookie: f.ckyR ?? new Uint8Array(8),
    exchangeType: f.exchange,
    flags: { encryption: f.encrypted === true, commit: f.commit === true, authenticationOnly: false },
    messageId: f.messageId ?? 0,
  };
  // An opaque body rides as the "encrypted" part of src/wire's message, whatever the E flag says.
  if (opaque || f.nextPayload !== undefined)
    return encodeMessage({
      header: { ...header, nextPayload: f.nextPayload ?? first },
      payloads: [],
      encrypted: opaque ? payloads : encodeMessage({ header, payloads }).subarray(HEADER_LENGTH),
    });
  return encodeMessage({ header, payloads });
}

/** Re-encodes a cleartext message with its payload list rewritten. */
export function rewrite(
  data: Uint8Array,
  f: (p: readonly Payload[]) => Payload[],
  m?: Partial<Forge>,
): Uint8Array {
  const msg = decodeMessage(data);
  return forge(
    {
      ckyI: msg.header.initiatorCookie,
      ckyR: msg.header.responderCookie,
      exchange: msg.header.exchangeType,
      messageId: msg.header.messageId,
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
): Payload {
  return { type: PayloadType.N, doi: 1, protocolId: protocol, notifyType: type, spi, data };
}

export function del(protocol: number, spis: readonly Uint8Array[]): Payload {
  return { type: PayloadType.D, doi: 1, protocolId: protocol, spiSize: spis[0]?.length ?? 0, spis };
}

export function spi32(n: number): Uint8Array {
  return Uint8Array.of((n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255);
}

export const INFO = ExchangeType.INFORMATIONAL;
