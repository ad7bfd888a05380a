// Payloads whose body is one opaque field after the generic header:
//   KE (RFC 2408 §3.7, Key Exchange Data), HASH (§3.11, Hash Data), SIG (§3.12, Signature
//   Data), NONCE (§3.13, Nonce Data), VID (§3.16, Vendor ID), NAT-D (RFC 3947 §3.2, HASH of
//   address and port; 20, or 130 in the drafts).
//                      1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// ! Next Payload  !   RESERVED    !         Payload Length        !
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// ~                      Data (variable length)                   ~
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+

import type { Reader } from '../reader.js';
import type { Writer } from '../writer.js';
import type { PayloadBase } from './base.js';

export interface KePayload extends PayloadBase {
  readonly type: 4;
  readonly data: Uint8Array;
}
export interface HashPayload extends PayloadBase {
  readonly type: 8;
  readonly data: Uint8Array;
}
export interface SigPayload extends PayloadBase {
  readonly type: 9;
  readonly data: Uint8Array;
}
export interface NoncePayload extends PayloadBase {
  readonly type: 10;
  readonly data: Uint8Array;
}
export interface VendorIdPayload extends PayloadBase {
  readonly type: 13;
  readonly data: Uint8Array;
}
export interface NatDPayload extends PayloadBase {
  /** 20 (RFC 3947) or 130 (draft-ietf-ipsec-nat-t-ike-02/03). */
  readonly type: 20 | 130;
  readonly data: Uint8Array;
}

export type OpaquePayload =
  KePayload | HashPayload | SigPayload | NoncePayload | VendorIdPayload | NatDPayload;

export function decodeOpaque<T extends OpaquePayload['type']>(
  type: T,
  r: Reader,
): { type: T; data: Uint8Array } {
  return { type, data: r.rest() };
}

export function encodeOpaque(w: Writer, p: OpaquePayload): void {
  w.bytes(p.data);
}
