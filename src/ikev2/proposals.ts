// Choosing from the peer's SA payload (RFC 7296 §2.7, §3.3.6): the responder picks one proposal
// and, of each transform type, one transform; it answers with that proposal alone. We walk our
// proposals in our order of preference (as IOS and strongSwan do) and take the first of theirs
// that offers, for every type ours needs, a transform we have. A refusal names the type that
// found no match, with their transforms and ours.

import {
  Encr,
  Esn,
  Integ,
  type Ikev2Proposal,
  type Ikev2Transform,
  keyLengthOf,
  nameOf,
  Prf,
  ProtocolId,
  TransformType,
} from '../wire/ikev2/index.js';

export type Choice = { readonly chosen: Ikev2Proposal } | { readonly refused: string };

const AEAD: readonly number[] = [Encr.AES_GCM_8, Encr.AES_GCM_12, Encr.AES_GCM_16, Encr.CHACHA20_POLY1305];

function sameTransform(a: Ikev2Transform, b: Ikev2Transform): boolean {
  return (
    a.transformType === b.transformType &&
    a.transformId === b.transformId &&
    keyLengthOf(a) === keyLengthOf(b)
  );
}

export function describeTransform(t: Ikev2Transform): string {
  const table =
    t.transformType === TransformType.ENCR
      ? Encr
      : t.transformType === TransformType.PRF
        ? Prf
        : t.transformType === TransformType.INTEG
          ? Integ
          : t.transformType === TransformType.ESN
            ? Esn
            : {};
  const name =
    t.transformType === TransformType.DH ? `DH_GROUP_${t.transformId}` : nameOf(table, t.transformId);
  const bits = keyLengthOf(t);
  return bits === undefined ? name : `${name}_${bits}`;
}

const TYPE_NAMES: Readonly<Record<number, string>> = { 1: 'ENCR', 2: 'PRF', 3: 'INTEG', 4: 'DH', 5: 'ESN' };

function isAead(p: Ikev2Proposal): boolean {
  return p.transforms.some((t) => t.transformType === TransformType.ENCR && AEAD.includes(t.transformId));
}

/** The transform types a proposal of ours must agree on. */
function typesOf(ours: Ikev2Proposal): number[] {
  return [...new Set(ours.transforms.map((t) => t.transformType))];
}

function match(ours: Ikev2Proposal, theirs: Ikev2Proposal): Ikev2Proposal | string {
  if (ours.protocolId !== theirs.protocolId)
    return `protocol ${theirs.protocolId} offered, ${ours.protocolId} wanted`;
  const picked: Ikev2Transform[] = [];
  for (const type of typesOf(ours)) {
    const mine = ours.transforms.filter((t) => t.transformType === type);
    const offered = theirs.transforms.filter((t) => t.transformType === type);
    // §3.3.3: a missing ESN transform means no extended sequence numbers.
    const candidates =
      type === TransformType.ESN && offered.length === 0
        ? [{ transformType: TransformType.ESN, transformId: Esn.NO, attributes: [] }]
        : offered;
    const found = mine.find((m) => candidates.some((o) => sameTransform(m, o)));
    if (!found) {
      const list = (ts: readonly Ikev2Transform[]): string => ts.map(describeTransform).join(', ') || 'none';
      return `${TYPE_NAMES[type] ?? type}: offered ${list(offered)}, ours ${list(mine)}`;
    }
    if (type !== TransformType.ESN || offered.length > 0) picked.push(found);
  }
  // An AEAD cipher carries its own integrity (RFC 5282 §8): an INTEG transform other than NONE is an error.
  if (
    isAead(theirs) &&
    picked.some((t) => t.transformType === TransformType.INTEG && t.transformId !== Integ.NONE)
  ) {
    return 'INTEG offered with an AEAD cipher';
  }
  return { number: theirs.number, protocolId: theirs.protocolId, spi: theirs.spi, transforms: picked };
}

/** The responder's choice among the peer's proposals. */
export function chooseProposal(ours: readonly Ikev2Proposal[], theirs: readonly Ikev2Proposal[]): Choice {
  const reasons: string[] = [];
  for (const mine of ours) {
    for (const offered of theirs) {
      const r = match(mine, offered);
      if (typeof r !== 'string') return { chosen: r };
      reasons.push(`proposal ${offered.number}: ${r}`);
    }
  }
  return { refused: reasons[0] ?? 'no proposal offered' };
}

/** The initiator's check of the responder's answer: one proposal, made of transforms we offered. */
export function acceptChosen(offered: readonly Ikev2Proposal[], answer: readonly Ikev2Proposal[]): Choice {
  const [chosen] = answer;
  if (!chosen || answer.length !== 1) return { refused: `${answer.length} proposals in the answer` };
  const ours = offered.find((p) => p.number === chosen.number && p.protocolId === chosen.protocolId);
  if (!ours) return { refused: `proposal ${chosen.number} was not offered` };
  const types = chosen.transforms.map((t) => t.transformType);
  if (new Set(types).size !== types.length) return { refused: 'two transforms of one type in the answer' };
  for (const t of chosen.transforms) {
    if (!ours.transforms.some((o) => sameTransform(o, t)))
      return { refused: `${describeTransform(t)} was not offered` };
  }
  for (const type of typesOf(ours)) {
    if (type !== TransformType.ESN && !types.includes(type))
      return { refused: `no ${TYPE_NAMES[type] ?? type} in the answer` };
  }
  return { chosen };
}

/** The DH group a chosen (or our first) IKE proposal names. */
export function dhGroupOf(p: Ikev2Proposal): number | undefined {
  return p.transforms.find((t) => t.transformType === TransformType.DH)?.transformId;
}

/** Every DH group our IKE proposals allow, in order (for INVALID_KE_PAYLOAD). */
export function dhGroupsOf(proposals: readonly Ikev2Proposal[]): number[] {
  return [
    ...new Set(
      proposals.flatMap((p) =>
        p.transforms.filter((t) => t.transformType === TransformType.DH).map((t) => t.transformId),
      ),
    ),
  ];
}

/** Our ESP proposals with `spi` as their SPI. */
export function withSpi(proposals: readonly Ikev2Proposal[], spi: Uint8Array): Ikev2Proposal[] {
  return proposals.map((p) => ({ ...p, protocolId: ProtocolId.ESP, spi }));
}
