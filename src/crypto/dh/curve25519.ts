// Group 31, Curve25519 (RFC 8031): X25519 of RFC 7748. Public values and the shared secret are
// 32 bytes; an all-zero shared secret (a small-order peer value) is refused (RFC 8031 §2.3,
// RFC 7748 §6.1).

import { type KeyObject, createPrivateKey, createPublicKey, diffieHellman, randomBytes } from 'node:crypto';
import { CryptoParameterError, InvalidPublicValueError } from '../errors.js';
import type { DhGroup, DhKeyPair } from './group.js';

// Fixed DER prefixes of the PKCS#8 and SPKI encodings of an X25519 key (RFC 8410 §7, §4).
const PKCS8_PREFIX = Buffer.from('302e020100300506032b656e04220420', 'hex');
const SPKI_PREFIX = Buffer.from('302a300506032b656e032100', 'hex');

export const CURVE25519_GROUP_ID = 31;

function privateKeyObject(scalar: Uint8Array): KeyObject {
  return createPrivateKey({
    key: Buffer.concat([PKCS8_PREFIX, scalar]),
    format: 'der',
    type: 'pkcs8',
  });
}

function publicKeyObject(u: Uint8Array): KeyObject {
  return createPublicKey({ key: Buffer.concat([SPKI_PREFIX, u]), format: 'der', type: 'spki' });
}

class Curve25519Group implements DhGroup {
  readonly id = CURVE25519_GROUP_ID;
  readonly kind = 'curve25519' as const;
  readonly publicLength = 32;
  readonly secretLength = 32;

  generateKeyPair(privateKey?: Uint8Array): DhKeyPair {
    const scalar = privateKey ?? new Uint8Array(randomBytes(32));
    if (scalar.length !== 32) {
      throw new CryptoParameterError(`X25519 private key must be 32 bytes, got ${scalar.length}`);
    }
    const spki = createPublicKey(privateKeyObject(scalar)).export({ format: 'der', type: 'spki' });
    return {
      group: this.id,
      privateKey: scalar.slice(),
      publicValue: new Uint8Array(spki.subarray(SPKI_PREFIX.length)),
    };
  }

  computeSharedSecret(pair: DhKeyPair, peerPublic: Uint8Array): Uint8Array {
    if (peerPublic.length !== 32) {
      throw new InvalidPublicValueError(this.id, `length ${peerPublic.length}, expected 32`);
    }
    let secret: Buffer;
    try {
      secret = diffieHellman({
        privateKey: privateKeyObject(pair.privateKey),
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
}

export const curve25519Group: DhGroup = new Curve25519Group();
