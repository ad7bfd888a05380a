// Security Association payload, RFC 2408 §3.4 with the IPsec DOI situation, RFC 2407 §4.6.1.
//                      1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// ! Next Payload  !   RESERVED    !         Payload Length        !
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// !              Domain of Interpretation (IPsec DOI)             !
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// !                       Situation (bitmask)                     !
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// !                  Labeled Domain Identifier                    !  with SIT_SECRECY
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+  or SIT_INTEGRITY
// !     Secrecy Length (in octets)    !           RESERVED        !  with SIT_SECRECY
// ~                         Secrecy Level                         ~  padded to 32 bits
// ! Secrecy Cat. Length (in bits) !           RESERVED            !
// ~                    Secrecy Category Bitmap                    ~  padded to 32 bits
// !  Integrity Length (in octets) !           RESERVED            !  with SIT_INTEGRITY
// ~                       Integrity Level                         ~  padded to 32 bits
// ! Integ. Cat. Length (in bits)  !           RESERVED            !
// ~                    Integrity Category Bitmap                  ~  padded to 32 bits
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// followed by the proposal payloads (RFC 2408 §3.5).

import { Doi, Situation } from '../constants/ipsecDoi.js';
import { NotifyType } from '../constants/notify.js';
import { DecodeError } from '../errors.js';
import type { Reader } from '../reader.js';
import type { Writer } from '../writer.js';
import type { PayloadBase } from './base.js';
import { decodeProposal, encodeProposal, MAX_PROPOSALS, type Proposal } from './proposal.js';

export interface SaPayload extends PayloadBase {
  readonly type: 1;
  readonly doi: number;
  readonly situation: number;
  /** The labeled-domain fields (from the Labeled Domain Identifier on), kept as sent. */
  readonly labeledDomain?: Uint8Array;
  readonly proposals: readonly Proposal[];
}

export function decodeSa(r: Reader): SaPayload {
  const doiAt = r.offset;
  const doi = r.u32('DOI');
  if (doi !== Doi.IPSEC)
    throw new DecodeError(`SA DOI ${doi} is not the IPsec DOI (1)`, doiAt, NotifyType.DOI_NOT_SUPPORTED);
  const situation = r.u32('situation');
  let labeledDomain: Uint8Array | undefined;
  if (situation & (Situation.SIT_SECRECY | Situation.SIT_INTEGRITY)) {
    labeledDomain = readLabeledDomain(r, situation);
  }
  const proposals = decodeProposals(r);
  return { type: 1, doi, situation, ...(labeledDomain ? { labeledDomain } : {}), proposals };
}

/**
 * The proposal payloads to the end of the SA payload. RFC 2408 §5.5 (3) and §5.6 (2):
 * proposals or transforms not formed as §3.5, §3.6 and §4.2 say are BAD-PROPOSAL-SYNTAX.
 */
function decodeProposals(r: Reader): Proposal[] {
  try {
    const proposals: Proposal[] = [];
    let more = true;
    while (more) {
      if (proposals.length >= MAX_PROPOSALS)
        throw new DecodeError(`more than ${MAX_PROPOSALS} proposals`, r.offset);
      const p = decodeProposal(r);
      proposals.push(p.proposal);
      more = p.next === 2;
    }
    r.end('last proposal of SA');
    return proposals;
  } catch (e) {
    if (e instanceof DecodeError && e.notify === NotifyType.PAYLOAD_MALFORMED)
      throw new DecodeError(e.reason, e.offset, NotifyType.BAD_PROPOSAL_SYNTAX);
    throw e;
  }
}

/**
 * RFC 2407 §4.6.1: measures the labeled-domain block so the proposals can be found. The
 * Labeled Domain Identifier is present with either bit; the secrecy fields only with
 * SIT_SECRECY, the integrity fields only with SIT_INTEGRITY; each variable field is padded
 * to 32 bits.
 */
function readLabeledDomain(r: Reader, situation: number): Uint8Array {
  const start = r.offset;
  const fields = r.fork();
  const pad4 = (n: number): number => Math.ceil(n / 4) * 4;
  fields.u32('labeled domain identifier');
  for (const [bit, name] of [
    [Situation.SIT_SECRECY, 'secrecy'],
    [Situation.SIT_INTEGRITY, 'integrity'],
  ] as const) {
    if (!(situation & bit)) continue;
    const levelLength = fields.u16(`${name} length`);
    fields.u16();
    fields.sub(pad4(levelLength), `${name} level`);
    const categoryBits = fields.u16(`${name} category length`);
    fields.u16();
    fields.sub(pad4(Math.ceil(categoryBits / 8)), `${name} category bitmap`);
  }
  return r.bytesCopy(fields.offset - start, 'labeled domain');
}

export function encodeSa(w: Writer, p: SaPayload): void {
  w.u32(p.doi).u32(p.situation);
  if (p.labeledDomain) w.bytes(p.labeledDomain);
  p.proposals.forEach((pr, i) => encodeProposal(w, pr, i === p.proposals.length - 1));
}
