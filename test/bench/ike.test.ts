// Smoke test of `npm run bench:ike` (issue 13): 200 initiators against each responder, over
// real UDP between two network namespaces. It asserts that the generator sets up every tunnel
// and that each responder holds them, never how fast (timings are not tests).

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { runBench, skipReason, type Target } from '../../bench/ike/main.js';

const rootSkip = skipReason('typeswan');
const swanSkip = skipReason('strongswan');
if (rootSkip) console.log(`\n*** SKIPPING bench:ike smoke test: ${rootSkip} ***\n`);
else if (swanSkip) console.log(`\n*** bench:ike smoke test without strongSwan: ${swanSkip} ***\n`);

describe('bench:ike smoke (N = 200)', { skip: rootSkip, timeout: 600_000 }, () => {
  it('sets up 200 tunnels against typeswan and strongSwan and prints the JSON fields', async () => {
    const targets: Target[] = swanSkip ? ['typeswan'] : ['typeswan', 'strongswan'];
    const lines: string[] = [];
    const result = await runBench({
      tunnels: 200,
      rate: 100,
      algorithms: { encr: 'aes', hash: 'sha', group: 14, esp: 'esp-aes esp-sha-hmac', pfs: 0 },
      targets,
      timeoutSeconds: 180,
      cheapDh: true,
      log: (line) => lines.push(line),
    });
    console.log(lines.join('\n'));
    assert.equal(result.tunnels, 200);
    for (const t of targets) {
      assert.equal(result[`${t}_established`], 200, `${t}: ${lines.join('\n')}`);
      assert.equal(result[`${t}_failed`], 0);
      assert.equal(typeof result[`${t}_tunnels_per_s`], 'number');
      const bytes = result[`${t}_bytes_per_tunnel`];
      assert.ok(typeof bytes === 'number' && bytes > 0, `${t} bytes per tunnel ${String(bytes)}`);
    }
  });
});
