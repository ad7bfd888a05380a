// IPv4/IPv6 text <-> bytes for ID and NAT-OA payloads, with the codec's error type. The
// reading itself is src/packet/address.ts, the one address module (see docs/DESIGN.md).

import { ipv4ToText, ipv6ToText, parseIpv4Text, parseIpv6Text } from '../packet/address.js';
import { EncodeError } from './errors.js';

export function formatIpv4(b: Uint8Array): string {
  return ipv4ToText(b);
}

/** RFC 5952 canonical text. */
export function formatIpv6(b: Uint8Array): string {
  return ipv6ToText(b);
}

export function parseIpv4(s: string): Uint8Array {
  const b = parseIpv4Text(s);
  if (!b) throw new EncodeError(`not an IPv4 address: ${s}`);
  return b;
}

export function parseIpv6(s: string): Uint8Array {
  const b = parseIpv6Text(s);
  if (!b) throw new EncodeError(`not an IPv6 address: ${s}`);
  return b;
}
