// UDP encapsulation of ESP, RFC 3948.
//
//   UDP 4500 payload:  ESP:        | SPI (non-zero) | Sequence | ...
//                      IKE:        | 0x00000000 (non-ESP marker) | IKE header ...
//                      keepalive:  | 0xFF |                        (§2.3, one octet)

import { updateChecksumBytes } from '../packet/checksum.js';
import { IPPROTO_TCP, TCP_CHECKSUM_OFFSET } from '../packet/tcp.js';
import { IPPROTO_UDP, transportChecksum } from '../packet/udp.js';
import type { IpsecSa } from '../policy/sa.js';

export const NAT_T_PORT = 4500;

export type Udp4500Kind = 'ike' | 'esp' | 'keepalive' | 'invalid';

/** RFC 3948 §2.2 / §4: what a datagram received on UDP 4500 carries. */
export function classifyUdp4500(payload: Uint8Array): Udp4500Kind {
  if (payload.length === 1 && payload[0] === 0xff) return 'keepalive';
  if (payload.length < 4) return 'invalid';
  if (payload[0] === 0 && payload[1] === 0 && payload[2] === 0 && payload[3] === 0) {
    // non-ESP marker; an IKE header is at least 28 bytes
    return payload.length >= 4 + 28 ? 'ike' : 'invalid';
  }
  return payload.length >= 8 ? 'esp' : 'invalid';
}

/** RFC 3948 §2.3: the NAT-keepalive datagram. */
export const NAT_KEEPALIVE = Uint8Array.of(0xff);

/**
 * RFC 3948 §3.1.2, transport mode decapsulation: the sender computed the TCP/UDP checksum
 * over its real addresses (NAT-OA); the packet now carries translated ones. With the original
 * addresses known the checksum is updated incrementally (RFC 1624); without them it is
 * recomputed. A zero UDP checksum (none) stays zero. Works in place on `segment`.
 */
export function fixTransportChecksum(
  protocol: number,
  segment: Uint8Array,
  actual: { source: Uint8Array; destination: Uint8Array },
  original: { source?: Uint8Array; destination?: Uint8Array },
): void {
  let at: number;
  if (protocol === IPPROTO_TCP) at = TCP_CHECKSUM_OFFSET;
  else if (protocol === IPPROTO_UDP) at = 6;
  else return;
  if (segment.length < at + 2) return;
  let c = (segment[at]! << 8) | segment[at + 1]!;
  if (protocol === IPPROTO_UDP && c === 0) return;
  if (original.source !== undefined && original.destination !== undefined) {
    c = updateChecksumBytes(c, original.source, actual.source);
    c = updateChecksumBytes(c, original.destination, actual.destination);
  } else {
    segment[at] = 0;
    segment[at + 1] = 0;
    c = transportChecksum(actual.source, actual.destination, protocol, segment);
  }
  if (protocol === IPPROTO_UDP && c === 0) c = 0xffff;
  segment[at] = c >> 8;
  segment[at + 1] = c & 0xff;
}

/**
 * A transport-mode SA with a peer behind NAT (RFC 3948 §3.1.2, RFC 3947 §5.2): the peer's
 * proxy ID is its private address, but decapsulated packets carry, and replies go to, the
 * address NAT gave it. The SA's selector names that outer address instead (what strongSwan
 * installs for transport mode behind NAT), so the inbound check and the SPD see one address.
 */
export function transportSelectorBehindNat<S extends IpsecSa>(sa: S): S {
  if (sa.mode !== 'transport' || sa.udpEncapsulation === undefined) return sa;
  const peer = sa.direction === 'outbound' ? sa.destination : sa.source;
  const t = sa.selector;
  if (t.remoteStart !== t.remoteEnd || t.remoteStart === peer) return sa;
  return { ...sa, selector: { ...t, remoteStart: peer, remoteEnd: peer } };
}
