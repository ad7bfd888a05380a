// What the virtual network needs on top of src/packet: routing decisions on text addresses,
// the ESP/AH protocol numbers, parsers that report a malformed packet as undefined (the
// caller drops it) instead of throwing, and builders with the virtual network's header
// values (TTL 255, identification 0, no flags) that the gateway and the lab also use.

import {
  buildIpv4 as buildIpv4Packet,
  ICMP_ECHO_REPLY,
  ICMP_ECHO_REQUEST,
  icmpEcho,
  internetChecksum,
  IPPROTO_UDP,
  ipv4FromText,
  ipv4ToNumber,
  PacketError,
  parseIcmp,
  UDP_HEADER_LENGTH,
  writeUdpHeader,
} from '../../packet/index.js';

export const IPPROTO_ESP = 50;
export const IPPROTO_AH = 51;

/** TTL of every packet the virtual network originates (IOS routers send 255). */
const ORIGINATED_TTL = 255;

export function ipToNumber(address: string): number {
  return ipv4ToNumber(ipv4FromText(address));
}

/** True if `address` is inside `network`/`mask` (dotted masks). */
export function inSubnet(address: string, network: string, mask: string): boolean {
  const m = ipToNumber(mask);
  return (ipToNumber(address) & m) >>> 0 === (ipToNumber(network) & m) >>> 0;
}

/** The result of a src/packet parser, or undefined where it rejects the bytes. */
export function parsed<T>(parse: () => T): T | undefined {
  try {
    return parse();
  } catch (error) {
    if (error instanceof PacketError) return undefined;
    throw error;
  }
}

/** An IPv4 packet (20-byte header, no options, no flags) with text addresses. */
export function buildIpv4(options: {
  source: string;
  destination: string;
  protocol: number;
  payload: Uint8Array;
  identification?: number;
  ttl?: number;
}): Uint8Array {
  return buildIpv4Packet(
    {
      source: ipv4FromText(options.source),
      destination: ipv4FromText(options.destination),
      protocol: options.protocol,
      identification: options.identification ?? 0,
      ttl: options.ttl ?? ORIGINATED_TTL,
    },
    options.payload,
  );
}

/** A UDP segment with its RFC 768 checksum over the pseudo-header. */
export function buildUdp(
  source: string,
  destination: string,
  srcPort: number,
  dstPort: number,
  data: Uint8Array,
): Uint8Array {
  const segment = new Uint8Array(UDP_HEADER_LENGTH + data.length);
  segment.set(data, UDP_HEADER_LENGTH);
  writeUdpHeader(segment, 0, srcPort, dstPort, data.length, {
    source: ipv4FromText(source),
    destination: ipv4FromText(destination),
  });
  return segment;
}

export function buildUdpPacket(
  source: string,
  destination: string,
  srcPort: number,
  dstPort: number,
  data: Uint8Array,
): Uint8Array {
  return buildIpv4({
    source,
    destination,
    protocol: IPPROTO_UDP,
    payload: buildUdp(source, destination, srcPort, dstPort, data),
  });
}

export interface IcmpEcho {
  readonly request: boolean;
  readonly identifier: number;
  readonly sequence: number;
  readonly data: Uint8Array;
}

/** An echo request or reply whose checksum verifies, else undefined (RFC 792). */
export function parseIcmpEcho(payload: Uint8Array): IcmpEcho | undefined {
  const message = parsed(() => parseIcmp(payload));
  if (message === undefined) return undefined;
  if (message.type !== ICMP_ECHO_REQUEST && message.type !== ICMP_ECHO_REPLY) return undefined;
  if (internetChecksum(payload) !== 0) return undefined;
  return { request: message.type === ICMP_ECHO_REQUEST, ...icmpEcho(message), data: message.body };
}
