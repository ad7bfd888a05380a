// Delete payload, RFC 7296 §3.11: an IKE SA (protocol 1, SPI size 0, no SPIs: the SA the
// message travels in) or child SAs by their inbound SPIs (protocol 2 or 3, SPI size 4).
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// | Next Payload  |C|  RESERVED   |         Payload Length        |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// | Protocol ID   |   SPI Size    |          Num of SPIs          |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// ~               Security Parameter Index(es) (SPI)              ~
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+

import { DecodeError, EncodeError } from '../errors.js';
import type { Reader } from '../reader.js';
import type { Writer } from '../writer.js';

export interface DeletePayload {
  readonly type: 42;
  readonly protocolId: number;
  readonly spiSize: number;
  readonly spis: readonly Uint8Array[];
}

export function decodeDelete(r: Reader): DeletePayload {
  const protocolId = r.u8('delete protocol ID');
  const spiSize = r.u8('delete SPI size');
  const count = r.u16('number of SPIs');
  if (spiSize === 0 && count !== 0) throw new DecodeError(`${count} SPIs of size 0`, r.offset - 2);
  if (count * spiSize !== r.remaining) {
    throw new DecodeError(`${count} SPIs of ${spiSize} bytes in ${r.remaining} bytes`, r.offset);
  }
  const spis: Uint8Array[] = [];
  for (let i = 0; i < count; i++) spis.push(r.bytesCopy(spiSize, 'SPI'));
  return { type: 42, protocolId, spiSize, spis };
}

export function encodeDelete(w: Writer, p: DeletePayload): void {
  if (p.spis.some((s) => s.length !== p.spiSize))
    throw new EncodeError(`delete SPIs must be ${p.spiSize} bytes`);
  w.u8(p.protocolId).u8(p.spiSize).u16(p.spis.length);
  for (const spi of p.spis) w.bytes(spi);
}
