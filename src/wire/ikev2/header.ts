// IKEv2 header, RFC 7296 §3.1.
//                      1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |                       IKE SA Initiator's SPI                  |
// |                                                               |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |                       IKE SA Responder's SPI                  |
// |                                                               |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |  Next Payload | MjVer | MnVer | Exchange Type |     Flags     |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |                          Message ID                           |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |                            Length                             |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// Flags: |X|X|R|V|I|X|X|X| — R (response) 0x20, V (higher version) 0x10, I (initiator) 0x08.

import { DecodeError, EncodeError } from '../errors.js';
import type { Reader } from '../reader.js';
import type { Writer } from '../writer.js';

export const IKEV2_HEADER_LENGTH = 28;

export const Ikev2Flag = { RESPONSE: 0x20, VERSION: 0x10, INITIATOR: 0x08 } as const;

export interface Ikev2Header {
  readonly spiI: Uint8Array;
  readonly spiR: Uint8Array;
  readonly nextPayload: number;
  readonly majorVersion: number;
  readonly minorVersion: number;
  readonly exchangeType: number;
  /** Set by the original initiator of the IKE SA. */
  readonly initiator: boolean;
  readonly response: boolean;
  /** The sender could speak a higher major version. */
  readonly higherVersion: boolean;
  readonly messageId: number;
  readonly length: number;
}

export type Ikev2HeaderInit = Omit<
  Ikev2Header,
  'nextPayload' | 'majorVersion' | 'minorVersion' | 'length' | 'higherVersion'
> & { readonly higherVersion?: boolean };

export function decodeIkev2Header(r: Reader): Ikev2Header {
  if (r.remaining < IKEV2_HEADER_LENGTH) {
    throw new DecodeError(`truncated IKEv2 header: ${r.remaining} of ${IKEV2_HEADER_LENGTH} bytes`, r.offset);
  }
  const spiI = r.bytesCopy(8);
  const spiR = r.bytesCopy(8);
  const nextPayload = r.u8();
  const version = r.u8();
  const exchangeType = r.u8();
  const flags = r.u8();
  const messageId = r.u32();
  const length = r.u32();
  return {
    spiI,
    spiR,
    nextPayload,
    majorVersion: version >>> 4,
    minorVersion: version & 0x0f,
    exchangeType,
    initiator: (flags & Ikev2Flag.INITIATOR) !== 0,
    response: (flags & Ikev2Flag.RESPONSE) !== 0,
    higherVersion: (flags & Ikev2Flag.VERSION) !== 0,
    messageId,
    length,
  };
}

/** Writes the header with version 2.0; `length` is the whole message's. */
export function encodeIkev2Header(w: Writer, h: Ikev2HeaderInit, nextPayload: number, length: number): void {
  if (h.spiI.length !== 8 || h.spiR.length !== 8) throw new EncodeError('IKE SPIs are 8 bytes each');
  const flags =
    (h.response ? Ikev2Flag.RESPONSE : 0) |
    (h.higherVersion ? Ikev2Flag.VERSION : 0) |
    (h.initiator ? Ikev2Flag.INITIATOR : 0);
  w.bytes(h.spiI)
    .bytes(h.spiR)
    .u8(nextPayload)
    .u8(0x20)
    .u8(h.exchangeType)
    .u8(flags)
    .u32(h.messageId)
    .u32(length);
}
