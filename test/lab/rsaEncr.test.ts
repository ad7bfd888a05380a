// `typeswan lab rsa-encr`: Examples 13-10 and 13-11 with keys made at start; traffic crosses
// and wan2516's debug follows Example 13-12's steps.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { findScenario } from '../../src/lab/scenarios/index.js';
import { realEngines } from '../../src/lab/engines.js';
import { runLab } from '../../src/lab/run.js';
import { fixture } from '../util/fixtures.js';

const scenario = findScenario('rsa-encr');

/** The chapter text with the key-string hex lines left out. */
function withoutKeys(text: string): string {
  return text
    .replace(/key-string\n[\s\S]*?\n\s*quit/, 'key-string\nquit')
    .split('\n')
    .map((l) => l.trim())
    .join('\n');
}

test('lab rsa-encr: the configurations are Examples 13-10 and 13-11 but for the keys', () => {
  assert.ok(scenario);
  const [a, b] = scenario.routers;
  for (const [r, n] of [
    [a, '10'],
    [b, '11'],
  ] as const) {
    assert.ok(r?.decryptionKeys?.length === 1);
    const chapter = readFileSync(fixture(`chapter/example-13-${n}.cfg`), 'utf8');
    assert.equal(withoutKeys(r.text), withoutKeys(chapter));
    assert.ok(!r.text.includes('00DC3DDC'), 'the chapter key is replaced by one made at start');
  }
});

test('lab rsa-encr: the ping crosses the tunnel; the debug has Example 13-12 steps', () => {
  assert.ok(scenario);
  const lines: string[] = [];
  const result = runLab(scenario, scenario.routers, realEngines, { out: (l) => lines.push(l) });
  assert.equal(result.ok, true, lines.slice(-10).join('\n'));
  const p = result.pings[0];
  assert.equal(p?.encaps, 4);
  assert.equal(p?.decaps, 4);
  const responder = lines
    .filter((l) => l.startsWith('wan2516: '))
    .map((l) => l.replace(/^.*?ISAKMP/, 'ISAKMP'));
  // Example 13-12's lines in its order (its router is the responder there, as wan2516 is here).
  const steps = [
    'ISAKMP:      auth RSA encr',
    'ISAKMP (0:1): atts are acceptable. Next payload is 0',
    'ISAKMP (0:1): Unable to get router cert to find DN!',
    'ISAKMP (0:1): SA is doing RSA encryption authentication',
    'ISAKMP (0:1): processing KE payload. message ID = 0',
    'ISAKMP (0:1): processing ID payload. message ID = 0',
    'ISAKMP (0:1): processing NONCE payload. message ID = 0',
    'ISAKMP (0:1): SA is doing RSA encryption authentication using id type ID_FQDN',
    'ISAKMP (0:1): SKEYID state generated',
    'ISAKMP (0:1): processing HASH payload. message ID = 0',
    'ISAKMP (0:1): SA has been authenticated with 20.20.20.21',
  ];
  let at = 0;
  for (const s of steps) {
    const found = responder.indexOf(s, at);
    assert.ok(found >= 0, `${s}\n---\n${responder.join('\n')}`);
    at = found + 1;
  }
});
