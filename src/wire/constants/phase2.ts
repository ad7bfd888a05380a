// RFC 2407 §4.5: IPsec SA (phase-2) attribute classes and values; RFC 3947 §5.2 UDP
// encapsulation modes 3/4 and the draft-ietf-ipsec-nat-t-ike values 61443/61444; RFC 4868
// HMAC-SHA2 authentication algorithms; RFC 4304 extended sequence numbers; RFC 6407 types 12-15.

import { nameIn, reverse, type ConstTable } from './lookup.js';
import { GroupDescription, LifeType } from './phase1.js';

export const Phase2Attr = {
  SA_LIFE_TYPE: 1,
  SA_LIFE_DURATION: 2,
  GROUP_DESCRIPTION: 3,
  ENCAPSULATION_MODE: 4,
  AUTHENTICATION_ALGORITHM: 5,
  KEY_LENGTH: 6,
  KEY_ROUNDS: 7,
  COMPRESS_DICTIONARY_SIZE: 8,
  COMPRESS_PRIVATE_ALGORITHM: 9,
  ECN_TUNNEL: 10,
  EXTENDED_SEQUENCE_NUMBER: 11,
  AUTHENTICATION_KEY_LENGTH: 12,
  SIGNATURE_ENCODING_ALGORITHM: 13,
  ADDRESS_PRESERVATION: 14, // RFC 6407 (GDOI)
  SA_DIRECTION: 15,
} as const;

export const EncapsulationMode = {
  TUNNEL: 1,
  TRANSPORT: 2,
  UDP_ENCAPSULATED_TUNNEL: 3,
  UDP_ENCAPSULATED_TRANSPORT: 4,
  UDP_ENCAPSULATED_TUNNEL_DRAFT: 61443,
  UDP_ENCAPSULATED_TRANSPORT_DRAFT: 61444,
} as const;

export const AuthAlgorithm = {
  HMAC_MD5: 1,
  HMAC_SHA: 2,
  DES_MAC: 3,
  KPDK: 4,
  HMAC_SHA2_256: 5,
  HMAC_SHA2_384: 6,
  HMAC_SHA2_512: 7,
  HMAC_RIPEMD: 8,
  AES_XCBC_MAC: 9,
  SIG_RSA: 10,
  AES_128_GMAC: 11,
  AES_192_GMAC: 12,
  AES_256_GMAC: 13,
} as const;

export const EcnTunnel = { ALLOWED: 1, FORBIDDEN: 2 } as const;
export const ExtendedSequenceNumber = { ESN_64: 1 } as const;

const attrNames = reverse(Phase2Attr);
export function phase2AttrName(type: number): string {
  return nameIn(attrNames, type);
}

const valueTables = new Map<number, ConstTable>([
  [Phase2Attr.SA_LIFE_TYPE, LifeType],
  [Phase2Attr.GROUP_DESCRIPTION, GroupDescription],
  [Phase2Attr.ENCAPSULATION_MODE, EncapsulationMode],
  [Phase2Attr.AUTHENTICATION_ALGORITHM, AuthAlgorithm],
  [Phase2Attr.ECN_TUNNEL, EcnTunnel],
]);
const valueNames = new Map<number, ReadonlyMap<number, string>>();
for (const [k, t] of valueTables) valueNames.set(k, reverse(t));

/** Name of a phase-2 attribute value, or undefined when the attribute is numeric. */
export function phase2ValueName(type: number, value: number): string | undefined {
  const table = valueNames.get(type);
  return table ? nameIn(table, value) : undefined;
}
