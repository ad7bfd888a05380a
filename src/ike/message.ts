// How the engine reads a datagram with src/wire (RFC 2408 §5.2-5.3): the header must decode
// for the message to be dispatched at all; a payload chain that does not decode is kept as
// `malformed` with the notify RFC 2408 §5 names, so the exchange that owns the message decides
// whether to answer it or count a drop.

import {
  DecodeError,
  ExchangeType,
  decodeHeader,
  decodePayloads,
  HEADER_LENGTH,
  NotifyType,
  payloadTypeName,
  PayloadType,
  Reader,
  type IsakmpHeader,
  type Payload,
  type UnknownPayload,
} from '../wire/index.js';

export interface Message extends IsakmpHeader {
  /** Empty when the body is encrypted or malformed. */
  readonly payloads: readonly Payload[];
  /** The ciphertext after the header when the E flag is set. */
  readonly encrypted?: Uint8Array;
  /** Why the (clear) payload chain did not decode. */
  readonly malformed?: DecodeError;
}

/** Throws DecodeError when even the header is unusable (such a datagram is only dropped). */
export function decodeDatagram(bytes: Uint8Array): Message {
  const header = decodeHeader(new Reader(bytes));
  if (header.length < HEADER_LENGTH || header.length > bytes.length)
    throw new DecodeError(`header length ${header.length} for a ${bytes.length}-byte datagram`, 24);
  // RFC 2408 §5.2: a major version we do not speak is INVALID-MAJOR-VERSION.
  if (header.majorVersion !== 1)
    throw new DecodeError(`major version ${header.majorVersion}`, 17, NotifyType.INVALID_MAJOR_VERSION);
  const body = bytes.subarray(HEADER_LENGTH, header.length);
  if (header.flags.encryption) return { ...header, payloads: [], encrypted: body.slice() };
  const phase1 =
    header.exchangeType === ExchangeType.IDENTITY_PROTECTION ||
    header.exchangeType === ExchangeType.AGGRESSIVE;
  try {
    const sealed = phase1 ? PHASE1_SEALED : undefined;
    return { ...header, payloads: decodeBody(header.nextPayload, body, HEADER_LENGTH, sealed).payloads };
  } catch (e) {
    if (!(e instanceof DecodeError)) throw e;
    return { ...header, payloads: [], malformed: e };
  }
}

/**
 * A clear phase-1 ID payload may carry ciphertext (RFC 2409 §5.2, §5.3: encrypted nonce
 * authentication): the phase-1 task decodes its body once it knows (phase1.ts takeIdentity).
 */
const PHASE1_SEALED: ReadonlySet<number> = new Set([PayloadType.ID]);

/**
 * A (decrypted) payload chain. RFC 2408 §5.3: a Next Payload the engine does not know is
 * INVALID-PAYLOAD-TYPE; every length and field error is src/wire's DecodeError.
 */
export function decodeBody(
  firstPayload: number,
  bytes: Uint8Array,
  baseOffset = 0,
  sealed?: ReadonlySet<number>,
): { payloads: Payload[]; trailing: Uint8Array } {
  const decoded = decodePayloads(firstPayload, bytes, baseOffset, sealed);
  const unknown = decoded.payloads.find(
    (p): p is UnknownPayload => p.type === 'unknown' && sealed?.has(p.payloadType) !== true,
  );
  if (unknown)
    throw new DecodeError(
      `payload type ${payloadTypeName(unknown.payloadType)}`,
      baseOffset,
      NotifyType.INVALID_PAYLOAD_TYPE,
    );
  return decoded;
}
