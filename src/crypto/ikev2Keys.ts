// The IKEv2 key schedule, RFC 7296 §2.13 (prf+), §2.14 (SKEYSEED and the seven SK_* keys),
// §2.15 (the AUTH value for a shared key) and §2.17 (child SA key material).

import { concat as concatBytes } from '../wire/bytes.js';
import { type HashAlg, hashLength, prf } from './hash.js';

/** §2.13: prf+ (K,S) = T1 | T2 | ..., T1 = prf(K, S | 0x01), Tn = prf(K, Tn-1 | S | n). */
export function prfPlus(hash: HashAlg, key: Uint8Array, seed: Uint8Array, length: number): Uint8Array {
  const size = hashLength(hash);
  if (length > 255 * size) throw new RangeError(`prf+ yields at most ${255 * size} bytes, ${length} asked`);
  const out = new Uint8Array(length);
  let previous = new Uint8Array(0);
  for (let n = 1, at = 0; at < length; n++) {
    previous = prf(hash, key, previous, seed, Uint8Array.of(n));
    out.set(previous.subarray(0, Math.min(size, length - at)), at);
    at += size;
  }
  return out;
}

/** §2.14: SKEYSEED = prf(Ni | Nr, g^ir). */
export function skeyseed(
  hash: HashAlg,
  nonceI: Uint8Array,
  nonceR: Uint8Array,
  sharedSecret: Uint8Array,
): Uint8Array {
  return prf(hash, concatBytes(nonceI, nonceR), sharedSecret);
}

export interface IkeSaKeys {
  readonly d: Uint8Array;
  readonly ai: Uint8Array;
  readonly ar: Uint8Array;
  readonly ei: Uint8Array;
  readonly er: Uint8Array;
  readonly pi: Uint8Array;
  readonly pr: Uint8Array;
}

export interface IkeSaKeyLengths {
  /** Integrity key length (0 with an AEAD cipher). */
  readonly integrity: number;
  /** Encryption key length, with the salt of AEAD ciphers (RFC 5282 §7.1). */
  readonly encryption: number;
}

/**
 * §2.14: {SK_d | SK_ai | SK_ar | SK_ei | SK_er | SK_pi | SK_pr} = prf+ (SKEYSEED, Ni | Nr | SPIi | SPIr);
 * SK_d, SK_pi and SK_pr are as long as the PRF's output.
 */
export function ikeSaKeys(
  hash: HashAlg,
  seed: Uint8Array,
  nonceI: Uint8Array,
  nonceR: Uint8Array,
  spiI: Uint8Array,
  spiR: Uint8Array,
  lengths: IkeSaKeyLengths,
): IkeSaKeys {
  const p = hashLength(hash);
  const a = lengths.integrity;
  const e = lengths.encryption;
  const all = prfPlus(hash, seed, concatBytes(nonceI, nonceR, spiI, spiR), 3 * p + 2 * a + 2 * e);
  let at = 0;
  const take = (n: number): Uint8Array => all.slice(at, (at += n));
  return { d: take(p), ai: take(a), ar: take(a), ei: take(e), er: take(e), pi: take(p), pr: take(p) };
}

/** §2.18: SKEYSEED of a rekeyed IKE SA = prf(SK_d (old), g^ir (new) | Ni | Nr). */
export function rekeyedSkeyseed(
  hash: HashAlg,
  oldSkD: Uint8Array,
  sharedSecret: Uint8Array,
  nonceI: Uint8Array,
  nonceR: Uint8Array,
): Uint8Array {
  return prf(hash, oldSkD, sharedSecret, nonceI, nonceR);
}

const KEY_PAD = new TextEncoder().encode('Key Pad for IKEv2');

/**
 * §2.15: the octets an AUTH payload signs: the sender's first message (IKE_SA_INIT request or
 * response, as sent), the peer's nonce, and prf(SK_px, IDx') with IDx' the ID payload's body
 * from the ID Type on.
 */
export function signedOctets(
  hash: HashAlg,
  firstMessage: Uint8Array,
  peerNonce: Uint8Array,
  skP: Uint8Array,
  idBody: Uint8Array,
): Uint8Array {
  return concatBytes(firstMessage, peerNonce, prf(hash, skP, idBody));
}

/** §2.15: AUTH = prf( prf(Shared Secret, "Key Pad for IKEv2"), <SignedOctets>). */
export function sharedKeyAuth(hash: HashAlg, secret: Uint8Array, octets: Uint8Array): Uint8Array {
  return prf(hash, prf(hash, secret, KEY_PAD), octets);
}

/**
 * §2.17: KEYMAT = prf+(SK_d, [g^ir (new) |] Ni | Nr), taken as the initiator-to-responder
 * encryption key, its integrity key, then the same two for responder to initiator.
 */
export function childKeymat(
  hash: HashAlg,
  skD: Uint8Array,
  nonceI: Uint8Array,
  nonceR: Uint8Array,
  lengths: IkeSaKeyLengths,
  pfsSecret?: Uint8Array,
): { readonly ei: Uint8Array; readonly ai: Uint8Array; readonly er: Uint8Array; readonly ar: Uint8Array } {
  const seed = pfsSecret ? concatBytes(pfsSecret, nonceI, nonceR) : concatBytes(nonceI, nonceR);
  const e = lengths.encryption;
  const a = lengths.integrity;
  const all = prfPlus(hash, skD, seed, 2 * (e + a));
  let at = 0;
  const take = (n: number): Uint8Array => all.slice(at, (at += n));
  return { ei: take(e), ai: take(a), er: take(e), ar: take(a) };
}
