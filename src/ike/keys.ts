// Key material for IKEv1 (RFC 2409 §5 and App. B), DH groups and the IKE CBC cipher: a thin
// adapter over src/crypto (derivations, DH, ciphers).

import {
  computeDh,
  getCipher,
  getDhGroup,
  InvalidPublicValueError,
  type CipherSuite,
  type DhRequest,
  type DhResult,
} from '../crypto/index.js';
import { bytesEqual } from '../packet/address.js';

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

/**
 * An exchange whose exponentiations ran ahead of the task that uses it (inline, or in a worker
 * thread: the manager's `dh` action): the public value, and the shared secret for the peer
 * value it was computed with. Any other peer value is computed here, from the private value
 * kept for it (the initiator's second exponentiation, asked for as a request of its own).
 */
export class PrecomputedDh implements DhExchange {
  readonly publicValue: Uint8Array;
  private secret: Uint8Array | undefined;
  private readonly peer: Uint8Array | undefined;
  /** The peer value was refused: sharedSecret for it throws this reason. */
  private readonly refused: string | undefined;
  private wiped = false;

  constructor(request: DhRequest, result: DhResult, publicValue: Uint8Array) {
    this.group = request.group;
    this.privateValue = request.privateValue;
    this.peer = request.peerPublic;
    this.publicValue = publicValue;
    if (result.ok) this.secret = result.sharedSecret;
    else this.refused = result.reason;
  }
  readonly group: number;
  /** x, kept while the exchange may still need it; zeroed by wipe. */
  readonly privateValue: Uint8Array;

  get hasSecret(): boolean {
    return this.secret !== undefined || this.refused !== undefined;
  }

  sharedSecret(peerPublic: Uint8Array): Uint8Array {
    if (this.wiped) throw new Error(`DH group ${this.group}: private value already wiped`);
    if (this.peer !== undefined && bytesEqual(this.peer, peerPublic)) {
      if (this.refused !== undefined) throw new InvalidKeError(this.refused);
      if (this.secret !== undefined) return this.secret.slice();
    }
    const r = computeDh({ group: this.group, privateValue: this.privateValue, peerPublic });
    if (!r.ok) throw new InvalidKeError(r.reason);
    if (!r.sharedSecret) throw new InvalidKeError(`DH group ${this.group}: no shared secret`);
    return r.sharedSecret;
  }

  wipe(): void {
    this.privateValue.fill(0);
    this.secret?.fill(0);
    this.secret = undefined;
    this.wiped = true;
  }
}

/**
 * The exchange a finished computation gives, or undefined when our own private value was
 * unusable (the task then draws another inline, as it always could).
 */
export function precomputedDh(request: DhRequest, result: DhResult): PrecomputedDh | undefined {
  return result.publicValue === undefined
    ? undefined
    : new PrecomputedDh(request, result, result.publicValue);
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
