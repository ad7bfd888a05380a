// AH, RFC 4302 §2 (format) and §3.3.3 (ICV computation).
//
//    0                   1                   2                   3
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   | Next Header   |  Payload Len  |          RESERVED             |
//   |                 Security Parameters Index (SPI)               |
//   |                    Sequence Number Field                      |
//   |                Integrity Check Value-ICV (variable)           |
//
// AH is inserted right after the IP header (IPv4 with its options; IPv6 after the fixed
// header and any hop-by-hop options): the same operation serves transport mode (the original
// packet), tunnel mode (a new outer header in front of the inner packet) and an AH+ESP bundle
// (the ESP packet with its outer header), RFC 4301 §4.5.

import { createHmac, timingSafeEqual } from 'node:crypto';
import { setIpv4Checksum } from '../packet/ipv4.js';
import { IPPROTO_HOPOPTS, IPPROTO_DSTOPTS } from '../packet/ipv6.js';
import { PacketError } from '../packet/errors.js';
import type { IntegrityContext } from './transform.js';
import { readU32 } from './esp.js';

export const IPPROTO_AH = 51;
export const AH_FIXED_LENGTH = 12;

const TWO32 = 0x1_0000_0000;

/** AH length: 12 + ICV, padded to 32 bits (IPv4) or 64 bits (IPv6), RFC 4302 §3.3.3.2.1. */
export function ahLength(icvLength: number, family: 4 | 6): number {
  const align = family === 6 ? 8 : 4;
  return Math.ceil((AH_FIXED_LENGTH + icvLength) / align) * align;
}

// RFC 4302 Appendix A1: IPv4 options included in the ICV; all others are zeroed as a unit.
const IMMUTABLE_IPV4_OPTIONS = new Set([0, 1, 130, 133, 134, 148, 149]);
const LSRR = 131;
const SSRR = 137;

/** A copy of an IPv4 header with the mutable fields zeroed (RFC 4302 §3.3.3.1.1). */
export function ipv4HeaderForIcv(header: Uint8Array): Uint8Array {
  const h = Uint8Array.from(header);
  h[1] = 0; // TOS (DSCP, ECN)
  h[6] = 0; // flags, fragment offset
  h[7] = 0;
  h[8] = 0; // TTL
  h[10] = 0; // header checksum
  h[11] = 0;
  let i = 20;
  while (i < h.length) {
    const type = h[i]!;
    if (type === 0) break;
    if (type === 1) {
      i++;
      continue;
    }
    const len = h[i + 1] ?? 0;
    if (len < 2 || i + len > h.length) throw new PacketError('malformed IPv4 option', i);
    if ((type === LSRR || type === SSRR) && len >= 7) {
      // §3.3.3.1.1.1: the destination is "mutable but predictable": use the final one
      const last = i + len - 4;
      const pointer = h[i + 2]!;
      if (pointer <= len) h.set(header.subarray(last, last + 4), 16);
    }
    if (!IMMUTABLE_IPV4_OPTIONS.has(type)) h.fill(0, i, i + len);
    i += len;
  }
  return h;
}

/** A copy of the IPv6 header (and hop-by-hop/destination options before AH) with the
 * mutable fields zeroed (RFC 4302 §3.3.3.1.2): traffic class, flow label, hop limit, and the
 * data of options whose type has the "may change en route" bit (RFC 8200 §4.2). */
export function ipv6HeaderForIcv(header: Uint8Array): Uint8Array {
  const h = Uint8Array.from(header);
  h[0] = 0x60;
  h[1] = 0;
  h[2] = 0;
  h[3] = 0;
  h[7] = 0;
  let nh = header[6]!;
  let at = 40;
  while (at < h.length && (nh === IPPROTO_HOPOPTS || nh === IPPROTO_DSTOPTS)) {
    const end = at + (h[at + 1]! + 1) * 8;
    let o = at + 2;
    while (o < end) {
      const t = h[o]!;
      if (t === 0) {
        o++;
        continue;
      }
      const l = h[o + 1] ?? 0;
      if (t & 0x20) h.fill(0, o + 2, o + 2 + l);
      o += 2 + l;
    }
    nh = h[at]!;
    at = end;
  }
  return h;
}

/** Where AH goes: after the IPv4 header, or after the IPv6 fixed + hop-by-hop header. */
function ipHeaderEnd(packet: Uint8Array): { end: number; nextHeaderAt: number; family: 4 | 6 } {
  const version = packet[0]! >> 4;
  if (version === 4) return { end: (packet[0]! & 0x0f) * 4, nextHeaderAt: 9, family: 4 };
  let at = 40;
  let nhAt = 6;
  if (packet[6] === IPPROTO_HOPOPTS) {
    if (packet.length < 48) throw new PacketError('truncated hop-by-hop header', 40);
    nhAt = 40;
    at = 40 + (packet[41]! + 1) * 8;
  }
  return { end: at, nextHeaderAt: nhAt, family: 6 };
}

function setLength(packet: Uint8Array, family: 4 | 6): void {
  if (family === 4) {
    packet[2] = packet.length >> 8;
    packet[3] = packet.length & 0xff;
    setIpv4Checksum(packet);
  } else {
    const pl = packet.length - 40;
    packet[4] = pl >> 8;
    packet[5] = pl & 0xff;
  }
}

function icv(
  i: IntegrityContext,
  headerForIcv: Uint8Array,
  ah: Uint8Array,
  rest: Uint8Array,
  esn: boolean,
  seq: number,
): Buffer {
  const h = createHmac(i.hash!, i.key!);
  h.update(headerForIcv);
  h.update(ah);
  h.update(rest);
  if (esn) {
    // RFC 4302 §3.3.3.3: the ESN high-order bits are appended after the packet
    const hi = Math.floor(seq / TWO32);
    h.update(Uint8Array.of((hi >>> 24) & 0xff, (hi >>> 16) & 0xff, (hi >>> 8) & 0xff, hi & 0xff));
  }
  return h.digest();
}

/** Inserts AH into an IPv4/IPv6 packet and returns the new packet. */
export function ahProtect(
  i: IntegrityContext,
  spi: number,
  seq: number,
  esn: boolean,
  packet: Uint8Array,
): Uint8Array {
  const { end, nextHeaderAt, family } = ipHeaderEnd(packet);
  const len = ahLength(i.icvLength, family);
  const out = new Uint8Array(packet.length + len);
  out.set(packet.subarray(0, end), 0);
  out.set(packet.subarray(end), end + len);
  const ah = out.subarray(end, end + len);
  ah[0] = packet[nextHeaderAt]!;
  ah[1] = len / 4 - 2; // §2.2: length in 32-bit words minus 2
  const low = seq % TWO32;
  ah[4] = (spi >>> 24) & 0xff;
  ah[5] = (spi >>> 16) & 0xff;
  ah[6] = (spi >>> 8) & 0xff;
  ah[7] = spi & 0xff;
  ah[8] = (low >>> 24) & 0xff;
  ah[9] = (low >>> 16) & 0xff;
  ah[10] = (low >>> 8) & 0xff;
  ah[11] = low & 0xff;
  out[nextHeaderAt] = IPPROTO_AH;
  setLength(out, family);
  const header = out.subarray(0, end);
  const zeroed = family === 4 ? ipv4HeaderForIcv(header) : ipv6HeaderForIcv(header);
  const digest = icv(i, zeroed, ah, out.subarray(end + len), esn, seq);
  ah.set(digest.subarray(0, i.icvLength), AH_FIXED_LENGTH);
  return out;
}

export interface AhHeader {
  readonly spi: number;
  readonly sequence: number;
  readonly nextHeader: number;
  /** Offset of AH in the packet and its length. */
  readonly offset: number;
  readonly length: number;
}

/** Locates AH in a packet whose IP header says protocol 51 (bounds-checked). */
export function parseAh(packet: Uint8Array): AhHeader {
  const { end, nextHeaderAt } = ipHeaderEnd(packet);
  if (packet[nextHeaderAt] !== IPPROTO_AH) throw new PacketError('no AH header here', nextHeaderAt);
  if (end + AH_FIXED_LENGTH > packet.length) throw new PacketError('truncated AH header', end);
  const length = (packet[end + 1]! + 2) * 4;
  if (length < AH_FIXED_LENGTH || end + length > packet.length)
    throw new PacketError('bad AH payload length', end + 1);
  return {
    spi: readU32(packet, end + 4),
    sequence: readU32(packet, end + 8),
    nextHeader: packet[end]!,
    offset: end,
    length,
  };
}

export type AhOpenResult =
  | { readonly ok: true; readonly packet: Uint8Array; readonly nextHeader: number }
  | { readonly ok: false; readonly reason: 'malformed' | 'integrity' };

/** Verifies the ICV (constant time) and returns the packet with AH removed. */
export function ahOpen(
  i: IntegrityContext,
  packet: Uint8Array,
  h: AhHeader,
  seq: number,
  esn: boolean,
): AhOpenResult {
  const family: 4 | 6 = packet[0]! >> 4 === 4 ? 4 : 6;
  if (h.length !== ahLength(i.icvLength, family) && h.length !== AH_FIXED_LENGTH + i.icvLength) {
    return { ok: false, reason: 'malformed' };
  }
  const header = packet.subarray(0, h.offset);
  let zeroed: Uint8Array;
  try {
    zeroed = family === 4 ? ipv4HeaderForIcv(header) : ipv6HeaderForIcv(header);
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  const ah = Uint8Array.from(packet.subarray(h.offset, h.offset + h.length));
  const received = packet.subarray(h.offset + AH_FIXED_LENGTH, h.offset + AH_FIXED_LENGTH + i.icvLength);
  ah.fill(0, AH_FIXED_LENGTH);
  const digest = icv(i, zeroed, ah, packet.subarray(h.offset + h.length), esn, seq);
  if (!timingSafeEqual(digest.subarray(0, i.icvLength), received)) return { ok: false, reason: 'integrity' };
  const out = new Uint8Array(packet.length - h.length);
  out.set(header, 0);
  out.set(packet.subarray(h.offset + h.length), h.offset);
  const nhAt = family === 4 ? 9 : packet[6] === IPPROTO_HOPOPTS && h.offset > 40 ? 40 : 6;
  out[nhAt] = h.nextHeader;
  setLength(out, family);
  return { ok: true, packet: out, nextHeader: h.nextHeader };
}
