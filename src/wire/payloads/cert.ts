// Certificate payload (RFC 2408 §3.9) and Certificate Request payload (§3.10): same layout.
//                      1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// ! Next Payload  !   RESERVED    !         Payload Length        !
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// ! Cert Encoding !                                               !
// +-+-+-+-+-+-+-+-+                                               !
// ~   Certificate Data  (CERT)  /  Certificate Authority (CR)     ~
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+

import type { Reader } from '../reader.js';
import type { Writer } from '../writer.js';
import type { PayloadBase } from './base.js';

export interface CertPayload extends PayloadBase {
  readonly type: 6;
  readonly encoding: number;
  readonly data: Uint8Array;
}

export interface CertRequestPayload extends PayloadBase {
  readonly type: 7;
  readonly encoding: number;
  /** DER Distinguished Name of an acceptable CA; empty means any. */
  readonly authority: Uint8Array;
}

export function decodeCert(r: Reader): CertPayload {
  const encoding = r.u8('certificate encoding');
  return { type: 6, encoding, data: r.rest() };
}

export function encodeCert(w: Writer, p: CertPayload): void {
  w.u8(p.encoding).bytes(p.data);
}

export function decodeCertRequest(r: Reader): CertRequestPayload {
  const encoding = r.u8('certificate type');
  return { type: 7, encoding, authority: r.rest() };
}

export function encodeCertRequest(w: Writer, p: CertRequestPayload): void {
  w.u8(p.encoding).bytes(p.authority);
}
