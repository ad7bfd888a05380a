// Aggressive mode (RFC 2409 §5), both roles, in strongSwan's payload order:
//   I: AM1 [SA KE No ID V..]   R: AM2 [SA KE No ID V.. NAT-D NAT-D HASH]
//   I: AM3 *[HASH NAT-D NAT-D] (encrypted, as charon sends it; a clear AM3 is accepted)
// With rsa-sig AM1 adds CR, AM2 CERT.. CR.. and SIG for HASH, AM3 CERT.. SIG. With rsa-encr
// AM1 and AM2 carry the ID and nonce (revised mode: and KE) encrypted (encryptedNonce.ts).
// The identity arrives in the clear in AM1, so the responder finds the pre-shared key by it.

import type { IsakmpPolicy } from '../policy/model.js';
import { NotifyType } from './constants.js';
import type { Payload } from '../wire/index.js';
import type { IkeSa } from './ikeSa.js';
import { dhPublicLength } from './keys.js';
import { awaitCrl } from './rsaSig.js';
import { encryptsNonces, openKeNonceId, sealKeNonceId } from './encryptedNonce.js';
import { PayloadType } from './constants.js';
import {
  authenticatorFor,
  certRequestPayloads,
  takePeerCertRequests,
  deriveKeys,
  hasInitialContact,
  identityPayload,
  makeKeNonce,
  natdPayloads,
  offerPayload,
  ourHash,
  Phase1Failure,
  phase1First,
  phase1Step,
  takeIdentity,
  takeKeNonce,
  takeNatd,
  takeOffer,
  takeReply,
  takeVendorIds,
  vendorIdPayloads,
  verifyPeer,
  type Phase1Context,
  type Phase1Task,
} from './phase1.js';
import {
  FROM_PEER_AM,
  PROCESS_AM,
  PROCESS_COMPLETE,
  transition,
  type Step,
  type TaskResult,
} from './task.js';

export class AggressiveMode implements Phase1Task {
  constructor(
    private readonly sa: IkeSa,
    private readonly ctx: Phase1Context,
  ) {}

  /** Initiator: AM1. */
  build(policies: readonly IsakmpPolicy[]): TaskResult {
    return phase1First(() => this.first(policies));
  }

  process(payloads: readonly Payload[], _encrypted: boolean): TaskResult | undefined {
    return phase1Step(() => {
      awaitCrl(this.ctx.sig, payloads); // before any state changes: the peer retransmits
      return this.next(payloads);
    });
  }

  /** Initiator: AM1. One DH group only, so only policies with the first policy's group are offered. */
  private first(policies: readonly IsakmpPolicy[]): Step {
    const { sa, ctx } = this;
    const first = policies[0];
    const group = first?.group ?? 1;
    // Encrypted nonces commit AM1 to one method (and HASH(1) to one hash) before the choice.
    const encr = encryptsNonces(first);
    const offered = policies.filter(
      (p) =>
        p.group === group && (!encr || (p.authentication === first?.authentication && p.hash === first.hash)),
    );
    transition(sa, ctx.emit, 'IKE_MSG_FROM_IPSEC, IKE_SA_REQ_AM', 'IKE_I_AM1');
    const offer = offerPayload(sa, ctx, offered, 'aggressive');
    sa.isakmp = 'AG_INIT_EXCH';
    const keNonceId = encr
      ? sealKeNonceId(sa, ctx, group)
      : [...makeKeNonce(sa, ctx, group), identityPayload(sa, ctx), ...certRequestPayloads(sa, ctx, offered)];
    const send: Payload[] = [offer, ...keNonceId, ...vendorIdPayloads(sa, ctx)];
    return { send, expectReply: true };
  }

  private next(payloads: readonly Payload[]): Step | undefined {
    switch (this.sa.p1) {
      case 'IKE_I_AM1':
        return this.am2(payloads);
      case 'IKE_READY':
        return this.am1(payloads);
      case 'IKE_R_AM2':
        return this.am3(payloads);
      default:
        return undefined;
    }
  }

  private am1(payloads: readonly Payload[]): Step {
    const { sa, ctx } = this;
    transition(sa, ctx.emit, FROM_PEER_AM, 'IKE_R_AM1');
    const reply = takeOffer(sa, ctx, payloads, false);
    if (encryptsNonces(sa.policy)) return this.am1Encrypted(reply, payloads);
    takeKeNonce(sa, ctx, payloads);
    checkKeLength(sa);
    const peerId = takeIdentity(sa, ctx, payloads);
    takePeerCertRequests(sa, ctx, payloads);
    sa.auth = authenticatorFor(sa, ctx, peerId);
    const keNonce = makeKeNonce(sa, ctx);
    deriveKeys(sa, ctx);
    transition(sa, ctx.emit, PROCESS_AM, 'IKE_R_AM1');
    sa.isakmp = 'AG_INIT_EXCH';
    const id = identityPayload(sa, ctx);
    const proof = sa.auth.prove(ourHash(sa, ctx));
    const send: Payload[] = [
      reply,
      ...keNonce,
      id,
      ...proof.filter((p) => p.type === PayloadType.CERT),
      ...certRequestPayloads(sa, ctx),
      ...vendorIdPayloads(sa, ctx),
      ...natdPayloads(sa, ctx),
      ...proof.filter((p) => p.type !== PayloadType.CERT),
    ];
    return { send, expectReply: true, after: () => transition(sa, ctx.emit, PROCESS_COMPLETE, 'IKE_R_AM2') };
  }

  /** Responder, RFC 2409 §5.2/§5.3 AM2: SA, the sealed KE, nonce and ID, HASH_R. */
  private am1Encrypted(reply: Payload, payloads: readonly Payload[]): Step {
    const { sa, ctx } = this;
    sa.auth = authenticatorFor(sa, ctx);
    openKeNonceId(sa, ctx, payloads);
    checkKeLength(sa);
    const sealed = sealKeNonceId(sa, ctx);
    deriveKeys(sa, ctx);
    transition(sa, ctx.emit, PROCESS_AM, 'IKE_R_AM1');
    sa.isakmp = 'AG_INIT_EXCH';
    const send: Payload[] = [
      reply,
      ...sealed,
      ...vendorIdPayloads(sa, ctx),
      ...natdPayloads(sa, ctx),
      ...sa.auth.prove(ourHash(sa, ctx)),
    ];
    return { send, expectReply: true, after: () => transition(sa, ctx.emit, PROCESS_COMPLETE, 'IKE_R_AM2') };
  }

  private am2(payloads: readonly Payload[]): Step {
    const { sa, ctx } = this;
    transition(sa, ctx.emit, FROM_PEER_AM, 'IKE_I_AM2');
    takeReply(sa, ctx, payloads, false);
    if (encryptsNonces(sa.policy)) {
      sa.auth = authenticatorFor(sa, ctx);
      openKeNonceId(sa, ctx, payloads);
      return this.am2Finish(payloads);
    }
    takeKeNonce(sa, ctx, payloads);
    const peerId = takeIdentity(sa, ctx, payloads);
    takePeerCertRequests(sa, ctx, payloads);
    sa.auth = authenticatorFor(sa, ctx, peerId);
    return this.am2Finish(payloads);
  }

  private am2Finish(payloads: readonly Payload[]): Step {
    const { sa, ctx } = this;
    if (!sa.auth) throw new Phase1Failure(NotifyType.AUTHENTICATION_FAILED, 'no authenticator');
    deriveKeys(sa, ctx);
    takeVendorIds(sa, ctx, payloads);
    takeNatd(sa, ctx, payloads);
    verifyPeer(sa, ctx, payloads);
    transition(sa, ctx.emit, PROCESS_AM, 'IKE_I_AM2');
    const natd = natdPayloads(sa, ctx);
    const send: Payload[] = [...sa.auth.prove(ourHash(sa, ctx)), ...natd];
    sa.isakmp = 'QM_IDLE';
    return {
      send,
      encrypt: true,
      float: sa.natDetected,
      complete: true,
      initialContact: hasInitialContact(payloads),
      after: () => transition(sa, ctx.emit, PROCESS_COMPLETE, 'IKE_P1_COMPLETE'),
    };
  }

  private am3(payloads: readonly Payload[]): Step {
    const { sa, ctx } = this;
    takeNatd(sa, ctx, payloads);
    verifyPeer(sa, ctx, payloads);
    transition(sa, ctx.emit, FROM_PEER_AM, 'IKE_P1_COMPLETE');
    sa.isakmp = 'QM_IDLE';
    return { complete: true, initialContact: hasInitialContact(payloads) };
  }
}

/** Responder: the initiator's KE must fit the group of the chosen policy (AM1 offers one group). */
function checkKeLength(sa: IkeSa): void {
  const group = sa.policy?.group ?? 1;
  const expected = dhPublicLength(group);
  if (sa.gxi?.length !== expected)
    throw new Phase1Failure(
      NotifyType.INVALID_KEY_INFORMATION,
      `KE length ${sa.gxi?.length ?? 0} does not fit group ${group}`,
    );
}
