// Exchanges after phase 1 (quick mode, informational, the transaction exchange of Mode Config
// and XAUTH): encrypted, and told apart by their message ID (RFC 2408 §3.1). One receive path
// in IkeManager serves them all; what differs per exchange type is this registration.

import type { Payload } from '../wire/index.js';
import type { IkeSa } from './ikeSa.js';
import type { Message } from './message.js';
import type { QmStep, QuickModeContext } from './quickMode.js';
import type { TaskResult } from './task.js';
import type { IkeDatagram } from './types.js';

/** The decrypted message a task receives. */
export interface ExchangeInput {
  readonly plain: Uint8Array;
  readonly firstPayload: number;
  readonly commit: boolean;
  /** When the exchange is `hashed`: the payloads HASH(1) was verified over (the HASH left out). */
  readonly payloads?: readonly Payload[];
}

/** A task of one message ID on an IKE SA. */
export interface ExchangeTask {
  readonly messageId: number;
  readonly role: 'initiator' | 'responder';
  /** A finished responder: anything new under its message ID is a replay. */
  readonly finished: boolean;
  receive(ctx: QuickModeContext, input: ExchangeInput): TaskResult<QmStep> | undefined;
}

/** A task we start: `begin` builds our first message. */
export interface InitiatorTask extends ExchangeTask {
  begin(ctx: QuickModeContext): TaskResult<QmStep>;
}

export interface ExchangeRegistration {
  /** As log lines name the exchange ("quick mode"). */
  readonly name: string;
  /**
   * RFC 2409 App. B: every exchange's first IV is hash(last phase-1 CBC block | M-ID);
   * `chain` goes on from each message's last block (quick mode; the transaction exchange,
   * draft-dukes-ike-mode-cfg §3.2), `fresh` starts over for each message (informational).
   */
  readonly iv: 'chain' | 'fresh';
  /** HASH(1) = prf(SKEYID_a, M-ID | payloads) is verified before the task sees the message. */
  readonly hashed: boolean;
  /** Finished tasks stay on the SA (quick mode's are reaped by its timers). */
  readonly keepsFinished?: boolean;
  /** The task for a message ID the peer starts. */
  responder(sa: IkeSa, messageId: number): ExchangeTask;
  /** A message of this type in the clear (informational before keys); dropped when absent. */
  clear?(sa: IkeSa, msg: Message, d: IkeDatagram): void;
}
