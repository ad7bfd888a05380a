// Notification data of the status types the IKE engine sends and reads:
// RESPONDER-LIFETIME and REPLAY-STATUS (RFC 2407 §4.6.3.1-4.6.3.2), INITIAL-CONTACT
// (§4.6.3.3), and DPD R-U-THERE / R-U-THERE-ACK (RFC 3706 §5.1).

import { decodeAttributes, encodeAttributes, type Attribute } from './attributes.js';
import { Doi, ProtocolId } from './constants/ipsecDoi.js';
import { NotifyType } from './constants/notify.js';
import { EncodeError } from './errors.js';
import type { NotificationPayload } from './payloads/notification.js';
import { Reader } from './reader.js';
import { Writer } from './writer.js';

function isakmpSpi(initiatorCookie: Uint8Array, responderCookie: Uint8Array): Uint8Array {
  if (initiatorCookie.length !== 8 || responderCookie.length !== 8)
    throw new EncodeError('cookies are 8 bytes');
  const spi = new Uint8Array(16);
  spi.set(initiatorCookie);
  spi.set(responderCookie, 8);
  return spi;
}

/** RFC 3706 §5.1: SPI = CKY-I | CKY-R, data = 32-bit sequence number. */
export function dpdNotify(
  notifyType: typeof NotifyType.R_U_THERE | typeof NotifyType.R_U_THERE_ACK,
  initiatorCookie: Uint8Array,
  responderCookie: Uint8Array,
  sequence: number,
): NotificationPayload {
  const data = new Writer().u32(sequence).finish();
  const spi = isakmpSpi(initiatorCookie, responderCookie);
  return { type: 11, doi: Doi.IPSEC, protocolId: ProtocolId.ISAKMP, notifyType, spi, data };
}

/** The DPD sequence number, or undefined when the data is not exactly 4 bytes. */
export function dpdSequence(n: Pick<NotificationPayload, 'data'>): number | undefined {
  if (n.data.length !== 4) return undefined;
  return new Reader(n.data).u32();
}

/** RFC 2407 §4.6.3.3: INITIAL-CONTACT for the ISAKMP SA named by the cookies. */
export function initialContactNotify(
  initiatorCookie: Uint8Array,
  responderCookie: Uint8Array,
): NotificationPayload {
  const spi = isakmpSpi(initiatorCookie, responderCookie);
  return {
    type: 11,
    doi: Doi.IPSEC,
    protocolId: ProtocolId.ISAKMP,
    notifyType: NotifyType.INITIAL_CONTACT,
    spi,
    data: new Uint8Array(0),
  };
}

/** RFC 2407 §4.6.3.1: the responder's lifetime as SA attributes (life type / duration pairs). */
export function responderLifetimeNotify(
  protocolId: number,
  spi: Uint8Array,
  attributes: readonly Attribute[],
): NotificationPayload {
  const w = new Writer();
  encodeAttributes(w, attributes);
  return {
    type: 11,
    doi: Doi.IPSEC,
    protocolId,
    notifyType: NotifyType.RESPONDER_LIFETIME,
    spi,
    data: w.finish(),
  };
}

/**
 * The attributes of a RESPONDER-LIFETIME notification. Throws DecodeError; offsets count
 * from the start of the notification data.
 */
export function responderLifetimeAttributes(n: NotificationPayload): Attribute[] {
  return decodeAttributes(new Reader(n.data));
}

/** RFC 2407 §4.6.3.2: REPLAY-STATUS data is 4 bytes, non-zero when replay detection is on. */
export function replayStatus(n: NotificationPayload): boolean | undefined {
  if (n.data.length !== 4) return undefined;
  return new Reader(n.data).u32() !== 0;
}
