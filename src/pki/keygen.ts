// `crypto key generate rsa [usage-keys] label L modulus N` into the key store.

import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { existsSync, unlinkSync } from 'node:fs';
import { keyFile, writeKeyPair, type KeyUsage } from './keystore.js';
import { PkiError } from './pkix.js';

export const MIN_MODULUS = 1024;
export const MAX_MODULUS = 8192;

export function generateRsaKey(modulus: number): KeyObject {
  if (!Number.isInteger(modulus) || modulus < MIN_MODULUS || modulus > MAX_MODULUS || modulus % 8 !== 0)
    throw new PkiError(`modulus ${modulus}: a multiple of 8 from ${MIN_MODULUS} to ${MAX_MODULUS} expected`);
  return generateKeyPairSync('rsa', { modulusLength: modulus, publicExponent: 0x10001 }).privateKey;
}

export interface GenerateOptions {
  readonly usageKeys: boolean;
  readonly modulus: number;
  /** Replace key pairs of this label that exist (IOS asks first). */
  readonly replace: boolean;
}

export interface GeneratedKey {
  readonly usage: KeyUsage;
  readonly file: string;
  readonly key: KeyObject;
}

/** Generates the label's key pair, or its signing and encryption pairs with usage keys. */
export function generateKeys(dir: string, label: string, options: GenerateOptions): GeneratedKey[] {
  const usages: KeyUsage[] = options.usageKeys ? ['sign', 'encr'] : ['general'];
  const existing = (['general', 'sign', 'encr'] as const)
    .map((usage) => keyFile(dir, label, usage))
    .filter((file) => existsSync(file));
  if (existing.length > 0 && !options.replace)
    throw new PkiError(
      `you already have RSA keys named ${label} (${existing.join(', ')}); replace them with --force`,
    );
  // The old pairs go: a stale LABEL.sign.pem would otherwise win over a new LABEL.pem.
  for (const file of existing) unlinkSync(file);
  return usages.map((usage) => {
    const key = generateRsaKey(options.modulus);
    return { usage, key, file: writeKeyPair(dir, label, key, usage) };
  });
}
