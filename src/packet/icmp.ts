// ICMP (RFC 792) echo and "fragmentation needed" (RFC 1191 §4), ICMPv6 (RFC 4443) echo and
// "packet too big".
//
//   |     Type      |     Code      |          Checksum             |
//   |           unused = 0          |         Next-Hop MTU          |   (type 3 code 4)
//   |      Internet Header + 64 bits of Original Data Datagram      |

import { internetChecksum } from './checksum.js';
import { PacketError } from './errors.js';
import { transportChecksum } from './udp.js';

export const IPPROTO_ICMP = 1;
export const IPPROTO_ICMPV6 = 58;
export const ICMP_ECHO_REPLY = 0;
export const ICMP_DEST_UNREACHABLE = 3;
export const ICMP_CODE_FRAGMENTATION_NEEDED = 4;
export const ICMP_ECHO_REQUEST = 8;
export const ICMPV6_PACKET_TOO_BIG = 2;
export const ICMPV6_ECHO_REQUEST = 128;
export const ICMPV6_ECHO_REPLY = 129;

export interface IcmpMessage {
  readonly type: number;
  readonly code: number;
  readonly checksum: number;
  /** The 4 bytes after the checksum (identifier/sequence, or unused/MTU). */
  readonly rest: Uint8Array;
  readonly body: Uint8Array;
}

export function parseIcmp(message: Uint8Array): IcmpMessage {
  if (message.length < 8) throw new PacketError('truncated ICMP header', message.length);
  return {
    type: message[0]!,
    code: message[1]!,
    checksum: (message[2]! << 8) | message[3]!,
    rest: message.subarray(4, 8),
    body: message.subarray(8),
  };
}

/** Identifier and sequence of an echo request/reply. */
export function icmpEcho(m: IcmpMessage): { identifier: number; sequence: number } {
  return { identifier: (m.rest[0]! << 8) | m.rest[1]!, sequence: (m.rest[2]! << 8) | m.rest[3]! };
}

/** Next-hop MTU of a "fragmentation needed" message (RFC 1191) or IPv6 "packet too big". */
export function icmpNextHopMtu(m: IcmpMessage): number {
  return m.type === ICMPV6_PACKET_TOO_BIG
    ? ((m.rest[0]! << 24) | (m.rest[1]! << 16) | (m.rest[2]! << 8) | m.rest[3]!) >>> 0
    : (m.rest[2]! << 8) | m.rest[3]!;
}

/** An ICMP (v4) message with its checksum. */
export function buildIcmp(type: number, code: number, rest: Uint8Array, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(8 + body.length);
  out[0] = type;
  out[1] = code;
  out.set(rest.subarray(0, 4), 4);
  out.set(body, 8);
  const c = internetChecksum(out);
  out[2] = c >> 8;
  out[3] = c & 0xff;
  return out;
}

export function buildIcmpEcho(
  request: boolean,
  identifier: number,
  sequence: number,
  data: Uint8Array,
): Uint8Array {
  const rest = Uint8Array.of(identifier >> 8, identifier & 0xff, sequence >> 8, sequence & 0xff);
  return buildIcmp(request ? ICMP_ECHO_REQUEST : ICMP_ECHO_REPLY, 0, rest, data);
}

/** RFC 1191 §4: type 3 code 4 carrying the next-hop MTU and the offending header + 8 bytes. */
export function buildFragmentationNeeded(original: Uint8Array, nextHopMtu: number): Uint8Array {
  const hl = original.length > 0 ? (original[0]! & 0x0f) * 4 : 0;
  const quote = original.subarray(0, Math.min(original.length, hl + 8));
  const rest = Uint8Array.of(0, 0, (nextHopMtu >> 8) & 0xff, nextHopMtu & 0xff);
  return buildIcmp(ICMP_DEST_UNREACHABLE, ICMP_CODE_FRAGMENTATION_NEEDED, rest, quote);
}

/** RFC 4443 §3.2: "packet too big", as much of the original as fits in 1280 bytes. */
export function buildPacketTooBig(
  source: Uint8Array,
  destination: Uint8Array,
  original: Uint8Array,
  mtu: number,
): Uint8Array {
  const quote = original.subarray(0, Math.min(original.length, 1280 - 40 - 8));
  const out = new Uint8Array(8 + quote.length);
  out[0] = ICMPV6_PACKET_TOO_BIG;
  out[4] = (mtu >>> 24) & 0xff;
  out[5] = (mtu >>> 16) & 0xff;
  out[6] = (mtu >>> 8) & 0xff;
  out[7] = mtu & 0xff;
  out.set(quote, 8);
  const c = transportChecksum(source, destination, IPPROTO_ICMPV6, out);
  out[2] = c >> 8;
  out[3] = c & 0xff;
  return out;
}
