// RFC 2409 Appendix A: phase-1 (ISAKMP SA) attribute classes and values, plus later IANA
// assignments (AES RFC 3602, SHA-2 RFC 4868, groups RFC 3526/5903/5114/8031) and the XAUTH
// authentication methods of draft-ietf-ipsec-isakmp-xauth (65001-65010) and hybrid auth
// (draft-ietf-ipsra-hybrid, 64221-64224).

import { nameIn, reverse, type ConstTable } from './lookup.js';

export const Phase1Attr = {
  ENCRYPTION_ALGORITHM: 1,
  HASH_ALGORITHM: 2,
  AUTHENTICATION_METHOD: 3,
  GROUP_DESCRIPTION: 4,
  GROUP_TYPE: 5,
  GROUP_PRIME: 6,
  GROUP_GENERATOR_ONE: 7,
  GROUP_GENERATOR_TWO: 8,
  GROUP_CURVE_A: 9,
  GROUP_CURVE_B: 10,
  LIFE_TYPE: 11,
  LIFE_DURATION: 12,
  PRF: 13,
  KEY_LENGTH: 14,
  FIELD_SIZE: 15,
  GROUP_ORDER: 16,
} as const;

export const IkeEncryption = {
  DES_CBC: 1,
  IDEA_CBC: 2,
  BLOWFISH_CBC: 3,
  RC5_R16_B64_CBC: 4,
  '3DES_CBC': 5,
  CAST_CBC: 6,
  AES_CBC: 7,
  CAMELLIA_CBC: 8,
} as const;

export const IkeHash = {
  MD5: 1,
  SHA: 2,
  TIGER: 3,
  SHA2_256: 4,
  SHA2_384: 5,
  SHA2_512: 6,
} as const;

export const IkeAuthMethod = {
  PRE_SHARED_KEY: 1,
  DSS_SIGNATURES: 2,
  RSA_SIGNATURES: 3,
  RSA_ENCRYPTION: 4,
  RSA_REVISED_ENCRYPTION: 5,
  ECDSA_SHA256_P256: 9,
  ECDSA_SHA384_P384: 10,
  ECDSA_SHA512_P521: 11,
  HYBRID_INIT_RSA: 64221,
  HYBRID_RESP_RSA: 64222,
  HYBRID_INIT_DSS: 64223,
  HYBRID_RESP_DSS: 64224,
  XAUTH_INIT_PRE_SHARED: 65001,
  XAUTH_RESP_PRE_SHARED: 65002,
  XAUTH_INIT_DSS: 65003,
  XAUTH_RESP_DSS: 65004,
  XAUTH_INIT_RSA: 65005,
  XAUTH_RESP_RSA: 65006,
  XAUTH_INIT_RSA_ENCRYPTION: 65007,
  XAUTH_RESP_RSA_ENCRYPTION: 65008,
  XAUTH_INIT_RSA_REVISED_ENCRYPTION: 65009,
  XAUTH_RESP_RSA_REVISED_ENCRYPTION: 65010,
} as const;

export const GroupDescription = {
  MODP_768: 1,
  MODP_1024: 2,
  EC2N_155: 3,
  EC2N_185: 4,
  MODP_1536: 5,
  MODP_2048: 14,
  MODP_3072: 15,
  MODP_4096: 16,
  MODP_6144: 17,
  MODP_8192: 18,
  ECP_256: 19,
  ECP_384: 20,
  ECP_521: 21,
  MODP_1024_160: 22,
  MODP_2048_224: 23,
  MODP_2048_256: 24,
  ECP_192: 25,
  ECP_224: 26,
  ECP_224_BP: 27,
  ECP_256_BP: 28,
  ECP_384_BP: 29,
  ECP_512_BP: 30,
  CURVE25519: 31,
  CURVE448: 32,
} as const;

export const GroupType = { MODP: 1, ECP: 2, EC2N: 3 } as const;

export const LifeType = { SECONDS: 1, KILOBYTES: 2 } as const;

const attrNames = reverse(Phase1Attr);
export function phase1AttrName(type: number): string {
  return nameIn(attrNames, type);
}

const valueTables = new Map<number, ConstTable>([
  [Phase1Attr.ENCRYPTION_ALGORITHM, IkeEncryption],
  [Phase1Attr.HASH_ALGORITHM, IkeHash],
  [Phase1Attr.AUTHENTICATION_METHOD, IkeAuthMethod],
  [Phase1Attr.GROUP_DESCRIPTION, GroupDescription],
  [Phase1Attr.GROUP_TYPE, GroupType],
  [Phase1Attr.LIFE_TYPE, LifeType],
]);
const valueNames = new Map<number, ReadonlyMap<number, string>>();
for (const [k, t] of valueTables) valueNames.set(k, reverse(t));

/** Name of a phase-1 attribute value, or undefined when the attribute is numeric (life, key length). */
export function phase1ValueName(type: number, value: number): string | undefined {
  const table = valueNames.get(type);
  return table ? nameIn(table, value) : undefined;
}
