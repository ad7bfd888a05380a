// The X.509 v3 extensions typeswan writes (RFC 5280 §4.2.1): subjectAltName, basicConstraints,
// keyUsage, subjectKeyIdentifier and authorityKeyIdentifier.

import { createHash } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { addressFromText, addressToText, isAddressText } from '../packet/address.js';
import { PkiError, arrayBufferOf } from './pkix.js';

export const OID = {
  subjectAltName: '2.5.29.17',
  basicConstraints: '2.5.29.19',
  keyUsage: '2.5.29.15',
  subjectKeyIdentifier: '2.5.29.14',
  authorityKeyIdentifier: '2.5.29.35',
  crlNumber: '2.5.29.20',
  crlReason: '2.5.29.21',
  extensionRequest: '1.2.840.113549.1.9.14',
  challengePassword: '1.2.840.113549.1.9.7',
} as const;

export interface AltNames {
  readonly dns: readonly string[];
  readonly ip: readonly string[];
  readonly email: readonly string[];
}

export const noAltNames: AltNames = { dns: [], ip: [], email: [] };

/** keyUsage bits (RFC 5280 §4.2.1.3), first octet of the BIT STRING. */
export const KeyUsageBit = {
  digitalSignature: 0x80,
  nonRepudiation: 0x40,
  keyEncipherment: 0x20,
  dataEncipherment: 0x10,
  keyCertSign: 0x04,
  cRLSign: 0x02,
} as const;

function extension(extnID: string, critical: boolean, value: asn1js.AsnType): pkijs.Extension {
  return new pkijs.Extension({ extnID, critical, extnValue: value.toBER(false) });
}

export function subjectAltName(names: AltNames): pkijs.Extension | undefined {
  const generalNames = [
    ...names.dns.map((value) => {
      if (!/^[A-Za-z0-9*]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$/.test(value))
        throw new PkiError(`"${value}": not a DNS name`);
      return new pkijs.GeneralName({ type: 2, value });
    }),
    ...names.ip.map((value) => {
      if (!isAddressText(value)) throw new PkiError(`"${value}": not an IP address`);
      return new pkijs.GeneralName({
        type: 7,
        value: new asn1js.OctetString({ valueHex: arrayBufferOf(addressFromText(value)) }),
      });
    }),
    ...names.email.map((value) => {
      if (!/^[^@\s]+@[^@\s]+$/.test(value)) throw new PkiError(`"${value}": not an e-mail address`);
      return new pkijs.GeneralName({ type: 1, value });
    }),
  ];
  if (generalNames.length === 0) return undefined;
  return extension(OID.subjectAltName, false, new pkijs.GeneralNames({ names: generalNames }).toSchema());
}

/** The names of a subjectAltName extension that typeswan writes; others are skipped. */
export function altNamesOf(ext: pkijs.Extension): AltNames {
  const parsed = asn1js.fromBER(ext.extnValue.valueBlock.valueHexView);
  if (parsed.offset === -1) throw new PkiError('subjectAltName: not DER');
  const names = new pkijs.GeneralNames({ schema: parsed.result });
  const dns: string[] = [];
  const ip: string[] = [];
  const email: string[] = [];
  for (const name of names.names) {
    const value: unknown = name.value;
    if (name.type === 2 && typeof value === 'string') dns.push(value);
    if (name.type === 1 && typeof value === 'string') email.push(value);
    if (name.type === 7 && value instanceof asn1js.OctetString) {
      const bytes = new Uint8Array(value.valueBlock.valueHexView);
      if (bytes.length === 4 || bytes.length === 16) ip.push(addressToText(bytes));
    }
  }
  return { dns, ip, email };
}

export function basicConstraints(ca: boolean): pkijs.Extension {
  return extension(OID.basicConstraints, true, new pkijs.BasicConstraints({ cA: ca }).toSchema());
}

export function keyUsage(bits: number): pkijs.Extension {
  let unusedBits = 0;
  while (unusedBits < 7 && (bits & (1 << unusedBits)) === 0) unusedBits++;
  const value = new asn1js.BitString({ valueHex: Uint8Array.of(bits).buffer, unusedBits });
  return extension(OID.keyUsage, true, value);
}

/** RFC 5280 §4.2.1.2 method (1): SHA-1 of the subjectPublicKey BIT STRING's value. */
export function keyIdentifier(spki: pkijs.PublicKeyInfo): Uint8Array {
  return new Uint8Array(createHash('sha1').update(spki.subjectPublicKey.valueBlock.valueHexView).digest());
}

export function subjectKeyIdentifier(spki: pkijs.PublicKeyInfo): pkijs.Extension {
  const value = new asn1js.OctetString({ valueHex: arrayBufferOf(keyIdentifier(spki)) });
  return extension(OID.subjectKeyIdentifier, false, value);
}

export function authorityKeyIdentifier(issuerSpki: pkijs.PublicKeyInfo): pkijs.Extension {
  const keyIdentifierValue = new asn1js.OctetString({ valueHex: arrayBufferOf(keyIdentifier(issuerSpki)) });
  const aki = new pkijs.AuthorityKeyIdentifier({ keyIdentifier: keyIdentifierValue });
  return extension(OID.authorityKeyIdentifier, false, aki.toSchema());
}

/** A CA certificate's extensions (RFC 5280 §4.2.1.9, §4.2.1.3): it signs certificates and CRLs. */
export function caExtensions(spki: pkijs.PublicKeyInfo): pkijs.Extension[] {
  return [
    basicConstraints(true),
    keyUsage(KeyUsageBit.digitalSignature | KeyUsageBit.keyCertSign | KeyUsageBit.cRLSign),
    subjectKeyIdentifier(spki),
  ];
}

/** An end entity's extensions: not a CA, `usage` bits, key identifiers, its alternative names. */
export function endEntityExtensions(
  spki: pkijs.PublicKeyInfo,
  issuerSpki: pkijs.PublicKeyInfo,
  usage: number,
  names: AltNames,
): pkijs.Extension[] {
  const extensions = [
    basicConstraints(false),
    keyUsage(usage),
    subjectKeyIdentifier(spki),
    authorityKeyIdentifier(issuerSpki),
  ];
  const san = subjectAltName(names);
  if (san !== undefined) extensions.push(san);
  return extensions;
}
