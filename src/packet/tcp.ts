// TCP header (RFC 9293 §3.1): the fields the data plane needs (ports, checksum position).

import { PacketError } from './errors.js';

export const IPPROTO_TCP = 6;
export const TCP_CHECKSUM_OFFSET = 16;

export interface TcpHeader {
  readonly sourcePort: number;
  readonly destinationPort: number;
  readonly sequence: number;
  readonly acknowledgment: number;
  readonly dataOffset: number; // bytes
  readonly flags: number;
  readonly window: number;
  readonly checksum: number;
  readonly payload: Uint8Array;
}

export function parseTcp(segment: Uint8Array): TcpHeader {
  if (segment.length < 20) throw new PacketError('truncated TCP header', segment.length);
  const dataOffset = (segment[12]! >> 4) * 4;
  if (dataOffset < 20 || dataOffset > segment.length)
    throw new PacketError(`bad TCP data offset ${dataOffset}`, 12);
  const u32 = (i: number): number =>
    ((segment[i]! << 24) | (segment[i + 1]! << 16) | (segment[i + 2]! << 8) | segment[i + 3]!) >>> 0;
  return {
    sourcePort: (segment[0]! << 8) | segment[1]!,
    destinationPort: (segment[2]! << 8) | segment[3]!,
    sequence: u32(4),
    acknowledgment: u32(8),
    dataOffset,
    flags: ((segment[12]! & 0x01) << 8) | segment[13]!,
    window: (segment[14]! << 8) | segment[15]!,
    checksum: (segment[16]! << 8) | segment[17]!,
    payload: segment.subarray(dataOffset),
  };
}
