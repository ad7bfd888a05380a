// Distinguished names as an operator types them, IOS `subject-name` style:
// `CN=vpn1.example.com,OU=VPN,O=Example,C=US` (RFC 4514 order and `\,` escapes), or OpenSSL's
// `/C=US/O=Example/CN=vpn1`. IOS adds the router's name as unstructuredName and its address as
// unstructuredAddress (PKCS#9), so both are accepted too.

import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { PkiError, fromDer } from './pkix.js';

type StringKind = 'printable' | 'ia5' | 'utf8';

interface AttributeType {
  readonly oid: string;
  readonly kind: StringKind;
}

function ofKind(kind: StringKind, oids: Record<string, string>): [string, AttributeType][] {
  return Object.entries(oids).map(([name, oid]) => [name, { oid, kind }]);
}

// X.520 names (RFC 4519) and PKCS#9 (RFC 2985), by the string type each is written as.
const ATTRIBUTES: Readonly<Record<string, AttributeType>> = Object.fromEntries([
  ...ofKind('printable', {
    C: '2.5.4.6',
    SERIALNUMBER: '2.5.4.5',
    UNSTRUCTUREDADDRESS: '1.2.840.113549.1.9.8',
  }),
  ...ofKind('utf8', { ST: '2.5.4.8', L: '2.5.4.7', O: '2.5.4.10', OU: '2.5.4.11', CN: '2.5.4.3' }),
  ...ofKind('ia5', {
    DC: '0.9.2342.19200300.100.1.25',
    E: '1.2.840.113549.1.9.1',
    EMAILADDRESS: '1.2.840.113549.1.9.1',
    UNSTRUCTUREDNAME: '1.2.840.113549.1.9.2',
  }),
]);

const PRINTABLE = /^[A-Za-z0-9 '()+,\-./:=?]*$/;

function splitRdns(text: string): string[] {
  if (text.startsWith('/')) return text.slice(1).split('/').reverse();
  const parts: string[] = [];
  let current = '';
  for (let i = 0; i < text.length; i++) {
    const char = text[i] ?? '';
    if (char === '\\' && i + 1 < text.length) {
      current += text[++i] ?? '';
    } else if (char === ',') {
      parts.push(current);
      current = '';
    } else {
      current += char;
    }
  }
  parts.push(current);
  return parts;
}

function stringValue(kind: StringKind, value: string): asn1js.BaseStringBlock {
  if (kind === 'printable') {
    if (!PRINTABLE.test(value)) throw new PkiError(`"${value}": not a PrintableString`);
    return new asn1js.PrintableString({ value });
  }
  if (kind === 'ia5') {
    if (!/^[\x20-\x7e]*$/.test(value)) throw new PkiError(`"${value}": not an IA5String`);
    return new asn1js.IA5String({ value });
  }
  return new asn1js.Utf8String({ value });
}

/**
 * Parses a DN. Text is in RFC 4514 order (most specific first, as IOS and `openssl -nameopt
 * RFC2253` print it); the Name is encoded root first, as X.509 stores it.
 */
export function parseDn(text: string): pkijs.RelativeDistinguishedNames {
  const trimmed = text.trim();
  if (trimmed === '') throw new PkiError('empty distinguished name');
  const rdns = splitRdns(trimmed).reverse();
  const typesAndValues = rdns.map((rdn) => {
    const equals = rdn.indexOf('=');
    if (equals <= 0) throw new PkiError(`"${rdn.trim()}": expected TYPE=value`);
    const type = rdn.slice(0, equals).trim().toUpperCase();
    const value = rdn.slice(equals + 1).trim();
    const attribute = ATTRIBUTES[type];
    if (attribute === undefined)
      throw new PkiError(`"${type}": unknown attribute (${Object.keys(ATTRIBUTES).join(', ')})`);
    if (value === '') throw new PkiError(`${type}: empty value`);
    if (type === 'C' && !/^[A-Za-z]{2}$/.test(value)) throw new PkiError(`C=${value}: two letters expected`);
    return new pkijs.AttributeTypeAndValue({
      type: attribute.oid,
      value: stringValue(attribute.kind, value),
    });
  });
  // One AttributeTypeAndValue per RDN SET; pkijs would put them all in a single SET.
  const name = new asn1js.Sequence({
    value: typesAndValues.map((atv) => new asn1js.Set({ value: [atv.toSchema()] })),
  });
  return fromDer(
    new Uint8Array(name.toBER(false)),
    'distinguished name',
    (schema) => new pkijs.RelativeDistinguishedNames({ schema }),
  );
}

const DISPLAY: Readonly<Record<string, string>> = {
  SERIALNUMBER: 'serialNumber',
  UNSTRUCTUREDNAME: 'unstructuredName',
  UNSTRUCTUREDADDRESS: 'unstructuredAddress',
};

const NAMES = new Map<string, string>(
  Object.entries(ATTRIBUTES)
    .filter(([name]) => name !== 'EMAILADDRESS')
    .map(([name, { oid }]) => [oid, DISPLAY[name] ?? name]),
);

/** A Name as one line, most specific first (`CN=a,O=b`), for listings and messages. */
export function dnText(name: pkijs.RelativeDistinguishedNames): string {
  return [...name.typesAndValues]
    .reverse()
    .map((atv) => {
      const value: unknown = atv.value.valueBlock.value;
      const text = typeof value === 'string' ? value : '?';
      return `${NAMES.get(atv.type) ?? atv.type}=${text.replace(/,/g, '\\,')}`;
    })
    .join(',');
}
