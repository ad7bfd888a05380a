// RFC 2408 §3.1 exchange types, RFC 2409 §9.1 (quick mode, new group), mode-config draft (transaction).

import { nameIn, reverse } from './lookup.js';

export const ExchangeType = {
  NONE: 0,
  BASE: 1,
  IDENTITY_PROTECTION: 2, // Main Mode
  AUTHENTICATION_ONLY: 3,
  AGGRESSIVE: 4,
  INFORMATIONAL: 5,
  TRANSACTION: 6, // draft-ietf-ipsec-isakmp-mode-cfg: XAUTH and mode config
  QUICK: 32,
  NEW_GROUP: 33,
  // Tunnel Endpoint Discovery (Cisco IOS `crypto map ... discover`, draft-fluhrer-ted-00).
  // No public dissector names its number (Wireshark's packet-isakmp.c vs_v1_exchange stops at
  // 33): this is ours, from the private-use range of RFC 2408 §3.1 (240-255).
  TED: 243,
} as const;

const names = reverse(ExchangeType);
export function exchangeTypeName(value: number): string {
  return nameIn(names, value);
}
