// Engine-specific ISAKMP names and numbers. The IANA tables (RFC 2408 §3, RFC 2407 §4,
// RFC 2409 App. A, RFC 3947, RFC 3706) are src/wire's; this file only adds the names the
// engine's events and callers use.

import {
  ExchangeType as WireExchangeType,
  IdType,
  idTypeName,
  NotifyType,
  ProtocolId as WireProtocolId,
} from '../wire/index.js';

export { NotifyType, PayloadType } from '../wire/index.js';

/** src/wire's table plus ID_PROT, charon's name for main mode (identity protection). */
export const ExchangeType = { ...WireExchangeType, ID_PROT: WireExchangeType.IDENTITY_PROTECTION } as const;

/** src/wire's table plus the short AH/ESP names the engine and its tests use. */
export const ProtocolId = {
  ...WireProtocolId,
  AH: WireProtocolId.IPSEC_AH,
  ESP: WireProtocolId.IPSEC_ESP,
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

// The engine's events name only these notify and ID types (others print as NOTIFY(n) / the
// number), as they always have: the debug output stays what the chapter shows. The
// certificate refusals of RFC 2408 §3.14.1 are named since signatures are supported.
const UNNAMED_NOTIFY_TYPES: ReadonlySet<number> = new Set([
  NotifyType.ADDRESS_NOTIFICATION,
  NotifyType.NOTIFY_SA_LIFETIME,
  NotifyType.UNSUPPORTED_EXCHANGE_TYPE,
  NotifyType.UNEQUAL_PAYLOAD_LENGTHS,
  NotifyType.CONNECTED,
]);
const notifyNames = new Map<number, string>(
  Object.entries(NotifyType)
    .filter(([, v]) => !UNNAMED_NOTIFY_TYPES.has(v))
    .map(([k, v]) => [v, k]),
);
export function notifyName(type: number): string {
  return notifyNames.get(type) ?? `NOTIFY(${type})`;
}

const NAMED_ID_TYPES: ReadonlySet<number> = new Set([
  IdType.IPV4_ADDR,
  IdType.FQDN,
  IdType.USER_FQDN,
  IdType.DER_ASN1_DN,
  IdType.IPV4_ADDR_SUBNET,
  IdType.IPV6_ADDR,
  IdType.IPV6_ADDR_SUBNET,
  IdType.IPV4_ADDR_RANGE,
  IdType.KEY_ID,
]);
/** `ID_IPV4_ADDR` etc. */
export function idTypeLabel(type: number): string {
  return NAMED_ID_TYPES.has(type) ? idTypeName(type) : String(type);
}

export const IKE_PORT = 500;
export const NATT_PORT = 4500;
