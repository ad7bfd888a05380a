// RADIUS packets (RFC 2865 §3, §5): the codec, User-Password hiding (§5.2), the Response
// Authenticator (§3) and Message-Authenticator (RFC 3579 §3.2). Pure functions; decoding
// throws only DecodeError.
//
//   0                   1                   2                   3
//   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  |     Code      |  Identifier   |            Length             |
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  |                         Authenticator (16)                    |
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  |  Attributes: Type (1) | Length (1, >= 2) | Value ...
//  +-+-+-+-+-+-+-+-+-+-+-+-+-

import { timingSafeEqual } from 'node:crypto';
import { hashOf, prf } from '../crypto/hash.js';
import { DecodeError, EncodeError } from '../wire/errors.js';
import { Reader } from '../wire/reader.js';
import { Writer } from '../wire/writer.js';

export const RadiusCode = {
  AccessRequest: 1,
  AccessAccept: 2,
  AccessReject: 3,
  AccessChallenge: 11,
} as const;

export const RadiusAttr = {
  UserName: 1,
  UserPassword: 2,
  ChapPassword: 3,
  NasIpAddress: 4,
  ReplyMessage: 18,
  VendorSpecific: 26,
  NasIdentifier: 32,
  ChapChallenge: 60,
  NasPortType: 61,
  MessageAuthenticator: 80,
} as const;

/** NAS-Port-Type (RFC 2865 §5.41) Virtual: a connection over a transport such as IPsec. */
export const NAS_PORT_TYPE_VIRTUAL = 5;

const HEADER = 20;
const MAX_PACKET = 4096;
const AUTHENTICATOR = 16;
/** §5.2: the password is at most 128 octets. */
export const MAX_PASSWORD = 128;

export interface RadiusAttribute {
  readonly type: number;
  readonly value: Uint8Array;
}

export interface RadiusPacket {
  readonly code: number;
  readonly identifier: number;
  readonly authenticator: Uint8Array;
  readonly attributes: readonly RadiusAttribute[];
}

/** §3: octets past Length are padding and ignored; a Length outside 20..4096 or past the data is malformed. */
export function decodeRadius(bytes: Uint8Array): RadiusPacket {
  const r = new Reader(bytes);
  const code = r.u8('code');
  const identifier = r.u8('identifier');
  const length = r.u16('length');
  if (length < HEADER || length > MAX_PACKET) throw new DecodeError(`RADIUS length ${length}`, 2);
  if (length > bytes.length) throw new DecodeError(`RADIUS length ${length} past ${bytes.length} bytes`, 2);
  const authenticator = r.bytesCopy(AUTHENTICATOR, 'authenticator');
  const body = r.sub(length - HEADER, 'attributes');
  const attributes: RadiusAttribute[] = [];
  while (body.remaining > 0) {
    const at = body.offset;
    const type = body.u8('attribute type');
    const len = body.u8('attribute length');
    if (len < 2) throw new DecodeError(`attribute ${type} length ${len}`, at + 1);
    attributes.push({ type, value: body.bytesCopy(len - 2, `attribute ${type}`) });
  }
  return { code, identifier, authenticator, attributes };
}

export function encodeRadius(packet: RadiusPacket): Uint8Array {
  if (packet.authenticator.length !== AUTHENTICATOR) throw new EncodeError('authenticator is not 16 bytes');
  const w = new Writer().u8(packet.code).u8(packet.identifier).u16(0).bytes(packet.authenticator);
  for (const a of packet.attributes) {
    if (a.value.length > 253) throw new EncodeError(`attribute ${a.type} longer than 253 bytes`);
    w.u8(a.type)
      .u8(a.value.length + 2)
      .bytes(a.value);
  }
  if (w.length > MAX_PACKET) throw new EncodeError('RADIUS packet longer than 4096 bytes');
  w.patchU16(2, w.length);
  return w.finish();
}

/** The attributes of type `type`, in order. */
export function attributesOf(packet: RadiusPacket, type: number): Uint8Array[] {
  return packet.attributes.filter((a) => a.type === type).map((a) => a.value);
}

function xor16(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(16);
  for (let i = 0; i < 16; i++) out[i] = (a[i] ?? 0) ^ (b[i] ?? 0);
  return out;
}

/**
 * §5.2: the password padded with NULs to a multiple of 16; c(1) = p(1) xor MD5(S + RA),
 * c(i) = p(i) xor MD5(S + c(i-1)).
 */
export function hidePassword(password: Uint8Array, secret: Uint8Array, requestAuth: Uint8Array): Uint8Array {
  if (password.length > MAX_PASSWORD) throw new EncodeError(`password longer than ${MAX_PASSWORD} bytes`);
  const blocks = Math.max(1, Math.ceil(password.length / 16));
  const padded = new Uint8Array(blocks * 16);
  padded.set(password);
  const out = new Uint8Array(padded.length);
  let chain = requestAuth;
  for (let i = 0; i < blocks; i++) {
    const c = xor16(padded.subarray(i * 16, i * 16 + 16), hashOf('md5', secret, chain));
    out.set(c, i * 16);
    chain = c;
  }
  padded.fill(0);
  return out;
}

/** The inverse of hidePassword, trailing NULs removed; a length not a multiple of 16 is malformed. */
export function unhidePassword(hidden: Uint8Array, secret: Uint8Array, requestAuth: Uint8Array): Uint8Array {
  if (hidden.length === 0 || hidden.length % 16 !== 0 || hidden.length > MAX_PASSWORD)
    throw new DecodeError(`User-Password of ${hidden.length} bytes`, 0);
  const out = new Uint8Array(hidden.length);
  let chain = requestAuth;
  for (let i = 0; i < hidden.length; i += 16) {
    const c = hidden.subarray(i, i + 16);
    out.set(xor16(c, hashOf('md5', secret, chain)), i);
    chain = c;
  }
  let end = out.length;
  while (end > 0 && out[end - 1] === 0) end--;
  return out.slice(0, end);
}

/** The packet with its Message-Authenticator value zeroed and `authenticator` in the header. */
function messageAuthenticatorInput(bytes: Uint8Array, authenticator: Uint8Array): Uint8Array | undefined {
  const copy = bytes.slice(0, (bytes[2]! << 8) | bytes[3]!);
  copy.set(authenticator, 4);
  let at = HEADER;
  let found: number | undefined;
  while (at + 2 <= copy.length) {
    const len = copy[at + 1]!;
    if (len < 2) return undefined;
    if (copy[at] === RadiusAttr.MessageAuthenticator) {
      if (len !== 18 || found !== undefined) return undefined;
      found = at;
    }
    at += len;
  }
  if (found === undefined) return undefined;
  copy.fill(0, found + 2, found + 18);
  return copy;
}

/**
 * An Access-Request: attributes in order, then a Message-Authenticator (RFC 3579 §3.2:
 * HMAC-MD5 keyed by the secret over the packet with that attribute's value zeroed).
 */
export function encodeAccessRequest(
  identifier: number,
  requestAuth: Uint8Array,
  attributes: readonly RadiusAttribute[],
  secret: Uint8Array,
): Uint8Array {
  const bytes = encodeRadius({
    code: RadiusCode.AccessRequest,
    identifier,
    authenticator: requestAuth,
    attributes: [...attributes, { type: RadiusAttr.MessageAuthenticator, value: new Uint8Array(16) }],
  });
  const input = messageAuthenticatorInput(bytes, requestAuth);
  if (!input) throw new EncodeError('Message-Authenticator not placed');
  bytes.set(prf('md5', secret, input), bytes.length - 16);
  return bytes;
}

/** §3: MD5(Code + Identifier + Length + Request Authenticator + Attributes + Secret). */
export function responseAuthenticator(
  reply: Uint8Array,
  requestAuth: Uint8Array,
  secret: Uint8Array,
): Uint8Array {
  const length = (reply[2]! << 8) | reply[3]!;
  return hashOf('md5', reply.subarray(0, 4), requestAuth, reply.subarray(HEADER, length), secret);
}

/** Signs a reply as a server does (Response Authenticator, and a Message-Authenticator when it carries one). */
export function signReply(reply: Uint8Array, requestAuth: Uint8Array, secret: Uint8Array): Uint8Array {
  const out = reply.slice();
  const input = messageAuthenticatorInput(out, requestAuth);
  if (input) {
    const mac = prf('md5', secret, input);
    const at = findMessageAuthenticator(out);
    if (at !== undefined) out.set(mac, at + 2);
  }
  out.set(responseAuthenticator(out, requestAuth, secret), 4);
  return out;
}

function findMessageAuthenticator(bytes: Uint8Array): number | undefined {
  let at = HEADER;
  while (at + 2 <= bytes.length) {
    if (bytes[at] === RadiusAttr.MessageAuthenticator) return at;
    const len = bytes[at + 1]!;
    if (len < 2) return undefined;
    at += len;
  }
  return undefined;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

export type ReplyCheck =
  { readonly ok: true; readonly packet: RadiusPacket } | { readonly ok: false; readonly reason: string };

/**
 * A reply to the request (identifier, Request Authenticator) checked as RFC 2865 §3 and RFC
 * 3579 §3.2 say: a known code, the same identifier, a Response Authenticator made with our
 * secret, and a valid Message-Authenticator when it carries one (one, 16 bytes).
 */
export function checkReply(
  bytes: Uint8Array,
  identifier: number,
  requestAuth: Uint8Array,
  secret: Uint8Array,
): ReplyCheck {
  let packet: RadiusPacket;
  try {
    packet = decodeRadius(bytes);
  } catch (e) {
    if (e instanceof DecodeError) return { ok: false, reason: `malformed reply: ${e.message}` };
    throw e;
  }
  const codes: readonly number[] = [
    RadiusCode.AccessAccept,
    RadiusCode.AccessReject,
    RadiusCode.AccessChallenge,
  ];
  if (!codes.includes(packet.code)) return { ok: false, reason: `reply code ${packet.code}` };
  if (packet.identifier !== identifier)
    return { ok: false, reason: `identifier ${packet.identifier}, expected ${identifier}` };
  if (!sameBytes(packet.authenticator, responseAuthenticator(bytes, requestAuth, secret)))
    return { ok: false, reason: 'bad Response Authenticator (wrong shared secret?)' };
  const macs = attributesOf(packet, RadiusAttr.MessageAuthenticator);
  if (macs.length > 0) {
    const input = messageAuthenticatorInput(bytes, requestAuth);
    const got = macs[0];
    if (!input || !got || !sameBytes(got, prf('md5', secret, input)))
      return { ok: false, reason: 'bad Message-Authenticator' };
  }
  return { ok: true, packet };
}
