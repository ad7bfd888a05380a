// Delete payload, RFC 2408 §3.15.
//                      1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// ! Next Payload  !   RESERVED    !         Payload Length        !
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// !              Domain of Interpretation  (DOI)                  !
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// !  Protocol-Id  !   SPI Size    !           # of SPIs           !
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// ~               Security Parameter Index(es) (SPI)              ~
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// ISAKMP SA: SPI size 16 (CKY-I | CKY-R); ESP/AH: 4.

import { DecodeError, EncodeError } from '../errors.js';
import type { Reader } from '../reader.js';
import type { Writer } from '../writer.js';
import type { PayloadBase } from './base.js';

export interface DeletePayload extends PayloadBase {
  readonly type: 12;
  readonly doi: number;
  readonly protocolId: number;
  /** Needed only when `spis` is empty; otherwise every SPI's length. */
  readonly spiSize: number;
  readonly spis: readonly Uint8Array[];
}

export function decodeDelete(r: Reader): DeletePayload {
  const doi = r.u32('delete DOI');
  const protocolId = r.u8('protocol id');
  const spiSize = r.u8('SPI size');
  const countAt = r.offset;
  const count = r.u16('number of SPIs');
  if (spiSize === 0 && count > 0) throw new DecodeError(`${count} SPIs of size 0`, countAt);
  if (count * spiSize !== r.remaining) {
    throw new DecodeError(
      `${count} SPIs of ${spiSize} bytes do not fill the ${r.remaining} bytes left`,
      countAt,
    );
  }
  const spis: Uint8Array[] = [];
  for (let i = 0; i < count; i++) spis.push(r.bytesCopy(spiSize, 'SPI'));
  return { type: 12, doi, protocolId, spiSize, spis };
}

export function encodeDelete(w: Writer, p: DeletePayload): void {
  const size = p.spis[0]?.length ?? p.spiSize;
  if (p.spis.some((s) => s.length !== size)) throw new EncodeError('delete payload SPIs differ in size');
  w.u32(p.doi).u8(p.protocolId).u8(size).u16(p.spis.length);
  for (const spi of p.spis) w.bytes(spi);
}
