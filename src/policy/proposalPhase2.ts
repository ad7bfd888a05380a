// Phase-2 (quick mode) proposal choice against the crypto map's transform sets, PFS group
// and SA lifetime. Lifetimes are lenient (the chapter, "IKE Phase 2 (Quick Mode): Sending
// Message 1" note): a longer offer is lowered to ours and reported with RESPONDER-LIFETIME;
// a shorter one is adopted. PFS cannot be negotiated: a configured group must be offered
// exactly; a responder without `set pfs` agrees to the initiator's group (IOS behaviour).

import type {
  AhIntegrity,
  EspEncryption,
  EspIntegrity,
  IpsecMode,
  SaLifetime,
  TransformSet,
} from './model.js';

export interface Phase2TransformOffer {
  readonly transformNumber: number;
  /** `esp-3des`, `esp-aes`, ... or `ah-sha-hmac`, ...; unknown ids as strings. */
  readonly algorithm: EspEncryption | AhIntegrity | string;
  readonly keyBits?: number;
  /** ESP authenticator; undefined for none. For AH it repeats the algorithm. */
  readonly integrity?: EspIntegrity | AhIntegrity | string;
  /** 'unknown' for an encapsulation value we do not know (it never matches). */
  readonly mode: IpsecMode | 'unknown';
  readonly lifetimeSeconds?: number;
  readonly lifetimeKilobytes?: number;
  readonly group?: number;
}

export interface Phase2ProtocolOffer {
  readonly protocol: 'esp' | 'ah';
  readonly transforms: readonly Phase2TransformOffer[];
}

export interface Phase2ProposalOffer {
  readonly proposalNumber: number;
  readonly protocols: readonly Phase2ProtocolOffer[];
}

export interface Phase2Policy {
  readonly transformSets: readonly TransformSet[];
  readonly pfsGroup?: number;
  readonly lifetime: SaLifetime;
}

export interface Phase2Check {
  readonly proposalNumber: number;
  readonly transformSet: string;
  readonly mismatch?: { readonly attribute: string; readonly ours: string; readonly theirs: string };
}

export interface Phase2Chosen {
  readonly proposalNumber: number;
  readonly transformSet: TransformSet;
  readonly transforms: readonly {
    readonly protocol: 'esp' | 'ah';
    readonly transform: Phase2TransformOffer;
  }[];
  readonly lifetimeSeconds: number;
  readonly lifetimeKilobytes: number;
  /** True when we lowered the offered lifetime: send RESPONDER-LIFETIME. */
  readonly responderLifetime: boolean;
  readonly group?: number;
}

export interface Phase2Choice {
  readonly checks: readonly Phase2Check[];
  readonly chosen?: Phase2Chosen;
}

function espKeyBits(ts: TransformSet): number | undefined {
  if (ts.espEncryption === 'esp-aes' || ts.espEncryption === 'esp-gcm') return ts.espKeyBits ?? 128;
  return undefined;
}

type Mismatch = NonNullable<Phase2Check['mismatch']>;

function checkTransform(
  p: 'esp' | 'ah',
  t: Phase2TransformOffer,
  ts: TransformSet,
  policy: Phase2Policy,
): Mismatch | undefined {
  if (p === 'esp') {
    if (ts.espEncryption === undefined) return { attribute: 'protocol', ours: 'no ESP', theirs: 'ESP' };
    if (t.algorithm !== ts.espEncryption)
      return { attribute: 'encryption', ours: ts.espEncryption, theirs: t.algorithm };
    const bits = espKeyBits(ts);
    if (bits !== undefined && (t.keyBits ?? 128) !== bits)
      return { attribute: 'key length', ours: String(bits), theirs: String(t.keyBits ?? 128) };
    if ((t.integrity ?? 'none') !== (ts.espIntegrity ?? 'none'))
      return { attribute: 'authenticator', ours: ts.espIntegrity ?? 'none', theirs: t.integrity ?? 'none' };
  } else {
    if (ts.ah === undefined) return { attribute: 'protocol', ours: 'no AH', theirs: 'AH' };
    if (t.algorithm !== ts.ah) return { attribute: 'authenticator', ours: ts.ah, theirs: t.algorithm };
  }
  if (t.mode !== ts.mode) return { attribute: 'encapsulation', ours: ts.mode, theirs: t.mode };
  if (policy.pfsGroup !== undefined && t.group !== policy.pfsGroup)
    return {
      attribute: 'PFS group',
      ours: `group${policy.pfsGroup}`,
      theirs: t.group === undefined ? 'no PFS' : `group${t.group}`,
    };
  return undefined;
}

export function choosePhase2(offers: readonly Phase2ProposalOffer[], policy: Phase2Policy): Phase2Choice {
  const checks: Phase2Check[] = [];
  for (const offer of offers) {
    for (const ts of policy.transformSets) {
      const wanted: ('esp' | 'ah')[] = [];
      if (ts.ah) wanted.push('ah');
      if (ts.espEncryption) wanted.push('esp');
      const offered = offer.protocols.map((p) => p.protocol);
      if (wanted.length !== offered.length || !wanted.every((w) => offered.includes(w))) {
        checks.push({
          proposalNumber: offer.proposalNumber,
          transformSet: ts.name,
          mismatch: { attribute: 'protocols', ours: wanted.join('+'), theirs: offered.join('+') },
        });
        continue;
      }
      const picked: { protocol: 'esp' | 'ah'; transform: Phase2TransformOffer }[] = [];
      let last: Mismatch | undefined;
      for (const part of offer.protocols) {
        const hit = part.transforms.find((t) => {
          const m = checkTransform(part.protocol, t, ts, policy);
          if (m) last = m;
          return m === undefined;
        });
        if (!hit) break;
        picked.push({ protocol: part.protocol, transform: hit });
      }
      if (picked.length !== offer.protocols.length) {
        checks.push({
          proposalNumber: offer.proposalNumber,
          transformSet: ts.name,
          ...(last ? { mismatch: last } : {}),
        });
        continue;
      }
      checks.push({ proposalNumber: offer.proposalNumber, transformSet: ts.name });
      const first = picked[0]?.transform;
      const offeredSeconds = first?.lifetimeSeconds;
      const offeredKb = first?.lifetimeKilobytes;
      const seconds =
        offeredSeconds === undefined
          ? policy.lifetime.seconds
          : Math.min(offeredSeconds, policy.lifetime.seconds);
      const kilobytes =
        offeredKb === undefined ? policy.lifetime.kilobytes : Math.min(offeredKb, policy.lifetime.kilobytes);
      const responderLifetime =
        (offeredSeconds !== undefined && offeredSeconds > seconds) ||
        (offeredKb !== undefined && offeredKb > kilobytes);
      const group = first?.group;
      return {
        checks,
        chosen: {
          proposalNumber: offer.proposalNumber,
          transformSet: ts,
          transforms: picked,
          lifetimeSeconds: seconds,
          lifetimeKilobytes: kilobytes,
          responderLifetime,
          ...(group !== undefined ? { group } : {}),
        },
      };
    }
  }
  return { checks };
}
