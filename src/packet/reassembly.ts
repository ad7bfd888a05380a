// Bounded bookkeeping shared by the IPv4 and IPv6 reassemblers: a table of pending datagrams
// keyed by the caller, capped in datagrams, fragments and bytes, expired by the caller's `now`
// (seconds). Fragments are peer input: an overlap drops the whole datagram (RFC 5722 §4).

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

export type ReassemblyResult =
  | { readonly kind: 'complete'; readonly packet: Uint8Array }
  | { readonly kind: 'pending' }
  | {
      readonly kind: 'dropped';
      readonly reason: 'overlap' | 'malformed' | 'too-many-fragments' | 'too-large' | 'no-room';
    };

type DropReason = Extract<ReassemblyResult, { kind: 'dropped' }>['reason'];

/** One fragment as the reassembler read it from its header. */
export interface Fragment<First> {
  /** In bytes, into the fragmentable part. */
  readonly offset: number;
  readonly data: Uint8Array;
  readonly more: boolean;
  /** Largest end offset the reassembled datagram may reach (its length field has 16 bits). */
  readonly maxEnd: number;
  /** Set by the fragment at offset 0: what the whole datagram is rebuilt with. */
  readonly first?: First | undefined;
  /** Bytes held against the limits: the data and whatever else is kept (e.g. `first`). */
  readonly cost: number;
  /** The reassembler's own reason to reject the fragment as malformed. */
  readonly malformed?: boolean;
}

/** The table's answer: a complete datagram comes back as its `first` and joined data. */
export type TableResult<First> =
  | { readonly kind: 'complete'; readonly first: First; readonly body: Uint8Array }
  | Exclude<ReassemblyResult, { kind: 'complete' }>;

interface Pending<First> {
  readonly created: number;
  readonly pieces: { offset: number; data: Uint8Array; more: boolean }[];
  first?: First;
  totalLength?: number; // known once the last fragment arrived
  bytes: number; // data bytes received
  held: number; // bytes counted against the limit
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export class ReassemblyTable<First> {
  private readonly pending = new Map<string, Pending<First>>();
  private heldBytes = 0;

  /** `ignoreDuplicates`: an exact copy of a held fragment is ignored (RFC 8200 §4.5) rather
   * than dropped as an overlap. */
  constructor(
    private readonly limits: ReassemblyLimits,
    private readonly ignoreDuplicates: boolean,
  ) {}

  get size(): number {
    return this.pending.size;
  }

  /** Adds a fragment to the datagram `key`; any reason to drop it drops the whole datagram. */
  add(key: string, fragment: Fragment<First>, now: number): TableResult<First> {
    let p = this.pending.get(key);
    if (p === undefined) {
      if (this.pending.size >= this.limits.maxDatagrams) return { kind: 'dropped', reason: 'no-room' };
      p = { created: now, pieces: [], bytes: 0, held: 0 };
      this.pending.set(key, p);
    }
    const drop = (reason: DropReason): TableResult<First> => {
      this.discard(key);
      return { kind: 'dropped', reason };
    };
    const { offset: start, data, more } = fragment;
    const end = start + data.length;
    if (end > fragment.maxEnd) return drop('too-large');
    // every fragment but the last carries a multiple of 8 octets
    if (more && data.length % 8 !== 0) return drop('malformed');
    if (fragment.malformed === true) return drop('malformed');
    if (this.ignoreDuplicates) {
      const copy = p.pieces.find((q) => q.offset === start && q.data.length === data.length);
      if (copy !== undefined && copy.more === more && sameBytes(copy.data, data)) return { kind: 'pending' };
    }
    if (p.pieces.length >= this.limits.maxFragmentsPerDatagram) return drop('too-many-fragments');
    if (this.heldBytes + fragment.cost > this.limits.maxBytes) return drop('no-room');
    for (const q of p.pieces) {
      if (start < q.offset + q.data.length && q.offset < end) return drop('overlap');
    }
    if (!more) {
      if (p.totalLength !== undefined || p.pieces.some((q) => q.offset + q.data.length > end))
        return drop('overlap');
      p.totalLength = end;
    } else if (p.totalLength !== undefined && end > p.totalLength) {
      return drop('overlap');
    }
    if (fragment.first !== undefined) p.first = fragment.first;
    p.pieces.push({ offset: start, data: data.slice(), more });
    p.bytes += data.length;
    p.held += fragment.cost;
    this.heldBytes += fragment.cost;
    if (p.totalLength === undefined || p.first === undefined || p.bytes !== p.totalLength)
      return { kind: 'pending' };
    const body = new Uint8Array(p.totalLength);
    for (const q of p.pieces) body.set(q.data, q.offset);
    const first = p.first;
    this.discard(key);
    return { kind: 'complete', first, body };
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
    this.heldBytes -= p.held;
    this.pending.delete(key);
  }
}
