// Attribute payload (type 14) for the transaction exchange: draft-ietf-ipsec-isakmp-mode-cfg-05
// §3.2, used by XAUTH (draft-ietf-ipsec-isakmp-xauth-06) and mode config.
//                      1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// ! Next Payload  !   RESERVED    !         Payload Length        !
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// !     Type      !   RESERVED    !           Identifier          !
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// ~                           Attributes                          ~
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// Type: ISAKMP_CFG_REQUEST 1, REPLY 2, SET 3, ACK 4.

import { decodeAttributes, encodeAttributes, type Attribute } from '../attributes.js';
import type { Reader } from '../reader.js';
import type { Writer } from '../writer.js';
import type { PayloadBase } from './base.js';

export interface AttributePayload extends PayloadBase {
  readonly type: 14;
  readonly cfgType: number;
  readonly identifier: number;
  readonly attributes: readonly Attribute[];
  /** The RESERVED octet after Type, present only when non-zero on the wire. */
  readonly reserved2?: number;
}

export function decodeAttributePayload(r: Reader): AttributePayload {
  const cfgType = r.u8('attribute payload type');
  const reserved2 = r.u8();
  const identifier = r.u16('identifier');
  const attributes = decodeAttributes(r);
  return { type: 14, cfgType, identifier, attributes, ...(reserved2 ? { reserved2 } : {}) };
}

export function encodeAttributePayload(w: Writer, p: AttributePayload): void {
  w.u8(p.cfgType)
    .u8(p.reserved2 ?? 0)
    .u16(p.identifier);
  encodeAttributes(w, p.attributes);
}
