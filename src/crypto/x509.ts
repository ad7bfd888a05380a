// X.509 certificates for IKEv1 RSA authentication: parsing with node's X509Certificate, the
// raw subject/issuer Names (for ID_DER_ASN1_DN, RFC 2407 §4.6.2.1, and CERTREQ authorities)
// from a bounds-checked DER walk, and the CRL distribution points (pkijs's parser). Path
// validation is pathValidation.ts (pkijs), not here.

import { type KeyObject, X509Certificate } from 'node:crypto';
import * as pkijs from 'pkijs';

export class CertificateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CertificateError';
  }
}

export interface ParsedCertificate {
  readonly der: Uint8Array;
  readonly x509: X509Certificate;
  /** DER of the subject Name (a SEQUENCE), as an ID_DER_ASN1_DN payload carries it. */
  readonly subjectDer: Uint8Array;
  readonly issuerDer: Uint8Array;
  readonly subject: string;
  readonly issuer: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly publicKey: KeyObject;
  /** dNSName entries of subjectAltName (for ID_FQDN checks). */
  readonly dnsNames: readonly string[];
  /** IP address entries of subjectAltName (for ID_IPV4_ADDR checks). */
  readonly ipAddresses: readonly string[];
  /** rfc822Name entries of subjectAltName (for ID_USER_FQDN checks). */
  readonly emails: readonly string[];
  readonly isCa: boolean;
  /** http(s) URLs of the CRL distribution points (RFC 5280 §4.2.1.13). */
  readonly crlUrls: readonly string[];
  readonly serialHex: string;
}

interface Tlv {
  readonly tag: number;
  readonly start: number; // of the whole TLV
  readonly contentStart: number;
  readonly end: number;
}

function readTlv(der: Uint8Array, at: number, limit: number): Tlv {
  if (at + 2 > limit) throw new CertificateError(`DER truncated at ${at}`);
  const tag = der[at] ?? 0;
  if ((tag & 0x1f) === 0x1f) throw new CertificateError(`multi-byte DER tag at ${at}`);
  let lengthByte = der[at + 1] ?? 0;
  let p = at + 2;
  let length = lengthByte;
  if (lengthByte & 0x80) {
    lengthByte &= 0x7f;
    if (lengthByte === 0 || lengthByte > 4) throw new CertificateError(`bad DER length at ${at}`);
    if (p + lengthByte > limit) throw new CertificateError(`DER truncated at ${p}`);
    length = 0;
    for (let i = 0; i < lengthByte; i++) length = length * 256 + (der[p + i] ?? 0);
    p += lengthByte;
  }
  if (p + length > limit) throw new CertificateError(`DER element at ${at} runs past its parent`);
  return { tag, start: at, contentStart: p, end: p + length };
}

/** TBSCertificate: [0] version?, serialNumber, signature, issuer, validity, subject, ... */
function namesOf(der: Uint8Array): { issuer: Uint8Array; subject: Uint8Array } {
  const cert = readTlv(der, 0, der.length);
  if (cert.tag !== 0x30) throw new CertificateError('certificate is not a SEQUENCE');
  const tbs = readTlv(der, cert.contentStart, cert.end);
  if (tbs.tag !== 0x30) throw new CertificateError('tbsCertificate is not a SEQUENCE');
  let field = readTlv(der, tbs.contentStart, tbs.end);
  if (field.tag === 0xa0) field = readTlv(der, field.end, tbs.end); // version
  const signature = readTlv(der, field.end, tbs.end); // field was serialNumber
  const issuer = readTlv(der, signature.end, tbs.end);
  const validity = readTlv(der, issuer.end, tbs.end);
  const subject = readTlv(der, validity.end, tbs.end);
  if (issuer.tag !== 0x30 || subject.tag !== 0x30) throw new CertificateError('Name is not a SEQUENCE');
  return { issuer: der.slice(issuer.start, issuer.end), subject: der.slice(subject.start, subject.end) };
}

function altNames(x509: X509Certificate, prefix: string): string[] {
  const san = x509.subjectAltName;
  if (san === undefined) return [];
  return san
    .split(', ')
    .filter((entry) => entry.startsWith(prefix))
    .map((entry) => entry.slice(prefix.length));
}

/** Parses a DER certificate (as a CERT payload carries it, encoding 4); throws CertificateError. */
export function parseCertificate(der: Uint8Array): ParsedCertificate {
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(der);
  } catch {
    throw new CertificateError('not a parsable X.509 certificate');
  }
  const copy = new Uint8Array(x509.raw);
  const names = namesOf(copy);
  // OpenSSL reads the SubjectPublicKeyInfo only when asked: a damaged one throws a plain Error.
  let publicKey: KeyObject;
  try {
    publicKey = x509.publicKey;
  } catch {
    throw new CertificateError('certificate public key does not decode');
  }
  return {
    der: copy,
    x509,
    subjectDer: names.subject,
    issuerDer: names.issuer,
    // OpenSSL prints one RDN a line; a log line wants them on one.
    subject: x509.subject.split('\n').join(', '),
    issuer: x509.issuer.split('\n').join(', '),
    notBefore: new Date(x509.validFrom),
    notAfter: new Date(x509.validTo),
    publicKey,
    dnsNames: altNames(x509, 'DNS:'),
    ipAddresses: altNames(x509, 'IP Address:'),
    emails: altNames(x509, 'email:'),
    isCa: x509.ca,
    crlUrls: crlUrlsOf(copy),
    serialHex: x509.serialNumber.toLowerCase(),
  };
}

const CRL_DISTRIBUTION_POINTS = '2.5.29.31';
const URI_NAME = 6;

/** fullName URIs of the cRLDistributionPoints extension; [] when absent or unreadable. */
function crlUrlsOf(der: Uint8Array): string[] {
  let cert: pkijs.Certificate;
  try {
    cert = pkijs.Certificate.fromBER(new Uint8Array(der).buffer);
  } catch {
    return [];
  }
  const parsed: unknown = cert.extensions?.find((e) => e.extnID === CRL_DISTRIBUTION_POINTS)?.parsedValue;
  if (!(parsed instanceof pkijs.CRLDistributionPoints)) return [];
  const urls: string[] = [];
  for (const point of parsed.distributionPoints) {
    const name = point.distributionPoint;
    if (!Array.isArray(name)) continue;
    for (const g of name)
      if (g.type === URI_NAME && typeof g.value === 'string' && /^https?:\/\//i.test(g.value))
        urls.push(g.value);
  }
  return urls;
}
