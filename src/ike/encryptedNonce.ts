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
import {
  CertEncoding,
  decodePayloadBody,
  encodePayloadBody,
  findPayload,
  IdType,
  payloadBody,
  payloadTypeOf,
  PayloadType,
  Reader,
  type IdPayload,
  type Payload,
} from '../wire/index.js';
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
  openBodies,
  ownEncryptionCertificate,
  ownKeyFor,
  revisedKey,
  sealBodies,
  type PeerPublicKey,
} from './rsaEncr.js';
import { checkPeerCertificate } from './rsaSig.js';
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

/** The configured chain's keys for an address, else one from a validated certificate. */
function peerKeysByAddress(ctx: Phase1Context, address: string): PeerPublicKey[] {
  const encr = encrContext(ctx);
  const configured = keysForAddress(ctx.config, encr.peers, address);
  if (configured.length > 0 || !encr.certified) return configured;
  return encr.certified.keys.forAddress(address, encr.certified.now());
}

/** The configured chain's keys for the peer's identity, else for its address. */
function configuredKeysById(ctx: Phase1Context, id: IdPayload, address: string): PeerPublicKey[] {
  const encr = encrContext(ctx);
  const byId = keysForIdentity(ctx.config, encr.peers, id);
  return byId.length > 0 ? byId : keysForAddress(ctx.config, encr.peers, address);
}

/** The same by the peer's phase-1 identity (a hostname names a named-key), then by address. */
function peerKeysById(ctx: Phase1Context, id: IdPayload, address: string): PeerPublicKey[] {
  const encr = encrContext(ctx);
  const configured = configuredKeysById(ctx, id, address);
  if (configured.length > 0 || !encr.certified) return configured;
  const { keys, now } = encr.certified;
  const named = id.idType === IdType.FQDN ? keys.forName(Buffer.from(id.data).toString('latin1'), now()) : [];
  return named.length > 0 ? named : keys.forAddress(address, now());
}

/** Initiator: the peer's key by its address, before anything is sent to it. */
function choosePeerKeyByAddress(sa: IkeSa, ctx: Phase1Context): void {
  if (sa.peerPublicKey) return;
  const keys = peerKeysByAddress(ctx, sa.peerAddress);
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
  // RFC 2409 §5.3: the initiator may add its certificate, so the responder can find its key.
  const cert = sa.role === 'initiator' ? ownEncryptionCertificate(ctx.config, encrContext(ctx)) : undefined;
  const certBody = cert
    ? [encodePayloadBody({ type: PayloadType.CERT, encoding: CertEncoding.X509_SIGNATURE, data: cert })]
    : [];
  const [sealedKe, sealedId, sealedCert] = sealBodies(cipher, key, [ke.data, idBody, ...certBody]);
  key.fill(0);
  if (!sealedKe || !sealedId) throw new Error('two sealed bodies expected');
  return [
    ...hash1,
    sealedNonce,
    { type: PayloadType.KE, data: sealedKe },
    { type: 'unknown', payloadType: PayloadType.ID, data: sealedId },
    ...(sealedCert ? [{ type: 'unknown', payloadType: PayloadType.CERT, data: sealedCert } as const] : []),
  ];
}

/** The payloads after the nonce that revised mode encrypts under Ke_i / Ke_r, in wire order. */
const UNDER_KE: ReadonlySet<number> = new Set([PayloadType.KE, PayloadType.ID, PayloadType.CERT]);

interface Revised {
  readonly ke?: Uint8Array;
  readonly id?: Uint8Array;
  readonly cert?: Payload;
  /** Some body did not decrypt to a correctly padded one. */
  readonly broken: boolean;
}

function openRevised(
  cipher: NonNullable<IkeSa['cipher']>,
  key: Uint8Array,
  payloads: readonly Payload[],
): Revised {
  const sealed = payloads.filter((p) => UNDER_KE.has(payloadTypeOf(p)));
  const opened = openBodies(
    cipher,
    key,
    sealed.map((p) => (p.type === 'unknown' ? p.data : payloadBody(p))),
  );
  let ke: Uint8Array | undefined;
  let id: Uint8Array | undefined;
  let cert: Payload | undefined;
  let broken = false;
  sealed.forEach((p, i) => {
    const body = opened[i];
    if (body === undefined) {
      broken = true;
      return;
    }
    const type = payloadTypeOf(p);
    if (type === PayloadType.KE) ke ??= body;
    else if (type === PayloadType.ID) id ??= body;
    else if (cert === undefined) {
      try {
        cert = decodePayloadBody(PayloadType.CERT, new Reader(body));
      } catch (e) {
        if (!(e instanceof DecodeError)) throw e;
        broken = true;
      }
    }
  });
  return { ...(ke ? { ke } : {}), ...(id ? { id } : {}), ...(cert ? { cert } : {}), broken };
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
  const own = ownKeyFor(ctx.config, encr, sa.hash, hash1);
  if (!own) throw new Phase1Failure(NotifyType.AUTHENTICATION_FAILED, 'HASH(1) names none of our keys');
  sa.ownDecryptionKey = own;
  const ke = findPayload(payloads, PayloadType.KE);
  const sealedNonce = findPayload(payloads, PayloadType.NONCE);
  const sealedId = sealedBody(payloads, PayloadType.ID);
  if (!ke || !sealedNonce || !sealedId)
    throw new Phase1Failure(NotifyType.PAYLOAD_MALFORMED, 'KE, ID or NONCE missing');
  emit('KE');
  ctx.emit({ type: 'cryptoEngine', connId: sa.connId, operation: 'dh-shared' });
  // Whatever the block held, this is a nonce of an acceptable length (rsa.ts).
  const nonce = rsaDecrypt(own, sealedNonce.data, { min: NONCE_MIN, max: NONCE_MAX });
  let keData: Uint8Array;
  let idBody: Uint8Array | undefined;
  let peerCert: Payload | undefined;
  if (!isRevised(sa)) {
    keData = ke.data;
    idBody = rsaDecrypt(own, sealedId, { min: 4, max: NONCE_MAX });
  } else {
    const cipher = cipherOf(sa);
    const cookie = sa.role === 'initiator' ? sa.ckyR : sa.ckyI;
    const key = revisedKey(sa.hash, nonce, cookie, cipher);
    const opened = openRevised(cipher, key, payloads);
    key.fill(0);
    // Ke_i came from the nonce: a wrong one (or a bad RSA block's stand-in) fails here.
    if (
      opened.broken ||
      !opened.ke ||
      !opened.id ||
      opened.ke.length !== dhPublicLength(sa.policy?.group ?? 1)
    )
      throw unreadable("the peer's KE, ID or CERT does not decrypt under the key from its nonce");
    keData = opened.ke;
    idBody = opened.id;
    peerCert = opened.cert;
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
    const byAddress = peerCert ? certifiedKey(sa, ctx, peerCert, id) : peerKeysById(ctx, id, sa.peerAddress);
    const key = byAddress[0];
    if (!key)
      throw unreadable(`no public key for ${sa.peerId ?? sa.peerAddress} in crypto key pubkey-chain rsa`);
    sa.peerPublicKey = key;
    sa.peerKeyCount = byAddress.length;
  }
  return id;
}

/**
 * Responder: the key of the certificate a revised-mode initiator sent, once it chains to a
 * trust point and carries the ID (rsaSig.ts); the configured chain's key for the peer, when
 * there is one, comes first.
 */
function certifiedKey(sa: IkeSa, ctx: Phase1Context, cert: Payload, id: IdPayload): PeerPublicKey[] {
  ctx.emit({ type: 'processing', connId: sa.connId, payload: 'CERT', messageId: 0 });
  const configured = configuredKeysById(ctx, id, sa.peerAddress);
  if (configured.length > 0) return configured;
  if (!ctx.sig)
    throw new Phase1Failure(
      NotifyType.INVALID_CERT_AUTHORITY,
      'a certificate, and no trust point to check it',
    );
  const checked = checkPeerCertificate(ctx.sig, sa.connId, sa.peerAddress, [cert], id, 'encryption');
  if (!('leaf' in checked)) throw new Phase1Failure(checked.notify, checked.reason);
  ctx.encr?.certified?.keys.remember(sa.peerAddress, id, checked.leaf);
  const key = checked.leaf.publicKey;
  return [
    {
      kind: 'addressed-key',
      name: sa.peerAddress,
      address: sa.peerAddress,
      key,
      spki: new Uint8Array(key.export({ type: 'spki', format: 'der' })),
    },
  ];
}
