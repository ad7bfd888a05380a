// What main mode and aggressive mode share (after strongSwan's phase1.c): the SA payload
// offer and choice, DH/nonce and key derivation, identities, HASH_I/HASH_R, vendor IDs and
// NAT discovery. The two modes only decide which message carries what.

import type { IkeHash, IsakmpPolicy, RouterConfig } from '../policy/model.js';
import { choosePhase1, type Phase1Offer } from '../policy/proposal.js';
import { remoteAccessPlan } from '../policy/remoteAccess.js';
import { ipv4FromText, ipv4ToText } from '../packet/address.js';
import { pskAuthenticator, type Authenticator } from './authenticator.js';
import { encrAuthenticator, ownEncryptionCertificate, type EncrContext } from './rsaEncr.js';
import {
  certRequests,
  ownCredential,
  sigAuthenticator,
  takeCertRequests,
  type SigContext,
} from './rsaSig.js';
import {
  attributeNumber,
  DecodeError,
  decodePayloadBody,
  Doi,
  encodePayloadBody,
  findPayload,
  idPayloadFromData,
  numericAttribute,
  payloadBody,
  payloadsOfType,
  type Attribute,
  type IdPayload,
  type Payload,
  type PayloadOf,
  type SaPayload,
  type Transform,
  IdType,
  IkeAuthMethod,
  IkeEncryption,
  IkeHash as IkeHashId,
  LifeType,
  Phase1Attr,
  Reader,
  Situation,
} from '../wire/index.js';
import { idTypeLabel, NotifyType, PayloadType, ProtocolId } from './constants.js';
import type { IkeEvent, Phase1State } from './events.js';
import type { IkeSa } from './ikeSa.js';
import { settle, settleBuild, type Failed, type Step, type Task, type TaskResult } from './task.js';
import {
  deriveSkeyids,
  dhExchange,
  dhPrivateLength,
  dhSupported,
  expandEncryptionKey,
  hashI,
  hashR,
  ikeCipher,
  InvalidKeError,
  phase1Iv,
  type CipherSuite,
  type HashAlg,
} from './keys.js';
import { buildNatd, checkNatd } from './natd.js';
import { pskByAddress, pskByGroup, pskByHostname } from './psk.js';
import type { Rng } from './types.js';
import { capabilitiesOf, recognizeVendorId, vendorIdBytes, type VendorIdName } from './vendorIds.js';

export interface Phase1Context {
  readonly config: RouterConfig;
  readonly rng: Rng;
  readonly now: number;
  readonly forceEncapsulation: boolean;
  readonly sendVendorIds: boolean;
  readonly natT: 'rfc-and-drafts' | 'drafts-only' | 'off';
  readonly domainName?: string;
  /** Trust points, our certificates and keys, CRLs: present when the engine has a key store. */
  readonly sig?: SigContext;
  /** As a remote-access client: whether we answer XAUTH from this gateway (our offer says so). */
  readonly xauthClient?: (peer: string) => boolean;
  /** The pubkey chain and our decryption keys: present when the key store holds one. */
  readonly encr?: EncrContext;
  /** As a remote-access client with a group name: the ID_KEY_ID we identify with toward `peer`. */
  readonly groupIdentity?: (peer: string) => string | undefined;
  emit(e: IkeEvent): void;
}

/** A refusal that becomes a notify to the peer (see refusalDelivery) and the SA's end. */
export class Phase1Failure extends Error {
  constructor(
    readonly notify: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * How a phase-1 refusal reaches the peer. RFC 2408 §4.8: in the clear before keying material
 * is exchanged, protected by it after, that is once the peer holds our KE (an initiator with
 * keys, a responder past its KE reply); strongSwan ignores a clear one then. When the refused
 * message was the peer's last of phase 1 (MM6, AM3) the peer holds the SA established, so a
 * DELETE follows, as strongSwan's own refusals do.
 */
export type RefusalDelivery = 'clear' | 'protected' | 'protected, then delete';

export function refusalDelivery(sa: IkeSa, stateBefore: Phase1State): RefusalDelivery {
  const peerHasKeys =
    sa.keys !== undefined &&
    (sa.role === 'initiator' || stateBefore === 'IKE_R_MM4' || stateBefore === 'IKE_R_AM2');
  if (!peerHasKeys) return 'clear';
  return stateBefore === 'IKE_I_MM5' || stateBefore === 'IKE_R_AM2' ? 'protected, then delete' : 'protected';
}

/** Phase-1 refusals, ours or a payload that does not decode: a notify, then the SA's end. */
export function phase1Failed(e: unknown): Failed | undefined {
  if (!(e instanceof Phase1Failure || e instanceof DecodeError)) return undefined;
  return { status: 'failed', notify: e.notify, reason: e.message, verified: true };
}

/** Main mode and aggressive mode: the initiator builds from its policies, both process payloads. */
export type Phase1Task = Task<
  [policies: readonly IsakmpPolicy[]],
  [payloads: readonly Payload[], encrypted: boolean]
>;

const phase1Done = (step: Step): boolean => step.complete === true;

/** A phase-1 step as a task result: success with the step that completes phase 1. */
export function phase1Step(f: () => Step | undefined): TaskResult | undefined {
  return settle(f, phase1Done, phase1Failed);
}

export function phase1First(f: () => Step): TaskResult {
  return settleBuild(f, phase1Done, phase1Failed);
}

export const NONCE_LENGTH = 32;
/** RFC 2409 §5: "The length of nonce payload MUST be between 8 and 256 bytes inclusive." */
export const NONCE_MIN = 8;
export const NONCE_MAX = 256;

export function hashAlgOf(h: IkeHash): HashAlg {
  return h === 'sha' ? 'sha1' : h;
}

// ------------------------------------------------------------------ SA payload

const ENC_IDS: Readonly<Record<string, number>> = { des: 1, '3des': 5, aes: 7, aes192: 7, aes256: 7 };
const HASH_IDS: Readonly<Record<IkeHash, number>> = { md5: 1, sha: 2, sha256: 4, sha384: 5, sha512: 6 };
const AUTH_IDS: Readonly<Record<string, number>> = {
  'pre-share': 1,
  'rsa-sig': 3,
  'rsa-encr': 4,
  'rsa-encr-revised': 5,
};

/** RFC 2409 App. A attributes in IOS order: encryption, [key length], hash, group, auth, life. */
export function policyAttributes(p: IsakmpPolicy): Attribute[] {
  const attrs: Attribute[] = [numericAttribute(Phase1Attr.ENCRYPTION_ALGORITHM, ENC_IDS[p.encryption] ?? 1)];
  if (p.encryption === 'aes') attrs.push(numericAttribute(Phase1Attr.KEY_LENGTH, 128));
  if (p.encryption === 'aes192') attrs.push(numericAttribute(Phase1Attr.KEY_LENGTH, 192));
  if (p.encryption === 'aes256') attrs.push(numericAttribute(Phase1Attr.KEY_LENGTH, 256));
  attrs.push(
    numericAttribute(Phase1Attr.HASH_ALGORITHM, HASH_IDS[p.hash]),
    numericAttribute(Phase1Attr.GROUP_DESCRIPTION, p.group),
    numericAttribute(Phase1Attr.AUTHENTICATION_METHOD, AUTH_IDS[p.authentication] ?? 1),
    numericAttribute(Phase1Attr.LIFE_TYPE, LifeType.SECONDS),
    numericAttribute(Phase1Attr.LIFE_DURATION, p.lifetimeSeconds),
  );
  return attrs;
}

/**
 * An XAUTH client offers each pre-shared key policy as XAUTHInitPreShared (65001,
 * draft-ietf-ipsec-isakmp-xauth-06 §4) first, as the Cisco VPN Client does, and then as plain
 * pre-share for a gateway without XAUTH; strongSwan as an XAUTH server takes only the former.
 */
function transformsOf(policies: readonly IsakmpPolicy[], xauthClient: boolean): Attribute[][] {
  return policies.flatMap((p) => {
    const plain = policyAttributes(p);
    if (!xauthClient || p.authentication !== 'pre-share') return [plain];
    const xauth = plain.map((a) =>
      a.type === Phase1Attr.AUTHENTICATION_METHOD
        ? numericAttribute(a.type, IkeAuthMethod.XAUTH_INIT_PRE_SHARED)
        : a,
    );
    return [xauth, plain];
  });
}

export function buildPhase1Sa(policies: readonly IsakmpPolicy[], xauthClient = false): SaPayload {
  return {
    type: PayloadType.SA,
    doi: Doi.IPSEC,
    situation: Situation.SIT_IDENTITY_ONLY,
    proposals: [
      {
        proposalNumber: 1,
        protocolId: ProtocolId.ISAKMP,
        spi: new Uint8Array(0),
        transforms: transformsOf(policies, xauthClient).map((attributes, i) => ({
          transformNumber: i + 1,
          transformId: 1,
          attributes,
        })),
      },
    ],
  };
}

function encName(id: number, keyLength: number | undefined): string {
  if (id === IkeEncryption.DES_CBC) return 'des';
  if (id === IkeEncryption['3DES_CBC']) return '3des';
  if (id === IkeEncryption.AES_CBC)
    return keyLength === 256
      ? 'aes256'
      : keyLength === 192
        ? 'aes192'
        : keyLength === undefined || keyLength === 128
          ? 'aes'
          : `aes-${keyLength}`;
  return `encryption ${id}`;
}
function hashName(id: number): string {
  const e = Object.entries(IkeHashId).find(([, v]) => v === id);
  const map: Record<string, string> = {
    MD5: 'md5',
    SHA: 'sha',
    SHA2_256: 'sha256',
    SHA2_384: 'sha384',
    SHA2_512: 'sha512',
  };
  return e ? (map[e[0]] ?? `hash ${id}`) : `hash ${id}`;
}
function authName(id: number): string {
  if (id === IkeAuthMethod.PRE_SHARED_KEY) return 'pre-share';
  if (id === IkeAuthMethod.RSA_SIGNATURES) return 'rsa-sig';
  if (id === IkeAuthMethod.RSA_ENCRYPTION) return 'rsa-encr';
  if (id === IkeAuthMethod.RSA_REVISED_ENCRYPTION) return 'rsa-encr-revised';
  // Any other method is reported by its IANA number; observe names it (XAUTHInitPreShared, ...).
  return String(id);
}

export function offerOf(t: Transform): Phase1Offer {
  let enc = 0;
  let keyLength: number | undefined;
  let hash = 0;
  let auth = 0;
  let group = 0;
  let lifeType = 0;
  let seconds: number | undefined;
  let kilobytes: number | undefined;
  for (const a of t.attributes) {
    // A TLV too long for a number matches no policy.
    const v = attributeNumber(a) ?? Number.MAX_SAFE_INTEGER;
    switch (a.type) {
      case Phase1Attr.ENCRYPTION_ALGORITHM:
        enc = v;
        break;
      case Phase1Attr.KEY_LENGTH:
        keyLength = v;
        break;
      case Phase1Attr.HASH_ALGORITHM:
        hash = v;
        break;
      case Phase1Attr.AUTHENTICATION_METHOD:
        auth = v;
        break;
      case Phase1Attr.GROUP_DESCRIPTION:
        group = v;
        break;
      case Phase1Attr.LIFE_TYPE:
        lifeType = v;
        break;
      case Phase1Attr.LIFE_DURATION:
        if (lifeType === LifeType.SECONDS) seconds = v;
        else if (lifeType === LifeType.KILOBYTES) kilobytes = v;
        break;
      default:
        break;
    }
  }
  return {
    transformNumber: t.transformNumber,
    encryption: encName(enc, keyLength),
    hash: hashName(hash),
    authentication: authName(auth),
    group,
    ...(seconds !== undefined ? { lifetimeSeconds: seconds } : {}),
    ...(kilobytes !== undefined ? { lifetimeKilobytes: kilobytes } : {}),
  };
}

/** Policy from an accepted offer: the peer's lifetime when shorter (phase-1 lifetimes are not lowered by the responder). */
function policyFromOffer(o: Phase1Offer, p: IsakmpPolicy): IsakmpPolicy {
  return { ...p, lifetimeSeconds: o.lifetimeSeconds ?? p.lifetimeSeconds };
}

/** Responder: choose among the offered transforms; returns the reply SA body. */
export function chooseOffer(
  sa: IkeSa,
  ctx: Phase1Context,
  decoded: SaPayload,
  requiredGroup?: number,
): SaPayload {
  // RFC 2408 §5.4: IKE uses the IPsec DOI's identity-only situation (RFC 2407 §4.6.1).
  if (decoded.situation !== Situation.SIT_IDENTITY_ONLY)
    throw new Phase1Failure(NotifyType.SITUATION_NOT_SUPPORTED, `situation ${decoded.situation}`);
  // RFC 2409 §5: in phase 1 one SA payload carries exactly one proposal.
  if (decoded.proposals.length !== 1)
    throw new Phase1Failure(
      NotifyType.BAD_PROPOSAL_SYNTAX,
      `phase-1 SA with ${decoded.proposals.length} proposals`,
    );
  const proposal = decoded.proposals[0];
  if (!proposal || proposal.protocolId !== ProtocolId.ISAKMP)
    throw new Phase1Failure(NotifyType.INVALID_PROTOCOL_ID, 'phase-1 proposal is not ISAKMP');
  // A remote-access client that will answer XAUTH offers XAUTHInitPreShared (65001,
  // draft-ietf-ipsec-isakmp-xauth-06 §4): its phase 1 is pre-shared key authentication, so a
  // gateway that runs XAUTH for this peer (the crypto map's `client authentication`) takes it
  // as `pre-share` and echoes the transform as offered.
  const xauthServer = remoteAccessPlan(ctx.config, sa.localAddress, sa.peerAddress)?.xauthList !== undefined;
  const offers = proposal.transforms
    .map(offerOf)
    .map((o) =>
      xauthServer && o.authentication === String(IkeAuthMethod.XAUTH_INIT_PRE_SHARED)
        ? { ...o, authentication: 'pre-share' }
        : o,
    );
  const policies =
    requiredGroup === undefined
      ? ctx.config.isakmpPolicies
      : ctx.config.isakmpPolicies.filter((p) => p.group === requiredGroup);
  const choice = choosePhase1(offers, policies.length > 0 ? policies : ctx.config.isakmpPolicies);
  choice.checks.forEach((check) => {
    const idx = proposal.transforms.findIndex((t) => t.transformNumber === check.transformNumber);
    const nextPayload = idx + 1 < proposal.transforms.length ? PayloadType.Transform : 0;
    ctx.emit({ type: 'phase1Check', connId: sa.connId, check, nextPayload });
  });
  if (!choice.chosen) {
    ctx.emit({ type: 'phase1NoProposal', connId: sa.connId, peer: sa.peerAddress });
    throw new Phase1Failure(NotifyType.NO_PROPOSAL_CHOSEN, 'no acceptable ISAKMP transform');
  }
  const chosenOffer = choice.chosen.offer;
  adoptPolicy(sa, policyFromOffer(chosenOffer, choice.chosen.policy), ctx);
  const transform = proposal.transforms.find((t) => t.transformNumber === chosenOffer.transformNumber);
  if (!transform) throw new Phase1Failure(NotifyType.BAD_PROPOSAL_SYNTAX, 'transform vanished');
  return {
    type: PayloadType.SA,
    doi: decoded.doi,
    situation: decoded.situation,
    proposals: [{ ...proposal, transforms: [transform] }],
  };
}

/** Initiator, first message: offers the policies; returns the SA payload (SAi_b kept for HASH_I). */
export function offerPayload(
  sa: IkeSa,
  ctx: Phase1Context,
  policies: readonly IsakmpPolicy[],
  exchange: 'main' | 'aggressive',
): SaPayload {
  ctx.emit({ type: 'begin', connId: sa.connId, exchange });
  sa.offeredPolicies = policies;
  sa.offeredXauth = ctx.xauthClient?.(sa.peerAddress) === true;
  const offer = buildPhase1Sa(policies, sa.offeredXauth);
  sa.saiB = encodePayloadBody(offer);
  return offer;
}

/**
 * Responder, first message: reads the peer's offer and vendor IDs and chooses (main mode
 * reports the address-found key before choosing, as the chapter's debug shows).
 */
export function takeOffer(
  sa: IkeSa,
  ctx: Phase1Context,
  payloads: readonly Payload[],
  reportKey: boolean,
): SaPayload {
  ctx.emit({ type: 'processing', connId: sa.connId, payload: 'SA', messageId: 0 });
  const saP = phase1Sa(payloads);
  takeVendorIds(sa, ctx, payloads);
  if (reportKey) peekPsk(sa, ctx);
  const reply = chooseOffer(sa, ctx, saP);
  sa.saiB = payloadBody(saP);
  return reply;
}

/** Initiator, the responder's first message: its SA must be one of our transforms. */
export function takeReply(
  sa: IkeSa,
  ctx: Phase1Context,
  payloads: readonly Payload[],
  reportKey: boolean,
): void {
  ctx.emit({ type: 'processing', connId: sa.connId, payload: 'SA', messageId: 0 });
  if (reportKey) peekPsk(sa, ctx);
  acceptReply(sa, ctx, phase1Sa(payloads));
}

/** Initiator: the reply must name exactly one of our transforms, unchanged. */
export function acceptReply(sa: IkeSa, ctx: Phase1Context, decoded: SaPayload): void {
  const t = decoded.proposals[0]?.transforms[0];
  if (!t || decoded.proposals.length !== 1 || decoded.proposals[0]?.transforms.length !== 1)
    throw new Phase1Failure(NotifyType.BAD_PROPOSAL_SYNTAX, 'reply SA must carry one transform');
  const taken = offerOf(t);
  // Our XAUTHInitPreShared transform, chosen: phase 1 itself is pre-shared key authentication.
  const offer =
    sa.offeredXauth && taken.authentication === String(IkeAuthMethod.XAUTH_INIT_PRE_SHARED)
      ? { ...taken, authentication: 'pre-share' }
      : taken;
  const choice = choosePhase1([offer], sa.offeredPolicies);
  choice.checks.forEach((check) =>
    ctx.emit({ type: 'phase1Check', connId: sa.connId, check, nextPayload: 0 }),
  );
  if (!choice.chosen)
    throw new Phase1Failure(NotifyType.NO_PROPOSAL_CHOSEN, 'peer chose a transform we did not offer');
  adoptPolicy(sa, policyFromOffer(offer, choice.chosen.policy), ctx);
}

function adoptPolicy(sa: IkeSa, p: IsakmpPolicy, ctx: Phase1Context): void {
  sa.policy = p;
  // Examples 13-9 and 13-12: IOS names an RSA method once the policy is chosen.
  if (p.authentication !== 'pre-share')
    ctx.emit({
      type: 'authMethod',
      connId: sa.connId,
      method: methodDescription(p),
      ...(p.authentication.startsWith('rsa-encr') && !ownEncryptionCertificate(ctx.config, ctx.encr)
        ? { noRouterCert: true }
        : {}),
    });
  sa.hash = hashAlgOf(p.hash);
  sa.cipher = policyCipher(p);
  sa.expiresAt = ctx.now + p.lifetimeSeconds;
}

export function policyCipher(p: IsakmpPolicy): CipherSuite {
  return ikeCipher(
    p.encryption === 'des' ? 'des' : p.encryption === '3des' ? '3des' : 'aes',
    p.encryption === 'aes256' ? 256 : p.encryption === 'aes192' ? 192 : 128,
  );
}

// ------------------------------------------------------------------ authentication

export function authenticatorFor(sa: IkeSa, ctx: Phase1Context, peerIdentity?: IdPayload): Authenticator {
  const method = sa.policy?.authentication ?? 'pre-share';
  if (method === 'rsa-sig') {
    if (!ctx.sig)
      throw new Phase1Failure(
        NotifyType.AUTHENTICATION_FAILED,
        'rsa-sig: no key store, so no key to sign with',
      );
    const auth = sigAuthenticator({
      ctx: ctx.sig,
      connId: sa.connId,
      peer: sa.peerAddress,
      requested: sa.peerCertRequests,
      peerIdentity: () => sa.peerIdentity,
    });
    if (!('method' in auth)) throw new Phase1Failure(auth.notify, auth.reason);
    return auth;
  }
  if (method === 'rsa-encr' || method === 'rsa-encr-revised') {
    if (!ctx.encr)
      throw new Phase1Failure(
        NotifyType.AUTHENTICATION_FAILED,
        `${method}: no key store, so no key to decrypt the peer's nonce with`,
      );
    return encrAuthenticator(method === 'rsa-encr-revised');
  }
  if (method !== 'pre-share')
    throw new Phase1Failure(NotifyType.AUTHENTICATION_FAILED, `authentication ${method} not available`);
  let found = undefined as ReturnType<typeof pskByAddress>;
  if (peerIdentity?.idType === IdType.FQDN || peerIdentity?.idType === IdType.USER_FQDN)
    found = pskByHostname(ctx.config, Buffer.from(peerIdentity.data).toString('utf8'));
  // A VPN client's group name (ID_KEY_ID, aggressive mode) selects its group's key.
  else if (peerIdentity?.idType === IdType.KEY_ID)
    found = pskByGroup(ctx.config, Buffer.from(peerIdentity.data).toString('utf8'));
  else if (peerIdentity?.idType === IdType.IPV4_ADDR && peerIdentity.data.length === 4)
    found = pskByAddress(ctx.config, ipv4ToText(peerIdentity.data));
  found ??= pskByAddress(ctx.config, sa.peerAddress);
  if (!found) {
    ctx.emit({ type: 'pskMissing', connId: sa.connId, peer: sa.peerAddress });
    throw new Phase1Failure(NotifyType.AUTHENTICATION_FAILED, `no pre-shared key for ${sa.peerAddress}`);
  }
  ctx.emit({ type: 'pskFound', connId: sa.connId, match: found.match });
  return pskAuthenticator(new TextEncoder().encode(found.key));
}

/** Main mode finds the key by address before the ID arrives; this only reports it (the chapter). */
export function peekPsk(sa: IkeSa, ctx: Phase1Context): void {
  const found = pskByAddress(ctx.config, sa.peerAddress);
  if (found) ctx.emit({ type: 'pskFound', connId: sa.connId, match: found.match });
}

/** Our CERTREQ payloads when signatures are (main mode) or may be (aggressive mode's offer) used. */
export function certRequestPayloads(
  sa: IkeSa,
  ctx: Phase1Context,
  policies?: readonly IsakmpPolicy[],
): Payload[] {
  const sig = (policies ?? (sa.policy ? [sa.policy] : [])).some((p) => p.authentication === 'rsa-sig');
  return sig && ctx.sig ? certRequests(ctx.sig.points) : [];
}

export function takePeerCertRequests(sa: IkeSa, ctx: Phase1Context, payloads: readonly Payload[]): void {
  const requested = takeCertRequests(payloads);
  for (const _ of requested)
    ctx.emit({ type: 'processing', connId: sa.connId, payload: 'CERT_REQ', messageId: 0 });
  if (requested.length > 0) sa.peerCertRequests = requested;
}

// ------------------------------------------------------------------ KE, nonce, keys

export function makeKeNonce(sa: IkeSa, ctx: Phase1Context, groupOverride?: number): Payload[] {
  const group = groupOverride ?? sa.policy?.group ?? 1;
  if (!dhSupported(group))
    throw new Phase1Failure(NotifyType.ATTRIBUTES_NOT_SUPPORTED, `DH group ${group} not supported`);
  if (!sa.dh) {
    sa.dh = dhExchange(group, ctx.rng.randomBytes(dhPrivateLength(group)));
    ctx.emit({ type: 'cryptoEngine', connId: sa.connId, operation: 'dh-keypair' });
  }
  const nonce = ctx.rng.randomBytes(NONCE_LENGTH);
  if (sa.role === 'initiator') {
    sa.gxi = sa.dh.publicValue;
    sa.ni = nonce;
  } else {
    sa.gxr = sa.dh.publicValue;
    sa.nr = nonce;
  }
  return [
    { type: PayloadType.KE, data: sa.dh.publicValue },
    { type: PayloadType.NONCE, data: nonce },
  ];
}

export function takeKeNonce(sa: IkeSa, ctx: Phase1Context, payloads: readonly Payload[]): void {
  const ke = findPayload(payloads, PayloadType.KE);
  const no = findPayload(payloads, PayloadType.NONCE);
  if (!ke || !no) throw new Phase1Failure(NotifyType.PAYLOAD_MALFORMED, 'KE or NONCE missing');
  ctx.emit({ type: 'processing', connId: sa.connId, payload: 'KE', messageId: 0 });
  // Examples 13-9 and 13-3: the engine line comes between KE and NONCE (g^xy from the KE).
  ctx.emit({ type: 'cryptoEngine', connId: sa.connId, operation: 'dh-shared' });
  ctx.emit({ type: 'processing', connId: sa.connId, payload: 'NONCE', messageId: 0 });
  if (no.data.length < NONCE_MIN || no.data.length > NONCE_MAX)
    throw new Phase1Failure(NotifyType.PAYLOAD_MALFORMED, `nonce length ${no.data.length}`);
  // The nonce is copied out of the datagram: it is zeroed when phase 1 ends.
  if (sa.role === 'initiator') {
    sa.gxr = ke.data;
    sa.nr = no.data.slice();
  } else {
    sa.gxi = ke.data;
    sa.ni = no.data.slice();
  }
}

/** SKEYID and its children, Ka and the phase-1 IV (RFC 2409 §5, App. B). */
export function deriveKeys(sa: IkeSa, ctx: Phase1Context): void {
  if (!sa.dh || !sa.gxi || !sa.gxr || !sa.ni || !sa.nr || !sa.auth || !sa.cipher)
    throw new Phase1Failure(NotifyType.PAYLOAD_MALFORMED, 'key material incomplete');
  let gxy: Uint8Array;
  try {
    gxy = sa.dh.sharedSecret(sa.role === 'initiator' ? sa.gxr : sa.gxi);
  } catch (e) {
    if (e instanceof InvalidKeError) throw new Phase1Failure(NotifyType.INVALID_KEY_INFORMATION, e.message);
    throw e;
  }
  ctx.emit({ type: 'cryptoEngine', connId: sa.connId, operation: 'skeyid' });
  sa.skeyid = sa.auth.skeyid({ hash: sa.hash, ni: sa.ni, nr: sa.nr, gxy, ckyI: sa.ckyI, ckyR: sa.ckyR });
  sa.keys = deriveSkeyids(sa.hash, sa.skeyid, gxy, sa.ckyI, sa.ckyR);
  sa.encKey = expandEncryptionKey(sa.hash, sa.keys.e, sa.cipher.keyLength);
  sa.iv = phase1Iv(sa.hash, sa.gxi, sa.gxr, sa.cipher.blockSize);
  gxy.fill(0);
  ctx.emit({ type: 'skeyid', connId: sa.connId });
}

// ------------------------------------------------------------------ identities and HASH_I / HASH_R

export function localIdentity(sa: IkeSa, ctx: Phase1Context): IdPayload {
  // RFC 2407 §4.6.2: in phase 1 protocol/port are 0 or UDP/500; IOS sends 17/500.
  const subject =
    sa.auth?.ownSubject ??
    (ctx.sig ? ownCredential(ctx.sig.points, sa.peerCertRequests)?.own?.cert.subjectDer : undefined);
  const group = sa.role === 'initiator' ? ctx.groupIdentity?.(sa.peerAddress) : undefined;
  if (group !== undefined) return idPayloadFromData(IdType.KEY_ID, 17, 500, new TextEncoder().encode(group));
  if (ctx.config.isakmp.identity === 'dn' && subject !== undefined)
    return idPayloadFromData(IdType.DER_ASN1_DN, 17, 500, subject);
  if (ctx.config.isakmp.identity === 'hostname') {
    const fqdn = ctx.domainName ? `${ctx.config.hostname}.${ctx.domainName}` : ctx.config.hostname;
    return idPayloadFromData(IdType.FQDN, 17, 500, new TextEncoder().encode(fqdn));
  }
  return idPayloadFromData(IdType.IPV4_ADDR, 17, 500, ipv4FromText(sa.localAddress));
}

/** The debug's name of a policy's method before its authenticator exists (aggressive mode's AM1). */
function methodDescription(p: IsakmpPolicy | undefined): string {
  switch (p?.authentication) {
    case 'rsa-sig':
      return 'RSA signature';
    case 'rsa-encr':
    case 'rsa-encr-revised':
      return encrAuthenticator(p.authentication === 'rsa-encr-revised').description;
    default:
      return 'pre-shared key';
  }
}

export function identityPayload(sa: IkeSa, ctx: Phase1Context): IdPayload {
  const id = localIdentity(sa, ctx);
  sa.idLocalB = encodePayloadBody(id);
  ctx.emit({
    type: 'authMethod',
    connId: sa.connId,
    method: sa.auth?.description ?? methodDescription(sa.policy ?? sa.offeredPolicies[0]),
    idType: idTypeLabel(id.idType),
  });
  ctx.emit({
    type: 'idPayload',
    connId: sa.connId,
    idType: id.idType,
    protocol: id.protocolId,
    port: id.port,
    length: id.data.length + 4,
  });
  return id;
}

export function takeIdentity(sa: IkeSa, ctx: Phase1Context, payloads: readonly Payload[]): IdPayload {
  const sealed = sealedBody(payloads, PayloadType.ID);
  const id = findPayload(payloads, PayloadType.ID) ?? (sealed ? decodeIdBody(sealed) : undefined);
  if (!id) throw new Phase1Failure(NotifyType.INVALID_ID_INFORMATION, 'ID payload missing');
  ctx.emit({ type: 'processing', connId: sa.connId, payload: 'ID', messageId: 0 });
  return adoptIdentity(sa, id);
}

/** The body of a clear phase-1 payload kept undecoded (message.ts PHASE1_SEALED), or of a decoded one. */
export function sealedBody(payloads: readonly Payload[], type: number): Uint8Array | undefined {
  for (const p of payloads) {
    if (p.type === 'unknown' && p.payloadType === type) return p.data;
    if (p.type === type) return payloadBody(p);
  }
  return undefined;
}

/** An ID payload body (RFC 2407 §4.6.2); DecodeError (INVALID-ID-INFORMATION) when it is not one. */
export function decodeIdBody(body: Uint8Array): IdPayload {
  const r = new Reader(body);
  const p = decodePayloadBody(PayloadType.ID, r);
  r.end('ID payload');
  if (p.type !== PayloadType.ID)
    throw new DecodeError('not an ID payload', 0, NotifyType.INVALID_ID_INFORMATION);
  return p;
}

/** The peer's identity, however it arrived (in the clear, encrypted, or under SKEYID_e). */
export function adoptIdentity(sa: IkeSa, id: IdPayload): IdPayload {
  // RFC 2408 §5.8, RFC 2407 §4.6.2.1: an ID type the DOI does not define is invalid.
  if (id.identification.kind === 'unknown')
    throw new Phase1Failure(NotifyType.INVALID_ID_INFORMATION, `ID type ${id.idType}`);
  sa.idPeerB = payloadBody(id);
  sa.peerIdentity = id;
  sa.peerId =
    id.idType === IdType.IPV4_ADDR && id.data.length === 4
      ? ipv4ToText(id.data)
      : Buffer.from(id.data).toString('utf8');
  return id;
}

export function ourHash(sa: IkeSa, ctx: Phase1Context): Uint8Array {
  ctx.emit({ type: 'cryptoEngine', connId: sa.connId, operation: 'hmac' });
  if (!sa.skeyid || !sa.gxi || !sa.gxr || !sa.saiB || !sa.idLocalB) throw new Error('hash inputs missing');
  return sa.role === 'initiator'
    ? hashI(sa.hash, sa.skeyid, sa.gxi, sa.gxr, sa.ckyI, sa.ckyR, sa.saiB, sa.idLocalB)
    : hashR(sa.hash, sa.skeyid, sa.gxi, sa.gxr, sa.ckyI, sa.ckyR, sa.saiB, sa.idLocalB);
}

export function peerHash(sa: IkeSa): Uint8Array {
  if (!sa.skeyid || !sa.gxi || !sa.gxr || !sa.saiB || !sa.idPeerB) throw new Error('hash inputs missing');
  return sa.role === 'initiator'
    ? hashR(sa.hash, sa.skeyid, sa.gxi, sa.gxr, sa.ckyI, sa.ckyR, sa.saiB, sa.idPeerB)
    : hashI(sa.hash, sa.skeyid, sa.gxi, sa.gxr, sa.ckyI, sa.ckyR, sa.saiB, sa.idPeerB);
}

/** Verifies the peer's proof; a failure is AUTHENTICATION-FAILED / INVALID-HASH-INFORMATION. */
export function verifyPeer(sa: IkeSa, ctx: Phase1Context, payloads: readonly Payload[]): void {
  if (!sa.auth) throw new Phase1Failure(NotifyType.AUTHENTICATION_FAILED, 'no authenticator');
  // Signatures carry SIG, not HASH (RFC 2409 §5.1): the authenticator reports what it reads.
  const hashed = findPayload(payloads, PayloadType.HASH) !== undefined;
  if (hashed) ctx.emit({ type: 'processing', connId: sa.connId, payload: 'HASH', messageId: 0 });
  // Example 13-9: with a SIG, the hash is computed once the signature is opened.
  if (hashed) ctx.emit({ type: 'cryptoEngine', connId: sa.connId, operation: 'hmac' });
  const r = sa.auth.verify(payloads, peerHash(sa));
  if (!hashed && r === 'ok') ctx.emit({ type: 'cryptoEngine', connId: sa.connId, operation: 'hmac' });
  if (typeof r === 'object') {
    ctx.emit({ type: 'authFailed', connId: sa.connId, peer: sa.peerAddress, reason: r.reason });
    throw new Phase1Failure(r.notify, r.reason);
  }
  if (r !== 'ok') {
    const reason = r === 'missing' ? 'HASH payload missing' : 'hash mismatch (wrong pre-shared key?)';
    ctx.emit({ type: 'authFailed', connId: sa.connId, peer: sa.peerAddress, reason });
    throw new Phase1Failure(NotifyType.INVALID_HASH_INFORMATION, reason);
  }
  sa.authenticated = true;
  ctx.emit({ type: 'authenticated', connId: sa.connId, peer: sa.peerAddress });
}

// ------------------------------------------------------------------ vendor IDs

const SENT_VIDS: readonly VendorIdName[] = [
  'DPD',
  'RFC 3947',
  'draft-ietf-ipsec-nat-t-ike-03',
  'draft-ietf-ipsec-nat-t-ike-02\\n',
  'draft-ietf-ipsec-nat-t-ike-02',
  'Unity',
];

export function vendorIdPayloads(sa: IkeSa, ctx: Phase1Context): Payload[] {
  if (!ctx.sendVendorIds) return [];
  let names = SENT_VIDS.filter((n) =>
    ctx.natT === 'off' ? !isNatT(n) : ctx.natT === 'drafts-only' ? n !== 'RFC 3947' : true,
  );
  // A responder answers with the one NAT-T flavour it will use (RFC 3947 §3.1).
  if (sa.role === 'responder' && ctx.natT !== 'off') {
    names = names.filter((n) => !isNatT(n));
    if (sa.peerCaps.natT === 'rfc') names = [...names, 'RFC 3947'];
    else if (sa.peerCaps.natT === 'draft') {
      const d = sa.peerCaps.names.find((n) => n.startsWith('draft-'));
      if (d) names = [...names, d];
    }
  }
  return names.map((n) => ({ type: PayloadType.VID, data: vendorIdBytes(n) }));
}

function isNatT(n: VendorIdName): boolean {
  return n === 'RFC 3947' || n.startsWith('draft-');
}

export function takeVendorIds(sa: IkeSa, ctx: Phase1Context, payloads: readonly Payload[]): void {
  const names: VendorIdName[] = [...sa.peerCaps.names];
  for (const p of payloadsOfType(payloads, PayloadType.VID)) {
    ctx.emit({ type: 'processing', connId: sa.connId, payload: 'vendor id', messageId: 0 });
    const n = recognizeVendorId(p.data);
    if (n) {
      ctx.emit({ type: 'vendorId', connId: sa.connId, name: n });
      if (!names.includes(n)) names.push(n);
    }
  }
  sa.peerCaps = capabilitiesOf(names);
  // NAT-T is used when both sides announced it; RFC 3947 wins over the drafts.
  if (ctx.sendVendorIds && ctx.natT !== 'off')
    sa.natT = ctx.natT === 'drafts-only' && sa.peerCaps.natT ? 'draft' : sa.peerCaps.natT;
}

// ------------------------------------------------------------------ NAT discovery

export function natdType(sa: IkeSa): 20 | 130 {
  return sa.natT === 'draft' ? PayloadType.NAT_D_DRAFT : PayloadType.NAT_D;
}

export function natdPayloads(sa: IkeSa, ctx: Phase1Context): Payload[] {
  if (!sa.natT) return [];
  const hashes = buildNatd(
    {
      hash: sa.hash,
      ckyI: sa.ckyI,
      ckyR: sa.ckyR,
      localAddress: sa.localAddress,
      localPort: sa.localPort,
      peerAddress: sa.peerAddress,
      peerPort: sa.peerPort,
    },
    ctx.forceEncapsulation ? ctx.rng.randomBytes(16) : undefined,
  );
  return hashes.map((h) => ({ type: natdType(sa), data: h }));
}

export function takeNatd(sa: IkeSa, ctx: Phase1Context, payloads: readonly Payload[]): void {
  if (!sa.natT) return;
  const received = payloadsOfType(payloads, PayloadType.NAT_D, PayloadType.NAT_D_DRAFT).map((p) => p.data);
  if (received.length === 0) return;
  ctx.emit({ type: 'processing', connId: sa.connId, payload: 'NAT-D', messageId: 0 });
  const r = checkNatd(
    {
      hash: sa.hash,
      ckyI: sa.ckyI,
      ckyR: sa.ckyR,
      localAddress: sa.localAddress,
      localPort: sa.localPort,
      peerAddress: sa.peerAddress,
      peerPort: sa.peerPort,
    },
    received,
  );
  if (!r) return;
  sa.localBehindNat = r.localBehindNat || ctx.forceEncapsulation;
  sa.peerBehindNat = r.peerBehindNat;
  ctx.emit({
    type: 'natDetected',
    connId: sa.connId,
    localBehindNat: sa.localBehindNat,
    peerBehindNat: sa.peerBehindNat,
    forced: ctx.forceEncapsulation,
  });
}

/**
 * RFC 2409 §5: "The SA payload MUST precede all other payloads in a phase 1 exchange", and
 * there must not be more than one (a malformed message is PAYLOAD-MALFORMED, one SA payload
 * too many BAD-PROPOSAL-SYNTAX).
 */
function phase1Sa(payloads: readonly Payload[]): SaPayload {
  const sa = requirePayload(payloads, PayloadType.SA, 'SA');
  if (payloads[0] !== sa)
    throw new Phase1Failure(NotifyType.PAYLOAD_MALFORMED, 'SA is not the first payload');
  if (payloadsOfType(payloads, PayloadType.SA).length > 1)
    throw new Phase1Failure(NotifyType.BAD_PROPOSAL_SYNTAX, 'more than one SA payload');
  return sa;
}

export function requirePayload<T extends Payload['type']>(
  payloads: readonly Payload[],
  type: T,
  what: string,
): PayloadOf<T> {
  const p = findPayload(payloads, type);
  if (!p) throw new Phase1Failure(NotifyType.PAYLOAD_MALFORMED, `${what} payload missing`);
  return p;
}

/** RFC 2407 §4.6.3.3: the peer has no other state with us (it may drop its stale SAs). */
export function hasInitialContact(payloads: readonly Payload[]): boolean {
  return payloadsOfType(payloads, PayloadType.N).some((n) => n.notifyType === NotifyType.INITIAL_CONTACT);
}
