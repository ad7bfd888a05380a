// The certificates RSA-signature authentication works with, read once per configuration: each
// trust point's CA certificates (`certificate ca` blocks of `crypto ca certificate chain N`),
// and, where the key store holds its signing key, the router certificate for that key (with
// usage keys the chain holds two router certificates; the one whose public key is the signing
// key's is ours for SIG).

import { createPublicKey, type KeyObject } from 'node:crypto';
import { CertificateError, parseCertificate, type ParsedCertificate } from '../crypto/index.js';
import type { RouterConfig } from '../policy/model.js';

export interface TrustPointCredentials {
  readonly name: string;
  readonly cas: readonly ParsedCertificate[];
  /** `crl optional` (or `revocation-check none`): no CRL is needed. */
  readonly crlOptional: boolean;
  /** Our certificate and signing key under this trust point, when both exist. */
  readonly own?: { readonly cert: ParsedCertificate; readonly key: KeyObject };
}

function parsed(hex: string | undefined): ParsedCertificate | undefined {
  if (hex === undefined) return undefined;
  try {
    return parseCertificate(Buffer.from(hex, 'hex'));
  } catch (e) {
    if (e instanceof CertificateError) return undefined; // the parser warned about it already
    throw e;
  }
}

function spki(key: KeyObject): string {
  const pub = key.type === 'public' ? key : createPublicKey(key);
  return pub.export({ type: 'spki', format: 'der' }).toString('hex');
}

/** Trust points in configuration order; `signingKeys` by trust point name. */
export function trustStore(
  config: RouterConfig,
  signingKeys: ReadonlyMap<string, KeyObject>,
): TrustPointCredentials[] {
  return config.trustpoints.map((tp) => {
    const blocks = config.certificates.filter((c) => c.trustpoint === tp.name);
    const cas = blocks.filter((b) => b.role === 'ca').flatMap((b) => parsed(b.der) ?? []);
    const key = signingKeys.get(tp.name);
    let own: TrustPointCredentials['own'];
    if (key) {
      const want = spki(key);
      const cert = blocks
        .filter((b) => b.role === 'router')
        .flatMap((b) => parsed(b.der) ?? [])
        .find((c) => spki(c.publicKey) === want);
      if (cert) own = { cert, key };
    }
    return { name: tp.name, cas, crlOptional: tp.crlOptional === true, ...(own ? { own } : {}) };
  });
}

export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** The trust point a CERTREQ authority (a CA's subject DN) names, if any. */
export function trustPointNamed(
  points: readonly TrustPointCredentials[],
  authority: Uint8Array,
): TrustPointCredentials | undefined {
  return points.find((p) => p.cas.some((ca) => sameBytes(ca.subjectDer, authority)));
}
