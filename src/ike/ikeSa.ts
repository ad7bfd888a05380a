// One IKE (ISAKMP) SA: cookies, endpoints, negotiated algorithms, phase-1 keys, the CBC IV
// chains (RFC 2409 App. B: phase 1 chains across messages; each phase-2 / informational
// message ID starts from hash(last phase-1 block | M-ID)). Its tasks, retransmissions and
// cached replies are its task manager's (taskManager.ts).

import type { CryptoMapEntry, IsakmpPolicy } from '../policy/model.js';
import type { KeyObject } from 'node:crypto';
import type { Authenticator } from './authenticator.js';
import type { PeerPublicKey } from './rsaEncr.js';
import { concat, type IdPayload } from '../wire/index.js';
import type { IsakmpState, Phase1State } from './events.js';
import {
  cbcDecrypt,
  cbcEncrypt,
  phase2Iv,
  type CipherSuite,
  type DhExchange,
  type HashAlg,
  type Skeyids,
} from './keys.js';
import type { AcquireRequest } from './types.js';
import type { PeerCapabilities } from './vendorIds.js';

export class IkeSa {
  ckyR: Uint8Array = new Uint8Array(8);
  p1: Phase1State = 'IKE_READY';
  isakmp: IsakmpState = 'MM_NO_STATE';
  authenticated = false;
  deleted = false;
  createdAt: number;
  establishedAt?: number;
  expiresAt = Number.POSITIVE_INFINITY;
  softAt = Number.POSITIVE_INFINITY;
  rekeyStarted = false;
  /** Replaced by a newer IKE SA with the same peer (after a rekey): no new quick modes. */
  superseded = false;

  policy?: IsakmpPolicy;
  hash: HashAlg = 'sha1';
  cipher?: CipherSuite;
  auth?: Authenticator | undefined;
  dh?: DhExchange | undefined;
  gxi?: Uint8Array | undefined;
  gxr?: Uint8Array | undefined;
  ni?: Uint8Array | undefined;
  nr?: Uint8Array | undefined;
  /** SAi_b: the body of the initiator's SA payload (RFC 2409 §5). */
  saiB?: Uint8Array | undefined;
  skeyid?: Uint8Array | undefined;
  keys?: Skeyids;
  encKey?: Uint8Array;
  /** Phase-1 IV chain; after phase 1 it holds the last phase-1 CBC block. */
  iv?: Uint8Array;
  lastPhase1Block?: Uint8Array;
  readonly phase2Ivs = new Map<number, Uint8Array>();

  peerCaps: PeerCapabilities = { dpd: false, unity: false, names: [] };
  natT?: 'rfc' | 'draft';
  localBehindNat = false;
  peerBehindNat = false;
  floated = false;
  peerId?: string;
  /** The ID payload body we sent / the peer sent (for HASH_I/HASH_R). */
  idLocalB?: Uint8Array | undefined;
  idPeerB?: Uint8Array | undefined;
  /** The peer's phase-1 ID payload (its certificate must carry this identity). */
  peerIdentity?: IdPayload;
  /** CA DNs of the peer's CERTREQ payloads: our certificate (and chain) answers them. */
  peerCertRequests: Uint8Array[] = [];
  /** Encrypted nonces: the peer's public key we encrypt to, and our key it encrypted to. */
  peerPublicKey?: PeerPublicKey;
  /** How many keys the chain holds for the peer: with several, HASH(1) says which one we used. */
  peerKeyCount?: number;
  ownDecryptionKey?: KeyObject;

  readonly usedMessageIds = new Set<number>();
  readonly queued: AcquireRequest[] = [];
  cryptoMapEntry?: CryptoMapEntry;
  /** Offered transforms kept until the reply names one (initiator). */
  offeredPolicies: readonly IsakmpPolicy[] = [];
  /** Our offer carried XAUTHInitPreShared transforms (we are an XAUTH client of this peer). */
  offeredXauth = false;
  sentInitialContact = false;

  lastHeardAt: number;
  keepaliveAt = Number.POSITIVE_INFINITY;

  constructor(
    readonly connId: number,
    readonly role: 'initiator' | 'responder',
    readonly exchange: 'main' | 'aggressive',
    readonly ckyI: Uint8Array,
    public localAddress: string,
    public localPort: number,
    public peerAddress: string,
    public peerPort: number,
    now: number,
  ) {
    this.createdAt = now;
    this.lastHeardAt = now;
  }

  get roleLetter(): 'I' | 'R' {
    return this.role === 'initiator' ? 'I' : 'R';
  }

  get natDetected(): boolean {
    return this.natT !== undefined && (this.localBehindNat || this.peerBehindNat);
  }

  private ivFor(messageId: number, fresh = false): Uint8Array {
    if (messageId === 0) {
      if (!this.iv) throw new Error('no phase-1 IV');
      return this.iv;
    }
    const known = fresh ? undefined : this.phase2Ivs.get(messageId);
    if (known) return known;
    // RFC 2409 App. B: a new message ID starts from the last phase-1 CBC block; while phase 1
    // still runs (an informational refusing it) that is the chain's current block.
    const last = this.lastPhase1Block ?? this.iv;
    if (!this.cipher || !last) throw new Error('no phase-1 IV');
    return phase2Iv(this.hash, last, messageId, this.cipher.blockSize);
  }

  /** Pads with zeros to the block size (RFC 2409 §5.3 leaves padding content open) and encrypts. */
  encrypt(messageId: number, plain: Uint8Array): Uint8Array {
    if (!this.cipher || !this.encKey) throw new Error('no keys');
    const bs = this.cipher.blockSize;
    const padded = plain.length % bs === 0 ? plain : concat(plain, new Uint8Array(bs - (plain.length % bs)));
    const out = cbcEncrypt(this.cipher, this.encKey, this.ivFor(messageId), padded);
    this.commitIv(messageId, out.slice(out.length - bs));
    return out;
  }

  /** Decrypts without moving the IV chain; call commitIv once the message proved authentic. */
  decrypt(
    messageId: number,
    body: Uint8Array,
    fresh = false,
  ): { plain: Uint8Array; nextIv: Uint8Array } | undefined {
    if (!this.cipher || !this.encKey) return undefined;
    const bs = this.cipher.blockSize;
    if (body.length === 0 || body.length % bs !== 0) return undefined;
    return {
      plain: cbcDecrypt(this.cipher, this.encKey, this.ivFor(messageId, fresh), body),
      nextIv: body.slice(body.length - bs),
    };
  }

  commitIv(messageId: number, iv: Uint8Array): void {
    if (messageId === 0) this.iv = iv;
    else this.phase2Ivs.set(messageId, iv);
  }

  newMessageId(random: () => number): number {
    for (let i = 0; i < 16; i++) {
      const m = random() >>> 0;
      if (m !== 0 && !this.usedMessageIds.has(m)) {
        this.usedMessageIds.add(m);
        return m;
      }
    }
    throw new Error('no free message ID');
  }

  /**
   * Phase 1 is over, established or failed: nothing needs its DH private value, nonces or
   * SKEYID any more (SKEYID_d/a/e are derived, HASH_I/HASH_R checked), so they are zeroed and
   * dropped.
   */
  wipePhase1Scratch(): void {
    this.dh?.wipe();
    for (const b of [this.ni, this.nr, this.skeyid]) b?.fill(0);
    // Assigned, not deleted: a deleted field turns the object into a hash table (V8 dictionary
    // mode), some 3 kB more per IKE SA.
    this.dh = undefined;
    this.ni = undefined;
    this.nr = undefined;
    this.gxi = undefined;
    this.gxr = undefined;
    // SKEYID_d/a/e are derived and HASH_I/HASH_R checked: SKEYID, SAi_b and the ID bodies are done.
    this.skeyid = undefined;
    this.saiB = undefined;
    this.idLocalB = undefined;
    this.idPeerB = undefined;
    // HASH_I/HASH_R are proven and checked: the authenticator (and the key it holds) is done.
    this.auth = undefined;
  }

  /**
   * Phase 1 is established: the responder cookie, SKEYID_d/a/e, the encryption key and the
   * last phase-1 CBC block (the IV chain's state too) move into one buffer (a small typed array costs some 150 bytes beyond its own, per
   * array). The originals are zeroed; every use reads them through this SA.
   */
  packPhase1Keys(): void {
    const { keys, encKey, lastPhase1Block: last } = this;
    if (keys === undefined || encKey === undefined || last === undefined) return;
    const packed = concat(this.ckyR, keys.d, keys.a, keys.e, encKey, last);
    let at = 0;
    const next = (p: Uint8Array): Uint8Array => packed.subarray(at, (at += p.length));
    this.ckyR = next(this.ckyR);
    this.keys = { d: next(keys.d), a: next(keys.a), e: next(keys.e) };
    this.encKey = next(encKey);
    this.lastPhase1Block = next(last);
    // The phase-1 chain ends where phase 2 starts; the IV is only ever replaced, not written.
    this.iv = this.lastPhase1Block;
    for (const p of [keys.d, keys.a, keys.e, encKey]) p.fill(0);
  }

  /** Keys are zeroed when the SA dies (DESIGN.md principle 6). */
  wipe(): void {
    this.wipePhase1Scratch();
    for (const k of [this.skeyid, this.keys?.a, this.keys?.d, this.keys?.e, this.encKey]) k?.fill(0);
  }
}
