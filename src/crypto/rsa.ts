// RSA as IKEv1 uses it.
// Signatures (RFC 2409 §5.1): the raw HASH_I/HASH_R is encrypted with the private key under
// PKCS#1 v1.5 type 1 padding, with no DigestInfo (strongSwan: RSA_EMSA_PKCS1_NULL).
// Encrypted nonces and IDs (RFC 2409 §5.2, §5.3): PKCS#1 v1.5 type 2 encryption. The decrypt
// never tells a caller whether the padding was valid: a bad block yields a pseudo-random
// message derived from the private key, a per-process secret and the ciphertext ("implicit
// rejection", as OpenSSL 3.2 does), so the failure shows up later as an ordinary AUTHENTICATION_FAILED,
// the same as a wrong nonce (STYLE.md §8; Felsch et al., USENIX Security 2018).

import {
  type KeyObject,
  constants,
  createHmac,
  privateDecrypt,
  privateEncrypt,
  publicDecrypt,
  publicEncrypt,
  randomBytes,
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

// Drawn once per process: the implicit-rejection values cannot be computed by anyone who
// has only seen this process's messages, nor replayed from an earlier run.
const processSecret = randomBytes(32);

// Key-derivation key for implicit rejection: HMAC of the private key under the per-process
// secret; it never leaves this module.
function rejectionKey(privateKey: KeyObject): Buffer {
  let kdk = kdkCache.get(privateKey);
  if (kdk === undefined) {
    const der = privateKey.export({ format: 'der', type: 'pkcs8' });
    kdk = createHmac('sha256', processSecret).update('typeswan rsa implicit rejection').update(der).digest();
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

/** A length in [min, max] drawn from the ciphertext: what a bad block's message is given. */
function syntheticLength(kdk: Buffer, ciphertext: Uint8Array, min: number, max: number): number {
  const d = createHmac('sha256', kdk)
    .update(new Uint8Array([0x6c]))
    .update(ciphertext)
    .digest();
  return min + (d.readUInt32BE(0) % (max - min + 1));
}

/** The message lengths a caller accepts (a nonce: 8..256 bytes, RFC 2409 §5). */
export interface MessageLengths {
  readonly min: number;
  readonly max: number;
}

/**
 * PKCS#1 v1.5 decryption with implicit rejection: always returns a message, never throws
 * for a bad ciphertext. A block that is not 00 02 PS(>= 8 nonzero) 00 M, or whose M is not
 * of a length in `lengths`, yields instead a pseudo-random message of a length in `lengths`
 * derived (HMAC) from the ciphertext, the key and a per-process secret: the caller cannot
 * tell, so a peer cannot either (Bleichenbacher 1998; Felsch et al., USENIX Security 2018).
 * Decryption is raw RSA (RSA_NO_PADDING); the padding check below has no branch or early
 * exit on the plaintext.
 */
export function rsaDecrypt(
  privateKey: KeyObject,
  ciphertext: Uint8Array,
  lengths?: MessageLengths,
): Uint8Array {
  const bits = privateKey.asymmetricKeyDetails?.modulusLength;
  if (privateKey.asymmetricKeyType !== 'rsa' || bits === undefined || bits < 512) {
    throw new CryptoParameterError('rsaDecrypt needs an RSA private key');
  }
  const k = Math.ceil(bits / 8);
  const min = Math.max(0, lengths?.min ?? 0);
  const max = Math.min(k - 11, lengths?.max ?? k - 11);
  if (min > max) throw new CryptoParameterError(`no message of ${min}..${max} bytes fits a ${bits}-bit key`);
  const kdk = rejectionKey(privateKey);
  const fake = syntheticBlock(kdk, ciphertext, k);
  const fakeLength = syntheticLength(kdk, ciphertext, min, max);

  let em: Uint8Array;
  // Ciphertext length and its size against the modulus are public facts, not padding.
  let good = isZero(ciphertext.length ^ k);
  try {
    em = new Uint8Array(privateDecrypt({ key: privateKey, padding: constants.RSA_NO_PADDING }, ciphertext));
  } catch {
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
  good &= lessOrEqual(10, zeroIndex);
  const realLength = k - zeroIndex - 1;
  good &= lessOrEqual(min, realLength) & lessOrEqual(realLength, max);

  const length = select(good, realLength, fakeLength);
  const block = new Uint8Array(k);
  const maskReal = -good & 0xff;
  for (let i = 0; i < k; i++) {
    block[i] = ((em[i] ?? 0) & maskReal) | ((fake[i] ?? 0) & ~maskReal & 0xff);
  }
  em.fill(0);
  return block.slice(k - length);
}

/** 1 when x is 0 (x a 32-bit integer), else 0, without a branch. */
function isZero(x: number): number {
  return ((x | -x) >>> 31) ^ 1;
}

/** 1 when a <= b for 0 <= a, b < 2^31, without a branch. */
function lessOrEqual(a: number, b: number): number {
  return ((b - a) >>> 31) ^ 1;
}

function select(bit: number, a: number, b: number): number {
  const mask = -bit;
  return (a & mask) | (b & ~mask);
}
