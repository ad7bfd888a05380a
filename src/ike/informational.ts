// Informational exchange payloads (RFC 2408 §4.8, RFC 2409 §5.7): HASH(1) | N or D once
// phase 1 is up; plain N before it (then the notify is unauthenticated and never tears down
// authenticated state). DPD R-U-THERE / ACK (RFC 3706 §5) ride on the same exchange.

import { timingSafeEqual } from 'node:crypto';
import {
  concat,
  Doi,
  dpdNotify,
  encodePayloads,
  payloadLengths,
  type DeletePayload,
  type NotificationPayload,
  type Payload,
} from '../wire/index.js';
import { NotifyType, PayloadType, ProtocolId } from './constants.js';
import type { IkeSa } from './ikeSa.js';
import { informationalHash } from './keys.js';
import { decodeBody } from './message.js';
import { spiBytes } from './ipsecTransforms.js';

export function cookiesSpi(sa: IkeSa): Uint8Array {
  return concat(sa.ckyI, sa.ckyR);
}

export function notifyPayload(
  notifyType: number,
  protocol: number,
  spi: Uint8Array,
  data: Uint8Array = new Uint8Array(0),
): NotificationPayload {
  return { type: PayloadType.N, doi: Doi.IPSEC, protocolId: protocol, notifyType, spi, data };
}

export function deleteIsakmpPayload(sa: IkeSa): DeletePayload {
  return {
    type: PayloadType.D,
    doi: Doi.IPSEC,
    protocolId: ProtocolId.ISAKMP,
    spiSize: 16,
    spis: [cookiesSpi(sa)],
  };
}

export function deleteIpsecPayload(protocol: 'esp' | 'ah', spis: readonly number[]): DeletePayload {
  return {
    type: PayloadType.D,
    doi: Doi.IPSEC,
    protocolId: protocol === 'ah' ? ProtocolId.AH : ProtocolId.ESP,
    spiSize: 4,
    spis: spis.map(spiBytes),
  };
}

export function dpdPayload(sa: IkeSa, ack: boolean, sequence: number): NotificationPayload {
  return dpdNotify(ack ? NotifyType.R_U_THERE_ACK : NotifyType.R_U_THERE, sa.ckyI, sa.ckyR, sequence >>> 0);
}

/** [HASH(1), ...payloads] with HASH(1) = prf(SKEYID_a, M-ID | payloads). */
export function protect(sa: IkeSa, messageId: number, payloads: readonly Payload[]): Payload[] {
  if (!sa.keys) return [...payloads];
  const h = informationalHash(sa.hash, sa.keys.a, messageId, encodePayloads(payloads).bytes);
  return [{ type: PayloadType.HASH, data: h }, ...payloads];
}

/** Verifies HASH(1) of a decrypted informational; returns the payloads it covers. */
export function verifyProtected(
  sa: IkeSa,
  messageId: number,
  firstPayload: number,
  plain: Uint8Array,
): Payload[] | undefined {
  if (!sa.keys) return undefined;
  // HASH(1) is checked before any body is decoded (RFC 2409 §5.7: it covers the bytes after it).
  const { types, lengths, trailing } = payloadLengths(firstPayload, plain);
  const hashEnd = lengths[0] ?? 0;
  if (types[0] !== PayloadType.HASH) return undefined;
  const got = plain.subarray(4, hashEnd);
  const rest = plain.subarray(hashEnd, plain.length - trailing.length);
  const want = informationalHash(sa.hash, sa.keys.a, messageId, rest);
  if (want.length !== got.length || !timingSafeEqual(want, got)) return undefined;
  return decodeBody(firstPayload, plain).payloads.slice(1);
}
