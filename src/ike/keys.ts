// Key material for IKEv1 (RFC 2409 §5 and App. B), DH groups and the IKE CBC cipher: a thin
// adapter over src/crypto (derivations, DH) plus the phase-1 CBC the engine pads itself.

import { createCipheriv, createDecipheriv } from 'node:crypto';
import { getDhGroup, InvalidPublicValueError } from '../crypto/index.js';
import { concat } from './codec.js';

// ------------------------------------------------------------------ Diffie-Hellman

export interface DhExchange {
  readonly group: number;
  readonly publicValue: Uint8Array;
  sharedSecret(peerPublic: Uint8Array): Uint8Array;
}

export function dhSupported(group: number): boolean {
  return getDhGroup(group) !== undefined;
}

export class InvalidKeError extends Error {}

/** An exchange whose private value comes from the injected RNG (deterministic tests). */
export function dhExchange(group: number, privateBytes: Uint8Array): DhExchange {
  const g = getDhGroup(group);
  if (!g) throw new InvalidKeError(`DH group ${group} not supported`);
  let pair;
  try {
    pair = g.generateKeyPair(privateBytes);
  } catch {
    throw new InvalidKeError(`DH group ${group}: unusable private value`);
  }
  return {
    group,
    publicValue: pair.publicValue,
    sharedSecret(peer: Uint8Array): Uint8Array {
      if (peer.length !== g.publicLength)
        throw new InvalidKeError(`KE length ${peer.length}, group ${group} wants ${g.publicLength}`);
      try {
        return g.computeSharedSecret(pair, peer);
      } catch (e) {
        if (e instanceof InvalidPublicValueError) throw new InvalidKeError(e.message);
        throw e;
      }
    },
  };
}

export function dhPublicLength(group: number): number {
  return getDhGroup(group)?.publicLength ?? 0;
}

/** Private value length drawn from the RNG: MODP exponents of 2x the security level, EC scalars. */
export function dhPrivateLength(group: number): number {
  const g = getDhGroup(group);
  if (!g || g.kind !== 'modp') return 32;
  return group === 1 ? 64 : group === 2 ? 80 : 96;
}

// ------------------------------------------------------------------ IKE encryption (CBC)

export interface IkeCipher {
  readonly name: 'des' | '3des' | 'aes';
  readonly keyLength: number;
  readonly blockSize: number;
}

export function ikeCipher(name: 'des' | '3des' | 'aes', keyBits = 128): IkeCipher {
  if (name === 'des') return { name, keyLength: 8, blockSize: 8 };
  if (name === '3des') return { name, keyLength: 24, blockSize: 8 };
  return { name, keyLength: keyBits / 8, blockSize: 16 };
}

function nodeName(c: IkeCipher): { algo: string; key: (k: Uint8Array) => Uint8Array } {
  // Single DES as 3DES-EDE with K|K|K so OpenSSL's legacy provider is never needed.
  if (c.name === 'des') return { algo: 'des-ede3-cbc', key: (k) => concat(k, k, k) };
  if (c.name === '3des') return { algo: 'des-ede3-cbc', key: (k) => k };
  return { algo: `aes-${c.keyLength * 8}-cbc`, key: (k) => k };
}

export function cbcEncrypt(c: IkeCipher, key: Uint8Array, iv: Uint8Array, data: Uint8Array): Uint8Array {
  const n = nodeName(c);
  const e = createCipheriv(n.algo, n.key(key), iv);
  e.setAutoPadding(false);
  return new Uint8Array(Buffer.concat([e.update(data), e.final()]));
}
export function cbcDecrypt(c: IkeCipher, key: Uint8Array, iv: Uint8Array, data: Uint8Array): Uint8Array {
  const n = nodeName(c);
  const d = createDecipheriv(n.algo, n.key(key), iv);
  d.setAutoPadding(false);
  return new Uint8Array(Buffer.concat([d.update(data), d.final()]));
}

// RFC 2409 §5 derivations come from src/crypto (checked against strongSwan's logs in
// test/ike/strongswan.test.ts).
export {
  deriveSkeyids,
  expandEncryptionKey,
  hashI,
  hashR,
  informationalHash,
  keymat,
  phase1Iv,
  phase2Iv,
  quickModeHash1,
  quickModeHash2,
  quickModeHash3,
  skeyidPsk,
  type Skeyids,
  hashOf,
  hashLength,
  prf,
  type HashAlg,
} from '../crypto/index.js';
