// IPsec integrity algorithms: HMAC truncated to the ICV length the RFCs fix
// (RFC 2403 HMAC-MD5-96, RFC 2404 HMAC-SHA-1-96, RFC 4868 HMAC-SHA-256-128/384-192/512-256).

import { timingSafeEqual } from 'node:crypto';
import type { IntegrityAlg } from '../policy/sa.js';
import { type HashAlg, prf } from './hash.js';

export interface IntegritySuite {
  readonly name: IntegrityAlg;
  /** Key length in bytes (RFC 4868 §2.1.1: the key is as long as the hash output). */
  readonly keyLength: number;
  /** Truncated ICV length in bytes. */
  readonly icvLength: number;
  /** Underlying hash; undefined for 'none'. */
  readonly hash: HashAlg | undefined;
}

const SUITES: Readonly<Record<IntegrityAlg, IntegritySuite>> = {
  'hmac-md5-96': { name: 'hmac-md5-96', keyLength: 16, icvLength: 12, hash: 'md5' },
  'hmac-sha1-96': { name: 'hmac-sha1-96', keyLength: 20, icvLength: 12, hash: 'sha1' },
  'hmac-sha256-128': { name: 'hmac-sha256-128', keyLength: 32, icvLength: 16, hash: 'sha256' },
  'hmac-sha384-192': { name: 'hmac-sha384-192', keyLength: 48, icvLength: 24, hash: 'sha384' },
  'hmac-sha512-256': { name: 'hmac-sha512-256', keyLength: 64, icvLength: 32, hash: 'sha512' },
  none: { name: 'none', keyLength: 0, icvLength: 0, hash: undefined },
};

export function getIntegrity(alg: IntegrityAlg): IntegritySuite {
  return SUITES[alg];
}

/** The truncated ICV over data[0] | data[1] | ... (empty for 'none'). */
export function computeIcv(alg: IntegrityAlg, key: Uint8Array, ...data: Uint8Array[]): Uint8Array {
  const suite = SUITES[alg];
  if (suite.hash === undefined) return new Uint8Array(0);
  return prf(suite.hash, key, ...data).subarray(0, suite.icvLength);
}

/** Constant-time check of a received ICV; a wrong-length ICV is simply not valid. */
export function verifyIcv(
  alg: IntegrityAlg,
  key: Uint8Array,
  icv: Uint8Array,
  ...data: Uint8Array[]
): boolean {
  const expected = computeIcv(alg, key, ...data);
  if (icv.length !== expected.length) return false;
  return timingSafeEqual(icv, expected);
}
