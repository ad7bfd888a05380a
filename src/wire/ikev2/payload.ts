// The IKEv2 payloads as one discriminated union (by `type`, the payload type number), and
// the dispatch from a generic header's type to its decoder and encoder.

import { EncodeError } from '../errors.js';
import type { Reader } from '../reader.js';
import type { Writer } from '../writer.js';
import { type AuthenticationPayload, decodeAuthentication, encodeAuthentication } from './authentication.js';
import { PayloadType } from './constants.js';
import { type DeletePayload, decodeDelete, encodeDelete } from './delete.js';
import type { EncryptedPayload } from './encrypted.js';
import { decodeIdentification, encodeIdentification, type IdentificationPayload } from './identification.js';
import { decodeKeyExchange, encodeKeyExchange, type KeyExchangePayload } from './keyExchange.js';
import { decodeNotify, encodeNotify, type NotifyPayload } from './notify.js';
import {
  decodeNonce,
  decodeVendorId,
  encodeNonce,
  encodeVendorId,
  type NoncePayload,
  type VendorIdPayload,
} from './opaque.js';
import {
  decodeSecurityAssociation,
  encodeSecurityAssociation,
  type SecurityAssociationPayload,
} from './securityAssociation.js';
import {
  decodeTrafficSelectors,
  encodeTrafficSelectors,
  type TrafficSelectorPayload,
} from './trafficSelector.js';

/** CERT, CERTREQ, CP and EAP: carried as their body bytes until a task reads them. */
export interface RawIkev2Payload {
  readonly type: 37 | 38 | 47 | 48;
  readonly body: Uint8Array;
}

/** A payload type we do not know; §2.5: refused with UNSUPPORTED_CRITICAL_PAYLOAD when critical. */
export interface UnknownIkev2Payload {
  readonly type: 'unknown';
  readonly payloadType: number;
  readonly critical: boolean;
  readonly body: Uint8Array;
}

export type Ikev2Payload =
  | SecurityAssociationPayload
  | KeyExchangePayload
  | IdentificationPayload
  | AuthenticationPayload
  | NoncePayload
  | NotifyPayload
  | DeletePayload
  | VendorIdPayload
  | TrafficSelectorPayload
  | EncryptedPayload
  | RawIkev2Payload
  | UnknownIkev2Payload;

export type Ikev2PayloadOf<T extends Ikev2Payload['type']> = Extract<Ikev2Payload, { type: T }>;

export function ikev2PayloadTypeOf(p: Ikev2Payload): number {
  return p.type === 'unknown' ? p.payloadType : p.type;
}

/** Decodes a body of a known type (not SK, which the chain reads itself); others are unknown. */
export function decodeIkev2Body(type: number, critical: boolean, r: Reader): Ikev2Payload {
  switch (type) {
    case PayloadType.SA:
      return decodeSecurityAssociation(r);
    case PayloadType.KE:
      return decodeKeyExchange(r);
    case PayloadType.IDi:
    case PayloadType.IDr:
      return decodeIdentification(type, r);
    case PayloadType.AUTH:
      return decodeAuthentication(r);
    case PayloadType.NONCE:
      return decodeNonce(r);
    case PayloadType.NOTIFY:
      return decodeNotify(r);
    case PayloadType.DELETE:
      return decodeDelete(r);
    case PayloadType.VENDOR_ID:
      return decodeVendorId(r);
    case PayloadType.TSi:
    case PayloadType.TSr:
      return decodeTrafficSelectors(type, r);
    case PayloadType.CERT:
    case PayloadType.CERTREQ:
    case PayloadType.CP:
    case PayloadType.EAP:
      return { type, body: r.rest() };
    default:
      return { type: 'unknown', payloadType: type, critical, body: r.rest() };
  }
}

export function encodeIkev2Body(w: Writer, p: Ikev2Payload): void {
  switch (p.type) {
    case 33:
      return encodeSecurityAssociation(w, p);
    case 34:
      return encodeKeyExchange(w, p);
    case 35:
    case 36:
      return encodeIdentification(w, p);
    case 39:
      return encodeAuthentication(w, p);
    case 40:
      return encodeNonce(w, p);
    case 41:
      return encodeNotify(w, p);
    case 42:
      return encodeDelete(w, p);
    case 43:
      return encodeVendorId(w, p);
    case 44:
    case 45:
      return encodeTrafficSelectors(w, p);
    case 46:
      throw new EncodeError('the SK payload is written by the message encoder');
    case 37:
    case 38:
    case 47:
    case 48:
    case 'unknown':
      w.bytes(p.body);
      return;
  }
}

export function findIkev2<T extends Ikev2Payload['type']>(
  payloads: readonly Ikev2Payload[],
  type: T,
): Ikev2PayloadOf<T> | undefined {
  return payloads.find((p): p is Ikev2PayloadOf<T> => p.type === type);
}

export function ikev2PayloadsOf<T extends Ikev2Payload['type']>(
  payloads: readonly Ikev2Payload[],
  type: T,
): Ikev2PayloadOf<T>[] {
  return payloads.filter((p): p is Ikev2PayloadOf<T> => p.type === type);
}

/** The notifies of a message by type. */
export function findNotify(payloads: readonly Ikev2Payload[], notifyType: number): NotifyPayload | undefined {
  return payloads.find((p): p is NotifyPayload => p.type === 41 && p.notifyType === notifyType);
}
