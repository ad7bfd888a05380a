// Peer input never crashes the IKEv2 codec: every truncation and every single-byte change of
// strongSwan's messages either decodes or throws DecodeError (with an offset inside the
// message), and the payload rules RFC 7296 sets are enforced.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { DecodeError } from '../../../src/wire/errors.js';
import { decodeIkev2Message, decodeIkev2Payloads, Notify } from '../../../src/wire/ikev2/index.js';
import { IKEV2_VECTORS, loadIkev2Vector } from './strongswanIkev2.js';

const messages = IKEV2_VECTORS.flatMap((name) => loadIkev2Vector(name).datagrams.map((d) => d.payload));

function decodesOrRefuses(bytes: Uint8Array): void {
  try {
    decodeIkev2Message(bytes);
  } catch (e) {
    assert.ok(e instanceof DecodeError, `${String(e)}`);
    assert.ok(e.offset >= 0 && e.offset <= bytes.length, `offset ${e.offset} of ${bytes.length}`);
  }
}

test('every truncation of every captured message is refused with DecodeError', () => {
  for (const m of messages) {
    for (let n = 0; n < m.length; n++) {
      // A shorter datagram whose header still says the full length is refused too.
      assert.throws(() => decodeIkev2Message(m.subarray(0, n)), DecodeError);
    }
  }
});

test('any byte changed anywhere decodes or is refused with DecodeError', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: messages.length - 1 }),
      fc.nat(),
      fc.integer({ min: 1, max: 255 }),
      (which, where, xor) => {
        const m = messages[which] ?? new Uint8Array(0);
        const bad = m.slice();
        const at = where % bad.length;
        bad[at] = (bad[at] ?? 0) ^ xor;
        decodesOrRefuses(bad);
      },
    ),
    { numRuns: 5000, seed: 7296 },
  );
});

test('random bytes after a valid header are refused with DecodeError', () => {
  const header = messages[0]?.subarray(0, 28) ?? new Uint8Array(28);
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 300 }), fc.integer({ min: 0, max: 60 }), (body, first) => {
      const m = new Uint8Array(28 + body.length);
      m.set(header);
      m.set(body, 28);
      m[16] = first;
      new DataView(m.buffer).setUint32(24, m.length);
      decodesOrRefuses(m);
    }),
    { numRuns: 5000, seed: 5282 },
  );
});

test('version 1 is INVALID_MAJOR_VERSION; a length not the datagram is INVALID_SYNTAX', () => {
  const m = (messages[0] ?? new Uint8Array(0)).slice();
  m[17] = 0x10;
  assert.throws(
    () => decodeIkev2Message(m),
    (e: unknown) => e instanceof DecodeError && e.notify === Notify.INVALID_MAJOR_VERSION,
  );
  const longer = new Uint8Array([...(messages[0] ?? []), 0]);
  assert.throws(
    () => decodeIkev2Message(longer),
    (e: unknown) => e instanceof DecodeError && e.notify === Notify.INVALID_SYNTAX,
  );
});

test('payload rules: a nonce under 16 octets, a TS payload without selectors, bytes after SK', () => {
  const nonce = Uint8Array.of(0, 0, 0, 4 + 15, ...new Uint8Array(15));
  assert.throws(() => decodeIkev2Payloads(40, nonce), /nonce of 15 octets/);
  const ts = Uint8Array.of(0, 0, 0, 8, 0, 0, 0, 0);
  assert.throws(() => decodeIkev2Payloads(44, ts), /without selectors/);
  const sk = Uint8Array.of(0, 0, 0, 8, 1, 2, 3, 4, 9);
  assert.throws(() => decodeIkev2Payloads(46, sk), /after the SK payload/);
  const badLast = Uint8Array.of(0, 0, 0, 12, 5, 0, 0, 8, 1, 1, 0, 0);
  assert.throws(() => decodeIkev2Payloads(33, badLast), /last substruc 5/);
});

test('an unknown payload keeps its critical bit for the engine to refuse', () => {
  const [p] = decodeIkev2Payloads(200, Uint8Array.of(0, 0x80, 0, 6, 0xaa, 0xbb));
  assert.deepEqual(p, { type: 'unknown', payloadType: 200, critical: true, body: Uint8Array.of(0xaa, 0xbb) });
});
