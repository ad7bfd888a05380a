// IKEv2 transform IDs (RFC 7296 §3.3.2, RFC 5282, RFC 4868) to the algorithms of src/crypto,
// for the IKE SA (SK payload) and for ESP child SAs.

import {
  type CipherSuite,
  type DhGroup,
  getCipher,
  getDhGroup,
  getIntegrity,
  type HashAlg,
  type IntegritySuite,
} from '../crypto/index.js';
import type { EspCipher, IntegrityAlg } from '../policy/sa.js';
import { Encr, Integ, Prf, type Ikev2Proposal, keyLengthOf, TransformType } from '../wire/ikev2/index.js';

export const PRF_HASH: Readonly<Record<number, HashAlg>> = {
  [Prf.HMAC_MD5]: 'md5',
  [Prf.HMAC_SHA1]: 'sha1',
  [Prf.HMAC_SHA2_256]: 'sha256',
  [Prf.HMAC_SHA2_384]: 'sha384',
  [Prf.HMAC_SHA2_512]: 'sha512',
};

export const INTEG_ALG: Readonly<Record<number, IntegrityAlg>> = {
  [Integ.HMAC_MD5_96]: 'hmac-md5-96',
  [Integ.HMAC_SHA1_96]: 'hmac-sha1-96',
  [Integ.HMAC_SHA2_256_128]: 'hmac-sha256-128',
  [Integ.HMAC_SHA2_384_192]: 'hmac-sha384-192',
  [Integ.HMAC_SHA2_512_256]: 'hmac-sha512-256',
};

export const ENCR_CIPHER: Readonly<Record<number, EspCipher>> = {
  [Encr['3DES']]: '3des-cbc',
  [Encr.AES_CBC]: 'aes-cbc',
  [Encr.AES_CTR]: 'aes-ctr',
  [Encr.AES_GCM_8]: 'aes-gcm-8',
  [Encr.AES_GCM_12]: 'aes-gcm-12',
  [Encr.AES_GCM_16]: 'aes-gcm-16',
  [Encr.NULL]: 'null',
};

/** The algorithms of an IKE SA: what protects the SK payload and what derives its keys. */
export interface IkeSuite {
  readonly cipher: CipherSuite;
  /** Undefined with an AEAD cipher. */
  readonly integrity: IntegritySuite | undefined;
  readonly prf: HashAlg;
  readonly dh: DhGroup;
}

/** The algorithms of an ESP child SA. */
export interface EspSuite {
  readonly cipher: CipherSuite;
  readonly integrity: IntegritySuite;
  readonly esn: boolean;
}

/** One transform of each type a proposal carries (the first one: a chosen proposal has one). */
function first(p: Ikev2Proposal, type: number) {
  return p.transforms.find((t) => t.transformType === type);
}

function cipherOf(p: Ikev2Proposal): CipherSuite | undefined {
  const t = first(p, TransformType.ENCR);
  const name = t && ENCR_CIPHER[t.transformId];
  if (!t || !name || name === 'aes-ctr') return undefined;
  try {
    return getCipher(name, keyLengthOf(t));
  } catch {
    return undefined;
  }
}

/** The suite of a chosen IKE proposal; undefined when we lack one of its algorithms. */
export function ikeSuiteOf(p: Ikev2Proposal): IkeSuite | undefined {
  const cipher = cipherOf(p);
  const prfT = first(p, TransformType.PRF);
  const prf = prfT && PRF_HASH[prfT.transformId];
  const dhT = first(p, TransformType.DH);
  const dh = dhT && getDhGroup(dhT.transformId);
  if (!cipher || !prf || !dh || cipher.name === 'null') return undefined;
  if (cipher.aead) return { cipher, integrity: undefined, prf, dh };
  const integT = first(p, TransformType.INTEG);
  const integ = integT && INTEG_ALG[integT.transformId];
  if (!integ) return undefined;
  return { cipher, integrity: getIntegrity(integ), prf, dh };
}

/** The suite of a chosen ESP proposal. */
export function espSuiteOf(p: Ikev2Proposal): EspSuite | undefined {
  const cipher = cipherOf(p);
  if (!cipher) return undefined;
  const integT = first(p, TransformType.INTEG);
  const integ = integT ? INTEG_ALG[integT.transformId] : cipher.aead ? 'none' : undefined;
  if (!integ || (cipher.aead && integ !== 'none')) return undefined;
  const esn = first(p, TransformType.ESN)?.transformId === 1;
  return { cipher, integrity: getIntegrity(integ), esn };
}

/** Key lengths for prf+: encryption with salt (RFC 5282 §7.1), integrity. */
export function keyLengths(
  cipher: CipherSuite,
  integrity: IntegritySuite | undefined,
): { encryption: number; integrity: number } {
  return { encryption: cipher.keyLength + cipher.saltLength, integrity: integrity?.keyLength ?? 0 };
}
