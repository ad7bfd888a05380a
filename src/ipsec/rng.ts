// Randomness is injected (DESIGN.md: the core calls no Math.random). The default draws from
// the OS CSPRNG in 4 KiB batches so a per-packet CBC IV costs a copy, not a system call.

import { randomFillSync } from 'node:crypto';

export interface Rng {
  randomBytes(n: number): Uint8Array;
  /** Fills buf in place (optional: randomBytes is used when absent). */
  fill?(buf: Uint8Array): void;
}

const POOL_SIZE = 4096;

export class PooledRng implements Rng {
  private readonly pool = new Uint8Array(POOL_SIZE);
  private used = POOL_SIZE;

  randomBytes(n: number): Uint8Array {
    const out = new Uint8Array(n);
    this.fill(out);
    return out;
  }

  fill(buf: Uint8Array): void {
    if (buf.length > POOL_SIZE / 4) {
      randomFillSync(buf);
      return;
    }
    if (this.used + buf.length > POOL_SIZE) {
      randomFillSync(this.pool);
      this.used = 0;
    }
    buf.set(this.pool.subarray(this.used, this.used + buf.length));
    // bytes handed out are wiped from the pool so they are never handed out twice
    this.pool.fill(0, this.used, this.used + buf.length);
    this.used += buf.length;
  }
}

export const defaultRng: Rng = new PooledRng();

export function fillRandom(rng: Rng, buf: Uint8Array): void {
  if (rng.fill) rng.fill(buf);
  else buf.set(rng.randomBytes(buf.length).subarray(0, buf.length));
}
