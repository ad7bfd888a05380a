// ESP packet format and processing, RFC 4303 §2 and §3.
//
//    0                   1                   2                   3
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+ ----
//   |               Security Parameters Index (SPI)                 | ^Int.
//   |                      Sequence Number                          | |Cov-
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+ |ered
//   |         IV (CBC: random; CTR/GCM: the 64-bit sequence)        | |  ^
//   |                    Payload Data (variable)                    | |  |Conf.
//   |               |     Padding (0-255 bytes)                     | |  |Cov-
//   |                               |  Pad Length   | Next Header   | v  v
//   |         Integrity Check Value-ICV   (variable)                |
//
// Everything is written into / read from caller-provided buffers; the only per-packet
// allocations are the ones Node's cipher API makes (its output buffers).

import {
  createCipheriv,
  createDecipheriv,
  createHmac,
  timingSafeEqual,
  type CipherGCM,
  type DecipherGCM,
} from 'node:crypto';
import { fillRandom, type Rng } from './rng.js';
import type { CipherContext, IntegrityContext } from './transform.js';

export const ESP_HEADER_LENGTH = 8;
export const IPPROTO_ESP = 50;
/** RFC 4303 §2.6: next header 59 marks a TFC dummy packet, dropped silently. */
export const NEXT_HEADER_NONE = 59;

const TWO32 = 0x1_0000_0000;
const seqHighBytes = new Uint8Array(4);
const esnAad = new Uint8Array(12);

/** Total ESP length (header to ICV) for a payload of `payloadLength` bytes. */
export function espLength(c: CipherContext, i: IntegrityContext, payloadLength: number): number {
  const padded = Math.ceil((payloadLength + 2) / c.alignment) * c.alignment;
  return ESP_HEADER_LENGTH + c.ivLength + padded + c.aeadIcvLength + i.icvLength;
}

/** Largest payload whose ESP packet is at most `espBudget` bytes. */
export function maxEspPayload(c: CipherContext, i: IntegrityContext, espBudget: number): number {
  const room = espBudget - ESP_HEADER_LENGTH - c.ivLength - c.aeadIcvLength - i.icvLength;
  return Math.floor(room / c.alignment) * c.alignment - 2;
}

function writeU32(out: Uint8Array, at: number, v: number): void {
  out[at] = (v >>> 24) & 0xff;
  out[at + 1] = (v >>> 16) & 0xff;
  out[at + 2] = (v >>> 8) & 0xff;
  out[at + 3] = v & 0xff;
}

export function readU32(b: Uint8Array, at: number): number {
  return ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0;
}

/** Where `espFrame` put the parts of one ESP packet (offsets into `out`). */
export interface EspFrame {
  readonly total: number;
  readonly ctAt: number;
  /** Bytes to encrypt: payload, padding, pad length and next header. */
  readonly ctLength: number;
  readonly seqHigh: number;
}

/**
 * Writes the ESP packet for `payload` at out[offset..offset + espLength(...)] in the clear:
 * SPI, sequence, IV, payload, padding, pad length and next header; the encryption and the
 * ICV are left to the caller (`espSeal` here, or the native batch). `seq` is the full
 * (64-bit when ESN) sequence number.
 */
export function espFrame(
  c: CipherContext,
  i: IntegrityContext,
  spi: number,
  seq: number,
  payload: Uint8Array,
  nextHeader: number,
  rng: Rng,
  out: Uint8Array,
  offset: number,
): EspFrame {
  const seqHigh = Math.floor(seq / TWO32);
  const seqLow = seq % TWO32;
  const total = espLength(c, i, payload.length);
  const padded = total - ESP_HEADER_LENGTH - c.ivLength - c.aeadIcvLength - i.icvLength;
  const padLength = padded - payload.length - 2;
  writeU32(out, offset, spi);
  writeU32(out, offset + 4, seqLow);
  const ivAt = offset + ESP_HEADER_LENGTH;
  const ctAt = ivAt + c.ivLength;
  if (c.mode === 'cbc') {
    // RFC 4303 §3.3.2 / RFC 3602 §2.4: a fresh unpredictable IV per packet
    fillRandom(rng, out.subarray(ivAt, ctAt));
  } else if (c.mode !== 'null') {
    // RFC 3686 §3.1 / RFC 4106 §3.1: the IV is the 64-bit sequence number (unique per key)
    writeU32(out, ivAt, seqHigh);
    writeU32(out, ivAt + 4, seqLow);
  }
  out.set(payload, ctAt);
  // RFC 4303 §2.4: default padding is the monotonic series 1, 2, 3, ...
  let at = ctAt + payload.length;
  for (let k = 1; k <= padLength; k++) out[at++] = k;
  out[at++] = padLength;
  out[at] = nextHeader;
  return { total, ctAt, ctLength: padded, seqHigh };
}

/**
 * Writes the ESP packet for `payload` at out[offset..offset + espLength(...)] and returns its
 * length, with Node's crypto: the reference the native batch is tested against.
 */
export function espSeal(
  c: CipherContext,
  i: IntegrityContext,
  spi: number,
  seq: number,
  esn: boolean,
  payload: Uint8Array,
  nextHeader: number,
  rng: Rng,
  out: Uint8Array,
  offset: number,
): number {
  const { total, ctAt, ctLength, seqHigh } = espFrame(c, i, spi, seq, payload, nextHeader, rng, out, offset);
  const ivAt = offset + ESP_HEADER_LENGTH;
  const clear = out.subarray(ctAt, ctAt + ctLength);
  const icvAt = ctAt + ctLength;
  if (c.mode === 'cbc') {
    const cipher = createCipheriv(c.nodeName!, c.key!, out.subarray(ivAt, ctAt));
    cipher.setAutoPadding(false);
    out.set(cipher.update(clear), ctAt);
  } else if (c.mode === 'ctr') {
    c.ivBlock.set(out.subarray(ivAt, ctAt), 4);
    out.set(createCipheriv(c.nodeName!, c.key!, c.ivBlock).update(clear), ctAt);
  } else if (c.mode === 'gcm') {
    c.ivBlock.set(out.subarray(ivAt, ctAt), 4);
    const cipher: CipherGCM = createCipheriv(c.gcmName!, c.key!, c.ivBlock, {
      authTagLength: c.aeadIcvLength,
    });
    cipher.setAAD(gcmAad(out, offset, seqHigh, esn));
    out.set(cipher.update(clear), ctAt);
    cipher.final();
    out.set(cipher.getAuthTag(), icvAt);
    return total;
  }
  if (i.hash !== undefined) {
    const h = createHmac(i.hash, i.key!);
    h.update(out.subarray(offset, icvAt));
    // RFC 4303 §2.2.1: with ESN the high-order 32 bits are authenticated, not sent
    if (esn) h.update(seqHigh32(seqHigh));
    const digest = h.digest();
    out.set(digest.subarray(0, i.icvLength), icvAt);
  }
  return total;
}

function seqHigh32(seqHigh: number): Uint8Array {
  writeU32(seqHighBytes, 0, seqHigh);
  return seqHighBytes;
}

/** RFC 4106 §5: AAD = SPI | sequence (32-bit), or SPI | ESN high | ESN low. */
function gcmAad(esp: Uint8Array, offset: number, seqHigh: number, esn: boolean): Uint8Array {
  if (!esn) return esp.subarray(offset, offset + 8);
  esnAad.set(esp.subarray(offset, offset + 4), 0);
  writeU32(esnAad, 4, seqHigh);
  esnAad.set(esp.subarray(offset + 4, offset + 8), 8);
  return esnAad;
}

export type EspOpenResult =
  | { readonly ok: true; readonly payload: Uint8Array; readonly nextHeader: number }
  | { readonly ok: false; readonly reason: 'malformed' | 'integrity' | 'padding' };

/** Minimum ESP length for this transform (header, IV, pad length, next header, ICV). */
export function espMinLength(c: CipherContext, i: IntegrityContext): number {
  return ESP_HEADER_LENGTH + c.ivLength + Math.max(c.alignment, 4) + c.aeadIcvLength + i.icvLength;
}

/**
 * Checks the ICV (constant time, before any decryption, RFC 4303 §3.4.4) and decrypts.
 * `seq` is the full sequence number the replay window inferred.
 */
export function espOpen(
  c: CipherContext,
  i: IntegrityContext,
  esp: Uint8Array,
  seq: number,
  esn: boolean,
): EspOpenResult {
  const seqHigh = Math.floor(seq / TWO32);
  const icvLength = c.aeadIcvLength + i.icvLength;
  const ctAt = ESP_HEADER_LENGTH + c.ivLength;
  const icvAt = esp.length - icvLength;
  const ctLength = icvAt - ctAt;
  if (ctLength < 2 || (c.mode === 'cbc' && ctLength % c.blockSize !== 0))
    return { ok: false, reason: 'malformed' };

  if (i.hash !== undefined) {
    const h = createHmac(i.hash, i.key!);
    h.update(esp.subarray(0, icvAt));
    if (esn) h.update(seqHigh32(seqHigh));
    const digest = h.digest();
    if (!timingSafeEqual(digest.subarray(0, i.icvLength), esp.subarray(icvAt)))
      return { ok: false, reason: 'integrity' };
  }

  const ct = esp.subarray(ctAt, icvAt);
  let pt: Uint8Array;
  if (c.mode === 'null') {
    pt = ct;
  } else if (c.mode === 'cbc') {
    const d = createDecipheriv(c.nodeName!, c.key!, esp.subarray(ESP_HEADER_LENGTH, ctAt));
    d.setAutoPadding(false);
    pt = d.update(ct);
  } else if (c.mode === 'ctr') {
    c.ivBlock.set(esp.subarray(ESP_HEADER_LENGTH, ctAt), 4);
    pt = createDecipheriv(c.nodeName!, c.key!, c.ivBlock).update(ct);
  } else {
    c.ivBlock.set(esp.subarray(ESP_HEADER_LENGTH, ctAt), 4);
    const d: DecipherGCM = createDecipheriv(c.gcmName!, c.key!, c.ivBlock, {
      authTagLength: c.aeadIcvLength,
    });
    d.setAAD(gcmAad(esp, 0, seqHigh, esn));
    d.setAuthTag(esp.subarray(icvAt));
    const body = d.update(ct);
    try {
      d.final(); // throws when the tag does not verify; the plaintext is then discarded
    } catch {
      return { ok: false, reason: 'integrity' };
    }
    pt = body;
  }

  return espTrailer(pt);
}

/** Reads pad length and next header of decrypted ESP (payload to next header) and checks
 * the padding. */
export function espTrailer(pt: Uint8Array): EspOpenResult {
  const n = pt.length;
  const padLength = pt[n - 2]!;
  const nextHeader = pt[n - 1]!;
  if (padLength + 2 > n) return { ok: false, reason: 'padding' };
  const payloadEnd = n - 2 - padLength;
  // RFC 4303 §2.4: the receiver checks the default 1, 2, 3, ... pad pattern
  for (let k = 0; k < padLength; k++)
    if (pt[payloadEnd + k] !== k + 1) return { ok: false, reason: 'padding' };
  return { ok: true, payload: pt.subarray(0, payloadEnd), nextHeader };
}
