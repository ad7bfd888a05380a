// The manager's timers: each IKE SA's (and each installed IPsec SA's) earliest deadline in a
// binary min-heap, so the next deadline is read at the top instead of scanning every SA
// after every datagram. A key's entry is replaced when its deadline is recomputed.

interface Entry<K> {
  key: K;
  at: number;
  index: number;
}

export class DeadlineHeap<K extends object> {
  private readonly heap: Entry<K>[] = [];
  private readonly entries = new Map<K, Entry<K>>();

  get size(): number {
    return this.heap.length;
  }

  /** The earliest deadline, or +Infinity. */
  peek(): number {
    return this.heap[0]?.at ?? Number.POSITIVE_INFINITY;
  }

  /** Sets (or with +Infinity, removes) `key`'s deadline. */
  set(key: K, at: number): void {
    const e = this.entries.get(key);
    if (!Number.isFinite(at)) {
      if (e) this.removeAt(e.index);
      return;
    }
    if (e === undefined) {
      const entry = { key, at, index: this.heap.length };
      this.heap.push(entry);
      this.entries.set(key, entry);
      this.up(entry.index);
      return;
    }
    const before = e.at;
    e.at = at;
    if (at < before) this.up(e.index);
    else this.down(e.index);
  }

  /** Takes out every key due by `now` (deadline <= now), earliest first. */
  popDue(now: number): K[] {
    const out: K[] = [];
    for (let top = this.heap[0]; top !== undefined && top.at <= now; top = this.heap[0]) {
      out.push(top.key);
      this.removeAt(0);
    }
    return out;
  }

  delete(key: K): void {
    const e = this.entries.get(key);
    if (e) this.removeAt(e.index);
  }

  clear(): void {
    this.heap.length = 0;
    this.entries.clear();
  }

  private removeAt(index: number): void {
    const e = this.heap[index];
    const last = this.heap.pop();
    if (e === undefined || last === undefined) return;
    this.entries.delete(e.key);
    if (last === e) return;
    last.index = index;
    this.heap[index] = last;
    this.up(index);
    this.down(last.index);
  }

  private up(i: number): void {
    const h = this.heap;
    for (;;) {
      const p = (i - 1) >> 1;
      const a = h[i];
      const b = h[p];
      if (i === 0 || a === undefined || b === undefined || b.at <= a.at) return;
      this.swap(i, p);
      i = p;
    }
  }

  private down(i: number): void {
    const h = this.heap;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if ((h[l]?.at ?? Infinity) < (h[m]?.at ?? Infinity)) m = l;
      if ((h[r]?.at ?? Infinity) < (h[m]?.at ?? Infinity)) m = r;
      if (m === i) return;
      this.swap(i, m);
      i = m;
    }
  }

  private swap(i: number, j: number): void {
    const a = this.heap[i];
    const b = this.heap[j];
    if (a === undefined || b === undefined) return;
    this.heap[i] = b;
    this.heap[j] = a;
    a.index = j;
    b.index = i;
  }
}
