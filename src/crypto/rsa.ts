// RSA as IKEv1 uses it.
// Signatures (RFC 2409 §5.1): the raw HASH_I/HASH_R is encrypted with the private key under
// PKCS#1 v1.5 type 1 padding, with no DigestInfo (strongSwan: RSA_EMSA_PKCS1_NULL).
// Encrypted nonces and IDs (RFC 2409 §5.2, §5.3): PKCS#1 v1.5 type 2 encryption. The decrypt
// never tells a caller whether the padding was valid: a bad block yields a pseudo-random
// message derived from the private key and the ciphertext ("implicit rejection", as
// OpenSSL 3.2 does), so the failure shows up later as an ordinary AUTHENTICATION_FAILED,
// the same as a wrong nonce (STYLE.md §8; Felsch et al., USENIX Security 2018).

import {
  type KeyObject,
  constants,
  createHash,
  createHmac,
  privateDecrypt,
  privateEncrypt,
  publicDecrypt,
  publicEncrypt,
  timingSafeEqual,
} from 'node:crypto';
import { CryptoParameterError } from './errors.js';

export function rsaSignIkev1(privateKey: KeyObject, hash: Uint8Array): Uint8Array {
  return new Uint8Array(privateEncrypt({ key: privateKey, padding: constants.RSA_PKCS1_PADDING }, hash));
}

/** True when `signature` is the PKCS#1 type 1 encryption of exactly `hash`. */
export function rsaVerifyIkev1(publicKey: KeyObject, hash: Uint8Array, signature: Uint8Array): boolean {
  let recovered: Buffer;
  try {
    recovered = publicDecrypt({ key: publicKey, padding: constants.RSA_PKCS1_PADDING }, signature);
  } catch {
    return false;
  }
  return recovered.length === hash.length && timingSafeEqual(recovered, hash);
}

export function rsaEncrypt(publicKey: KeyObject, data: Uint8Array): Uint8Array {
  return new Uint8Array(publicEncrypt({ key: publicKey, padding: constants.RSA_PKCS1_PADDING }, data));
}

const kdkCache = new WeakMap<KeyObject, Buffer>();

// Key-derivation key for implicit rejection: a hash of the private key, never leaves here.
function rejectionKey(privateKey: KeyObject): Buffer {
  let kdk = kdkCache.get(privateKey);
  if (kdk === undefined) {
    const der = privateKey.export({ format: 'der', type: 'pkcs8' });
    kdk = createHash('sha256').update('typeswan rsa implicit rejection').update(der).digest();
    der.fill(0);
    kdkCache.set(privateKey, kdk);
  }
  return kdk;
}

function syntheticBlock(kdk: Buffer, ciphertext: Uint8Array, k: number): Uint8Array {
  const out = new Uint8Array(k);
  for (let at = 0, i = 0; at < k; i++, at += 32) {
    const block = createHmac('sha256', kdk)
      .update(new Uint8Array([0x6d, i >>> 8, i & 0xff]))
      .update(ciphertext)
      .digest();
    out.set(block.subarray(0, Math.min(32, k - at)), at);
  }
  return out;
}

function syntheticLength(kdk: Buffer, ciphertext: Uint8Array, k: number): number {
  const d = createHmac('sha256', kdk)
    .update(new Uint8Array([0x6c]))
    .update(ciphertext)
    .digest();
  return d.readUInt16BE(0) % (k - 10); // 0 .. k-11, the range of a valid PKCS#1 v1.5 message
}

/** PKCS#1 v1.5 decryption with implicit rejection: always returns a message, never throws
 * for a bad ciphertext. Only the length of the result depends on the input. */
export function rsaDecrypt(privateKey: KeyObject, ciphertext: Uint8Array): Uint8Array {
  const bits = privateKey.asymmetricKeyDetails?.modulusLength;
  if (privateKey.asymmetricKeyType !== 'rsa' || bits === undefined || bits < 512) {
    throw new CryptoParameterError('rsaDecrypt needs an RSA private key');
  }
  const k = Math.ceil(bits / 8);
  const kdk = rejectionKey(privateKey);
  const fake = syntheticBlock(kdk, ciphertext, k);
  const fakeLength = syntheticLength(kdk, ciphertext, k);

  let em: Uint8Array;
  let good = ciphertext.length === k ? 1 : 0;
  try {
    em = new Uint8Array(privateDecrypt({ key: privateKey, padding: constants.RSA_NO_PADDING }, ciphertext));
  } catch {
    // Ciphertext not below the modulus or of the wrong size: public facts, not padding.
    em = new Uint8Array(k);
    good = 0;
  }
  if (em.length !== k) {
    em = new Uint8Array(k);
    good = 0;
  }

  // EM = 0x00 | 0x02 | PS (>= 8 nonzero bytes) | 0x00 | M. Scan every byte, no early exit.
  good &= isZero(em[0] ?? 1) & isZero((em[1] ?? 0) ^ 2);
  let lookingForZero = 1;
  let zeroIndex = 0;
  for (let i = 2; i < k; i++) {
    const z = isZero(em[i] ?? 0) & lookingForZero;
    zeroIndex |= select(z, i, 0);
    lookingForZero &= 1 - z;
  }
  good &= 1 - lookingForZero;
  good &= zeroIndex >= 10 ? 1 : 0;

  const realLength = k - zeroIndex - 1;
  const length = select(good, realLength, fakeLength);
  const block = new Uint8Array(k);
  const maskReal = -good & 0xff;
  for (let i = 0; i < k; i++) {
    block[i] = ((em[i] ?? 0) & maskReal) | ((fake[i] ?? 0) & ~maskReal & 0xff);
  }
  em.fill(0);
  return block.slice(k - length);
}

function isZero(x: number): number {
  return ((x | -x) >>> 31) ^ 1;
}

function select(bit: number, a: number, b: number): number {
  const mask = -bit;
  return (a & mask) | (b & ~mask);
}
