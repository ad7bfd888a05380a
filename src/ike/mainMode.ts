// Main mode (RFC 2409 §5, identity protection), both roles, as the chapter walks it:
//   I: MM1 [SA V..]        R: MM2 [SA V..]
//   I: MM3 [KE No CR.. NAT-D..] R: MM4 [KE No CR.. NAT-D..]   (CR with rsa-sig)
//   I: MM5 *[ID HASH N?]   R: MM6 *[ID HASH]       (rsa-sig: CERT.. SIG for HASH)
// rsa-encr: MM3/MM4 carry the ID and nonce encrypted (encryptedNonce.ts), MM5/MM6 only HASH.
// Shared phase-1 work lives in phase1.ts; authentication behind the Authenticator.

import type { IsakmpPolicy } from '../policy/model.js';
import { initialContactNotify, type Payload } from '../wire/index.js';
import { NotifyType } from './constants.js';
import type { IkeSa } from './ikeSa.js';
import { awaitCrl } from './rsaSig.js';
import { encryptsNonces, openKeNonceId, sealKeNonceId } from './encryptedNonce.js';
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
  FROM_PEER_MM,
  PROCESS_COMPLETE,
  PROCESS_MM,
  transition,
  type Step,
  type TaskResult,
} from './task.js';

export class MainMode implements Phase1Task {
  constructor(
    private readonly sa: IkeSa,
    private readonly ctx: Phase1Context,
  ) {}

  /** Initiator: MM1. */
  build(policies: readonly IsakmpPolicy[]): TaskResult {
    return phase1First(() => this.first(policies));
  }

  process(payloads: readonly Payload[], encrypted: boolean): TaskResult | undefined {
    return phase1Step(() => {
      awaitCrl(this.ctx.sig, payloads); // before any state changes: the peer retransmits
      return this.next(payloads, encrypted);
    });
  }

  private first(policies: readonly IsakmpPolicy[]): Step {
    const { sa, ctx } = this;
    transition(sa, ctx.emit, 'IKE_MSG_FROM_IPSEC, IKE_SA_REQ_MM', 'IKE_I_MM1');
    const offer = offerPayload(sa, ctx, policies, 'main');
    sa.isakmp = 'MM_NO_STATE';
    return { send: [offer, ...vendorIdPayloads(sa, ctx)], expectReply: true };
  }

  private next(payloads: readonly Payload[], encrypted: boolean): Step | undefined {
    const { sa } = this;
    switch (sa.p1) {
      case 'IKE_I_MM1':
        return this.mm2(payloads);
      case 'IKE_I_MM3':
        return this.mm4(payloads);
      case 'IKE_I_MM5':
        return encrypted ? this.mm6(payloads) : undefined;
      case 'IKE_READY':
        return this.mm1(payloads);
      case 'IKE_R_MM2':
        return this.mm3(payloads);
      case 'IKE_R_MM4':
        return encrypted ? this.mm5(payloads) : undefined;
      default:
        return undefined; // not expected now: the manager counts it
    }
  }

  private mm2(payloads: readonly Payload[]): Step {
    const { sa, ctx } = this;
    transition(sa, ctx.emit, FROM_PEER_MM, 'IKE_I_MM2');
    takeReply(sa, ctx, payloads, true);
    takeVendorIds(sa, ctx, payloads);
    transition(sa, ctx.emit, PROCESS_MM, 'IKE_I_MM2');
    sa.isakmp = 'MM_SA_SETUP';
    if (encryptsNonces(sa.policy)) sa.auth = authenticatorFor(sa, ctx);
    const keNonce = sa.auth
      ? sealKeNonceId(sa, ctx)
      : [...makeKeNonce(sa, ctx), ...certRequestPayloads(sa, ctx)];
    const send = [...keNonce, ...natdPayloads(sa, ctx)];
    return { send, expectReply: true, after: () => transition(sa, ctx.emit, PROCESS_COMPLETE, 'IKE_I_MM3') };
  }

  private mm4(payloads: readonly Payload[]): Step {
    const { sa, ctx } = this;
    transition(sa, ctx.emit, FROM_PEER_MM, 'IKE_I_MM4');
    const encr = encryptsNonces(sa.policy);
    if (encr) openKeNonceId(sa, ctx, payloads);
    else takeKeNonce(sa, ctx, payloads);
    takePeerCertRequests(sa, ctx, payloads);
    sa.auth ??= authenticatorFor(sa, ctx);
    deriveKeys(sa, ctx);
    takeVendorIds(sa, ctx, payloads);
    takeNatd(sa, ctx, payloads);
    transition(sa, ctx.emit, PROCESS_MM, 'IKE_I_MM4');
    sa.isakmp = 'MM_KEY_EXCH';
    // With encrypted nonces the ID went in MM3 already (RFC 2409 §5.2).
    const id = encr ? [] : [identityPayload(sa, ctx)];
    const send: Payload[] = [...id, ...sa.auth.prove(ourHash(sa, ctx))];
    if (!sa.sentInitialContact) {
      // RFC 2407 §4.6.3.3: tell the peer we have no state with it, so it drops stale SAs.
      send.push(initialContactNotify(sa.ckyI, sa.ckyR));
      sa.sentInitialContact = true;
    }
    return {
      send,
      encrypt: true,
      expectReply: true,
      float: sa.natDetected,
      after: () => transition(sa, ctx.emit, PROCESS_COMPLETE, 'IKE_I_MM5'),
    };
  }

  private mm6(payloads: readonly Payload[]): Step {
    const { sa, ctx } = this;
    transition(sa, ctx.emit, FROM_PEER_MM, 'IKE_I_MM6');
    if (!encryptsNonces(sa.policy)) takeIdentity(sa, ctx, payloads);
    verifyPeer(sa, ctx, payloads);
    transition(sa, ctx.emit, PROCESS_MM, 'IKE_I_MM6');
    transition(sa, ctx.emit, PROCESS_COMPLETE, 'IKE_P1_COMPLETE');
    sa.isakmp = 'QM_IDLE';
    return { complete: true, initialContact: hasInitialContact(payloads) };
  }

  private mm1(payloads: readonly Payload[]): Step {
    const { sa, ctx } = this;
    transition(sa, ctx.emit, FROM_PEER_MM, 'IKE_R_MM1');
    const reply = takeOffer(sa, ctx, payloads, true);
    transition(sa, ctx.emit, PROCESS_MM, 'IKE_R_MM1');
    sa.isakmp = 'MM_SA_SETUP';
    return {
      send: [reply, ...vendorIdPayloads(sa, ctx)],
      after: () => transition(sa, ctx.emit, PROCESS_COMPLETE, 'IKE_R_MM2'),
    };
  }

  private mm3(payloads: readonly Payload[]): Step {
    const { sa, ctx } = this;
    transition(sa, ctx.emit, FROM_PEER_MM, 'IKE_R_MM3');
    const encr = encryptsNonces(sa.policy);
    if (encr) {
      sa.auth = authenticatorFor(sa, ctx);
      openKeNonceId(sa, ctx, payloads);
    } else takeKeNonce(sa, ctx, payloads);
    takePeerCertRequests(sa, ctx, payloads);
    sa.auth ??= authenticatorFor(sa, ctx);
    const keNonce = encr ? sealKeNonceId(sa, ctx) : makeKeNonce(sa, ctx);
    deriveKeys(sa, ctx);
    takeVendorIds(sa, ctx, payloads);
    takeNatd(sa, ctx, payloads);
    transition(sa, ctx.emit, PROCESS_MM, 'IKE_R_MM3');
    sa.isakmp = 'MM_KEY_EXCH';
    return {
      send: [...keNonce, ...certRequestPayloads(sa, ctx), ...natdPayloads(sa, ctx)],
      after: () => transition(sa, ctx.emit, PROCESS_COMPLETE, 'IKE_R_MM4'),
    };
  }

  private mm5(payloads: readonly Payload[]): Step {
    const { sa, ctx } = this;
    transition(sa, ctx.emit, FROM_PEER_MM, 'IKE_R_MM5');
    const encr = encryptsNonces(sa.policy);
    if (!encr) takeIdentity(sa, ctx, payloads);
    verifyPeer(sa, ctx, payloads);
    transition(sa, ctx.emit, PROCESS_MM, 'IKE_R_MM5');
    if (!sa.auth) throw new Phase1Failure(NotifyType.AUTHENTICATION_FAILED, 'no authenticator');
    const send = [...(encr ? [] : [identityPayload(sa, ctx)]), ...sa.auth.prove(ourHash(sa, ctx))];
    sa.isakmp = 'QM_IDLE';
    return {
      send,
      encrypt: true,
      complete: true,
      initialContact: hasInitialContact(payloads),
      after: () => transition(sa, ctx.emit, PROCESS_COMPLETE, 'IKE_P1_COMPLETE'),
    };
  }
}
