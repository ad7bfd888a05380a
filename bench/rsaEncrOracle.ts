// Response time of a responder to an RSA-encrypted nonce, by ciphertext class: a well-padded
// wrong nonce against bad PKCS#1 v1.5 padding (a type 1 block, no zero separator). With
// implicit rejection the two distributions must not differ beyond noise (Felsch et al.,
// USENIX Security 2018 timed exactly this). Each sample is one fresh main-mode (or, with
// --aggressive, aggressive-mode) exchange between two in-memory engines; only the responder's
// handling of the rewritten message is timed. Classes are interleaved so drift hits both.
//   node dist/bench/rsaEncrOracle.js [--samples N] [--revised] [--aggressive]
// The last line is JSON: the median, p90 and mean of each class in microseconds, and the
// differences (bad padding minus wrong nonce).

import { performance } from 'node:perf_hooks';
import { oracleLab, type Class } from '../test/ike/oracleCases.js';

const args = process.argv.slice(2);
const flag = (name: string): boolean => args.includes(name);
const samplesArg = args[args.indexOf('--samples') + 1];
const samples =
  args.includes('--samples') && samplesArg !== undefined ? Math.max(4, Number(samplesArg)) : 200;
const method = flag('--revised') ? 'rsa-encr-revised' : 'rsa-encr';
const aggressive = flag('--aggressive');

/** Microseconds the responder spent on the rewritten message of one exchange. */
function sample(c: Class): number {
  const lab = oracleLab(method, aggressive, c);
  const b = lab.b.engine;
  let spent = -1;
  const receive = b.receive.bind(b);
  let first = true;
  b.receive = (d, now) => {
    const t0 = performance.now();
    const out = receive(d, now);
    const t1 = performance.now();
    // The rewritten message is the one that carries the nonce: the first from A in aggressive
    // mode, the second in main mode.
    const index = aggressive ? 0 : 1;
    if (first && d.srcAddress !== lab.b.address) {
      if (lab.b.sent.length === index) spent = (t1 - t0) * 1000;
      if (lab.b.sent.length >= index) first = lab.b.sent.length < index;
    }
    return out;
  };
  lab.acquire('a');
  lab.run(60);
  return spent;
}

function stats(xs: number[]): { median: number; p90: number; mean: number } {
  const s = [...xs].sort((a, b) => a - b);
  const at = (q: number): number => s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? 0;
  const round = (x: number): number => Math.round(x * 10) / 10;
  return {
    median: round(at(0.5)),
    p90: round(at(0.9)),
    mean: round(s.reduce((a, b) => a + b, 0) / s.length),
  };
}

const classes: Class[] = ['wrong nonce', 'type 1 block', 'no separator'];
const times = new Map<Class, number[]>(classes.map((c) => [c, []]));
for (let i = 0; i < 5; i++) for (const c of classes) sample(c); // warm up
for (let i = 0; i < samples; i++) {
  // A different class order each round.
  const order = [...classes].sort(() => ((i * 7919) % 3) - 1);
  for (const c of order) {
    const t = sample(c);
    if (t >= 0) times.get(c)?.push(t);
  }
}
const wrong = stats(times.get('wrong nonce') ?? []);
const bad = stats([...(times.get('type 1 block') ?? []), ...(times.get('no separator') ?? [])]);
const result = {
  benchmark: 'rsa-encr padding oracle',
  method,
  mode: aggressive ? 'aggressive' : 'main',
  samplesPerClass: samples,
  unit: 'us',
  wrongNonce: wrong,
  badPadding: bad,
  difference: {
    median: Math.round((bad.median - wrong.median) * 10) / 10,
    p90: Math.round((bad.p90 - wrong.p90) * 10) / 10,
    mean: Math.round((bad.mean - wrong.mean) * 10) / 10,
  },
};
console.log(`wrong nonce: median ${wrong.median} us, p90 ${wrong.p90} us`);
console.log(`bad padding: median ${bad.median} us, p90 ${bad.p90} us`);
for (const c of classes) console.log(c, JSON.stringify(stats(times.get(c) ?? [])));
console.log(JSON.stringify(result));
