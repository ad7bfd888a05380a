// The selector fields of an IP packet (RFC 4301 §4.4.1.1): addresses, protocol, ports.

import { PacketError } from './errors.js';
import { ICMPV6_PACKET_TOO_BIG, IPPROTO_ICMP, IPPROTO_ICMPV6 } from './icmp.js';
import { IPPROTO_TCP } from './tcp.js';
import { IPPROTO_UDP } from './udp.js';
import { ipv6UpperLayer } from './ipv6.js';

export interface PacketFlow {
  readonly family: 4 | 6;
  readonly protocol: number;
  /** Views into the packet. */
  readonly source: Uint8Array;
  readonly destination: Uint8Array;
  /** 0 when the protocol has no ports or the ports are not in this fragment. */
  readonly sourcePort: number;
  readonly destinationPort: number;
  /** A non-first fragment: ports are unknown (RFC 4301 §7). */
  readonly nonInitialFragment: boolean;
}

const SCTP = 132;

function hasPorts(protocol: number): boolean {
  return protocol === IPPROTO_TCP || protocol === IPPROTO_UDP || protocol === SCTP;
}

/** Reads the flow of an IPv4 or IPv6 packet; throws PacketError when it is not one. */
export function packetFlow(packet: Uint8Array): PacketFlow {
  if (packet.length < 1) throw new PacketError('empty packet', 0);
  const version = packet[0]! >> 4;
  if (version === 4) {
    if (packet.length < 20) throw new PacketError('truncated IPv4 header', packet.length);
    const hl = (packet[0]! & 0x0f) * 4;
    if (hl < 20 || hl > packet.length) throw new PacketError('bad IPv4 header length', 0);
    const protocol = packet[9]!;
    const offset = (((packet[6]! << 8) | packet[7]!) & 0x1fff) * 8;
    return withPorts(4, protocol, packet.subarray(12, 16), packet.subarray(16, 20), packet, hl, offset !== 0);
  }
  if (version === 6) {
    if (packet.length < 40) throw new PacketError('truncated IPv6 header', packet.length);
    const upper = ipv6UpperLayer(packet);
    return withPorts(
      6,
      upper.protocol,
      packet.subarray(8, 24),
      packet.subarray(24, 40),
      packet,
      upper.offset,
      upper.fragment,
    );
  }
  throw new PacketError(`IP version ${version}`, 0);
}

function withPorts(
  family: 4 | 6,
  protocol: number,
  source: Uint8Array,
  destination: Uint8Array,
  packet: Uint8Array,
  at: number,
  nonInitialFragment: boolean,
): PacketFlow {
  let sourcePort = 0;
  let destinationPort = 0;
  if (!nonInitialFragment && hasPorts(protocol) && at + 4 <= packet.length) {
    sourcePort = (packet[at]! << 8) | packet[at + 1]!;
    destinationPort = (packet[at + 2]! << 8) | packet[at + 3]!;
  } else if (
    !nonInitialFragment &&
    (protocol === IPPROTO_ICMP || protocol === IPPROTO_ICMPV6) &&
    at + 2 <= packet.length
  ) {
    // RFC 4301 §4.4.1.1: ICMP type and code take the place of the ports.
    sourcePort = packet[at]!;
    destinationPort = packet[at + 1]!;
    if (protocol === IPPROTO_ICMPV6 && sourcePort === ICMPV6_PACKET_TOO_BIG) destinationPort = 0;
  }
  return { family, protocol, source, destination, sourcePort, destinationPort, nonInitialFragment };
}
