// A private ISAKMP codec for the engine (RFC 2408 §3): header, generic payload chain and the
// payload bodies IKEv1 main/aggressive/quick/informational exchanges use. Kept inside src/ike
// because src/wire was not available when the engine was written; every decoder here is
// bounds-checked and throws only PayloadError.

import { NotifyType, PayloadType } from './constants.js';

export class PayloadError extends Error {
  constructor(
    message: string,
    readonly offset: number,
    readonly notify: number = NotifyType.PAYLOAD_MALFORMED,
  ) {
    super(message);
    this.name = 'PayloadError';
  }
}

export interface RawPayload {
  readonly type: number;
  /** The payload body after the 4-byte generic header. */
  readonly body: Uint8Array;
}

export interface Flags {
  readonly encryption: boolean;
  readonly commit: boolean;
  readonly authenticationOnly: boolean;
}

export interface Message {
  readonly initiatorCookie: Uint8Array;
  readonly responderCookie: Uint8Array;
  readonly exchangeType: number;
  readonly flags: Flags;
  readonly messageId: number;
  /** First payload type (needed to parse an encrypted body after decryption). */
  readonly nextPayload: number;
  readonly payloads: readonly RawPayload[];
  /** The opaque body when the E flag is set. */
  readonly encrypted?: Uint8Array;
}

export const HEADER_LENGTH = 28;

function u16(b: Uint8Array, o: number): number {
  return ((b[o] ?? 0) << 8) | (b[o + 1] ?? 0);
}
function u32(b: Uint8Array, o: number): number {
  return (((b[o] ?? 0) << 24) | ((b[o + 1] ?? 0) << 16) | ((b[o + 2] ?? 0) << 8) | (b[o + 3] ?? 0)) >>> 0;
}
export function be32(n: number): Uint8Array {
  return Uint8Array.of((n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255);
}
export function be16(n: number): Uint8Array {
  return Uint8Array.of((n >>> 8) & 255, n & 255);
}
export function concat(...parts: readonly Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
export function readU32(b: Uint8Array, o: number): number {
  return u32(b, o);
}

// RFC 2408 §3.1: the 28-byte header.
export function decodeMessage(bytes: Uint8Array): Message {
  if (bytes.length < HEADER_LENGTH) throw new PayloadError('message shorter than the ISAKMP header', 0);
  const version = bytes[17] ?? 0;
  if (version >> 4 !== 1)
    throw new PayloadError(`major version ${version >> 4}`, 17, NotifyType.INVALID_MAJOR_VERSION);
  const length = u32(bytes, 24);
  if (length < HEADER_LENGTH || length > bytes.length) throw new PayloadError(`header length ${length}`, 24);
  const flagsByte = bytes[19] ?? 0;
  const flags: Flags = {
    encryption: (flagsByte & 1) !== 0,
    commit: (flagsByte & 2) !== 0,
    authenticationOnly: (flagsByte & 4) !== 0,
  };
  const nextPayload = bytes[16] ?? 0;
  const body = bytes.subarray(HEADER_LENGTH, length);
  const base = {
    initiatorCookie: bytes.slice(0, 8),
    responderCookie: bytes.slice(8, 16),
    exchangeType: bytes[18] ?? 0,
    flags,
    messageId: u32(bytes, 20),
    nextPayload,
  };
  if (flags.encryption) return { ...base, payloads: [], encrypted: body.slice() };
  return { ...base, payloads: decodePayloads(nextPayload, body, HEADER_LENGTH).payloads };
}

/** Walks a generic payload chain; `trailing` is what follows the last payload (padding). */
export function decodePayloads(
  first: number,
  bytes: Uint8Array,
  baseOffset = 0,
): { payloads: RawPayload[]; trailing: Uint8Array } {
  const payloads: RawPayload[] = [];
  let type = first;
  let o = 0;
  while (type !== PayloadType.NONE) {
    if (payloads.length > 64) throw new PayloadError('too many payloads', baseOffset + o);
    if (o + 4 > bytes.length) throw new PayloadError('truncated generic payload header', baseOffset + o);
    // RFC 2408 §3.1 (+ RFC 3947): 14 is the last ISAKMP type, 20/21 are NAT-D/NAT-OA, 128-255 private use.
    if (
      (type > PayloadType.ATTR && type < 128 && type !== PayloadType.NAT_D && type !== PayloadType.NAT_OA) ||
      type > 255
    )
      throw new PayloadError(
        `reserved payload type ${type}`,
        baseOffset + o,
        NotifyType.INVALID_PAYLOAD_TYPE,
      );
    const next = bytes[o] ?? 0;
    const len = u16(bytes, o + 2);
    if (len < 4 || o + len > bytes.length)
      throw new PayloadError(`payload length ${len}`, baseOffset + o + 2);
    payloads.push({ type, body: bytes.slice(o + 4, o + len) });
    o += len;
    type = next;
  }
  return { payloads, trailing: bytes.slice(o) };
}

export function encodePayloads(payloads: readonly RawPayload[]): Uint8Array {
  const parts: Uint8Array[] = [];
  payloads.forEach((p, i) => {
    const next = payloads[i + 1]?.type ?? PayloadType.NONE;
    const hdr = Uint8Array.of(next, 0, 0, 0);
    hdr.set(be16(p.body.length + 4), 2);
    parts.push(hdr, p.body);
  });
  return concat(...parts);
}

/** Encodes a header in front of an already encoded (possibly encrypted) body. */
export function encodeHeader(h: Omit<Message, 'payloads' | 'encrypted'>, bodyLength: number): Uint8Array {
  const out = new Uint8Array(HEADER_LENGTH);
  out.set(h.initiatorCookie, 0);
  out.set(h.responderCookie, 8);
  out[16] = h.nextPayload;
  out[17] = 0x10;
  out[18] = h.exchangeType;
  out[19] = (h.flags.encryption ? 1 : 0) | (h.flags.commit ? 2 : 0) | (h.flags.authenticationOnly ? 4 : 0);
  out.set(be32(h.messageId), 20);
  out.set(be32(HEADER_LENGTH + bodyLength), 24);
  return out;
}

// ------------------------------------------------------------------ attributes (RFC 2408 §3.3)

export interface Attribute {
  readonly type: number;
  readonly value: number | Uint8Array;
}

export function decodeAttributes(bytes: Uint8Array, baseOffset: number): Attribute[] {
  const out: Attribute[] = [];
  let o = 0;
  while (o < bytes.length) {
    if (o + 4 > bytes.length) throw new PayloadError('truncated attribute', baseOffset + o);
    const t = u16(bytes, o);
    if (t & 0x8000) {
      out.push({ type: t & 0x7fff, value: u16(bytes, o + 2) });
      o += 4;
    } else {
      const len = u16(bytes, o + 2);
      if (o + 4 + len > bytes.length) throw new PayloadError('attribute value overruns', baseOffset + o);
      out.push({ type: t, value: bytes.slice(o + 4, o + 4 + len) });
      o += 4 + len;
    }
  }
  return out;
}

/** TV when the value fits 16 bits (a number), otherwise TLV with the minimal 4-byte form. */
export function encodeAttributes(attrs: readonly Attribute[]): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const a of attrs) {
    if (typeof a.value === 'number' && a.value <= 0xffff) {
      parts.push(be16(a.type | 0x8000), be16(a.value));
    } else {
      const v = typeof a.value === 'number' ? be32(a.value) : a.value;
      parts.push(be16(a.type), be16(v.length), v);
    }
  }
  return concat(...parts);
}

/** A TLV attribute value as a number (life durations arrive as 4-byte TLVs). */
export function attributeNumber(v: number | Uint8Array): number {
  if (typeof v === 'number') return v;
  if (v.length > 6) return Number.MAX_SAFE_INTEGER;
  let n = 0;
  for (const b of v) n = n * 256 + b;
  return n;
}

// ------------------------------------------------------------------ SA / proposal / transform

export interface Transform {
  readonly number: number;
  readonly id: number;
  readonly attributes: readonly Attribute[];
}
export interface Proposal {
  readonly number: number;
  readonly protocol: number;
  readonly spi: Uint8Array;
  readonly transforms: readonly Transform[];
}
export interface SaBody {
  readonly doi: number;
  readonly situation: number;
  readonly proposals: readonly Proposal[];
}

// RFC 2408 §3.4-3.6: SA = DOI | situation | proposal payloads, each with transform payloads.
export function decodeSa(body: Uint8Array): SaBody {
  if (body.length < 8) throw new PayloadError('SA payload too short', 0);
  const doi = u32(body, 0);
  const situation = u32(body, 4);
  if (doi !== 1) throw new PayloadError(`DOI ${doi}`, 0, NotifyType.DOI_NOT_SUPPORTED);
  const proposals: Proposal[] = [];
  let o = 8;
  let more = true;
  while (more) {
    if (o + 8 > body.length) throw new PayloadError('truncated proposal', o, NotifyType.BAD_PROPOSAL_SYNTAX);
    if (proposals.length > 32)
      throw new PayloadError('too many proposals', o, NotifyType.BAD_PROPOSAL_SYNTAX);
    more = body[o] === PayloadType.Proposal;
    const plen = u16(body, o + 2);
    if (plen < 8 || o + plen > body.length)
      throw new PayloadError('proposal length', o, NotifyType.BAD_PROPOSAL_SYNTAX);
    const p = body.subarray(o, o + plen);
    const spiSize = p[6] ?? 0;
    const count = p[7] ?? 0;
    if (8 + spiSize > plen)
      throw new PayloadError('SPI overruns proposal', o, NotifyType.BAD_PROPOSAL_SYNTAX);
    const transforms: Transform[] = [];
    let t = 8 + spiSize;
    for (let i = 0; i < count; i++) {
      if (t + 8 > plen) throw new PayloadError('truncated transform', o + t, NotifyType.BAD_PROPOSAL_SYNTAX);
      const tlen = u16(p, t + 2);
      if (tlen < 8 || t + tlen > plen)
        throw new PayloadError('transform length', o + t, NotifyType.BAD_PROPOSAL_SYNTAX);
      transforms.push({
        number: p[t + 4] ?? 0,
        id: p[t + 5] ?? 0,
        attributes: decodeAttributes(p.subarray(t + 8, t + tlen), o + t + 8),
      });
      t += tlen;
    }
    proposals.push({ number: p[4] ?? 0, protocol: p[5] ?? 0, spi: p.slice(8, 8 + spiSize), transforms });
    o += plen;
  }
  return { doi, situation, proposals };
}

export function encodeSa(sa: SaBody): Uint8Array {
  const props = sa.proposals.map((p, pi) => {
    const ts = p.transforms.map((t, ti) => {
      const attrs = encodeAttributes(t.attributes);
      const hdr = new Uint8Array(8);
      hdr[0] = ti + 1 < p.transforms.length ? PayloadType.Transform : 0;
      hdr.set(be16(8 + attrs.length), 2);
      hdr[4] = t.number;
      hdr[5] = t.id;
      return concat(hdr, attrs);
    });
    const body = concat(p.spi, ...ts);
    const hdr = new Uint8Array(8);
    hdr[0] = pi + 1 < sa.proposals.length ? PayloadType.Proposal : 0;
    hdr.set(be16(8 + body.length), 2);
    hdr[4] = p.number;
    hdr[5] = p.protocol;
    hdr[6] = p.spi.length;
    hdr[7] = p.transforms.length;
    return concat(hdr, body);
  });
  return concat(be32(sa.doi), be32(sa.situation), ...props);
}

// ------------------------------------------------------------------ ID (RFC 2407 §4.6.2)

export interface IdBody {
  readonly idType: number;
  readonly protocol: number;
  readonly port: number;
  readonly data: Uint8Array;
}
export function decodeId(body: Uint8Array): IdBody {
  if (body.length < 4) throw new PayloadError('ID payload too short', 0, NotifyType.INVALID_ID_INFORMATION);
  return { idType: body[0] ?? 0, protocol: body[1] ?? 0, port: u16(body, 2), data: body.slice(4) };
}
export function encodeId(id: IdBody): Uint8Array {
  return concat(Uint8Array.of(id.idType, id.protocol), be16(id.port), id.data);
}

// ------------------------------------------------------------------ notify and delete (RFC 2408 §3.14, §3.15)

export interface NotifyBody {
  readonly doi: number;
  readonly protocol: number;
  readonly notifyType: number;
  readonly spi: Uint8Array;
  readonly data: Uint8Array;
}
export function decodeNotify(body: Uint8Array): NotifyBody {
  if (body.length < 8) throw new PayloadError('N payload too short', 0);
  const spiSize = body[5] ?? 0;
  if (8 + spiSize > body.length) throw new PayloadError('N SPI overruns', 5);
  return {
    doi: u32(body, 0),
    protocol: body[4] ?? 0,
    notifyType: u16(body, 6),
    spi: body.slice(8, 8 + spiSize),
    data: body.slice(8 + spiSize),
  };
}
export function encodeNotify(n: NotifyBody): Uint8Array {
  return concat(be32(n.doi), Uint8Array.of(n.protocol, n.spi.length), be16(n.notifyType), n.spi, n.data);
}

export interface DeleteBody {
  readonly doi: number;
  readonly protocol: number;
  readonly spis: readonly Uint8Array[];
}
export function decodeDelete(body: Uint8Array): DeleteBody {
  if (body.length < 8) throw new PayloadError('D payload too short', 0);
  const spiSize = body[5] ?? 0;
  const count = u16(body, 6);
  if (8 + spiSize * count > body.length || count > 256) throw new PayloadError('D SPIs overrun', 6);
  const spis: Uint8Array[] = [];
  for (let i = 0; i < count; i++) spis.push(body.slice(8 + i * spiSize, 8 + (i + 1) * spiSize));
  return { doi: u32(body, 0), protocol: body[4] ?? 0, spis };
}
export function encodeDelete(d: DeleteBody): Uint8Array {
  const size = d.spis[0]?.length ?? 0;
  return concat(be32(d.doi), Uint8Array.of(d.protocol, size), be16(d.spis.length), ...d.spis);
}

// ------------------------------------------------------------------ NAT-OA (RFC 3947 §5.2)

export function encodeNatOa(address: string): Uint8Array {
  return concat(Uint8Array.of(1, 0, 0, 0), ipv4Bytes(address));
}
export function decodeNatOa(body: Uint8Array): string | undefined {
  if (body.length < 8 || body[0] !== 1) return undefined;
  return ipv4String(body.subarray(4, 8));
}

export function ipv4Bytes(a: string): Uint8Array {
  const parts = a.split('.').map((x) => Number(x));
  return Uint8Array.from(parts.length === 4 ? parts.map((x) => x & 255) : [0, 0, 0, 0]);
}
export function ipv4String(b: Uint8Array): string {
  return `${b[0] ?? 0}.${b[1] ?? 0}.${b[2] ?? 0}.${b[3] ?? 0}`;
}
export function ipv4Number(a: string): number {
  return readU32(ipv4Bytes(a), 0);
}
export function ipv4FromNumber(n: number): string {
  return ipv4String(be32(n >>> 0));
}
