// IPv4 fragmentation (RFC 791 §3.2) and a bounded reassembler. Fragments are peer input:
// overlaps drop the whole datagram (as RFC 5722 does for IPv6), and memory is capped in
// datagrams, fragments and bytes; expiry is driven by the caller's `now` (seconds).

import { PacketError } from './errors.js';
import { IPV4_FLAG_MF, parseIpv4, setIpv4Checksum } from './ipv4.js';
import {
  DEFAULT_REASSEMBLY_LIMITS,
  ReassemblyTable,
  type ReassemblyLimits,
  type ReassemblyResult,
} from './reassembly.js';

/** Options whose copy flag (RFC 791: bit 0x80) is set go into every fragment. */
function copiedOptions(options: Uint8Array): Uint8Array {
  const out: number[] = [];
  let i = 0;
  while (i < options.length) {
    const type = options[i]!;
    if (type === 0) break;
    if (type === 1) {
      i++;
      continue;
    }
    const len = options[i + 1] ?? 0;
    if (len < 2 || i + len > options.length) break;
    if (type & 0x80) for (let k = 0; k < len; k++) out.push(options[i + k]!);
    i += len;
  }
  while (out.length % 4 !== 0) out.push(0);
  return Uint8Array.from(out);
}

/** Splits an IPv4 packet into fragments of at most `mtu` bytes (the DF bit is the caller's
 * business: it is ignored here). Returns [packet] when it already fits. */
export function fragmentIpv4(packet: Uint8Array, mtu: number): Uint8Array[] {
  const h = parseIpv4(packet);
  if (h.totalLength <= mtu) return [packet.subarray(0, h.totalLength)];
  const laterOptions = copiedOptions(h.options);
  const firstHl = h.headerLength;
  const laterHl = 20 + laterOptions.length;
  const firstChunk = (mtu - firstHl) & ~7;
  const laterChunk = (mtu - laterHl) & ~7;
  if (firstChunk <= 0 || laterChunk <= 0) throw new PacketError(`MTU ${mtu} too small to fragment`, 0);
  const fragments: Uint8Array[] = [];
  const payload = h.payload;
  const baseOffset = h.fragmentOffset;
  const lastIsFinal = !h.moreFragments;
  let at = 0;
  while (at < payload.length) {
    const first = at === 0;
    const chunk = Math.min(first ? firstChunk : laterChunk, payload.length - at);
    const hl = first ? firstHl : laterHl;
    const out = new Uint8Array(hl + chunk);
    out.set(packet.subarray(0, 20), 0);
    if (first) out.set(h.options, 20);
    else out.set(laterOptions, 20);
    out[0] = 0x40 | (hl >> 2);
    out[2] = (hl + chunk) >> 8;
    out[3] = (hl + chunk) & 0xff;
    const more = at + chunk < payload.length || !lastIsFinal;
    const fo = (h.dontFragment ? 0x4000 : 0) | (more ? IPV4_FLAG_MF : 0) | ((baseOffset + at) >> 3);
    out[6] = fo >> 8;
    out[7] = fo & 0xff;
    out.set(payload.subarray(at, at + chunk), hl);
    setIpv4Checksum(out);
    fragments.push(out);
    at += chunk;
  }
  return fragments;
}

export function isIpv4Fragment(packet: Uint8Array): boolean {
  return packet.length >= 8 && (((packet[6]! << 8) | packet[7]!) & 0x3fff) !== 0;
}

export { DEFAULT_REASSEMBLY_LIMITS, type ReassemblyLimits, type ReassemblyResult } from './reassembly.js';

export class Ipv4Reassembler {
  private readonly table: ReassemblyTable<Uint8Array>;

  constructor(limits: ReassemblyLimits = DEFAULT_REASSEMBLY_LIMITS) {
    // an exact duplicate counts as an overlap here
    this.table = new ReassemblyTable(limits, false);
  }

  get size(): number {
    return this.table.size;
  }

  /** Adds one fragment (throws PacketError only for a malformed IPv4 header). */
  add(packet: Uint8Array, now: number): ReassemblyResult {
    this.expire(now);
    const h = parseIpv4(packet, true);
    const key = `${h.source.join('.')}>${h.destination.join('.')}/${h.protocol}#${h.identification}`;
    const data = h.payload;
    const r = this.table.add(
      key,
      {
        offset: h.fragmentOffset,
        data,
        more: h.moreFragments,
        maxEnd: 0xffff - 20, // RFC 791: Total Length has 16 bits (counted with a bare header)
        // A copy: the caller may reuse its receive buffer before the datagram completes.
        first: h.fragmentOffset === 0 ? h.header.slice() : undefined,
        cost: data.length,
      },
      now,
    );
    if (r.kind !== 'complete') return r;
    const hl = r.first.length;
    const out = new Uint8Array(hl + r.body.length);
    out.set(r.first, 0);
    out.set(r.body, hl);
    out[2] = out.length >> 8;
    out[3] = out.length & 0xff;
    out[6] = out[6]! & 0x40; // keep DF, clear MF and offset
    out[7] = 0;
    setIpv4Checksum(out);
    return { kind: 'complete', packet: out };
  }

  /** Drops datagrams older than the timeout. */
  expire(now: number): number {
    return this.table.expire(now);
  }
}
