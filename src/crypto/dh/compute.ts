// One Diffie-Hellman computation as plain data in, plain data out, so that it can run in a
// worker thread (dhWorker.ts) as well as inline: our public value g^x for a private value
// the caller drew, and with the peer's public value also the shared secret g^xy.

import { CryptoParameterError, InvalidPublicValueError } from '../errors.js';
import { getDhGroup } from './index.js';

export interface DhRequest {
  readonly group: number;
  /** x, as the group's generateKeyPair takes it (the IKE engine draws it from its RNG). */
  readonly privateValue: Uint8Array;
  /** The peer's public value (KE payload data): the shared secret is computed too. */
  readonly peerPublic?: Uint8Array;
}

export type DhResult =
  | { readonly ok: true; readonly publicValue: Uint8Array; readonly sharedSecret?: Uint8Array }
  /**
   * With `publicValue` ours is fine and the peer's public value is unusable
   * (INVALID-KEY-INFORMATION); without, our private value is.
   */
  | { readonly ok: false; readonly reason: string; readonly publicValue?: Uint8Array };

export function computeDh(request: DhRequest): DhResult {
  const g = getDhGroup(request.group);
  if (g === undefined) return { ok: false, reason: `DH group ${request.group} not supported` };
  let pair;
  try {
    pair = g.generateKeyPair(request.privateValue);
  } catch (e) {
    if (e instanceof CryptoParameterError) return { ok: false, reason: e.message };
    throw e;
  }
  try {
    if (request.peerPublic === undefined) return { ok: true, publicValue: pair.publicValue };
    if (request.peerPublic.length !== g.publicLength)
      return {
        ok: false,
        reason: `KE length ${request.peerPublic.length}, group ${g.id} wants ${g.publicLength}`,
        publicValue: pair.publicValue,
      };
    try {
      const sharedSecret = g.computeSharedSecret(pair, request.peerPublic);
      return { ok: true, publicValue: pair.publicValue, sharedSecret };
    } catch (e) {
      if (e instanceof InvalidPublicValueError)
        return { ok: false, reason: e.message, publicValue: pair.publicValue };
      throw e;
    }
  } finally {
    pair.privateKey.fill(0);
    g.forget(pair);
  }
}
