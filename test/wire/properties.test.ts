// Property tests (fast-check): generated valid messages round-trip; random bytes and mutated
// real messages only ever produce a message (that re-encodes to the same bytes) or a
// DecodeError. (Decode time against input size is `npm run bench:decode`.)

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  DecodeError,
  decodeMessage,
  decodePayloads,
  encodeMessage,
  encodePayloads,
  payloadTypeOf,
  type IsakmpMessage,
} from '../../src/wire/index.js';
import { messageArb, payloadListArb } from './arbitraries.js';
import { allCapturedIsakmp } from './captureFrames.js';

const RUNS = 400;

/** Decodes; returns undefined for DecodeError and rethrows anything else. */
function tryDecode(bytes: Uint8Array): IsakmpMessage | undefined {
  try {
    return decodeMessage(bytes);
  } catch (e) {
    if (e instanceof DecodeError) {
      assert.ok(
        e.offset >= 0 && e.offset <= bytes.length,
        `offset ${e.offset} within input of ${bytes.length}`,
      );
      return undefined;
    }
    throw e;
  }
}

test('payload lists round-trip: decode(encode(list)) equals list, every length computed', () => {
  fc.assert(
    fc.property(payloadListArb, (payloads) => {
      const { firstPayload, bytes } = encodePayloads(payloads);
      assert.equal(firstPayload, payloads[0] ? payloadTypeOf(payloads[0]) : 0);
      const back = decodePayloads(firstPayload, bytes);
      assert.deepEqual(back.payloads, payloads);
      assert.equal(back.trailing.length, 0);
    }),
    { numRuns: RUNS },
  );
});

test('messages round-trip byte for byte and decode back to the same object', () => {
  fc.assert(
    fc.property(messageArb, (m) => {
      const bytes = encodeMessage(m);
      const back = decodeMessage(bytes);
      const expected = {
        ...m,
        header: {
          ...m.header,
          length: bytes.length,
          nextPayload: m.encrypted ? m.header.nextPayload : back.header.nextPayload,
        },
      };
      assert.deepEqual(back, expected);
      assert.equal(
        back.header.nextPayload,
        m.encrypted ? 8 : m.payloads[0] ? payloadTypeOf(m.payloads[0]) : 0,
      );
      assert.deepEqual(encodeMessage(back), bytes);
    }),
    { numRuns: RUNS },
  );
});

test('random bytes: a message that re-encodes exactly, or a DecodeError', () => {
  const header = fc.uint8Array({ minLength: 28, maxLength: 28 });
  fc.assert(
    fc.property(
      fc.oneof(
        fc.uint8Array({ maxLength: 300 }),
        // a plausible header (length field patched to the real size) so the chain is reached
        fc.tuple(header, fc.uint8Array({ maxLength: 300 }), fc.boolean()).map(([h, body, clear]) => {
          const out = new Uint8Array(28 + body.length);
          out.set(h);
          out.set(body, 28);
          if (clear) out[19] = 0;
          new DataView(out.buffer).setUint32(24, out.length);
          return out;
        }),
      ),
      (bytes) => {
        const m = tryDecode(bytes);
        if (m) assert.deepEqual(encodeMessage(m), bytes);
      },
    ),
    { numRuns: 2000 },
  );
});

test('random decrypted bodies: payloads + trailing padding that re-encode exactly, or a DecodeError', () => {
  fc.assert(
    fc.property(
      fc.constantFrom(1, 4, 5, 8, 11, 12, 14, 21, 130, 200),
      fc.uint8Array({ maxLength: 200 }),
      (first, body) => {
        let decoded;
        try {
          decoded = decodePayloads(first, body, 28);
        } catch (e) {
          if (e instanceof DecodeError) return;
          throw e;
        }
        const again = encodePayloads(decoded.payloads);
        assert.deepEqual(Uint8Array.from([...again.bytes, ...decoded.trailing]), body);
      },
    ),
    { numRuns: 2000 },
  );
});

test('mutated strongSwan messages: a message that re-encodes exactly, or a DecodeError', () => {
  const corpus = allCapturedIsakmp()
    .map((c) => c.bytes)
    .filter((b) => (b[19]! & 1) === 0); // clear messages exercise every payload decoder
  assert.ok(corpus.length >= 20);
  const mutation = fc.oneof(
    fc.record({ kind: fc.constant('set' as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
    fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), value: fc.integer({ min: 0, max: 7 }) }),
    fc.record({ kind: fc.constant('cut' as const), at: fc.nat(), value: fc.constant(0) }),
    fc.record({
      kind: fc.constant('insert' as const),
      at: fc.nat(),
      value: fc.integer({ min: 0, max: 255 }),
    }),
  );
  fc.assert(
    fc.property(
      fc.nat({ max: corpus.length - 1 }),
      fc.array(mutation, { minLength: 1, maxLength: 6 }),
      fc.boolean(),
      (pick, mutations, fixLength) => {
        let b = Uint8Array.from(corpus[pick]!);
        for (const m of mutations) {
          const at = m.at % Math.max(1, b.length);
          if (m.kind === 'set') b[at] = m.value;
          else if (m.kind === 'flip') b[at] = b[at]! ^ (1 << m.value);
          else if (m.kind === 'cut') b = b.slice(0, at);
          else b = Uint8Array.from([...b.subarray(0, at), m.value, ...b.subarray(at)]);
        }
        if (fixLength && b.length >= 28) new DataView(b.buffer).setUint32(24, b.length);
        const m = tryDecode(b);
        if (m) assert.deepEqual(encodeMessage(m), b);
      },
    ),
    { numRuns: 3000 },
  );
});
