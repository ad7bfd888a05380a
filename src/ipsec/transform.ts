// Per-SA crypto state, computed once at install so the per-packet path only creates the
// cipher context Node's API forces (a new IV means a new createCipheriv) and an HMAC from a
// KeyObject prepared here.

import { createSecretKey, type CipherGCMTypes, type KeyObject } from 'node:crypto';
import { getCipher, nodeCipherKey, nodeCipherName, splitKeyMaterial } from '../crypto/cipher.js';
import { getIntegrity } from '../crypto/integrity.js';
import type { EspCipher, IntegrityAlg, IpsecSa } from '../policy/sa.js';

export class SaParameterError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SaParameterError';
  }
}

export type CipherMode = 'null' | 'cbc' | 'ctr' | 'gcm';

export interface CipherContext {
  readonly name: EspCipher;
  readonly mode: CipherMode;
  /** OpenSSL name for createCipheriv; undefined for NULL. */
  readonly nodeName: string | undefined;
  /** The same name, typed for the GCM overloads of createCipheriv. */
  readonly gcmName: CipherGCMTypes | undefined;
  readonly key: KeyObject | undefined;
  /** Key copy we own, zeroed when the SA is removed. */
  readonly keyBytes: Uint8Array;
  /** RFC 3686 nonce / RFC 4106 salt (4 bytes) or empty. */
  readonly salt: Uint8Array;
  readonly ivLength: number;
  /** RFC 4303 §2.4: pad so the ciphertext is a multiple of the block size and of 4 bytes. */
  readonly alignment: number;
  readonly blockSize: number;
  /** AEAD tag length, 0 otherwise. */
  readonly aeadIcvLength: number;
  /** Scratch: GCM nonce (salt | IV) or CTR counter block (nonce | IV | 1), salt prefilled. */
  readonly ivBlock: Uint8Array;
}

export interface IntegrityContext {
  readonly name: IntegrityAlg;
  /** Node hash name for createHmac; undefined for 'none'. */
  readonly hash: string | undefined;
  readonly key: KeyObject | undefined;
  readonly keyBytes: Uint8Array;
  readonly icvLength: number;
}

/** Zero bytes, shared: CBC and NULL have no salt and no nonce block (never written). */
const NO_SALT = new Uint8Array(0);

export function cipherContext(sa: IpsecSa): CipherContext {
  const name = sa.cipher ?? 'null';
  let suite;
  try {
    suite = getCipher(name, name.startsWith('aes') ? (sa.cipherKeyBits ?? 128) : undefined);
  } catch (e) {
    throw new SaParameterError(`SA ${hexSpi(sa.spi)}: ${(e as Error).message}`);
  }
  const material = sa.encryptionKey ?? new Uint8Array(0);
  let key: Uint8Array;
  let salt: Uint8Array;
  try {
    const parts = splitKeyMaterial(suite, material);
    key = name === 'null' ? new Uint8Array(0) : Uint8Array.from(nodeCipherKey(suite, parts.key));
    salt = parts.salt.length === 0 ? NO_SALT : Uint8Array.from(parts.salt);
  } catch (e) {
    throw new SaParameterError(`SA ${hexSpi(sa.spi)}: ${(e as Error).message}`);
  }
  const mode: CipherMode =
    name === 'null' ? 'null' : name === 'aes-ctr' ? 'ctr' : name.startsWith('aes-gcm') ? 'gcm' : 'cbc';
  return {
    name,
    mode,
    nodeName: nodeCipherName(suite),
    gcmName: mode === 'gcm' ? (`aes-${key.length * 8}-gcm` as CipherGCMTypes) : undefined,
    key: key.length > 0 ? createSecretKey(key) : undefined,
    keyBytes: key,
    salt,
    ivLength: suite.ivLength,
    alignment: Math.max(4, suite.blockSize),
    blockSize: suite.blockSize,
    aeadIcvLength: suite.icvLength,
    ivBlock: ivBlock(mode, salt),
  };
}

function ivBlock(mode: CipherMode, salt: Uint8Array): Uint8Array {
  if (mode === 'gcm') {
    const b = new Uint8Array(12);
    b.set(salt, 0);
    return b;
  }
  if (mode === 'ctr') {
    // RFC 3686 §4: nonce | IV | block counter starting at 1
    const b = new Uint8Array(16);
    b.set(salt, 0);
    b[15] = 1;
    return b;
  }
  // CBC and NULL build no nonce block.
  return NO_SALT;
}

export function integrityContext(sa: IpsecSa): IntegrityContext {
  const suite = getIntegrity(sa.integrity);
  const key = Uint8Array.from(sa.integrityKey ?? new Uint8Array(0));
  if (suite.hash !== undefined && key.length !== suite.keyLength) {
    throw new SaParameterError(
      `SA ${hexSpi(sa.spi)}: ${suite.name} key must be ${suite.keyLength} bytes, got ${key.length}`,
    );
  }
  return {
    name: suite.name,
    hash: suite.hash,
    key: suite.hash !== undefined ? createSecretKey(key) : undefined,
    keyBytes: key,
    icvLength: suite.icvLength,
  };
}

export function hexSpi(spi: number): string {
  return `0x${(spi >>> 0).toString(16).padStart(8, '0')}`;
}

/** IOS transform names for `show crypto ipsec sa` ("esp-3des esp-md5-hmac"). */
export function iosTransformName(sa: IpsecSa): string {
  const integ: Record<IntegrityAlg, string> = {
    'hmac-md5-96': 'md5-hmac',
    'hmac-sha1-96': 'sha-hmac',
    'hmac-sha256-128': 'sha256-hmac',
    'hmac-sha384-192': 'sha384-hmac',
    'hmac-sha512-256': 'sha512-hmac',
    none: '',
  };
  if (sa.protocol === 'ah') return `ah-${integ[sa.integrity]}`;
  const bits = sa.cipherKeyBits ?? 128;
  const enc: Record<EspCipher, string> = {
    'des-cbc': 'esp-des',
    '3des-cbc': 'esp-3des',
    'aes-cbc': bits === 128 ? 'esp-aes' : `esp-aes ${bits}`,
    'aes-ctr': `esp-aes-ctr ${bits}`,
    'aes-gcm-8': `esp-gcm ${bits} (8)`,
    'aes-gcm-12': `esp-gcm ${bits} (12)`,
    'aes-gcm-16': bits === 128 ? 'esp-gcm' : `esp-gcm ${bits}`,
    null: 'esp-null',
  };
  const i = integ[sa.integrity];
  return i === '' ? enc[sa.cipher ?? 'null'] : `${enc[sa.cipher ?? 'null']} esp-${i}`;
}
