// Payloads whose body is one opaque value: Nonce (RFC 7296 §3.9, 16 to 256 octets) and
// Vendor ID (§3.12).
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// | Next Payload  |C|  RESERVED   |         Payload Length        |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// ~                    Nonce Data / Vendor ID                     ~
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+

import { DecodeError } from '../errors.js';
import type { Reader } from '../reader.js';
import type { Writer } from '../writer.js';

export const MIN_NONCE_LENGTH = 16;
export const MAX_NONCE_LENGTH = 256;

export interface NoncePayload {
  readonly type: 40;
  readonly nonce: Uint8Array;
}

export interface VendorIdPayload {
  readonly type: 43;
  readonly vendorId: Uint8Array;
}

export function decodeNonce(r: Reader): NoncePayload {
  const at = r.offset;
  const nonce = r.rest();
  if (nonce.length < MIN_NONCE_LENGTH || nonce.length > MAX_NONCE_LENGTH) {
    throw new DecodeError(`nonce of ${nonce.length} octets (RFC 7296 §3.9: 16 to 256)`, at);
  }
  return { type: 40, nonce };
}

export function encodeNonce(w: Writer, p: NoncePayload): void {
  w.bytes(p.nonce);
}

export function decodeVendorId(r: Reader): VendorIdPayload {
  return { type: 43, vendorId: r.rest() };
}

export function encodeVendorId(w: Writer, p: VendorIdPayload): void {
  w.bytes(p.vendorId);
}
