// The IKEv1 key schedule (RFC 2409 §5, §5.5, Appendix B). Pure functions of bytes; `hash` is
// the negotiated hash whose HMAC is the PRF. Nonces and IDs are payload bodies (the "_b"
// of RFC 2409: the payload without its generic header).

import { concat } from '../wire/bytes.js';
import { CryptoParameterError } from './errors.js';
import { type HashAlg, hashOf, prf } from './hash.js';

/** A uint32 (message ID, SPI) as 4 big-endian bytes. */
export function uint32Bytes(value: number): Uint8Array {
  if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) {
    throw new CryptoParameterError(`${value} is not a uint32`);
  }
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, value, false);
  return out;
}

const BYTE_0 = new Uint8Array([0]);
const BYTE_1 = new Uint8Array([1]);
const BYTE_2 = new Uint8Array([2]);

/** RFC 2409 §5: SKEYID = prf(pre-shared-key, Ni_b | Nr_b). */
export function skeyidPsk(hash: HashAlg, psk: Uint8Array, ni: Uint8Array, nr: Uint8Array): Uint8Array {
  return prf(hash, psk, ni, nr);
}

/** RFC 2409 §5: for signatures, SKEYID = prf(Ni_b | Nr_b, g^xy). */
export function skeyidSig(hash: HashAlg, ni: Uint8Array, nr: Uint8Array, gxy: Uint8Array): Uint8Array {
  return prf(hash, concat(ni, nr), gxy);
}

/** RFC 2409 §5: for public key encryption, SKEYID = prf(hash(Ni_b | Nr_b), CKY-I | CKY-R). */
export function skeyidPke(
  hash: HashAlg,
  ni: Uint8Array,
  nr: Uint8Array,
  ckyI: Uint8Array,
  ckyR: Uint8Array,
): Uint8Array {
  return prf(hash, hashOf(hash, ni, nr), ckyI, ckyR);
}

export interface Skeyids {
  readonly d: Uint8Array;
  readonly a: Uint8Array;
  readonly e: Uint8Array;
}

/** RFC 2409 §5:
 *  SKEYID_d = prf(SKEYID, g^xy | CKY-I | CKY-R | 0)
 *  SKEYID_a = prf(SKEYID, SKEYID_d | g^xy | CKY-I | CKY-R | 1)
 *  SKEYID_e = prf(SKEYID, SKEYID_a | g^xy | CKY-I | CKY-R | 2) */
export function deriveSkeyids(
  hash: HashAlg,
  skeyid: Uint8Array,
  gxy: Uint8Array,
  ckyI: Uint8Array,
  ckyR: Uint8Array,
): Skeyids {
  const d = prf(hash, skeyid, gxy, ckyI, ckyR, BYTE_0);
  const a = prf(hash, skeyid, d, gxy, ckyI, ckyR, BYTE_1);
  const e = prf(hash, skeyid, a, gxy, ckyI, ckyR, BYTE_2);
  return { d, a, e };
}

/** RFC 2409 App. B: Ka = K1 | K2 | ..., K1 = prf(SKEYID_e, 0), Kn = prf(SKEYID_e, Kn-1),
 * used only when SKEYID_e is shorter than the key; the key is the leading `length` bytes. */
export function expandEncryptionKey(hash: HashAlg, skeyidE: Uint8Array, length: number): Uint8Array {
  if (skeyidE.length >= length) return skeyidE.slice(0, length);
  const blocks: Uint8Array[] = [];
  let k = prf(hash, skeyidE, BYTE_0);
  let have = 0;
  for (;;) {
    blocks.push(k);
    have += k.length;
    if (have >= length) break;
    k = prf(hash, skeyidE, k);
  }
  return concat(...blocks).slice(0, length);
}

/** RFC 2409 App. B: the phase-1 IV is hash(g^xi | g^xr), truncated to the cipher block. */
export function phase1Iv(hash: HashAlg, gxi: Uint8Array, gxr: Uint8Array, blockSize: number): Uint8Array {
  return hashOf(hash, gxi, gxr).slice(0, blockSize);
}

/** RFC 2409 App. B: the first IV of a quick mode or informational exchange is
 * hash(last phase-1 CBC output block | M-ID), truncated to the cipher block. */
export function phase2Iv(
  hash: HashAlg,
  lastPhase1Block: Uint8Array,
  messageId: number,
  blockSize: number,
): Uint8Array {
  return hashOf(hash, lastPhase1Block, uint32Bytes(messageId)).slice(0, blockSize);
}

/** RFC 2409 App. B: later IVs of an exchange are the last ciphertext block of the previous
 * message of that exchange. */
export function nextIv(ciphertext: Uint8Array, blockSize: number): Uint8Array {
  if (ciphertext.length < blockSize) {
    throw new CryptoParameterError(`ciphertext shorter than one ${blockSize}-byte block`);
  }
  return ciphertext.slice(ciphertext.length - blockSize);
}

/** RFC 2409 §5: HASH_I = prf(SKEYID, g^xi | g^xr | CKY-I | CKY-R | SAi_b | IDii_b). */
export function hashI(
  hash: HashAlg,
  skeyid: Uint8Array,
  gxi: Uint8Array,
  gxr: Uint8Array,
  ckyI: Uint8Array,
  ckyR: Uint8Array,
  saiB: Uint8Array,
  idiiB: Uint8Array,
): Uint8Array {
  return prf(hash, skeyid, gxi, gxr, ckyI, ckyR, saiB, idiiB);
}

/** RFC 2409 §5: HASH_R = prf(SKEYID, g^xr | g^xi | CKY-R | CKY-I | SAi_b | IDir_b). The
 * arguments are in the same order as hashI's; the swap happens here. */
export function hashR(
  hash: HashAlg,
  skeyid: Uint8Array,
  gxi: Uint8Array,
  gxr: Uint8Array,
  ckyI: Uint8Array,
  ckyR: Uint8Array,
  saiB: Uint8Array,
  idirB: Uint8Array,
): Uint8Array {
  return prf(hash, skeyid, gxr, gxi, ckyR, ckyI, saiB, idirB);
}

/** RFC 2409 §5.5: HASH(1) = prf(SKEYID_a, M-ID | SA | Ni [ | KE ] [ | IDci | IDcr ]):
 * `payloadBytes` is the message after the HASH payload, generic headers included. */
export function quickModeHash1(
  hash: HashAlg,
  skeyidA: Uint8Array,
  messageId: number,
  payloadBytes: Uint8Array,
): Uint8Array {
  return prf(hash, skeyidA, uint32Bytes(messageId), payloadBytes);
}

/** RFC 2409 §5.5: HASH(2) = prf(SKEYID_a, M-ID | Ni_b | SA | Nr [ | KE ] [ | IDci | IDcr ]). */
export function quickModeHash2(
  hash: HashAlg,
  skeyidA: Uint8Array,
  messageId: number,
  niB: Uint8Array,
  payloadBytes: Uint8Array,
): Uint8Array {
  return prf(hash, skeyidA, uint32Bytes(messageId), niB, payloadBytes);
}

/** RFC 2409 §5.5: HASH(3) = prf(SKEYID_a, 0 | M-ID | Ni_b | Nr_b). */
export function quickModeHash3(
  hash: HashAlg,
  skeyidA: Uint8Array,
  messageId: number,
  niB: Uint8Array,
  nrB: Uint8Array,
): Uint8Array {
  return prf(hash, skeyidA, BYTE_0, uint32Bytes(messageId), niB, nrB);
}

/** RFC 2409 §5.7: HASH(1) = prf(SKEYID_a, M-ID | N/D) for informational exchanges (also
 * used for transaction exchanges, draft-ietf-ipsec-isakmp-mode-cfg §3.4). */
export function informationalHash(
  hash: HashAlg,
  skeyidA: Uint8Array,
  messageId: number,
  payloadBytes: Uint8Array,
): Uint8Array {
  return prf(hash, skeyidA, uint32Bytes(messageId), payloadBytes);
}

/** RFC 2409 §5.5: KEYMAT = K1 | K2 | ..., with
 *  K1 = prf(SKEYID_d, [g(qm)^xy |] protocol | SPI | Ni_b | Nr_b)
 *  Kn = prf(SKEYID_d, Kn-1 | [g(qm)^xy |] protocol | SPI | Ni_b | Nr_b)
 * truncated to `length`. `spi` is the SPI chosen by the receiver of the SA's traffic
 * (a uint32 for ESP/AH, or its raw bytes). */
export function keymat(
  hash: HashAlg,
  skeyidD: Uint8Array,
  protocol: number,
  spi: number | Uint8Array,
  niB: Uint8Array,
  nrB: Uint8Array,
  length: number,
  gqmxy?: Uint8Array,
): Uint8Array {
  const seed = concat(
    gqmxy ?? new Uint8Array(0),
    new Uint8Array([protocol]),
    typeof spi === 'number' ? uint32Bytes(spi) : spi,
    niB,
    nrB,
  );
  const blocks: Uint8Array[] = [];
  let have = 0;
  let previous: Uint8Array = new Uint8Array(0);
  while (have < length) {
    previous = prf(hash, skeyidD, previous, seed);
    blocks.push(previous);
    have += previous.length;
  }
  return concat(...blocks).slice(0, length);
}
