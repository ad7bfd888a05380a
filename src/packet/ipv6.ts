// IPv6 header (RFC 8200 §3) and the walk over extension headers to the upper-layer protocol.
//
//   |Version| Traffic Class |           Flow Label                  |
//   |         Payload Length        |  Next Header  |   Hop Limit   |
//   |                 Source Address (128 bits)                     |
//   |              Destination Address (128 bits)                   |

import { PacketError } from './errors.js';

export const IPV6_HEADER_LENGTH = 40;
export const IPPROTO_HOPOPTS = 0;
export const IPPROTO_ROUTING = 43;
export const IPPROTO_FRAGMENT = 44;
export const IPPROTO_DSTOPTS = 60;
export const IPPROTO_NONE = 59;

export interface Ipv6Header {
  readonly trafficClass: number;
  readonly flowLabel: number;
  readonly payloadLength: number;
  readonly nextHeader: number;
  readonly hopLimit: number;
  readonly source: Uint8Array;
  readonly destination: Uint8Array;
  /** Everything after the fixed header up to payloadLength (view). */
  readonly payload: Uint8Array;
}

export function parseIpv6(packet: Uint8Array): Ipv6Header {
  if (packet.length < IPV6_HEADER_LENGTH) throw new PacketError('truncated IPv6 header', packet.length);
  if (packet[0]! >> 4 !== 6) throw new PacketError(`IP version ${packet[0]! >> 4} is not 6`, 0);
  const payloadLength = (packet[4]! << 8) | packet[5]!;
  if (IPV6_HEADER_LENGTH + payloadLength > packet.length) {
    throw new PacketError(`IPv6 payload length ${payloadLength} does not fit ${packet.length} bytes`, 4);
  }
  return {
    trafficClass: ((packet[0]! & 0x0f) << 4) | (packet[1]! >> 4),
    flowLabel: ((packet[1]! & 0x0f) << 16) | (packet[2]! << 8) | packet[3]!,
    payloadLength,
    nextHeader: packet[6]!,
    hopLimit: packet[7]!,
    source: packet.subarray(8, 24),
    destination: packet.subarray(24, 40),
    payload: packet.subarray(IPV6_HEADER_LENGTH, IPV6_HEADER_LENGTH + payloadLength),
  };
}

export interface Ipv6Fields {
  readonly trafficClass?: number;
  readonly flowLabel?: number;
  readonly nextHeader: number;
  readonly hopLimit?: number;
  readonly source: Uint8Array;
  readonly destination: Uint8Array;
}

export function writeIpv6Header(
  out: Uint8Array,
  offset: number,
  fields: Ipv6Fields,
  payloadLength: number,
): number {
  if (payloadLength > 0xffff)
    throw new PacketError(`IPv6 payload of ${payloadLength} bytes needs a jumbogram`, offset);
  const tc = fields.trafficClass ?? 0;
  const fl = fields.flowLabel ?? 0;
  out[offset] = 0x60 | (tc >> 4);
  out[offset + 1] = ((tc & 0x0f) << 4) | ((fl >> 16) & 0x0f);
  out[offset + 2] = (fl >> 8) & 0xff;
  out[offset + 3] = fl & 0xff;
  out[offset + 4] = payloadLength >> 8;
  out[offset + 5] = payloadLength & 0xff;
  out[offset + 6] = fields.nextHeader;
  out[offset + 7] = fields.hopLimit ?? 64;
  out.set(fields.source, offset + 8);
  out.set(fields.destination, offset + 24);
  return IPV6_HEADER_LENGTH;
}

export function buildIpv6(fields: Ipv6Fields, payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(IPV6_HEADER_LENGTH + payload.length);
  writeIpv6Header(out, 0, fields, payload.length);
  out.set(payload, IPV6_HEADER_LENGTH);
  return out;
}

export interface UpperLayer {
  readonly protocol: number;
  /** Offset of the upper-layer header in the packet. */
  readonly offset: number;
  /** Offset of the Next Header byte that names `protocol` (6 for the fixed header). */
  readonly nextHeaderOffset: number;
  /** True when a Fragment header with a non-zero offset hides the upper-layer header. */
  readonly fragment: boolean;
}

function isExtension(nh: number): boolean {
  return (
    nh === IPPROTO_HOPOPTS || nh === IPPROTO_ROUTING || nh === IPPROTO_FRAGMENT || nh === IPPROTO_DSTOPTS
  );
}

/** Follows the extension header chain (at most 16 headers) to the upper-layer protocol. */
export function ipv6UpperLayer(packet: Uint8Array, stopAfterRouting = false): UpperLayer {
  const end = IPV6_HEADER_LENGTH + ((packet[4]! << 8) | packet[5]!);
  let nh = packet[6]!;
  let nhOffset = 6;
  let at = IPV6_HEADER_LENGTH;
  let fragment = false;
  for (let count = 0; count < 16 && isExtension(nh); count++) {
    // RFC 4303 §3.1.1: in transport mode ESP goes after hop-by-hop and routing headers.
    if (stopAfterRouting && nh !== IPPROTO_HOPOPTS && nh !== IPPROTO_ROUTING) break;
    if (at + 8 > end) throw new PacketError('truncated IPv6 extension header', at);
    const len = nh === IPPROTO_FRAGMENT ? 8 : (packet[at + 1]! + 1) * 8;
    if (nh === IPPROTO_FRAGMENT && (((packet[at + 2]! << 8) | packet[at + 3]!) & 0xfff8) !== 0)
      fragment = true;
    nhOffset = at;
    nh = packet[at]!;
    at += len;
    if (at > end) throw new PacketError('IPv6 extension header overruns the packet', at);
  }
  return { protocol: nh, offset: at, nextHeaderOffset: nhOffset, fragment };
}
