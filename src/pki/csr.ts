// PKCS#10 certification requests (RFC 2986), as `crypto ca enroll` builds them: the subject,
// the key, a challengePassword attribute for SCEP (RFC 8894 §2.2) and requested extensions.

import type { KeyObject } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { OID, altNamesOf, subjectAltName, type AltNames, noAltNames } from './extensions.js';
import { dnText, parseDn } from './name.js';
import { PkiError, fromDer, publicKeyInfo, publicKeyOf, signingKey, toDer, usePkijs } from './pkix.js';

export interface CsrRequest {
  readonly key: KeyObject;
  readonly subject: string;
  readonly altNames?: AltNames;
  readonly challengePassword?: string;
}

export async function createCsr(request: CsrRequest): Promise<Uint8Array> {
  usePkijs();
  const csr = new pkijs.CertificationRequest();
  csr.version = 0;
  csr.subject = parseDn(request.subject);
  csr.subjectPublicKeyInfo = publicKeyInfo(request.key);
  const attributes: pkijs.Attribute[] = [];
  if (request.challengePassword !== undefined) {
    const password = request.challengePassword;
    const value = /^[A-Za-z0-9 '()+,\-./:=?]*$/.test(password)
      ? new asn1js.PrintableString({ value: password })
      : new asn1js.Utf8String({ value: password });
    attributes.push(new pkijs.Attribute({ type: OID.challengePassword, values: [value] }));
  }
  const san = subjectAltName(request.altNames ?? noAltNames);
  if (san !== undefined) {
    const extensions = new pkijs.Extensions({ extensions: [san] });
    attributes.push(new pkijs.Attribute({ type: OID.extensionRequest, values: [extensions.toSchema()] }));
  }
  if (attributes.length > 0) csr.attributes = attributes;
  await csr.sign(await signingKey(request.key), 'SHA-256');
  return toDer(csr);
}

export interface ParsedCsr {
  readonly csr: pkijs.CertificationRequest;
  readonly subject: string;
  readonly publicKey: KeyObject;
  readonly altNames: AltNames;
  readonly challengePassword: string | undefined;
}

/** Parses a PKCS#10 request and checks its self-signature; throws PkiError. */
export async function readCsr(der: Uint8Array): Promise<ParsedCsr> {
  usePkijs();
  const csr = fromDer(der, 'certification request', (schema) => new pkijs.CertificationRequest({ schema }));
  let signed: boolean;
  try {
    signed = await csr.verify();
  } catch (error) {
    throw new PkiError(`certification request: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (!signed) throw new PkiError('certification request: the signature does not verify');
  let altNames = noAltNames;
  let challengePassword: string | undefined;
  for (const attribute of csr.attributes ?? []) {
    const first = attribute.values[0];
    if (attribute.type === OID.challengePassword && first instanceof asn1js.BaseStringBlock) {
      challengePassword = first.getValue();
    }
    if (attribute.type === OID.extensionRequest && first !== undefined) {
      const extensions = new pkijs.Extensions({ schema: first });
      const san = extensions.extensions.find((ext) => ext.extnID === OID.subjectAltName);
      if (san !== undefined) altNames = altNamesOf(san);
    }
  }
  return {
    csr,
    subject: dnText(csr.subject),
    publicKey: publicKeyOf(csr.subjectPublicKeyInfo),
    altNames,
    challengePassword,
  };
}
