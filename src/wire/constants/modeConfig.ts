// Attribute payload (14) message types and attributes: draft-ietf-ipsec-isakmp-mode-cfg-05
// §3.2-3.3, draft-ietf-ipsec-isakmp-xauth-06 §3.2 (16520-16529, XAUTH types and status), and
// the Cisco Unity attributes (28672-28683) that IOS and the Cisco VPN client use.

import { nameIn, reverse } from './lookup.js';

export const CfgType = {
  ISAKMP_CFG_REQUEST: 1,
  ISAKMP_CFG_REPLY: 2,
  ISAKMP_CFG_SET: 3,
  ISAKMP_CFG_ACK: 4,
} as const;

export const CfgAttr = {
  INTERNAL_IP4_ADDRESS: 1,
  INTERNAL_IP4_NETMASK: 2,
  INTERNAL_IP4_DNS: 3,
  INTERNAL_IP4_NBNS: 4,
  INTERNAL_ADDRESS_EXPIRY: 5,
  INTERNAL_IP4_DHCP: 6,
  APPLICATION_VERSION: 7,
  INTERNAL_IP6_ADDRESS: 8,
  INTERNAL_IP6_NETMASK: 9,
  INTERNAL_IP6_DNS: 10,
  INTERNAL_IP6_NBNS: 11,
  INTERNAL_IP6_DHCP: 12,
  INTERNAL_IP4_SUBNET: 13,
  SUPPORTED_ATTRIBUTES: 14,
  INTERNAL_IP6_SUBNET: 15,
  XAUTH_TYPE: 16520,
  XAUTH_USER_NAME: 16521,
  XAUTH_USER_PASSWORD: 16522,
  XAUTH_PASSCODE: 16523,
  XAUTH_MESSAGE: 16524,
  XAUTH_CHALLENGE: 16525,
  XAUTH_DOMAIN: 16526,
  XAUTH_STATUS: 16527,
  XAUTH_NEXT_PIN: 16528,
  XAUTH_ANSWER: 16529,
  UNITY_BANNER: 28672,
  UNITY_SAVE_PASSWD: 28673,
  UNITY_DEF_DOMAIN: 28674,
  UNITY_SPLITDNS_NAME: 28675,
  UNITY_SPLIT_INCLUDE: 28676,
  UNITY_NATT_PORT: 28677,
  UNITY_LOCAL_LAN: 28678,
  UNITY_PFS: 28679,
  UNITY_FW_TYPE: 28680,
  UNITY_BACKUP_SERVERS: 28681,
  UNITY_DDNS_HOSTNAME: 28682,
} as const;

export const XauthType = { GENERIC: 0, RADIUS_CHAP: 1, OTP: 2, S_KEY: 3 } as const;
export const XauthStatus = { FAIL: 0, OK: 1 } as const;

const typeNames = reverse(CfgType);
export function cfgTypeName(value: number): string {
  return nameIn(typeNames, value);
}

const attrNames = reverse(CfgAttr);
export function cfgAttrName(value: number): string {
  return nameIn(attrNames, value);
}
