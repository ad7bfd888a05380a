// Identification payloads IDi (35) and IDr (36), RFC 7296 §3.5.
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// | Next Payload  |C|  RESERVED   |         Payload Length        |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |   ID Type     |                 RESERVED                      |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// ~                   Identification Data                         ~
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// §2.15 signs the body from ID Type on ("IDi'"), so the three reserved octets are kept.

import { DecodeError } from '../errors.js';
import type { Reader } from '../reader.js';
import type { Writer } from '../writer.js';

export interface IdentificationPayload {
  readonly type: 35 | 36;
  readonly idType: number;
  readonly data: Uint8Array;
  /** The three RESERVED octets when a peer sent them non-zero (they count in the AUTH octets). */
  readonly reservedBytes?: Uint8Array;
}

export function decodeIdentification(type: 35 | 36, r: Reader): IdentificationPayload {
  if (r.remaining < 4) throw new DecodeError(`ID payload of ${r.remaining} bytes`, r.offset);
  const idType = r.u8('ID type');
  const reservedBytes = r.bytesCopy(3, 'ID reserved');
  const data = r.rest();
  return reservedBytes.some((b) => b !== 0) ? { type, idType, data, reservedBytes } : { type, idType, data };
}

export function encodeIdentification(w: Writer, p: IdentificationPayload): void {
  w.u8(p.idType)
    .bytes(p.reservedBytes ?? new Uint8Array(3))
    .bytes(p.data);
}
