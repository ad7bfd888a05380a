// LZS (Stac, ANSI X3.241-1994) as IPComp uses it (RFC 2395): a 2048-byte sliding window,
// the history reset for every datagram, the output ending with the end marker and zero bits
// up to a byte boundary. The bit stream, most significant bit first (RFC 1974 §2.1):
//
//   <compressed>  := { 0 <byte:8> | 1 <offset> <length> } <end marker>
//   <offset>      := 1 <7 bits, 1-127> | 0 <11 bits, 1-2047>
//   <end marker>  := 1 1 0000000                     (a 7-bit offset of zero)
//   <length>      := 00 = 2 | 01 = 3 | 10 = 4 | 1100 = 5 | 1101 = 6 | 1110 = 7
//                  | 1111 {1111} <4 bits n, n < 15>  = 8 + 15 * (count of 1111 groups) + n
//
// A match may overlap the bytes it produces (offset smaller than length).

export const LZS_WINDOW = 2047;
const MIN_MATCH = 2;
/** Candidates followed per position: enough for packets, bounded for the worst case. */
const CHAIN_DEPTH = 48;

export class LzsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LzsError';
  }
}

class BitWriter {
  private bytes: Uint8Array;
  private at = 0;
  private acc = 0;
  private bits = 0;

  constructor(capacity: number) {
    this.bytes = new Uint8Array(Math.max(16, capacity));
  }

  write(value: number, count: number): void {
    for (let i = count - 1; i >= 0; i--) {
      this.acc = (this.acc << 1) | ((value >>> i) & 1);
      if (++this.bits === 8) {
        if (this.at === this.bytes.length) {
          const grown = new Uint8Array(this.bytes.length * 2);
          grown.set(this.bytes);
          this.bytes = grown;
        }
        this.bytes[this.at++] = this.acc;
        this.acc = 0;
        this.bits = 0;
      }
    }
  }

  finish(): Uint8Array {
    if (this.bits > 0) this.write(0, 8 - this.bits);
    return this.bytes.slice(0, this.at);
  }
}

function writeLength(w: BitWriter, length: number): void {
  if (length <= 4) w.write(length - 2, 2);
  else if (length <= 7) w.write(0b1100 | (length - 5), 4);
  else {
    w.write(0b1111, 4);
    let rest = length - 8;
    for (; rest >= 15; rest -= 15) w.write(0b1111, 4);
    w.write(rest, 4);
  }
}

/** Compresses one datagram's payload, greedily taking the longest (then nearest) match. */
export function lzsCompress(input: Uint8Array): Uint8Array {
  const w = new BitWriter(input.length + (input.length >> 3) + 4);
  const head = new Int32Array(65536).fill(-1);
  const prev = new Int32Array(input.length);
  const insert = (i: number): void => {
    if (i + 1 >= input.length) return;
    const h = (input[i]! << 8) | input[i + 1]!;
    prev[i] = head[h]!;
    head[h] = i;
  };
  let i = 0;
  while (i < input.length) {
    let bestLength = 0;
    let bestOffset = 0;
    if (i + MIN_MATCH <= input.length) {
      let candidate = head[(input[i]! << 8) | input[i + 1]!]!;
      for (let depth = 0; candidate >= 0 && i - candidate <= LZS_WINDOW && depth < CHAIN_DEPTH; depth++) {
        let n = 0;
        while (i + n < input.length && input[candidate + n] === input[i + n]) n++;
        if (n > bestLength) {
          bestLength = n;
          bestOffset = i - candidate;
        }
        candidate = prev[candidate]!;
      }
    }
    if (bestLength >= MIN_MATCH) {
      // 1 (a string), then 1 and a 7-bit offset or 0 and an 11-bit one
      if (bestOffset < 128) w.write((0b11 << 7) | bestOffset, 9);
      else w.write((0b10 << 11) | bestOffset, 13);
      writeLength(w, bestLength);
      for (let k = 0; k < bestLength; k++) insert(i + k);
      i += bestLength;
    } else {
      w.write(input[i]!, 9); // 0 then the byte
      insert(i);
      i++;
    }
  }
  w.write(0b110000000, 9);
  return w.finish();
}

class BitReader {
  private at = 0;
  private bit = 0;

  constructor(private readonly bytes: Uint8Array) {}

  read(count: number): number {
    let v = 0;
    for (let k = 0; k < count; k++) {
      if (this.at >= this.bytes.length) throw new LzsError('compressed data ends without an end marker');
      v = (v << 1) | ((this.bytes[this.at]! >> (7 - this.bit)) & 1);
      if (++this.bit === 8) {
        this.bit = 0;
        this.at++;
      }
    }
    return v;
  }

  /** After the end marker: the rest of the byte and any further bytes must be zero. */
  onlyPaddingLeft(): boolean {
    if (this.bit > 0 && (this.bytes[this.at]! & (0xff >> this.bit)) !== 0) return false;
    for (let k = this.bit > 0 ? this.at + 1 : this.at; k < this.bytes.length; k++)
      if (this.bytes[k] !== 0) return false;
    return true;
  }
}

function readLength(r: BitReader): number {
  const two = r.read(2);
  if (two < 3) return two + 2;
  const more = r.read(2);
  if (more < 3) return more + 5;
  let length = 8;
  for (;;) {
    const n = r.read(4);
    length += n;
    if (n < 15) return length;
  }
}

/** Decompresses one datagram; refuses (LzsError) anything malformed or longer than `maxLength`. */
export function lzsDecompress(input: Uint8Array, maxLength: number): Uint8Array {
  const r = new BitReader(input);
  const out = new Uint8Array(maxLength);
  let at = 0;
  for (;;) {
    if (r.read(1) === 0) {
      if (at >= maxLength) throw new LzsError(`output longer than ${maxLength} bytes`);
      out[at++] = r.read(8);
      continue;
    }
    let offset: number;
    if (r.read(1) === 1) {
      offset = r.read(7);
      if (offset === 0) break; // end marker
    } else {
      offset = r.read(11);
      if (offset === 0) throw new LzsError('11-bit offset of zero');
    }
    const length = readLength(r);
    if (offset > at) throw new LzsError(`offset ${offset} reaches before the start (${at} bytes out)`);
    if (at + length > maxLength) throw new LzsError(`output longer than ${maxLength} bytes`);
    for (let k = 0; k < length; k++, at++) out[at] = out[at - offset]!;
  }
  if (!r.onlyPaddingLeft()) throw new LzsError('data after the end marker');
  return out.slice(0, at);
}
