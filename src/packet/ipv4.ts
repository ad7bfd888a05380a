// IPv4 header (RFC 791), options included.
//
//    0                   1                   2                   3
//    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |Version|  IHL  |Type of Service|          Total Length         |
//   |         Identification        |Flags|      Fragment Offset    |
//   |  Time to Live |    Protocol   |         Header Checksum       |
//   |                       Source Address                          |
//   |                    Destination Address                        |
//   |                    Options                    |    Padding    |

import { internetChecksum } from './checksum.js';
import { PacketError } from './errors.js';

export const IPV4_HEADER_LENGTH = 20;
export const IPV4_FLAG_DF = 0x4000;
export const IPV4_FLAG_MF = 0x2000;

export interface Ipv4Header {
  readonly headerLength: number;
  readonly tos: number;
  readonly totalLength: number;
  readonly identification: number;
  readonly dontFragment: boolean;
  readonly moreFragments: boolean;
  /** In bytes (the wire field times 8). */
  readonly fragmentOffset: number;
  readonly ttl: number;
  readonly protocol: number;
  readonly checksum: number;
  /** Views into the packet (zero copy). */
  readonly source: Uint8Array;
  readonly destination: Uint8Array;
  readonly options: Uint8Array;
  /** The header bytes (view). */
  readonly header: Uint8Array;
  /** The payload up to totalLength (view); trailing link padding is cut off. */
  readonly payload: Uint8Array;
}

/** Parses an IPv4 packet; `verifyChecksum` makes a bad header checksum an error. */
export function parseIpv4(packet: Uint8Array, verifyChecksum = false): Ipv4Header {
  if (packet.length < IPV4_HEADER_LENGTH) throw new PacketError('truncated IPv4 header', packet.length);
  const b0 = packet[0]!;
  if (b0 >> 4 !== 4) throw new PacketError(`IP version ${b0 >> 4} is not 4`, 0);
  const headerLength = (b0 & 0x0f) * 4;
  if (headerLength < IPV4_HEADER_LENGTH) throw new PacketError(`IPv4 IHL ${headerLength / 4} < 5`, 0);
  const totalLength = (packet[2]! << 8) | packet[3]!;
  if (totalLength < headerLength || totalLength > packet.length) {
    throw new PacketError(`IPv4 total length ${totalLength} does not fit ${packet.length} bytes`, 2);
  }
  if (verifyChecksum && internetChecksum(packet.subarray(0, headerLength)) !== 0) {
    throw new PacketError('bad IPv4 header checksum', 10);
  }
  const flagsOffset = (packet[6]! << 8) | packet[7]!;
  return {
    headerLength,
    tos: packet[1]!,
    totalLength,
    identification: (packet[4]! << 8) | packet[5]!,
    dontFragment: (flagsOffset & IPV4_FLAG_DF) !== 0,
    moreFragments: (flagsOffset & IPV4_FLAG_MF) !== 0,
    fragmentOffset: (flagsOffset & 0x1fff) * 8,
    ttl: packet[8]!,
    protocol: packet[9]!,
    checksum: (packet[10]! << 8) | packet[11]!,
    source: packet.subarray(12, 16),
    destination: packet.subarray(16, 20),
    options: packet.subarray(20, headerLength),
    header: packet.subarray(0, headerLength),
    payload: packet.subarray(headerLength, totalLength),
  };
}

export interface Ipv4Fields {
  readonly tos?: number;
  readonly identification?: number;
  readonly dontFragment?: boolean;
  readonly moreFragments?: boolean;
  readonly fragmentOffset?: number; // bytes, multiple of 8
  readonly ttl?: number;
  readonly protocol: number;
  readonly source: Uint8Array;
  readonly destination: Uint8Array;
  /** Raw options, padded here to a multiple of 4 with EOL. */
  readonly options?: Uint8Array;
}

export function ipv4HeaderLength(fields: Pick<Ipv4Fields, 'options'>): number {
  return IPV4_HEADER_LENGTH + (((fields.options?.length ?? 0) + 3) & ~3);
}

/** Writes an IPv4 header (with checksum) at out[offset..] for a payload of payloadLength. */
export function writeIpv4Header(
  out: Uint8Array,
  offset: number,
  fields: Ipv4Fields,
  payloadLength: number,
): number {
  const hl = ipv4HeaderLength(fields);
  const total = hl + payloadLength;
  if (total > 0xffff) throw new PacketError(`IPv4 packet of ${total} bytes is too long`, offset);
  out.fill(0, offset, offset + hl);
  out[offset] = 0x40 | (hl >> 2);
  out[offset + 1] = fields.tos ?? 0;
  out[offset + 2] = total >> 8;
  out[offset + 3] = total & 0xff;
  const id = fields.identification ?? 0;
  out[offset + 4] = id >> 8;
  out[offset + 5] = id & 0xff;
  const fo =
    (fields.dontFragment ? IPV4_FLAG_DF : 0) |
    (fields.moreFragments ? IPV4_FLAG_MF : 0) |
    ((fields.fragmentOffset ?? 0) >> 3);
  out[offset + 6] = fo >> 8;
  out[offset + 7] = fo & 0xff;
  out[offset + 8] = fields.ttl ?? 64;
  out[offset + 9] = fields.protocol;
  out.set(fields.source, offset + 12);
  out.set(fields.destination, offset + 16);
  if (fields.options) out.set(fields.options, offset + 20);
  setIpv4Checksum(out.subarray(offset, offset + hl));
  return hl;
}

/** Builds a whole IPv4 packet. */
export function buildIpv4(fields: Ipv4Fields, payload: Uint8Array): Uint8Array {
  const hl = ipv4HeaderLength(fields);
  const out = new Uint8Array(hl + payload.length);
  writeIpv4Header(out, 0, fields, payload.length);
  out.set(payload, hl);
  return out;
}

/** Recomputes the header checksum of the IPv4 header at the start of `header`. */
export function setIpv4Checksum(header: Uint8Array): void {
  const hl = (header[0]! & 0x0f) * 4;
  header[10] = 0;
  header[11] = 0;
  const c = internetChecksum(header.subarray(0, hl));
  header[10] = c >> 8;
  header[11] = c & 0xff;
}

export function ipVersion(packet: Uint8Array): number {
  return packet.length > 0 ? packet[0]! >> 4 : 0;
}
