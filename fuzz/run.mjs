// `npm run fuzz`: a bounded fuzzing run of fuzz/isakmp.fuzz.js over the compiled codec.
//
// Uses Jazzer.js (libFuzzer, coverage-guided) when its native addon loads on this machine.
// Its only Linux prebuild needs glibc >= 2.38, it ships no C++ sources and building it needs
// libFuzzer from the network, so on Debian 12 (glibc 2.36) this falls back to our own seeded,
// coverage-free mutation fuzzer over the strongSwan captures and the Wireshark-test samples.
// Either way the number of inputs executed is printed. Bounds: FUZZ_RUNS (default 500000)
// inputs, FUZZ_SECONDS (default 60) seconds; FUZZ_SEED picks the mutation sequence.

import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fuzz } from './isakmp.fuzz.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const RUNS = Number(process.env.FUZZ_RUNS ?? 500000);
const SECONDS = Number(process.env.FUZZ_SECONDS ?? 60);
const SEED = Number(process.env.FUZZ_SEED ?? 0x15a4a3b);
const ENGINE = process.env.FUZZ_ENGINE ?? 'auto'; // auto | jazzer | mutation

const corpus = await seedCorpus();

if (ENGINE !== 'mutation' && jazzerLoads()) {
  const outcome = runJazzer();
  if (outcome !== 'unavailable') process.exit(outcome === 'ok' ? 0 : 1);
  console.log('fuzz: Jazzer.js did not start; using the built-in mutation fuzzer');
} else if (ENGINE === 'jazzer') {
  console.error('fuzz: Jazzer.js native addon does not load on this machine');
  process.exit(1);
} else {
  console.log(
    'fuzz: Jazzer.js native addon unavailable here (prebuild needs glibc >= 2.38); using the built-in mutation fuzzer',
  );
}
process.exit(runMutationFuzzer() ? 0 : 1);

function jazzerLoads() {
  try {
    createRequire(import.meta.url)('@jazzer.js/fuzzer');
    return true;
  } catch {
    return false;
  }
}

/** Runs the Jazzer.js CLI; 'ok', 'finding' or 'unavailable' (it never executed an input). */
function runJazzer() {
  const dir = mkdtempSync(join(tmpdir(), 'typeswan-fuzz-'));
  corpus.forEach((input, i) => writeFileSync(join(dir, `seed-${i}`), input));
  const cli = join(root, 'node_modules', '@jazzer.js', 'core', 'dist', 'cli.js');
  const r = spawnSync(
    process.execPath,
    [
      cli,
      join(here, 'isakmp.fuzz.js'),
      dir,
      '--sync',
      '-i',
      'dist/src/wire',
      '--',
      `-runs=${RUNS}`,
      `-max_total_time=${SECONDS}`,
      `-seed=${SEED}`,
    ],
    { cwd: root, encoding: 'utf8', maxBuffer: 256 << 20 },
  );
  const output = `${r.stdout ?? ''}${r.stderr ?? ''}`;
  const done = /Done (\d+) runs in (\d+) second/.exec(output);
  if (done) {
    console.log(`fuzz: engine=jazzer.js inputs executed=${done[1]} seconds=${done[2]} seed=${SEED}`);
    if (r.status === 0) return 'ok';
  }
  if (r.status !== 0 && /==\d+== ERROR|Finding|crash-/.test(output)) {
    console.log(output.slice(-4000));
    return 'finding';
  }
  if (done) return r.status === 0 ? 'ok' : 'finding';
  console.log(output.slice(-2000));
  return 'unavailable';
}

async function seedCorpus() {
  const { decodeCapture, ipPayload } = await import('../dist/src/observe/pcap.js');
  const { stripNonEspMarker, encodeMessage } = await import('../dist/src/wire/index.js');
  const seeds = [];
  const fixtures = join(root, 'test', 'fixtures', 'strongswan-ikev1');
  for (const scenario of readdirSync(fixtures).sort()) {
    for (const frame of decodeCapture(readFileSync(join(fixtures, scenario, 'capture.pcapng')))) {
      const ip = ipPayload(frame);
      if (!ip || ip[9] !== 17) continue;
      const udp = ip.subarray((ip[0] & 0x0f) * 4);
      const port = (udp[2] << 8) | udp[3];
      const payload = udp.subarray(8);
      const isakmp = port === 500 ? payload : port === 4500 ? stripNonEspMarker(payload) : undefined;
      if (isakmp) seeds.push(Uint8Array.from(isakmp));
    }
  }
  try {
    const { SAMPLES } = await import('../dist/test/wire/wiresharkSamples.js');
    for (const s of SAMPLES) seeds.push(encodeMessage(s.message));
  } catch {
    // the samples are compiled with the tests; the captures alone still seed the run
  }
  try {
    // strongSwan's encrypted bodies as Wireshark decrypted them, re-framed as clear messages
    const { STRONGSWAN_DECRYPTED } = await import('../dist/test/wire/strongswanDecrypted.js');
    const { decodePayloads } = await import('../dist/src/wire/index.js');
    for (const { plaintext } of STRONGSWAN_DECRYPTED) {
      const body = Uint8Array.from(Buffer.from(plaintext, 'hex'));
      const first = [8, 5].find((type) => {
        try {
          decodePayloads(type, body);
          return true;
        } catch {
          return false;
        }
      });
      if (first === undefined) continue;
      const message = new Uint8Array(28 + body.length);
      message.set(seeds[0].subarray(0, 16));
      message.set([first, 0x10, 5, 0, 0, 0, 0, 1], 16);
      new DataView(message.buffer).setUint32(24, message.length);
      message.set(body, 28);
      seeds.push(message);
    }
  } catch {
    // compiled with the tests; optional
  }
  return seeds;
}

/** mulberry32: small deterministic PRNG so a run can be replayed with FUZZ_SEED. */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function runMutationFuzzer() {
  const random = rng(SEED);
  const int = (n) => Math.floor(random() * n);
  const interesting8 = [0, 1, 2, 3, 4, 0x7f, 0x80, 0xfe, 0xff];
  const interesting16 = [0, 1, 3, 4, 5, 7, 8, 0x7fff, 0x8000, 0xffff];
  const pool = corpus.slice();
  const MAX_POOL = 4000;
  const MAX_LENGTH = 4096;

  /** Offsets of generic payload headers in a clear message (structure-aware targets). */
  function payloadStarts(b) {
    const starts = [];
    let next = b[16] ?? 0;
    let at = 28;
    while (next !== 0 && at + 4 <= b.length && starts.length < 64) {
      starts.push(at);
      const len = (b[at + 2] << 8) | b[at + 3];
      if (len < 4) break;
      next = b[at];
      at += len;
    }
    return starts;
  }

  function mutate(input) {
    let b = Uint8Array.from(input);
    const count = 1 + int(4);
    for (let k = 0; k < count; k++) {
      const at = b.length ? int(b.length) : 0;
      switch (int(11)) {
        case 0:
          if (b.length) b[at] ^= 1 << int(8);
          break;
        case 1:
          if (b.length) b[at] = interesting8[int(interesting8.length)];
          break;
        case 2:
          if (b.length) b[at] = int(256);
          break;
        case 3:
          if (b.length > 1) {
            const v = interesting16[int(interesting16.length)];
            b[at - (at === b.length - 1 ? 1 : 0)] = v >> 8;
            b[at + (at === b.length - 1 ? 0 : 1)] = v & 0xff;
          }
          break;
        case 4:
          b = b.slice(0, at);
          break;
        case 5: {
          const n = 1 + int(8);
          const ins = Uint8Array.from({ length: n }, () => int(256));
          b = Uint8Array.from([...b.subarray(0, at), ...ins, ...b.subarray(at)]);
          break;
        }
        case 6: {
          const n = 1 + int(16);
          b = Uint8Array.from([...b.subarray(0, at), ...b.subarray(at + n)]);
          break;
        }
        case 7: {
          const other = pool[int(pool.length)];
          const from = int(other.length + 1);
          b = Uint8Array.from([...b.subarray(0, at), ...other.subarray(from, from + 1 + int(64))]);
          break;
        }
        case 8: {
          // a payload's Length or Next Payload field
          const starts = payloadStarts(b);
          if (starts.length) {
            const s = starts[int(starts.length)];
            if (random() < 0.5) b[s] = [0, 1, 2, 3, 5, 8, 13, 14, 20, 130, 132, int(256)][int(12)];
            else if (s + 3 < b.length) {
              const len = ((b[s + 2] << 8) | b[s + 3]) + int(9) - 4;
              b[s + 2] = (len >> 8) & 0xff;
              b[s + 3] = len & 0xff;
            }
          }
          break;
        }
        case 9:
          // clear E so the payload decoders are reached
          if (b.length > 19) b[19] &= 0xfe;
          break;
        default:
          break;
      }
    }
    if (b.length > MAX_LENGTH) b = b.slice(0, MAX_LENGTH);
    // keep the header Length consistent most of the time so the payload chain is reached
    if (b.length >= 28 && random() < 0.8) {
      b[24] = (b.length >>> 24) & 0xff;
      b[25] = (b.length >>> 16) & 0xff;
      b[26] = (b.length >>> 8) & 0xff;
      b[27] = b.length & 0xff;
    }
    return b;
  }

  const started = Date.now();
  const deadline = started + SECONDS * 1000;
  let executed = 0;
  let accepted = 0;
  let slowest = 0;
  for (const seed of corpus) {
    fuzz(seed);
    executed++;
  }
  while (executed < RUNS && Date.now() < deadline) {
    const base = pool[int(pool.length)];
    const input = mutate(base);
    const t0 = performance.now();
    let ok;
    try {
      ok = fuzz(input);
    } catch (e) {
      const file = join(mkdtempSync(join(tmpdir(), 'typeswan-crash-')), 'crash.bin');
      writeFileSync(file, input);
      console.error(
        `fuzz: invariant broken after ${executed} inputs (seed ${SEED}): ${e && e.stack ? e.stack : e}`,
      );
      console.error(`fuzz: input saved to ${file}: ${Buffer.from(input).toString('hex')}`);
      return false;
    }
    slowest = Math.max(slowest, performance.now() - t0);
    executed++;
    if (ok) {
      accepted++;
      if (pool.length < MAX_POOL) pool.push(input);
      else pool[corpus.length + int(MAX_POOL - corpus.length)] = input;
    }
  }
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(
    `fuzz: engine=mutation inputs executed=${executed} accepted=${accepted} seeds=${corpus.length} ` +
      `seconds=${seconds} slowest-input-ms=${slowest.toFixed(2)} seed=${SEED}`,
  );
  return true;
}
