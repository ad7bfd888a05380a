// GRE (RFC 2784, key and sequence from RFC 2890).
//
//   |C| |K|S| Reserved0       | Ver |         Protocol Type         |
//   |      Checksum (optional)      |       Reserved1 (Optional)    |
//   |                         Key (optional)                        |
//   |                 Sequence Number (Optional)                    |

import { internetChecksum } from './checksum.js';
import { PacketError } from './errors.js';

export const IPPROTO_GRE = 47;
export const ETHERTYPE_IPV4 = 0x0800;
export const ETHERTYPE_IPV6 = 0x86dd;

export interface GreHeader {
  readonly protocolType: number;
  readonly checksum?: number;
  readonly key?: number;
  readonly sequence?: number;
  readonly payload: Uint8Array;
}

export function parseGre(packet: Uint8Array): GreHeader {
  if (packet.length < 4) throw new PacketError('truncated GRE header', packet.length);
  const flags = packet[0]!;
  const version = packet[1]! & 0x07;
  if (version !== 0) throw new PacketError(`GRE version ${version} is not 0`, 1);
  // RFC 2784 §2.3: bits 1-5 non-zero means RFC 1701 routing/recursion, which we do not
  // implement; bits 2 and 3 are RFC 2890's key and sequence flags.
  if ((flags & 0x4c) !== 0) throw new PacketError('GRE routing or recursion bits set (RFC 1701)', 0);
  const hasC = (flags & 0x80) !== 0;
  const hasK = (flags & 0x20) !== 0;
  const hasS = (flags & 0x10) !== 0;
  const length = 4 + (hasC ? 4 : 0) + (hasK ? 4 : 0) + (hasS ? 4 : 0);
  if (packet.length < length) throw new PacketError('truncated GRE optional fields', packet.length);
  const u32 = (i: number): number =>
    ((packet[i]! << 24) | (packet[i + 1]! << 16) | (packet[i + 2]! << 8) | packet[i + 3]!) >>> 0;
  let at = 4;
  const header: {
    protocolType: number;
    checksum?: number;
    key?: number;
    sequence?: number;
    payload: Uint8Array;
  } = {
    protocolType: (packet[2]! << 8) | packet[3]!,
    payload: packet.subarray(length),
  };
  if (hasC) {
    header.checksum = (packet[4]! << 8) | packet[5]!;
    at += 4;
  }
  if (hasK) {
    header.key = u32(at);
    at += 4;
  }
  if (hasS) header.sequence = u32(at);
  return header;
}

export function buildGre(
  protocolType: number,
  payload: Uint8Array,
  options: { checksum?: boolean; key?: number; sequence?: number } = {},
): Uint8Array {
  const length =
    4 +
    (options.checksum ? 4 : 0) +
    (options.key !== undefined ? 4 : 0) +
    (options.sequence !== undefined ? 4 : 0);
  const out = new Uint8Array(length + payload.length);
  out[0] =
    (options.checksum ? 0x80 : 0) |
    (options.key !== undefined ? 0x20 : 0) |
    (options.sequence !== undefined ? 0x10 : 0);
  out[2] = protocolType >> 8;
  out[3] = protocolType & 0xff;
  let at = options.checksum ? 8 : 4;
  const put32 = (v: number): void => {
    out[at] = (v >>> 24) & 0xff;
    out[at + 1] = (v >>> 16) & 0xff;
    out[at + 2] = (v >>> 8) & 0xff;
    out[at + 3] = v & 0xff;
    at += 4;
  };
  if (options.key !== undefined) put32(options.key);
  if (options.sequence !== undefined) put32(options.sequence);
  out.set(payload, length);
  if (options.checksum) {
    const c = internetChecksum(out);
    out[4] = c >> 8;
    out[5] = c & 0xff;
  }
  return out;
}
