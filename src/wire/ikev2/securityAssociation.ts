// Security Association payload, RFC 7296 §3.3: a list of proposals, each a list of transforms.
//
// Proposal substructure (§3.3.1):
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// | Last Substruc |   RESERVED    |         Proposal Length       |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// | Proposal Num  |  Protocol ID  |    SPI Size   |Num  Transforms|
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// ~                        SPI (variable)                         ~
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// ~                        <Transforms>                           ~
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// Transform substructure (§3.3.2):
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// | Last Substruc |   RESERVED    |        Transform Length       |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |Transform Type |   RESERVED    |          Transform ID         |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// ~                      Transform Attributes                     ~
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// Last Substruc is 2 (proposal) / 3 (transform) when another follows, 0 on the last one.
// Attributes use the RFC 2408 TV/TLV format (§3.3.5); only Key Length (14, TV) is defined.

import { type Attribute, decodeAttributes, encodeAttributes } from '../attributes.js';
import { DecodeError, EncodeError } from '../errors.js';
import type { Reader } from '../reader.js';
import type { Writer } from '../writer.js';
import { TRANSFORM_ATTRIBUTE_KEY_LENGTH } from './constants.js';

/** Bounds on what one SA payload may hold (bounded work per message). */
export const MAX_IKEV2_PROPOSALS = 64;
export const MAX_IKEV2_TRANSFORMS = 128;

export interface Ikev2Transform {
  readonly transformType: number;
  readonly transformId: number;
  readonly attributes: readonly Attribute[];
}

export interface Ikev2Proposal {
  readonly number: number;
  readonly protocolId: number;
  /** Empty in IKE_SA_INIT's first proposal; 4 bytes for ESP/AH; 8 when rekeying an IKE SA. */
  readonly spi: Uint8Array;
  readonly transforms: readonly Ikev2Transform[];
}

export interface SecurityAssociationPayload {
  readonly type: 33;
  readonly proposals: readonly Ikev2Proposal[];
}

/** The Key Length attribute of a transform, in bits, if it has one. */
export function keyLengthOf(t: Ikev2Transform): number | undefined {
  const a = t.attributes.find((x) => x.type === TRANSFORM_ATTRIBUTE_KEY_LENGTH && x.tv);
  return a && typeof a.value === 'number' ? a.value : undefined;
}

/** A transform, with a Key Length attribute when `keyBits` is given. */
export function transform(transformType: number, transformId: number, keyBits?: number): Ikev2Transform {
  const attributes: Attribute[] =
    keyBits === undefined ? [] : [{ type: TRANSFORM_ATTRIBUTE_KEY_LENGTH, value: keyBits, tv: true }];
  return { transformType, transformId, attributes };
}

export function decodeSecurityAssociation(r: Reader): SecurityAssociationPayload {
  const proposals: Ikev2Proposal[] = [];
  let more = true;
  while (more) {
    if (r.remaining === 0) r.fail('SA payload ends before its last proposal');
    if (proposals.length >= MAX_IKEV2_PROPOSALS) r.fail(`more than ${MAX_IKEV2_PROPOSALS} proposals`);
    const start = r.offset;
    const last = r.u8('proposal last substruc');
    if (last !== 0 && last !== 2)
      throw new DecodeError(`proposal last substruc ${last} is not 0 or 2`, start);
    more = last === 2;
    r.u8('proposal reserved');
    const length = r.u16('proposal length');
    if (length < 8) throw new DecodeError(`proposal length ${length} below 8`, start + 2);
    const p = r.sub(length - 4, 'proposal');
    proposals.push(decodeProposal(p));
  }
  r.end('the last proposal');
  return { type: 33, proposals };
}

function decodeProposal(r: Reader): Ikev2Proposal {
  const number = r.u8('proposal number');
  const protocolId = r.u8('protocol ID');
  const spiSize = r.u8('SPI size');
  const count = r.u8('number of transforms');
  const spi = r.bytesCopy(spiSize, 'proposal SPI');
  const transforms: Ikev2Transform[] = [];
  for (let i = 0; i < count; i++) {
    if (transforms.length >= MAX_IKEV2_TRANSFORMS) r.fail(`more than ${MAX_IKEV2_TRANSFORMS} transforms`);
    const start = r.offset;
    const last = r.u8('transform last substruc');
    const expected = i === count - 1 ? 0 : 3;
    if (last !== expected) {
      throw new DecodeError(
        `transform ${i + 1} of ${count}: last substruc ${last}, expected ${expected}`,
        start,
      );
    }
    r.u8('transform reserved');
    const length = r.u16('transform length');
    if (length < 8) throw new DecodeError(`transform length ${length} below 8`, start + 2);
    const t = r.sub(length - 4, 'transform');
    const transformType = t.u8('transform type');
    t.u8('transform reserved');
    const transformId = t.u16('transform ID');
    transforms.push({ transformType, transformId, attributes: decodeAttributes(t) });
  }
  r.end(`proposal ${number}'s ${count} transforms`);
  return { number, protocolId, spi, transforms };
}

export function encodeSecurityAssociation(w: Writer, p: SecurityAssociationPayload): void {
  if (p.proposals.length === 0) throw new EncodeError('an SA payload needs a proposal');
  p.proposals.forEach((proposal, i) => {
    const start = w.length;
    w.u8(i === p.proposals.length - 1 ? 0 : 2)
      .u8(0)
      .u16(0);
    if (proposal.transforms.length > 255) throw new EncodeError('more than 255 transforms in a proposal');
    w.u8(proposal.number)
      .u8(proposal.protocolId)
      .u8(proposal.spi.length)
      .u8(proposal.transforms.length)
      .bytes(proposal.spi);
    proposal.transforms.forEach((t, j) => {
      const at = w.length;
      w.u8(j === proposal.transforms.length - 1 ? 0 : 3)
        .u8(0)
        .u16(0);
      w.u8(t.transformType).u8(0).u16(t.transformId);
      encodeAttributes(w, t.attributes);
      w.patchU16(at + 2, w.length - at);
    });
    w.patchU16(start + 2, w.length - start);
  });
}
