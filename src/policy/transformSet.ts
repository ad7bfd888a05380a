// A transform set in the names the data plane uses (src/policy/sa.ts).

import type { EspCipher, IntegrityAlg } from './sa.js';
import type { AhIntegrity, EspEncryption, EspIntegrity, IpsecMode, TransformSet } from './model.js';

export interface TransformSetAlgorithms {
  readonly esp?: {
    readonly cipher: EspCipher;
    /** Cipher key size in bits (without the CTR nonce / GCM salt). */
    readonly keyBits: number;
    readonly integrity: IntegrityAlg;
    readonly integrityKeyBits: number;
  };
  readonly ah?: { readonly integrity: IntegrityAlg; readonly integrityKeyBits: number };
  readonly mode: IpsecMode;
  readonly compression?: 'comp-lzs' | 'comp-deflate';
}

const INTEGRITY: Readonly<Record<EspIntegrity | AhIntegrity, { alg: IntegrityAlg; keyBits: number }>> = {
  // RFC 2403 / 2404 / 4868: HMAC key = hash output length.
  'esp-md5-hmac': { alg: 'hmac-md5-96', keyBits: 128 },
  'esp-sha-hmac': { alg: 'hmac-sha1-96', keyBits: 160 },
  'esp-sha256-hmac': { alg: 'hmac-sha256-128', keyBits: 256 },
  'esp-sha384-hmac': { alg: 'hmac-sha384-192', keyBits: 384 },
  'esp-sha512-hmac': { alg: 'hmac-sha512-256', keyBits: 512 },
  'ah-md5-hmac': { alg: 'hmac-md5-96', keyBits: 128 },
  'ah-sha-hmac': { alg: 'hmac-sha1-96', keyBits: 160 },
  'ah-sha256-hmac': { alg: 'hmac-sha256-128', keyBits: 256 },
  'ah-sha384-hmac': { alg: 'hmac-sha384-192', keyBits: 384 },
  'ah-sha512-hmac': { alg: 'hmac-sha512-256', keyBits: 512 },
};

export function espCipherOf(
  encryption: EspEncryption,
  keyBits?: number,
): { cipher: EspCipher; keyBits: number } {
  switch (encryption) {
    case 'esp-des':
      return { cipher: 'des-cbc', keyBits: 64 }; // 56 effective bits, 8 key bytes on the wire
    case 'esp-3des':
      return { cipher: '3des-cbc', keyBits: 192 };
    case 'esp-aes':
      return { cipher: 'aes-cbc', keyBits: keyBits ?? 128 };
    case 'esp-gcm':
      // IOS esp-gcm uses the 16-byte ICV (RFC 4106 §8: ENCR_AES_GCM_16).
      return { cipher: 'aes-gcm-16', keyBits: keyBits ?? 128 };
    case 'esp-null':
      return { cipher: 'null', keyBits: 0 };
  }
}

export function integrityOf(name: EspIntegrity | AhIntegrity): { alg: IntegrityAlg; keyBits: number } {
  return INTEGRITY[name];
}

export function transformSetAlgorithms(ts: TransformSet): TransformSetAlgorithms {
  const esp =
    ts.espEncryption !== undefined || ts.espIntegrity !== undefined
      ? (() => {
          const c = ts.espEncryption
            ? espCipherOf(ts.espEncryption, ts.espKeyBits)
            : { cipher: 'null' as const, keyBits: 0 };
          const i = ts.espIntegrity ? INTEGRITY[ts.espIntegrity] : { alg: 'none' as const, keyBits: 0 };
          return { cipher: c.cipher, keyBits: c.keyBits, integrity: i.alg, integrityKeyBits: i.keyBits };
        })()
      : undefined;
  const ah = ts.ah
    ? { integrity: INTEGRITY[ts.ah].alg, integrityKeyBits: INTEGRITY[ts.ah].keyBits }
    : undefined;
  return {
    ...(esp ? { esp } : {}),
    ...(ah ? { ah } : {}),
    mode: ts.mode,
    ...(ts.compression ? { compression: ts.compression } : {}),
  };
}
