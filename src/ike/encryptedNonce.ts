// The phase-1 payloads of encrypted nonce authentication, both modes and roles. Only payload
// bodies are encrypted; generic headers stay clear (RFC 2409 §5.2, §5.3).
//   §5.2 (method 4): [HASH(1)] KE <IDi_b>PubKey_r <Ni_b>PubKey_r   answered by   KE <IDr_b>PubKey_i <Nr_b>PubKey_i
//   §5.3 (method 5): [HASH(1)] <Ni_b>PubKey_r <KE_b>Ke_i <IDi_b>Ke_i answered by <Nr_b>PubKey_i <KE_b>Ke_r <IDr_b>Ke_r
// HASH(1), the hash of the key encrypted to, is sent when the chain holds several keys for the
// peer, so it can tell which of its private keys to use.
//
// Bleichenbacher (Felsch et al., USENIX Security 2018; CVE-2018-0131): whether a peer's RSA
// block had valid PKCS#1 v1.5 padding must not show in our answer. rsaDecrypt never says:
// a bad block (or a message of a length we would refuse) becomes a pseudo-random message of
// an acceptable length, and the exchange goes on with it exactly as with a wrong nonce: the
// same messages, the same sizes, and the same AUTHENTICATION-FAILED where the hashes or the
// symmetric decryption of revised mode disagree.

import { rsaDecrypt, rsaEncrypt } from '../crypto/index.js';
import type { IsakmpPolicy } from '../policy/model.js';
import { encodePayloadBody, findPayload, PayloadType, type IdPayload, type Payload } from '../wire/index.js';
import { NotifyType } from './constants.js';
import type { IkeSa } from './ikeSa.js';
import {
  adoptIdentity,
  decodeIdBody,
  hashAlgOf,
  identityPayload,
  makeKeNonce,
  NONCE_MAX,
  NONCE_MIN,
  Phase1Failure,
  policyCipher,
  sealedBody,
  type Phase1Context,
} from './phase1.js';
import {
  keyHash,
  keysForAddress,
  keysForIdentity,
  openBody,
  ownKeyFor,
  revisedKey,
  sealBody,
} from './rsaEncr.js';
import { DecodeError } from '../wire/index.js';
import { dhPublicLength } from './keys.js';

export function encryptsNonces(p: IsakmpPolicy | undefined): boolean {
  return p?.authentication === 'rsa-encr' || p?.authentication === 'rsa-encr-revised';
}

function isRevised(sa: IkeSa): boolean {
  return (sa.policy ?? sa.offeredPolicies[0])?.authentication === 'rsa-encr-revised';
}

/** Every refusal after our RSA decryption looks the same, whatever went wrong first. */
function unreadable(reason: string): Phase1Failure {
  return new Phase1Failure(NotifyType.AUTHENTICATION_FAILED, reason);
}

function encrContext(ctx: Phase1Context): NonNullable<Phase1Context['encr']> {
  if (!ctx.encr)
    throw new Phase1Failure(NotifyType.AUTHENTICATION_FAILED, 'rsa-encr: no encryption key in the key store');
  return ctx.encr;
}

/** Initiator: the peer's key by its address, before anything is sent to it. */
function choosePeerKeyByAddress(sa: IkeSa, ctx: Phase1Context): void {
  if (sa.peerPublicKey) return;
  const keys = keysForAddress(ctx.config, encrContext(ctx).peers, sa.peerAddress);
  const key = keys[0];
  if (!key)
    throw new Phase1Failure(
      NotifyType.AUTHENTICATION_FAILED,
      `no public key for ${sa.peerAddress} in crypto key pubkey-chain rsa`,
    );
  sa.peerPublicKey = key;
  sa.peerKeyCount = keys.length;
}

/**
 * Our KE, nonce and ID, encrypted to the peer (MM3/MM4, AM1/AM2). `group` is aggressive
 * mode's initiator group (no policy is chosen yet).
 */
export function sealKeNonceId(sa: IkeSa, ctx: Phase1Context, group?: number): Payload[] {
  if (sa.role === 'initiator') choosePeerKeyByAddress(sa, ctx);
  const peer = sa.peerPublicKey;
  if (!peer) throw new Phase1Failure(NotifyType.AUTHENTICATION_FAILED, 'no public key for the peer');
  const [ke, nonce] = makeKeNonce(sa, ctx, group);
  if (ke?.type !== PayloadType.KE || nonce?.type !== PayloadType.NONCE)
    throw new Error('KE and nonce expected');
  const id = identityPayload(sa, ctx);
  const idBody = encodePayloadBody(id);
  const policy = sa.policy ?? sa.offeredPolicies[0];
  const hash = policy ? hashAlgOf(policy.hash) : sa.hash;
  const hash1: Payload[] =
    (sa.peerKeyCount ?? 1) > 1 ? [{ type: PayloadType.HASH, data: keyHash(hash, peer.spki) }] : [];
  const sealedNonce: Payload = { type: PayloadType.NONCE, data: rsaEncrypt(peer.key, nonce.data) };
  if (!isRevised(sa)) {
    const sealedId: Payload = {
      type: 'unknown',
      payloadType: PayloadType.ID,
      data: rsaEncrypt(peer.key, idBody),
    };
    return [ke, ...hash1, sealedId, sealedNonce];
  }
  const cipher = sa.cipher ?? (policy ? policyCipher(policy) : cipherOf(sa));
  const cookie = sa.role === 'initiator' ? sa.ckyI : sa.ckyR;
  const key = revisedKey(hash, nonce.data, cookie, cipher);
  const out: Payload[] = [
    ...hash1,
    sealedNonce,
    { type: PayloadType.KE, data: sealBody(cipher, key, ke.data) },
    { type: 'unknown', payloadType: PayloadType.ID, data: sealBody(cipher, key, idBody) },
  ];
  key.fill(0);
  return out;
}

function cipherOf(sa: IkeSa): NonNullable<IkeSa['cipher']> {
  if (!sa.cipher) throw new Phase1Failure(NotifyType.ATTRIBUTES_NOT_SUPPORTED, 'no cipher negotiated');
  return sa.cipher;
}

/**
 * The peer's KE, nonce and ID (MM3/MM4, AM1/AM2), in the order IOS reports them
 * (Example 13-12). The responder finds the peer's key by the identity.
 */
export function openKeNonceId(sa: IkeSa, ctx: Phase1Context, payloads: readonly Payload[]): IdPayload {
  const encr = encrContext(ctx);
  const emit = (payload: 'KE' | 'ID' | 'NONCE'): void =>
    ctx.emit({ type: 'processing', connId: sa.connId, payload, messageId: 0 });
  // HASH(1) comes only from the initiator (the responder's HASH is HASH_R).
  const hash1 = sa.role === 'responder' ? findPayload(payloads, PayloadType.HASH)?.data : undefined;
  const own = ownKeyFor(encr, sa.hash, hash1);
  if (!own) throw new Phase1Failure(NotifyType.AUTHENTICATION_FAILED, 'HASH(1) names none of our keys');
  sa.ownDecryptionKey = own;
  const ke = findPayload(payloads, PayloadType.KE);
  const sealedNonce = findPayload(payloads, PayloadType.NONCE);
  const sealedId = sealedBody(payloads, PayloadType.ID);
  if (!ke || !sealedNonce || !sealedId)
    throw new Phase1Failure(NotifyType.PAYLOAD_MALFORMED, 'KE, ID or NONCE missing');
  emit('KE');
  // Whatever the block held, this is a nonce of an acceptable length (rsa.ts).
  const nonce = rsaDecrypt(own, sealedNonce.data, { min: NONCE_MIN, max: NONCE_MAX });
  let keData: Uint8Array;
  let idBody: Uint8Array | undefined;
  if (!isRevised(sa)) {
    keData = ke.data;
    idBody = rsaDecrypt(own, sealedId, { min: 4, max: NONCE_MAX });
  } else {
    const cipher = cipherOf(sa);
    const cookie = sa.role === 'initiator' ? sa.ckyR : sa.ckyI;
    const key = revisedKey(sa.hash, nonce, cookie, cipher);
    const opened = openBody(cipher, key, ke.data);
    idBody = openBody(cipher, key, sealedId);
    key.fill(0);
    // Ke_i came from the nonce: a wrong one (or a bad RSA block's stand-in) fails here.
    if (!opened || !idBody || opened.length !== dhPublicLength(sa.policy?.group ?? 1))
      throw unreadable("the peer's KE or ID does not decrypt under the key from its nonce");
    keData = opened;
  }
  emit('ID');
  let id: IdPayload;
  try {
    id = adoptIdentity(sa, decodeIdBody(idBody));
  } catch (e) {
    if (!(e instanceof DecodeError || e instanceof Phase1Failure)) throw e;
    throw unreadable("the peer's ID does not decrypt to an identity");
  }
  emit('NONCE');
  if (sa.role === 'initiator') {
    sa.gxr = keData;
    sa.nr = nonce;
  } else {
    sa.gxi = keData;
    sa.ni = nonce;
    const keys = keysForIdentity(ctx.config, encr.peers, id);
    const byAddress = keys.length > 0 ? keys : keysForAddress(ctx.config, encr.peers, sa.peerAddress);
    const key = byAddress[0];
    if (!key)
      throw unreadable(`no public key for ${sa.peerId ?? sa.peerAddress} in crypto key pubkey-chain rsa`);
    sa.peerPublicKey = key;
    sa.peerKeyCount = byAddress.length;
  }
  return id;
}
