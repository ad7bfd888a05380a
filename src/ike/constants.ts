// ISAKMP/IKEv1 numbers the engine uses (RFC 2408 §3, RFC 2407 §4, RFC 2409 App. A,
// RFC 3947, RFC 3706). Private to the engine until src/wire exports its tables.

export const ExchangeType = {
  ID_PROT: 2, // main mode
  AGGRESSIVE: 4,
  INFORMATIONAL: 5,
  QUICK: 32,
} as const;

export const PayloadType = {
  NONE: 0,
  SA: 1,
  P: 2,
  T: 3,
  KE: 4,
  ID: 5,
  CERT: 6,
  CR: 7,
  HASH: 8,
  SIG: 9,
  NONCE: 10,
  N: 11,
  D: 12,
  VID: 13,
  ATTR: 14,
  NAT_D: 20,
  NAT_OA: 21,
  NAT_D_DRAFT: 130,
  NAT_OA_DRAFT: 131,
} as const;

/** charon's short payload names, used in the `[ SA V V ]` lists of packet events. */
export const PAYLOAD_SHORT_NAMES: Readonly<Record<number, string>> = {
  1: 'SA',
  2: 'P',
  3: 'T',
  4: 'KE',
  5: 'ID',
  6: 'CERT',
  7: 'CERTREQ',
  8: 'HASH',
  9: 'SIG',
  10: 'No',
  11: 'N',
  12: 'D',
  13: 'V',
  14: 'CP',
  20: 'NAT-D',
  21: 'NAT-OA',
  130: 'NAT-D',
  131: 'NAT-OA',
};

export const ProtocolId = { ISAKMP: 1, AH: 2, ESP: 3 } as const;

export const IdType = {
  IPV4_ADDR: 1,
  FQDN: 2,
  USER_FQDN: 3,
  IPV4_ADDR_SUBNET: 4,
  IPV6_ADDR: 5,
  IPV6_ADDR_SUBNET: 6,
  IPV4_ADDR_RANGE: 7,
  KEY_ID: 11,
} as const;

export const ID_TYPE_NAMES: Readonly<Record<number, string>> = {
  1: 'ID_IPV4_ADDR',
  2: 'ID_FQDN',
  3: 'ID_USER_FQDN',
  4: 'ID_IPV4_ADDR_SUBNET',
  5: 'ID_IPV6_ADDR',
  6: 'ID_IPV6_ADDR_SUBNET',
  7: 'ID_IPV4_ADDR_RANGE',
  11: 'ID_KEY_ID',
};

export const NotifyType = {
  INVALID_PAYLOAD_TYPE: 1,
  DOI_NOT_SUPPORTED: 2,
  SITUATION_NOT_SUPPORTED: 3,
  INVALID_COOKIE: 4,
  INVALID_MAJOR_VERSION: 5,
  INVALID_MINOR_VERSION: 6,
  INVALID_EXCHANGE_TYPE: 7,
  INVALID_FLAGS: 8,
  INVALID_MESSAGE_ID: 9,
  INVALID_PROTOCOL_ID: 10,
  INVALID_SPI: 11,
  INVALID_TRANSFORM_ID: 12,
  ATTRIBUTES_NOT_SUPPORTED: 13,
  NO_PROPOSAL_CHOSEN: 14,
  BAD_PROPOSAL_SYNTAX: 15,
  PAYLOAD_MALFORMED: 16,
  INVALID_KEY_INFORMATION: 17,
  INVALID_ID_INFORMATION: 18,
  INVALID_HASH_INFORMATION: 23,
  AUTHENTICATION_FAILED: 24,
  INVALID_SIGNATURE: 25,
  RESPONDER_LIFETIME: 24576,
  REPLAY_STATUS: 24577,
  INITIAL_CONTACT: 24578,
  R_U_THERE: 36136,
  R_U_THERE_ACK: 36137,
} as const;

const notifyNames = new Map<number, string>(Object.entries(NotifyType).map(([k, v]) => [v, k]));
export function notifyName(type: number): string {
  return notifyNames.get(type) ?? `NOTIFY(${type})`;
}

/** RFC 2409 App. A phase-1 attribute classes. */
export const Phase1Attr = {
  ENCRYPTION: 1,
  HASH: 2,
  AUTH: 3,
  GROUP: 4,
  LIFE_TYPE: 11,
  LIFE_DURATION: 12,
  KEY_LENGTH: 14,
} as const;

/** RFC 2407 §4.5 phase-2 attribute classes. */
export const Phase2Attr = {
  LIFE_TYPE: 1,
  LIFE_DURATION: 2,
  GROUP: 3,
  ENCAPSULATION: 4,
  AUTH: 5,
  KEY_LENGTH: 6,
  ESN: 11,
} as const;

export const LifeType = { SECONDS: 1, KILOBYTES: 2 } as const;

/** RFC 2407 §4.5 plus RFC 3947 §5.3 (3, 4) and the draft values older peers send. */
export const Encapsulation = {
  TUNNEL: 1,
  TRANSPORT: 2,
  UDP_TUNNEL: 3,
  UDP_TRANSPORT: 4,
  UDP_TUNNEL_DRAFT: 61443,
  UDP_TRANSPORT_DRAFT: 61444,
} as const;

export const IkeEncryptionId = { DES: 1, '3DES': 5, AES: 7 } as const;
export const IkeHashId = { MD5: 1, SHA: 2, SHA2_256: 4, SHA2_384: 5, SHA2_512: 6 } as const;
export const IkeAuthId = { PRE_SHARED: 1, RSA_SIG: 3, RSA_ENCR: 4 } as const;

export const EspTransformId = {
  DES: 2,
  '3DES': 3,
  NULL: 11,
  AES_CBC: 12,
  AES_GCM_8: 18,
  AES_GCM_12: 19,
  AES_GCM_16: 20,
} as const;
export const AhTransformId = { MD5: 2, SHA: 3, SHA2_256: 5, SHA2_384: 6, SHA2_512: 7 } as const;
export const AuthAlgorithm = {
  HMAC_MD5: 1,
  HMAC_SHA: 2,
  HMAC_SHA2_256: 5,
  HMAC_SHA2_384: 6,
  HMAC_SHA2_512: 7,
} as const;

export const DOI_IPSEC = 1;
export const SIT_IDENTITY_ONLY = 1;
export const IKE_PORT = 500;
export const NATT_PORT = 4500;
