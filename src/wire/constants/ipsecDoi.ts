// RFC 2407 (IPsec DOI): DOI and situation (§4.2, §4.6.1), protocol ids (§4.4.1), transform ids
// (§4.4.2-4.4.4 plus later IANA assignments), ID types (§4.6.2.1), certificate encodings
// (RFC 2408 §3.9).

import { nameIn, reverse } from './lookup.js';

export const Doi = { ISAKMP: 0, IPSEC: 1 } as const;

export const Situation = {
  SIT_IDENTITY_ONLY: 0x01,
  SIT_SECRECY: 0x02,
  SIT_INTEGRITY: 0x04,
} as const;

export const ProtocolId = {
  ISAKMP: 1,
  IPSEC_AH: 2,
  IPSEC_ESP: 3,
  IPCOMP: 4,
} as const;

export const IkeTransformId = { KEY_IKE: 1 } as const;

export const AhTransformId = {
  AH_MD5: 2,
  AH_SHA: 3,
  AH_DES: 4,
  AH_SHA2_256: 5,
  AH_SHA2_384: 6,
  AH_SHA2_512: 7,
  AH_RIPEMD: 8,
  AH_AES_XCBC_MAC: 9,
  AH_RSA: 10,
  AH_AES_128_GMAC: 11,
  AH_AES_192_GMAC: 12,
  AH_AES_256_GMAC: 13,
} as const;

export const EspTransformId = {
  ESP_DES_IV64: 1,
  ESP_DES: 2,
  ESP_3DES: 3,
  ESP_RC5: 4,
  ESP_IDEA: 5,
  ESP_CAST: 6,
  ESP_BLOWFISH: 7,
  ESP_3IDEA: 8,
  ESP_DES_IV32: 9,
  ESP_RC4: 10,
  ESP_NULL: 11,
  ESP_AES_CBC: 12, // RFC 3602
  ESP_AES_CTR: 13, // RFC 3686
  ESP_AES_CCM_8: 14,
  ESP_AES_CCM_12: 15,
  ESP_AES_CCM_16: 16,
  ESP_AES_GCM_8: 18, // RFC 4106
  ESP_AES_GCM_12: 19,
  ESP_AES_GCM_16: 20,
  ESP_SEED_CBC: 21,
  ESP_CAMELLIA: 22,
  ESP_NULL_AUTH_AES_GMAC: 23,
} as const;

export const IpcompTransformId = {
  IPCOMP_OUI: 1,
  IPCOMP_DEFLATE: 2,
  IPCOMP_LZS: 3,
  IPCOMP_LZJH: 4,
} as const;

export const IdType = {
  IPV4_ADDR: 1,
  FQDN: 2,
  USER_FQDN: 3,
  IPV4_ADDR_SUBNET: 4,
  IPV6_ADDR: 5,
  IPV6_ADDR_SUBNET: 6,
  IPV4_ADDR_RANGE: 7,
  IPV6_ADDR_RANGE: 8,
  DER_ASN1_DN: 9,
  DER_ASN1_GN: 10,
  KEY_ID: 11,
} as const;

export const CertEncoding = {
  PKCS7_WRAPPED_X509: 1,
  PGP: 2,
  DNS_SIGNED_KEY: 3,
  X509_SIGNATURE: 4,
  X509_KEY_EXCHANGE: 5,
  KERBEROS_TOKENS: 6,
  CRL: 7,
  ARL: 8,
  SPKI: 9,
  X509_ATTRIBUTE: 10,
} as const;

const protocolNames = reverse({ PROTO_ISAKMP: 1, PROTO_IPSEC_AH: 2, PROTO_IPSEC_ESP: 3, PROTO_IPCOMP: 4 });
export function protocolIdName(value: number): string {
  return nameIn(protocolNames, value);
}

const ahNames = reverse(AhTransformId);
const espNames = reverse(EspTransformId);
const ipcompNames = reverse(IpcompTransformId);
/** Transform id name in the namespace of the proposal's protocol. */
export function transformIdName(protocolId: number, value: number): string {
  switch (protocolId) {
    case ProtocolId.ISAKMP:
      return value === 1 ? 'KEY_IKE' : `UNKNOWN(${value})`;
    case ProtocolId.IPSEC_AH:
      return nameIn(ahNames, value);
    case ProtocolId.IPSEC_ESP:
      return nameIn(espNames, value);
    case ProtocolId.IPCOMP:
      return nameIn(ipcompNames, value);
    default:
      return `UNKNOWN(${value})`;
  }
}

const idNames = reverse(IdType, (k) => `ID_${k}`);
export function idTypeName(value: number): string {
  return nameIn(idNames, value);
}

const certNames = reverse(CertEncoding);
export function certEncodingName(value: number): string {
  return nameIn(certNames, value);
}

export function doiName(value: number): string {
  return value === 1 ? 'IPSEC' : value === 0 ? 'ISAKMP' : `UNKNOWN(${value})`;
}
