// A PPP frame as L2TP carries it (RFC 2661 §1: HDLC framing and FCS removed, RFC 1662): the
// Address and Control fields 0xFF 0x03 (omitted when ACFC was agreed), then the Protocol
// field (RFC 1661 §2: one byte when PFC was agreed, recognisable by its odd value).

import { DecodeError } from '../wire/errors.js';

export const PppProtocol = {
  IPv4: 0x0021,
  IPCP: 0x8021,
  IPV6CP: 0x8057,
  CCP: 0x80fd,
  LCP: 0xc021,
  PAP: 0xc023,
  CHAP: 0xc223,
} as const;

export interface PppFrame {
  readonly protocol: number;
  readonly info: Uint8Array;
}

export function decodePppFrame(bytes: Uint8Array): PppFrame {
  let at = 0;
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0x03) at = 2;
  if (at >= bytes.length) throw new DecodeError('PPP frame without a protocol field', at);
  let protocol = bytes[at]!;
  if ((protocol & 1) === 0) {
    if (at + 2 > bytes.length) throw new DecodeError('truncated PPP protocol field', at);
    protocol = (protocol << 8) | bytes[at + 1]!;
    at += 2;
  } else {
    at += 1;
  }
  // §2: the low bit of the high octet is 0, of the low octet 1
  if ((protocol & 0x0101) !== 0x0001)
    throw new DecodeError(`PPP protocol 0x${protocol.toString(16)} is invalid`, at - 2);
  return { protocol, info: bytes.slice(at) };
}

/** Always with Address/Control and a two-byte protocol, valid whatever LCP agreed (RFC 1661 §6.5, 6.6). */
export function encodePppFrame(frame: PppFrame): Uint8Array {
  const out = new Uint8Array(4 + frame.info.length);
  out[0] = 0xff;
  out[1] = 0x03;
  out[2] = frame.protocol >>> 8;
  out[3] = frame.protocol & 0xff;
  out.set(frame.info, 4);
  return out;
}
