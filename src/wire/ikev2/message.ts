// A whole IKEv2 message: header and payload chain (RFC 7296 §3.1, §3.2). An encrypted message
// decodes to its clear payloads with the SK payload last, still sealed.

import { DecodeError } from '../errors.js';
import { Reader } from '../reader.js';
import { Writer } from '../writer.js';
import { decodeIkev2Payloads, encodeIkev2PayloadsTo } from './chain.js';
import { Notify } from './constants.js';
import {
  decodeIkev2Header,
  encodeIkev2Header,
  IKEV2_HEADER_LENGTH,
  type Ikev2Header,
  type Ikev2HeaderInit,
} from './header.js';
import { type Ikev2Payload, ikev2PayloadTypeOf } from './payload.js';

export interface Ikev2Message {
  readonly header: Ikev2Header;
  readonly payloads: readonly Ikev2Payload[];
}

export interface Ikev2MessageInit {
  readonly header: Ikev2HeaderInit;
  readonly payloads: readonly Ikev2Payload[];
}

/** The header alone, e.g. to route a datagram before its payloads are read. */
export function peekIkev2Header(datagram: Uint8Array): Ikev2Header {
  return decodeIkev2Header(new Reader(datagram));
}

export function decodeIkev2Message(datagram: Uint8Array): Ikev2Message {
  const r = new Reader(datagram);
  const header = decodeIkev2Header(r);
  if (header.majorVersion !== 2) {
    throw new DecodeError(`IKE major version ${header.majorVersion}`, 17, Notify.INVALID_MAJOR_VERSION);
  }
  if (header.length !== datagram.length) {
    throw new DecodeError(
      `header length ${header.length}, datagram ${datagram.length} bytes`,
      24,
      Notify.INVALID_SYNTAX,
    );
  }
  const payloads = decodeIkev2Payloads(header.nextPayload, r.rest(), IKEV2_HEADER_LENGTH);
  return { header, payloads };
}

/**
 * Encodes a message; with an SK payload (last), `skDataOffset` is where its body (the IV)
 * starts, so everything before it is what RFC 5282 §5.1 takes as associated data.
 */
export function encodeIkev2Message(m: Ikev2MessageInit): { bytes: Uint8Array; skDataOffset?: number } {
  const w = new Writer();
  const first = m.payloads[0] ? ikev2PayloadTypeOf(m.payloads[0]) : 0;
  encodeIkev2Header(w, m.header, first, 0);
  encodeIkev2PayloadsTo(w, m.payloads);
  w.patchU32(24, w.length);
  const bytes = w.finish();
  const last = m.payloads[m.payloads.length - 1];
  if (last?.type !== 46) return { bytes };
  return { bytes, skDataOffset: bytes.length - last.data.length };
}
