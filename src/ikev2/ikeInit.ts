// The IKE_SA_INIT exchange (RFC 7296 §1.2, after strongSwan's ike_init task): SA, KE, Nonce and
// the NAT detection notifies each way; SKEYSEED and the SK_* keys once both halves are known.
// The responder refuses with NO_PROPOSAL_CHOSEN, or with INVALID_KE_PAYLOAD naming the group
// it wants (§1.3), and the initiator tries again with that group.

import { ikeSaKeys, skeyseed } from '../crypto/index.js';
import { dhExchange, dhPrivateLength, InvalidKeError } from '../ike/keys.js';
import type { Rng } from '../ike/types.js';
import {
  findIkev2,
  findNotify,
  type Ikev2Payload,
  Notify,
  notify,
  type NotifyPayload,
} from '../wire/ikev2/index.js';
import { ikeSuiteOf, keyLengths } from './algorithms.js';
import type { Ikev2Sa } from './ikeSa.js';
import { detectNat, type Endpoint, natdNotifies } from './natd.js';
import { acceptChosen, chooseProposal, dhGroupOf, dhGroupsOf } from './proposals.js';

export const NONCE_LENGTH = 32;

/** A refusal: the notify owed to the peer (if any) and why, for the log. */
export interface Refusal {
  readonly notify?: NotifyPayload;
  readonly reason: string;
}

export type InitOutcome = { readonly payloads: Ikev2Payload[] } | { readonly refused: Refusal };

function groupBytes(group: number): Uint8Array {
  return Uint8Array.of(group >>> 8, group & 0xff);
}

/** The initiator's request; `group` is the DH group to send a KE for (our first, or the one asked for). */
export function buildInitRequest(
  sa: Ikev2Sa,
  rng: Rng,
  group: number,
  local: Endpoint,
  peer: Endpoint,
): Ikev2Payload[] {
  sa.dh?.wipe();
  sa.dh = dhExchange(group, rng.randomBytes(dhPrivateLength(group)));
  sa.nonceI ??= rng.randomBytes(NONCE_LENGTH);
  // §1.3: the proposal whose group the KE carries goes first.
  sa.offered = [...sa.peer.ikeProposals].sort(
    (a, b) => Number(dhGroupOf(b) === group) - Number(dhGroupOf(a) === group),
  );
  return [
    ...(sa.cookie ? [notify(Notify.COOKIE, sa.cookie)] : []),
    { type: 33, proposals: sa.offered },
    { type: 34, group, data: sa.dh.publicValue },
    { type: 40, nonce: sa.nonceI },
    ...natdNotifies(sa.spiI, new Uint8Array(8), local, peer),
  ];
}

function deriveKeys(sa: Ikev2Sa, sharedSecret: Uint8Array): void {
  const suite = sa.suite;
  if (!suite || !sa.nonceI || !sa.nonceR) throw new Error('IKE_SA_INIT state incomplete');
  const seed = skeyseed(suite.prf, sa.nonceI, sa.nonceR, sharedSecret);
  const keys = ikeSaKeys(
    suite.prf,
    seed,
    sa.nonceI,
    sa.nonceR,
    sa.spiI,
    sa.spiR,
    keyLengths(suite.cipher, suite.integrity),
  );
  seed.fill(0);
  sharedSecret.fill(0);
  sa.keys = keys;
  const i = {
    cipher: suite.cipher,
    integrity: suite.integrity,
    encryptionKey: keys.ei,
    integrityKey: keys.ai,
  };
  const r = {
    cipher: suite.cipher,
    integrity: suite.integrity,
    encryptionKey: keys.er,
    integrityKey: keys.ar,
  };
  sa.outbound = sa.initiator ? i : r;
  sa.inbound = sa.initiator ? r : i;
}

/** The responder's answer to an IKE_SA_INIT request (the SA's spiR is already ours). */
export function processInitRequest(
  sa: Ikev2Sa,
  payloads: readonly Ikev2Payload[],
  rng: Rng,
  peer: Endpoint,
  local: Endpoint,
): InitOutcome {
  const saPayload = findIkev2(payloads, 33);
  const ke = findIkev2(payloads, 34);
  const nonce = findIkev2(payloads, 40);
  if (!saPayload || !ke || !nonce) {
    return {
      refused: { notify: notify(Notify.INVALID_SYNTAX), reason: 'IKE_SA_INIT without SA, KE or Nonce' },
    };
  }
  const choice = chooseProposal(sa.peer.ikeProposals, saPayload.proposals);
  if ('refused' in choice) {
    return {
      refused: {
        notify: notify(Notify.NO_PROPOSAL_CHOSEN),
        reason: `no IKE proposal chosen: ${choice.refused}`,
      },
    };
  }
  const suite = ikeSuiteOf(choice.chosen);
  if (!suite)
    return {
      refused: { notify: notify(Notify.NO_PROPOSAL_CHOSEN), reason: 'chosen IKE proposal not runnable' },
    };
  if (ke.group !== suite.dh.id) {
    return {
      refused: {
        notify: notify(Notify.INVALID_KE_PAYLOAD, groupBytes(suite.dh.id)),
        reason: `KE for DH group ${ke.group}, the chosen proposal has group ${suite.dh.id}`,
      },
    };
  }
  sa.suite = suite;
  sa.nonceI = nonce.nonce;
  sa.nonceR = rng.randomBytes(NONCE_LENGTH);
  sa.dh = dhExchange(suite.dh.id, rng.randomBytes(dhPrivateLength(suite.dh.id)));
  let secret: Uint8Array;
  try {
    secret = sa.dh.sharedSecret(ke.data);
  } catch (e) {
    if (!(e instanceof InvalidKeError)) throw e;
    return { refused: { notify: notify(Notify.INVALID_SYNTAX), reason: e.message } };
  }
  const nat = detectNat(payloads, sa.spiI, new Uint8Array(8), peer, local);
  sa.natLocal = nat.local;
  sa.natRemote = nat.remote;
  deriveKeys(sa, secret);
  return {
    payloads: [
      { type: 33, proposals: [choice.chosen] },
      { type: 34, group: suite.dh.id, data: sa.dh.publicValue },
      { type: 40, nonce: sa.nonceR },
      ...(nat.supported ? natdNotifies(sa.spiI, sa.spiR, local, peer) : []),
    ],
  };
}

export type InitResponse =
  | { readonly kind: 'done' }
  | { readonly kind: 'retry'; readonly group: number; readonly reason: string }
  | { readonly kind: 'cookie'; readonly cookie: Uint8Array }
  | { readonly kind: 'failed'; readonly reason: string };

/** The initiator's reading of the response. */
export function processInitResponse(
  sa: Ikev2Sa,
  payloads: readonly Ikev2Payload[],
  spiR: Uint8Array,
  peer: Endpoint,
  local: Endpoint,
): InitResponse {
  const cookie = findNotify(payloads, Notify.COOKIE);
  if (cookie) return { kind: 'cookie', cookie: cookie.data };
  const invalidKe = findNotify(payloads, Notify.INVALID_KE_PAYLOAD);
  if (invalidKe) {
    const group = ((invalidKe.data[0] ?? 0) << 8) | (invalidKe.data[1] ?? 0);
    if (
      invalidKe.data.length !== 2 ||
      !dhGroupsOf(sa.peer.ikeProposals).includes(group) ||
      group === sa.dh?.group
    ) {
      return {
        kind: 'failed',
        reason: `INVALID_KE_PAYLOAD asks for DH group ${group}, which we do not offer`,
      };
    }
    return { kind: 'retry', group, reason: `INVALID_KE_PAYLOAD: the peer wants DH group ${group}` };
  }
  const error = payloads.find((p): p is NotifyPayload => p.type === 41 && p.notifyType < 16384);
  if (error)
    return { kind: 'failed', reason: `the peer refused IKE_SA_INIT with notify ${error.notifyType}` };
  const saPayload = findIkev2(payloads, 33);
  const ke = findIkev2(payloads, 34);
  const nonce = findIkev2(payloads, 40);
  if (!saPayload || !ke || !nonce)
    return { kind: 'failed', reason: 'IKE_SA_INIT response without SA, KE or Nonce' };
  const choice = acceptChosen(sa.offered, saPayload.proposals);
  if ('refused' in choice) return { kind: 'failed', reason: `the chosen IKE proposal: ${choice.refused}` };
  const suite = ikeSuiteOf(choice.chosen);
  if (!suite || !sa.dh || ke.group !== sa.dh.group || suite.dh.id !== ke.group) {
    return { kind: 'failed', reason: `the answer's DH group ${ke.group} is not the one we sent` };
  }
  sa.suite = suite;
  sa.spiR = spiR;
  sa.nonceR = nonce.nonce;
  let secret: Uint8Array;
  try {
    secret = sa.dh.sharedSecret(ke.data);
  } catch (e) {
    if (!(e instanceof InvalidKeError)) throw e;
    return { kind: 'failed', reason: e.message };
  }
  const nat = detectNat(payloads, sa.spiI, sa.spiR, peer, local);
  sa.natLocal = nat.local;
  sa.natRemote = nat.remote;
  deriveKeys(sa, secret);
  return { kind: 'done' };
}
