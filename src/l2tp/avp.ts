// RFC 2661 §4.1 Attribute-Value Pair:
//
//   0                   1                   2                   3
//   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  |M|H| rsvd  |      Length       |           Vendor ID           |
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  |         Attribute Type        |        Attribute Value...
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// Length (10 bits) counts the 6 header bytes. Hidden AVPs (H, §4.3) need the tunnel secret;
// typeswan runs without tunnel authentication, sends none and refuses them on receipt.

import { DecodeError, EncodeError } from '../wire/errors.js';
import type { Reader } from '../wire/reader.js';
import type { Writer } from '../wire/writer.js';

export interface Avp {
  readonly mandatory: boolean;
  readonly hidden: boolean;
  readonly vendorId: number;
  readonly type: number;
  readonly value: Uint8Array;
}

const AVP_HEADER = 6;
const MAX_AVP = 0x3ff;

export function decodeAvp(r: Reader): Avp {
  const start = r.offset;
  const flags = r.u16('AVP flags and length');
  const length = flags & MAX_AVP;
  if ((flags & 0x3c00) !== 0) throw new DecodeError('AVP reserved bits set', start);
  if (length < AVP_HEADER) throw new DecodeError(`AVP length ${length} below 6`, start);
  const vendorId = r.u16('AVP vendor ID');
  const type = r.u16('AVP attribute type');
  const value = r.bytesCopy(length - AVP_HEADER, 'AVP value');
  return { mandatory: (flags & 0x8000) !== 0, hidden: (flags & 0x4000) !== 0, vendorId, type, value };
}

export function encodeAvp(w: Writer, avp: Avp): void {
  const length = AVP_HEADER + avp.value.length;
  if (length > MAX_AVP)
    throw new EncodeError(`AVP ${avp.type} value of ${avp.value.length} bytes is too long`);
  w.u16((avp.mandatory ? 0x8000 : 0) | (avp.hidden ? 0x4000 : 0) | length);
  w.u16(avp.vendorId);
  w.u16(avp.type);
  w.bytes(avp.value);
}

/** An IETF AVP (vendor 0), never hidden. */
export function avp(type: number, value: Uint8Array, mandatory = true): Avp {
  return { mandatory, hidden: false, vendorId: 0, type, value };
}

export function u16Avp(type: number, v: number, mandatory = true): Avp {
  return avp(type, Uint8Array.of(v >>> 8, v & 0xff), mandatory);
}

export function u32Avp(type: number, v: number, mandatory = true): Avp {
  return avp(type, Uint8Array.of(v >>> 24, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff), mandatory);
}

export function textAvp(type: number, text: string, mandatory = true): Avp {
  return avp(type, new Uint8Array(Buffer.from(text, 'utf8')), mandatory);
}

export function findAvp(avps: readonly Avp[], type: number): Avp | undefined {
  return avps.find((a) => a.vendorId === 0 && a.type === type);
}

/** The value of an AVP that must be exactly 2 or 4 bytes; DecodeError otherwise. */
export function avpNumber(a: Avp, size: 2 | 4): number {
  if (a.value.length !== size)
    throw new DecodeError(`AVP ${a.type} value is ${a.value.length} bytes, expected ${size}`, 0);
  const v = a.value;
  return size === 2 ? (v[0]! << 8) | v[1]! : v[0]! * 0x1000000 + ((v[1]! << 16) | (v[2]! << 8) | v[3]!);
}

export function avpText(a: Avp): string {
  return Buffer.from(a.value)
    .toString('utf8')
    .replace(/[^\x20-\x7e]/g, '?');
}
