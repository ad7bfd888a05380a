// The symmetric ciphers IKEv1 and ESP negotiate. Every one maps onto a cipher Node's default
// OpenSSL provider has: single DES is run as 3DES-EDE with K|K|K (E_K(D_K(E_K(x))) = E_K(x)),
// so the legacy provider is never needed.

import { type CipherGCMTypes, createCipheriv, createDecipheriv } from 'node:crypto';
import type { EspCipher } from '../policy/sa.js';
import { CryptoParameterError } from './errors.js';

export type CipherName = EspCipher;

export interface CipherSuite {
  readonly name: CipherName;
  /** Cipher key length in bytes, without the CTR nonce / GCM salt. */
  readonly keyLength: number;
  /** Padding block in bytes: the cipher block for CBC, 1 for counter modes and NULL
   * (RFC 3686 §3.2, RFC 4106 §3.2: ESP still aligns to 4 bytes itself). */
  readonly blockSize: number;
  /** Explicit IV carried in each packet/message, in bytes. */
  readonly ivLength: number;
  /** Bytes of key material after the key: RFC 3686 nonce or RFC 4106 salt. */
  readonly saltLength: number;
  /** AEAD ICV length in bytes (0 unless AEAD). */
  readonly icvLength: number;
  readonly aead: boolean;
}

const AES_KEY_BITS = [128, 192, 256] as const;

/** Throws CryptoParameterError for an unknown key size. */
export function getCipher(name: CipherName, keyBits?: number): CipherSuite {
  switch (name) {
    case 'null':
      return suite(name, 0, 1, 0, 0, 0);
    case 'des-cbc':
      return suite(name, 8, 8, 8, 0, 0);
    case '3des-cbc':
      return suite(name, 24, 8, 8, 0, 0);
    case 'aes-cbc':
      return suite(name, aesKeyLength(keyBits), 16, 16, 0, 0);
    case 'aes-ctr':
      return suite(name, aesKeyLength(keyBits), 1, 8, 4, 0);
    case 'aes-gcm-8':
      return suite(name, aesKeyLength(keyBits), 1, 8, 4, 8);
    case 'aes-gcm-12':
      return suite(name, aesKeyLength(keyBits), 1, 8, 4, 12);
    case 'aes-gcm-16':
      return suite(name, aesKeyLength(keyBits), 1, 8, 4, 16);
  }
}

function suite(
  name: CipherName,
  keyLength: number,
  blockSize: number,
  ivLength: number,
  saltLength: number,
  icvLength: number,
): CipherSuite {
  return { name, keyLength, blockSize, ivLength, saltLength, icvLength, aead: icvLength > 0 };
}

function aesKeyLength(keyBits: number | undefined): number {
  const bits = keyBits ?? 128;
  if (!(AES_KEY_BITS as readonly number[]).includes(bits)) {
    throw new CryptoParameterError(`AES key length ${bits} bits is not 128, 192 or 256`);
  }
  return bits / 8;
}

/** The OpenSSL cipher name to pass to createCipheriv; undefined for NULL. */
export function nodeCipherName(s: CipherSuite): string | undefined {
  const bits = s.keyLength * 8;
  switch (s.name) {
    case 'null':
      return undefined;
    case 'des-cbc':
    case '3des-cbc':
      return 'des-ede3-cbc';
    case 'aes-cbc':
      return `aes-${bits}-cbc`;
    case 'aes-ctr':
      return `aes-${bits}-ctr`;
    case 'aes-gcm-8':
    case 'aes-gcm-12':
    case 'aes-gcm-16':
      return `aes-${bits}-gcm`;
  }
}

/** Single-DES key K as the 3DES-EDE key K|K|K. */
export function desToEde3Key(key: Uint8Array): Uint8Array {
  if (key.length !== 8) throw new CryptoParameterError(`DES key must be 8 bytes, got ${key.length}`);
  const out = new Uint8Array(24);
  out.set(key, 0);
  out.set(key, 8);
  out.set(key, 16);
  return out;
}

/** The key as createCipheriv wants it (DES widened to 3DES-EDE). */
export function nodeCipherKey(s: CipherSuite, key: Uint8Array): Uint8Array {
  if (key.length !== s.keyLength) {
    throw new CryptoParameterError(`${s.name} key must be ${s.keyLength} bytes, got ${key.length}`);
  }
  return s.name === 'des-cbc' ? desToEde3Key(key) : key;
}

/** Splits SA key material (key | RFC 3686 nonce or RFC 4106 salt) into its parts. */
export function splitKeyMaterial(
  s: CipherSuite,
  material: Uint8Array,
): { key: Uint8Array; salt: Uint8Array } {
  if (material.length !== s.keyLength + s.saltLength) {
    throw new CryptoParameterError(
      `${s.name} key material must be ${s.keyLength + s.saltLength} bytes, got ${material.length}`,
    );
  }
  return { key: material.subarray(0, s.keyLength), salt: material.subarray(s.keyLength) };
}

function cbc(
  encrypt: boolean,
  s: CipherSuite,
  key: Uint8Array,
  iv: Uint8Array,
  data: Uint8Array,
): Uint8Array {
  const name = nodeCipherName(s);
  if (name === undefined) return data.slice();
  if (s.name !== 'des-cbc' && s.name !== '3des-cbc' && s.name !== 'aes-cbc') {
    throw new CryptoParameterError(`${s.name} is not a CBC cipher`);
  }
  if (iv.length !== s.ivLength) {
    throw new CryptoParameterError(`${s.name} IV must be ${s.ivLength} bytes, got ${iv.length}`);
  }
  if (data.length % s.blockSize !== 0) {
    throw new CryptoParameterError(
      `${s.name} data length ${data.length} is not a multiple of ${s.blockSize}`,
    );
  }
  const k = nodeCipherKey(s, key);
  const c = encrypt ? createCipheriv(name, k, iv) : createDecipheriv(name, k, iv);
  c.setAutoPadding(false);
  const head = c.update(data);
  const tail = c.final();
  return new Uint8Array(tail.length === 0 ? head : Buffer.concat([head, tail]));
}

/** CBC encryption without padding (IKE and ESP pad themselves). NULL returns a copy. */
export function cbcEncrypt(s: CipherSuite, key: Uint8Array, iv: Uint8Array, data: Uint8Array): Uint8Array {
  return cbc(true, s, key, iv, data);
}

export function cbcDecrypt(s: CipherSuite, key: Uint8Array, iv: Uint8Array, data: Uint8Array): Uint8Array {
  return cbc(false, s, key, iv, data);
}

/** RFC 3686 §4: counter block = nonce (4) | IV (8) | block counter (4), starting at 1. */
export function ctrCounterBlock(nonce: Uint8Array, iv: Uint8Array): Uint8Array {
  if (nonce.length !== 4 || iv.length !== 8) {
    throw new CryptoParameterError('AES-CTR needs a 4-byte nonce and an 8-byte IV');
  }
  const block = new Uint8Array(16);
  block.set(nonce, 0);
  block.set(iv, 4);
  block[15] = 1;
  return block;
}

/** AES-CTR as ESP uses it (RFC 3686); encryption and decryption are the same operation. */
export function ctrCrypt(
  s: CipherSuite,
  key: Uint8Array,
  nonce: Uint8Array,
  iv: Uint8Array,
  data: Uint8Array,
): Uint8Array {
  if (s.name !== 'aes-ctr') throw new CryptoParameterError(`${s.name} is not AES-CTR`);
  const c = createCipheriv(`aes-${s.keyLength * 8}-ctr`, nodeCipherKey(s, key), ctrCounterBlock(nonce, iv));
  return new Uint8Array(Buffer.concat([c.update(data), c.final()]));
}

/** RFC 4106 §4: nonce = salt (4) | explicit IV (8). */
export function gcmNonce(salt: Uint8Array, iv: Uint8Array): Uint8Array {
  if (salt.length !== 4 || iv.length !== 8) {
    throw new CryptoParameterError('AES-GCM needs a 4-byte salt and an 8-byte IV');
  }
  const nonce = new Uint8Array(12);
  nonce.set(salt, 0);
  nonce.set(iv, 4);
  return nonce;
}

function gcmName(s: CipherSuite): CipherGCMTypes {
  if (!s.aead) throw new CryptoParameterError(`${s.name} is not an AEAD cipher`);
  switch (s.keyLength) {
    case 16:
      return 'aes-128-gcm';
    case 24:
      return 'aes-192-gcm';
    default:
      return 'aes-256-gcm';
  }
}

/** AES-GCM seal: returns ciphertext | ICV (icvLength bytes). `nonce` is the 12-byte
 * salt | IV; `aad` is what RFC 4106 §5 authenticates (SPI | sequence number). */
export function aeadSeal(
  s: CipherSuite,
  key: Uint8Array,
  nonce: Uint8Array,
  aad: Uint8Array,
  plaintext: Uint8Array,
): Uint8Array {
  const c = createCipheriv(gcmName(s), nodeCipherKey(s, key), nonce, {
    authTagLength: s.icvLength,
  });
  c.setAAD(aad);
  const body = Buffer.concat([c.update(plaintext), c.final()]);
  const out = new Uint8Array(body.length + s.icvLength);
  out.set(body, 0);
  out.set(c.getAuthTag(), body.length);
  return out;
}

/** AES-GCM open of ciphertext | ICV: the plaintext, or undefined when the ICV does not verify
 * (one outcome for every kind of failure). */
export function aeadOpen(
  s: CipherSuite,
  key: Uint8Array,
  nonce: Uint8Array,
  aad: Uint8Array,
  sealed: Uint8Array,
): Uint8Array | undefined {
  if (sealed.length < s.icvLength) return undefined;
  const split = sealed.length - s.icvLength;
  const d = createDecipheriv(gcmName(s), nodeCipherKey(s, key), nonce, {
    authTagLength: s.icvLength,
  });
  d.setAAD(aad);
  d.setAuthTag(sealed.subarray(split));
  const head = d.update(sealed.subarray(0, split));
  try {
    const tail = d.final();
    return new Uint8Array(Buffer.concat([head, tail]));
  } catch {
    return undefined;
  }
}
