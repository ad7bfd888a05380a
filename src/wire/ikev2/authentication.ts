// Authentication payload, RFC 7296 §3.8.
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// | Next Payload  |C|  RESERVED   |         Payload Length        |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// | Auth Method   |                RESERVED                       |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// ~                      Authentication Data                      ~
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+

import type { Reader } from '../reader.js';
import type { Writer } from '../writer.js';

export interface AuthenticationPayload {
  readonly type: 39;
  readonly method: number;
  readonly data: Uint8Array;
}

export function decodeAuthentication(r: Reader): AuthenticationPayload {
  const method = r.u8('auth method');
  r.bytesCopy(3, 'AUTH reserved');
  return { type: 39, method, data: r.rest() };
}

export function encodeAuthentication(w: Writer, p: AuthenticationPayload): void {
  w.u8(p.method).u8(0).u16(0).bytes(p.data);
}
