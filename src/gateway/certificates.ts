// What RSA-signature authentication needs from this host: each trust point's signing key from
// the key store (`rsakeypair LABEL`, else IOS's default label hostname.ip-domain-name; usage
// keys' LABEL.sign.pem before LABEL.pem), and CRLs fetched over HTTP from the distribution
// point a peer's certificate names, cached until their nextUpdate. The IKE engine only asks;
// a CRL not yet here holds the message, and the peer's retransmission finds it cached.

import type { KeyObject } from 'node:crypto';
import { X509Crl } from './x509Crl.js';
import type { CrlLookup, CrlSource, PkiOptions } from '../ike/rsaSig.js';
import { defaultKeyLabel, keyFile, readKeyPair } from '../pki/keystore.js';
import type { RouterConfig } from '../policy/model.js';

export interface SigningKeys {
  readonly keys: Map<string, KeyObject>;
  /** One line per trust point without a key, for start's warnings. */
  readonly missing: string[];
}

/** The key store's signing key of every trust point. */
export function loadSigningKeys(config: RouterConfig, dir: string): SigningKeys {
  const keys = new Map<string, KeyObject>();
  const missing: string[] = [];
  for (const tp of config.trustpoints) {
    const label = tp.rsakeypair ?? defaultKeyLabel(config.hostname, config.domainName);
    let key: KeyObject | undefined;
    try {
      key = readKeyPair(dir, label, 'sign');
    } catch (e) {
      missing.push(
        `trust point ${tp.name}: key ${label} in ${dir}: ${e instanceof Error ? e.message : String(e)}`,
      );
      continue;
    }
    if (key) keys.set(tp.name, key);
    else missing.push(`trust point ${tp.name}: no key pair ${keyFile(dir, label)} (or ${label}.sign.pem)`);
  }
  return { keys, missing };
}

/**
 * The key pairs a peer's encrypted nonces may be encrypted to (rsa-encr), the first tried
 * first: the labels the trust points name (`rsakeypair LABEL`, in configuration order), then
 * IOS's default label hostname.ip-domain-name; for each, the usage keys' LABEL.encr.pem, then
 * the general-purpose LABEL.pem. Empty (with why) when none is there.
 */
export function loadDecryptionKeys(
  config: RouterConfig,
  dir: string,
): { keys: KeyObject[]; missing: string[] } {
  const fallback = defaultKeyLabel(config.hostname, config.domainName);
  const labels = [
    ...new Set([...config.trustpoints.flatMap((tp) => (tp.rsakeypair ? [tp.rsakeypair] : [])), fallback]),
  ];
  const keys: KeyObject[] = [];
  const missing: string[] = [];
  for (const label of labels)
    for (const usage of ['encr', 'general'] as const) {
      try {
        const key = readKeyPair(dir, label, usage);
        if (key && !keys.some((k) => k.equals(key))) keys.push(key);
      } catch (e) {
        missing.push(`key ${keyFile(dir, label, usage)}: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
  if (keys.length === 0 && missing.length === 0)
    missing.push(
      labels.map((label) => `no key pair ${keyFile(dir, label)} (or ${label}.encr.pem)`).join('; '),
    );
  return { keys, missing };
}

/** What `start` reads from the key store, and a reload reads again. */
export interface KeyMaterial {
  readonly signingKeys: ReadonlyMap<string, KeyObject>;
  readonly decryptionKeys: readonly KeyObject[];
}

const MAX_CRL_BYTES = 4 * 1024 * 1024;
const FETCH_TIMEOUT_MS = 10_000;
/** A failed fetch is retried after this long; a CRL without nextUpdate is kept this long. */
const RETRY_MS = 30_000;
const DEFAULT_KEEP_MS = 3600_000;

type Entry =
  | { readonly state: 'pending' }
  | { readonly state: 'ready'; readonly der: Uint8Array; readonly until: number }
  | { readonly state: 'failed'; readonly reason: string; readonly until: number };

export type Fetcher = (url: string, signal: AbortSignal) => Promise<Uint8Array>;

async function httpFetch(url: string, signal: AbortSignal): Promise<Uint8Array> {
  const response = await fetch(url, { signal, redirect: 'follow' });
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  const body = new Uint8Array(await response.arrayBuffer());
  if (body.length > MAX_CRL_BYTES) throw new Error(`CRL larger than ${MAX_CRL_BYTES} bytes`);
  return body;
}

/** CRLs by URL: the first lookup starts the fetch and answers pending. */
export class CrlCache implements CrlSource {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly now: () => number = Date.now,
    private readonly fetcher: Fetcher = httpFetch,
    private readonly onFetched: (url: string, outcome: string) => void = () => undefined,
  ) {}

  lookup(url: string): CrlLookup {
    const e = this.entries.get(url);
    if (e?.state === 'pending') return e;
    if (e && this.now() < e.until) return e.state === 'ready' ? { state: 'ready', der: e.der } : e;
    this.start(url);
    return { state: 'pending' };
  }

  private start(url: string): void {
    this.entries.set(url, { state: 'pending' });
    const signal = AbortSignal.timeout(FETCH_TIMEOUT_MS);
    this.fetcher(url, signal)
      .then((body) => {
        const crl = X509Crl.read(body);
        const until = crl.nextUpdate ?? this.now() + DEFAULT_KEEP_MS;
        this.entries.set(url, { state: 'ready', der: crl.der, until });
        this.onFetched(url, `fetched, ${crl.revoked} revoked, valid until ${new Date(until).toISOString()}`);
      })
      .catch((error: unknown) => {
        const reason = error instanceof Error ? error.message : String(error);
        this.entries.set(url, { state: 'failed', reason, until: this.now() + RETRY_MS });
        this.onFetched(url, `failed: ${reason}`);
      });
  }
}

export type { PkiOptions };

export function pkiOptions(keys: SigningKeys, crls: CrlSource): PkiOptions {
  return { signingKeys: keys.keys, now: Date.now, crls };
}
