// The router's own RSA key pairs, kept outside the configuration as IOS keeps them in NVRAM.
// Contract (tools rely on it): `DIR/LABEL.pem` holds a general-purpose key pair; usage keys
// (`crypto key generate rsa usage-keys`) are `DIR/LABEL.sign.pem` and `DIR/LABEL.encr.pem`.
// LABEL is the IOS key label; by default `hostname.ip-domain-name`. Files are PKCS#8 PEM,
// mode 0600.

import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import {
  mkdirSync,
  readFileSync,
  readdirSync,
  statSync,
  writeFileSync,
  existsSync,
  chmodSync,
} from 'node:fs';
import { join } from 'node:path';

export const DEFAULT_KEYSTORE = '/var/lib/typeswan/keys';

export type KeyUsage = 'general' | 'sign' | 'encr';

/** IOS names a router's default key pair after its FQDN: `hostname.ip-domain-name`. */
export function defaultKeyLabel(hostname: string, domainName?: string): string {
  return domainName ? `${hostname}.${domainName}` : hostname;
}

/** A label that cannot name a key file (path separators, `..`, odd characters). */
export class KeyLabelError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KeyLabelError';
  }
}

export function keyFile(dir: string, label: string, usage: KeyUsage = 'general'): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(label) || label.includes('..'))
    throw new KeyLabelError(`key label "${label}": only letters, digits, '.', '_' and '-' are allowed`);
  return join(dir, usage === 'general' ? `${label}.pem` : `${label}.${usage}.pem`);
}

/**
 * The key pair for `usage`: usage keys when they exist, else the general-purpose pair
 * (IOS signs and decrypts with one pair unless usage keys were generated).
 */
export function readKeyPair(dir: string, label: string, usage: KeyUsage = 'general'): KeyObject | undefined {
  const candidates =
    usage === 'general' ? [keyFile(dir, label)] : [keyFile(dir, label, usage), keyFile(dir, label)];
  const file = candidates.find((f) => existsSync(f));
  if (file === undefined) return undefined;
  return createPrivateKey(readFileSync(file));
}

export function writeKeyPair(
  dir: string,
  label: string,
  key: KeyObject,
  usage: KeyUsage = 'general',
): string {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = keyFile(dir, label, usage);
  writeFileSync(file, key.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  chmodSync(file, 0o600); // an existing file keeps its mode on write
  return file;
}

/** Where `typeswan pki` keeps a label's certificate chain (PEM, own certificate first). */
export function certificateFile(dir: string, label: string): string {
  return keyFile(dir, label).replace(/\.pem$/, '.crt');
}

/** One key pair of the store, as `show crypto key mypubkey rsa` lists it. */
export interface StoredKeyPair {
  readonly label: string;
  readonly usage: KeyUsage;
  readonly publicKey: KeyObject;
  /** When the key file was written: IOS's "Key pair was generated at". */
  readonly generatedAt: Date;
}

const USAGE_ORDER: Readonly<Record<KeyUsage, number>> = { general: 0, sign: 1, encr: 2 };

/**
 * Every key pair in `dir` by label, usage keys signature first. A file that is not a private
 * key (or not readable) is skipped: the store may hold certificates (`LABEL.crt`) and more.
 */
export function listKeyPairs(dir: string): StoredKeyPair[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const pairs: StoredKeyPair[] = [];
  for (const name of names) {
    const m = /^(.+?)(?:\.(sign|encr))?\.pem$/.exec(name);
    if (!m?.[1]) continue;
    const label = m[1];
    const usage: KeyUsage = m[2] === 'sign' ? 'sign' : m[2] === 'encr' ? 'encr' : 'general';
    try {
      const file = keyFile(dir, label, usage);
      const key = createPrivateKey(readFileSync(file));
      if (key.asymmetricKeyType !== 'rsa') continue;
      pairs.push({ label, usage, publicKey: createPublicKey(key), generatedAt: statSync(file).mtime });
    } catch {
      continue;
    }
  }
  return pairs.sort((a, b) =>
    a.label === b.label ? USAGE_ORDER[a.usage] - USAGE_ORDER[b.usage] : a.label < b.label ? -1 : 1,
  );
}
