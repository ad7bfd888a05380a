// Just enough IPv4, UDP and ICMP for the virtual network: route by address, answer and send
// echo, carry UDP datagrams and translate them at the NAT box. Bounds-checked; a packet that
// does not parse is dropped by the caller (it returns undefined), never thrown on.

export const IPPROTO_ICMP = 1;
export const IPPROTO_UDP = 17;
export const IPPROTO_ESP = 50;
export const IPPROTO_AH = 51;

export function ipToBytes(address: string): Uint8Array {
  const parts = address.split('.').map(Number);
  const out = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    const part = parts[i];
    if (part === undefined || !Number.isInteger(part) || part < 0 || part > 255) {
      throw new RangeError(`not an IPv4 address: ${address}`);
    }
    out[i] = part;
  }
  return out;
}

export function ipToNumber(address: string): number {
  const b = ipToBytes(address);
  return ((b[0]! << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!) >>> 0;
}

export function numberToIp(value: number): string {
  return [value >>> 24, (value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff].join('.');
}

function ipAt(bytes: Uint8Array, offset: number): string {
  return `${bytes[offset]}.${bytes[offset + 1]}.${bytes[offset + 2]}.${bytes[offset + 3]}`;
}

/** RFC 1071 internet checksum. */
export function checksum(data: Uint8Array, initial = 0): number {
  let sum = initial;
  for (let i = 0; i + 1 < data.length; i += 2) sum += (data[i]! << 8) | data[i + 1]!;
  if (data.length % 2 === 1) sum += data[data.length - 1]! << 8;
  while (sum > 0xffff) sum = (sum & 0xffff) + Math.floor(sum / 0x10000);
  return ~sum & 0xffff;
}

export interface Ipv4Header {
  readonly version: number;
  readonly headerLength: number;
  readonly totalLength: number;
  readonly identification: number;
  readonly ttl: number;
  readonly protocol: number;
  readonly source: string;
  readonly destination: string;
}

/** The IPv4 header of `packet`, or undefined if it is not a well-formed IPv4 packet. */
export function parseIpv4(packet: Uint8Array): Ipv4Header | undefined {
  if (packet.length < 20) return undefined;
  const version = packet[0]! >> 4;
  const headerLength = (packet[0]! & 0x0f) * 4;
  const totalLength = (packet[2]! << 8) | packet[3]!;
  if (version !== 4 || headerLength < 20 || totalLength < headerLength || totalLength > packet.length) {
    return undefined;
  }
  return {
    version,
    headerLength,
    totalLength,
    identification: (packet[4]! << 8) | packet[5]!,
    ttl: packet[8]!,
    protocol: packet[9]!,
    source: ipAt(packet, 12),
    destination: ipAt(packet, 16),
  };
}

export function ipPayloadOf(packet: Uint8Array, header: Ipv4Header): Uint8Array {
  return packet.subarray(header.headerLength, header.totalLength);
}

export function buildIpv4(options: {
  source: string;
  destination: string;
  protocol: number;
  payload: Uint8Array;
  identification?: number;
  ttl?: number;
}): Uint8Array {
  const packet = new Uint8Array(20 + options.payload.length);
  packet[0] = 0x45;
  packet[2] = packet.length >> 8;
  packet[3] = packet.length & 0xff;
  const id = options.identification ?? 0;
  packet[4] = (id >> 8) & 0xff;
  packet[5] = id & 0xff;
  packet[8] = options.ttl ?? 255;
  packet[9] = options.protocol;
  packet.set(ipToBytes(options.source), 12);
  packet.set(ipToBytes(options.destination), 16);
  const sum = checksum(packet.subarray(0, 20));
  packet[10] = sum >> 8;
  packet[11] = sum & 0xff;
  packet.set(options.payload, 20);
  return packet;
}

/** Rewrites source/destination of an IPv4 packet (copy) and fixes the header checksum. */
export function rewriteIpv4(packet: Uint8Array, source: string, destination: string): Uint8Array {
  const out = Uint8Array.from(packet);
  out.set(ipToBytes(source), 12);
  out.set(ipToBytes(destination), 16);
  out[10] = 0;
  out[11] = 0;
  const headerLength = (out[0]! & 0x0f) * 4;
  const sum = checksum(out.subarray(0, headerLength));
  out[10] = sum >> 8;
  out[11] = sum & 0xff;
  return out;
}

// ------------------------------------------------------------------ UDP (RFC 768)

export interface UdpHeader {
  readonly srcPort: number;
  readonly dstPort: number;
  readonly data: Uint8Array;
}

export function parseUdp(payload: Uint8Array): UdpHeader | undefined {
  if (payload.length < 8) return undefined;
  const length = (payload[4]! << 8) | payload[5]!;
  if (length < 8 || length > payload.length) return undefined;
  return {
    srcPort: (payload[0]! << 8) | payload[1]!,
    dstPort: (payload[2]! << 8) | payload[3]!,
    data: payload.subarray(8, length),
  };
}

/** A UDP segment with its checksum over the RFC 768 pseudo-header. */
export function buildUdp(
  source: string,
  destination: string,
  srcPort: number,
  dstPort: number,
  data: Uint8Array,
): Uint8Array {
  const segment = new Uint8Array(8 + data.length);
  segment[0] = srcPort >> 8;
  segment[1] = srcPort & 0xff;
  segment[2] = dstPort >> 8;
  segment[3] = dstPort & 0xff;
  segment[4] = segment.length >> 8;
  segment[5] = segment.length & 0xff;
  segment.set(data, 8);
  const pseudo = new Uint8Array(12);
  pseudo.set(ipToBytes(source), 0);
  pseudo.set(ipToBytes(destination), 4);
  pseudo[9] = IPPROTO_UDP;
  pseudo[10] = segment.length >> 8;
  pseudo[11] = segment.length & 0xff;
  let partial = 0;
  for (let i = 0; i < 12; i += 2) partial += (pseudo[i]! << 8) | pseudo[i + 1]!;
  const sum = checksum(segment, partial) || 0xffff;
  segment[6] = sum >> 8;
  segment[7] = sum & 0xff;
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

// ------------------------------------------------------------------ ICMP echo (RFC 792)

export const ICMP_ECHO_REPLY = 0;
export const ICMP_ECHO_REQUEST = 8;

export interface IcmpEcho {
  readonly type: number;
  readonly identifier: number;
  readonly sequence: number;
  readonly data: Uint8Array;
}

export function parseIcmpEcho(payload: Uint8Array): IcmpEcho | undefined {
  if (payload.length < 8) return undefined;
  const type = payload[0]!;
  if (type !== ICMP_ECHO_REQUEST && type !== ICMP_ECHO_REPLY) return undefined;
  if (checksum(payload) !== 0) return undefined;
  return {
    type,
    identifier: (payload[4]! << 8) | payload[5]!,
    sequence: (payload[6]! << 8) | payload[7]!,
    data: payload.subarray(8),
  };
}

export function buildIcmpEcho(
  type: number,
  identifier: number,
  sequence: number,
  data: Uint8Array,
): Uint8Array {
  const message = new Uint8Array(8 + data.length);
  message[0] = type;
  message[4] = identifier >> 8;
  message[5] = identifier & 0xff;
  message[6] = sequence >> 8;
  message[7] = sequence & 0xff;
  message.set(data, 8);
  const sum = checksum(message);
  message[2] = sum >> 8;
  message[3] = sum & 0xff;
  return message;
}

/** True if `address` is inside `network`/`mask` (dotted masks). */
export function inSubnet(address: string, network: string, mask: string): boolean {
  const m = ipToNumber(mask);
  return (ipToNumber(address) & m) >>> 0 === (ipToNumber(network) & m) >>> 0;
}
