// Building and signing an X.509 v3 certificate (RFC 5280 §4.1) with SHA-256 and RSA.

import type { KeyObject } from 'node:crypto';
import type * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { signingKey, toDer } from './pkix.js';

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

export async function signCertificate(
  fields: CertificateFields,
  issuerKey: KeyObject,
): Promise<{ certificate: pkijs.Certificate; der: Uint8Array }> {
  const certificate = new pkijs.Certificate({
    version: 2,
    serialNumber: fields.serialNumber,
    issuer: fields.issuer,
    subject: fields.subject,
    notBefore: time(fields.notBefore),
    notAfter: time(fields.notAfter),
    subjectPublicKeyInfo: fields.subjectPublicKeyInfo,
    ...(fields.extensions.length > 0 ? { extensions: [...fields.extensions] } : {}),
  });
  await certificate.sign(await signingKey(issuerKey), 'SHA-256');
  return { certificate, der: toDer(certificate) };
}
