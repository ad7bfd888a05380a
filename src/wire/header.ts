// ISAKMP header, RFC 2408 §3.1.
//                      1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// !                          Initiator                            !
// !                            Cookie                             !
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// !                          Responder                            !
// !                            Cookie                             !
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// !  Next Payload ! MjVer ! MnVer ! Exchange Type !     Flags     !
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// !                          Message ID                           !
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// !                            Length                             !
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// Flags: E (encryption) 0x01, C (commit) 0x02, A (authentication only) 0x04.

import { DecodeError, EncodeError } from './errors.js';
import type { Reader } from './reader.js';
import type { Writer } from './writer.js';

export const HEADER_LENGTH = 28;

export const Flag = { ENCRYPTION: 0x01, COMMIT: 0x02, AUTHENTICATION_ONLY: 0x04 } as const;

export interface IsakmpFlags {
  readonly encryption: boolean;
  readonly commit: boolean;
  readonly authenticationOnly: boolean;
  /** Flag bits 3-7 (RFC 2408: must be zero), present only when a peer set them. */
  readonly reserved?: number;
}

export interface IsakmpHeader {
  readonly initiatorCookie: Uint8Array;
  readonly responderCookie: Uint8Array;
  readonly nextPayload: number;
  readonly majorVersion: number;
  readonly minorVersion: number;
  readonly exchangeType: number;
  readonly flags: IsakmpFlags;
  readonly messageId: number;
  readonly length: number;
}

/** What a caller supplies to encode: next payload, version and length are filled in. */
export type IsakmpHeaderInit = Omit<
  IsakmpHeader,
  'nextPayload' | 'majorVersion' | 'minorVersion' | 'length'
> & {
  readonly nextPayload?: number;
  readonly majorVersion?: number;
  readonly minorVersion?: number;
  readonly length?: number;
};

export function decodeHeader(r: Reader): IsakmpHeader {
  if (r.remaining < HEADER_LENGTH) {
    throw new DecodeError(
      `truncated ISAKMP header: ${r.remaining} of ${HEADER_LENGTH} bytes`,
      r.offset + r.remaining,
    );
  }
  const initiatorCookie = r.bytesCopy(8);
  const responderCookie = r.bytesCopy(8);
  const nextPayload = r.u8();
  const version = r.u8();
  const exchangeType = r.u8();
  const flagByte = r.u8();
  const messageId = r.u32();
  const length = r.u32();
  const reserved = flagByte & 0xf8;
  return {
    initiatorCookie,
    responderCookie,
    nextPayload,
    majorVersion: version >>> 4,
    minorVersion: version & 0x0f,
    exchangeType,
    flags: {
      encryption: (flagByte & Flag.ENCRYPTION) !== 0,
      commit: (flagByte & Flag.COMMIT) !== 0,
      authenticationOnly: (flagByte & Flag.AUTHENTICATION_ONLY) !== 0,
      ...(reserved ? { reserved } : {}),
    },
    messageId,
    length,
  };
}

export function encodeHeader(w: Writer, h: IsakmpHeaderInit, nextPayload: number, length: number): void {
  const major = h.majorVersion ?? 1;
  const minor = h.minorVersion ?? 0;
  if (!(major >= 0 && major <= 15 && minor >= 0 && minor <= 15)) {
    throw new EncodeError(`ISAKMP version ${major}.${minor} does not fit two 4-bit fields`);
  }
  const flags =
    (h.flags.encryption ? Flag.ENCRYPTION : 0) |
    (h.flags.commit ? Flag.COMMIT : 0) |
    (h.flags.authenticationOnly ? Flag.AUTHENTICATION_ONLY : 0) |
    ((h.flags.reserved ?? 0) & 0xf8);
  w.bytes(cookie(h.initiatorCookie))
    .bytes(cookie(h.responderCookie))
    .u8(nextPayload)
    .u8((major << 4) | minor)
    .u8(h.exchangeType)
    .u8(flags)
    .u32(h.messageId)
    .u32(length);
}

function cookie(c: Uint8Array): Uint8Array {
  if (c.length !== 8) throw new EncodeError(`ISAKMP cookie must be 8 bytes, got ${c.length}`);
  return c;
}
