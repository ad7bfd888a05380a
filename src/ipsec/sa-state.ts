// One installed SA: its precomputed crypto, sequence/replay state, lifetimes and counters.

import { addressFromText, isIpv6Text } from '../packet/address.js';
import type { IpsecSa } from '../policy/sa.js';
import { newCounters, type SaCounters } from './counters.js';
import type { EspContextHandle } from './espCrypto.js';
import { ReplayWindow, DEFAULT_REPLAY_WINDOW } from './replay.js';
import { compileSelector, type CompiledSelector } from '../policy/selector.js';
import {
  cipherContext,
  integrityContext,
  SaParameterError,
  type CipherContext,
  type IntegrityContext,
} from './transform.js';

const TWO32 = 0x1_0000_0000;
/** Sequence numbers are JS numbers: with ESN the sender stops at 2^53 (exact integers). */
const ESN_LIMIT = Number.MAX_SAFE_INTEGER;

export interface InstallOptions {
  /** Anti-replay window (inbound), default 64 (the chapter: IOS uses 64). */
  readonly replayWindow?: number;
  /** Fraction of the lifetime (seconds and kilobytes) at which a rekey is requested. */
  readonly softLifetimeFraction?: number;
  /** First sequence number (tests of the wrap guard and of ESN): outbound, the next one
   * sent; inbound, the window starts as if the one before had been received. Default 1. */
  readonly initialSequence?: number;
}

export type ExpiryReason = 'seconds' | 'kilobytes' | 'sequence';

export class SaState {
  readonly spi: number;
  readonly protocol: 'esp' | 'ah';
  readonly direction: 'inbound' | 'outbound';
  readonly esn: boolean;
  readonly cipher: CipherContext | undefined;
  readonly integrity: IntegrityContext;
  readonly selector: CompiledSelector;
  readonly outerFamily: 4 | 6;
  readonly outerSource: Uint8Array;
  readonly outerDestination: Uint8Array;
  readonly replay: ReplayWindow | undefined;
  readonly counters: SaCounters = newCounters();
  readonly installedAt: number;
  /** Next outbound sequence number. */
  nextSequence: number;
  /** Set by a bundle lookup: the inbound ESP SA must arrive inside this peer's AH. */
  requiresAh = false;
  softSignalled = false;
  expired = false;
  /** Install order in the SAD (newest wins a lookup). */
  order = 0;
  /** The native crypto context (the data plane's), when the SA has one. */
  native: EspContextHandle | undefined;
  /** A hard expiry by kilobytes is queued for the next tick. */
  hardQueued = false;
  private readonly softBytes: number;
  private readonly hardBytes: number;
  private readonly softAt: number;
  private readonly hardAt: number;
  private readonly maxSequence: number;
  private readonly softSequence: number;

  constructor(
    readonly sa: IpsecSa,
    now: number,
    options: InstallOptions = {},
  ) {
    if (!Number.isInteger(sa.spi) || sa.spi < 256 || sa.spi > 0xffffffff) {
      // RFC 4303 §2.1: SPIs 1..255 are reserved, 0 is never sent
      throw new SaParameterError(`SPI ${sa.spi} is not in 256..2^32-1`);
    }
    this.spi = sa.spi;
    this.protocol = sa.protocol;
    this.direction = sa.direction;
    this.esn = sa.extendedSequenceNumbers === true;
    this.cipher = sa.protocol === 'esp' ? cipherContext(sa) : undefined;
    this.integrity = integrityContext(sa);
    if (sa.protocol === 'ah' && this.integrity.hash === undefined)
      throw new SaParameterError('AH needs an integrity algorithm');
    if (this.cipher !== undefined && this.cipher.mode === 'null' && this.integrity.hash === undefined) {
      throw new SaParameterError('ESP with NULL encryption needs an integrity algorithm (RFC 4303 §3.2)');
    }
    if (this.cipher !== undefined && this.cipher.mode === 'ctr' && this.integrity.hash === undefined) {
      throw new SaParameterError('AES-CTR needs an integrity algorithm (RFC 3686 §5)');
    }
    this.selector = compileSelector(sa.selector);
    this.outerFamily = isIpv6Text(sa.source) ? 6 : 4;
    // Both outer addresses in one buffer: a small typed array costs far more than its bytes.
    const source = addressFromText(sa.source);
    const destination = addressFromText(sa.destination);
    const outer = new Uint8Array(source.length + destination.length);
    outer.set(source);
    outer.set(destination, source.length);
    this.outerSource = outer.subarray(0, source.length);
    this.outerDestination = outer.subarray(source.length);
    this.replay =
      sa.direction === 'inbound'
        ? new ReplayWindow(
            options.replayWindow ?? DEFAULT_REPLAY_WINDOW,
            this.esn,
            (options.initialSequence ?? 1) - 1,
          )
        : undefined;
    this.installedAt = now;
    this.nextSequence = options.initialSequence ?? 1;
    const soft = options.softLifetimeFraction ?? 0.9;
    const kb = sa.lifetime.kilobytes;
    this.hardBytes = kb > 0 ? kb * 1024 : Infinity;
    this.softBytes = kb > 0 ? Math.floor(kb * 1024 * soft) : Infinity;
    const sec = sa.lifetime.seconds;
    this.hardAt = sec > 0 ? now + sec : Infinity;
    this.softAt = sec > 0 ? now + sec * soft : Infinity;
    this.maxSequence = this.esn ? ESN_LIMIT : TWO32 - 1;
    // ask for a rekey with room to spare: 1/16 of the space, at most 2^24 packets before the end
    this.softSequence = this.maxSequence - Math.min(2 ** 24, Math.floor(this.maxSequence / 16));
  }

  /** The next outbound sequence number, or -1 when the space is exhausted (RFC 4303
   * §3.3.3: the sender never cycles; a new SA must be established). */
  takeSequence(): number {
    const s = this.nextSequence;
    if (s > this.maxSequence) return -1;
    this.nextSequence = s + 1;
    return s;
  }

  /** Soft limit reached now (seconds, kilobytes or sequence), not yet signalled. */
  softDue(now: number): ExpiryReason | undefined {
    if (this.softSignalled) return undefined;
    if (now >= this.softAt) return 'seconds';
    if (this.counters.bytes >= this.softBytes) return 'kilobytes';
    if (this.direction === 'outbound' && this.nextSequence >= this.softSequence) return 'sequence';
    return undefined;
  }

  hardDue(now: number): ExpiryReason | undefined {
    if (now >= this.hardAt) return 'seconds';
    if (this.counters.bytes >= this.hardBytes) return 'kilobytes';
    if (this.direction === 'outbound' && this.nextSequence > this.maxSequence) return 'sequence';
    return undefined;
  }

  /** When the soft and hard lifetimes in seconds end (Infinity: no limit). */
  get softDeadline(): number {
    return this.softAt;
  }

  get hardDeadline(): number {
    return this.hardAt;
  }

  /** The kilobyte lifetime is used up. */
  get bytesExhausted(): boolean {
    return this.counters.bytes >= this.hardBytes;
  }

  /** IOS "remaining key lifetime (k/sec)". */
  remaining(now: number): { kilobytes: number; seconds: number } {
    const kilobytes =
      this.hardBytes === Infinity
        ? 0
        : Math.max(0, Math.floor((this.hardBytes - this.counters.bytes) / 1024));
    const seconds = this.hardAt === Infinity ? 0 : Math.max(0, Math.floor(this.hardAt - now));
    return { kilobytes, seconds };
  }

  /** Zeroes our copies of the keys (DESIGN.md principle 6). */
  wipe(): void {
    this.cipher?.keyBytes.fill(0);
    this.integrity.keyBytes.fill(0);
    this.expired = true;
  }
}
