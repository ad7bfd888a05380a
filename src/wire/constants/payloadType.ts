// RFC 2408 §3.1 next payload types, RFC 2408 §3.15 (attribute payload, mode-config draft),
// RFC 3947 §3 (NAT-D 20, NAT-OA 21) and the pre-RFC draft numbers 130/131 that older peers
// (Cisco IOS before 12.3(11)T, draft-ietf-ipsec-nat-t-ike-02/03) send, and 132: the
// Cisco/strongSwan IKEv1 fragment payload announced by the FRAGMENTATION vendor ID.

import { nameIn } from './lookup.js';

export const PayloadType = {
  NONE: 0,
  SA: 1,
  Proposal: 2,
  Transform: 3,
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
  FRAGMENT: 132,
} as const;

export type KnownPayloadType = (typeof PayloadType)[keyof typeof PayloadType];

// Spelled as RFC 2408 and `typeswan decode --json` spell them.
const names: ReadonlyMap<number, string> = new Map([
  [0, 'NONE'],
  [1, 'SA'],
  [2, 'PROPOSAL'],
  [3, 'TRANSFORM'],
  [4, 'KE'],
  [5, 'ID'],
  [6, 'CERT'],
  [7, 'CR'],
  [8, 'HASH'],
  [9, 'SIG'],
  [10, 'NONCE'],
  [11, 'N'],
  [12, 'D'],
  [13, 'VID'],
  [14, 'ATTR'],
  [15, 'SAK'],
  [16, 'SAT'],
  [17, 'KD'],
  [18, 'SEQ'],
  [19, 'POP'],
  [20, 'NAT-D'],
  [21, 'NAT-OA'],
  [130, 'NAT-D'],
  [131, 'NAT-OA'],
  [132, 'FRAG'],
]);

export function payloadTypeName(value: number): string {
  return nameIn(names, value);
}
