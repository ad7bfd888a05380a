// Decrypts captured IKEv1 messages with a Wireshark-style key table (Ka by initiator cookie), the
// way Wireshark's ISAKMP dissector does it:
// - RFC 2409 Appendix B: the phase-1 IV is hash(g^xi | g^xr) truncated to the cipher block; each
//   later phase-1 message uses the last ciphertext block of the previous one (CBC chaining).
// - RFC 2409 §5.5 / App. B: a new phase-2, Informational or Transaction message ID starts from
//   hash(last phase-1 CBC block | M-ID); the following messages of that M-ID chain as above.
// The cipher and hash come from the transform the responder chose (the SA payload of the second
// phase-1 message). The cryptographic primitives are injected (observe does not import crypto).

import type { Ikev1KeyTable } from './decodeKeys.js';

export type DecodeCipher = 'des-cbc' | '3des-cbc' | 'aes-cbc';
export type DecodeHash = 'md5' | 'sha1' | 'sha256' | 'sha384' | 'sha512';

/** The primitives the decryptor needs; the CLI passes the project's crypto suite. */
export interface DecodeCrypto {
  blockSize(cipher: DecodeCipher): number;
  cbcDecrypt(cipher: DecodeCipher, key: Uint8Array, iv: Uint8Array, data: Uint8Array): Uint8Array;
  phase1Iv(hash: DecodeHash, gxi: Uint8Array, gxr: Uint8Array, blockSize: number): Uint8Array;
  phase2Iv(hash: DecodeHash, lastPhase1Block: Uint8Array, messageId: number, blockSize: number): Uint8Array;
}

/** What the phase-1 SA negotiated, as far as decryption cares. */
export interface Phase1Suite {
  readonly cipher: DecodeCipher;
  readonly hash: DecodeHash;
  /** From the Key Length attribute, when present. */
  readonly keyBits?: number;
}

export type DecryptResult =
  | { readonly ok: true; readonly plaintext: Uint8Array; readonly iv: Uint8Array }
  | { readonly ok: false; readonly reason: string };

interface IkeSaState {
  gxi?: Uint8Array;
  gxr?: Uint8Array;
  suite?: Phase1Suite;
  /** Why the chosen transform cannot be decrypted here, when it cannot. */
  unsupported?: string;
  /** Last ciphertext block of the last phase-1 message: the IV of the next one, and the
   * input of every phase-2 IV. */
  lastPhase1Block?: Uint8Array;
  /** IV for the next message of each phase-2/Informational/Transaction M-ID. */
  readonly nextIvs: Map<number, Uint8Array>;
  /** Ciphertext (hex) of messages already decrypted: a retransmission decrypts the same way
   * and must not advance the CBC chain. */
  readonly done: Map<string, { plaintext: Uint8Array; iv: Uint8Array }>;
}

const MAX_REMEMBERED_MESSAGES = 4096;

export class CaptureDecryptor {
  private readonly sas = new Map<string, IkeSaState>();

  constructor(
    private readonly keys: Ikev1KeyTable,
    private readonly crypto: DecodeCrypto,
  ) {}

  hasKeyExchange(icookie: string): boolean {
    return this.sas.get(icookie)?.gxi !== undefined;
  }

  /** A KE payload of phase 1 (M-ID 0) of the IKE SA with this initiator cookie. */
  noteKeyExchange(icookie: string, fromInitiator: boolean, publicValue: Uint8Array): void {
    const sa = this.state(icookie);
    if (fromInitiator) sa.gxi ??= publicValue;
    else if (sa.gxi === undefined || !sameBytes(sa.gxi, publicValue)) sa.gxr ??= publicValue;
  }

  /** The transform the responder chose for this IKE SA, or why it cannot be decrypted. */
  noteSuite(icookie: string, suite: Phase1Suite | string): void {
    const sa = this.state(icookie);
    if (sa.suite !== undefined || sa.unsupported !== undefined) return;
    if (typeof suite === 'string') sa.unsupported = suite;
    else sa.suite = suite;
  }

  suiteOf(icookie: string): Phase1Suite | undefined {
    return this.sas.get(icookie)?.suite;
  }

  /** Decrypts the body (everything after the 28-byte header) of an encrypted message. */
  decrypt(icookie: string, messageId: number, ciphertext: Uint8Array): DecryptResult {
    const key = this.keys.get(icookie);
    if (key === undefined) return { ok: false, reason: `no key for initiator cookie ${icookie}` };
    const sa = this.state(icookie);
    const suite = sa.suite;
    if (suite === undefined) {
      if (sa.unsupported !== undefined) return { ok: false, reason: sa.unsupported };
      return {
        ok: false,
        reason: 'the negotiated phase-1 transform (SA payload of message 2) is not in the capture',
      };
    }
    const seen = sa.done.get(Buffer.from(ciphertext).toString('hex'));
    if (seen !== undefined) return { ok: true, ...seen };
    const blockSize = this.crypto.blockSize(suite.cipher);
    if (ciphertext.length === 0 || ciphertext.length % blockSize !== 0) {
      return {
        ok: false,
        reason: `encrypted body of ${ciphertext.length} bytes is not a multiple of the ${blockSize}-byte cipher block`,
      };
    }
    const expectedKeyBytes = keyBytes(suite);
    if (expectedKeyBytes !== undefined && key.length !== expectedKeyBytes) {
      return {
        ok: false,
        reason: `the key for ${icookie} has ${key.length} bytes, ${suite.cipher} needs ${expectedKeyBytes}`,
      };
    }
    const iv = this.ivFor(sa, suite, messageId, blockSize);
    if (iv === undefined) {
      return {
        ok: false,
        reason:
          messageId === 0
            ? 'the phase-1 IV needs both KE payloads, which are not in the capture'
            : 'the IV of this message ID needs the last encrypted phase-1 message, which is not in the capture',
      };
    }
    let plaintext: Uint8Array;
    try {
      plaintext = this.crypto.cbcDecrypt(suite.cipher, key, iv, ciphertext);
    } catch (error) {
      return {
        ok: false,
        reason: `decryption failed: ${error instanceof Error ? error.message : String(error)}`,
      };
    }
    // A copy: frames read from a file are Buffer views, and Buffer#slice does not copy.
    const lastBlock = Uint8Array.from(ciphertext.subarray(ciphertext.length - blockSize));
    if (messageId === 0) {
      sa.lastPhase1Block = lastBlock;
    } else {
      sa.nextIvs.set(messageId, lastBlock);
    }
    if (sa.done.size < MAX_REMEMBERED_MESSAGES) {
      sa.done.set(Buffer.from(ciphertext).toString('hex'), { plaintext, iv });
    }
    return { ok: true, plaintext, iv };
  }

  private ivFor(
    sa: IkeSaState,
    suite: Phase1Suite,
    messageId: number,
    blockSize: number,
  ): Uint8Array | undefined {
    if (messageId === 0) {
      if (sa.lastPhase1Block !== undefined) return sa.lastPhase1Block;
      if (sa.gxi === undefined || sa.gxr === undefined) return undefined;
      return this.crypto.phase1Iv(suite.hash, sa.gxi, sa.gxr, blockSize);
    }
    const chained = sa.nextIvs.get(messageId);
    if (chained !== undefined) return chained;
    if (sa.lastPhase1Block === undefined) return undefined;
    return this.crypto.phase2Iv(suite.hash, sa.lastPhase1Block, messageId, blockSize);
  }

  private state(icookie: string): IkeSaState {
    let sa = this.sas.get(icookie);
    if (sa === undefined) {
      sa = { nextIvs: new Map(), done: new Map() };
      this.sas.set(icookie, sa);
    }
    return sa;
  }
}

function keyBytes(suite: Phase1Suite): number | undefined {
  switch (suite.cipher) {
    case 'des-cbc':
      return 8;
    case '3des-cbc':
      return 24;
    case 'aes-cbc':
      return suite.keyBits === undefined ? undefined : suite.keyBits / 8;
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}
