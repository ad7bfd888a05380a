// Peer input never crashes the crypto layer: random and mutated peer values give a result or
// the typed error, nothing else (fast-check, bounded runs).

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import {
  aeadOpen,
  getCipher,
  getDhGroup,
  InvalidPublicValueError,
  rsaDecrypt,
  rsaVerifyIkev1,
  verifyIcv,
  parseCertificate,
  CertificateError,
} from '../../src/crypto/index.js';
import { fixture } from '../util/fixtures.js';

/** The DER of a certificate strongSwan used (PEM in the fixtures). */
function strongswanCertDer(): Uint8Array {
  const pem = readFileSync(fixture('strongswan-ikev1/mm-rsa-aes128-sha256-modp2048/r1.cert.pem'), 'utf8');
  return new Uint8Array(Buffer.from(pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64'));
}

describe('peer values', () => {
  it('DH: random KE data of any length either yields a full-length secret or InvalidPublicValueError', () => {
    for (const id of [2, 14, 19, 21, 31]) {
      const g = getDhGroup(id);
      assert.ok(g);
      const pair = g.generateKeyPair();
      fc.assert(
        fc.property(
          fc.oneof(
            fc.uint8Array({ minLength: g.publicLength, maxLength: g.publicLength }),
            fc.uint8Array({ maxLength: g.publicLength + 2 }),
          ),
          (peer) => {
            try {
              assert.equal(g.computeSharedSecret(pair, peer).length, g.secretLength);
            } catch (e) {
              assert.ok(e instanceof InvalidPublicValueError, String(e));
            }
          },
        ),
        { numRuns: id === 21 ? 40 : 100 },
      );
    }
  });

  it('RSA: random signatures do not verify and random ciphertexts decrypt to something, never throw', () => {
    const key = createPrivateKey(
      readFileSync(fixture('strongswan-ikev1/mm-rsa-aes128-sha256-modp2048/r1.key.pem')),
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), (bytes) => {
        assert.equal(rsaVerifyIkev1(key, new Uint8Array(32), bytes), false);
        assert.ok(rsaDecrypt(key, bytes).length <= 384 - 11);
      }),
      { numRuns: 60 },
    );
  });

  it('ICV and AEAD checks: random input is rejected without throwing', () => {
    const gcm = getCipher('aes-gcm-16', 128);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), fc.uint8Array({ maxLength: 20 }), (data, icv) => {
        assert.equal(verifyIcv('hmac-sha1-96', new Uint8Array(20), icv, data), false);
        assert.equal(
          aeadOpen(gcm, new Uint8Array(16), new Uint8Array(12), new Uint8Array(8), data),
          undefined,
        );
      }),
      { numRuns: 200 },
    );
  });

  it('certificates: random and mutated DER gives a certificate or CertificateError', () => {
    const der = strongswanCertDer();
    fc.assert(
      fc.property(
        fc.nat({ max: der.length - 1 }),
        fc.integer({ min: 0, max: 255 }),
        fc.nat({ max: der.length }),
        (at, value, cut) => {
          const mutated = der.slice(0, Math.max(cut, 1));
          mutated[at % mutated.length] = value;
          try {
            parseCertificate(mutated);
          } catch (e) {
            assert.ok(e instanceof CertificateError, String(e));
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});

it("certificates: a damaged SubjectPublicKeyInfo is a CertificateError, not OpenSSL's error", () => {
  // The counterexample fast-check found (seed -1357518943): the first 1114 bytes of the
  // strongSwan certificate with byte 201, inside the SubjectPublicKeyInfo, set to 0.
  const der = strongswanCertDer();
  const mutated = der.slice(0, 1114);
  mutated[201] = 0;
  assert.throws(() => parseCertificate(mutated), CertificateError);
});
