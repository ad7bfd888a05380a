// Notify payload, RFC 7296 §3.10.
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// | Next Payload  |C|  RESERVED   |         Payload Length        |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |  Protocol ID  |   SPI Size    |      Notify Message Type      |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// ~                Security Parameter Index (SPI)                 ~
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// ~                       Notification Data                       ~
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+

import type { Reader } from '../reader.js';
import type { Writer } from '../writer.js';

export interface NotifyPayload {
  readonly type: 41;
  /** 0 when no SA is concerned (§3.10: e.g. COOKIE, NAT detection). */
  readonly protocolId: number;
  readonly spi: Uint8Array;
  readonly notifyType: number;
  readonly data: Uint8Array;
}

export function notify(
  notifyType: number,
  data: Uint8Array = new Uint8Array(0),
  protocolId = 0,
  spi = new Uint8Array(0),
): NotifyPayload {
  return { type: 41, protocolId, spi, notifyType, data };
}

export function decodeNotify(r: Reader): NotifyPayload {
  const protocolId = r.u8('notify protocol ID');
  const spiSize = r.u8('notify SPI size');
  const notifyType = r.u16('notify message type');
  const spi = r.bytesCopy(spiSize, 'notify SPI');
  return { type: 41, protocolId, spi, notifyType, data: r.rest() };
}

export function encodeNotify(w: Writer, p: NotifyPayload): void {
  w.u8(p.protocolId).u8(p.spi.length).u16(p.notifyType).bytes(p.spi).bytes(p.data);
}
