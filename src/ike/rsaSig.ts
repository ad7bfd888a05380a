// RSA-signature authentication (RFC 2409 §5.1, IKEv1 method 3):
//   SKEYID = prf(Ni_b | Nr_b, g^xy)
//   MM: HDR, KE, Ni [, CR] / HDR, KE, Nr [, CR] / HDR*, IDii, [CERT,] SIG_I / HDR*, IDir, [CERT,] SIG_R
//   AM: HDR, SA, KE, Ni, IDii [, CR] / HDR, SA, KE, Nr, IDir, [CERT,] SIG_R [, CR] / HDR, [CERT,] SIG_I
// SIG_I/SIG_R is HASH_I/HASH_R under the signing key (rsa.ts). The peer's certificate must chain
// to one of our trust points (RFC 5280, pathValidation.ts), be valid now, not be revoked (a CRL
// from its distribution point unless `crl optional`) and carry the identity its ID payload claims.
// Refusals carry the notify RFC 2408 §3.14.1 names for them.

import type { KeyObject } from 'node:crypto';
import * as pkijs from 'pkijs';
import {
  CertificateError,
  parseCertificate,
  rsaSignIkev1,
  rsaVerifyIkev1,
  validatePath,
  type ParsedCertificate,
  type PathFailureCode,
} from '../crypto/index.js';
import { ipv4ToText } from '../packet/address.js';
import {
  CertEncoding,
  IdType,
  IkeAuthMethod,
  PayloadType,
  payloadsOfType,
  findPayload,
  type IdPayload,
  type Payload,
} from '../wire/index.js';
import type { Authenticator, Verdict } from './authenticator.js';
import { NotifyType } from './constants.js';
import type { IkeEvent } from './events.js';
import { skeyidSig } from './keys.js';
import type { CertifiedKeys } from './certifiedKeys.js';
import { sameBytes, trustPointNamed, type TrustPointCredentials } from './trustStore.js';

/** A CRL by URL, fetched by whoever does I/O (the gateway); the engine only asks. */
export type CrlLookup =
  | { readonly state: 'ready'; readonly der: Uint8Array }
  | { readonly state: 'pending' }
  | { readonly state: 'failed'; readonly reason: string };

export interface CrlSource {
  lookup(url: string): CrlLookup;
}

/** What the engine is given for certificates (IkeManagerOptions.pki). */
export interface PkiOptions {
  /** Private signing keys by trust point name (the key store's LABEL.sign.pem or LABEL.pem). */
  readonly signingKeys: ReadonlyMap<string, KeyObject>;
  /** Wall-clock milliseconds for certificate validity (the engine's own clock may be virtual). */
  readonly now: () => number;
  readonly crls?: CrlSource;
}

export interface SigContext {
  readonly points: readonly TrustPointCredentials[];
  readonly pki: PkiOptions;
  /** Where a validated peer certificate's key is kept for encrypted nonces (code C). */
  readonly certified?: CertifiedKeys;
  emit(e: IkeEvent): void;
}

/** The phase-1 message is held: the CRL it needs is being fetched (the peer will retransmit). */
export class Phase1Pending extends Error {}

const MAX_CERTS = 8;

const PATH_NOTIFY: Readonly<Record<PathFailureCode, number>> = {
  malformed: NotifyType.INVALID_CERT_ENCODING,
  untrusted: NotifyType.INVALID_CERT_AUTHORITY,
  expired: NotifyType.INVALID_CERTIFICATE,
  revoked: NotifyType.INVALID_CERTIFICATE,
  'no-crl': NotifyType.INVALID_CERTIFICATE,
  'not-ca': NotifyType.INVALID_CERTIFICATE,
  'key-usage': NotifyType.INVALID_CERTIFICATE,
  'path-length': NotifyType.INVALID_CERTIFICATE,
  invalid: NotifyType.INVALID_CERTIFICATE,
};

/** Our CERTREQ payloads: one per trust point CA (RFC 2408 §3.10, encoding 4 with the CA's DN). */
export function certRequests(points: readonly TrustPointCredentials[]): Payload[] {
  return points.flatMap((p) =>
    p.cas.map((ca) => ({
      type: PayloadType.CR,
      encoding: CertEncoding.X509_SIGNATURE,
      authority: ca.subjectDer,
    })),
  );
}

/** The authorities the peer's CERTREQ payloads name ([] of bytes = any CA). */
export function takeCertRequests(payloads: readonly Payload[]): Uint8Array[] {
  return payloadsOfType(payloads, PayloadType.CR)
    .filter((c) => c.encoding === CertEncoding.X509_SIGNATURE)
    .map((c) => c.authority.slice());
}

/** Our credential: under a trust point the peer asked for, else the first one we have. */
export function ownCredential(
  points: readonly TrustPointCredentials[],
  requested: readonly Uint8Array[],
): TrustPointCredentials | undefined {
  for (const a of requested) {
    const tp = trustPointNamed(points, a);
    if (tp?.own) return tp;
  }
  return points.find((p) => p.own !== undefined);
}

function selfSigned(c: ParsedCertificate): boolean {
  return sameBytes(c.subjectDer, c.issuerDer);
}

/**
 * CERT payloads: our certificate, and the CA certificates between it and the root when the
 * peer asked for a CA other than our certificate's issuer (or for any CA).
 */
function ourCertificates(tp: TrustPointCredentials, requested: readonly Uint8Array[]): Payload[] {
  const own = tp.own;
  if (!own) return [];
  const certs = [own.cert];
  const askedElsewhere = requested.some((a) => a.length === 0 || !sameBytes(a, own.cert.issuerDer));
  if (askedElsewhere) certs.push(...tp.cas.filter((c) => !selfSigned(c)));
  return certs.map((c) => ({ type: PayloadType.CERT, encoding: CertEncoding.X509_SIGNATURE, data: c.der }));
}

function dnEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (sameBytes(a, b)) return true;
  try {
    // RFC 5280 §7.1 comparison (case and string type), as pkijs implements it.
    return pkijs.RelativeDistinguishedNames.fromBER(new Uint8Array(a).buffer).isEqual(
      pkijs.RelativeDistinguishedNames.fromBER(new Uint8Array(b).buffer),
    );
  } catch {
    return false;
  }
}

/** The certificate carries the identity the ID payload claims (subject or subjectAltName). */
export function identityMatches(id: IdPayload, cert: ParsedCertificate): boolean {
  const text = Buffer.from(id.data).toString('utf8');
  switch (id.idType) {
    case IdType.IPV4_ADDR:
      return id.data.length === 4 && cert.ipAddresses.includes(ipv4ToText(id.data));
    case IdType.FQDN:
      return cert.dnsNames.some((n) => n.toLowerCase() === text.toLowerCase());
    case IdType.USER_FQDN:
      return cert.emails.some((n) => n.toLowerCase() === text.toLowerCase());
    case IdType.DER_ASN1_DN:
      return dnEqual(id.data, cert.subjectDer);
    default:
      return false;
  }
}

export function describeIdentity(id: IdPayload): string {
  if (id.idType === IdType.IPV4_ADDR && id.data.length === 4) return ipv4ToText(id.data);
  if (id.idType === IdType.DER_ASN1_DN) return `DN ${Buffer.from(id.data).toString('hex').slice(0, 40)}...`;
  return Buffer.from(id.data).toString('utf8');
}

interface PeerCertificates {
  readonly leaf: ParsedCertificate;
  readonly others: readonly ParsedCertificate[];
}

export type Refusal = { readonly notify: number; readonly reason: string };

function peerCertificates(payloads: readonly Payload[]): PeerCertificates | Refusal {
  const certs = payloadsOfType(payloads, PayloadType.CERT);
  const x509 = certs.filter((c) => c.encoding === CertEncoding.X509_SIGNATURE).slice(0, MAX_CERTS);
  if (x509.length === 0)
    return certs.length > 0
      ? {
          notify: NotifyType.CERT_TYPE_UNSUPPORTED,
          reason: `certificate encoding ${certs[0]?.encoding ?? 0} is not X.509`,
        }
      : { notify: NotifyType.CERTIFICATE_UNAVAILABLE, reason: 'the peer sent no certificate' };
  const parsed: ParsedCertificate[] = [];
  for (const c of x509) {
    try {
      parsed.push(parseCertificate(c.data));
    } catch (e) {
      if (!(e instanceof CertificateError)) throw e;
      return {
        notify: NotifyType.INVALID_CERT_ENCODING,
        reason: `certificate does not decode: ${e.message}`,
      };
    }
  }
  const leaf = parsed.find((c) => !c.isCa) ?? parsed[0];
  if (!leaf) return { notify: NotifyType.CERTIFICATE_UNAVAILABLE, reason: 'the peer sent no certificate' };
  return { leaf, others: parsed.filter((c) => c !== leaf) };
}

/** The trust point whose CA issued `leaf` (the first one when an intermediate sits between). */
function issuingPoint(
  points: readonly TrustPointCredentials[],
  leaf: ParsedCertificate,
): TrustPointCredentials | undefined {
  return trustPointNamed(points, leaf.issuerDer) ?? points[0];
}

type CrlNeed =
  | { readonly kind: 'none'; readonly warning?: string }
  | { readonly kind: 'ready'; readonly der: Uint8Array }
  | { readonly kind: 'pending'; readonly url: string }
  | { readonly kind: 'failed'; readonly reason: string };

function crlNeed(ctx: SigContext, leaf: ParsedCertificate): CrlNeed {
  const tp = issuingPoint(ctx.points, leaf);
  if (!tp || tp.crlOptional) return { kind: 'none' };
  const url = leaf.crlUrls[0];
  // IOS accepts a certificate without a CRL to check "with warning".
  if (url === undefined) return { kind: 'none', warning: 'no CRL distribution point' };
  if (!ctx.pki.crls) return { kind: 'failed', reason: `no CRL fetching here for ${url}` };
  const r = ctx.pki.crls.lookup(url);
  if (r.state === 'ready') return { kind: 'ready', der: r.der };
  if (r.state === 'pending') return { kind: 'pending', url };
  return { kind: 'failed', reason: `CRL ${url}: ${r.reason}` };
}

/**
 * Before a phase-1 message with certificates changes any state: throws Phase1Pending when the
 * CRL its certificate needs is still being fetched.
 */
export function awaitCrl(ctx: SigContext | undefined, payloads: readonly Payload[]): void {
  if (!ctx || findPayload(payloads, PayloadType.CERT) === undefined) return;
  const certs = peerCertificates(payloads);
  if (!('leaf' in certs)) return;
  const need = crlNeed(ctx, certs.leaf);
  if (need.kind === 'pending') throw new Phase1Pending(`waiting for the CRL from ${need.url}`);
}

/**
 * The peer's certificate from its CERT payloads, checked: it chains to a trust point (RFC 5280,
 * with a CRL unless `crl optional`), is valid now, allows `purpose` and carries the identity of
 * `id`. A refusal is reported (certRefused) and carries the notify RFC 2408 §3.14.1 names.
 */
export function checkPeerCertificate(
  ctx: SigContext,
  connId: number,
  peer: string,
  payloads: readonly Payload[],
  id: IdPayload | undefined,
  purpose: 'signature' | 'encryption',
): { readonly leaf: ParsedCertificate } | Refusal {
  const refuse = (notify: number, reason: string): Refusal => {
    ctx.emit({ type: 'certRefused', connId, peer, reason });
    return { notify, reason };
  };
  const certs = peerCertificates(payloads);
  if (!('leaf' in certs)) return refuse(certs.notify, certs.reason);
  const { leaf, others } = certs;
  const need = crlNeed(ctx, leaf);
  if (need.kind === 'failed') return refuse(NotifyType.INVALID_CERTIFICATE, need.reason);
  if (need.kind === 'pending')
    return refuse(NotifyType.INVALID_CERTIFICATE, `CRL ${need.url} not fetched yet`);
  const path = validatePath({
    leaf: leaf.der,
    intermediates: others.map((c) => c.der),
    anchors: ctx.points.flatMap((p) => p.cas.map((c) => c.der)),
    crls: need.kind === 'ready' ? [need.der] : [],
    now: ctx.pki.now(),
    crlRequired: need.kind === 'ready',
    purpose,
  });
  if (!path.ok) return refuse(PATH_NOTIFY[path.code], `certificate "${leaf.subject}": ${path.reason}`);
  if (!id) return refuse(NotifyType.INVALID_ID_INFORMATION, 'no ID payload');
  if (!identityMatches(id, leaf))
    return refuse(
      NotifyType.INVALID_ID_INFORMATION,
      `ID ${describeIdentity(id)} is neither the subject nor a subjectAltName of "${leaf.subject}"`,
    );
  ctx.emit({
    type: 'certApproved',
    connId,
    subject: leaf.subject,
    ...(need.kind === 'none' && need.warning ? { warning: need.warning } : {}),
  });
  return { leaf };
}

export interface SigAuthenticatorInput {
  readonly ctx: SigContext;
  readonly connId: number;
  readonly peer: string;
  /** The authorities of the peer's CERTREQ payloads. */
  readonly requested: readonly Uint8Array[];
  /** The peer's ID payload once it has arrived. */
  readonly peerIdentity: () => IdPayload | undefined;
}

export function sigAuthenticator(input: SigAuthenticatorInput): Authenticator | Refusal {
  const { ctx, connId, peer } = input;
  const tp = ownCredential(ctx.points, input.requested);
  const own = tp?.own;
  if (!tp || !own)
    return {
      notify: NotifyType.AUTHENTICATION_FAILED,
      reason: 'rsa-sig: no router certificate whose key is in the key store under any trust point',
    };
  const refuse = (notify: number, reason: string): Refusal => {
    ctx.emit({ type: 'certRefused', connId, peer, reason });
    return { notify, reason };
  };
  return {
    method: IkeAuthMethod.RSA_SIGNATURES,
    description: 'RSA signature',
    ownSubject: own.cert.subjectDer,
    skeyid: (i) => skeyidSig(i.hash, i.ni, i.nr, i.gxy),
    prove(hash) {
      ctx.emit({ type: 'rsa', connId, operation: 'sign' });
      return [
        ...ourCertificates(tp, input.requested),
        { type: PayloadType.SIG, data: rsaSignIkev1(own.key, hash) },
      ];
    },
    verify(payloads, expected): Verdict {
      for (const _ of payloadsOfType(payloads, PayloadType.CERT))
        ctx.emit({ type: 'processing', connId, payload: 'CERT', messageId: 0 });
      const checked = checkPeerCertificate(ctx, connId, peer, payloads, input.peerIdentity(), 'signature');
      if (!('leaf' in checked)) return checked;
      const { leaf } = checked;
      const sig = findPayload(payloads, PayloadType.SIG);
      if (!sig) return refuse(NotifyType.PAYLOAD_MALFORMED, 'SIG payload missing');
      ctx.emit({ type: 'processing', connId, payload: 'SIG', messageId: 0 });
      ctx.emit({ type: 'rsa', connId, operation: 'verify' });
      if (!rsaVerifyIkev1(leaf.publicKey, expected, sig.data))
        return refuse(NotifyType.INVALID_SIGNATURE, `SIG does not verify with the key of "${leaf.subject}"`);
      ctx.certified?.remember(peer, input.peerIdentity(), leaf);
      return 'ok';
    },
  };
}
