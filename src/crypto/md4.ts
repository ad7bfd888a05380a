// MD4 (RFC 1320), for MS-CHAPv2's NtPasswordHash (RFC 2759 §8.3) only: Node's default OpenSSL
// provider no longer offers it, and loading the legacy provider would enable far more.

function rotl(x: number, n: number): number {
  return ((x << n) | (x >>> (32 - n))) >>> 0;
}

export function md4(message: Uint8Array): Uint8Array {
  // RFC 1320 §3.1-3.2: pad with 0x80, zeros to 56 mod 64, then the bit length (little-endian).
  const padded = new Uint8Array(((message.length + 8) >> 6) * 64 + 64);
  padded.set(message);
  padded[message.length] = 0x80;
  const bits = message.length * 8;
  const view = new DataView(padded.buffer);
  view.setUint32(padded.length - 8, bits >>> 0, true);
  view.setUint32(padded.length - 4, Math.floor(bits / 0x100000000), true);
  let a = 0x67452301;
  let b = 0xefcdab89;
  let c = 0x98badcfe;
  let d = 0x10325476;
  const x = new Array<number>(16);
  for (let block = 0; block < padded.length; block += 64) {
    for (let i = 0; i < 16; i++) x[i] = view.getUint32(block + i * 4, true);
    const [aa, bb, cc, dd] = [a, b, c, d];
    const f = (p: number, q: number, r: number): number => (p & q) | (~p & r);
    const g = (p: number, q: number, r: number): number => (p & q) | (p & r) | (q & r);
    const h = (p: number, q: number, r: number): number => p ^ q ^ r;
    // §3.4: the three rounds, each a fixed order of words and shifts.
    for (const i of [0, 4, 8, 12]) {
      a = rotl((a + f(b, c, d) + x[i]!) >>> 0, 3);
      d = rotl((d + f(a, b, c) + x[i + 1]!) >>> 0, 7);
      c = rotl((c + f(d, a, b) + x[i + 2]!) >>> 0, 11);
      b = rotl((b + f(c, d, a) + x[i + 3]!) >>> 0, 19);
    }
    for (const i of [0, 1, 2, 3]) {
      a = rotl((a + g(b, c, d) + x[i]! + 0x5a827999) >>> 0, 3);
      d = rotl((d + g(a, b, c) + x[i + 4]! + 0x5a827999) >>> 0, 5);
      c = rotl((c + g(d, a, b) + x[i + 8]! + 0x5a827999) >>> 0, 9);
      b = rotl((b + g(c, d, a) + x[i + 12]! + 0x5a827999) >>> 0, 13);
    }
    for (const i of [0, 2, 1, 3]) {
      a = rotl((a + h(b, c, d) + x[i]! + 0x6ed9eba1) >>> 0, 3);
      d = rotl((d + h(a, b, c) + x[i + 8]! + 0x6ed9eba1) >>> 0, 9);
      c = rotl((c + h(d, a, b) + x[i + 4]! + 0x6ed9eba1) >>> 0, 11);
      b = rotl((b + h(c, d, a) + x[i + 12]! + 0x6ed9eba1) >>> 0, 15);
    }
    a = (a + aa) >>> 0;
    b = (b + bb) >>> 0;
    c = (c + cc) >>> 0;
    d = (d + dd) >>> 0;
  }
  const out = new Uint8Array(16);
  const o = new DataView(out.buffer);
  [a, b, c, d].forEach((w, i) => o.setUint32(i * 4, w, true));
  return out;
}
