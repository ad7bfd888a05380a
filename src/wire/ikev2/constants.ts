// IKEv2 numbers from the IANA "Internet Key Exchange Version 2 (IKEv2) Parameters" registry
// (RFC 7296 §3, RFC 5282 for AES-GCM in the SK payload, RFC 7383 for SKF).

export const IKEV2_VERSION = 0x20;

export const ExchangeType = {
  IKE_SA_INIT: 34,
  IKE_AUTH: 35,
  CREATE_CHILD_SA: 36,
  INFORMATIONAL: 37,
} as const;

export const PayloadType = {
  NONE: 0,
  SA: 33,
  KE: 34,
  IDi: 35,
  IDr: 36,
  CERT: 37,
  CERTREQ: 38,
  AUTH: 39,
  NONCE: 40,
  NOTIFY: 41,
  DELETE: 42,
  VENDOR_ID: 43,
  TSi: 44,
  TSr: 45,
  SK: 46,
  CP: 47,
  EAP: 48,
  SKF: 53,
} as const;

/** RFC 7296 §3.3.1: Protocol ID of a proposal, a notify or a delete. */
export const ProtocolId = { IKE: 1, AH: 2, ESP: 3 } as const;

/** RFC 7296 §3.3.2 transform types. */
export const TransformType = { ENCR: 1, PRF: 2, INTEG: 3, DH: 4, ESN: 5 } as const;

export const Encr = {
  DES: 2,
  '3DES': 3,
  NULL: 11,
  AES_CBC: 12,
  AES_CTR: 13,
  AES_GCM_8: 18,
  AES_GCM_12: 19,
  AES_GCM_16: 20,
  CHACHA20_POLY1305: 28,
} as const;

export const Prf = {
  HMAC_MD5: 1,
  HMAC_SHA1: 2,
  HMAC_SHA2_256: 5,
  HMAC_SHA2_384: 6,
  HMAC_SHA2_512: 7,
} as const;

export const Integ = {
  NONE: 0,
  HMAC_MD5_96: 1,
  HMAC_SHA1_96: 2,
  HMAC_SHA2_256_128: 12,
  HMAC_SHA2_384_192: 13,
  HMAC_SHA2_512_256: 14,
} as const;

export const Esn = { NO: 0, YES: 1 } as const;

/** RFC 7296 §3.3.5: the one transform attribute IKEv2 defines. */
export const TRANSFORM_ATTRIBUTE_KEY_LENGTH = 14;

/** RFC 7296 §3.5 ID types. */
export const IdType = {
  IPV4_ADDR: 1,
  FQDN: 2,
  RFC822_ADDR: 3,
  IPV6_ADDR: 5,
  DER_ASN1_DN: 9,
  DER_ASN1_GN: 10,
  KEY_ID: 11,
} as const;

/** RFC 7296 §3.8 authentication methods (RFC 7427: 14 digital signature). */
export const AuthMethod = { RSA_SIG: 1, SHARED_KEY_MIC: 2, DSS_SIG: 3, DIGITAL_SIGNATURE: 14 } as const;

/** RFC 7296 §3.13.1 traffic selector types. */
export const TsType = { IPV4_ADDR_RANGE: 7, IPV6_ADDR_RANGE: 8 } as const;

/** RFC 7296 §3.10.1: error types are below 16384, status types from 16384. */
export const Notify = {
  UNSUPPORTED_CRITICAL_PAYLOAD: 1,
  INVALID_IKE_SPI: 4,
  INVALID_MAJOR_VERSION: 5,
  INVALID_SYNTAX: 7,
  INVALID_MESSAGE_ID: 9,
  INVALID_SPI: 11,
  NO_PROPOSAL_CHOSEN: 14,
  INVALID_KE_PAYLOAD: 17,
  AUTHENTICATION_FAILED: 24,
  SINGLE_PAIR_REQUIRED: 34,
  NO_ADDITIONAL_SAS: 35,
  INTERNAL_ADDRESS_FAILURE: 36,
  FAILED_CP_REQUIRED: 37,
  TS_UNACCEPTABLE: 38,
  INVALID_SELECTORS: 39,
  TEMPORARY_FAILURE: 43,
  CHILD_SA_NOT_FOUND: 44,
  INITIAL_CONTACT: 16384,
  SET_WINDOW_SIZE: 16385,
  ADDITIONAL_TS_POSSIBLE: 16386,
  IPCOMP_SUPPORTED: 16387,
  NAT_DETECTION_SOURCE_IP: 16388,
  NAT_DETECTION_DESTINATION_IP: 16389,
  COOKIE: 16390,
  USE_TRANSPORT_MODE: 16391,
  HTTP_CERT_LOOKUP_SUPPORTED: 16392,
  REKEY_SA: 16393,
  ESP_TFC_PADDING_NOT_SUPPORTED: 16394,
  NON_FIRST_FRAGMENTS_ALSO: 16395,
  MOBIKE_SUPPORTED: 16396,
  ADDITIONAL_IP4_ADDRESS: 16397,
  MULTIPLE_AUTH_SUPPORTED: 16404,
  EAP_ONLY_AUTHENTICATION: 16417,
  MESSAGE_ID_SYNC_SUPPORTED: 16420,
  IKEV2_FRAGMENTATION_SUPPORTED: 16430,
  SIGNATURE_HASH_ALGORITHMS: 16431,
  CHILDLESS_IKEV2_SUPPORTED: 16418,
  REDIRECT_SUPPORTED: 16406,
} as const;

/** Names for logs and decodes; a number not listed prints as itself. */
export function nameOf(table: Readonly<Record<string, number>>, value: number): string {
  for (const [name, v] of Object.entries(table)) if (v === value) return name;
  return String(value);
}
