// IPv6 fragmentation (RFC 8200 §4.5) and a bounded reassembler, bounded like the IPv4 one.
// Only the source fragments IPv6 (RFC 8200 §5): the caller chooses the identification.
//
//   Fragment header:
//   |  Next Header  |   Reserved    |      Fragment Offset    |Res|M|
//   |                         Identification                        |
//
// Overlapping fragments drop the whole datagram (RFC 5722); exact duplicates are ignored
// (RFC 8200 §4.5 allows it); an atomic fragment (offset 0, M = 0) is processed on its own,
// never mixed with a datagram being reassembled (RFC 6946 §4).

import { PacketError } from './errors.js';
import {
  IPPROTO_DSTOPTS,
  IPPROTO_FRAGMENT,
  IPPROTO_HOPOPTS,
  IPPROTO_ROUTING,
  IPV6_HEADER_LENGTH,
  parseIpv6,
} from './ipv6.js';
import {
  DEFAULT_REASSEMBLY_LIMITS,
  ReassemblyTable,
  type ReassemblyLimits,
  type ReassemblyResult,
} from './reassembly.js';

export const IPV6_FRAGMENT_HEADER_LENGTH = 8;
/** RFC 8200 §5: every IPv6 link carries at least this much. */
export const IPV6_MIN_MTU = 1280;
const MAX_EXTENSION_HEADERS = 16;

/** Extension headers that may come before a Fragment header (RFC 8200 §4.1). */
function isChainHeader(nh: number): boolean {
  return nh === IPPROTO_HOPOPTS || nh === IPPROTO_ROUTING || nh === IPPROTO_DSTOPTS;
}

/** RFC 8200 §4.5 (RFC 7112): the first fragment holds the whole header chain, i.e. any
 * extension headers after the Fragment header end inside it. */
function chainFits(nextHeader: number, data: Uint8Array): boolean {
  let nh = nextHeader;
  let at = 0;
  for (let count = 0; count < MAX_EXTENSION_HEADERS && isChainHeader(nh); count++) {
    if (at + 8 > data.length) return false;
    nh = data[at]!;
    at += (data[at + 1]! + 1) * 8;
    if (at > data.length) return false;
  }
  return true;
}

/** Where the extension headers before the fragmentable part end. */
interface Unfragmentable {
  /** Length of the unfragmentable part (fixed header included). */
  readonly length: number;
  /** Offset of the Next Header byte naming the first header after it (6 = fixed header). */
  readonly nextHeaderOffset: number;
}

/** RFC 8200 §4.5: the unfragmentable part is the IPv6 header plus the headers up to and
 * including the Routing header if present, else the Hop-by-Hop header if present. A
 * Destination Options header before a Routing header belongs to it too. */
function unfragmentablePart(packet: Uint8Array, end: number): Unfragmentable {
  let nh = packet[6]!;
  let nhOffset = 6;
  let at = IPV6_HEADER_LENGTH;
  let result: Unfragmentable = { length: at, nextHeaderOffset: nhOffset };
  for (let count = 0; count < MAX_EXTENSION_HEADERS; count++) {
    if (nh === IPPROTO_FRAGMENT) throw new PacketError('IPv6 packet is already a fragment', at);
    if (!isChainHeader(nh)) break;
    if (at + 8 > end) throw new PacketError('truncated IPv6 extension header', at);
    const here = nh;
    nhOffset = at;
    nh = packet[at]!;
    at += (packet[at + 1]! + 1) * 8;
    if (at > end) throw new PacketError('IPv6 extension header overruns the packet', at);
    if (here !== IPPROTO_DSTOPTS) result = { length: at, nextHeaderOffset: nhOffset };
  }
  return result;
}

/** Splits an IPv6 packet into fragments of at most `mtu` bytes, each carrying a Fragment
 * header with `identification` (RFC 8200 §4.5). Returns [packet] when it already fits. */
export function fragmentIpv6(packet: Uint8Array, mtu: number, identification: number): Uint8Array[] {
  const h = parseIpv6(packet);
  const end = IPV6_HEADER_LENGTH + h.payloadLength;
  if (end <= mtu) return [packet.subarray(0, end)];
  const u = unfragmentablePart(packet, end);
  // each fragment but the last carries a multiple of 8 octets of the fragmentable part
  const chunk = (mtu - u.length - IPV6_FRAGMENT_HEADER_LENGTH) & ~7;
  if (chunk <= 0) throw new PacketError(`MTU ${mtu} too small to fragment`, 0);
  const fragmentable = packet.subarray(u.length, end);
  const firstNextHeader = packet[u.nextHeaderOffset]!;
  const fragments: Uint8Array[] = [];
  for (let at = 0; at < fragmentable.length; at += chunk) {
    const size = Math.min(chunk, fragmentable.length - at);
    const more = at + size < fragmentable.length;
    const out = new Uint8Array(u.length + IPV6_FRAGMENT_HEADER_LENGTH + size);
    out.set(packet.subarray(0, u.length), 0);
    out[u.nextHeaderOffset] = IPPROTO_FRAGMENT;
    const payloadLength = out.length - IPV6_HEADER_LENGTH;
    out[4] = payloadLength >> 8;
    out[5] = payloadLength & 0xff;
    const f = u.length;
    out[f] = firstNextHeader;
    out[f + 1] = 0;
    // the offset in 8-octet units sits in the top 13 bits: the byte offset itself, M in bit 0
    const word = at | (more ? 1 : 0);
    out[f + 2] = word >> 8;
    out[f + 3] = word & 0xff;
    out[f + 4] = (identification >>> 24) & 0xff;
    out[f + 5] = (identification >>> 16) & 0xff;
    out[f + 6] = (identification >>> 8) & 0xff;
    out[f + 7] = identification & 0xff;
    out.set(fragmentable.subarray(at, at + size), f + IPV6_FRAGMENT_HEADER_LENGTH);
    fragments.push(out);
  }
  return fragments;
}

export interface Ipv6FragmentHeader {
  /** Offset of the Fragment header in the packet (= length of the unfragmentable part). */
  readonly offset: number;
  /** Offset of the Next Header byte that names the Fragment header. */
  readonly nextHeaderOffset: number;
  readonly nextHeader: number;
  /** In bytes. */
  readonly fragmentOffset: number;
  readonly moreFragments: boolean;
  readonly identification: number;
}

/** The Fragment header of a packet, found behind Hop-by-Hop, Destination Options and
 * Routing headers; undefined when there is none. Throws PacketError when truncated. */
export function findIpv6Fragment(packet: Uint8Array): Ipv6FragmentHeader | undefined {
  if (packet.length < IPV6_HEADER_LENGTH) throw new PacketError('truncated IPv6 header', packet.length);
  let nh = packet[6]!;
  // the common case, an upper-layer header right after the fixed header, costs nothing more
  if (!isChainHeader(nh) && nh !== IPPROTO_FRAGMENT) return undefined;
  const end = IPV6_HEADER_LENGTH + parseIpv6(packet).payloadLength;
  let nhOffset = 6;
  let at = IPV6_HEADER_LENGTH;
  for (let count = 0; count < MAX_EXTENSION_HEADERS; count++) {
    if (nh === IPPROTO_FRAGMENT) {
      if (at + IPV6_FRAGMENT_HEADER_LENGTH > end) throw new PacketError('truncated Fragment header', at);
      const word = (packet[at + 2]! << 8) | packet[at + 3]!;
      return {
        offset: at,
        nextHeaderOffset: nhOffset,
        nextHeader: packet[at]!,
        fragmentOffset: word & 0xfff8,
        moreFragments: (word & 1) !== 0,
        identification:
          ((packet[at + 4]! << 24) | (packet[at + 5]! << 16) | (packet[at + 6]! << 8) | packet[at + 7]!) >>>
          0,
      };
    }
    if (!isChainHeader(nh)) return undefined;
    if (at + 8 > end) throw new PacketError('truncated IPv6 extension header', at);
    nhOffset = at;
    nh = packet[at]!;
    at += (packet[at + 1]! + 1) * 8;
    if (at > end) throw new PacketError('IPv6 extension header overruns the packet', at);
  }
  return undefined;
}

/** The packet without its Fragment header: the unfragmentable part, then `body`. */
function joinUnfragmentable(
  unfragmentable: Uint8Array,
  nextHeaderOffset: number,
  nextHeader: number,
  body: Uint8Array,
): Uint8Array {
  const out = new Uint8Array(unfragmentable.length + body.length);
  out.set(unfragmentable, 0);
  out.set(body, unfragmentable.length);
  out[nextHeaderOffset] = nextHeader;
  const payloadLength = out.length - IPV6_HEADER_LENGTH;
  out[4] = payloadLength >> 8;
  out[5] = payloadLength & 0xff;
  return out;
}

/** From the fragment with offset 0: unfragmentable part and its Next Header fix-up. */
interface FirstFragment {
  readonly header: Uint8Array;
  readonly nextHeaderOffset: number;
  readonly nextHeader: number;
}

export class Ipv6Reassembler {
  private readonly table: ReassemblyTable<FirstFragment>;

  constructor(limits: ReassemblyLimits = DEFAULT_REASSEMBLY_LIMITS) {
    // RFC 8200 §4.5 allows ignoring exact duplicates; other overlaps drop (RFC 5722 §4)
    this.table = new ReassemblyTable(limits, true);
  }

  get size(): number {
    return this.table.size;
  }

  /** Adds one packet carrying a Fragment header (throws PacketError only for a malformed
   * IPv6 header chain or a packet without a Fragment header). */
  add(packet: Uint8Array, now: number): ReassemblyResult {
    this.expire(now);
    const f = findIpv6Fragment(packet);
    if (f === undefined) throw new PacketError('no IPv6 Fragment header', 6);
    const end = IPV6_HEADER_LENGTH + ((packet[4]! << 8) | packet[5]!);
    const header = packet.subarray(0, f.offset);
    const data = packet.subarray(f.offset + IPV6_FRAGMENT_HEADER_LENGTH, end);
    // RFC 6946 §4: an atomic fragment is a whole packet; it never touches the queue
    if (f.fragmentOffset === 0 && !f.moreFragments)
      return { kind: 'complete', packet: joinUnfragmentable(header, f.nextHeaderOffset, f.nextHeader, data) };

    const isFirst = f.fragmentOffset === 0;
    // RFC 8200 §4.5: fragments are matched by source, destination and identification
    const key = `${Buffer.from(packet.subarray(8, 40)).toString('hex')}#${f.identification}`;
    const r = this.table.add(
      key,
      {
        offset: f.fragmentOffset,
        data,
        more: f.moreFragments,
        // RFC 8200 §4.5: a reassembled Payload Length above 65,535 is an error
        maxEnd: 0xffff - (f.offset - IPV6_HEADER_LENGTH),
        first: isFirst
          ? { header: header.slice(), nextHeaderOffset: f.nextHeaderOffset, nextHeader: f.nextHeader }
          : undefined,
        // the first fragment also holds the unfragmentable part it is rebuilt with
        cost: data.length + (isFirst ? header.length : 0),
        malformed: isFirst && !chainFits(f.nextHeader, data),
      },
      now,
    );
    if (r.kind !== 'complete') return r;
    const { first, body } = r;
    return {
      kind: 'complete',
      packet: joinUnfragmentable(first.header, first.nextHeaderOffset, first.nextHeader, body),
    };
  }

  /** Drops datagrams older than the timeout (RFC 8200 §4.5: 60 s at most). */
  expire(now: number): number {
    return this.table.expire(now);
  }
}
