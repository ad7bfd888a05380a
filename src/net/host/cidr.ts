// Address ranges (traffic selectors) as the CIDR prefixes `ip route` takes, IPv4 and IPv6.

import {
  addressBits,
  addressFromBigInt,
  addressToBigInt,
  addressToText,
  familyOf,
  parseAddressText,
  parsePrefixText,
  prefixMask,
} from '../../packet/address.js';

function address(text: string): Uint8Array {
  const b = parseAddressText(text);
  if (!b) throw new RangeError(`not an IP address: ${JSON.stringify(text)}`);
  return b;
}

/** The smallest list of prefixes covering exactly `start`..`end` (inclusive). */
export function rangeToCidrs(start: string, end: string): string[] {
  const first = address(start);
  const family = familyOf(first);
  const bits = addressBits(family);
  let from = addressToBigInt(first);
  const last = address(end);
  if (familyOf(last) !== family) throw new RangeError(`${start}-${end} mixes IPv4 and IPv6`);
  const to = addressToBigInt(last);
  const out: string[] = [];
  // Bounded: a range splits into at most 2 * bits prefixes.
  for (let guard = 0; from <= to && guard <= 2 * bits; guard++) {
    let length = bits;
    while (length > 0) {
      const block = 1n << BigInt(bits - (length - 1));
      if (from % block !== 0n || from + block - 1n > to) break;
      length--;
    }
    out.push(`${addressToText(addressFromBigInt(from, family))}/${length}`);
    from += 1n << BigInt(bits - length);
  }
  return out;
}

/** Whether `address` lies inside `cidr` (false across families). */
export function cidrContains(cidr: string, text: string): boolean {
  const prefix = parsePrefixText(cidr);
  if (!prefix) throw new RangeError(`not a prefix: ${JSON.stringify(cidr)}`);
  const a = address(text);
  if (a.length !== prefix.address.length) return false;
  const mask = prefixMask(prefix.length, familyOf(a));
  return (addressToBigInt(prefix.address) & mask) === (addressToBigInt(a) & mask);
}
