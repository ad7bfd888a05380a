// Group 31, Curve25519 (RFC 8031): X25519 of RFC 7748. Public values and the shared secret are
// 32 bytes; an all-zero shared secret (a small-order peer value) is refused (RFC 8031 §2.3,
// RFC 7748 §6.1).

import { type KeyObject, createPrivateKey, createPublicKey, diffieHellman, randomBytes } from 'node:crypto';
import { CryptoParameterError, InvalidPublicValueError } from '../errors.js';
import type { DhGroup, DhKeyPair } from './group.js';

export const CURVE25519_GROUP_ID = 31;

const b64 = (bytes: Uint8Array): string =>
  Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64url');

// Keys go into OpenSSL as JWK (RFC 8037 §2): node imports that raw, where a DER import runs
// OpenSSL's decoder search, ten times slower than the X25519 operation itself.
function privateKeyObject(scalar: Uint8Array): KeyObject {
  // `x` is required by the JWK reader but not used: OpenSSL derives the public key from `d`.
  return createPrivateKey({
    key: { kty: 'OKP', crv: 'X25519', d: b64(scalar), x: b64(scalar) },
    format: 'jwk',
  });
}

function publicKeyObject(u: Uint8Array): KeyObject {
  return createPublicKey({ key: { kty: 'OKP', crv: 'X25519', x: b64(u) }, format: 'jwk' });
}

class Curve25519Group implements DhGroup {
  readonly id = CURVE25519_GROUP_ID;
  readonly kind = 'curve25519' as const;
  readonly publicLength = 32;
  readonly secretLength = 32;
  readonly privateLength = 32;
  /** Each pair's key object, built once when the pair is made. */
  private readonly native = new WeakMap<DhKeyPair, KeyObject>();

  generateKeyPair(privateKey?: Uint8Array): DhKeyPair {
    const scalar = privateKey ?? new Uint8Array(randomBytes(32));
    if (scalar.length !== 32) {
      throw new CryptoParameterError(`X25519 private key must be 32 bytes, got ${scalar.length}`);
    }
    const key = privateKeyObject(scalar);
    const jwk = createPublicKey(key).export({ format: 'jwk' });
    const pair: DhKeyPair = {
      group: this.id,
      privateKey: scalar.slice(),
      publicValue: new Uint8Array(Buffer.from(jwk.x ?? '', 'base64url')),
    };
    this.native.set(pair, key);
    return pair;
  }

  computeSharedSecret(pair: DhKeyPair, peerPublic: Uint8Array): Uint8Array {
    if (peerPublic.length !== 32) {
      throw new InvalidPublicValueError(this.id, `length ${peerPublic.length}, expected 32`);
    }
    let secret: Buffer;
    try {
      secret = diffieHellman({
        privateKey: this.native.get(pair) ?? privateKeyObject(pair.privateKey),
        publicKey: publicKeyObject(peerPublic),
      });
    } catch {
      // OpenSSL itself refuses some small-order points.
      throw new InvalidPublicValueError(this.id, 'shared secret is all zero');
    }
    if (secret.every((b) => b === 0)) {
      throw new InvalidPublicValueError(this.id, 'shared secret is all zero');
    }
    return new Uint8Array(secret);
  }

  forget(pair: DhKeyPair): void {
    this.native.delete(pair);
  }
}

export const curve25519Group: DhGroup = new Curve25519Group();
