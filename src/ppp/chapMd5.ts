// RFC 1994 §4.1: the CHAP-MD5 Response Value is MD5(Identifier | secret | Challenge Value).

import { hashOf } from '../crypto/hash.js';

export function chapMd5Response(identifier: number, secret: string, challenge: Uint8Array): Uint8Array {
  return hashOf('md5', Uint8Array.of(identifier), Buffer.from(secret, 'utf8'), challenge);
}
