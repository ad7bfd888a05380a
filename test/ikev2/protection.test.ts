// The SK payload against strongSwan 5.9.8's messages: each one opens with the keys charon
// logged; sealing what it carried again, with charon's IV and padding, gives the
// captured message byte for byte (AES-CBC + HMAC-SHA2 and AES-GCM); any flipped bit is refused.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openSk, sealSk } from '../../src/ikev2/protection.js';
import { decodeIkev2Message } from '../../src/wire/ikev2/index.js';
import { IKEV2_VECTORS, loadIkev2Vector, vectorSkKeys } from '../wire/ikev2/strongswanIkev2.js';

for (const name of IKEV2_VECTORS) {
  const v = loadIkev2Vector(name);
  const sealed = v.datagrams.filter((d) => decodeIkev2Message(d.payload).payloads.at(-1)?.type === 46);

  test(`${name}: resealing every SK message gives charon's bytes`, () => {
    assert.ok(sealed.length >= 4);
    for (const d of sealed) {
      const m = decodeIkev2Message(d.payload);
      const keys = vectorSkKeys(v, m.header.initiator);
      const opened = openSk(d.payload, m, keys);
      assert.ok(opened, `frame ${d.frame} opens`);
      const sk = m.payloads[0];
      assert.equal(sk?.type, 46);
      const iv = sk.type === 46 ? sk.data.subarray(0, keys.cipher.ivLength) : new Uint8Array(0);
      assert.deepEqual(
        sealSk(m.header, opened.payloads, keys, iv, opened.padding),
        d.payload,
        `frame ${d.frame}`,
      );
    }
  });

  test(`${name}: a flipped bit anywhere, or the other direction's keys, and the message does not open`, () => {
    const d = sealed[0];
    assert.ok(d);
    const m = decodeIkev2Message(d.payload);
    const keys = vectorSkKeys(v, m.header.initiator);
    for (let at = 0; at < d.payload.length; at += 7) {
      const bad = d.payload.slice();
      bad[at] = (bad[at] ?? 0) ^ 0x01;
      let decoded;
      try {
        decoded = decodeIkev2Message(bad);
      } catch {
        continue; // the header or chain no longer parses: refused before any key is used
      }
      assert.equal(openSk(bad, decoded, keys), undefined, `bit flipped at ${at}`);
    }
    assert.equal(openSk(d.payload, m, vectorSkKeys(v, !m.header.initiator)), undefined);
  });
}
