// Transform sets <-> quick-mode proposals (RFC 2407 §4.4-4.5), key lengths for KEYMAT and
// the debug's descriptions ("transform 1, ESP_3DES", "encaps is 1", "authenticator is HMAC-MD5").

import type { AhIntegrity, EspEncryption, EspIntegrity, IpsecMode, TransformSet } from '../policy/model.js';
import type { EspCipher, IntegrityAlg } from '../policy/sa.js';
import { espCipherOf, integrityOf } from '../policy/transformSet.js';
import type { Phase2ProposalOffer, Phase2TransformOffer } from '../policy/proposalPhase2.js';
import {
  attributeNumber,
  numericAttribute,
  type Attribute,
  type Proposal,
  AhTransformId,
  AuthAlgorithm,
  EncapsulationMode,
  EspTransformId,
  LifeType,
  Phase2Attr,
} from '../wire/index.js';
import { ProtocolId } from './constants.js';
import { ipcompTransformName } from './ipcompNegotiation.js';
import type { Phase2TransformDescription } from './events.js';
import { uint32Bytes } from '../crypto/index.js';

const ESP_IDS: Readonly<Record<EspEncryption, number>> = {
  'esp-des': EspTransformId.ESP_DES,
  'esp-3des': EspTransformId.ESP_3DES,
  'esp-aes': EspTransformId.ESP_AES_CBC,
  'esp-gcm': EspTransformId.ESP_AES_GCM_16,
  'esp-null': EspTransformId.ESP_NULL,
};
const ESP_AUTH: Readonly<Record<EspIntegrity, number>> = {
  'esp-md5-hmac': AuthAlgorithm.HMAC_MD5,
  'esp-sha-hmac': AuthAlgorithm.HMAC_SHA,
  'esp-sha256-hmac': AuthAlgorithm.HMAC_SHA2_256,
  'esp-sha384-hmac': AuthAlgorithm.HMAC_SHA2_384,
  'esp-sha512-hmac': AuthAlgorithm.HMAC_SHA2_512,
};
const AH_IDS: Readonly<Record<AhIntegrity, [number, number]>> = {
  'ah-md5-hmac': [AhTransformId.AH_MD5, AuthAlgorithm.HMAC_MD5],
  'ah-sha-hmac': [AhTransformId.AH_SHA, AuthAlgorithm.HMAC_SHA],
  'ah-sha256-hmac': [AhTransformId.AH_SHA2_256, AuthAlgorithm.HMAC_SHA2_256],
  'ah-sha384-hmac': [AhTransformId.AH_SHA2_384, AuthAlgorithm.HMAC_SHA2_384],
  'ah-sha512-hmac': [AhTransformId.AH_SHA2_512, AuthAlgorithm.HMAC_SHA2_512],
};

export interface OfferParams {
  readonly encapsulation: number; // Encapsulation value on the wire
  readonly lifetimeSeconds: number;
  readonly lifetimeKilobytes: number;
  readonly pfsGroup?: number;
}

function commonAttributes(p: OfferParams): Attribute[] {
  // IOS order (Example 13-3): encaps, life seconds, life kilobytes, then algorithm attributes.
  return [
    numericAttribute(Phase2Attr.ENCAPSULATION_MODE, p.encapsulation),
    numericAttribute(Phase2Attr.SA_LIFE_TYPE, LifeType.SECONDS),
    numericAttribute(Phase2Attr.SA_LIFE_DURATION, p.lifetimeSeconds),
    numericAttribute(Phase2Attr.SA_LIFE_TYPE, LifeType.KILOBYTES),
    numericAttribute(Phase2Attr.SA_LIFE_DURATION, p.lifetimeKilobytes),
  ];
}

/** One proposal number per transform set; AH before ESP in a bundle (RFC 2401 order). */
export function proposalsForTransformSet(
  ts: TransformSet,
  number: number,
  spis: { ah?: number; esp?: number },
  p: OfferParams,
): Proposal[] {
  const out: Proposal[] = [];
  const group: Attribute[] =
    p.pfsGroup !== undefined ? [numericAttribute(Phase2Attr.GROUP_DESCRIPTION, p.pfsGroup)] : [];
  if (ts.ah && spis.ah !== undefined) {
    const [id, auth] = AH_IDS[ts.ah];
    out.push({
      proposalNumber: number,
      protocolId: ProtocolId.AH,
      spi: spiBytes(spis.ah),
      transforms: [
        {
          transformNumber: 1,
          transformId: id,
          attributes: [
            ...commonAttributes(p),
            numericAttribute(Phase2Attr.AUTHENTICATION_ALGORITHM, auth),
            ...group,
          ],
        },
      ],
    });
  }
  if (ts.espEncryption && spis.esp !== undefined) {
    const attrs = [...commonAttributes(p)];
    if (ts.espIntegrity)
      attrs.push(numericAttribute(Phase2Attr.AUTHENTICATION_ALGORITHM, ESP_AUTH[ts.espIntegrity]));
    attrs.push(...group);
    if (ts.espEncryption === 'esp-aes' || ts.espEncryption === 'esp-gcm')
      attrs.push(numericAttribute(Phase2Attr.KEY_LENGTH, ts.espKeyBits ?? 128));
    out.push({
      proposalNumber: number,
      protocolId: ProtocolId.ESP,
      spi: spiBytes(spis.esp),
      transforms: [{ transformNumber: 1, transformId: ESP_IDS[ts.espEncryption], attributes: attrs }],
    });
  }
  return out;
}

export function spiBytes(spi: number): Uint8Array {
  return uint32Bytes(spi >>> 0);
}
export function spiNumber(b: Uint8Array): number {
  return b.length === 4
    ? (((b[0] ?? 0) << 24) | ((b[1] ?? 0) << 16) | ((b[2] ?? 0) << 8) | (b[3] ?? 0)) >>> 0
    : 0;
}

function modeOf(encaps: number | undefined): { mode: IpsecMode; udp: boolean } | undefined {
  switch (encaps ?? EncapsulationMode.TUNNEL) {
    case EncapsulationMode.TUNNEL:
      return { mode: 'tunnel', udp: false };
    case EncapsulationMode.TRANSPORT:
      return { mode: 'transport', udp: false };
    case EncapsulationMode.UDP_ENCAPSULATED_TUNNEL:
    case EncapsulationMode.UDP_ENCAPSULATED_TUNNEL_DRAFT:
      return { mode: 'tunnel', udp: true };
    case EncapsulationMode.UDP_ENCAPSULATED_TRANSPORT:
    case EncapsulationMode.UDP_ENCAPSULATED_TRANSPORT_DRAFT:
      return { mode: 'transport', udp: true };
    default:
      return undefined;
  }
}

export interface DecodedTransform extends Phase2TransformOffer {
  readonly udp: boolean;
  readonly encapsulation: number;
}

export function decodeTransform(protocol: number, t: Proposal['transforms'][number]): DecodedTransform {
  let encaps: number | undefined;
  let lifeType = 0;
  let seconds: number | undefined;
  let kilobytes: number | undefined;
  let auth: number | undefined;
  let group: number | undefined;
  let keyBits: number | undefined;
  for (const a of t.attributes) {
    // A TLV too long for a number matches no policy.
    const v = attributeNumber(a) ?? Number.MAX_SAFE_INTEGER;
    if (a.type === Phase2Attr.ENCAPSULATION_MODE) encaps = v;
    else if (a.type === Phase2Attr.SA_LIFE_TYPE) lifeType = v;
    else if (a.type === Phase2Attr.SA_LIFE_DURATION) {
      if (lifeType === LifeType.SECONDS) seconds = v;
      else if (lifeType === LifeType.KILOBYTES) kilobytes = Math.max(1, v);
    } else if (a.type === Phase2Attr.AUTHENTICATION_ALGORITHM) auth = v;
    else if (a.type === Phase2Attr.GROUP_DESCRIPTION) group = v;
    else if (a.type === Phase2Attr.KEY_LENGTH) keyBits = v;
  }
  const m = modeOf(encaps) ?? { mode: 'tunnel' as const, udp: false };
  let algorithm: string;
  let integrity: string | undefined;
  if (protocol === ProtocolId.AH) {
    const e = Object.entries(AH_IDS).find(
      ([, [id, a]]) => id === t.transformId && (auth === undefined || a === auth),
    );
    algorithm = e ? e[0] : `AH transform ${t.transformId}`;
    integrity = algorithm;
  } else {
    const e = Object.entries(ESP_IDS).find(([, id]) => id === t.transformId);
    algorithm = e ? e[0] : `ESP transform ${t.transformId}`;
    const ia = auth === undefined ? undefined : Object.entries(ESP_AUTH).find(([, id]) => id === auth);
    integrity = auth === undefined ? undefined : ia ? ia[0] : `auth ${auth}`;
  }
  return {
    transformNumber: t.transformNumber,
    algorithm,
    ...(keyBits !== undefined ? { keyBits } : {}),
    ...(integrity !== undefined ? { integrity } : {}),
    mode: modeOf(encaps)?.mode ?? 'unknown',
    ...(seconds !== undefined ? { lifetimeSeconds: seconds } : {}),
    ...(kilobytes !== undefined ? { lifetimeKilobytes: kilobytes } : {}),
    ...(group !== undefined ? { group } : {}),
    udp: m.udp,
    encapsulation: encaps ?? EncapsulationMode.TUNNEL,
  };
}

/** Groups proposal payloads with the same number into bundles (RFC 2408 §4.2). */
export function offersOf(proposals: readonly Proposal[]): Phase2ProposalOffer[] {
  const byNumber = new Map<number, Proposal[]>();
  for (const p of proposals) byNumber.set(p.proposalNumber, [...(byNumber.get(p.proposalNumber) ?? []), p]);
  return [...byNumber.entries()].map(([n, ps]) => ({
    proposalNumber: n,
    protocols: ps
      .filter((p) => p.protocolId === ProtocolId.ESP || p.protocolId === ProtocolId.AH)
      .map((p) => ({
        protocol: p.protocolId === ProtocolId.AH ? ('ah' as const) : ('esp' as const),
        transforms: p.transforms.map((t) => decodeTransform(p.protocolId, t)),
      })),
  }));
}

const ESP_DEBUG: Readonly<Record<number, string>> = {
  2: 'ESP_DES',
  3: 'ESP_3DES',
  11: 'ESP_NULL',
  12: 'ESP_AES',
  18: 'ESP_AES_GCM_8',
  19: 'ESP_AES_GCM_12',
  20: 'ESP_AES_GCM_16',
};
const AH_DEBUG: Readonly<Record<number, string>> = {
  2: 'AH_MD5',
  3: 'AH_SHA',
  5: 'AH_SHA256',
  6: 'AH_SHA384',
  7: 'AH_SHA512',
};
const AUTH_DEBUG: Readonly<Record<number, string>> = {
  1: 'HMAC-MD5',
  2: 'HMAC-SHA',
  5: 'HMAC-SHA256',
  6: 'HMAC-SHA384',
  7: 'HMAC-SHA512',
};

function vpi(v: Uint8Array): string {
  return Array.from(v, (b) => `0x${b.toString(16)}`).join(' ');
}

/** The IOS lines for one transform (Example 13-3 "attributes in transform"). */
export function describeTransforms(p: Proposal): Phase2TransformDescription[] {
  const proto = p.protocolId === ProtocolId.AH ? 'ah' : p.protocolId === ProtocolId.IPCOMP ? 'ipcomp' : 'esp';
  return p.transforms.map((t) => {
    const attrs: string[] = [];
    for (const a of t.attributes) {
      const v = attributeNumber(a) ?? Number.MAX_SAFE_INTEGER;
      const dur = typeof a.value === 'number' ? `(basic) of ${a.value}` : `(VPI) of  ${vpi(a.value)}`;
      switch (a.type) {
        case Phase2Attr.ENCAPSULATION_MODE:
          attrs.push(`encaps is ${v}`);
          break;
        case Phase2Attr.SA_LIFE_TYPE:
          attrs.push(v === LifeType.SECONDS ? 'SA life type in seconds' : 'SA life type in kilobytes');
          break;
        case Phase2Attr.SA_LIFE_DURATION:
          attrs.push(`SA life duration ${dur}`);
          break;
        case Phase2Attr.AUTHENTICATION_ALGORITHM:
          attrs.push(`authenticator is ${AUTH_DEBUG[v] ?? String(v)}`);
          break;
        case Phase2Attr.GROUP_DESCRIPTION:
          attrs.push(`group is ${v}`);
          break;
        case Phase2Attr.KEY_LENGTH:
          attrs.push(`key length is ${v}`);
          break;
        default:
          attrs.push(`attribute ${a.type} is ${v}`);
      }
    }
    const tid = t.transformId;
    const id =
      proto === 'ah'
        ? (AH_DEBUG[tid] ?? `AH_${tid}`)
        : proto === 'ipcomp'
          ? ipcompTransformName(tid)
          : (ESP_DEBUG[tid] ?? `ESP_${tid}`);
    return { number: t.transformNumber, protocol: proto, id, attributes: attrs };
  });
}

/** What the data plane needs per protocol, with KEYMAT lengths. */
export interface SaAlgorithms {
  readonly cipher?: EspCipher;
  readonly cipherKeyBits?: number;
  readonly encKeyLength: number;
  readonly integrity: IntegrityAlg;
  readonly integKeyLength: number;
}

/** Key lengths from src/policy's algorithm table (RFC 2403/2404/4868: HMAC key = hash length). */
export function algorithmsFor(protocol: 'esp' | 'ah', ts: TransformSet): SaAlgorithms {
  if (protocol === 'ah') {
    const { alg, keyBits } = integrityOf(ts.ah ?? 'ah-sha-hmac');
    return { encKeyLength: 0, integrity: alg, integKeyLength: keyBits / 8 };
  }
  const i = ts.espIntegrity ? integrityOf(ts.espIntegrity) : { alg: 'none' as const, keyBits: 0 };
  const { cipher, keyBits } = ts.espEncryption
    ? espCipherOf(ts.espEncryption, ts.espKeyBits)
    : { cipher: 'null' as const, keyBits: 0 };
  // RFC 4106 §8.1: GCM has no separate authenticator; KEYMAT carries the 4-byte salt after the key.
  if (cipher === 'aes-gcm-16')
    return {
      cipher,
      cipherKeyBits: keyBits,
      encKeyLength: keyBits / 8 + 4,
      integrity: 'none',
      integKeyLength: 0,
    };
  return {
    cipher,
    ...(cipher === 'aes-cbc' ? { cipherKeyBits: keyBits } : {}),
    encKeyLength: keyBits / 8,
    integrity: i.alg,
    integKeyLength: i.keyBits / 8,
  };
}

/** "esp-3des esp-md5-hmac" as IOS prints a transform set. */
export function transformText(ts: TransformSet): string {
  const parts: string[] = [];
  if (ts.ah) parts.push(ts.ah);
  if (ts.espEncryption)
    parts.push(ts.espEncryption + (ts.espKeyBits && ts.espKeyBits !== 128 ? ` ${ts.espKeyBits}` : ''));
  if (ts.espIntegrity) parts.push(ts.espIntegrity);
  return parts.join(' ');
}
