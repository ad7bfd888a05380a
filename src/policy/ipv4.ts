// Dotted-quad IPv4 helpers shared by ACLs, selectors, PSK lookup and the config parsers.
// Addresses are handled as unsigned 32-bit numbers internally and as strings in the model.

import type { Ipv4 } from './model.js';

/** The address as an unsigned 32-bit number, or undefined if it is not a dotted quad. */
export function parseIpv4(text: string): number | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (!m) return undefined;
  let value = 0;
  for (let i = 1; i <= 4; i++) {
    const octet = Number(m[i]);
    if (octet > 255) return undefined;
    value = value * 256 + octet;
  }
  return value;
}

export function formatIpv4(value: number): Ipv4 {
  const v = value >>> 0;
  return `${v >>> 24}.${(v >>> 16) & 0xff}.${(v >>> 8) & 0xff}.${v & 0xff}`;
}

export function isIpv4(text: string): boolean {
  return parseIpv4(text) !== undefined;
}

/** Like parseIpv4 for values already validated by the parser; throws on garbage. */
export function ipv4ToNumber(text: Ipv4): number {
  const v = parseIpv4(text);
  if (v === undefined) throw new RangeError(`not an IPv4 address: ${JSON.stringify(text)}`);
  return v;
}

/**
 * Prefix length of a netmask (255.255.255.0 -> 24), or undefined when the ones are not
 * contiguous from the top.
 */
export function netmaskPrefix(mask: number): number | undefined {
  const inverted = ~mask >>> 0;
  // A contiguous inverse mask is 2^k - 1: adding one leaves no bit in common with it.
  if ((inverted & (inverted + 1)) !== 0) return undefined;
  return 32 - popcount(inverted);
}

/** Prefix length of an IOS wildcard (0.0.0.255 -> 24), undefined when not contiguous. */
export function wildcardPrefix(wildcard: number): number | undefined {
  return netmaskPrefix(~wildcard >>> 0);
}

export function prefixToNetmask(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

function popcount(value: number): number {
  let v = value >>> 0;
  let n = 0;
  while (v !== 0) {
    n += v & 1;
    v >>>= 1;
  }
  return n;
}
