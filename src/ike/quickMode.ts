// Quick mode (RFC 2409 §5.5), one node per message ID, both roles:
//   I: QM1 *[HASH(1) SA Ni [KE] [IDci IDcr] [NAT-OA NAT-OA]]
//   R: QM2 *[HASH(2) SA Nr [KE] [IDci IDcr] [N(RESPONDER-LIFETIME)]]
//   I: QM3 *[HASH(3)]
// States and debug lines follow Examples 13-3 and 13-5 (IKE_QM_I_QM1, IKE_QM_SPI_STARVE, ...).

import { timingSafeEqual } from 'node:crypto';
import type { CryptoMapEntry, SaLifetime, TrafficSelector, TransformSet } from '../policy/model.js';
import type { IpsecSa, IpsecSaPair } from '../policy/sa.js';
import type { Phase2Entry, Phase2Refusal } from '../policy/cryptoMap.js';
import { choosePhase2 } from '../policy/proposalPhase2.js';
import {
  attributeNumber,
  DecodeError,
  Doi,
  EncapsulationMode,
  encodePayloads,
  findPayload,
  LifeType,
  numericAttribute,
  payloadBody,
  payloadLengths,
  payloadsOfType,
  Phase2Attr,
  responderLifetimeAttributes,
  responderLifetimeNotify,
  Situation,
  type Attribute,
  type IdPayload,
  type NotificationPayload,
  type Payload,
  type Proposal,
} from '../wire/index.js';
import { idBodyOf, idPayloadOf } from './idBody.js';
import { decodeBody } from './message.js';
import { NotifyType, PayloadType, ProtocolId } from './constants.js';
import type { IkeEvent, QuickModeState, SaPairSummary } from './events.js';
import type { IkeSa } from './ikeSa.js';
import type { ExchangeInput, ExchangeRegistration, ExchangeTask } from './exchange.js';
import {
  algorithmsFor,
  decodeTransform,
  describeTransforms,
  offersOf,
  proposalsForTransformSet,
  spiBytes,
  spiNumber,
  transformText,
} from './ipsecTransforms.js';
import {
  dhExchange,
  dhPrivateLength,
  dhSupported,
  InvalidKeError,
  keymat,
  quickModeHash1,
  quickModeHash2,
  quickModeHash3,
  type DhExchange,
} from './keys.js';
import {
  answerIpcomp,
  compressionAlgorithm,
  cpiForSpi,
  ipcompEvent,
  ipcompFromReply,
  ipcompProposal,
  withCompressionFallback,
  type IpcompChoice,
} from './ipcompNegotiation.js';
import { mirror, proxyIdBody, proxyIdProblem, proxyIdRange } from './selectors.js';
import { settle, settleBuild, type Failed, type Task, type TaskResult } from './task.js';
import type { Rng } from './types.js';

export const CONNECTED = 16384;

/**
 * The PFS group and KE data of a first quick-mode message (RFC 2409 §5.5: the KE is for the
 * group every proposal names), so the responder's exponentiations can run before its task.
 */
export function offeredPfs(payloads: readonly Payload[]): { group: number; ke: Uint8Array } | undefined {
  const ke = findPayload(payloads, PayloadType.KE);
  const p = findPayload(payloads, PayloadType.SA)?.proposals[0];
  const t = p?.transforms[0];
  if (!ke || !p || !t) return undefined;
  const group = decodeTransform(p.protocolId, t).group;
  return group === undefined ? undefined : { group, ke: ke.data };
}

const IPSEC_PROTOCOLS: ReadonlySet<number> = new Set([ProtocolId.AH, ProtocolId.ESP, ProtocolId.IPCOMP]);

export interface QuickModeContext {
  readonly rng: Rng;
  readonly now: number;
  emit(e: IkeEvent): void;
  allocateSpi(): number;
  /** Responder: the crypto map entry that covers this peer and selector (our view). */
  findPolicy(sa: IkeSa, selector: TrafficSelector): Phase2Entry | Phase2Refusal;
  transformSetsOf(entry: CryptoMapEntry): TransformSet[];
  lifetimeOf(entry: CryptoMapEntry): SaLifetime;
}

export class QuickModeFailure extends Error {
  constructor(
    readonly notify: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * A quick-mode refusal. One the HASH did not verify (or that does not even decode) is not
 * authentic: it is dropped, never answered.
 */
function quickModeFailed(e: unknown): Failed | undefined {
  if (e instanceof DecodeError)
    return { status: 'failed', notify: e.notify, reason: e.message, verified: false };
  if (!(e instanceof QuickModeFailure)) return undefined;
  const verified = e.notify !== NotifyType.INVALID_HASH_INFORMATION;
  return { status: 'failed', notify: e.notify, reason: e.message, verified };
}

const quickModeDone = (step: QmStep): boolean => step.done === true;

export interface QmStep {
  readonly send?: readonly Payload[];
  readonly expectReply?: boolean;
  readonly commit?: boolean;
  readonly install?: readonly IpsecSaPair[];
  readonly done?: boolean;
  readonly sendConnected?: boolean;
  readonly after?: () => void;
}

interface OurProposal {
  readonly number: number;
  readonly transformSet: TransformSet;
  readonly spis: { ah?: number; esp?: number };
  readonly ipcomp?: { readonly algorithm: IpcompChoice['algorithm']; readonly cpi: number };
}

interface Chosen {
  readonly transformSet: TransformSet;
  readonly inbound: { ah?: number; esp?: number };
  readonly outbound: { ah?: number; esp?: number };
  lifetimeSeconds: number;
  lifetimeKilobytes: number;
  readonly udp: boolean;
  readonly ipcomp?: IpcompChoice;
}

export class QuickMode
  implements
    ExchangeTask,
    Task<
      [ctx: QuickModeContext, entry: CryptoMapEntry, selector: TrafficSelector, commit: boolean],
      [ctx: QuickModeContext, plain: Uint8Array, firstPayload: number, commit: boolean],
      QmStep
    >
{
  state: QuickModeState = 'IKE_QM_READY';
  doneAt?: number;
  failed = false;
  ni?: Uint8Array;
  nr?: Uint8Array;
  private dh?: DhExchange;
  /** The responder's exchange computed ahead of qm1 (IkeManager's `dh` action), if any. */
  private ahead?: DhExchange;
  private peerKe?: Uint8Array;
  pfsGroup?: number;
  private proposals: OurProposal[] = [];
  chosen?: Chosen;
  private idci?: IdPayload;
  private idcr?: IdPayload;
  entry?: CryptoMapEntry;
  selector?: TrafficSelector;
  commitRequested = false;
  pairs?: IpsecSaPair[];
  /** Inbound SPIs of the pairs this quick mode rekeys. */
  replaces: number[] = [];
  /** RFC 3947 §5.2 original addresses (transport mode behind NAT). */
  private natOaPeer?: string;
  private natOaLocal?: string;

  /** Responder: the PFS exchange for the first message, computed before `receive` runs. */
  computedAhead(dh: DhExchange | undefined): void {
    this.ahead?.wipe();
    if (dh) this.ahead = dh;
    else delete this.ahead;
  }

  private takeNatOa(payloads: readonly Payload[]): void {
    const oa = payloadsOfType(payloads, PayloadType.NAT_OA, PayloadType.NAT_OA_DRAFT).map((p) => p.address);
    if (oa.length !== 2) return;
    // NAT-OAi then NAT-OAr: the initiator's original address, then the responder's.
    const [i, r] = oa;
    const peer = this.role === 'responder' ? i : r;
    const local = this.role === 'responder' ? r : i;
    if (peer) this.natOaPeer = peer;
    if (local) this.natOaLocal = local;
  }

  constructor(
    readonly sa: IkeSa,
    readonly messageId: number,
    readonly role: 'initiator' | 'responder',
  ) {}

  private move(ctx: QuickModeContext, input: string, to: QuickModeState): void {
    ctx.emit({ type: 'state', connId: this.sa.connId, node: this.messageId, input, from: this.state, to });
    this.state = to;
  }

  private encapsulation(): number {
    const sa = this.sa;
    if (!sa.natDetected) return EncapsulationMode.TUNNEL;
    return sa.natT === 'draft'
      ? EncapsulationMode.UDP_ENCAPSULATED_TUNNEL_DRAFT
      : EncapsulationMode.UDP_ENCAPSULATED_TUNNEL;
  }

  /** Initiator: QM1 for `selector` (our view) under `entry`. */
  build(
    ctx: QuickModeContext,
    entry: CryptoMapEntry,
    selector: TrafficSelector,
    commit: boolean,
  ): TaskResult<QmStep> {
    return settleBuild(() => this.first(ctx, entry, selector, commit), quickModeDone, quickModeFailed);
  }

  process(
    ctx: QuickModeContext,
    plain: Uint8Array,
    firstPayload: number,
    commit: boolean,
  ): TaskResult<QmStep> | undefined {
    return settle(() => this.next(ctx, plain, firstPayload, commit), quickModeDone, quickModeFailed);
  }

  receive(ctx: QuickModeContext, input: ExchangeInput): TaskResult<QmStep> | undefined {
    return this.process(ctx, input.plain, input.firstPayload, input.commit);
  }

  get finished(): boolean {
    return this.role === 'responder' && this.state === 'IKE_QM_PHASE2_COMPLETE';
  }

  private first(
    ctx: QuickModeContext,
    entry: CryptoMapEntry,
    selector: TrafficSelector,
    commit: boolean,
  ): QmStep {
    const sa = this.sa;
    this.entry = entry;
    this.selector = selector;
    this.commitRequested = commit;
    ctx.emit({ type: 'begin', connId: sa.connId, exchange: 'quick', messageId: this.messageId });
    const lifetime = ctx.lifetimeOf(entry);
    const sets = ctx.transformSetsOf(entry);
    if (sets.length === 0)
      throw new QuickModeFailure(
        NotifyType.NO_PROPOSAL_CHOSEN,
        `crypto map ${entry.map} ${entry.seq} has no usable transform set`,
      );
    // Never ask for more than the ACL protects: a port range has no IKEv1 identity (policy).
    const unsendable = proxyIdProblem(selector);
    if (unsendable) throw new QuickModeFailure(NotifyType.INVALID_ID_INFORMATION, unsendable);
    this.pfsGroup = entry.pfsGroup;
    const proposals: Proposal[] = [];
    withCompressionFallback(sets).forEach(({ ts, algorithm }, i) => {
      // SPIs are per protocol and proposal; each is unique on this host.
      const spis = {
        ...(ts.ah ? { ah: ctx.allocateSpi() } : {}),
        ...(ts.espEncryption ? { esp: ctx.allocateSpi() } : {}),
      };
      const ipcomp =
        algorithm !== undefined && spis.esp !== undefined
          ? { algorithm, cpi: cpiForSpi(spis.esp) }
          : undefined;
      this.proposals.push({ number: i + 1, transformSet: ts, spis, ...(ipcomp ? { ipcomp } : {}) });
      const encaps = ts.mode === 'transport' ? this.transportEncapsulation() : this.encapsulation();
      const params = {
        encapsulation: encaps,
        lifetimeSeconds: lifetime.seconds,
        lifetimeKilobytes: lifetime.kilobytes,
      };
      proposals.push(
        ...proposalsForTransformSet(ts, i + 1, spis, {
          ...params,
          ...(this.pfsGroup !== undefined ? { pfsGroup: this.pfsGroup } : {}),
        }),
      );
      if (ipcomp) proposals.push(ipcompProposal(ipcomp.algorithm, i + 1, ipcomp.cpi, params));
    });
    this.ni = ctx.rng.randomBytes(32);
    const rest: Payload[] = [
      { type: PayloadType.SA, doi: Doi.IPSEC, situation: Situation.SIT_IDENTITY_ONLY, proposals },
      { type: PayloadType.NONCE, data: this.ni },
    ];
    if (this.pfsGroup !== undefined) {
      if (!dhSupported(this.pfsGroup))
        throw new QuickModeFailure(
          NotifyType.ATTRIBUTES_NOT_SUPPORTED,
          `PFS group ${this.pfsGroup} not supported`,
        );
      this.dh = dhExchange(this.pfsGroup, ctx.rng.randomBytes(dhPrivateLength(this.pfsGroup)));
      rest.push({ type: PayloadType.KE, data: this.dh.publicValue });
    }
    this.idci = idPayloadOf(
      proxyIdBody(
        selector.localStart,
        selector.localEnd,
        selector.protocol,
        selector.localPortStart,
        selector.localPortEnd,
      ),
    );
    this.idcr = idPayloadOf(
      proxyIdBody(
        selector.remoteStart,
        selector.remoteEnd,
        selector.protocol,
        selector.remotePortStart,
        selector.remotePortEnd,
      ),
    );
    rest.push(this.idci, this.idcr);
    rest.push(...this.natOa());
    const body = encodePayloads(rest).bytes;
    const hash = quickModeHash1(sa.hash, this.keyA(), this.messageId, body);
    return {
      send: [{ type: PayloadType.HASH, data: hash }, ...rest],
      expectReply: true,
      commit,
      after: () => this.move(ctx, 'IKE_MSG_INTERNAL, IKE_INIT_QM', 'IKE_QM_I_QM1'),
    };
  }

  private transportEncapsulation(): number {
    const sa = this.sa;
    if (!sa.natDetected) return EncapsulationMode.TRANSPORT;
    return sa.natT === 'draft'
      ? EncapsulationMode.UDP_ENCAPSULATED_TRANSPORT_DRAFT
      : EncapsulationMode.UDP_ENCAPSULATED_TRANSPORT;
  }

  /** RFC 3947 §5.2: NAT-OA in transport mode only (what strongSwan does). */
  private natOa(): Payload[] {
    const sa = this.sa;
    const transport =
      this.role === 'initiator'
        ? this.proposals.every((p) => p.transformSet.mode === 'transport')
        : this.chosen?.transformSet.mode === 'transport';
    if (!sa.natDetected || !transport) return [];
    const type = sa.natT === 'draft' ? PayloadType.NAT_OA_DRAFT : PayloadType.NAT_OA;
    const [i, r] =
      this.role === 'initiator' ? [sa.localAddress, sa.peerAddress] : [sa.peerAddress, sa.localAddress];
    return [
      { type, address: i },
      { type, address: r },
    ];
  }

  private keyA(): Uint8Array {
    const a = this.sa.keys?.a;
    if (!a) throw new QuickModeFailure(NotifyType.INVALID_KEY_INFORMATION, 'phase 1 keys missing');
    return a;
  }

  private next(
    ctx: QuickModeContext,
    plain: Uint8Array,
    firstPayload: number,
    commit: boolean,
  ): QmStep | undefined {
    if (commit) this.commitRequested = true;
    // Only the generic headers are trusted before the HASH is: a chain that does not even
    // walk is unverifiable (DecodeError, dropped).
    const { types, lengths, trailing } = payloadLengths(firstPayload, plain);
    const hashEnd = lengths[0] ?? 0;
    if (types[0] !== PayloadType.HASH)
      throw new QuickModeFailure(
        NotifyType.INVALID_HASH_INFORMATION,
        'quick mode message without leading HASH',
      );
    const hash = plain.subarray(4, hashEnd);
    // RFC 2409 §5.5: HASH(1) and HASH(2) cover the message from the payload after HASH on.
    const afterHash = plain.subarray(hashEnd, plain.length - trailing.length);
    // After the HASH verified, a body that does not decode is the peer's error: answered with
    // the notify RFC 2408 §5 names (INVALID-ID-INFORMATION, BAD-PROPOSAL-SYNTAX, ...).
    const read = (): Payload[] => {
      try {
        return decodeBody(firstPayload, plain).payloads.slice(1);
      } catch (e) {
        if (e instanceof DecodeError) throw new QuickModeFailure(e.notify, `malformed: ${e.message}`);
        throw e;
      }
    };
    if (this.role === 'responder' && this.state === 'IKE_QM_READY')
      return this.qm1(ctx, read, hash, afterHash);
    if (this.role === 'initiator' && this.state === 'IKE_QM_I_QM1')
      return this.qm2(ctx, read, hash, afterHash);
    if (this.role === 'responder' && this.state === 'IKE_QM_R_QM2') return this.qm3(ctx, read, hash);
    return undefined;
  }

  private checkHash(got: Uint8Array, want: Uint8Array): void {
    if (got.length !== want.length || !timingSafeEqual(got, want))
      throw new QuickModeFailure(NotifyType.INVALID_HASH_INFORMATION, 'quick mode HASH mismatch');
  }

  private qm1(
    ctx: QuickModeContext,
    read: () => readonly Payload[],
    hash: Uint8Array,
    rest: Uint8Array,
  ): QmStep {
    const sa = this.sa;
    ctx.emit({ type: 'processing', connId: sa.connId, payload: 'HASH', messageId: this.messageId });
    this.checkHash(hash, quickModeHash1(sa.hash, this.keyA(), this.messageId, rest));
    const payloads = read();
    const decoded = findPayload(payloads, PayloadType.SA);
    const nonce = findPayload(payloads, PayloadType.NONCE);
    if (!decoded || !nonce) throw new QuickModeFailure(NotifyType.PAYLOAD_MALFORMED, 'QM1 lacks SA or nonce');
    checkNonce(nonce.data);
    ctx.emit({ type: 'processing', connId: sa.connId, payload: 'SA', messageId: this.messageId });
    // RFC 2408 §5.4: the IPsec DOI's identity-only situation is the one we support.
    if (decoded.situation !== Situation.SIT_IDENTITY_ONLY)
      throw new QuickModeFailure(NotifyType.SITUATION_NOT_SUPPORTED, `situation ${decoded.situation}`);
    // RFC 2408 §5.5 (1): a proposal for a protocol we do not know is INVALID-PROTOCOL-ID.
    const unknown = decoded.proposals.find((p) => !IPSEC_PROTOCOLS.has(p.protocolId));
    if (unknown)
      throw new QuickModeFailure(NotifyType.INVALID_PROTOCOL_ID, `proposal protocol ${unknown.protocolId}`);
    checkSpis(decoded.proposals);
    const ids = payloadsOfType(payloads, PayloadType.ID);
    const ke = findPayload(payloads, PayloadType.KE);
    this.takeNatOa(payloads);
    const selector = this.selectorFromIds(ids);
    if (selector === undefined)
      throw new QuickModeFailure(NotifyType.INVALID_ID_INFORMATION, 'proxy identities unusable');
    this.selector = selector;
    const found = ctx.findPolicy(sa, selector);
    const byNumber = new Map<number, Proposal[]>();
    for (const p of decoded.proposals)
      byNumber.set(p.proposalNumber, [...(byNumber.get(p.proposalNumber) ?? []), p]);
    for (const [n, ps] of byNumber) {
      ctx.emit({
        type: 'phase2Proposal',
        connId: sa.connId,
        messageId: this.messageId,
        proposalNumber: n,
        transforms: ps.flatMap((p) => describeTransforms(p)),
      });
    }
    if ('error' in found) {
      ctx.emit({
        type: 'proxyIdRefused',
        connId: sa.connId,
        messageId: this.messageId,
        peer: sa.peerAddress,
        ours: found.ours,
        theirs: found.theirs,
      });
      throw new QuickModeFailure(NotifyType.INVALID_ID_INFORMATION, found.error);
    }
    this.entry = found.entry;
    const choice = choosePhase2(offersOf(decoded.proposals), {
      transformSets: found.transformSets,
      lifetime: found.lifetime,
      ...(found.entry.pfsGroup !== undefined ? { pfsGroup: found.entry.pfsGroup } : {}),
    });
    for (const check of choice.checks)
      ctx.emit({ type: 'phase2Check', connId: sa.connId, messageId: this.messageId, check });
    const c = choice.chosen;
    if (!c) throw new QuickModeFailure(NotifyType.NO_PROPOSAL_CHOSEN, 'no acceptable IPsec proposal');
    // PFS: the group in the transform and the KE payload must come together (RFC 2409 §5.5).
    this.pfsGroup = c.group;
    // RFC 2408 §5.7: a KE we did not agree to use is INVALID-KEY-INFORMATION.
    if ((c.group !== undefined) !== (ke !== undefined))
      throw new QuickModeFailure(
        c.group !== undefined ? NotifyType.ATTRIBUTES_NOT_SUPPORTED : NotifyType.INVALID_KEY_INFORMATION,
        c.group !== undefined ? 'PFS group offered without KE' : 'KE without PFS group',
      );
    ctx.emit({ type: 'processing', connId: sa.connId, payload: 'NONCE', messageId: this.messageId });
    this.ni = nonce.data;
    for (let i = 0; i < ids.length; i++)
      ctx.emit({ type: 'processing', connId: sa.connId, payload: 'ID', messageId: this.messageId });
    if (ke && c.group !== undefined) {
      if (!dhSupported(c.group))
        throw new QuickModeFailure(NotifyType.ATTRIBUTES_NOT_SUPPORTED, `PFS group ${c.group} not supported`);
      ctx.emit({ type: 'processing', connId: sa.connId, payload: 'KE', messageId: this.messageId });
      this.peerKe = ke.data;
      const ahead = this.ahead;
      delete this.ahead;
      if (ahead?.group === c.group) this.dh = ahead;
      else {
        ahead?.wipe();
        this.dh = dhExchange(c.group, ctx.rng.randomBytes(dhPrivateLength(c.group)));
      }
    }
    const udp = c.transforms.some((t) => 'udp' in t.transform && t.transform.udp === true);
    const outbound: { ah?: number; esp?: number } = {};
    const inbound: { ah?: number; esp?: number } = {};
    const reply: Proposal[] = [];
    const offered = decoded.proposals.filter((p) => p.proposalNumber === c.proposalNumber);
    ctx.emit({ type: 'spiRequest', connId: sa.connId, messageId: this.messageId, count: offered.length });
    this.move(ctx, 'IKE_MSG_FROM_PEER, IKE_QM_EXCH', 'IKE_QM_SPI_STARVE');
    let espEncapsulation: number = EncapsulationMode.TUNNEL;
    for (const p of offered) {
      if (p.protocolId === ProtocolId.IPCOMP) continue;
      const proto = p.protocolId === ProtocolId.AH ? 'ah' : 'esp';
      const t = c.transforms.find((x) => x.protocol === proto)?.transform;
      const raw = p.transforms.find((x) => x.transformNumber === t?.transformNumber);
      if (!raw) continue;
      const ours = ctx.allocateSpi();
      inbound[proto] = ours;
      outbound[proto] = spiNumber(p.spi);
      if (proto === 'esp') espEncapsulation = decodeTransform(p.protocolId, raw).encapsulation;
      reply.push({
        ...p,
        spi: spiBytes(ours),
        transforms: [
          { ...raw, attributes: lowerLifetimes(raw.attributes, c.lifetimeSeconds, c.lifetimeKilobytes) },
        ],
      });
    }
    const ipcomp =
      inbound.esp !== undefined
        ? answerIpcomp(c.transformSet, offered, inbound.esp, espEncapsulation)
        : undefined;
    if (ipcomp?.accepted) reply.push(ipcomp.accepted.reply);
    ipcompEvent(ctx, sa.connId, this.messageId, ipcomp?.accepted?.choice, ipcomp?.declined);
    this.chosen = {
      transformSet: c.transformSet,
      inbound,
      outbound,
      lifetimeSeconds: c.lifetimeSeconds,
      lifetimeKilobytes: c.lifetimeKilobytes,
      udp,
      ...(ipcomp?.accepted ? { ipcomp: ipcomp.accepted.choice } : {}),
    };
    this.nr = ctx.rng.randomBytes(32);
    const restOut: Payload[] = [
      { type: PayloadType.SA, doi: decoded.doi, situation: decoded.situation, proposals: reply },
      { type: PayloadType.NONCE, data: this.nr },
    ];
    if (this.dh) restOut.push({ type: PayloadType.KE, data: this.dh.publicValue });
    restOut.push(...ids);
    restOut.push(...this.natOa());
    if (c.responderLifetime) {
      // RFC 2407 §4.6.3.1: RESPONDER-LIFETIME carries our lower lifetimes for the SA.
      const firstSpi = inbound.esp ?? inbound.ah ?? 0;
      restOut.push(
        responderLifetimeNotify(
          inbound.esp !== undefined ? ProtocolId.ESP : ProtocolId.AH,
          spiBytes(firstSpi),
          [
            numericAttribute(Phase2Attr.SA_LIFE_TYPE, LifeType.SECONDS),
            numericAttribute(Phase2Attr.SA_LIFE_DURATION, c.lifetimeSeconds),
            numericAttribute(Phase2Attr.SA_LIFE_TYPE, LifeType.KILOBYTES),
            numericAttribute(Phase2Attr.SA_LIFE_DURATION, c.lifetimeKilobytes),
          ],
        ),
      );
      ctx.emit({
        type: 'responderLifetime',
        connId: sa.connId,
        messageId: this.messageId,
        seconds: c.lifetimeSeconds,
        kilobytes: c.lifetimeKilobytes,
      });
    }
    const body = encodePayloads(restOut).bytes;
    const hash2 = quickModeHash2(sa.hash, this.keyA(), this.messageId, this.ni, body);
    this.pairs = this.buildPairs();
    return {
      send: [{ type: PayloadType.HASH, data: hash2 }, ...restOut],
      expectReply: true,
      after: () => this.move(ctx, 'IKE_MSG_FROM_IPSEC, IKE_SPI_REPLY', 'IKE_QM_R_QM2'),
    };
  }

  private selectorFromIds(ids: readonly IdPayload[]): TrafficSelector | undefined {
    const sa = this.sa;
    if (ids.length === 0) {
      // RFC 2409 §5.5: no IDs means the peers' own addresses.
      return {
        protocol: 0,
        localStart: sa.localAddress,
        localEnd: sa.localAddress,
        localPortStart: 0,
        localPortEnd: 65535,
        remoteStart: sa.peerAddress,
        remoteEnd: sa.peerAddress,
        remotePortStart: 0,
        remotePortEnd: 65535,
      };
    }
    if (ids.length !== 2 || !ids[0] || !ids[1]) return undefined;
    const ci = proxyIdRange(idBodyOf(ids[0]));
    const cr = proxyIdRange(idBodyOf(ids[1]));
    if (!ci || !cr) return undefined;
    // IDci is the initiator's side: for the responder that is "remote".
    const initiatorView: TrafficSelector = {
      protocol: ci.protocol || cr.protocol,
      localStart: ci.start,
      localEnd: ci.end,
      localPortStart: ci.portStart,
      localPortEnd: ci.portEnd,
      remoteStart: cr.start,
      remoteEnd: cr.end,
      remotePortStart: cr.portStart,
      remotePortEnd: cr.portEnd,
    };
    return this.role === 'responder' ? mirror(initiatorView) : initiatorView;
  }

  private qm2(
    ctx: QuickModeContext,
    read: () => readonly Payload[],
    hash: Uint8Array,
    rest: Uint8Array,
  ): QmStep {
    const sa = this.sa;
    if (!this.ni) throw new QuickModeFailure(NotifyType.PAYLOAD_MALFORMED, 'no nonce');
    ctx.emit({ type: 'processing', connId: sa.connId, payload: 'HASH', messageId: this.messageId });
    this.checkHash(hash, quickModeHash2(sa.hash, this.keyA(), this.messageId, this.ni, rest));
    const payloads = read();
    const decoded = findPayload(payloads, PayloadType.SA);
    const nonce = findPayload(payloads, PayloadType.NONCE);
    if (!decoded || !nonce) throw new QuickModeFailure(NotifyType.PAYLOAD_MALFORMED, 'QM2 lacks SA or nonce');
    checkNonce(nonce.data);
    ctx.emit({ type: 'processing', connId: sa.connId, payload: 'SA', messageId: this.messageId });
    checkSpis(decoded.proposals);
    // RFC 2408 §4.2: the responder chooses one proposal and one transform of each protocol.
    if (decoded.proposals.some((p) => p.transforms.length !== 1))
      throw new QuickModeFailure(
        NotifyType.BAD_PROPOSAL_SYNTAX,
        'reply proposal without exactly one transform',
      );
    const number = decoded.proposals[0]?.proposalNumber;
    const ours = this.proposals.find((p) => p.number === number);
    if (!ours)
      throw new QuickModeFailure(NotifyType.BAD_PROPOSAL_SYNTAX, 'reply names a proposal we did not offer');
    ctx.emit({
      type: 'phase2Proposal',
      connId: sa.connId,
      messageId: this.messageId,
      proposalNumber: ours.number,
      transforms: decoded.proposals.flatMap((p) => describeTransforms(p)),
    });
    if (!this.entry)
      throw new QuickModeFailure(NotifyType.PAYLOAD_MALFORMED, 'quick mode without crypto map entry');
    const lifetime = ctx.lifetimeOf(this.entry);
    let seconds = lifetime.seconds;
    let kilobytes = lifetime.kilobytes;
    const outbound: { ah?: number; esp?: number } = {};
    let udp = false;
    let group: number | undefined;
    const ipcomp = ipcompFromReply(
      ours.ipcomp?.algorithm,
      ours.ipcomp?.cpi,
      decoded.proposals,
      compressionAlgorithm(ours.transformSet) !== undefined ? ours.number : undefined,
    );
    if (ipcomp?.invalid !== undefined)
      throw new QuickModeFailure(NotifyType.BAD_PROPOSAL_SYNTAX, ipcomp.invalid);
    for (const p of decoded.proposals) {
      if (p.protocolId === ProtocolId.IPCOMP) continue;
      const proto = p.protocolId === ProtocolId.AH ? 'ah' : 'esp';
      const t = p.transforms[0];
      if (!t || ours.spis[proto] === undefined)
        throw new QuickModeFailure(NotifyType.BAD_PROPOSAL_SYNTAX, `reply protocol ${proto} not offered`);
      const d = decodeTransform(p.protocolId, t);
      if (d.lifetimeSeconds !== undefined) seconds = Math.min(seconds, d.lifetimeSeconds);
      if (d.lifetimeKilobytes !== undefined) kilobytes = Math.min(kilobytes, d.lifetimeKilobytes);
      udp ||= d.udp;
      group = d.group;
      outbound[proto] = spiNumber(p.spi);
    }
    const check = choosePhase2(offersOf(decoded.proposals), {
      transformSets: [ours.transformSet],
      lifetime: { seconds: Number.MAX_SAFE_INTEGER, kilobytes: Number.MAX_SAFE_INTEGER },
      ...(this.pfsGroup !== undefined ? { pfsGroup: this.pfsGroup } : {}),
    });
    for (const c of check.checks)
      ctx.emit({ type: 'phase2Check', connId: sa.connId, messageId: this.messageId, check: c });
    if (!check.chosen)
      throw new QuickModeFailure(NotifyType.NO_PROPOSAL_CHOSEN, 'reply transform differs from our offer');
    if (group !== this.pfsGroup)
      throw new QuickModeFailure(
        NotifyType.NO_PROPOSAL_CHOSEN,
        `reply PFS group ${group ?? 'none'}, we want ${this.pfsGroup ?? 'none'}`,
      );
    for (const nb of payloadsOfType(payloads, PayloadType.N)) {
      if (nb.notifyType === NotifyType.RESPONDER_LIFETIME) {
        let lt = 0;
        for (const a of lifetimeAttributes(nb)) {
          const v = attributeNumber(a) ?? Number.MAX_SAFE_INTEGER;
          if (a.type === Phase2Attr.SA_LIFE_TYPE) lt = v;
          else if (a.type === Phase2Attr.SA_LIFE_DURATION && lt === LifeType.SECONDS)
            seconds = Math.min(seconds, v);
          else if (a.type === Phase2Attr.SA_LIFE_DURATION && lt === LifeType.KILOBYTES)
            kilobytes = Math.min(kilobytes, v);
        }
        ctx.emit({
          type: 'responderLifetime',
          connId: sa.connId,
          messageId: this.messageId,
          seconds,
          kilobytes,
        });
      }
    }
    ctx.emit({ type: 'processing', connId: sa.connId, payload: 'NONCE', messageId: this.messageId });
    this.nr = nonce.data;
    const ke = findPayload(payloads, PayloadType.KE);
    // RFC 2409 §5.5: KE only with PFS; RFC 2408 §5.7 names INVALID-KEY-INFORMATION.
    if (this.pfsGroup === undefined && ke)
      throw new QuickModeFailure(
        NotifyType.INVALID_KEY_INFORMATION,
        'KE in a reply to a quick mode without PFS',
      );
    if (this.pfsGroup !== undefined) {
      if (!ke) throw new QuickModeFailure(NotifyType.ATTRIBUTES_NOT_SUPPORTED, 'PFS reply without KE');
      ctx.emit({ type: 'processing', connId: sa.connId, payload: 'KE', messageId: this.messageId });
      this.peerKe = ke.data;
    }
    this.takeNatOa(payloads);
    const ids = payloadsOfType(payloads, PayloadType.ID);
    for (let k = 0; k < ids.length; k++)
      ctx.emit({ type: 'processing', connId: sa.connId, payload: 'ID', messageId: this.messageId });
    if (this.idci && this.idcr) {
      // RFC 2409 §5.5: the reply returns IDci then IDcr, exactly as offered.
      const [a, b] = ids;
      if (
        ids.length !== 2 ||
        !a ||
        !b ||
        !bytesEqual(payloadBody(a), payloadBody(this.idci)) ||
        !bytesEqual(payloadBody(b), payloadBody(this.idcr))
      )
        throw new QuickModeFailure(
          NotifyType.INVALID_ID_INFORMATION,
          `responder returned ${ids.length} proxy identities, not the two offered`,
        );
    }
    const inbound = ours.spis;
    ipcompEvent(ctx, sa.connId, this.messageId, ipcomp?.choice, ipcomp?.declined);
    this.chosen = {
      transformSet: ours.transformSet,
      inbound,
      outbound,
      lifetimeSeconds: seconds,
      lifetimeKilobytes: kilobytes,
      udp,
      ...(ipcomp?.choice ? { ipcomp: ipcomp.choice } : {}),
    };
    this.pairs = this.buildPairs();
    const hash3 = quickModeHash3(sa.hash, this.keyA(), this.messageId, this.ni, this.nr);
    this.emitCreated(ctx);
    const waitConnected = this.commitRequested;
    return {
      send: [{ type: PayloadType.HASH, data: hash3 }],
      commit: this.commitRequested,
      ...(waitConnected ? {} : { install: this.pairs }),
      done: !waitConnected,
      after: () => {
        ctx.emit({
          type: 'nodeDeleted',
          connId: sa.connId,
          messageId: this.messageId,
          error: false,
          reason: '',
        });
        this.move(ctx, 'IKE_MSG_FROM_PEER, IKE_QM_EXCH', 'IKE_QM_PHASE2_COMPLETE');
        this.doneAt = ctx.now;
      },
    };
  }

  private qm3(ctx: QuickModeContext, read: () => readonly Payload[], hash: Uint8Array): QmStep {
    const sa = this.sa;
    if (!this.ni || !this.nr || !this.pairs)
      throw new QuickModeFailure(NotifyType.PAYLOAD_MALFORMED, 'state lost');
    this.checkHash(hash, quickModeHash3(sa.hash, this.keyA(), this.messageId, this.ni, this.nr));
    read();
    this.emitCreated(ctx);
    ctx.emit({
      type: 'nodeDeleted',
      connId: sa.connId,
      messageId: this.messageId,
      error: false,
      reason: 'quick mode done (await())',
    });
    this.move(ctx, 'IKE_MSG_FROM_PEER, IKE_QM_EXCH', 'IKE_QM_PHASE2_COMPLETE');
    this.doneAt = ctx.now;
    return { install: this.pairs, done: true, sendConnected: this.commitRequested };
  }

  /** Initiator with the commit bit: the CONNECTED notify lets us install (RFC 2408 §3.1). */
  connected(ctx: QuickModeContext): QmStep | undefined {
    if (
      this.role !== 'initiator' ||
      !this.pairs ||
      this.state !== 'IKE_QM_PHASE2_COMPLETE' ||
      !this.commitRequested
    )
      return undefined;
    this.commitRequested = false;
    void ctx;
    return { install: this.pairs, done: true };
  }

  private emitCreated(ctx: QuickModeContext): void {
    const sa = this.sa;
    const c = this.chosen;
    if (!c || !this.pairs || !this.selector) return;
    const summary: SaPairSummary[] = this.pairs.map((p) => ({
      protocol: p.inbound.protocol,
      transform: transformText(c.transformSet),
      inboundSpi: p.inbound.spi,
      outboundSpi: p.outbound.spi,
      lifetimeSeconds: c.lifetimeSeconds,
      lifetimeKilobytes: c.lifetimeKilobytes,
    }));
    ctx.emit({
      type: 'ipsecSasCreated',
      connId: sa.connId,
      messageId: this.messageId,
      local: sa.localAddress,
      remote: sa.peerAddress,
      selector: this.selector,
      pairs: summary,
      ...(this.pfsGroup !== undefined ? { pfsGroup: this.pfsGroup } : {}),
    });
  }

  /** KEYMAT per direction (RFC 2409 §5.5): the SPI is the one the receiving side chose. */
  private buildPairs(): IpsecSaPair[] {
    const sa = this.sa;
    const c = this.chosen;
    if (!c || !this.ni || !this.nr || !sa.keys || !this.selector)
      throw new QuickModeFailure(NotifyType.PAYLOAD_MALFORMED, 'quick mode state incomplete');
    let gqmxy: Uint8Array | undefined;
    if (this.dh && this.peerKe) {
      try {
        gqmxy = this.dh.sharedSecret(this.peerKe);
      } catch (e) {
        if (e instanceof InvalidKeError)
          throw new QuickModeFailure(NotifyType.INVALID_KEY_INFORMATION, e.message);
        throw e;
      }
    }
    const pairs: IpsecSaPair[] = [];
    for (const proto of ['ah', 'esp'] as const) {
      const inSpi = c.inbound[proto];
      const outSpi = c.outbound[proto];
      if (inSpi === undefined || outSpi === undefined) continue;
      const alg = algorithmsFor(proto, c.transformSet);
      const len = alg.encKeyLength + alg.integKeyLength;
      const protoId = proto === 'ah' ? ProtocolId.AH : ProtocolId.ESP;
      const kin = keymat(sa.hash, sa.keys.d, protoId, inSpi, this.ni, this.nr, len, gqmxy);
      const kout = keymat(sa.hash, sa.keys.d, protoId, outSpi, this.ni, this.nr, len, gqmxy);
      const udp = c.udp || sa.natDetected;
      const base = {
        protocol: proto,
        mode: c.transformSet.mode,
        integrity: alg.integrity,
        selector: this.selector,
        lifetime: { seconds: c.lifetimeSeconds, kilobytes: c.lifetimeKilobytes },
        ...(alg.cipher ? { cipher: alg.cipher } : {}),
        ...(alg.cipherKeyBits ? { cipherKeyBits: alg.cipherKeyBits } : {}),
        ...(udp
          ? {
              udpEncapsulation: {
                localPort: sa.localPort,
                remotePort: sa.peerPort,
                ...(this.natOaPeer !== undefined ? { originalRemoteAddress: this.natOaPeer } : {}),
                ...(this.natOaLocal !== undefined ? { originalLocalAddress: this.natOaLocal } : {}),
              },
            }
          : {}),
        ...(this.pfsGroup !== undefined ? { pfsGroup: this.pfsGroup } : {}),
        ...(this.entry ? { cryptoMap: this.entry.map } : {}),
        transformSet: c.transformSet.name,
      } as const;
      const ipcomp = proto === 'esp' ? c.ipcomp : undefined;
      const split = (k: Uint8Array): Pick<IpsecSa, 'encryptionKey' | 'integrityKey'> => ({
        ...(alg.encKeyLength > 0 ? { encryptionKey: k.slice(0, alg.encKeyLength) } : {}),
        ...(alg.integKeyLength > 0 ? { integrityKey: k.slice(alg.encKeyLength, len) } : {}),
      });
      pairs.push({
        inbound: {
          ...base,
          direction: 'inbound',
          spi: inSpi,
          source: sa.peerAddress,
          destination: sa.localAddress,
          ...split(kin),
          ...(ipcomp ? { ipcomp: { algorithm: ipcomp.algorithm, cpi: ipcomp.inboundCpi } } : {}),
        },
        outbound: {
          ...base,
          direction: 'outbound',
          spi: outSpi,
          source: sa.localAddress,
          destination: sa.peerAddress,
          ...split(kout),
          ...(ipcomp ? { ipcomp: { algorithm: ipcomp.algorithm, cpi: ipcomp.outboundCpi } } : {}),
        },
      });
    }
    gqmxy?.fill(0);
    return pairs;
  }

  get ourSpis(): number[] {
    const list: number[] = [];
    for (const p of this.proposals) {
      if (p.spis.ah !== undefined) list.push(p.spis.ah);
      if (p.spis.esp !== undefined) list.push(p.spis.esp);
    }
    if (this.chosen) {
      if (this.chosen.inbound.ah !== undefined) list.push(this.chosen.inbound.ah);
      if (this.chosen.inbound.esp !== undefined) list.push(this.chosen.inbound.esp);
    }
    return [...new Set(list)];
  }
}

/** The notify's SA attributes; a list that does not parse is PAYLOAD-MALFORMED from a verified peer. */
function lifetimeAttributes(n: NotificationPayload): Attribute[] {
  try {
    return responderLifetimeAttributes(n);
  } catch (e) {
    if (e instanceof DecodeError) throw new QuickModeFailure(e.notify, `RESPONDER-LIFETIME: ${e.message}`);
    throw e;
  }
}

/** RFC 2409 §5: nonces are 8 to 256 bytes. */
function checkNonce(n: Uint8Array): void {
  if (n.length < 8 || n.length > 256)
    throw new QuickModeFailure(NotifyType.PAYLOAD_MALFORMED, `nonce of ${n.length} bytes`);
}

/** RFC 2407 §4.4.1 / RFC 4303 §2.1: ESP and AH SPIs are 4 bytes and 0-255 are reserved. */
function checkSpis(proposals: readonly Proposal[]): void {
  for (const p of proposals) {
    if (p.protocolId !== ProtocolId.ESP && p.protocolId !== ProtocolId.AH) continue;
    if (p.spi.length !== 4)
      throw new QuickModeFailure(NotifyType.INVALID_SPI, `SPI of ${p.spi.length} bytes`);
    if (spiNumber(p.spi) < 256)
      throw new QuickModeFailure(NotifyType.INVALID_SPI, `reserved SPI ${spiNumber(p.spi)}`);
  }
}

function lowerLifetimes(attrs: readonly Attribute[], seconds: number, kilobytes: number): Attribute[] {
  let lt = 0;
  return attrs.map((a) => {
    const v = attributeNumber(a) ?? Number.MAX_SAFE_INTEGER;
    if (a.type === Phase2Attr.SA_LIFE_TYPE) lt = v;
    if (a.type !== Phase2Attr.SA_LIFE_DURATION) return a;
    const limit = lt === LifeType.SECONDS ? seconds : lt === LifeType.KILOBYTES ? kilobytes : v;
    return v > limit ? numericAttribute(a.type, limit) : a;
  });
}

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.from(a).equals(Buffer.from(b));
}

/** Quick mode on the exchange path: its IV chains per message ID, its HASHes are its own. */
export const QUICK_MODE_EXCHANGE: ExchangeRegistration = {
  name: 'quick mode',
  iv: 'chain',
  hashed: false,
  keepsFinished: true,
  responder: (sa, messageId) => new QuickMode(sa, messageId, 'responder'),
};
