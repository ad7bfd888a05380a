// RSA as IKEv1 uses it, with the RSA-3072 test PKI of the strongSwan RSA vector.
// Signatures: PKCS#1 v1.5 type 1 over the raw hash (RFC 2409 §5.1), compared byte for byte
// with OpenSSL's command line (`openssl rsautl -sign -inkey r1.key.pem`, which pads the input
// as it is, without DigestInfo); PKCS#1 v1.5 signatures are deterministic. The signatures
// strongSwan sent in the capture are verified in strongswanKat.test.ts.
// Encryption (RFC 2409 §5.2 encrypted nonces): round trip, OpenSSL-made ciphertext
// (`openssl pkeyutl -encrypt -pubin -inkey r1 public key`), and implicit rejection.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createPrivateKey, createPublicKey, publicEncrypt, constants, randomBytes } from 'node:crypto';
import { rsaDecrypt, rsaEncrypt, rsaSignIkev1, rsaVerifyIkev1 } from '../../src/crypto/index.js';
import { fixture } from '../util/fixtures.js';
import { hex, toHex } from './hex.js';

const dir = fixture(join('strongswan-ikev1', 'mm-rsa-aes128-sha256-modp2048'));
const keyFile = join(dir, 'r1.key.pem');
const r1Private = createPrivateKey(readFileSync(keyFile));
const r1Public = createPublicKey(readFileSync(join(dir, 'r1.cert.pem')));
const r2Public = createPublicKey(readFileSync(join(dir, 'r2.cert.pem')));
// HASH_I of the RSA vector (initiator.log), a real 32-byte IKEv1 hash.
const HASH_I = hex('62b6b13cd6c1253da85e72e172b1af53be7b6f72a8c564586a81bf592aa30f44');

function openssl(args: string[], input: Uint8Array): Uint8Array | undefined {
  const r = spawnSync('openssl', args, { input, timeout: 10_000 });
  if (r.error || r.status !== 0) return undefined;
  return new Uint8Array(r.stdout);
}

describe('IKEv1 RSA signatures (RFC 2409 §5.1)', () => {
  it('sign/verify round trip; a changed hash, signature or key does not verify', () => {
    const sig = rsaSignIkev1(r1Private, HASH_I);
    assert.equal(sig.length, 384);
    assert.equal(rsaVerifyIkev1(r1Public, HASH_I, sig), true);
    const otherHash = HASH_I.slice();
    otherHash[31] = (otherHash[31] ?? 0) ^ 1;
    assert.equal(rsaVerifyIkev1(r1Public, otherHash, sig), false);
    const badSig = sig.slice();
    badSig[100] = (badSig[100] ?? 0) ^ 1;
    assert.equal(rsaVerifyIkev1(r1Public, HASH_I, badSig), false);
    assert.equal(rsaVerifyIkev1(r2Public, HASH_I, sig), false);
    assert.equal(rsaVerifyIkev1(r1Public, HASH_I, sig.subarray(1)), false);
    assert.equal(rsaVerifyIkev1(r1Public, HASH_I, new Uint8Array(0)), false);
    // A prefix of the hash is not the hash.
    assert.equal(rsaVerifyIkev1(r1Public, HASH_I.subarray(0, 20), sig), false);
  });

  it('equals `openssl rsautl -sign -inkey r1.key.pem` over the same raw hash', (t) => {
    const expected = openssl(['rsautl', '-sign', '-inkey', keyFile], HASH_I);
    if (!expected) {
      t.skip('openssl command line not available');
      return;
    }
    assert.equal(toHex(rsaSignIkev1(r1Private, HASH_I)), toHex(expected));
    assert.equal(rsaVerifyIkev1(r1Public, HASH_I, expected), true);
  });
});

describe('RSA encryption for encrypted nonces (RFC 2409 §5.2)', () => {
  const nonce = hex('8372d24535a5b390f4f7485235c22c7ec83093b0ec80718f9e1627dd274ae833');

  it('round trip', () => {
    const c = rsaEncrypt(r1Public, nonce);
    assert.equal(c.length, 384);
    assert.equal(toHex(rsaDecrypt(r1Private, c)), toHex(nonce));
  });

  it('decrypts what OpenSSL encrypted', (t) => {
    const pubPem = r1Public.export({ format: 'pem', type: 'spki' });
    const r = spawnSync('bash', ['-c', 'openssl pkeyutl -encrypt -pubin -inkey /dev/fd/3 3<<<"$PUB"'], {
      input: nonce,
      env: { ...process.env, PUB: String(pubPem) },
      timeout: 10_000,
    });
    if (r.error || r.status !== 0) {
      t.skip('openssl command line not available');
      return;
    }
    assert.equal(toHex(rsaDecrypt(r1Private, new Uint8Array(r.stdout))), toHex(nonce));
  });

  it('bad padding never throws: a deterministic pseudo-random message instead (implicit rejection)', () => {
    // Raw RSA of a block that is not 00 02 PS 00 M: encrypt without padding.
    const block = new Uint8Array(384);
    block[0] = 0;
    block[1] = 1; // type 1, not 2
    block.fill(0xff, 2, 300);
    block.set(nonce, 352);
    const bad = new Uint8Array(publicEncrypt({ key: r1Public, padding: constants.RSA_NO_PADDING }, block));
    const m1 = rsaDecrypt(r1Private, bad);
    const m2 = rsaDecrypt(r1Private, bad);
    assert.equal(toHex(m1), toHex(m2));
    assert.notEqual(toHex(m1), toHex(nonce));
    assert.ok(m1.length <= 384 - 11);

    // Other failure kinds: PS shorter than 8 bytes, no zero separator, wrong length, >= n.
    const shortPs = new Uint8Array(384);
    shortPs[1] = 2;
    shortPs.fill(0x11, 2, 6);
    const noSep = new Uint8Array(384).fill(0x22);
    noSep[0] = 0;
    noSep[1] = 2;
    const cases = [
      new Uint8Array(publicEncrypt({ key: r1Public, padding: constants.RSA_NO_PADDING }, shortPs)),
      new Uint8Array(publicEncrypt({ key: r1Public, padding: constants.RSA_NO_PADDING }, noSep)),
      bad.subarray(1),
      new Uint8Array(384).fill(0xff),
      new Uint8Array(0),
    ];
    for (const c of cases) {
      const m = rsaDecrypt(r1Private, c);
      assert.ok(m instanceof Uint8Array);
      assert.ok(m.length <= 384 - 11);
    }
    // Different bad ciphertexts give different messages.
    assert.notEqual(
      toHex(rsaDecrypt(r1Private, cases[0] ?? bad)),
      toHex(rsaDecrypt(r1Private, cases[1] ?? bad)),
    );
  });

  it('valid ciphertexts of random messages of every length decrypt exactly', () => {
    for (const length of [0, 1, 8, 16, 32, 64, 256, 384 - 11]) {
      const m = new Uint8Array(randomBytes(length));
      assert.equal(toHex(rsaDecrypt(r1Private, rsaEncrypt(r1Public, m))), toHex(m), `length ${length}`);
    }
  });

  it('a well-padded message of a length the caller refuses is rejected implicitly too', () => {
    const short = rsaEncrypt(r1Public, new Uint8Array([1, 2, 3]));
    const m = rsaDecrypt(r1Private, short, { min: 8, max: 256 });
    assert.ok(m.length >= 8 && m.length <= 256, `length ${m.length}`);
    assert.equal(toHex(rsaDecrypt(r1Private, short, { min: 8, max: 256 })), toHex(m));
    const ok = new Uint8Array(randomBytes(32));
    assert.equal(toHex(rsaDecrypt(r1Private, rsaEncrypt(r1Public, ok), { min: 8, max: 256 })), toHex(ok));
  });
});
