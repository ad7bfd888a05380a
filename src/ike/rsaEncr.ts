// RSA encrypted nonce authentication (RFC 2409 §5.2, IKEv1 method 4, and §5.3's revised
// mode, method 5): what it needs besides the messages (encryptedNonce.ts builds and reads
// those). The peers' public keys come from `crypto key pubkey-chain rsa` (Examples 13-10,
// 13-11): a named-key by the peer's hostname identity (or its `ip host` address, or the key's
// `address`), an addressed-key by address; a key marked `signature` is never encrypted to.
// Our decryption key is the key store's encryption key (LABEL.encr.pem with usage keys, else
// LABEL.pem). SKEYID = prf(hash(Ni_b | Nr_b), CKY-I | CKY-R); HASH_I/HASH_R travel in a HASH
// payload as with pre-shared keys.

import { createPublicKey, timingSafeEqual, type KeyObject } from 'node:crypto';
import { ipv4ToText } from '../packet/address.js';
import type { PublicKeyEntry, RouterConfig } from '../policy/model.js';
import { IdType, IkeAuthMethod, PayloadType, type IdPayload } from '../wire/index.js';
import type { Authenticator } from './authenticator.js';
import { NotifyType } from './constants.js';
import {
  cbcDecrypt,
  cbcEncrypt,
  expandEncryptionKey,
  hashOf,
  prf,
  type CipherSuite,
  type HashAlg,
} from './keys.js';
import { CertificateError, parseCertificate, skeyidPke } from '../crypto/index.js';
import type { CertifiedKeys } from './certifiedKeys.js';

/** A usable key of the pubkey chain. */
export interface PeerPublicKey {
  readonly kind: PublicKeyEntry['kind'];
  readonly name: string;
  readonly address?: string;
  readonly usage?: PublicKeyEntry['usage'];
  readonly key: KeyObject;
  /** SubjectPublicKeyInfo DER: HASH(1) hashes it (RFC 2409 §5.2 "a hash of the certificate"). */
  readonly spki: Uint8Array;
}

/** What the engine holds for encrypted nonces (IkeManagerOptions.decryptionKeys and the config). */
export interface EncrContext {
  readonly peers: readonly PeerPublicKey[];
  /** Our private keys, the one to use first first (LABEL.encr.pem, then LABEL.pem). */
  readonly ownKeys: readonly KeyObject[];
  /** Keys from validated certificates, for peers the configured chain has no key for. */
  readonly certified?: { readonly keys: CertifiedKeys; readonly now: () => number };
}

function publicKeyOf(der: string): KeyObject | undefined {
  const buf = Buffer.from(der, 'hex');
  for (const type of ['spki', 'pkcs1'] as const) {
    try {
      return createPublicKey({ key: buf, format: 'der', type });
    } catch {
      // the other encoding
    }
  }
  return undefined;
}

/** The chain's keys that decode, in configuration order (damaged ones were warned about). */
export function pubkeyChain(config: RouterConfig): PeerPublicKey[] {
  return config.publicKeys.flatMap((e) => {
    const key = e.der === undefined ? undefined : publicKeyOf(e.der);
    if (!key || key.asymmetricKeyType !== 'rsa') return [];
    const spki = new Uint8Array(key.export({ type: 'spki', format: 'der' }));
    return [
      {
        kind: e.kind,
        name: e.name,
        ...(e.address !== undefined ? { address: e.address } : {}),
        ...(e.usage !== undefined ? { usage: e.usage } : {}),
        key,
        spki,
      },
    ];
  });
}

/** Encryption keys first, general-purpose keys next; signature keys never. */
function forEncryption(keys: readonly PeerPublicKey[]): PeerPublicKey[] {
  const usable = keys.filter((k) => k.usage !== 'signature');
  return [
    ...usable.filter((k) => k.usage === 'encryption'),
    ...usable.filter((k) => k.usage !== 'encryption'),
  ];
}

/** The keys for a peer address: addressed-key, a named-key's `address`, or its `ip host` address. */
export function keysForAddress(
  config: RouterConfig,
  peers: readonly PeerPublicKey[],
  address: string,
): PeerPublicKey[] {
  const names = new Set(
    (config.hosts ?? []).filter((h) => h.address === address).map((h) => h.name.toLowerCase()),
  );
  return forEncryption(
    peers.filter((k) => k.address === address || (k.kind === 'named-key' && names.has(k.name.toLowerCase()))),
  );
}

/** The keys for a peer's phase-1 identity: a hostname names a named-key, an address as above. */
export function keysForIdentity(
  config: RouterConfig,
  peers: readonly PeerPublicKey[],
  id: IdPayload,
): PeerPublicKey[] {
  if (id.idType === IdType.FQDN || id.idType === IdType.USER_FQDN) {
    const name = Buffer.from(id.data).toString('latin1').toLowerCase();
    return forEncryption(peers.filter((k) => k.kind === 'named-key' && k.name.toLowerCase() === name));
  }
  if (id.idType === IdType.IPV4_ADDR && id.data.length === 4)
    return keysForAddress(config, peers, ipv4ToText(id.data));
  return [];
}

/** HASH(1): the negotiated hash of the key the sender encrypted to (RFC 2409 §5.2). */
export function keyHash(hash: HashAlg, spki: Uint8Array): Uint8Array {
  return hashOf(hash, spki);
}

function spkiOf(key: KeyObject): Uint8Array {
  const pub = key.type === 'public' ? key : createPublicKey(key);
  return new Uint8Array(pub.export({ type: 'spki', format: 'der' }));
}

const ownCertificates = new WeakMap<RouterConfig, Map<KeyObject, Uint8Array | null>>();

/**
 * The router certificate (DER) of `crypto ca certificate chain` whose public key is `key`'s:
 * the one revised mode sends under Ke_i so the responder can find our key (RFC 2409 §5.3).
 */
export function encryptionCertificate(config: RouterConfig, key: KeyObject): Uint8Array | undefined {
  let byKey = ownCertificates.get(config);
  if (!byKey) {
    byKey = new Map();
    ownCertificates.set(config, byKey);
  }
  const known = byKey.get(key);
  if (known !== undefined) return known ?? undefined;
  const want = Buffer.from(spkiOf(key));
  let found: Uint8Array | null = null;
  for (const block of config.certificates) {
    if (block.role !== 'router' || block.der === undefined) continue;
    try {
      const cert = parseCertificate(Buffer.from(block.der, 'hex'));
      if (want.equals(cert.publicKey.export({ type: 'spki', format: 'der' }))) {
        found = cert.der;
        break;
      }
    } catch (e) {
      if (!(e instanceof CertificateError)) throw e; // the parser warned about it already
    }
  }
  byKey.set(key, found);
  return found ?? undefined;
}

/** The certificate of the key peers encrypt to first (ownKeys[0]), when there is one. */
export function ownEncryptionCertificate(
  config: RouterConfig,
  encr: EncrContext | undefined,
): Uint8Array | undefined {
  const own = encr?.ownKeys[0];
  return own ? encryptionCertificate(config, own) : undefined;
}

/**
 * Our key the peer encrypted to: the one HASH(1) names, else the first. HASH(1) hashes the
 * public key, or (RFC 2409 §5.2's wording) our certificate for it; it is public, so comparing
 * it says nothing about any secret.
 */
export function ownKeyFor(
  config: RouterConfig,
  ctx: EncrContext,
  hash: HashAlg,
  hash1: Uint8Array | undefined,
): KeyObject | undefined {
  if (hash1 === undefined) return ctx.ownKeys[0];
  const names = (h: Uint8Array): boolean => h.length === hash1.length && timingSafeEqual(h, hash1);
  return ctx.ownKeys.find((k) => {
    const cert = encryptionCertificate(config, k);
    return names(keyHash(hash, spkiOf(k))) || (cert !== undefined && names(keyHash(hash, cert)));
  });
}

// ------------------------------------------------------------------ revised mode (§5.3)

/**
 * RFC 2409 §5.3: Ne_i = prf(Ni_b, CKY-I), Ne_r = prf(Nr_b, CKY-R); Ke_i and Ke_r are taken
 * from them as App. B takes the cipher key from SKEYID_e.
 */
export function revisedKey(
  hash: HashAlg,
  nonce: Uint8Array,
  cookie: Uint8Array,
  cipher: CipherSuite,
): Uint8Array {
  const ne = prf(hash, nonce, cookie);
  const key = expandEncryptionKey(hash, ne, cipher.keyLength);
  ne.fill(0);
  return key;
}

// RFC 2409 §5.3: "All padding bytes, except for the last one, contain 0x00. The last byte of
// the padding contains the number of the padding bytes used, excluding the last one." And:
// "The IV for encrypting the first payload following the nonce is set to 0 (zero). The IV for
// subsequent payloads encrypted with the ephemeral symmetric cipher key, Ke_i, is the last
// ciphertext block of the previous payload." So each body is padded on its own and the
// payloads of one message (KE, ID, CERT; Ke_r's likewise) form one CBC chain.

function padded(bs: number, body: Uint8Array): Uint8Array {
  const pad = bs - (body.length % bs); // 1..bs: there is always padding
  const out = new Uint8Array(body.length + pad);
  out.set(body);
  out[out.length - 1] = pad - 1;
  return out;
}

function unpadded(bs: number, plain: Uint8Array): Uint8Array | undefined {
  const pad = (plain[plain.length - 1] ?? 0) + 1;
  if (pad > bs || pad > plain.length) return undefined;
  if (plain.subarray(plain.length - pad, plain.length - 1).some((b) => b !== 0)) return undefined;
  return plain.slice(0, plain.length - pad);
}

/** The bodies of one message, in wire order, each padded and encrypted in one CBC chain. */
export function sealBodies(
  cipher: CipherSuite,
  key: Uint8Array,
  bodies: readonly Uint8Array[],
): Uint8Array[] {
  const bs = cipher.blockSize;
  let iv = new Uint8Array(bs);
  return bodies.map((body) => {
    const sealed = cbcEncrypt(cipher, key, iv, padded(bs, body));
    iv = sealed.slice(sealed.length - bs);
    return sealed;
  });
}

/**
 * The bodies of one message, in wire order; undefined for a ciphertext or padding sealBodies
 * would not make (a body whose length is not whole blocks breaks the chain after it).
 */
export function openBodies(
  cipher: CipherSuite,
  key: Uint8Array,
  sealed: readonly Uint8Array[],
): (Uint8Array | undefined)[] {
  const bs = cipher.blockSize;
  let iv: Uint8Array | undefined = new Uint8Array(bs);
  return sealed.map((data) => {
    const chain = iv;
    if (chain === undefined || data.length === 0 || data.length % bs !== 0) {
      iv = undefined;
      return undefined;
    }
    iv = data.slice(data.length - bs);
    return unpadded(bs, cbcDecrypt(cipher, key, chain, data));
  });
}

// ------------------------------------------------------------------ the authenticator

export function encrAuthenticator(revised: boolean): Authenticator {
  return {
    method: revised ? IkeAuthMethod.RSA_REVISED_ENCRYPTION : IkeAuthMethod.RSA_ENCRYPTION,
    description: revised ? 'revised RSA encryption' : 'RSA encryption',
    skeyid: (i) => skeyidPke(i.hash, i.ni, i.nr, i.ckyI, i.ckyR),
    prove: (h) => [{ type: PayloadType.HASH, data: h }],
    verify(payloads, expected) {
      const hp = payloads.find((p) => p.type === PayloadType.HASH);
      if (!hp) return 'missing';
      if (hp.data.length === expected.length && timingSafeEqual(hp.data, expected)) return 'ok';
      // A wrong nonce (a bad RSA block stands in as one) ends here, as any other mismatch.
      return {
        notify: NotifyType.AUTHENTICATION_FAILED,
        reason: 'hash mismatch: the peer could not decrypt our nonce, or its own did not reach us intact',
      };
    },
  };
}
