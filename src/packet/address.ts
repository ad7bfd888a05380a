// IP addresses, the one module every layer uses: text (the config model) <-> bytes (packets,
// ID payloads) <-> numbers (ranges and masks). Text is read strictly:
// - IPv4 is a dotted quad of exactly four decimal octets 0-255 without leading zeros.
//   `inet_aton` reads `0x1.2.3.4`, `1.2.3` and `010.1.1.1` (octal!) as addresses; a
//   security policy must not depend on which reading a tool made, so we accept only the
//   form every reader agrees on (RFC 3986 §3.2.2 dec-octet, RFC 6943 §3.1.1).
// - IPv6 is RFC 4291 §2.2: eight groups of 1-4 hex digits, one `::` at most, an embedded
//   dotted quad only as the last 32 bits; no zone index. Output is RFC 5952 canonical.

import { PacketError } from './errors.js';

export type IpFamily = 4 | 6;

const DEC_OCTET = /^(0|[1-9][0-9]{0,2})$/;
const HEX_GROUP = /^[0-9a-fA-F]{1,4}$/;

export function isIpv6Text(address: string): boolean {
  return address.includes(':');
}

/** The 4 bytes of a dotted quad, or undefined when the text is not one. */
export function parseIpv4Text(text: string): Uint8Array | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  const out = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    const p = parts[i]!;
    if (!DEC_OCTET.test(p) || Number(p) > 255) return undefined;
    out[i] = Number(p);
  }
  return out;
}

/** The 16 bytes of an RFC 4291 §2.2 text address, or undefined. */
export function parseIpv6Text(text: string): Uint8Array | undefined {
  let head = text;
  let v4: Uint8Array | undefined;
  if (text.includes('.')) {
    const lastColon = text.lastIndexOf(':');
    if (lastColon < 0) return undefined;
    v4 = parseIpv4Text(text.slice(lastColon + 1));
    if (!v4) return undefined;
    head = text.slice(0, lastColon + 1);
    // "::1.2.3.4" leaves "::"; "a:b:c:d:e:f:1.2.3.4" leaves "a:...:f:" (drop that colon)
    if (!head.endsWith('::')) head = head.slice(0, -1);
  }
  const halves = head.split('::');
  if (halves.length > 2) return undefined;
  const groups = (s: string): number[] | undefined => {
    if (s === '') return [];
    const out: number[] = [];
    for (const g of s.split(':')) {
      if (!HEX_GROUP.test(g)) return undefined;
      out.push(parseInt(g, 16));
    }
    return out;
  };
  const left = groups(halves[0]!);
  const right = halves.length === 2 ? groups(halves[1]!) : [];
  if (!left || !right) return undefined;
  const want = v4 ? 6 : 8;
  const fill = want - left.length - right.length;
  if (halves.length === 2 ? fill < 1 : fill !== 0) return undefined;
  const words = [...left, ...new Array<number>(fill).fill(0), ...right];
  const out = new Uint8Array(16);
  words.forEach((w, i) => {
    out[2 * i] = w >> 8;
    out[2 * i + 1] = w & 0xff;
  });
  if (v4) out.set(v4, 12);
  return out;
}

/** IPv4 or IPv6 text to bytes, or undefined. */
export function parseAddressText(text: string): Uint8Array | undefined {
  return isIpv6Text(text) ? parseIpv6Text(text) : parseIpv4Text(text);
}

export function isAddressText(text: string): boolean {
  return parseAddressText(text) !== undefined;
}

/** "192.0.2.1" -> 4 bytes; throws PacketError for anything else. */
export function ipv4FromText(address: string): Uint8Array {
  const b = parseIpv4Text(address);
  if (!b) throw new PacketError(`not an IPv4 address: ${JSON.stringify(address)}`, 0);
  return b;
}

/** RFC 4291 §2.2 text -> 16 bytes; throws PacketError for anything else. */
export function ipv6FromText(address: string): Uint8Array {
  const b = parseIpv6Text(address);
  if (!b) throw new PacketError(`not an IPv6 address: ${JSON.stringify(address)}`, 0);
  return b;
}

export function addressFromText(address: string): Uint8Array {
  return isIpv6Text(address) ? ipv6FromText(address) : ipv4FromText(address);
}

export function ipv4ToText(bytes: Uint8Array, offset = 0): string {
  return `${bytes[offset]}.${bytes[offset + 1]}.${bytes[offset + 2]}.${bytes[offset + 3]}`;
}

/** RFC 5952 canonical text. */
export function ipv6ToText(bytes: Uint8Array, offset = 0): string {
  const words: number[] = [];
  for (let i = 0; i < 8; i++) words.push((bytes[offset + 2 * i]! << 8) | bytes[offset + 2 * i + 1]!);
  // RFC 5952 §4.2: compress the longest run (the first if tied) of two or more zero groups.
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8;) {
    if (words[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = words.map((w) => w.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}

export function addressToText(bytes: Uint8Array): string {
  return bytes.length === 16 ? ipv6ToText(bytes) : ipv4ToText(bytes);
}

/** IPv4 address bytes as an unsigned 32-bit number (for range compares). */
export function ipv4ToNumber(bytes: Uint8Array, offset = 0): number {
  return (
    ((bytes[offset]! << 24) | (bytes[offset + 1]! << 16) | (bytes[offset + 2]! << 8) | bytes[offset + 3]!) >>>
    0
  );
}

export function ipv4FromNumber(value: number): Uint8Array {
  const v = value >>> 0;
  return Uint8Array.of(v >>> 24, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff);
}

/** A dotted quad as a number, or undefined when the text is not one. */
export function ipv4TextToNumber(text: string): number | undefined {
  const b = parseIpv4Text(text);
  return b ? ipv4ToNumber(b) : undefined;
}

export function ipv4NumberToText(value: number): string {
  return ipv4ToText(ipv4FromNumber(value));
}

/** Address bytes (4 or 16) as one unsigned integer, so both families compare alike. */
export function addressToBigInt(bytes: Uint8Array): bigint {
  let v = 0n;
  for (const b of bytes) v = (v << 8n) | BigInt(b);
  return v;
}

export function addressFromBigInt(value: bigint, family: IpFamily): Uint8Array {
  const out = new Uint8Array(family === 4 ? 4 : 16);
  let v = value;
  for (let i = out.length - 1; i >= 0; i--) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

export function familyOf(bytes: Uint8Array): IpFamily {
  return bytes.length === 16 ? 6 : 4;
}

export function addressBits(family: IpFamily): number {
  return family === 4 ? 32 : 128;
}

/** The mask with `prefix` leading ones, as a bigint of the family's width. */
export function prefixMask(prefix: number, family: IpFamily): bigint {
  const bits = BigInt(addressBits(family));
  const all = (1n << bits) - 1n;
  return prefix <= 0 ? 0n : (all >> (bits - BigInt(prefix))) << (bits - BigInt(prefix));
}

/** Prefix length of a mask whose ones are contiguous from the top, else undefined. */
export function maskPrefix(mask: bigint, family: IpFamily): number | undefined {
  const bits = addressBits(family);
  const inverted = ((1n << BigInt(bits)) - 1n) ^ mask;
  // A contiguous inverse mask is 2^k - 1: adding one leaves no bit in common with it.
  if ((inverted & (inverted + 1n)) !== 0n) return undefined;
  return bits - inverted.toString(2).replace(/0/g, '').length;
}

/** IPv4 netmask number (255.255.255.0) -> prefix length (24), undefined when not contiguous. */
export function netmaskPrefix(mask: number): number | undefined {
  return maskPrefix(BigInt(mask >>> 0), 4);
}

export function prefixToNetmask(prefix: number): number {
  return Number(prefixMask(prefix, 4));
}

/** "192.0.2.0/24" or "2001:db8::/32" (a bare address is a host prefix), or undefined. */
export function parsePrefixText(
  text: string,
): { readonly address: Uint8Array; readonly length: number } | undefined {
  const slash = text.indexOf('/');
  const address = parseAddressText(slash < 0 ? text : text.slice(0, slash));
  if (!address) return undefined;
  const max = address.length * 8;
  if (slash < 0) return { address, length: max };
  const len = text.slice(slash + 1);
  if (!/^(0|[1-9][0-9]{0,2})$/.test(len) || Number(len) > max) return undefined;
  return { address, length: Number(len) };
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
