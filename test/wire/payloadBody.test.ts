// RFC 2409 §5 hashes payload bodies as the peer sent them (SAi_b, IDii_b): decoded payloads
// keep those bytes; a payload built or changed by the caller is encoded instead.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeMessage, encodePayloadBody, payloadBody, payloadLengths } from '../../src/wire/index.js';
import { message, payload, proposal, transform, u32 } from './helpers.js';

const saBody = [
  ...u32(1),
  ...u32(1),
  ...proposal(0, 1, 1, [], 1, transform(0, 1, 1, [0x80, 0x01, 0x00, 0x07])),
];
const idBody = [1, 17, 0x01, 0xf4, 192, 0, 2, 1];

test('payloadBody: the received body bytes of each decoded payload, the encoding otherwise', () => {
  const m = decodeMessage(message(1, [...payload(5, saBody), ...payload(0, idBody)]));
  const [sa, id] = m.payloads;
  assert.ok(sa && id);
  assert.deepEqual(payloadBody(sa), Uint8Array.from(saBody));
  assert.deepEqual(payloadBody(id), Uint8Array.from(idBody));
  const changed = { ...id, port: 4500 };
  assert.deepEqual(payloadBody(changed), encodePayloadBody(changed));
  assert.deepEqual([...payloadBody(changed).subarray(2, 4)], [0x11, 0x94]);
});

test('payloadLengths walks generic headers without decoding bodies', () => {
  // An ID body of 1 byte does not decode, but its generic header is sound.
  const body = Uint8Array.from([...payload(5, [1, 2, 3]), ...payload(0, [9]), 0, 0]);
  assert.deepEqual(payloadLengths(8, body), {
    types: [8, 5],
    lengths: [7, 5],
    trailing: Uint8Array.of(0, 0),
  });
});
