// CHAP-MD5 (RFC 1994 §4.1) and MS-CHAPv2 (RFC 2759 §8): the NT-Response a client computes and the authenticator response
// ("S=" + 40 hex digits) a server proves it knew the password with.

import { createCipheriv, timingSafeEqual } from 'node:crypto';
import { desToEde3Key } from './cipher.js';
import { hashOf } from './hash.js';
import { md4 } from './md4.js';

/** §8.2: the first 8 bytes of SHA1(PeerChallenge | AuthenticatorChallenge | UserName). */
export function challengeHash(
  peerChallenge: Uint8Array,
  authChallenge: Uint8Array,
  userName: string,
): Uint8Array {
  return hashOf('sha1', peerChallenge, authChallenge, Buffer.from(userName, 'utf8')).subarray(0, 8);
}

/** §8.3: MD4 of the password in UTF-16LE (Unicode, as Windows stores it). */
export function ntPasswordHash(password: string): Uint8Array {
  return md4(Buffer.from(password, 'utf16le'));
}

/** §8.4 */
export function hashNtPasswordHash(passwordHash: Uint8Array): Uint8Array {
  return md4(passwordHash);
}

/** 7 key bytes spread over 8, the low bit of each a parity bit DES ignores (§8.6 DesEncrypt). */
function desKey(seven: Uint8Array): Uint8Array {
  const key = new Uint8Array(8);
  let bits = 0n;
  for (const b of seven) bits = (bits << 8n) | BigInt(b);
  for (let i = 0; i < 8; i++) key[i] = Number((bits >> BigInt(49 - 7 * i)) & 0x7fn) << 1;
  return key;
}

/** Single-block DES-ECB, run as 3DES-EDE with K|K|K (the default OpenSSL provider has no DES). */
function desEncrypt(clear: Uint8Array, seven: Uint8Array): Uint8Array {
  const cipher = createCipheriv('des-ede3-cbc', desToEde3Key(desKey(seven)), new Uint8Array(8));
  cipher.setAutoPadding(false);
  return new Uint8Array(Buffer.concat([cipher.update(clear), cipher.final()]));
}

/** §8.5: the 8-byte challenge DES-encrypted under the three 7-byte thirds of the zero-padded hash. */
export function challengeResponse(challenge: Uint8Array, passwordHash: Uint8Array): Uint8Array {
  const z = new Uint8Array(21);
  z.set(passwordHash);
  const out = new Uint8Array(24);
  for (let i = 0; i < 3; i++) out.set(desEncrypt(challenge, z.subarray(7 * i, 7 * i + 7)), 8 * i);
  return out;
}

/** §8.1 GenerateNTResponse, from the password hash (a RADIUS-less server or the client). */
export function generateNtResponse(
  authChallenge: Uint8Array,
  peerChallenge: Uint8Array,
  userName: string,
  passwordHash: Uint8Array,
): Uint8Array {
  return challengeResponse(challengeHash(peerChallenge, authChallenge, userName), passwordHash);
}

const MAGIC1 = Buffer.from('Magic server to client signing constant', 'ascii');
const MAGIC2 = Buffer.from('Pad to make it do more than one iteration', 'ascii');

/** §8.7 GenerateAuthenticatorResponse: "S=" and 40 upper-case hex digits. */
export function generateAuthenticatorResponse(
  passwordHash: Uint8Array,
  ntResponse: Uint8Array,
  peerChallenge: Uint8Array,
  authChallenge: Uint8Array,
  userName: string,
): string {
  const digest = hashOf('sha1', hashNtPasswordHash(passwordHash), ntResponse, MAGIC1);
  const final = hashOf('sha1', digest, challengeHash(peerChallenge, authChallenge, userName), MAGIC2);
  return `S=${Buffer.from(final).toString('hex').toUpperCase()}`;
}

/** Constant-time compare of two responses of equal length. */
export function sameResponse(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/** RFC 1994 §4.1: MD5(Identifier | secret | Challenge Value). */
export function chapMd5Response(identifier: number, secret: string, challenge: Uint8Array): Uint8Array {
  return hashOf('md5', Uint8Array.of(identifier), Buffer.from(secret, 'utf8'), challenge);
}

/** What a client with this password answers to the challenges, and what the server proves back. */
export function msChapV2Answer(
  authChallenge: Uint8Array,
  peerChallenge: Uint8Array,
  userName: string,
  password: string,
): { readonly ntResponse: Uint8Array; readonly authenticatorResponse: string } {
  const hash = ntPasswordHash(password);
  const ntResponse = generateNtResponse(authChallenge, peerChallenge, userName, hash);
  const authenticatorResponse = generateAuthenticatorResponse(
    hash,
    ntResponse,
    peerChallenge,
    authChallenge,
    userName,
  );
  hash.fill(0);
  return { ntResponse, authenticatorResponse };
}
