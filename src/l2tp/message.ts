// RFC 2661 §3.1 L2TP header:
//
//   0                   1                   2                   3
//   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  |T|L|x|x|S|x|O|P|x|x|x|x|  Ver  |          Length (opt)         |
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  |           Tunnel ID           |           Session ID          |
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  |             Ns (opt)          |             Nr (opt)          |
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  |      Offset Size (opt)        |    Offset pad... (opt)
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// Control messages (T=1) must have L and S set, O and P clear; the first AVP is the Message
// Type, and a control message without AVPs is a ZLB acknowledgement (§5.8).

import { DecodeError, EncodeError } from '../wire/errors.js';
import { Reader } from '../wire/reader.js';
import { Writer } from '../wire/writer.js';
import { type Avp, avpNumber, decodeAvp, encodeAvp, u16Avp } from './avp.js';
import { AvpType } from './constants.js';

const T = 0x8000;
const L = 0x4000;
const S = 0x0800;
const O = 0x0200;
const P = 0x0100;
const VERSION = 2;

export interface ControlMessage {
  readonly kind: 'control';
  readonly tunnelId: number;
  readonly sessionId: number;
  readonly ns: number;
  readonly nr: number;
  /** Undefined for a ZLB. */
  readonly messageType: number | undefined;
  /** The AVPs after the Message Type AVP. */
  readonly avps: readonly Avp[];
}

export interface DataMessage {
  readonly kind: 'data';
  readonly tunnelId: number;
  readonly sessionId: number;
  /** Present when the S bit was set (§5.4, data sequencing). */
  readonly ns?: number;
  readonly nr?: number;
  /** Priority bit (§3.1): queue ahead of other data (LCP keepalives). */
  readonly priority: boolean;
  /** The PPP frame. */
  readonly payload: Uint8Array;
}

export type L2tpMessage = ControlMessage | DataMessage;

export function decodeL2tp(bytes: Uint8Array): L2tpMessage {
  const r = new Reader(bytes);
  const flags = r.u16('L2TP flags');
  const version = flags & 0x0f;
  if (version !== VERSION) throw new DecodeError(`L2TP version ${version}, expected 2`, 0);
  const control = (flags & T) !== 0;
  let length = bytes.length;
  if ((flags & L) !== 0) {
    length = r.u16('L2TP length');
    if (length > bytes.length || length < (control ? 12 : 8))
      throw new DecodeError(`L2TP length ${length} does not fit ${bytes.length} bytes`, 2);
  } else if (control) {
    throw new DecodeError('L2TP control message without the L bit', 0);
  }
  const tunnelId = r.u16('tunnel ID');
  const sessionId = r.u16('session ID');
  if (control) {
    if ((flags & S) === 0 || (flags & (O | P)) !== 0)
      throw new DecodeError('L2TP control message needs S set and O, P clear (RFC 2661 §3.1)', 0);
    const ns = r.u16('Ns');
    const nr = r.u16('Nr');
    const body = new Reader(bytes.subarray(r.offset, length), r.offset);
    const avps: Avp[] = [];
    while (body.remaining > 0) avps.push(decodeAvp(body));
    let messageType: number | undefined;
    if (avps.length > 0) {
      const first = avps[0]!;
      if (first.vendorId !== 0 || first.type !== AvpType.MessageType || first.hidden)
        throw new DecodeError('the first AVP is not a visible Message Type (RFC 2661 §4.1)', 12);
      messageType = avpNumber(first, 2);
    }
    return { kind: 'control', tunnelId, sessionId, ns, nr, messageType, avps: avps.slice(1) };
  }
  let ns: number | undefined;
  let nr: number | undefined;
  if ((flags & S) !== 0) {
    ns = r.u16('Ns');
    nr = r.u16('Nr');
  }
  if ((flags & O) !== 0) {
    const offsetSize = r.u16('offset size');
    r.bytesCopy(offsetSize, 'offset pad');
  }
  if (r.offset > length) throw new DecodeError('L2TP header longer than its length', r.offset);
  return {
    kind: 'data',
    tunnelId,
    sessionId,
    ...(ns !== undefined ? { ns, nr } : {}),
    priority: (flags & P) !== 0,
    payload: bytes.slice(r.offset, length),
  };
}

export function encodeControl(m: Omit<ControlMessage, 'kind'>): Uint8Array {
  const w = new Writer();
  w.u16(T | L | S | VERSION);
  w.u16(0);
  w.u16(m.tunnelId);
  w.u16(m.sessionId);
  w.u16(m.ns);
  w.u16(m.nr);
  const avps = m.messageType === undefined ? [] : [u16Avp(AvpType.MessageType, m.messageType), ...m.avps];
  if (m.messageType === undefined && m.avps.length > 0) throw new EncodeError('a ZLB carries no AVPs');
  for (const a of avps) encodeAvp(w, a);
  w.patchU16(2, w.length);
  return w.finish();
}

/** A data message as Windows and xl2tpd send them: L set, no sequencing, no offset. */
export function encodeData(m: Omit<DataMessage, 'kind'>): Uint8Array {
  const w = new Writer();
  const sequenced = m.ns !== undefined && m.nr !== undefined;
  w.u16(L | (sequenced ? S : 0) | (m.priority ? P : 0) | VERSION);
  w.u16(0);
  w.u16(m.tunnelId);
  w.u16(m.sessionId);
  if (sequenced) {
    w.u16(m.ns);
    w.u16(m.nr);
  }
  w.bytes(m.payload);
  w.patchU16(2, w.length);
  return w.finish();
}
