// The Bleichenbacher oracle test (Felsch et al., USENIX Security 2018; CVE-2018-0131): a
// responder must answer an initiator's RSA-encrypted nonce the same way whether the block had
// valid PKCS#1 v1.5 padding around a wrong nonce or no valid padding at all. A's first
// message carrying the nonce is rewritten on the way to B, its nonce ciphertext replaced by
//   - a well-padded encryption of another nonce (a wrong nonce),
//   - a well-padded encryption of a 3-byte "nonce" (a length RFC 2409 §5 forbids),
//   - a raw RSA block with type 1 padding, and one with no zero separator (bad padding);
// every class must produce the same datagrams from B (exchange, flags, length, and the same
// notify), and phase 1 must fail with AUTHENTICATION-FAILED. Timing: bench/ike/rsaEncrOracle.ts.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { IkeAuthentication } from '../../src/policy/model.js';
import { eventsOf } from './harness.js';
import { oracleLab, type Class } from './oracleCases.js';

interface Outcome {
  /** B's datagrams: exchange type, flags, length. */
  readonly sent: string[];
  readonly notifies: string[];
  readonly established: boolean;
}

function run(method: IkeAuthentication, aggressive: boolean, c: Class): Outcome {
  const lab = oracleLab(method, aggressive, c);
  lab.acquire('a');
  lab.run(60);
  return {
    sent: lab.b.sent.map((d) => `${d[18] ?? 0}/${d[19] ?? 0}/${d.length}`),
    notifies: eventsOf(lab.b, 'notifySent').map((e) => e.notify),
    established: lab.b.installed.length > 0,
  };
}

describe('rsa-encr: no padding oracle', () => {
  for (const method of ['rsa-encr', 'rsa-encr-revised'] as const)
    for (const aggressive of [false, true])
      it(`${method}, ${aggressive ? 'aggressive' : 'main'} mode: bad padding and a wrong nonce look the same`, () => {
        assert.ok(run(method, aggressive, 'honest').established, 'the untampered exchange succeeds');
        const wrong = run(method, aggressive, 'wrong nonce');
        assert.ok(!wrong.established);
        assert.ok(
          [...wrong.notifies].includes('AUTHENTICATION_FAILED') || wrong.notifies.length === 0,
          JSON.stringify(wrong),
        );
        for (const c of ['short nonce', 'type 1 block', 'no separator'] as const) {
          const o = run(method, aggressive, c);
          assert.deepEqual(o, wrong, `${c} vs wrong nonce`);
        }
      });
});
