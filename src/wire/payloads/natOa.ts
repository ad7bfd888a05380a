// NAT Original Address payload, RFC 3947 §5.2 (21; 131 in draft-ietf-ipsec-nat-t-ike-02/03).
//                      1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// ! Next Payload  !   RESERVED    !         Payload Length        !
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// !    ID Type    !   RESERVED    !            RESERVED           !
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// !         IPv4 (4 octets) or IPv6 address (16 octets)           !
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// ID Type is ID_IPV4_ADDR (1) or ID_IPV6_ADDR (5).

import { formatIpv4, formatIpv6, parseIpv4, parseIpv6 } from '../address.js';
import { IdType } from '../constants/ipsecDoi.js';
import { NotifyType } from '../constants/notify.js';
import { DecodeError } from '../errors.js';
import type { Reader } from '../reader.js';
import type { Writer } from '../writer.js';
import type { PayloadBase } from './base.js';

export interface NatOaPayload extends PayloadBase {
  readonly type: 21 | 131;
  /** IPv4 dotted quad or RFC 5952 IPv6 text; the ID type follows from it. */
  readonly address: string;
  /** The three RESERVED octets as a 24-bit number, present only when non-zero. */
  readonly reserved2?: number;
}

export function decodeNatOa<T extends 21 | 131>(type: T, r: Reader): NatOaPayload & { type: T } {
  const idAt = r.offset;
  const idType = r.u8('NAT-OA ID type');
  const reserved2 = (r.u8() << 16) | r.u16();
  const lengthAt = r.offset;
  let address: string;
  if (idType === IdType.IPV4_ADDR) {
    if (r.remaining !== 4) throw new DecodeError(`NAT-OA IPv4 address of ${r.remaining} bytes`, lengthAt);
    address = formatIpv4(r.bytesCopy(4));
  } else if (idType === IdType.IPV6_ADDR) {
    if (r.remaining !== 16) throw new DecodeError(`NAT-OA IPv6 address of ${r.remaining} bytes`, lengthAt);
    address = formatIpv6(r.bytesCopy(16));
  } else {
    throw new DecodeError(
      `NAT-OA ID type ${idType} is not IPv4 or IPv6`,
      idAt,
      NotifyType.INVALID_ID_INFORMATION,
    );
  }
  return { type, address, ...(reserved2 ? { reserved2 } : {}) };
}

export function encodeNatOa(w: Writer, p: NatOaPayload): void {
  const v6 = p.address.includes(':');
  const reserved2 = p.reserved2 ?? 0;
  w.u8(v6 ? IdType.IPV6_ADDR : IdType.IPV4_ADDR)
    .u8((reserved2 >>> 16) & 0xff)
    .u16(reserved2 & 0xffff)
    .bytes(v6 ? parseIpv6(p.address) : parseIpv4(p.address));
}
