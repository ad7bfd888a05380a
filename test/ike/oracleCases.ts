// The ciphertext classes of the Bleichenbacher oracle test and benchmark: an initiator's
// RSA-encrypted nonce replaced, on the way to the responder, by a well-padded wrong nonce, a
// well-padded nonce of a forbidden length, or blocks whose PKCS#1 v1.5 padding is bad.

import { constants, createPublicKey, generateKeyPairSync, publicEncrypt, randomBytes } from 'node:crypto';
import type { IkeAuthentication, RouterConfig } from '../../src/policy/model.js';
import { payloadLengths, PayloadType } from '../../src/wire/index.js';
import { rsaEncrypt } from '../../src/crypto/index.js';
import { A_WAN, B_WAN, chapterConfigs, Lab } from './harness.js';

export const A_KEY = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey;
export const B_KEY = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey;
const B_PUBLIC = createPublicKey(B_KEY);
const K = 128;

const der = (k: typeof A_KEY): string =>
  createPublicKey(k).export({ format: 'der', type: 'spki' }).toString('hex');

export function config(
  c: RouterConfig,
  method: IkeAuthentication,
  peer: string,
  key: typeof A_KEY,
): RouterConfig {
  return {
    ...c,
    isakmpPolicies: c.isakmpPolicies.map((p) => ({ ...p, authentication: method, group: 2 })),
    presharedKeys: [],
    publicKeys: [{ kind: 'addressed-key', name: peer, address: peer, der: der(key) }],
  };
}

function rawRsa(block: Uint8Array): Uint8Array {
  return new Uint8Array(publicEncrypt({ key: B_PUBLIC, padding: constants.RSA_NO_PADDING }, block));
}

export type Class = 'honest' | 'wrong nonce' | 'short nonce' | 'type 1 block' | 'no separator';

export function ciphertextFor(c: Exclude<Class, 'honest'>): Uint8Array {
  switch (c) {
    case 'wrong nonce':
      return rsaEncrypt(B_PUBLIC, randomBytes(32));
    case 'short nonce':
      return rsaEncrypt(B_PUBLIC, randomBytes(3));
    case 'type 1 block': {
      const b = new Uint8Array(K).fill(0xff);
      b[0] = 0;
      b[1] = 1;
      b[K - 33] = 0;
      b.set(randomBytes(32), K - 32);
      return rawRsa(b);
    }
    case 'no separator': {
      const b = new Uint8Array(randomBytes(K)).map((x) => x | 1);
      b[0] = 0;
      b[1] = 2;
      return rawRsa(b);
    }
  }
}

/** Replaces the body of the NONCE payload of a clear phase-1 datagram (same length). */
export function withNonce(data: Uint8Array, body: Uint8Array): Uint8Array | undefined {
  if (data.length < 28 || (data[19] ?? 0) & 1) return undefined;
  const { types, lengths } = payloadLengths(data[16] ?? 0, data.subarray(28));
  let at = 28;
  for (let i = 0; i < types.length; i++) {
    const length = lengths[i] ?? 0;
    if (types[i] === PayloadType.NONCE) {
      if (length - 4 !== body.length) return undefined;
      const out = data.slice();
      out.set(body, at + 4);
      return out;
    }
    at += length;
  }
  return undefined;
}

/**
 * Two engines with encrypted nonces, A initiating towards B; with a class other than honest
 * A's first nonce ciphertext is replaced by one of that class on the way to B.
 */
export function oracleLab(method: IkeAuthentication, aggressive: boolean, c: Class): Lab {
  const base = chapterConfigs();
  const lab = new Lab(
    { config: config(base.a, method, B_WAN, B_KEY), aggressiveMode: aggressive, decryptionKeys: [A_KEY] },
    { config: config(base.b, method, A_WAN, A_KEY), decryptionKeys: [B_KEY] },
  );
  if (c !== 'honest') {
    const sealed = ciphertextFor(c);
    let replaced = false;
    lab.filter = (from, data) => {
      if (from !== 'a' || replaced) return true;
      const rewritten = withNonce(data, sealed);
      if (!rewritten) return true;
      replaced = true;
      lab.inject('b', rewritten);
      return false;
    };
  }
  return lab;
}
