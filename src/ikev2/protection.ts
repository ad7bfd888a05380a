// Opening and sealing the SK payload (RFC 7296 §3.14; AES-GCM per RFC 5282 §5).
//
// CBC with HMAC: the ICV covers the whole message from the IKE header to the end of the
// ciphertext. GCM: the associated data is the IKE header and every payload header up to and
// including the SK payload's (the bytes before the IV); the nonce is salt (4) | IV (8).
// Either way the plaintext is payloads | padding | pad length.

import {
  aeadOpen,
  aeadSeal,
  cbcDecrypt,
  cbcEncrypt,
  type CipherSuite,
  computeIcv,
  gcmNonce,
  type IntegritySuite,
  splitKeyMaterial,
  verifyIcv,
} from '../crypto/index.js';
import { DecodeError } from '../wire/errors.js';
import {
  decodeIkev2Payloads,
  encodeIkev2Message,
  encodeIkev2Payloads,
  type Ikev2HeaderInit,
  type Ikev2Message,
  type Ikev2Payload,
} from '../wire/ikev2/index.js';

/** The keys one direction of an IKE SA protects its messages with. */
export interface SkKeys {
  readonly cipher: CipherSuite;
  readonly integrity: IntegritySuite | undefined;
  /** SK_ei or SK_er (with the salt for GCM). */
  readonly encryptionKey: Uint8Array;
  /** SK_ai or SK_ar; empty with GCM. */
  readonly integrityKey: Uint8Array;
}

function icvLength(k: SkKeys): number {
  return k.cipher.aead ? k.cipher.icvLength : (k.integrity?.icvLength ?? 0);
}

export interface OpenedSk {
  readonly payloads: Ikev2Payload[];
  /** The padding the sender chose (§3.14: any value). */
  readonly padding: Uint8Array;
}

/**
 * The payloads inside a received message's SK payload, or undefined when its ICV does not
 * verify (one outcome for every kind of forgery, RFC 7296 §2.21.2: silently dropped).
 * Throws DecodeError when an authentic plaintext does not parse.
 */
export function openSk(datagram: Uint8Array, message: Ikev2Message, keys: SkKeys): OpenedSk | undefined {
  const sk = message.payloads[message.payloads.length - 1];
  if (sk?.type !== 46) return undefined;
  const dataAt = datagram.length - sk.data.length;
  const ivLength = keys.cipher.ivLength;
  const icv = icvLength(keys);
  if (sk.data.length < ivLength + icv + 1) return undefined;
  const iv = sk.data.subarray(0, ivLength);
  const sealed = sk.data.subarray(ivLength);
  let plain: Uint8Array | undefined;
  if (keys.cipher.aead) {
    const { key, salt } = splitKeyMaterial(keys.cipher, keys.encryptionKey);
    plain = aeadOpen(keys.cipher, key, gcmNonce(salt, iv), datagram.subarray(0, dataAt), sealed);
  } else {
    const alg = keys.integrity?.name;
    if (!alg) return undefined;
    const body = datagram.subarray(0, datagram.length - icv);
    if (!verifyIcv(alg, keys.integrityKey, datagram.subarray(datagram.length - icv), body)) return undefined;
    const ciphertext = sealed.subarray(0, sealed.length - icv);
    if (ciphertext.length === 0 || ciphertext.length % keys.cipher.blockSize !== 0) {
      throw new DecodeError(`SK ciphertext of ${ciphertext.length} bytes`, dataAt + ivLength);
    }
    plain = cbcDecrypt(keys.cipher, keys.encryptionKey, iv, ciphertext);
  }
  if (!plain || plain.length === 0) return undefined;
  const padLength = plain[plain.length - 1] ?? 0;
  if (padLength + 1 > plain.length) {
    throw new DecodeError(`pad length ${padLength} longer than the plaintext`, dataAt + ivLength);
  }
  const inner = plain.subarray(0, plain.length - 1 - padLength);
  const payloads = decodeIkev2Payloads(sk.firstInner, inner, dataAt + ivLength);
  if (payloads.some((p) => p.type === 46))
    throw new DecodeError('an SK payload inside the SK payload', dataAt + ivLength);
  return { payloads, padding: plain.slice(inner.length, plain.length - 1) };
}

/**
 * Seals `payloads` into a message whose only payload is SK. `iv` is the fresh IV (from the
 * caller's RNG); the padding is `padding` when given (its length must align the plaintext to
 * the cipher's block), else the fewest zeros that do.
 */
export function sealSk(
  header: Ikev2HeaderInit,
  payloads: readonly Ikev2Payload[],
  keys: SkKeys,
  iv: Uint8Array,
  padding?: Uint8Array,
): Uint8Array {
  const { first, bytes: inner } = encodeIkev2Payloads(payloads);
  const block = keys.cipher.blockSize;
  const pad = padding ?? new Uint8Array((block - ((inner.length + 1) % block)) % block);
  if ((inner.length + pad.length + 1) % block !== 0 || pad.length > 255) {
    throw new Error(`${pad.length} bytes of padding do not align ${inner.length} bytes to ${block}`);
  }
  const plain = new Uint8Array(inner.length + pad.length + 1);
  plain.set(inner, 0);
  plain.set(pad, inner.length);
  plain[plain.length - 1] = pad.length;
  const icv = icvLength(keys);
  // Encode with the body's final size so the header and SK lengths are right, then fill it.
  const placeholder = new Uint8Array(iv.length + plain.length + icv);
  const { bytes, skDataOffset } = encodeIkev2Message({
    header,
    payloads: [{ type: 46, firstInner: first, data: placeholder }],
  });
  const at = skDataOffset ?? 0;
  bytes.set(iv, at);
  if (keys.cipher.aead) {
    const { key, salt } = splitKeyMaterial(keys.cipher, keys.encryptionKey);
    bytes.set(aeadSeal(keys.cipher, key, gcmNonce(salt, iv), bytes.subarray(0, at), plain), at + iv.length);
    return bytes;
  }
  const alg = keys.integrity?.name;
  if (!alg) throw new Error('a CBC cipher needs an integrity algorithm');
  bytes.set(cbcEncrypt(keys.cipher, keys.encryptionKey, iv, plain), at + iv.length);
  bytes.set(computeIcv(alg, keys.integrityKey, bytes.subarray(0, bytes.length - icv)), bytes.length - icv);
  return bytes;
}
