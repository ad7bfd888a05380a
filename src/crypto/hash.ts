// Hashes and the HMAC pseudo-random function IKEv1 negotiates (RFC 2409 §4: the PRF is the
// HMAC version of the negotiated hash unless a PRF is negotiated, RFC 2104).

import { createHash, createHmac } from 'node:crypto';

export type HashAlg = 'md5' | 'sha1' | 'sha256' | 'sha384' | 'sha512';

const LENGTHS: Readonly<Record<HashAlg, number>> = {
  md5: 16,
  sha1: 20,
  sha256: 32,
  sha384: 48,
  sha512: 64,
};

export function hashLength(hash: HashAlg): number {
  return LENGTHS[hash];
}

export function hashOf(hash: HashAlg, ...data: Uint8Array[]): Uint8Array<ArrayBuffer> {
  const h = createHash(hash);
  for (const part of data) h.update(part);
  return new Uint8Array(h.digest());
}

/** prf(key, data) = HMAC-hash(key, data[0] | data[1] | ...). */
export function prf(hash: HashAlg, key: Uint8Array, ...data: Uint8Array[]): Uint8Array<ArrayBuffer> {
  const h = createHmac(hash, key);
  for (const part of data) h.update(part);
  return new Uint8Array(h.digest());
}
