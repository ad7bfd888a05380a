// ISAKMP decoder scaling: time per decode of the worst inputs for a quadratic decoder (many
// tiny payloads, many tiny data attributes) at two sizes 16x apart. A linear decoder takes about
// 16x the time for 16x the bytes; a nested scan would take about 256x.
// Prints one line per input, then on the last line:
//   {"results":[{"input","smallBytes","largeBytes","sizeRatio","timeRatio"}, ...]}

import { DecodeError, decodeMessage } from '../src/wire/index.js';

function withHeader(next: number, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(28 + body.length);
  out[16] = next;
  out[17] = 0x10;
  out[18] = 2;
  new DataView(out.buffer).setUint32(24, out.length);
  out.set(body, 28);
  return out;
}

function manyPayloads(n: number): Uint8Array {
  const body = new Uint8Array(n * 4);
  for (let i = 0; i < n; i++) body.set([i === n - 1 ? 0 : 13, 0, 0, 4], i * 4);
  return withHeader(13, body);
}

function manyAttributes(n: number): Uint8Array {
  const body = new Uint8Array(8 + n * 4);
  body.set([0, 0, (8 + n * 4) >> 8, (8 + n * 4) & 0xff, 1, 0, 0, 1]);
  for (let i = 0; i < n; i++) body.set([0x80, 1, 0, 0], 8 + i * 4);
  return withHeader(14, body);
}

function decodeOnce(bytes: Uint8Array): void {
  try {
    decodeMessage(bytes);
  } catch (e) {
    if (!(e instanceof DecodeError)) throw e;
  }
}

/** Nanoseconds per decode: the least disturbed of 7 samples. */
function time(input: Uint8Array, repeat: number): number {
  const samples: number[] = [];
  for (let s = 0; s < 7; s++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < repeat; i++) decodeOnce(input);
    samples.push(Number(process.hrtime.bigint() - t0) / repeat);
  }
  return Math.min(...samples);
}

const results = [];
for (const [input, make, small, large] of [
  ['payload chain', manyPayloads, 16, 256],
  ['attribute list', manyAttributes, 64, 1024],
] as const) {
  const a = make(small);
  const b = make(large);
  time(b, 50); // warm up the JIT
  const ta = time(a, 800);
  const tb = time(b, 50);
  const sizeRatio = Number((b.length / a.length).toFixed(1));
  const timeRatio = Number((tb / ta).toFixed(1));
  console.log(`${input}: ${timeRatio}x time for ${sizeRatio}x bytes`);
  results.push({ input, smallBytes: a.length, largeBytes: b.length, sizeRatio, timeRatio });
}
console.log(JSON.stringify({ results }));
