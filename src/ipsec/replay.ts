// Anti-replay window, RFC 4303 §3.4.3 and Appendix A (A2 for extended sequence numbers).
//
// Sequence numbers are kept as one JS number: exact up to 2^53, which the sender never
// reaches (it asks for a rekey long before, see SaState). The bitmap is circular: bit
// (seq mod W) records seq, so sliding the window only clears the bits it passes over.

export const DEFAULT_REPLAY_WINDOW = 64;
export const MAX_REPLAY_WINDOW = 4096;

const TWO32 = 0x1_0000_0000;

export class ReplayWindow {
  /** Highest authenticated sequence number (64-bit value, 0 = nothing received yet). */
  private top = 0;
  private readonly bits: Uint32Array;

  /** `highest` presets the window as if that sequence number had been received (tests). */
  constructor(
    readonly size: number = DEFAULT_REPLAY_WINDOW,
    readonly esn = false,
    highest = 0,
  ) {
    if (!Number.isInteger(size) || size < 1 || size > MAX_REPLAY_WINDOW) {
      throw new RangeError(`replay window ${size} is not 1..${MAX_REPLAY_WINDOW}`);
    }
    this.bits = new Uint32Array(Math.ceil(size / 32));
    if (highest > 0) this.accept(highest);
  }

  get highest(): number {
    return this.top;
  }

  /**
   * The full sequence number of a packet carrying the low 32 bits `seqLow`, or -1 when it is
   * a replay or too old. Call before the ICV check; call `accept` after it (§3.4.3: the window
   * only moves for authenticated packets).
   */
  check(seqLow: number): number {
    const seq = this.esn ? this.inferEsn(seqLow) : seqLow;
    // non-ESN: seq 0 is never sent (§3.3.3 the first packet is 1)
    if (seq <= 0) return -1;
    if (seq > this.top) return seq;
    if (this.top - seq >= this.size) return -1;
    return this.isSet(seq) ? -1 : seq;
  }

  /** RFC 4303 Appendix A2.1: pick the high 32 bits that put seqLow nearest the window. */
  private inferEsn(seqLow: number): number {
    const w = this.size;
    const tl = this.top % TWO32;
    const th = Math.floor(this.top / TWO32);
    let seqHigh: number;
    if (tl >= w - 1) {
      // Case A: the window lies within one 2^32 subspace
      seqHigh = seqLow >= tl - w + 1 ? th : th + 1;
    } else {
      // Case B: the window spans two subspaces
      const bottom = (tl - w + 1 + TWO32) % TWO32;
      seqHigh = seqLow >= bottom ? th - 1 : th;
    }
    if (seqHigh < 0) return -1;
    return seqHigh * TWO32 + seqLow;
  }

  /** Records an authenticated sequence number (the value `check` returned). */
  accept(seq: number): void {
    if (seq > this.top) {
      const shift = seq - this.top;
      if (shift >= this.size) this.bits.fill(0);
      else for (let s = this.top + 1; s < seq; s++) this.clear(s);
      this.top = seq;
    }
    this.set(seq);
  }

  private index(seq: number): number {
    return seq % this.size;
  }

  private isSet(seq: number): boolean {
    const i = this.index(seq);
    return (this.bits[i >>> 5]! & (1 << (i & 31))) !== 0;
  }

  private set(seq: number): void {
    const i = this.index(seq);
    this.bits[i >>> 5] = this.bits[i >>> 5]! | (1 << (i & 31));
  }

  private clear(seq: number): void {
    const i = this.index(seq);
    this.bits[i >>> 5] = this.bits[i >>> 5]! & ~(1 << (i & 31));
  }
}
