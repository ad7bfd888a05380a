// The Payload union and per-type body dispatch. Bodies exclude the generic payload header.

import { PayloadType } from './constants/payloadType.js';
import type { Reader } from './reader.js';
import type { Writer } from './writer.js';
import { decodeAttributePayload, encodeAttributePayload, type AttributePayload } from './payloads/attr.js';
import {
  decodeCert,
  decodeCertRequest,
  encodeCert,
  encodeCertRequest,
  type CertPayload,
  type CertRequestPayload,
} from './payloads/cert.js';
import { decodeDelete, encodeDelete, type DeletePayload } from './payloads/delete.js';
import { decodeFragment, encodeFragment, type FragmentPayload } from './payloads/fragment.js';
import { decodeId, encodeId, type IdPayload } from './payloads/identification.js';
import { decodeNatOa, encodeNatOa, type NatOaPayload } from './payloads/natOa.js';
import { decodeNotification, encodeNotification, type NotificationPayload } from './payloads/notification.js';
import {
  decodeOpaque,
  encodeOpaque,
  type HashPayload,
  type KePayload,
  type NatDPayload,
  type NoncePayload,
  type SigPayload,
  type VendorIdPayload,
} from './payloads/opaque.js';
import { decodeSa, encodeSa, type SaPayload } from './payloads/sa.js';
import type { UnknownPayload } from './payloads/unknown.js';

export type Payload =
  | SaPayload
  | KePayload
  | IdPayload
  | CertPayload
  | CertRequestPayload
  | HashPayload
  | SigPayload
  | NoncePayload
  | NotificationPayload
  | DeletePayload
  | VendorIdPayload
  | AttributePayload
  | NatDPayload
  | NatOaPayload
  | FragmentPayload
  | UnknownPayload;

/** The Next Payload number that announces `p`. */
export function payloadTypeOf(p: Payload): number {
  return p.type === 'unknown' ? p.payloadType : p.type;
}

/** The payload of a known type, as a value of that type. */
export type PayloadOf<T extends Payload['type']> = Extract<Payload, { readonly type: T }>;

/** The first payload of type `type`. */
export function findPayload<T extends Payload['type']>(
  payloads: readonly Payload[],
  type: T,
): PayloadOf<T> | undefined {
  return payloads.find((p): p is PayloadOf<T> => p.type === type);
}

/** Every payload of one of `types`, in message order. */
export function payloadsOfType<T extends Payload['type']>(
  payloads: readonly Payload[],
  ...types: readonly T[]
): PayloadOf<T>[] {
  return payloads.filter((p): p is PayloadOf<T> => (types as readonly Payload['type'][]).includes(p.type));
}

/** Decodes a payload body (the bytes after its generic header). */
export function decodePayloadBody(type: number, r: Reader): Payload {
  switch (type) {
    case PayloadType.SA:
      return decodeSa(r);
    case PayloadType.KE:
    case PayloadType.HASH:
    case PayloadType.SIG:
    case PayloadType.NONCE:
    case PayloadType.VID:
    case PayloadType.NAT_D:
    case PayloadType.NAT_D_DRAFT:
      return decodeOpaque(type, r);
    case PayloadType.ID:
      return decodeId(r);
    case PayloadType.CERT:
      return decodeCert(r);
    case PayloadType.CR:
      return decodeCertRequest(r);
    case PayloadType.N:
      return decodeNotification(r);
    case PayloadType.D:
      return decodeDelete(r);
    case PayloadType.ATTR:
      return decodeAttributePayload(r);
    case PayloadType.NAT_OA:
    case PayloadType.NAT_OA_DRAFT:
      return decodeNatOa(type, r);
    case PayloadType.FRAGMENT:
      return decodeFragment(r);
    default:
      return { type: 'unknown', payloadType: type, data: r.rest() };
  }
}

export function encodePayloadBodyTo(w: Writer, p: Payload): void {
  switch (p.type) {
    case 1:
      return encodeSa(w, p);
    case 4:
    case 8:
    case 9:
    case 10:
    case 13:
    case 20:
    case 130:
      return encodeOpaque(w, p);
    case 5:
      return encodeId(w, p);
    case 6:
      return encodeCert(w, p);
    case 7:
      return encodeCertRequest(w, p);
    case 11:
      return encodeNotification(w, p);
    case 12:
      return encodeDelete(w, p);
    case 14:
      return encodeAttributePayload(w, p);
    case 21:
    case 131:
      return encodeNatOa(w, p);
    case 132:
      return encodeFragment(w, p);
    case 'unknown':
      w.bytes(p.data);
      return;
  }
}
