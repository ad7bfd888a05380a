// IPComp in quick mode (RFC 2407 §4.4.1, §4.4.5; RFC 3173 §4.1): a proposal payload of
// protocol IPCOMP with the same proposal number as the ESP one (the two together, RFC 2408
// §4.2), the CPI the sender will decompress with in its SPI field (2 bytes, or 4 with the CPI
// in the low-order two), one transform IPCOMP_LZS or IPCOMP_DEFLATE. The CPI travels the
// way an SPI does: each side picks the one it receives with, the sender uses the other's.
//
// Compression is an optimisation both sides may decline: a responder whose transform set has
// no compression (or another algorithm) answers the ESP part alone, as strongSwan does, and
// an initiator whose offer came back without IPCOMP runs ESP alone.

import {
  CPI_NEGOTIATED_MAX,
  CPI_NEGOTIATED_MIN,
  cpiAcceptable,
  type IpcompAlgorithm,
} from '../policy/ipcomp.js';
import type { TransformSet } from '../policy/model.js';
import {
  attributeNumber,
  numericAttribute,
  IpcompTransformId,
  LifeType,
  Phase2Attr,
  type Attribute,
  type Proposal,
} from '../wire/index.js';
import { ProtocolId } from './constants.js';
import type { IkeEvent } from './events.js';

const CPI_NEGOTIATED_COUNT = CPI_NEGOTIATED_MAX - CPI_NEGOTIATED_MIN + 1;

export interface IpcompChoice {
  readonly algorithm: IpcompAlgorithm;
  /** The CPI we decompress with (the peer puts it in its IPComp headers). */
  readonly inboundCpi: number;
  /** The CPI the peer decompresses with (ours to send). */
  readonly outboundCpi: number;
}

/** The peer's proposal could not be used, and why (for the debug line). */
export interface IpcompDeclined {
  readonly declined: string;
}

export function compressionAlgorithm(ts: TransformSet): IpcompAlgorithm | undefined {
  if (ts.espEncryption === undefined) return undefined;
  if (ts.compression === 'comp-lzs') return 'lzs';
  if (ts.compression === 'comp-deflate') return 'deflate';
  return undefined;
}

const TRANSFORM_ID: Readonly<Record<IpcompAlgorithm, number>> = {
  lzs: IpcompTransformId.IPCOMP_LZS,
  deflate: IpcompTransformId.IPCOMP_DEFLATE,
};

/** IOS's name for the transform in `debug crypto isakmp` ("transform 1, IPPCP_LZS"). */
export function ipcompTransformName(id: number): string {
  if (id === IpcompTransformId.IPCOMP_LZS) return 'IPPCP_LZS';
  if (id === IpcompTransformId.IPCOMP_DEFLATE) return 'IPPCP_DEFLATE';
  return `IPPCP_${id}`;
}

/**
 * Our CPI for an ESP SA we receive on: derived from its SPI, which the host keeps unique, in
 * the negotiated range of RFC 3173 §3.3. The IPComp header is read only inside that ESP SA,
 * so the CPI never selects an SA by itself.
 */
export function cpiForSpi(spi: number): number {
  return CPI_NEGOTIATED_MIN + ((spi >>> 0) % CPI_NEGOTIATED_COUNT);
}

/** The CPI of an IPCOMP proposal's SPI field, undefined for a size RFC 3173 §4.1 does not allow. */
export function cpiOf(spi: Uint8Array): number | undefined {
  if (spi.length === 2) return (spi[0]! << 8) | spi[1]!;
  if (spi.length === 4) return (spi[2]! << 8) | spi[3]!;
  return undefined;
}

/** Initiator: the IPCOMP proposal beside the ESP one of proposal `number`. */
export function ipcompProposal(
  algorithm: IpcompAlgorithm,
  number: number,
  cpi: number,
  p: { encapsulation: number; lifetimeSeconds: number; lifetimeKilobytes: number },
): Proposal {
  return {
    proposalNumber: number,
    protocolId: ProtocolId.IPCOMP,
    spi: Uint8Array.of(cpi >> 8, cpi & 0xff),
    transforms: [
      {
        transformNumber: 1,
        transformId: TRANSFORM_ID[algorithm],
        attributes: [
          numericAttribute(Phase2Attr.ENCAPSULATION_MODE, p.encapsulation),
          numericAttribute(Phase2Attr.SA_LIFE_TYPE, LifeType.SECONDS),
          numericAttribute(Phase2Attr.SA_LIFE_DURATION, p.lifetimeSeconds),
          numericAttribute(Phase2Attr.SA_LIFE_TYPE, LifeType.KILOBYTES),
          numericAttribute(Phase2Attr.SA_LIFE_DURATION, p.lifetimeKilobytes),
        ],
      },
    ],
  };
}

function encapsulationOf(attrs: readonly Attribute[]): number | undefined {
  const a = attrs.find((x) => x.type === Phase2Attr.ENCAPSULATION_MODE);
  return a === undefined ? undefined : attributeNumber(a);
}

/**
 * Responder: our answer to the IPCOMP part of the chosen proposal. `accepted` carries the
 * proposal to return (our CPI in the SPI field as wide as theirs, the one transform taken).
 */
export function answerIpcomp(
  ts: TransformSet,
  offered: readonly Proposal[],
  inboundEspSpi: number,
  espEncapsulation: number,
): { accepted?: { choice: IpcompChoice; reply: Proposal }; declined?: string } | undefined {
  const p = offered.find((x) => x.protocolId === ProtocolId.IPCOMP);
  if (p === undefined) return undefined;
  const algorithm = compressionAlgorithm(ts);
  if (algorithm === undefined) return { declined: `transform set ${ts.name} has no compression` };
  const theirs = cpiOf(p.spi);
  if (theirs === undefined || !cpiAcceptable(theirs))
    return { declined: `CPI ${theirs ?? `of ${p.spi.length} bytes`} is not one a node may choose` };
  const t = p.transforms.find(
    (x) =>
      x.transformId === TRANSFORM_ID[algorithm] &&
      (encapsulationOf(x.attributes) ?? espEncapsulation) === espEncapsulation,
  );
  if (t === undefined) {
    const ids = p.transforms.map((x) => ipcompTransformName(x.transformId)).join(', ');
    return { declined: `offered ${ids}, transform set ${ts.name} wants ${ts.compression ?? ''}` };
  }
  const ours = cpiForSpi(inboundEspSpi);
  const spi =
    p.spi.length === 4 ? Uint8Array.of(0, 0, ours >> 8, ours & 0xff) : Uint8Array.of(ours >> 8, ours & 0xff);
  return {
    accepted: {
      choice: { algorithm, inboundCpi: ours, outboundCpi: theirs },
      reply: { ...p, spi, transforms: [t] },
    },
  };
}

/**
 * Initiator: what the responder's reply says of our IPCOMP offer. Returns undefined when we
 * offered none and got none; throws a string (for BAD-PROPOSAL-SYNTAX) for an answer that is
 * no answer to our offer.
 */
export function ipcompFromReply(
  offeredAlgorithm: IpcompAlgorithm | undefined,
  ourCpi: number | undefined,
  reply: readonly Proposal[],
  /** The number of the fallback proposal the peer chose (ESP alone for a set with compression). */
  fallback?: number,
): { choice?: IpcompChoice; declined?: string; invalid?: string } | undefined {
  const p = reply.find((x) => x.protocolId === ProtocolId.IPCOMP);
  if (p === undefined) {
    if (offeredAlgorithm !== undefined) return { declined: 'the peer answered without IPCOMP' };
    if (fallback !== undefined)
      return { declined: `the peer chose proposal ${fallback}, ESP without IPCOMP` };
    return undefined;
  }
  if (offeredAlgorithm === undefined || ourCpi === undefined)
    return { invalid: 'reply carries an IPCOMP proposal we did not offer' };
  const cpi = cpiOf(p.spi);
  if (cpi === undefined || !cpiAcceptable(cpi))
    return { invalid: `reply IPCOMP CPI ${cpi ?? `of ${p.spi.length} bytes`}` };
  const t = p.transforms[0];
  if (p.transforms.length !== 1 || t?.transformId !== TRANSFORM_ID[offeredAlgorithm])
    return { invalid: 'reply IPCOMP transform differs from our offer' };
  return { choice: { algorithm: offeredAlgorithm, inboundCpi: ourCpi, outboundCpi: cpi } };
}

/**
 * The transform sets to offer, in order: a set with compression twice, ESP with IPCOMP and
 * then ESP alone, for a peer that does not compress (strongSwan then considers only
 * single-protocol proposals).
 */
export function withCompressionFallback(
  sets: readonly TransformSet[],
): { ts: TransformSet; algorithm?: IpcompAlgorithm }[] {
  return sets.flatMap((ts) => {
    const algorithm = compressionAlgorithm(ts);
    return algorithm === undefined ? [{ ts }] : [{ ts, algorithm }, { ts }];
  });
}

/** The debug's account of IPComp in one quick mode, when there is something to say. */
export function ipcompEvent(
  sink: { emit(e: IkeEvent): void },
  connId: number,
  messageId: number,
  choice: IpcompChoice | undefined,
  declined: string | undefined,
): void {
  if (choice === undefined && declined === undefined) return;
  sink.emit({
    type: 'ipcomp',
    connId,
    messageId,
    ...(choice ? { choice } : {}),
    ...(declined !== undefined ? { declined } : {}),
  });
}
