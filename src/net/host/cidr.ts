// Address ranges (traffic selectors) as the CIDR prefixes `ip route` takes.

export function ipv4ToNumber(address: string): number {
  const parts = address.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) {
    throw new RangeError(`not an IPv4 address: ${address}`);
  }
  return (((parts[0] ?? 0) << 24) | ((parts[1] ?? 0) << 16) | ((parts[2] ?? 0) << 8) | (parts[3] ?? 0)) >>> 0;
}

export function numberToIpv4(value: number): string {
  return [value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255].join('.');
}

/** The smallest list of prefixes covering exactly `start`..`end` (inclusive). */
export function rangeToCidrs(start: string, end: string): string[] {
  let from = ipv4ToNumber(start);
  const to = ipv4ToNumber(end);
  const out: string[] = [];
  // Bounded: each step covers at least one address and a range splits into at most 62 prefixes.
  for (let guard = 0; from <= to && guard < 64; guard++) {
    let size = 32;
    while (size > 0) {
      const block = 2 ** (32 - (size - 1));
      if (from % block !== 0 || from + block - 1 > to) break;
      size--;
    }
    out.push(`${numberToIpv4(from)}/${size}`);
    from += 2 ** (32 - size);
  }
  return out;
}

/** Whether `address` lies inside `cidr`. */
export function cidrContains(cidr: string, address: string): boolean {
  const [base, bits] = cidr.split('/');
  const length = Number(bits ?? 32);
  const mask = length === 0 ? 0 : (0xffffffff << (32 - length)) >>> 0;
  return (ipv4ToNumber(base ?? '0.0.0.0') & mask) >>> 0 === (ipv4ToNumber(address) & mask) >>> 0;
}
