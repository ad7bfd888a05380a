// Building and signing an X.509 v3 certificate (RFC 5280 §4.1) with SHA-256 and RSA.

import { sign, type KeyObject } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { toDer } from './pkix.js';

export function time(date: Date): pkijs.Time {
  // RFC 5280 §4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050.
  return new pkijs.Time({ type: date.getUTCFullYear() < 2050 ? 0 : 1, value: date });
}

export interface CertificateFields {
  readonly serialNumber: asn1js.Integer;
  readonly issuer: pkijs.RelativeDistinguishedNames;
  readonly subject: pkijs.RelativeDistinguishedNames;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly subjectPublicKeyInfo: pkijs.PublicKeyInfo;
  readonly extensions: readonly pkijs.Extension[];
}

/** sha256WithRSAEncryption (RFC 4055 §5), its parameters NULL. */
const SHA256_WITH_RSA = '1.2.840.113549.1.1.11';

/**
 * Signs with Node's RSASSA-PKCS1-v1_5 over the TBSCertificate DER: synchronous, so the in-process
 * lab can make its CA and certificates at start.
 */
export function signCertificateSync(
  fields: CertificateFields,
  issuerKey: KeyObject,
): { certificate: pkijs.Certificate; der: Uint8Array } {
  const algorithm = new pkijs.AlgorithmIdentifier({
    algorithmId: SHA256_WITH_RSA,
    algorithmParams: new asn1js.Null(),
  });
  const certificate = new pkijs.Certificate({
    version: 2,
    serialNumber: fields.serialNumber,
    issuer: fields.issuer,
    subject: fields.subject,
    notBefore: time(fields.notBefore),
    notAfter: time(fields.notAfter),
    subjectPublicKeyInfo: fields.subjectPublicKeyInfo,
    signature: algorithm,
    signatureAlgorithm: algorithm,
    ...(fields.extensions.length > 0 ? { extensions: [...fields.extensions] } : {}),
  });
  certificate.tbsView = new Uint8Array(certificate.encodeTBS().toBER());
  certificate.signatureValue = new asn1js.BitString({
    valueHex: sign('sha256', certificate.tbsView, issuerKey),
  });
  return { certificate, der: toDer(certificate) };
}

export function signCertificate(
  fields: CertificateFields,
  issuerKey: KeyObject,
): Promise<{ certificate: pkijs.Certificate; der: Uint8Array }> {
  return Promise.resolve(signCertificateSync(fields, issuerKey));
}
