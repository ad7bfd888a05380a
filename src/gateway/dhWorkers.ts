// Diffie-Hellman off the packet thread: the IKE engine's `dh` actions run on a few worker
// threads (src/crypto/dh/worker.ts, computeDh), each with a bounded number of requests in
// flight, so a burst of new peers costs the event loop a postMessage per exponentiation and
// never blocks it. A request finding every worker's queue full is refused at once (the engine
// drops that message; its peer retransmits), so the backlog, and the wait, stay bounded.

import { Worker } from 'node:worker_threads';
import { computeDh, type DhRequest, type DhResult } from '../crypto/index.js';
import type { DhAnswer, DhJob } from '../crypto/dh/worker.js';

/** Where the gateway runs DH: a result, or undefined when it was refused. */
export interface DhRunner {
  run(request: DhRequest, done: (result: DhResult | undefined) => void): void;
  close(): void;
}

/** The same computation on the calling thread (tests, a gateway without workers). */
export const inlineDh: DhRunner = {
  run: (request, done) => done(computeDh(request)),
  close: () => undefined,
};

interface Slot {
  readonly worker: Worker;
  readonly waiting: Map<number, (result: DhResult | undefined) => void>;
}

function workerUrl(): URL {
  // Compiled: dh/worker.js in dist/src/crypto; run from source through tsx: worker.ts.
  const ext = import.meta.url.endsWith('.ts') ? 'ts' : 'js';
  return new URL(`../crypto/dh/worker.${ext}`, import.meta.url);
}

export class DhWorkerPool implements DhRunner {
  private readonly slots: Slot[] = [];
  private nextId = 1;
  private closed = false;
  /** Requests refused for a full queue, for `show`/metrics and the benchmark. */
  refused = 0;

  constructor(
    threads: number,
    /** Requests in flight per thread; more wait in no queue of ours. */
    private readonly perThread = 64,
  ) {
    for (let i = 0; i < Math.max(1, threads); i++) this.slots.push(this.spawn());
  }

  private spawn(): Slot {
    const worker = new Worker(workerUrl());
    const slot: Slot = { worker, waiting: new Map() };
    worker.on('message', (answer: DhAnswer) => {
      const done = slot.waiting.get(answer.id);
      slot.waiting.delete(answer.id);
      if (slot.waiting.size === 0) worker.unref();
      done?.(answer.result);
    });
    const fail = (): void => {
      // A thread that died answers what it held with "not run"; a new one takes its place.
      const held = [...slot.waiting.values()];
      slot.waiting.clear();
      const index = this.slots.indexOf(slot);
      if (index >= 0 && !this.closed) this.slots[index] = this.spawn();
      for (const done of held) done(undefined);
    };
    worker.on('error', fail);
    worker.on('exit', () => {
      if (!this.closed) fail();
    });
    // An idle pool never keeps the process alive; a thread with work in flight does.
    worker.unref();
    return slot;
  }

  run(request: DhRequest, done: (result: DhResult | undefined) => void): void {
    let best: Slot | undefined;
    for (const s of this.slots) if (best === undefined || s.waiting.size < best.waiting.size) best = s;
    if (this.closed || best === undefined || best.waiting.size >= this.perThread) {
      this.refused++;
      done(undefined);
      return;
    }
    const id = this.nextId++;
    if (best.waiting.size === 0) best.worker.ref();
    best.waiting.set(id, done);
    const job: DhJob = { id, request };
    best.worker.postMessage(job);
  }

  /** Requests in flight on all threads. */
  get pending(): number {
    let n = 0;
    for (const s of this.slots) n += s.waiting.size;
    return n;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const s of this.slots) {
      s.waiting.clear();
      void s.worker.terminate();
    }
  }
}
