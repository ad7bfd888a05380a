// `ip tcp adjust-mss N`: a TCP SYN crossing the interface has its MSS option (RFC 9293 §3.2,
// kind 2 length 4) lowered to N, the checksum updated incrementally (RFC 1624).

import { updateChecksum } from './checksum.js';
import { IPPROTO_TCP, TCP_CHECKSUM_OFFSET } from './tcp.js';

const TCP_SYN = 0x02;

/** Lowers the MSS of an IPv4 TCP SYN in place; true when it changed. Other packets are left alone. */
export function clampTcpMss(packet: Uint8Array, mss: number): boolean {
  if (packet.length < 20 || packet[0]! >> 4 !== 4 || packet[9] !== IPPROTO_TCP) return false;
  const fragment = ((packet[6]! & 0x3f) << 8) | packet[7]!;
  if (fragment !== 0) return false; // a fragment (or first of several): options may be cut
  const hl = (packet[0]! & 0x0f) * 4;
  const tcp = packet.subarray(hl);
  if (tcp.length < 20 || (tcp[13]! & TCP_SYN) === 0) return false;
  const dataOffset = (tcp[12]! >> 4) * 4;
  if (dataOffset < 20 || dataOffset > tcp.length) return false;
  let at = 20;
  while (at < dataOffset) {
    const kind = tcp[at]!;
    if (kind === 0) return false; // end of options
    if (kind === 1) {
      at++;
      continue;
    }
    const len = tcp[at + 1];
    if (len === undefined || len < 2 || at + len > dataOffset) return false;
    if (kind === 2 && len === 4) {
      const old = (tcp[at + 2]! << 8) | tcp[at + 3]!;
      if (old <= mss) return false;
      tcp[at + 2] = mss >> 8;
      tcp[at + 3] = mss & 0xff;
      const sum = (tcp[TCP_CHECKSUM_OFFSET]! << 8) | tcp[TCP_CHECKSUM_OFFSET + 1]!;
      const next = updateChecksum(sum, old, mss);
      tcp[TCP_CHECKSUM_OFFSET] = next >> 8;
      tcp[TCP_CHECKSUM_OFFSET + 1] = next & 0xff;
      return true;
    }
    at += len;
  }
  return false;
}
