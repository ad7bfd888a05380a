// Key Exchange payload, RFC 7296 §3.4.
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// | Next Payload  |C|  RESERVED   |         Payload Length        |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |   Diffie-Hellman Group Num    |           RESERVED            |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// ~                       Key Exchange Data                       ~
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+

import type { Reader } from '../reader.js';
import type { Writer } from '../writer.js';

export interface KeyExchangePayload {
  readonly type: 34;
  readonly group: number;
  readonly data: Uint8Array;
}

export function decodeKeyExchange(r: Reader): KeyExchangePayload {
  const group = r.u16('DH group');
  r.u16('KE reserved');
  return { type: 34, group, data: r.rest() };
}

export function encodeKeyExchange(w: Writer, p: KeyExchangePayload): void {
  w.u16(p.group).u16(0).bytes(p.data);
}
