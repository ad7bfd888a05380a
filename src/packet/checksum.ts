// RFC 1071 internet checksum, with partial sums so pseudo-headers and incremental updates
// (RFC 1624) need no copies.

/** One's-complement sum of 16-bit big-endian words (not folded, not inverted). */
export function onesSum(data: Uint8Array, initial = 0): number {
  let sum = initial;
  const n = data.length;
  const even = n & ~1;
  for (let i = 0; i < even; i += 2) sum += (data[i]! << 8) | data[i + 1]!;
  if (n & 1) sum += data[n - 1]! << 8;
  // fold often enough to stay a small integer
  return (sum & 0xffff) + Math.floor(sum / 0x10000);
}

export function foldSum(sum: number): number {
  let s = sum;
  while (s > 0xffff) s = (s & 0xffff) + Math.floor(s / 0x10000);
  return s;
}

/** The internet checksum of data (the value to store in the header). */
export function internetChecksum(data: Uint8Array, initial = 0): number {
  return ~foldSum(onesSum(data, initial)) & 0xffff;
}

/** RFC 1624 eqn. 3: HC' = ~(~HC + ~m + m'), for a 16-bit word changing from m to m'. */
export function updateChecksum(checksum: number, oldWord: number, newWord: number): number {
  const sum = (~checksum & 0xffff) + (~oldWord & 0xffff) + (newWord & 0xffff);
  return ~foldSum(sum) & 0xffff;
}

/** updateChecksum for a run of bytes (an address) replaced by another of the same length. */
export function updateChecksumBytes(checksum: number, oldBytes: Uint8Array, newBytes: Uint8Array): number {
  const sum = (~checksum & 0xffff) + (~foldSum(onesSum(oldBytes)) & 0xffff) + foldSum(onesSum(newBytes));
  return ~foldSum(sum) & 0xffff;
}

/** Pseudo-header sum for TCP/UDP/ICMPv6 (RFC 768, RFC 793, RFC 8200 §8.1). */
export function pseudoHeaderSum(
  source: Uint8Array,
  destination: Uint8Array,
  protocol: number,
  length: number,
): number {
  let sum = onesSum(source);
  sum = onesSum(destination, sum);
  return sum + protocol + (length & 0xffff) + Math.floor(length / 0x10000);
}
