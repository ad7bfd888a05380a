// Key material for IKEv1 (RFC 2409 §5 and App. B), DH groups and the IKE CBC cipher: a thin
// adapter over src/crypto (derivations, DH, ciphers).

import { getCipher, getDhGroup, InvalidPublicValueError, type CipherSuite } from '../crypto/index.js';

// ------------------------------------------------------------------ Diffie-Hellman

export interface DhExchange {
  readonly group: number;
  readonly publicValue: Uint8Array;
  sharedSecret(peerPublic: Uint8Array): Uint8Array;
  /** Zeroes the private value; the exchange is unusable afterwards. */
  wipe(): void;
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
  // The key pair holds its own copy of the private value; the caller's goes now.
  privateBytes.fill(0);
  let wiped = false;
  return {
    group,
    publicValue: pair.publicValue,
    sharedSecret(peer: Uint8Array): Uint8Array {
      if (wiped) throw new Error(`DH group ${group}: private value already wiped`);
      if (peer.length !== g.publicLength)
        throw new InvalidKeError(`KE length ${peer.length}, group ${group} wants ${g.publicLength}`);
      try {
        return g.computeSharedSecret(pair, peer);
      } catch (e) {
        if (e instanceof InvalidPublicValueError) throw new InvalidKeError(e.message);
        throw e;
      }
    },
    wipe(): void {
      pair.privateKey.fill(0);
      g.forget(pair);
      wiped = true;
    },
  };
}

export function dhPublicLength(group: number): number {
  return getDhGroup(group)?.publicLength ?? 0;
}

/** Private value length drawn from the RNG: MODP exponents sized to the group's strength, EC scalars. */
export function dhPrivateLength(group: number): number {
  return getDhGroup(group)?.privateLength ?? 32;
}

// ------------------------------------------------------------------ IKE encryption (CBC)

/** The phase-1 cipher: src/crypto's known-answer-tested CBC suites (RFC 2409 §5.3, App. B). */
export function ikeCipher(name: 'des' | '3des' | 'aes', keyBits = 128): CipherSuite {
  return getCipher(name === 'des' ? 'des-cbc' : name === '3des' ? '3des-cbc' : 'aes-cbc', keyBits);
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
  skeyidSig,
  type Skeyids,
  hashOf,
  hashLength,
  prf,
  type HashAlg,
  cbcDecrypt,
  cbcEncrypt,
  type CipherSuite,
} from '../crypto/index.js';
