import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  RadiusAttr,
  attributesOf,
  checkReply,
  decodeRadius,
  encodeRadius,
  hidePassword,
  unhidePassword,
} from '../../src/aaa/radiusPacket.js';
import { DecodeError } from '../../src/wire/errors.js';

const hex = (s: string): Uint8Array => new Uint8Array(Buffer.from(s.replace(/\s+/g, ''), 'hex'));
const text = (b: Uint8Array): string => Buffer.from(b).toString('utf8');

// RFC 2865 §7.1 "User Telnet to Specified Host": nemo / arctangent, shared secret xyzzy5461.
const SECRET = Buffer.from('xyzzy5461');
const REQUEST = hex(`01 00 00 38 0f 40 3f 94 73 97 80 57 bd 83 d5 cb
  98 f4 22 7a 01 06 6e 65 6d 6f 02 12 0d be 70 8d
  93 d4 13 ce 31 96 e4 3f 78 2a 0a ee 04 06 c0 a8
  01 10 05 06 00 00 00 03`);
const ACCEPT = hex(`02 00 00 26 86 fe 22 0e 76 24 ba 2a 10 05 f6 bf
  9b 55 e0 b2 06 06 00 00 00 01 0f 06 00 00 00 00
  0e 06 c0 a8 01 03`);

test('RFC 2865 §7.1: the Access-Request decodes, its User-Password unhides and re-hides byte for byte', () => {
  const p = decodeRadius(REQUEST);
  assert.equal(p.code, 1);
  assert.equal(p.identifier, 0);
  assert.equal(text(attributesOf(p, RadiusAttr.UserName)[0]!), 'nemo');
  const hidden = attributesOf(p, RadiusAttr.UserPassword)[0]!;
  assert.equal(text(unhidePassword(hidden, SECRET, p.authenticator)), 'arctangent');
  assert.deepEqual(hidePassword(Buffer.from('arctangent'), SECRET, p.authenticator), hidden);
  assert.deepEqual(encodeRadius(p), REQUEST);
});

test('RFC 2865 §7.1: the Access-Accept passes the Response Authenticator check; a flipped byte or another secret fails', () => {
  const p = decodeRadius(REQUEST);
  const ok = checkReply(ACCEPT, 0, p.authenticator, SECRET);
  assert.equal(ok.ok, true);
  const flipped = ACCEPT.slice();
  flipped[0] = 3; // Access-Accept turned into Access-Reject: the authenticator covers the code
  assert.deepEqual(checkReply(flipped, 0, p.authenticator, SECRET), {
    ok: false,
    reason: 'bad Response Authenticator (wrong shared secret?)',
  });
  assert.equal(checkReply(ACCEPT, 0, p.authenticator, Buffer.from('xyzzy5462')).ok, false);
  assert.deepEqual(checkReply(ACCEPT, 1, p.authenticator, SECRET), {
    ok: false,
    reason: 'identifier 0, expected 1',
  });
  assert.equal(checkReply(REQUEST, 0, p.authenticator, SECRET).ok, false);
});

test('§5.2: passwords of 16 and 17 bytes take one and two blocks; 129 bytes is refused', () => {
  const ra = new Uint8Array(16).fill(7);
  assert.equal(hidePassword(new Uint8Array(16).fill(0x61), SECRET, ra).length, 16);
  const two = hidePassword(new Uint8Array(17).fill(0x61), SECRET, ra);
  assert.equal(two.length, 32);
  assert.equal(text(unhidePassword(two, SECRET, ra)), 'a'.repeat(17));
  assert.throws(() => hidePassword(new Uint8Array(129), SECRET, ra));
  assert.throws(() => unhidePassword(new Uint8Array(15), SECRET, ra), DecodeError);
});

test('malformed packets: Length out of range or past the data, attribute length 0 or 1 or past the end', () => {
  const bad = [
    new Uint8Array(0),
    REQUEST.subarray(0, 19),
    Uint8Array.of(...REQUEST.subarray(0, 2), 0x00, 0x13, ...REQUEST.subarray(4)),
    Uint8Array.of(...REQUEST.subarray(0, 2), 0x10, 0x01, ...REQUEST.subarray(4)),
    REQUEST.subarray(0, REQUEST.length - 1),
    Uint8Array.of(2, 0, 0, 22, ...new Uint8Array(16), 18, 1),
    Uint8Array.of(2, 0, 0, 23, ...new Uint8Array(16), 18, 5, 0),
  ];
  for (const b of bad) assert.throws(() => decodeRadius(b), DecodeError);
  // Octets past Length are padding (§3).
  assert.deepEqual(decodeRadius(Uint8Array.of(...REQUEST, 0, 0)), decodeRadius(REQUEST));
});

test('any bytes: decodeRadius and checkReply throw nothing but DecodeError', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
      const b =
        bytes.length >= 4 ? Uint8Array.of(2, 0, 0, Math.min(bytes.length, 255), ...bytes.subarray(4)) : bytes;
      for (const input of [bytes, b]) {
        try {
          decodeRadius(input);
        } catch (e) {
          if (!(e instanceof DecodeError)) throw e;
        }
        checkReply(input, 0, new Uint8Array(16), SECRET);
      }
    }),
    { numRuns: 3000 },
  );
});
