// A whole ISAKMP message: header (RFC 2408 §3.1) + payload chain, or header + encrypted body
// (RFC 2408 §3.1 E flag: everything after the header is ciphertext, RFC 2409 §5.3/App. B).

import { DecodeError, EncodeError } from './errors.js';
import { decodeChain, encodeChainTo } from './chain.js';
import {
  decodeHeader,
  encodeHeader,
  HEADER_LENGTH,
  type IsakmpHeader,
  type IsakmpHeaderInit,
} from './header.js';
import { payloadTypeOf, type Payload } from './payload.js';
import { Reader } from './reader.js';
import { Writer } from './writer.js';

export interface IsakmpMessage {
  readonly header: IsakmpHeader;
  /** Empty when the body is encrypted. */
  readonly payloads: readonly Payload[];
  /** The opaque body after the header when the E flag is set. */
  readonly encrypted?: Uint8Array;
  /** Bytes after the last payload but inside the header's Length (present only when non-empty). */
  readonly trailing?: Uint8Array;
  /** Bytes of the datagram after the header's Length (present only when non-empty). */
  readonly excess?: Uint8Array;
}

/** What the engine builds: lengths, next-payload fields and the version are computed on encode. */
export interface IsakmpMessageInit {
  readonly header: IsakmpHeaderInit;
  readonly payloads: readonly Payload[];
  readonly encrypted?: Uint8Array;
  readonly trailing?: Uint8Array;
  readonly excess?: Uint8Array;
}

export function decodeMessage(bytes: Uint8Array): IsakmpMessage {
  const r = new Reader(bytes);
  const header = decodeHeader(r);
  if (header.length < HEADER_LENGTH) {
    throw new DecodeError(`header length ${header.length} shorter than the ${HEADER_LENGTH}-byte header`, 24);
  }
  if (header.length > bytes.length) {
    throw new DecodeError(`header length ${header.length} exceeds the ${bytes.length}-byte datagram`, 24);
  }
  const body = r.sub(header.length - HEADER_LENGTH);
  const excess = r.rest();
  const extra = excess.length > 0 ? { excess } : {};
  if (header.flags.encryption) {
    return { header, payloads: [], encrypted: body.rest(), ...extra };
  }
  const { payloads, trailing } = decodeChain(header.nextPayload, body);
  return { header, payloads, ...(trailing.length > 0 ? { trailing } : {}), ...extra };
}

export function encodeMessage(msg: IsakmpMessageInit): Uint8Array {
  const w = new Writer();
  let nextPayload: number;
  if (msg.encrypted) {
    if (msg.header.nextPayload === undefined) {
      throw new EncodeError('an encrypted message needs header.nextPayload (the first payload inside)');
    }
    nextPayload = msg.header.nextPayload;
  } else {
    nextPayload = msg.payloads[0] ? payloadTypeOf(msg.payloads[0]) : 0;
  }
  encodeHeader(w, msg.header, nextPayload, 0);
  if (msg.encrypted) w.bytes(msg.encrypted);
  else encodeChainTo(w, msg.payloads);
  if (msg.trailing) w.bytes(msg.trailing);
  w.patchU32(24, w.length);
  if (msg.excess) w.bytes(msg.excess);
  return w.finish();
}
