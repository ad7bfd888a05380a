// Transform payload, RFC 2408 §3.6 (only inside a proposal).
//                      1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// ! Next Payload  !   RESERVED    !         Payload Length        !
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// !  Transform #  !  Transform-Id !           RESERVED2           !
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// ~                        SA Attributes                          ~
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// Next Payload is 3 (another transform) or 0 (last).

import { decodeAttributes, encodeAttributes, type Attribute } from '../attributes.js';
import { DecodeError } from '../errors.js';
import type { Reader } from '../reader.js';
import type { Writer } from '../writer.js';
import type { PayloadBase } from './base.js';

export interface Transform extends PayloadBase {
  readonly transformNumber: number;
  readonly transformId: number;
  readonly attributes: readonly Attribute[];
  /** RESERVED2, present only when non-zero on the wire. */
  readonly reserved2?: number;
}

export function decodeTransform(r: Reader): { transform: Transform; next: number } {
  const start = r.offset;
  const next = r.u8('transform next payload');
  if (next !== 0 && next !== 3)
    throw new DecodeError(`transform next payload ${next} is neither 0 nor 3`, start);
  const reserved = r.u8();
  const length = r.u16('transform length');
  if (length < 8) throw new DecodeError(`transform length ${length} shorter than 8`, start + 2);
  if (length - 4 > r.remaining)
    throw new DecodeError(`transform length ${length} past end of proposal`, start + 2);
  const body = r.sub(length - 4);
  const transformNumber = body.u8();
  const transformId = body.u8();
  const reserved2 = body.u16();
  const attributes = decodeAttributes(body);
  const transform: Transform = {
    transformNumber,
    transformId,
    attributes,
    ...(reserved ? { reserved } : {}),
    ...(reserved2 ? { reserved2 } : {}),
  };
  return { transform, next };
}

export function encodeTransform(w: Writer, t: Transform, last: boolean): void {
  const start = w.length;
  w.u8(last ? 0 : 3)
    .u8(t.reserved ?? 0)
    .u16(0)
    .u8(t.transformNumber)
    .u8(t.transformId)
    .u16(t.reserved2 ?? 0);
  encodeAttributes(w, t.attributes);
  w.patchU16(start + 2, w.length - start);
}
