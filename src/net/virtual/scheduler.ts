// A discrete-event scheduler in virtual time: the lab's `Scheduler`. Events run in time order
// (ties in insertion order), so a run is a pure function of its inputs and its seed.

import type { Clock, Scheduler } from '../types.js';

interface Pending {
  readonly at: number;
  readonly seq: number;
  readonly callback: () => void;
  cancelled: boolean;
}

export class VirtualScheduler implements Scheduler {
  private current = 0;
  private seq = 0;
  private heap: Pending[] = [];
  readonly clock: Clock = { now: () => this.current };

  constructor(startSeconds = 0) {
    this.current = startSeconds;
  }

  now(): number {
    return this.current;
  }

  setTimer(atSeconds: number, callback: () => void): { cancel(): void } {
    const entry: Pending = {
      at: Math.max(atSeconds, this.current),
      seq: this.seq++,
      callback,
      cancelled: false,
    };
    this.push(entry);
    return {
      cancel: () => {
        entry.cancelled = true;
      },
    };
  }

  /** Runs `callback` after `delaySeconds` of virtual time. */
  after(delaySeconds: number, callback: () => void): { cancel(): void } {
    return this.setTimer(this.current + delaySeconds, callback);
  }

  /** Number of events still queued (cancelled ones included until they reach the top). */
  get pending(): number {
    return this.heap.length;
  }

  /**
   * Runs events until virtual time would pass `untilSeconds`, the queue is empty, `stop()`
   * says so, or `maxEvents` have run (a guard against event storms). Returns events run.
   */
  run(untilSeconds: number, options: { maxEvents?: number; stop?: () => boolean } = {}): number {
    const maxEvents = options.maxEvents ?? 1_000_000;
    let ran = 0;
    while (ran < maxEvents) {
      if (options.stop?.() === true) return ran;
      const top = this.heap[0];
      if (top === undefined || top.at > untilSeconds) {
        // Nothing more before the horizon: time moves on to it.
        if (Number.isFinite(untilSeconds)) this.current = Math.max(this.current, untilSeconds);
        return ran;
      }
      this.pop();
      if (top.cancelled) continue;
      this.current = top.at;
      ran++;
      top.callback();
    }
    return ran;
  }

  private less(a: Pending, b: Pending): boolean {
    return a.at < b.at || (a.at === b.at && a.seq < b.seq);
  }

  private push(entry: Pending): void {
    const heap = this.heap;
    heap.push(entry);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = heap[parent];
      const c = heap[i];
      if (p === undefined || c === undefined || !this.less(c, p)) break;
      heap[parent] = c;
      heap[i] = p;
      i = parent;
    }
  }

  private pop(): void {
    const heap = this.heap;
    const last = heap.pop();
    if (last === undefined || heap.length === 0) return;
    heap[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let smallest = i;
      const li = heap[l];
      const ri = heap[r];
      const si = heap[smallest];
      if (li !== undefined && si !== undefined && this.less(li, si)) smallest = l;
      const s2 = heap[smallest];
      if (ri !== undefined && s2 !== undefined && this.less(ri, s2)) smallest = r;
      if (smallest === i) break;
      const a = heap[i];
      const b = heap[smallest];
      if (a === undefined || b === undefined) break;
      heap[i] = b;
      heap[smallest] = a;
      i = smallest;
    }
  }
}
