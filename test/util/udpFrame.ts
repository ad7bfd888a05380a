// Builds IPv4/UDP frames for capture files in tests (LINKTYPE_RAW).

export function ipv4Bytes(address: string): number[] {
  return address.split('.').map((part) => Number(part));
}

/** An IPv4 header + UDP header + payload, with valid IPv4 and UDP checksums. */
export function udpIpv4Frame(
  src: string,
  dst: string,
  sport: number,
  dport: number,
  payload: Uint8Array,
): Uint8Array {
  const total = 20 + 8 + payload.length;
  const out = new Uint8Array(total);
  const v = new DataView(out.buffer);
  out[0] = 0x45;
  v.setUint16(2, total);
  v.setUint16(6, 0x4000); // DF
  out[8] = 64;
  out[9] = 17;
  out.set(ipv4Bytes(src), 12);
  out.set(ipv4Bytes(dst), 16);
  v.setUint16(10, checksum(out.subarray(0, 20)));
  v.setUint16(20, sport);
  v.setUint16(22, dport);
  v.setUint16(24, 8 + payload.length);
  out.set(payload, 28);
  const pseudo = new Uint8Array(12 + 8 + payload.length);
  pseudo.set(out.subarray(12, 20), 0);
  pseudo[9] = 17;
  new DataView(pseudo.buffer).setUint16(10, 8 + payload.length);
  pseudo.set(out.subarray(20), 12);
  v.setUint16(26, checksum(pseudo) || 0xffff);
  return out;
}

function checksum(bytes: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < bytes.length; i += 2) sum += (bytes[i]! << 8) | (bytes[i + 1] ?? 0);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}
