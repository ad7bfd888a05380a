// Data attributes, RFC 2408 §3.3. Used by transforms (phase-1 and phase-2 SA attributes) and by
// the attribute payload (XAUTH / mode config).
//
//                      1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// !A!       Attribute Type        !    AF=0  Attribute Length     !
// !F!                             !    AF=1  Attribute Value      !
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// .                   AF=0  Attribute Value                       .
// .                   AF=1  Not Transmitted                       .
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+

import { DecodeError, EncodeError } from './errors.js';
import type { Reader } from './reader.js';
import type { Writer } from './writer.js';

/**
 * `tv: true` is the basic (TV) format with a 16-bit `value: number`; `tv: false` is the
 * variable (TLV) format whose value is kept as bytes (a TLV value of any length is legal,
 * e.g. an 8-byte life duration).
 */
export interface Attribute {
  readonly type: number;
  readonly value: number | Uint8Array;
  readonly tv: boolean;
}

/** Upper bound on attributes in one transform or attribute payload (bounded work per item). */
export const MAX_ATTRIBUTES = 1024;

export function decodeAttribute(r: Reader): Attribute {
  const first = r.u16('attribute type');
  const type = first & 0x7fff;
  if (first & 0x8000) return { type, value: r.u16('attribute value'), tv: true };
  const length = r.u16('attribute length');
  return { type, value: r.bytesCopy(length, `attribute ${type} value`), tv: false };
}

/** Decodes attributes until the reader is exhausted. */
export function decodeAttributes(r: Reader): Attribute[] {
  const out: Attribute[] = [];
  while (r.remaining > 0) {
    if (out.length >= MAX_ATTRIBUTES)
      throw new DecodeError(`more than ${MAX_ATTRIBUTES} attributes`, r.offset);
    out.push(decodeAttribute(r));
  }
  return out;
}

export function encodeAttribute(w: Writer, a: Attribute): void {
  if (!Number.isInteger(a.type) || a.type < 0 || a.type > 0x7fff) {
    throw new EncodeError(`attribute type ${a.type} out of range`);
  }
  if (a.tv) {
    const v = typeof a.value === 'number' ? a.value : bytesToNumber(a.value, 2);
    if (v === undefined) throw new EncodeError(`TV attribute ${a.type} value does not fit 16 bits`);
    w.u16(0x8000 | a.type).u16(v);
    return;
  }
  const bytes = typeof a.value === 'number' ? numberToBytes(a.value) : a.value;
  if (bytes.length > 0xffff) throw new EncodeError(`TLV attribute ${a.type} longer than 65535 bytes`);
  w.u16(a.type).u16(bytes.length).bytes(bytes);
}

export function encodeAttributes(w: Writer, attrs: readonly Attribute[]): void {
  for (const a of attrs) encodeAttribute(w, a);
}

/** Basic (TV) attribute. */
export function tv(type: number, value: number): Attribute {
  return { type, value, tv: true };
}

/** Variable (TLV) attribute. */
export function tlv(type: number, value: Uint8Array): Attribute {
  return { type, value, tv: false };
}

/**
 * A numeric attribute in the shortest legal form: TV when it fits 16 bits, otherwise TLV with
 * a 4-byte value (RFC 2409 App. A: life duration may be either).
 */
export function numericAttribute(type: number, value: number): Attribute {
  return value <= 0xffff ? tv(type, value) : tlv(type, numberToBytes(value));
}

/** The attribute's value as a number (TV, or TLV up to 6 significant bytes); undefined otherwise. */
export function attributeNumber(a: Attribute): number | undefined {
  return typeof a.value === 'number' ? a.value : bytesToNumber(a.value, 6);
}

export function findAttribute(attrs: readonly Attribute[], type: number): Attribute | undefined {
  return attrs.find((a) => a.type === type);
}

function bytesToNumber(b: Uint8Array, maxSignificant: number): number | undefined {
  let start = 0;
  while (start < b.length && b[start] === 0) start++;
  if (b.length - start > maxSignificant || b.length === 0) return undefined;
  let v = 0;
  for (let i = start; i < b.length; i++) v = v * 256 + b[i]!;
  return v;
}

/** Big-endian, 4 bytes when it fits 32 bits, else 8. */
function numberToBytes(v: number): Uint8Array {
  if (!Number.isSafeInteger(v) || v < 0)
    throw new EncodeError(`attribute value ${v} is not a non-negative integer`);
  const len = v <= 0xffffffff ? 4 : 8;
  const out = new Uint8Array(len);
  let x = v;
  for (let i = len - 1; i >= 0; i--) {
    out[i] = x % 256;
    x = Math.floor(x / 256);
  }
  return out;
}
