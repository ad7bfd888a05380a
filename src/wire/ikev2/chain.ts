// The IKEv2 payload chain, RFC 7296 §3.2. Generic payload header:
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// | Next Payload  |C|  RESERVED   |         Payload Length        |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// The C (critical) bit matters only for a payload type the receiver does not know (§2.5); the
// RESERVED bits are ignored on receipt and sent as zero. SK ends the chain: its Next Payload
// is the first payload inside the ciphertext, and its body runs to the end of the message.

import { readGenericHeader } from '../chain.js';
import { DecodeError, EncodeError } from '../errors.js';
import { Reader } from '../reader.js';
import { Writer } from '../writer.js';
import { PayloadType } from './constants.js';
import { decodeIkev2Body, encodeIkev2Body, type Ikev2Payload, ikev2PayloadTypeOf } from './payload.js';

export const MAX_IKEV2_PAYLOADS = 128;
const CRITICAL = 0x80;

/** Decodes the chain starting with type `first`; `base` is `bytes[0]`'s offset in the message. */
export function decodeIkev2Payloads(first: number, bytes: Uint8Array, base = 0): Ikev2Payload[] {
  const r = new Reader(bytes, base);
  const payloads: Ikev2Payload[] = [];
  let type = first;
  while (type !== PayloadType.NONE) {
    const start = r.offset;
    if (payloads.length >= MAX_IKEV2_PAYLOADS)
      throw new DecodeError(`more than ${MAX_IKEV2_PAYLOADS} payloads`, start);
    const { next, reserved, length } = readGenericHeader(r);
    const critical = (reserved & CRITICAL) !== 0;
    const body = r.sub(length - 4, `payload ${type}`);
    if (type === PayloadType.SK) {
      if (r.remaining !== 0) throw new DecodeError(`${r.remaining} bytes after the SK payload`, r.offset);
      payloads.push({ type: 46, firstInner: next, data: body.rest() });
      return payloads;
    }
    payloads.push(decodeIkev2Body(type, critical, body));
    body.end(`payload type ${type}`);
    type = next;
  }
  if (r.remaining !== 0) throw new DecodeError(`${r.remaining} bytes after the last payload`, r.offset);
  return payloads;
}

/** Writes the chain; an SK payload must be last, and its Next Payload is its `firstInner`. */
export function encodeIkev2PayloadsTo(w: Writer, payloads: readonly Ikev2Payload[]): void {
  payloads.forEach((p, i) => {
    const following = payloads[i + 1];
    if (p.type === 46 && following) throw new EncodeError('the SK payload must be the last payload');
    const next = p.type === 46 ? p.firstInner : following ? ikev2PayloadTypeOf(following) : 0;
    const start = w.length;
    w.u8(next)
      .u8(p.type === 'unknown' && p.critical ? CRITICAL : 0)
      .u16(0);
    if (p.type === 46) w.bytes(p.data);
    else encodeIkev2Body(w, p);
    const length = w.length - start;
    if (length > 0xffff)
      throw new EncodeError(`payload ${ikev2PayloadTypeOf(p)} is ${length} bytes, over 65535`);
    w.patchU16(start + 2, length);
  });
}

/** The chain as bytes, and the type of its first payload (what the header or SK names). */
export function encodeIkev2Payloads(payloads: readonly Ikev2Payload[]): { first: number; bytes: Uint8Array } {
  const w = new Writer();
  encodeIkev2PayloadsTo(w, payloads);
  return { first: payloads[0] ? ikev2PayloadTypeOf(payloads[0]) : 0, bytes: w.finish() };
}
