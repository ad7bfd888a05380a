// Malformed input: decoding throws DecodeError naming the exact offset (and the notify type an
// engine should answer with). Offsets are computed by hand from the layouts in RFC 2408 §3:
// the ISAKMP header is 28 bytes, a generic payload header 4, so the first payload's Length
// field is at 30 and its body starts at 32.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DecodeError, decodeMessage, decodePayloads, NotifyType } from '../../src/wire/index.js';
import { message, payload, proposal, transform, u16, u32 } from './helpers.js';

function expectError(
  bytes: Uint8Array,
  offset: number,
  pattern: RegExp,
  notify: number = NotifyType.PAYLOAD_MALFORMED,
): void {
  assert.throws(
    () => decodeMessage(bytes),
    (e: unknown) => {
      assert.ok(e instanceof DecodeError, `DecodeError, got ${String(e)}`);
      assert.match(e.message, pattern);
      assert.equal(e.offset, offset, `offset for ${e.message}`);
      assert.equal(e.notify, notify);
      return true;
    },
  );
}

// RFC 2408 §5.5 (3), §5.6 (2): proposals and transforms not formed correctly.
const BAD = NotifyType.BAD_PROPOSAL_SYNTAX;

const ikeTransform = transform(0, 1, 1, [0x80, 0x01, 0x00, 0x07]);
const goodProposal = proposal(0, 1, 1, [], 1, ikeTransform);
const saBody = (doi: number, proposals: number[]): number[] => [...u32(doi), ...u32(1), ...proposals];

test('a well-formed hand-built message decodes (baseline for the cases below)', () => {
  const m = decodeMessage(message(1, payload(0, saBody(1, goodProposal))));
  assert.equal(m.payloads.length, 1);
  const sa = m.payloads[0]!;
  assert.ok(sa.type === 1);
  assert.deepEqual(sa.proposals[0]!.transforms[0]!.attributes, [{ type: 1, value: 7, tv: true }]);
});

test('truncated header: the error is at the end of the data', () => {
  expectError(message(0, []).subarray(0, 20), 20, /truncated ISAKMP header/);
  expectError(new Uint8Array(0), 0, /truncated ISAKMP header/);
});

test('header Length shorter than the header or longer than the datagram: offset 24', () => {
  const short = message(0, []);
  short[27] = 27;
  expectError(short, 24, /shorter than the 28-byte header/);
  const long = message(0, []);
  long[27] = 29;
  expectError(long, 24, /exceeds the 28-byte datagram/);
});

test('payload Length past the end: offset of the Length field', () => {
  expectError(message(13, payload(0, [1, 2, 3, 4], 20)), 30, /runs past the end/);
});

test('payload Length shorter than the generic header', () => {
  expectError(message(13, payload(0, [], 3)), 30, /shorter than the generic header/);
});

test('chain names a next payload but the data ends: offset where the header should start', () => {
  expectError(message(13, payload(13, [9, 9])), 34, /truncated generic payload header/);
  expectError(message(13, [...payload(13, []), 0, 0]), 32, /truncated generic payload header: 2 bytes left/);
});

test('too many payloads: the 257th is refused at its own offset', () => {
  const body: number[] = [];
  for (let i = 0; i < 257; i++) body.push(...payload(i === 256 ? 0 : 13, []));
  expectError(message(13, body), 28 + 256 * 4, /more than 256 payloads/);
});

test('SA with a DOI other than IPsec: DOI-NOT-SUPPORTED at the DOI field', () => {
  expectError(
    message(1, payload(0, saBody(2, goodProposal))),
    32,
    /not the IPsec DOI/,
    NotifyType.DOI_NOT_SUPPORTED,
  );
});

test('SA without proposals is truncated at the first proposal header', () => {
  expectError(message(1, payload(0, saBody(1, []))), 40, /truncated proposal next payload/, BAD);
});

test('proposal Next Payload must be 2 or 0', () => {
  expectError(
    message(1, payload(0, saBody(1, proposal(5, 1, 1, [], 1, ikeTransform)))),
    40,
    /neither 0 nor 2/,
    BAD,
  );
});

test('proposal transform count disagrees with the transform chain', () => {
  // proposal at 40: next, reserved, length (42), number, protocol, SPI size, # transforms (47)
  expectError(
    message(1, payload(0, saBody(1, proposal(0, 1, 1, [], 2, ikeTransform)))),
    47,
    /announces 2 transforms but has 1/,
    BAD,
  );
  const two = [...transform(3, 1, 1, []), ...transform(0, 2, 1, [])];
  // second transform starts at 40 + 8 + 8 = 56
  expectError(
    message(1, payload(0, saBody(1, proposal(0, 1, 1, [], 1, two)))),
    56,
    /announces 1 transforms but has more/,
    BAD,
  );
});

test('too many proposals', () => {
  const proposals: number[] = [];
  for (let i = 0; i < 65; i++) proposals.push(...proposal(i === 64 ? 0 : 2, i + 1, 1, [], 1, ikeTransform));
  const each = 8 + ikeTransform.length;
  expectError(message(1, payload(0, saBody(1, proposals))), 40 + 64 * each, /more than 64 proposals/, BAD);
});

test('transform Length past the end of its proposal', () => {
  const bad = [3 - 3, 0, ...u16(40), 1, 1, 0, 0];
  expectError(
    message(1, payload(0, saBody(1, proposal(0, 1, 1, [], 1, bad)))),
    50,
    /transform length 40 past end/,
    BAD,
  );
});

test('TLV attribute longer than its transform', () => {
  // transform at 48, attributes at 56: type 0x000c, length 8 (at 58), only 2 bytes follow
  const t = transform(0, 1, 1, [0x00, 0x0c, 0x00, 0x08, 0x01, 0x02]);
  expectError(
    message(1, payload(0, saBody(1, proposal(0, 1, 1, [], 1, t)))),
    60,
    /truncated attribute 12 value: need 8 bytes, 2 left/,
    BAD,
  );
});

test('bytes left over after the last proposal of an SA', () => {
  expectError(
    message(1, payload(0, [...saBody(1, goodProposal), 0xee])),
    40 + goodProposal.length,
    /unexpected bytes after last proposal/,
    BAD,
  );
});

test('ID payload whose data does not fit its type: INVALID-ID-INFORMATION at the data', () => {
  expectError(
    message(5, payload(0, [1, 0, 0, 0, 10, 0, 0, 1, 5])),
    36,
    /needs 4 bytes/,
    NotifyType.INVALID_ID_INFORMATION,
  );
  expectError(
    message(5, payload(0, [4, 0, 0, 0, 10, 0, 0, 0])),
    36,
    /needs 8 bytes/,
    NotifyType.INVALID_ID_INFORMATION,
  );
});

test('NAT-OA with an ID type other than IPv4/IPv6', () => {
  expectError(
    message(21, payload(0, [2, 0, 0, 0, 1, 2, 3, 4])),
    32,
    /NAT-OA ID type 2/,
    NotifyType.INVALID_ID_INFORMATION,
  );
  expectError(message(131, payload(0, [1, 0, 0, 0, 1, 2, 3])), 36, /NAT-OA IPv4 address of 3 bytes/);
});

test('delete payload whose SPI count does not fill the payload', () => {
  // DOI (32), protocol (36), SPI size (37), # of SPIs (38)
  expectError(message(12, payload(0, [...u32(1), 3, 4, ...u16(2), 1, 2, 3, 4])), 38, /2 SPIs of 4 bytes/);
  expectError(message(12, payload(0, [...u32(1), 3, 0, ...u16(5)])), 38, /5 SPIs of size 0/);
});

test('notification SPI size past the payload end', () => {
  expectError(
    message(11, payload(0, [...u32(1), 3, 16, ...u16(24578), 1, 2, 3, 4])),
    40,
    /truncated notification SPI/,
  );
});

test('decodePayloads reports offsets relative to the caller base (a decrypted body at 28)', () => {
  assert.throws(
    () => decodePayloads(8, Uint8Array.from(payload(0, [1, 2], 9)), 28),
    (e: unknown) => e instanceof DecodeError && e.offset === 30,
  );
});

test('ID payload shorter than its ID type/protocol/port fields: INVALID-ID-INFORMATION (RFC 2408 §5.8)', () => {
  expectError(message(5, payload(0, [1])), 32, /ID payload of 1 bytes/, NotifyType.INVALID_ID_INFORMATION);
});
