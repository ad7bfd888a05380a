// Bounds-checked big-endian reader. Every method throws DecodeError (never RangeError) and
// reports offsets relative to the start of the outermost buffer plus `base`.

import { DecodeError } from './errors.js';

export class Reader {
  private at: number;

  /**
   * @param bytes the window this reader may read
   * @param base absolute offset of `bytes[0]`, used in error messages
   */
  constructor(
    private readonly bytes: Uint8Array,
    private readonly base = 0,
  ) {
    this.at = 0;
  }

  /** Absolute offset of the next byte to read. */
  get offset(): number {
    return this.base + this.at;
  }

  get remaining(): number {
    return this.bytes.length - this.at;
  }

  private need(n: number, what: string): void {
    if (this.at + n > this.bytes.length) {
      throw new DecodeError(`truncated ${what}: need ${n} bytes, ${this.remaining} left`, this.offset);
    }
  }

  u8(what = 'field'): number {
    this.need(1, what);
    return this.bytes[this.at++]!;
  }

  u16(what = 'field'): number {
    this.need(2, what);
    const v = (this.bytes[this.at]! << 8) | this.bytes[this.at + 1]!;
    this.at += 2;
    return v;
  }

  u32(what = 'field'): number {
    this.need(4, what);
    const b = this.bytes;
    const i = this.at;
    const v = b[i]! * 0x1000000 + ((b[i + 1]! << 16) | (b[i + 2]! << 8) | b[i + 3]!);
    this.at += 4;
    return v;
  }

  /** A copy of the next n bytes. */
  bytesCopy(n: number, what = 'field'): Uint8Array {
    this.need(n, what);
    const out = this.bytes.slice(this.at, this.at + n);
    this.at += n;
    return out;
  }

  /** A copy of everything left. */
  rest(): Uint8Array {
    return this.bytesCopy(this.remaining);
  }

  /** A sub-reader over the next n bytes (no copy); this reader skips past them. */
  sub(n: number, what = 'field'): Reader {
    this.need(n, what);
    const r = new Reader(this.bytes.subarray(this.at, this.at + n), this.offset);
    this.at += n;
    return r;
  }

  /** A reader over the remaining bytes that does not advance this one (for look-ahead). */
  fork(): Reader {
    return new Reader(this.bytes.subarray(this.at), this.offset);
  }

  /** Throws unless every byte was consumed. */
  end(what: string): void {
    if (this.remaining !== 0) {
      throw new DecodeError(`${this.remaining} unexpected bytes after ${what}`, this.offset);
    }
  }

  fail(message: string, notify?: number): never {
    throw new DecodeError(message, this.offset, notify);
  }
}
