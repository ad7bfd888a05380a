// UDP header (RFC 768).
//
//   |          Source Port          |       Destination Port        |
//   |            Length             |           Checksum            |

import { internetChecksum, pseudoHeaderSum, onesSum } from './checksum.js';
import { PacketError } from './errors.js';

export const UDP_HEADER_LENGTH = 8;
export const IPPROTO_UDP = 17;

export interface UdpHeader {
  readonly sourcePort: number;
  readonly destinationPort: number;
  readonly length: number;
  readonly checksum: number;
  readonly payload: Uint8Array;
}

export function parseUdp(segment: Uint8Array): UdpHeader {
  if (segment.length < UDP_HEADER_LENGTH) throw new PacketError('truncated UDP header', segment.length);
  const length = (segment[4]! << 8) | segment[5]!;
  if (length < UDP_HEADER_LENGTH || length > segment.length) {
    throw new PacketError(`UDP length ${length} does not fit ${segment.length} bytes`, 4);
  }
  return {
    sourcePort: (segment[0]! << 8) | segment[1]!,
    destinationPort: (segment[2]! << 8) | segment[3]!,
    length,
    checksum: (segment[6]! << 8) | segment[7]!,
    payload: segment.subarray(UDP_HEADER_LENGTH, length),
  };
}

/** Writes a UDP header at out[offset..]; with addresses, also the checksum over the payload
 * that must already be in place after the header. */
export function writeUdpHeader(
  out: Uint8Array,
  offset: number,
  sourcePort: number,
  destinationPort: number,
  payloadLength: number,
  addresses?: { source: Uint8Array; destination: Uint8Array },
): void {
  const len = UDP_HEADER_LENGTH + payloadLength;
  out[offset] = sourcePort >> 8;
  out[offset + 1] = sourcePort & 0xff;
  out[offset + 2] = destinationPort >> 8;
  out[offset + 3] = destinationPort & 0xff;
  out[offset + 4] = len >> 8;
  out[offset + 5] = len & 0xff;
  out[offset + 6] = 0;
  out[offset + 7] = 0;
  if (addresses) {
    const c = transportChecksum(
      addresses.source,
      addresses.destination,
      IPPROTO_UDP,
      out.subarray(offset, offset + len),
    );
    const v = c === 0 ? 0xffff : c; // RFC 768: a computed zero is sent as all ones
    out[offset + 6] = v >> 8;
    out[offset + 7] = v & 0xff;
  }
}

/** The TCP/UDP/ICMPv6 checksum of `segment` (its checksum field must be zero or included). */
export function transportChecksum(
  source: Uint8Array,
  destination: Uint8Array,
  protocol: number,
  segment: Uint8Array,
): number {
  return internetChecksum(segment, pseudoHeaderSum(source, destination, protocol, segment.length));
}

/** True when the segment's checksum verifies (including its own checksum field). */
export function verifyTransportChecksum(
  source: Uint8Array,
  destination: Uint8Array,
  protocol: number,
  segment: Uint8Array,
): boolean {
  const sum = onesSum(segment, pseudoHeaderSum(source, destination, protocol, segment.length));
  return internetChecksum(new Uint8Array(0), sum) === 0;
}
