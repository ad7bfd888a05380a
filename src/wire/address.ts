// IPv4/IPv6 text <-> bytes for ID and NAT-OA payloads. IPv6 text is RFC 5952 canonical.

import { EncodeError } from './errors.js';

export function formatIpv4(b: Uint8Array): string {
  return `${b[0]}.${b[1]}.${b[2]}.${b[3]}`;
}

export function formatIpv6(b: Uint8Array): string {
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((b[i]! << 8) | b[i + 1]!);
  // RFC 5952 §4.2: compress the longest run (first if tied) of two or more zero groups.
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}

export function parseIpv4(s: string): Uint8Array {
  const parts = s.split('.');
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255)) {
    throw new EncodeError(`not an IPv4 address: ${s}`);
  }
  return Uint8Array.from(parts.map(Number));
}

export function parseIpv6(s: string): Uint8Array {
  const fail = (): never => {
    throw new EncodeError(`not an IPv6 address: ${s}`);
  };
  let text = s;
  const lastColon = text.lastIndexOf(':');
  if (text.includes('.')) {
    if (lastColon < 0) fail();
    // Embedded IPv4 (::ffff:192.0.2.1): rewrite the dotted quad as two hex groups.
    const v4 = parseIpv4(text.slice(lastColon + 1));
    const hi = ((v4[0]! << 8) | v4[1]!).toString(16);
    const lo = ((v4[2]! << 8) | v4[3]!).toString(16);
    text = `${text.slice(0, lastColon + 1)}${hi}:${lo}`;
  }
  const halves = text.split('::');
  if (halves.length > 2) fail();
  const group = (p: string): number => (/^[0-9a-fA-F]{1,4}$/.test(p) ? parseInt(p, 16) : fail());
  const split = (h: string): number[] => (h === '' ? [] : h.split(':').map(group));
  const head = split(halves[0] ?? '');
  let groups: number[];
  if (halves.length === 2) {
    const rest = split(halves[1] ?? '');
    const missing = 8 - head.length - rest.length;
    if (missing < 1) fail();
    groups = [...head, ...new Array<number>(missing).fill(0), ...rest];
  } else {
    groups = head;
  }
  if (groups.length !== 8) fail();
  const out = new Uint8Array(16);
  groups.forEach((g, i) => {
    out[2 * i] = g >>> 8;
    out[2 * i + 1] = g & 0xff;
  });
  return out;
}
