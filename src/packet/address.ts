// IP addresses as text (the config model) and as bytes (packets).

import { PacketError } from './errors.js';

export type IpFamily = 4 | 6;

export function isIpv6Text(address: string): boolean {
  return address.includes(':');
}

/** "192.0.2.1" -> 4 bytes; throws PacketError for anything else. */
export function ipv4FromText(address: string): Uint8Array {
  const parts = address.split('.');
  if (parts.length !== 4) throw new PacketError(`not an IPv4 address: ${address}`, 0);
  const out = new Uint8Array(4);
  parts.forEach((p, i) => {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) throw new PacketError(`not an IPv4 address: ${address}`, 0);
    out[i] = Number(p);
  });
  return out;
}

export function ipv4ToText(bytes: Uint8Array, offset = 0): string {
  return `${bytes[offset]}.${bytes[offset + 1]}.${bytes[offset + 2]}.${bytes[offset + 3]}`;
}

/** IPv4 address as an unsigned 32-bit number (for range compares). */
export function ipv4ToNumber(bytes: Uint8Array, offset = 0): number {
  return (
    ((bytes[offset]! << 24) | (bytes[offset + 1]! << 16) | (bytes[offset + 2]! << 8) | bytes[offset + 3]!) >>>
    0
  );
}

/** RFC 4291 §2.2 text (with "::" and an embedded dotted quad) -> 16 bytes. */
export function ipv6FromText(address: string): Uint8Array {
  const bad = (): PacketError => new PacketError(`not an IPv6 address: ${address}`, 0);
  let text = address;
  const words: number[] = [];
  const tail: number[] = [];
  const dotted = text.lastIndexOf(':');
  if (text.includes('.')) {
    const v4 = ipv4FromText(text.slice(dotted + 1));
    text = `${text.slice(0, dotted + 1)}${((v4[0]! << 8) | v4[1]!).toString(16)}:${((v4[2]! << 8) | v4[3]!).toString(16)}`;
  }
  const halves = text.split('::');
  if (halves.length > 2) throw bad();
  const parse = (s: string, into: number[]): void => {
    if (s === '') return;
    for (const w of s.split(':')) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(w)) throw bad();
      into.push(parseInt(w, 16));
    }
  };
  parse(halves[0] ?? '', words);
  if (halves.length === 2) parse(halves[1] ?? '', tail);
  const fill = 8 - words.length - tail.length;
  if (halves.length === 2 ? fill < 1 : fill !== 0) throw bad();
  const all = [...words, ...new Array<number>(fill).fill(0), ...tail];
  const out = new Uint8Array(16);
  all.forEach((w, i) => {
    out[2 * i] = w >> 8;
    out[2 * i + 1] = w & 0xff;
  });
  return out;
}

/** RFC 5952 canonical text. */
export function ipv6ToText(bytes: Uint8Array, offset = 0): string {
  const words: number[] = [];
  for (let i = 0; i < 8; i++) words.push((bytes[offset + 2 * i]! << 8) | bytes[offset + 2 * i + 1]!);
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

export function addressFromText(address: string): Uint8Array {
  return isIpv6Text(address) ? ipv6FromText(address) : ipv4FromText(address);
}

export function addressToText(bytes: Uint8Array): string {
  return bytes.length === 16 ? ipv6ToText(bytes) : ipv4ToText(bytes);
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
