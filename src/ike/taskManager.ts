// The task manager of one IKE SA (after strongSwan's sa/ikev1/task_manager_v1.c): the tasks
// active on the SA (its phase-1 task and one task per message ID after it), our requests
// that wait for an answer and are retransmitted with exponential backoff, and our last reply
// per message ID, sent again when the peer retransmits the message it answered (RFC 2408
// §5: a retransmission is recognised by its bytes, not processed twice).

import { createHash } from 'node:crypto';
import type { AggressiveMode } from './aggressiveMode.js';
import type { MainMode } from './mainMode.js';
import type { ExchangeTask } from './exchange.js';
import { QuickMode } from './quickMode.js';
import type { RetransmitPolicy } from './types.js';

/** A request of ours waiting for the peer's answer. */
export interface OutstandingRequest {
  readonly messageId: number;
  readonly data: Uint8Array;
  readonly exchangeType: number;
  readonly payloadNames: readonly string[];
  retries: number;
  interval: number;
  nextAt: number;
}

export interface CachedReply {
  readonly fingerprint: string;
  /** Bytes we answered with; undefined when the message needed no answer. */
  readonly response?: Uint8Array;
}

/** What identifies a retransmitted message: its bytes. */
export function fingerprintOf(datagram: Uint8Array): string {
  return createHash('sha1').update(datagram).digest('hex');
}

export class TaskManager {
  phase1?: MainMode | AggressiveMode | undefined;
  private readonly tasks = new Map<number, { readonly task: ExchangeTask; readonly exchangeType: number }>();
  /** Made on the first request and dropped once all are answered: most SAs wait for nothing. */
  private outstanding: Map<number, OutstandingRequest> | undefined;
  private readonly replies = new Map<number, CachedReply>();

  constructor(private readonly retransmit: RetransmitPolicy) {}

  // ---------------------------------------------------------------- tasks

  endPhase1(): void {
    this.phase1 = undefined;
  }

  /** The task under this message ID, if it is one of this exchange type's. */
  exchange(messageId: number, exchangeType?: number): ExchangeTask | undefined {
    const t = this.tasks.get(messageId);
    return t && (exchangeType === undefined || t.exchangeType === exchangeType) ? t.task : undefined;
  }
  addExchange(task: ExchangeTask, exchangeType: number): void {
    this.tasks.set(task.messageId, { task, exchangeType });
  }
  removeExchange(messageId: number): void {
    this.tasks.delete(messageId);
  }
  get exchangeCount(): number {
    return this.tasks.size;
  }

  quickMode(messageId: number): QuickMode | undefined {
    const t = this.tasks.get(messageId)?.task;
    return t instanceof QuickMode ? t : undefined;
  }
  /** In the order they started. */
  quickModes(): QuickMode[] {
    return [...this.tasks.values()].map((t) => t.task).filter((t): t is QuickMode => t instanceof QuickMode);
  }
  get quickModeCount(): number {
    return this.quickModes().length;
  }

  // ---------------------------------------------------------------- retransmission

  /** Arms retransmission of a request just sent. */
  request(
    messageId: number,
    data: Uint8Array,
    exchangeType: number,
    payloadNames: readonly string[],
    now: number,
  ): void {
    this.outstanding ??= new Map();
    this.outstanding.set(messageId, {
      messageId,
      data,
      exchangeType,
      payloadNames,
      retries: 0,
      interval: this.retransmit.initial,
      nextAt: now + this.retransmit.initial,
    });
  }

  /** The peer answered (or the exchange ended): stop retransmitting. */
  answered(messageId: number): void {
    this.outstanding?.delete(messageId);
    if (this.outstanding?.size === 0) this.outstanding = undefined;
  }

  /** Requests whose timer has run out, in the order they were sent. */
  due(now: number): OutstandingRequest[] {
    return [...(this.outstanding?.values() ?? [])].filter((p) => p.nextAt <= now);
  }

  exhausted(p: OutstandingRequest): boolean {
    return p.retries >= this.retransmit.maxRetries;
  }

  /** Counts one more transmission and stretches the wait for the next by the backoff factor. */
  backOff(p: OutstandingRequest, now: number): void {
    p.retries++;
    p.interval *= this.retransmit.factor;
    p.nextAt = now + p.interval;
  }

  nextRetransmitAt(): number {
    let t = Number.POSITIVE_INFINITY;
    for (const p of this.outstanding?.values() ?? []) t = Math.min(t, p.nextAt);
    return t;
  }

  // ---------------------------------------------------------------- reply cache

  /** Our reply to this very message, if it is a retransmission of one we processed. */
  duplicateOf(messageId: number, fingerprint: string): CachedReply | undefined {
    const cached = this.replies.get(messageId);
    return cached && cached.fingerprint === fingerprint ? cached : undefined;
  }

  remember(messageId: number, fingerprint: string, response?: Uint8Array): void {
    this.replies.set(messageId, response ? { fingerprint, response } : { fingerprint });
  }

  forgetReply(messageId: number): void {
    this.replies.delete(messageId);
  }

  /** The IKE SA is gone: no task, retransmission or cached reply outlives it. */
  clear(): void {
    this.phase1 = undefined;
    this.tasks.clear();
    this.outstanding = undefined;
    this.replies.clear();
  }
}
