// Informational exchange payloads (RFC 2408 §4.8, RFC 2409 §5.7): HASH(1) | N or D once
// phase 1 is up; plain N before it (then the notify is unauthenticated and never tears down
// authenticated state). DPD R-U-THERE / ACK (RFC 3706 §5) ride on the same exchange.

import { timingSafeEqual } from 'node:crypto';
import {
  be32,
  decodePayloads,
  encodeDelete,
  encodeNotify,
  encodePayloads,
  readU32,
  type RawPayload,
} from './codec.js';
import { Doi } from '../wire/index.js';
import { NotifyType, PayloadType, ProtocolId } from './constants.js';
import type { IkeSa } from './ikeSa.js';
import { informationalHash } from './keys.js';
import { spiBytes } from './ipsecTransforms.js';

export function cookiesSpi(sa: IkeSa): Uint8Array {
  return new Uint8Array([...sa.ckyI, ...sa.ckyR]);
}

export function notifyPayload(
  notifyType: number,
  protocol: number,
  spi: Uint8Array,
  data: Uint8Array = new Uint8Array(0),
): RawPayload {
  return { type: PayloadType.N, body: encodeNotify({ doi: Doi.IPSEC, protocol, notifyType, spi, data }) };
}

export function deleteIsakmpPayload(sa: IkeSa): RawPayload {
  return {
    type: PayloadType.D,
    body: encodeDelete({ doi: Doi.IPSEC, protocol: ProtocolId.ISAKMP, spis: [cookiesSpi(sa)] }),
  };
}

export function deleteIpsecPayload(protocol: 'esp' | 'ah', spis: readonly number[]): RawPayload {
  return {
    type: PayloadType.D,
    body: encodeDelete({
      doi: Doi.IPSEC,
      protocol: protocol === 'ah' ? ProtocolId.AH : ProtocolId.ESP,
      spis: spis.map(spiBytes),
    }),
  };
}

export function dpdPayload(sa: IkeSa, ack: boolean, sequence: number): RawPayload {
  return notifyPayload(
    ack ? NotifyType.R_U_THERE_ACK : NotifyType.R_U_THERE,
    ProtocolId.ISAKMP,
    cookiesSpi(sa),
    be32(sequence),
  );
}

/** [HASH(1), ...payloads] with HASH(1) = prf(SKEYID_a, M-ID | payloads). */
export function protect(sa: IkeSa, messageId: number, payloads: readonly RawPayload[]): RawPayload[] {
  if (!sa.keys) return [...payloads];
  const h = informationalHash(sa.hash, sa.keys.a, messageId, encodePayloads(payloads));
  return [{ type: PayloadType.HASH, body: h }, ...payloads];
}

/** Verifies HASH(1) of a decrypted informational; returns the payloads it covers. */
export function verifyProtected(
  sa: IkeSa,
  messageId: number,
  firstPayload: number,
  plain: Uint8Array,
): RawPayload[] | undefined {
  if (!sa.keys) return undefined;
  const { payloads, trailing } = decodePayloads(firstPayload, plain);
  const first = payloads[0];
  if (!first || first.type !== PayloadType.HASH) return undefined;
  const rest = plain.subarray(4 + first.body.length, plain.length - trailing.length);
  const want = informationalHash(sa.hash, sa.keys.a, messageId, rest);
  if (want.length !== first.body.length || !timingSafeEqual(want, first.body)) return undefined;
  return payloads.slice(1);
}

export function dpdSequence(data: Uint8Array): number {
  return data.length >= 4 ? readU32(data, 0) : 0;
}
