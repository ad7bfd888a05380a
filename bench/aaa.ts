// AAA benchmark: logins per second and latency of typeswan's RADIUS client against
// FreeRADIUS 3.2 (-X, single-threaded) and of its TACACS+ client against the test server,
// on loopback; one at a time and 20 at once (as 20 XAUTH clients would).
// Prints one line per measurement, then the JSON object tools read on the last line:
//   {"results":[{"protocol","concurrency","logins","perSecond","medianMs"}, ...]}

import { nodeAaaIo } from '../src/aaa/io.js';
import type { LoginMethod } from '../src/aaa/method.js';
import { radiusMethod } from '../src/aaa/radius.js';
import { tacacsMethod } from '../src/aaa/tacacs.js';
import { freeradiusSkipReason, startFreeradius } from '../test/aaa/freeradius.js';
import { startTacacsServer } from '../test/aaa/tacacsServer.js';

interface Result {
  readonly protocol: string;
  readonly concurrency: number;
  readonly logins: number;
  readonly perSecond: number;
  readonly medianMs: number;
}

const LOGINS = 400;

async function measure(protocol: string, method: LoginMethod, concurrency: number): Promise<Result> {
  const latencies: number[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < LOGINS) {
      next++;
      const t = performance.now();
      const out = await method.authenticate('alice', 'wonderland');
      if (out.kind !== 'accept') throw new Error(`${protocol}: ${out.kind}`);
      latencies.push(performance.now() - t);
    }
  };
  const start = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (performance.now() - start) / 1000;
  latencies.sort((a, b) => a - b);
  const result = {
    protocol,
    concurrency,
    logins: latencies.length,
    perSecond: Math.round(latencies.length / seconds),
    medianMs: Number((latencies[latencies.length >> 1] ?? 0).toFixed(2)),
  };
  console.log(`${protocol} x${concurrency}: ${result.perSecond} logins/s, median ${result.medianMs} ms`);
  return result;
}

const results: Result[] = [];
const tac = await startTacacsServer({ key: 'bench key', users: { alice: 'wonderland' } });
const tacacs = tacacsMethod(
  'group tacacs+',
  [{ host: '127.0.0.1', port: tac.port, key: 'bench key', timeoutMs: 5000 }],
  nodeAaaIo,
);
for (const c of [1, 20]) results.push(await measure('tacacs+', tacacs, c));
await tac.close();
const skip = freeradiusSkipReason();
if (skip === undefined) {
  const fr = await startFreeradius({
    secret: 'bench secret',
    users: [{ name: 'alice', password: 'wonderland' }],
  });
  const server = { host: '127.0.0.1', port: fr.port, secret: 'bench secret', timeoutMs: 5000, retransmit: 3 };
  const radius = radiusMethod('group radius', [server], 'bench', nodeAaaIo);
  try {
    for (const c of [1, 20]) results.push(await measure('radius', radius, c));
  } finally {
    await fr.stop();
  }
} else console.log(`radius skipped: ${skip}`);
console.log(JSON.stringify({ results }));
