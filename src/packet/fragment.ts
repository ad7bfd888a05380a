// IPv4 fragmentation (RFC 791 §3.2) and a bounded reassembler. Fragments are peer input:
// overlaps drop the whole datagram (as RFC 5722 does for IPv6), and memory is capped in
// datagrams, fragments and bytes; expiry is driven by the caller's `now` (seconds).

import { PacketError } from './errors.js';
import { IPV4_FLAG_MF, parseIpv4, setIpv4Checksum } from './ipv4.js';

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

export interface ReassemblyLimits {
  /** Datagrams being reassembled at once. */
  readonly maxDatagrams: number;
  readonly maxFragmentsPerDatagram: number;
  /** Bytes held over all datagrams. */
  readonly maxBytes: number;
  readonly timeoutSeconds: number;
}

export const DEFAULT_REASSEMBLY_LIMITS: ReassemblyLimits = {
  maxDatagrams: 64,
  maxFragmentsPerDatagram: 64,
  maxBytes: 1 << 20,
  timeoutSeconds: 30, // RFC 791 suggests 15 s as the lower bound; Linux uses 30 s
};

interface Pending {
  readonly created: number;
  readonly pieces: { offset: number; data: Uint8Array }[];
  header?: Uint8Array; // header of the first fragment
  totalLength?: number; // payload length, known once the last fragment arrived
  bytes: number;
}

export type ReassemblyResult =
  | { readonly kind: 'complete'; readonly packet: Uint8Array }
  | { readonly kind: 'pending' }
  | {
      readonly kind: 'dropped';
      readonly reason: 'overlap' | 'malformed' | 'too-many-fragments' | 'too-large' | 'no-room';
    };

export class Ipv4Reassembler {
  private readonly pending = new Map<string, Pending>();
  private heldBytes = 0;

  constructor(private readonly limits: ReassemblyLimits = DEFAULT_REASSEMBLY_LIMITS) {}

  get size(): number {
    return this.pending.size;
  }

  /** Adds one fragment (throws PacketError only for a malformed IPv4 header). */
  add(packet: Uint8Array, now: number): ReassemblyResult {
    this.expire(now);
    const h = parseIpv4(packet, true);
    const key = `${h.source.join('.')}>${h.destination.join('.')}/${h.protocol}#${h.identification}`;
    let p = this.pending.get(key);
    if (p === undefined) {
      if (this.pending.size >= this.limits.maxDatagrams) return { kind: 'dropped', reason: 'no-room' };
      p = { created: now, pieces: [], bytes: 0 };
      this.pending.set(key, p);
    }
    const data = h.payload;
    const start = h.fragmentOffset;
    const end = start + data.length;
    const drop = (
      reason: 'overlap' | 'malformed' | 'too-many-fragments' | 'too-large' | 'no-room',
    ): ReassemblyResult => {
      this.discard(key);
      return { kind: 'dropped', reason };
    };
    if (end + 20 > 0xffff) return drop('too-large');
    if (h.moreFragments && data.length % 8 !== 0) return drop('malformed');
    if (p.pieces.length >= this.limits.maxFragmentsPerDatagram) return drop('too-many-fragments');
    if (this.heldBytes + data.length > this.limits.maxBytes) return drop('no-room');
    for (const q of p.pieces) {
      if (start < q.offset + q.data.length && q.offset < end) return drop('overlap');
    }
    if (!h.moreFragments) {
      if (p.totalLength !== undefined || p.pieces.some((q) => q.offset + q.data.length > end))
        return drop('overlap');
      p.totalLength = end;
    } else if (p.totalLength !== undefined && end > p.totalLength) {
      return drop('overlap');
    }
    if (start === 0) p.header = h.header;
    p.pieces.push({ offset: start, data: data.slice() });
    p.bytes += data.length;
    this.heldBytes += data.length;
    if (p.totalLength === undefined || p.header === undefined || p.bytes !== p.totalLength)
      return { kind: 'pending' };
    const hl = p.header.length;
    const out = new Uint8Array(hl + p.totalLength);
    out.set(p.header, 0);
    for (const q of p.pieces) out.set(q.data, hl + q.offset);
    out[2] = out.length >> 8;
    out[3] = out.length & 0xff;
    out[6] = out[6]! & 0x40; // keep DF, clear MF and offset
    out[7] = 0;
    setIpv4Checksum(out);
    this.discard(key);
    return { kind: 'complete', packet: out };
  }

  /** Drops datagrams older than the timeout. */
  expire(now: number): number {
    let n = 0;
    for (const [key, p] of this.pending) {
      if (now - p.created >= this.limits.timeoutSeconds) {
        this.discard(key);
        n++;
      }
    }
    return n;
  }

  private discard(key: string): void {
    const p = this.pending.get(key);
    if (p === undefined) return;
    this.heldBytes -= p.bytes;
    this.pending.delete(key);
  }
}
