// Rewrites an IPv4 packet's source or destination address and port (ICMP echo: identifier)
// in place on a copy, with the checksums fixed up incrementally (RFC 1624 eqn. 3): the IP
// header checksum for the address; TCP and UDP for the address (it is in their RFC 793/768
// pseudo-header) and the port; ICMP for the identifier only (its checksum covers no
// pseudo-header). A UDP checksum of 0 means "none" and stays 0; a computed 0 is sent as
// 0xFFFF (RFC 768).

import { ipv4ToText, parseIpv4Text } from '../../packet/address.js';
import { internetChecksum, updateChecksum, updateChecksumBytes } from '../../packet/checksum.js';
import { IPPROTO_ICMP, ICMP_ECHO_REPLY, ICMP_ECHO_REQUEST } from '../../packet/icmp.js';
import { IPPROTO_TCP } from '../../packet/tcp.js';
import { IPPROTO_UDP } from '../../packet/udp.js';

/** What NAT reads from a packet: addresses as text, the ports (ICMP echo: the identifier on both). */
export interface NatFlow {
  readonly protocol: number;
  readonly source: string;
  readonly destination: string;
  /** TCP/UDP ports or the ICMP echo identifier; undefined when the packet has none (or is a later fragment). */
  readonly sourcePort?: number;
  readonly destinationPort?: number;
  /** TCP flags (SYN 0x02, FIN 0x01, RST 0x04, ACK 0x10). */
  readonly tcpFlags?: number;
  readonly laterFragment: boolean;
}

const text = (p: Uint8Array, at: number): string => ipv4ToText(p, at);
const u16 = (p: Uint8Array, at: number): number => (p[at]! << 8) | p[at + 1]!;
const put16 = (p: Uint8Array, at: number, v: number): void => {
  p[at] = v >> 8;
  p[at + 1] = v & 0xff;
};

function addressBytes(address: string): Uint8Array | undefined {
  const bytes = parseIpv4Text(address);
  return bytes?.length === 4 ? bytes : undefined;
}

/** The header length when `packet` is a well-formed IPv4 packet, else undefined. */
function headerLength(packet: Uint8Array): number | undefined {
  if (packet.length < 20 || packet[0]! >> 4 !== 4) return undefined;
  const hl = (packet[0]! & 0x0f) * 4;
  const total = u16(packet, 2);
  return hl < 20 || hl > packet.length || total < hl || total > packet.length ? undefined : hl;
}

/** Where the ports (or the ICMP echo identifier) are, when this packet carries them. */
function transport(packet: Uint8Array, hl: number): { kind: 'tcp' | 'udp' | 'echo'; at: number } | undefined {
  if ((u16(packet, 6) & 0x1fff) !== 0) return undefined;
  const protocol = packet[9];
  const end = u16(packet, 2);
  if (protocol === IPPROTO_TCP && end - hl >= 20) return { kind: 'tcp', at: hl };
  if (protocol === IPPROTO_UDP && end - hl >= 8) return { kind: 'udp', at: hl };
  if (protocol === IPPROTO_ICMP && end - hl >= 8) {
    const type = packet[hl];
    if (type === ICMP_ECHO_REQUEST || type === ICMP_ECHO_REPLY) return { kind: 'echo', at: hl };
  }
  return undefined;
}

/** The NAT view of an IPv4 packet; undefined when it is not a well-formed one. */
export function natFlow(packet: Uint8Array): NatFlow | undefined {
  const hl = headerLength(packet);
  if (hl === undefined) return undefined;
  const t = transport(packet, hl);
  const laterFragment = (u16(packet, 6) & 0x1fff) !== 0;
  const base = {
    protocol: packet[9]!,
    source: text(packet, 12),
    destination: text(packet, 16),
    laterFragment,
  };
  if (t === undefined) return base;
  if (t.kind === 'echo') {
    const id = u16(packet, t.at + 4);
    return { ...base, sourcePort: id, destinationPort: id };
  }
  return {
    ...base,
    sourcePort: u16(packet, t.at),
    destinationPort: u16(packet, t.at + 2),
    ...(t.kind === 'tcp' ? { tcpFlags: packet[t.at + 13]! } : {}),
  };
}

/**
 * A copy of `packet` with its source (`side` 'source') or destination address replaced by
 * `address` and, when given, its port or echo identifier by `port`. Undefined when the packet
 * is not well formed or a port is asked for a packet that has none.
 */
export function rewrite(
  packet: Uint8Array,
  side: 'source' | 'destination',
  address: string,
  port?: number,
): Uint8Array | undefined {
  const hl = headerLength(packet);
  const newAddress = addressBytes(address);
  if (hl === undefined || newAddress === undefined) return undefined;
  const t = transport(packet, hl);
  if (port !== undefined && t === undefined) return undefined;
  const out = Uint8Array.from(packet);
  const addrAt = side === 'source' ? 12 : 16;
  const oldAddress = out.slice(addrAt, addrAt + 4);
  out.set(newAddress, addrAt);
  put16(out, 10, updateChecksumBytes(u16(out, 10), oldAddress, newAddress));
  if (t === undefined) return out;
  if (t.kind === 'echo') {
    if (port !== undefined) {
      const sumAt = t.at + 2;
      put16(out, sumAt, updateChecksum(u16(out, sumAt), u16(out, t.at + 4), port));
      put16(out, t.at + 4, port);
    }
    return out;
  }
  const sumAt = t.at + (t.kind === 'tcp' ? 16 : 6);
  const portAt = t.at + (side === 'source' ? 0 : 2);
  const before = u16(out, sumAt);
  if (t.kind === 'udp' && before === 0) {
    if (port !== undefined) put16(out, portAt, port);
    return out;
  }
  let sum = updateChecksumBytes(before, oldAddress, newAddress);
  if (port !== undefined) {
    sum = updateChecksum(sum, u16(out, portAt), port);
    put16(out, portAt, port);
  }
  put16(out, sumAt, t.kind === 'udp' && sum === 0 ? 0xffff : sum);
  return out;
}

/** ICMP errors (RFC 792) that quote the datagram they are about: its header and first 8 bytes. */
const ICMP_ERRORS = new Set([3, 4, 5, 11, 12]);

/** The flow an ICMP error quotes (as it left: source is our global side), or undefined. */
export function icmpErrorQuote(packet: Uint8Array): NatFlow | undefined {
  const hl = headerLength(packet);
  if (hl === undefined || packet[9] !== IPPROTO_ICMP || (u16(packet, 6) & 0x1fff) !== 0) return undefined;
  if (!ICMP_ERRORS.has(packet[hl] ?? -1)) return undefined;
  const inner = packet.subarray(hl + 8, u16(packet, 2));
  if (inner.length < 28 || inner[0]! >> 4 !== 4) return undefined;
  const ihl = (inner[0]! & 0x0f) * 4;
  if (ihl < 20 || inner.length < ihl + 8) return undefined;
  const protocol = inner[9]!;
  const base = { protocol, source: text(inner, 12), destination: text(inner, 16), laterFragment: false };
  if (protocol === IPPROTO_TCP || protocol === IPPROTO_UDP)
    return { ...base, sourcePort: u16(inner, ihl), destinationPort: u16(inner, ihl + 2) };
  if (protocol === IPPROTO_ICMP && inner[ihl] === ICMP_ECHO_REQUEST) {
    const id = u16(inner, ihl + 4);
    return { ...base, sourcePort: id, destinationPort: id };
  }
  return base;
}

/**
 * An ICMP error about a translated datagram, readdressed for the inside host: the outer
 * destination and the quoted source (address, and port or echo identifier when `port` is
 * given) become `address`, the quoted headers' checksums are fixed up incrementally and the
 * ICMP checksum, which covers the quote, is recomputed.
 */
export function rewriteIcmpError(packet: Uint8Array, address: string, port?: number): Uint8Array | undefined {
  const quote = icmpErrorQuote(packet);
  const out = quote === undefined ? undefined : rewrite(packet, 'destination', address);
  const hl = out === undefined ? undefined : headerLength(out);
  const newAddress = addressBytes(address);
  if (out === undefined || hl === undefined || newAddress === undefined || quote === undefined)
    return undefined;
  const at = hl + 8;
  const ihl = (out[at]! & 0x0f) * 4;
  const oldAddress = out.slice(at + 12, at + 16);
  out.set(newAddress, at + 12);
  put16(out, at + 10, updateChecksumBytes(u16(out, at + 10), oldAddress, newAddress));
  const t = at + ihl;
  if (port !== undefined && quote.sourcePort !== undefined) {
    if (quote.protocol === IPPROTO_ICMP) {
      put16(out, t + 2, updateChecksum(u16(out, t + 2), u16(out, t + 4), port));
      put16(out, t + 4, port);
    } else {
      if (quote.protocol === IPPROTO_UDP && u16(out, t + 6) !== 0) {
        const sum = updateChecksum(
          updateChecksumBytes(u16(out, t + 6), oldAddress, newAddress),
          u16(out, t),
          port,
        );
        put16(out, t + 6, sum === 0 ? 0xffff : sum);
      }
      put16(out, t, port);
    }
  }
  // The quote's TCP checksum lies past its first 8 bytes: the quote cannot carry it.
  put16(out, hl + 2, 0);
  put16(out, hl + 2, internetChecksum(out.subarray(hl, u16(out, 2))));
  return out;
}
