// Proposal payload, RFC 2408 §3.5 (only inside an SA payload).
//                      1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// ! Next Payload  !   RESERVED    !         Payload Length        !
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// !  Proposal #   !  Protocol-Id  !    SPI Size   !# of Transforms!
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// !                        SPI (variable)                         !
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// Next Payload is 2 (another proposal) or 0 (last). Transforms follow the SPI.

import { DecodeError, EncodeError } from '../errors.js';
import type { Reader } from '../reader.js';
import type { Writer } from '../writer.js';
import type { PayloadBase } from './base.js';
import { decodeTransform, encodeTransform, type Transform } from './transform.js';

export interface Proposal extends PayloadBase {
  readonly proposalNumber: number;
  readonly protocolId: number;
  readonly spi: Uint8Array;
  readonly transforms: readonly Transform[];
}

export const MAX_PROPOSALS = 64;

/** Decodes one proposal sub-payload; returns it and its Next Payload field. */
export function decodeProposal(r: Reader): { proposal: Proposal; next: number } {
  const start = r.offset;
  const next = r.u8('proposal next payload');
  if (next !== 0 && next !== 2)
    throw new DecodeError(`proposal next payload ${next} is neither 0 nor 2`, start);
  const reserved = r.u8();
  const length = r.u16('proposal length');
  if (length < 8) throw new DecodeError(`proposal length ${length} shorter than 8`, start + 2);
  if (length - 4 > r.remaining) {
    throw new DecodeError(`proposal length ${length} past end of SA payload`, start + 2);
  }
  const body = r.sub(length - 4);
  const proposalNumber = body.u8();
  const protocolId = body.u8();
  const spiSize = body.u8();
  const count = body.u8();
  const spi = body.bytesCopy(spiSize, 'proposal SPI');
  const transforms: Transform[] = [];
  let more = count > 0;
  while (more) {
    const at = body.offset;
    if (transforms.length >= count) {
      throw new DecodeError(`proposal announces ${count} transforms but has more`, at);
    }
    const t = decodeTransform(body);
    transforms.push(t.transform);
    more = t.next === 3;
  }
  if (transforms.length !== count) {
    throw new DecodeError(`proposal announces ${count} transforms but has ${transforms.length}`, start + 7);
  }
  body.end('last transform of proposal');
  const proposal: Proposal = {
    proposalNumber,
    protocolId,
    spi,
    transforms,
    ...(reserved ? { reserved } : {}),
  };
  return { proposal, next };
}

export function encodeProposal(w: Writer, p: Proposal, last: boolean): void {
  if (p.transforms.length > 255) throw new EncodeError('more than 255 transforms in a proposal');
  const start = w.length;
  w.u8(last ? 0 : 2)
    .u8(p.reserved ?? 0)
    .u16(0)
    .u8(p.proposalNumber)
    .u8(p.protocolId)
    .u8(p.spi.length)
    .u8(p.transforms.length)
    .bytes(p.spi);
  p.transforms.forEach((t, i) => encodeTransform(w, t, i === p.transforms.length - 1));
  w.patchU16(start + 2, w.length - start);
}
