// SA attributes worded the way Cisco IOS debug output words them (the reference chapter's
// Examples 13-3 and 13-5): "encryption 3DES-CBC", "hash SHA", "default group 2",
// "auth pre-share", "life type in seconds", "life duration (VPI) of 0x0 0x1 0x51 0x80",
// "encaps is 1 (Tunnel)", "SA life duration (basic) of 3600", "authenticator is HMAC-MD5".

import {
  AuthAlgorithm,
  EncapsulationMode,
  IkeAuthMethod,
  IkeEncryption,
  IkeHash,
  LifeType,
  Phase1Attr,
  Phase2Attr,
  phase1AttrName,
  phase1ValueName,
  phase2AttrName,
  phase2ValueName,
} from '../wire/index.js';

export type AttributeValue = number | Uint8Array;

/** A TLV value of up to 6 bytes read as a number (life durations are often sent as TLV). */
function numberOf(value: AttributeValue): number | undefined {
  if (typeof value === 'number') return value;
  if (value.length === 0 || value.length > 6) return undefined;
  return value.reduce((n, byte) => n * 256 + byte, 0);
}

/** IOS prints a variable-length value byte by byte: "0x0 0x1 0x51 0x80". */
export function vpi(value: Uint8Array): string {
  return Array.from(value, (byte) => `0x${byte.toString(16)}`).join(' ');
}

/** The value as a number when it is one, else byte by byte. */
function shown(value: AttributeValue): string {
  if (typeof value === 'number') return String(value);
  const n = numberOf(value);
  return n === undefined ? vpi(value) : String(n);
}

function duration(prefix: string, value: AttributeValue): string {
  return typeof value === 'number' ? `${prefix} (basic) of ${value}` : `${prefix} (VPI) of ${vpi(value)}`;
}

const iosEncryption = new Map<number, string>([
  [IkeEncryption.DES_CBC, 'DES-CBC'],
  [IkeEncryption['3DES_CBC'], '3DES-CBC'],
  [IkeEncryption.AES_CBC, 'AES-CBC'],
]);

const iosHash = new Map<number, string>([
  [IkeHash.MD5, 'MD5'],
  [IkeHash.SHA, 'SHA'],
  [IkeHash.SHA2_256, 'SHA256'],
  [IkeHash.SHA2_384, 'SHA384'],
  [IkeHash.SHA2_512, 'SHA512'],
]);

const iosAuth = new Map<number, string>([
  [IkeAuthMethod.PRE_SHARED_KEY, 'pre-share'],
  [IkeAuthMethod.DSS_SIGNATURES, 'DSS sig'],
  [IkeAuthMethod.RSA_SIGNATURES, 'RSA sig'],
  [IkeAuthMethod.RSA_ENCRYPTION, 'RSA encr'],
  [IkeAuthMethod.RSA_REVISED_ENCRYPTION, 'RSA revised encr'],
  [IkeAuthMethod.XAUTH_INIT_PRE_SHARED, 'XAUTHInitPreShared'],
  [IkeAuthMethod.XAUTH_RESP_PRE_SHARED, 'XAUTHRespPreShared'],
  [IkeAuthMethod.XAUTH_INIT_DSS, 'XAUTHInitDSS'],
  [IkeAuthMethod.XAUTH_RESP_DSS, 'XAUTHRespDSS'],
  [IkeAuthMethod.XAUTH_INIT_RSA, 'XAUTHInitRSA'],
  [IkeAuthMethod.XAUTH_RESP_RSA, 'XAUTHRespRSA'],
  [IkeAuthMethod.XAUTH_INIT_RSA_ENCRYPTION, 'XAUTHInitRSAEncryption'],
  [IkeAuthMethod.XAUTH_RESP_RSA_ENCRYPTION, 'XAUTHRespRSAEncryption'],
  [IkeAuthMethod.XAUTH_INIT_RSA_REVISED_ENCRYPTION, 'XAUTHInitRSARevisedEncryption'],
  [IkeAuthMethod.XAUTH_RESP_RSA_REVISED_ENCRYPTION, 'XAUTHRespRSARevisedEncryption'],
]);

const iosEncapsulation = new Map<number, string>([
  [EncapsulationMode.TUNNEL, 'Tunnel'],
  [EncapsulationMode.TRANSPORT, 'Transport'],
  [EncapsulationMode.UDP_ENCAPSULATED_TUNNEL, 'UDP-Encapsulated-Tunnel'],
  [EncapsulationMode.UDP_ENCAPSULATED_TRANSPORT, 'UDP-Encapsulated-Transport'],
  [EncapsulationMode.UDP_ENCAPSULATED_TUNNEL_DRAFT, 'UDP-Encapsulated-Tunnel, draft'],
  [EncapsulationMode.UDP_ENCAPSULATED_TRANSPORT_DRAFT, 'UDP-Encapsulated-Transport, draft'],
]);

function hyphenated(name: string | undefined, value: number): string {
  return name === undefined ? String(value) : name.replace(/_/g, '-');
}

function lifeType(value: number | undefined): string {
  if (value === LifeType.SECONDS) return 'in seconds';
  if (value === LifeType.KILOBYTES) return 'in kilobytes';
  return `${value ?? '?'}`;
}

/** One phase-1 (ISAKMP SA) attribute, IOS style. */
export function phase1AttributeText(type: number, value: AttributeValue): string {
  const n = numberOf(value);
  const named = (table: ReadonlyMap<number, string>): string =>
    n === undefined ? shown(value) : (table.get(n) ?? hyphenated(phase1ValueName(type, n), n));
  switch (type) {
    case Phase1Attr.ENCRYPTION_ALGORITHM:
      return `encryption ${named(iosEncryption)}`;
    case Phase1Attr.HASH_ALGORITHM:
      return `hash ${named(iosHash)}`;
    case Phase1Attr.AUTHENTICATION_METHOD:
      return `auth ${named(iosAuth)}`;
    case Phase1Attr.GROUP_DESCRIPTION:
      return `default group ${shown(value)}`;
    case Phase1Attr.LIFE_TYPE:
      return `life type ${lifeType(n)}`;
    case Phase1Attr.LIFE_DURATION:
      return duration('life duration', value);
    case Phase1Attr.KEY_LENGTH:
      return `keylength of ${shown(value)}`;
    default:
      return genericText(
        phase1AttrName(type),
        type,
        value,
        n === undefined ? undefined : phase1ValueName(type, n),
      );
  }
}

/** One phase-2 (IPsec SA) attribute, IOS style. */
export function phase2AttributeText(type: number, value: AttributeValue): string {
  const n = numberOf(value);
  switch (type) {
    case Phase2Attr.SA_LIFE_TYPE:
      return `SA life type ${lifeType(n)}`;
    case Phase2Attr.SA_LIFE_DURATION:
      return duration('SA life duration', value);
    case Phase2Attr.GROUP_DESCRIPTION:
      return `group is ${shown(value)}`;
    case Phase2Attr.ENCAPSULATION_MODE:
      return `encaps is ${shown(value)} (${n === undefined ? '?' : (iosEncapsulation.get(n) ?? 'unknown')})`;
    case Phase2Attr.AUTHENTICATION_ALGORITHM:
      return `authenticator is ${n === undefined ? shown(value) : hyphenated(authName(n), n)}`;
    case Phase2Attr.KEY_LENGTH:
      return `key length is ${shown(value)}`;
    default:
      return genericText(
        phase2AttrName(type),
        type,
        value,
        n === undefined ? undefined : phase2ValueName(type, n),
      );
  }
}

function authName(value: number): string | undefined {
  for (const [name, v] of Object.entries(AuthAlgorithm)) if (v === value) return name;
  return undefined;
}

function genericText(
  name: string,
  type: number,
  value: AttributeValue,
  valueName: string | undefined,
): string {
  const label = name.startsWith('UNKNOWN') ? `attribute ${type}` : name.toLowerCase().replace(/_/g, ' ');
  if (typeof value === 'number') return `${label} ${valueName ?? value}`;
  return `${label} (VPI) of ${vpi(value)}`;
}
