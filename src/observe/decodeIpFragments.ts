// Reassembles IP fragments in a capture (RFC 791 §3.2 for IPv4, RFC 8200 §4.5 for IPv6): IKE
// messages with certificates are often larger than the path MTU, and peers without IKE
// fragmentation (e.g. Cisco IOS) let IP fragment them. Bounded: at most MAX_PENDING datagrams
// waiting and MAX_DATAGRAM bytes each; overlapping fragments are refused, not merged.

const MAX_PENDING = 64;
const MAX_DATAGRAM = 65_535;
const MAX_FRAGMENTS = 64;

export interface Fragment {
  /** Source, destination, identification and protocol, as one string. */
  readonly key: string;
  /** Offset of `data` in the original datagram's payload, in bytes. */
  readonly offset: number;
  readonly more: boolean;
  readonly data: Uint8Array;
  readonly frame: number;
  /** For the fragment at offset 0: builds the whole packet from the reassembled payload. */
  readonly rebuild?: (payload: Uint8Array) => Uint8Array;
}

export interface Reassembled {
  readonly packet: Uint8Array;
  readonly frames: readonly number[];
}

interface Pending {
  readonly pieces: Fragment[];
  total?: number;
}

export class IpReassembler {
  private readonly pending = new Map<string, Pending>();

  /** Adds a fragment; returns the whole packet once every piece is there. */
  add(fragment: Fragment): Reassembled | undefined {
    let entry = this.pending.get(fragment.key);
    if (entry === undefined) {
      if (this.pending.size >= MAX_PENDING) {
        const oldest = this.pending.keys().next().value;
        if (oldest !== undefined) this.pending.delete(oldest);
      }
      entry = { pieces: [] };
      this.pending.set(fragment.key, entry);
    }
    const end = fragment.offset + fragment.data.length;
    if (end > MAX_DATAGRAM || entry.pieces.length >= MAX_FRAGMENTS) {
      this.pending.delete(fragment.key);
      return undefined;
    }
    if (entry.pieces.some((p) => p.offset === fragment.offset && p.data.length === fragment.data.length)) {
      return undefined; // a duplicate
    }
    entry.pieces.push(fragment);
    if (!fragment.more) entry.total = end;
    if (entry.total === undefined) return undefined;
    const pieces = [...entry.pieces].sort((a, b) => a.offset - b.offset);
    let covered = 0;
    for (const piece of pieces) {
      if (piece.offset !== covered) return undefined; // a gap (or an overlap): wait or give up
      covered += piece.data.length;
    }
    if (covered !== entry.total) return undefined;
    this.pending.delete(fragment.key);
    const first = pieces[0];
    if (first?.rebuild === undefined) return undefined;
    const payload = new Uint8Array(covered);
    for (const piece of pieces) payload.set(piece.data, piece.offset);
    return { packet: first.rebuild(payload), frames: pieces.map((p) => p.frame) };
  }
}
