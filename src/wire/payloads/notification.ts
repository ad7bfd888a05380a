// Notification payload, RFC 2408 §3.14 (types: RFC 2408 §3.14.1, RFC 2407 §4.6.3, RFC 3706).
//                      1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// ! Next Payload  !   RESERVED    !         Payload Length        !
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// !              Domain of Interpretation  (DOI)                  !
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// !  Protocol-ID  !   SPI Size    !      Notify Message Type      !
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// ~                Security Parameter Index (SPI)                 ~
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// ~                       Notification Data                       ~
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// DPD (RFC 3706 §5.1): SPI = CKY-I | CKY-R (16 bytes), data = 32-bit sequence number.
// RESPONDER-LIFETIME (RFC 2407 §4.6.3.1): data = SA attributes (life type/duration).

import type { Reader } from '../reader.js';
import type { Writer } from '../writer.js';
import type { PayloadBase } from './base.js';

export interface NotificationPayload extends PayloadBase {
  readonly type: 11;
  readonly doi: number;
  readonly protocolId: number;
  readonly notifyType: number;
  readonly spi: Uint8Array;
  readonly data: Uint8Array;
}

export function decodeNotification(r: Reader): NotificationPayload {
  const doi = r.u32('notification DOI');
  const protocolId = r.u8('protocol id');
  const spiSize = r.u8('SPI size');
  const notifyType = r.u16('notify message type');
  const spi = r.bytesCopy(spiSize, 'notification SPI');
  return { type: 11, doi, protocolId, notifyType, spi, data: r.rest() };
}

export function encodeNotification(w: Writer, p: NotificationPayload): void {
  w.u32(p.doi).u8(p.protocolId).u8(p.spi.length).u16(p.notifyType).bytes(p.spi).bytes(p.data);
}
