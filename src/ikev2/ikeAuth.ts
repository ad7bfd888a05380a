// The IKE_AUTH exchange with pre-shared keys (RFC 7296 §1.2, §2.15; after strongSwan's ike_auth
// task): each side proves its identity with AUTH = prf(prf(key, "Key Pad for IKEv2"),
// <its IKE_SA_INIT message> | <the peer's nonce> | prf(SK_p, ID')), and the first CHILD_SA
// rides along (childSa.ts). An AUTH that does not verify is AUTHENTICATION_FAILED and ends
// the IKE SA; a child that cannot be agreed leaves the IKE SA up without it (§1.2).

import { timingSafeEqual } from 'node:crypto';
import { sharedKeyAuth, signedOctets } from '../crypto/index.js';
import {
  AuthMethod,
  encodeIkev2Payloads,
  findIkev2,
  type IdentificationPayload,
  type Ikev2Payload,
  Notify,
  notify,
  type NotifyPayload,
} from '../wire/ikev2/index.js';
import type { Ikev2Identity } from './config.js';
import { identityText, sameIdentity } from './identity.js';
import type { Ikev2Sa } from './ikeSa.js';
import type { Refusal } from './ikeInit.js';

/** IDx' of §2.15: the ID payload's body from the ID Type on. */
function idBody(p: IdentificationPayload): Uint8Array {
  return encodeIkev2Payloads([p]).bytes.subarray(4);
}

function idPayload(type: 35 | 36, id: Ikev2Identity): IdentificationPayload {
  return { type, idType: id.idType, data: id.data };
}

/** Our AUTH value: over our IKE_SA_INIT message, the peer's nonce and our ID. */
export function ourAuth(sa: Ikev2Sa, id: IdentificationPayload): Uint8Array {
  const prf = sa.suite?.prf;
  const skP = sa.initiator ? sa.keys?.pi : sa.keys?.pr;
  const peerNonce = sa.initiator ? sa.nonceR : sa.nonceI;
  if (!prf || !skP || !peerNonce || !sa.ourInit) throw new Error('IKE_AUTH before IKE_SA_INIT completed');
  return sharedKeyAuth(prf, sa.peer.localKey, signedOctets(prf, sa.ourInit, peerNonce, skP, idBody(id)));
}

/** Checks the peer's ID and AUTH; a refusal is AUTHENTICATION_FAILED. */
export function verifyPeer(sa: Ikev2Sa, payloads: readonly Ikev2Payload[]): Refusal | undefined {
  const id = findIkev2(payloads, sa.initiator ? 36 : 35);
  const auth = findIkev2(payloads, 39);
  const failed = (reason: string): Refusal => ({ notify: notify(Notify.AUTHENTICATION_FAILED), reason });
  if (!id || !auth) return failed('IKE_AUTH without ID or AUTH');
  const peerId = { idType: id.idType, data: id.data };
  sa.peerId = identityText(peerId);
  if (sa.peer.remoteId && !sameIdentity(sa.peer.remoteId, peerId)) {
    return failed(`peer identity ${identityText(peerId)} is not ${identityText(sa.peer.remoteId)}`);
  }
  if (auth.method !== AuthMethod.SHARED_KEY_MIC)
    return failed(`AUTH method ${auth.method}, pre-share wanted`);
  const prf = sa.suite?.prf;
  const skP = sa.initiator ? sa.keys?.pr : sa.keys?.pi;
  const ourNonce = sa.initiator ? sa.nonceI : sa.nonceR;
  if (!prf || !skP || !ourNonce || !sa.peerInit) return failed('IKE_AUTH before IKE_SA_INIT completed');
  const expected = sharedKeyAuth(
    prf,
    sa.peer.remoteKey,
    signedOctets(prf, sa.peerInit, ourNonce, skP, idBody(id)),
  );
  if (expected.length !== auth.data.length || !timingSafeEqual(expected, auth.data)) {
    return failed(`AUTH from ${identityText(peerId)} does not verify with the pre-shared key`);
  }
  return undefined;
}

/** The initiator's IDi, INITIAL_CONTACT, [IDr] and AUTH. */
export function authRequestPayloads(sa: Ikev2Sa): Ikev2Payload[] {
  const idi = idPayload(35, sa.peer.localId);
  return [
    idi,
    // §2.4: INITIAL_CONTACT would make the peer drop the SA this one replaces before it is.
    ...(sa.replaces === undefined ? [notify(Notify.INITIAL_CONTACT)] : []),
    ...(sa.peer.remoteId ? [idPayload(36, sa.peer.remoteId)] : []),
    { type: 39, method: AuthMethod.SHARED_KEY_MIC, data: ourAuth(sa, idi) },
  ];
}

/** The responder's IDr and AUTH. */
export function authResponsePayloads(sa: Ikev2Sa): Ikev2Payload[] {
  const idr = idPayload(36, sa.peer.localId);
  return [idr, { type: 39, method: AuthMethod.SHARED_KEY_MIC, data: ourAuth(sa, idr) }];
}

/** The first error notify of a message, if any (§3.10.1: types below 16384). */
export function errorNotify(payloads: readonly Ikev2Payload[]): NotifyPayload | undefined {
  return payloads.find((p): p is NotifyPayload => p.type === 41 && p.notifyType < 16384);
}
