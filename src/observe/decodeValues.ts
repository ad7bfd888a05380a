// Human-readable values shared by the tree and the JSON rendering of decoded messages.

import {
  attributeNumber,
  DecodeError,
  decodeAttributes,
  dpdSequence,
  Reader,
  CfgAttr,
  cfgAttrName,
  ExchangeType,
  exchangeTypeName,
  formatIpv4,
  formatIpv6,
  NotifyType,
  XauthStatus,
  XauthType,
  type Attribute,
  type Identification,
  type NotificationPayload,
  unitySplitNetworks,
} from '../wire/index.js';

/** "192.0.2.1:500", "[2001:db8::1]:4500". */
export function endpoint(address: string, port: number): string {
  return address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
}

export function hexOf(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

const exchangeLabels = new Map<number, string>([
  [ExchangeType.BASE, 'Base'],
  [ExchangeType.IDENTITY_PROTECTION, 'Main Mode'],
  [ExchangeType.AUTHENTICATION_ONLY, 'Authentication Only'],
  [ExchangeType.AGGRESSIVE, 'Aggressive Mode'],
  [ExchangeType.INFORMATIONAL, 'Informational'],
  [ExchangeType.TRANSACTION, 'Transaction (Mode Config/XAUTH)'],
  [ExchangeType.QUICK, 'Quick Mode'],
  [ExchangeType.NEW_GROUP, 'New Group Mode'],
]);

/** "Main Mode (IDENTITY_PROTECTION)". */
export function exchangeLabel(type: number): string {
  const label = exchangeLabels.get(type);
  const name = exchangeTypeName(type);
  return label === undefined ? name : `${label} (${name})`;
}

/** The identity as text: "r1.lab.example", "10.1.0.0/255.255.255.0", "10.0.0.1-10.0.0.9". */
export function identificationText(id: Identification): string {
  switch (id.kind) {
    case 'ipv4':
    case 'ipv6':
      return id.address;
    case 'ipv4-subnet':
    case 'ipv6-subnet':
      return `${id.address}/${id.mask}`;
    case 'ipv4-range':
    case 'ipv6-range':
      return `${id.start}-${id.end}`;
    case 'fqdn':
    case 'user-fqdn':
      return id.name;
    case 'der-asn1-dn':
    case 'der-asn1-gn':
      return `DER ${hexOf(id.der)}`;
    case 'key-id':
      return `key ID ${hexOf(id.keyId)}`;
    case 'unknown':
      return hexOf(id.data);
  }
}

const textAttributes: ReadonlySet<number> = new Set([
  CfgAttr.APPLICATION_VERSION,
  CfgAttr.XAUTH_USER_NAME,
  CfgAttr.XAUTH_USER_PASSWORD,
  CfgAttr.XAUTH_PASSCODE,
  CfgAttr.XAUTH_MESSAGE,
  CfgAttr.XAUTH_CHALLENGE,
  CfgAttr.XAUTH_DOMAIN,
  CfgAttr.XAUTH_NEXT_PIN,
  CfgAttr.XAUTH_ANSWER,
  CfgAttr.UNITY_BANNER,
  CfgAttr.UNITY_DEF_DOMAIN,
  CfgAttr.UNITY_SPLITDNS_NAME,
  CfgAttr.UNITY_BACKUP_SERVERS,
  CfgAttr.UNITY_DDNS_HOSTNAME,
]);

const ipv4Attributes: ReadonlySet<number> = new Set([
  CfgAttr.INTERNAL_IP4_ADDRESS,
  CfgAttr.INTERNAL_IP4_NETMASK,
  CfgAttr.INTERNAL_IP4_DNS,
  CfgAttr.INTERNAL_IP4_NBNS,
  CfgAttr.INTERNAL_IP4_DHCP,
]);

const ipv6Attributes: ReadonlySet<number> = new Set([
  CfgAttr.INTERNAL_IP6_ADDRESS,
  CfgAttr.INTERNAL_IP6_DNS,
  CfgAttr.INTERNAL_IP6_NBNS,
  CfgAttr.INTERNAL_IP6_DHCP,
]);

export interface CfgAttributeView {
  readonly type: number;
  readonly name: string;
  readonly tv: boolean;
  /** Number (TV or short numeric TLV), text, address(es), or hex. */
  readonly value: number | string | readonly string[];
  readonly valueName?: string;
}

/**
 * Mode-config / XAUTH attribute (draft-ietf-ipsec-isakmp-mode-cfg-05 §3.3, xauth-06 §3.2):
 * a zero-length value is a request for that attribute and shows as "".
 */
export function cfgAttributeView(a: Attribute): CfgAttributeView {
  const base = { type: a.type, name: cfgAttrName(a.type), tv: a.tv };
  if (typeof a.value === 'number') return { ...base, value: a.value, ...cfgValueName(a.type, a.value) };
  const bytes = a.value;
  if (bytes.length === 0) return { ...base, value: '' };
  if (textAttributes.has(a.type)) return { ...base, value: Buffer.from(bytes).toString('utf8') };
  if (ipv4Attributes.has(a.type) && bytes.length === 4) return { ...base, value: formatIpv4(bytes) };
  if (ipv6Attributes.has(a.type) && (bytes.length === 16 || bytes.length === 17)) {
    const address = formatIpv6(bytes.subarray(0, 16));
    return { ...base, value: bytes.length === 17 ? `${address}/${bytes[16]}` : address };
  }
  if (a.type === CfgAttr.INTERNAL_IP4_SUBNET && bytes.length === 8) {
    return { ...base, value: `${formatIpv4(bytes.subarray(0, 4))}/${formatIpv4(bytes.subarray(4, 8))}` };
  }
  if (a.type === CfgAttr.UNITY_SPLIT_INCLUDE || a.type === CfgAttr.UNITY_LOCAL_LAN) {
    const nets = unitySplitNetworks(bytes);
    if (nets !== undefined) return { ...base, value: nets.map((n) => `${n.address}/${n.mask}`) };
  }
  const n = attributeNumber(a);
  if (n !== undefined && bytes.length <= 4) return { ...base, value: n, ...cfgValueName(a.type, n) };
  return { ...base, value: hexOf(bytes) };
}

function cfgValueName(type: number, value: number): { valueName?: string } {
  const table =
    type === CfgAttr.XAUTH_TYPE ? XauthType : type === CfgAttr.XAUTH_STATUS ? XauthStatus : undefined;
  if (table === undefined) return {};
  const entry = Object.entries(table).find(([, v]) => v === value);
  return entry === undefined ? {} : { valueName: entry[0] };
}

export function cfgAttributeText(view: CfgAttributeView): string {
  if (view.value === '') return `${view.name} (requested)`;
  const value = Array.isArray(view.value) ? view.value.join(', ') : String(view.value);
  return `${view.name} = ${value}${view.valueName === undefined ? '' : ` (${view.valueName})`}`;
}

/** RFC 3706 §5: R-U-THERE and R-U-THERE-ACK carry a 32-bit sequence number; other notifies none. */
export function dpdNotifySequence(n: NotificationPayload): number | undefined {
  if (n.notifyType !== NotifyType.R_U_THERE && n.notifyType !== NotifyType.R_U_THERE_ACK) return undefined;
  return dpdSequence(n);
}

/** RFC 2407 §4.6.3.1: RESPONDER-LIFETIME carries SA attributes (life type and duration). */
export function responderLifetime(n: NotificationPayload): Attribute[] | undefined {
  if (n.notifyType !== NotifyType.RESPONDER_LIFETIME) return undefined;
  try {
    return decodeAttributes(new Reader(n.data));
  } catch (error) {
    if (error instanceof DecodeError) return undefined;
    throw error;
  }
}
