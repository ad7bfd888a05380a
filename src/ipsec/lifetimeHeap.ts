// SA lifetime deadlines in a binary min-heap, so `tick` looks only at what is due and the
// next deadline is the top: nothing is scanned per packet or per second (issue 12).
// Entries of removed SAs are dropped lazily when they reach the top.

export interface Deadline<T> {
  readonly at: number;
  readonly item: T;
  readonly kind: 'soft' | 'hard';
}

export class LifetimeHeap<T> {
  private readonly heap: Deadline<T>[] = [];

  get size(): number {
    return this.heap.length;
  }

  push(at: number, item: T, kind: 'soft' | 'hard'): void {
    if (!Number.isFinite(at)) return;
    const h = this.heap;
    h.push({ at, item, kind });
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (h[parent]!.at <= h[i]!.at) break;
      [h[parent], h[i]] = [h[i]!, h[parent]!];
      i = parent;
    }
  }

  /** The earliest deadline of a live item (dropping dead ones on top), or undefined. */
  peek(dead: (item: T) => boolean): number | undefined {
    while (this.heap.length > 0 && dead(this.heap[0]!.item)) this.popDue(Infinity);
    return this.heap[0]?.at;
  }

  /** Removes and returns the earliest entry if it is due at `now`. */
  popDue(now: number): Deadline<T> | undefined {
    const h = this.heap;
    const top = h[0];
    if (top === undefined || top.at > now) return undefined;
    const last = h.pop()!;
    if (h.length > 0) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && h[l]!.at < h[m]!.at) m = l;
        if (r < h.length && h[r]!.at < h[m]!.at) m = r;
        if (m === i) break;
        [h[m], h[i]] = [h[i]!, h[m]!];
        i = m;
      }
    }
    return top;
  }

  /** Drops the entries `dead` says belong to removed items (when they pile up). */
  compact(dead: (item: T) => boolean): void {
    const live = this.heap.filter((d) => !dead(d.item));
    this.heap.length = 0;
    for (const d of live) this.push(d.at, d.item, d.kind);
  }
}
