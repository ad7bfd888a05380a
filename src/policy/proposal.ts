// Phase-1 proposal choice as IOS does it: each local `crypto isakmp policy`, in priority
// order, is checked against every offered transform ("Checking ISAKMP transform 1 against
// priority 1 policy"); the first transform whose attributes all match wins. The IKE lifetime
// rule is strict (the chapter, "IKE Phase 1 (Main Mode): Sending Message 2"): an offer whose
// lifetime exceeds the policy's is unacceptable. Plain data in, plain data out: the IKE engine
// turns wire attributes into Phase1Offer and renders the checks as debug lines.

import type { DhGroup, IkeAuthentication, IkeEncryption, IkeHash, IsakmpPolicy } from './model.js';

/** One offered phase-1 transform, decoded. Unknown algorithm ids are kept as strings. */
export interface Phase1Offer {
  readonly transformNumber: number;
  readonly encryption: IkeEncryption | string;
  readonly hash: IkeHash | string;
  readonly authentication: IkeAuthentication | string;
  readonly group: DhGroup | number;
  /** Absent when the offer carries no lifetime in seconds (RFC 2407 default applies). */
  readonly lifetimeSeconds?: number;
  readonly lifetimeKilobytes?: number;
}

export type Phase1Attribute = 'encryption' | 'hash' | 'authentication' | 'group' | 'lifetime';

export interface Phase1Check {
  readonly transformNumber: number;
  readonly priority: number;
  readonly offer: Phase1Offer;
  /** Undefined when the attributes are acceptable. */
  readonly mismatch?: { readonly attribute: Phase1Attribute; readonly ours: string; readonly theirs: string };
}

export interface Phase1Choice {
  readonly checks: readonly Phase1Check[];
  readonly chosen?: { readonly offer: Phase1Offer; readonly policy: IsakmpPolicy };
}

export function checkPhase1(offer: Phase1Offer, policy: IsakmpPolicy): Phase1Check['mismatch'] {
  if (offer.encryption !== policy.encryption)
    return { attribute: 'encryption', ours: policy.encryption, theirs: String(offer.encryption) };
  if (offer.hash !== policy.hash) return { attribute: 'hash', ours: policy.hash, theirs: String(offer.hash) };
  if (offer.authentication !== policy.authentication)
    return { attribute: 'authentication', ours: policy.authentication, theirs: String(offer.authentication) };
  if (offer.group !== policy.group)
    return { attribute: 'group', ours: String(policy.group), theirs: String(offer.group) };
  if (offer.lifetimeSeconds !== undefined && offer.lifetimeSeconds > policy.lifetimeSeconds)
    return {
      attribute: 'lifetime',
      ours: String(policy.lifetimeSeconds),
      theirs: String(offer.lifetimeSeconds),
    };
  return undefined;
}

/** Policies are taken in priority order whatever order the array has. */
export function choosePhase1(
  offers: readonly Phase1Offer[],
  policies: readonly IsakmpPolicy[],
): Phase1Choice {
  const sorted = [...policies].sort((a, b) => a.priority - b.priority);
  const checks: Phase1Check[] = [];
  for (const policy of sorted) {
    for (const offer of offers) {
      const mismatch = checkPhase1(offer, policy);
      checks.push(
        mismatch
          ? { transformNumber: offer.transformNumber, priority: policy.priority, offer, mismatch }
          : { transformNumber: offer.transformNumber, priority: policy.priority, offer },
      );
      if (!mismatch) return { checks, chosen: { offer, policy } };
    }
  }
  return { checks };
}

/** What the initiator offers: one transform per policy, in priority order. */
export function phase1OffersFromPolicies(policies: readonly IsakmpPolicy[]): Phase1Offer[] {
  return [...policies]
    .sort((a, b) => a.priority - b.priority)
    .map((p, i) => ({
      transformNumber: i + 1,
      encryption: p.encryption,
      hash: p.hash,
      authentication: p.authentication,
      group: p.group,
      lifetimeSeconds: p.lifetimeSeconds,
    }));
}
