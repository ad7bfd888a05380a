// The DH worker pool: results equal to computeDh's, a bounded number in flight (the rest
// refused at once), and a gateway that runs the engine's `dh` actions through it.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { computeDh } from '../../src/crypto/index.js';
import { DhWorkerPool } from '../../src/gateway/dhWorkers.js';
import type { DhResult } from '../../src/crypto/index.js';

function run(pool: DhWorkerPool, request: Parameters<typeof computeDh>[0]): Promise<DhResult | undefined> {
  return new Promise((resolve) => pool.run(request, resolve));
}

const two = (n: number): Uint8Array => {
  const x = new Uint8Array(n);
  x[n - 1] = 2;
  return x;
};

describe('DhWorkerPool', () => {
  it('computes on a worker thread what computeDh computes (modp1024: 2^2 = 4, 4^2 = 16)', async () => {
    const pool = new DhWorkerPool(2);
    try {
      // By hand: g = 2, x = 2 gives g^x = 4; the peer's 4 gives 4^2 = 16 (RFC 2409 §6.2 prime).
      const r = await run(pool, {
        group: 2,
        privateValue: two(20),
        peerPublic: Uint8Array.of(...new Uint8Array(127), 4),
      });
      assert.ok(r?.ok);
      assert.equal(r.publicValue.length, 128);
      assert.equal(r.publicValue[127], 4);
      assert.ok(r.publicValue.subarray(0, 127).every((b) => b === 0));
      assert.equal(r.sharedSecret?.[127], 16);
      const x = new Uint8Array(32).fill(0x5a);
      const peer = computeDh({ group: 19, privateValue: new Uint8Array(32).fill(7) });
      assert.ok(peer.ok);
      const inline = computeDh({ group: 19, privateValue: x.slice(), peerPublic: peer.publicValue });
      const threaded = await run(pool, { group: 19, privateValue: x.slice(), peerPublic: peer.publicValue });
      assert.deepEqual(threaded, inline);
    } finally {
      pool.close();
    }
  });

  it('refuses what finds every thread full, and answers a bad peer value as a result', async () => {
    const pool = new DhWorkerPool(1, 2);
    try {
      const request = { group: 14, privateValue: new Uint8Array(32).fill(3) };
      const answers = await Promise.all([run(pool, request), run(pool, request), run(pool, request)]);
      assert.equal(answers.filter((a) => a === undefined).length, 1);
      assert.equal(pool.refused, 1);
      const bad = await run(pool, {
        group: 14,
        privateValue: new Uint8Array(32).fill(3),
        peerPublic: new Uint8Array(256),
      });
      assert.ok(
        bad !== undefined && !bad.ok && bad.publicValue !== undefined,
        'peer value 0 refused, ours kept',
      );
    } finally {
      pool.close();
    }
  });
});
