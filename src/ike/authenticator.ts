// Phase-1 authentication methods behind one interface (RFC 2409 §5): the exchange code asks
// for SKEYID, for the payloads that prove HASH_I/HASH_R, and to verify the peer's. Pre-shared
// keys here; signatures (SIG + CERT) in rsaSig.ts; encrypted nonces plug in the same way.

import { timingSafeEqual } from 'node:crypto';
import { IkeAuthMethod, PayloadType, type Payload } from '../wire/index.js';
import { skeyidPsk, type HashAlg } from './keys.js';

export interface SkeyidInput {
  readonly hash: HashAlg;
  readonly ni: Uint8Array;
  readonly nr: Uint8Array;
  readonly gxy: Uint8Array;
  readonly ckyI: Uint8Array;
  readonly ckyR: Uint8Array;
}

/** The peer's proof: good, absent, wrong, or refused with the notify RFC 2408 §3.14.1 names. */
export type Verdict = 'ok' | 'missing' | 'mismatch' | { readonly notify: number; readonly reason: string };

export interface Authenticator {
  /** RFC 2409 App. A authentication method value. */
  readonly method: number;
  /** As the IOS debug prints it: "pre-shared key". */
  readonly description: string;
  /** Our certificate's subject DN (for `crypto isakmp identity dn`), when we have one. */
  readonly ownSubject?: Uint8Array;
  skeyid(input: SkeyidInput): Uint8Array;
  /** Payloads carrying our proof, given HASH_I or HASH_R. */
  prove(ourHash: Uint8Array): Payload[];
  /** Checks the peer's proof against the HASH_I/HASH_R we computed for it. */
  verify(payloads: readonly Payload[], expected: Uint8Array): Verdict;
}

export function pskAuthenticator(key: Uint8Array): Authenticator {
  return {
    method: IkeAuthMethod.PRE_SHARED_KEY,
    description: 'pre-shared key',
    skeyid: (i) => skeyidPsk(i.hash, key, i.ni, i.nr),
    prove: (h) => [{ type: PayloadType.HASH, data: h }],
    verify(payloads, expected) {
      const hp = payloads.find((p) => p.type === PayloadType.HASH);
      if (!hp) return 'missing';
      if (hp.data.length !== expected.length) return 'mismatch';
      return timingSafeEqual(hp.data, expected) ? 'ok' : 'mismatch';
    },
  };
}
