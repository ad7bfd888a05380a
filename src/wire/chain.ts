// The generic payload chain, RFC 2408 §3.2: each payload's Next Payload field names the type
// of the one after it; the chain ends at 0. On encode every Next Payload and Payload Length
// is computed here from the list.

import { DecodeError, EncodeError } from './errors.js';
import { decodePayloadBody, encodePayloadBodyTo, payloadTypeOf, type Payload } from './payload.js';
import { Reader } from './reader.js';
import { Writer } from './writer.js';

/** Upper bound on payloads in one message (bounded work per message). */
export const MAX_PAYLOADS = 256;

export interface DecodedPayloads {
  readonly payloads: Payload[];
  /** Bytes after the last payload (RFC 2409 §5.3 padding of a decrypted body). */
  readonly trailing: Uint8Array;
}

/**
 * Decodes the payload chain starting with type `firstPayload`.
 * @param baseOffset absolute offset of `bytes[0]` for error messages (28 for a message body)
 * @param sealed payload types whose bodies may be ciphertext (RFC 2409 §5.2, §5.3 encrypt
 *   the bodies of ID, NONCE and KE payloads): kept undecoded as `unknown` payloads of that type
 */
export function decodePayloads(
  firstPayload: number,
  bytes: Uint8Array,
  baseOffset = 0,
  sealed: ReadonlySet<number> = NONE,
): DecodedPayloads {
  return decodeChain(firstPayload, new Reader(bytes, baseOffset), sealed);
}

const NONE: ReadonlySet<number> = new Set();

/** One payload of a chain located by its generic header, its body not yet decoded. */
interface Located {
  readonly type: number;
  readonly reserved: number;
  readonly body: Reader;
  /** The body bytes. */
  readonly raw: Uint8Array;
}

/**
 * The payloads of a chain by their generic headers alone (RFC 2408 §3.2), bodies undecoded:
 * e.g. to check a quick-mode HASH(1) over "the message after HASH" (RFC 2409 §5.5) before
 * trusting any body. `lengths[i]` counts payload i's generic header too.
 */
export function payloadLengths(
  firstPayload: number,
  bytes: Uint8Array,
  baseOffset = 0,
): { types: number[]; lengths: number[]; trailing: Uint8Array } {
  const { located, trailing } = locate(firstPayload, new Reader(bytes, baseOffset));
  return { types: located.map((l) => l.type), lengths: located.map((l) => l.raw.length + 4), trailing };
}

export function decodeChain(
  firstPayload: number,
  r: Reader,
  sealed: ReadonlySet<number> = NONE,
): DecodedPayloads {
  const { located, trailing } = locate(firstPayload, r);
  const payloads: Payload[] = [];
  for (const { type, reserved, body, raw } of located) {
    const decoded: Payload = sealed.has(type)
      ? { type: 'unknown', payloadType: type, data: body.rest() }
      : decodePayloadBody(type, body);
    body.end(`payload type ${type}`);
    const payload = reserved ? { ...decoded, reserved } : decoded;
    received.set(payload, raw);
    payloads.push(payload);
  }
  return { payloads, trailing };
}

/**
 * The 4-byte generic payload header (RFC 2408 §3.2, RFC 7296 §3.2), its length checked against
 * what is left; the reader stops at the body.
 */
export function readGenericHeader(r: Reader): { next: number; reserved: number; length: number } {
  const start = r.offset;
  if (r.remaining < 4) {
    throw new DecodeError(`truncated generic payload header: ${r.remaining} bytes left`, start);
  }
  const next = r.u8();
  const reserved = r.u8();
  const length = r.u16();
  if (length < 4)
    throw new DecodeError(`payload length ${length} shorter than the generic header`, start + 2);
  if (length - 4 > r.remaining) {
    throw new DecodeError(
      `payload length ${length} runs past the end (${r.remaining + 4} bytes left)`,
      start + 2,
    );
  }
  return { next, reserved, length };
}

function locate(firstPayload: number, r: Reader): { located: Located[]; trailing: Uint8Array } {
  const located: Located[] = [];
  let type = firstPayload;
  while (type !== 0) {
    if (located.length >= MAX_PAYLOADS) throw new DecodeError(`more than ${MAX_PAYLOADS} payloads`, r.offset);
    const { next, reserved, length } = readGenericHeader(r);
    const raw = r.fork().bytesCopy(length - 4);
    located.push({ type, reserved, body: r.sub(length - 4), raw });
    type = next;
  }
  return { located, trailing: r.rest() };
}

// The body bytes of each decoded payload, kept beside the typed object: RFC 2409 §5 hashes
// SAi_b and IDii_b as the peer sent them. A copy made with spread is a new payload and has none.
const received = new WeakMap<Payload, Uint8Array>();

/**
 * The payload body (no generic header) as RFC 2409 hashes it: the bytes received for a
 * decoded payload, the encoding of one we built.
 */
export function payloadBody(p: Payload): Uint8Array {
  return received.get(p) ?? encodePayloadBody(p);
}

/** Encodes one payload body (no generic header): what RFC 2409 calls e.g. SAi_b or IDii_b. */
export function encodePayloadBody(p: Payload): Uint8Array {
  const w = new Writer();
  encodePayloadBodyTo(w, p);
  return w.finish();
}

export function encodePayloads(payloads: readonly Payload[]): { firstPayload: number; bytes: Uint8Array } {
  const w = new Writer();
  encodeChainTo(w, payloads);
  return { firstPayload: payloads[0] ? payloadTypeOf(payloads[0]) : 0, bytes: w.finish() };
}

export function encodeChainTo(w: Writer, payloads: readonly Payload[]): void {
  payloads.forEach((p, i) => {
    const following = payloads[i + 1];
    const start = w.length;
    w.u8(following ? payloadTypeOf(following) : 0)
      .u8(p.reserved ?? 0)
      .u16(0);
    encodePayloadBodyTo(w, p);
    const length = w.length - start;
    if (length > 0xffff) throw new EncodeError(`payload ${payloadTypeOf(p)} is ${length} bytes, over 65535`);
    w.patchU16(start + 2, length);
  });
}
