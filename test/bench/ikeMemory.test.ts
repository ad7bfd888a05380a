// Smoke test of `npm run bench:ike-memory`: a few tunnels against the in-memory responder come
// up and the result carries its fields. It never asserts on the figures (they are measurements).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const script = fileURLToPath(new URL('../../bench/ike/memory.js', import.meta.url));

test('bench:ike-memory sets up every tunnel and prints its JSON last', () => {
  const run = spawnSync(process.execPath, ['--expose-gc', script, '--tunnels', '20'], {
    encoding: 'utf8',
    timeout: 120_000,
  });
  assert.equal(run.status, 0, run.stderr);
  const last = run.stdout.trim().split('\n').at(-1) ?? '';
  const result = JSON.parse(last) as Record<string, unknown>;
  assert.equal(result.tunnels, 20);
  assert.equal(result.established, 20, run.stdout);
  for (const field of ['bytes_per_tunnel', 'heap_bytes_per_tunnel', 'settled_bytes_per_tunnel'])
    assert.equal(typeof result[field], 'number', field);
});
