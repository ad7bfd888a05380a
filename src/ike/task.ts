// The shape every exchange task has (STYLE.md §3, after strongSwan's sa/task.h): `build`
// makes our first message, `process` consumes the peer's and may build the next one; both say
// whether the task needs more messages, succeeded or failed. The task manager and IkeManager
// frame, encrypt, send, retransmit and report packets; `after` runs once the message is out
// (the IOS debug prints the state change after "sending packet").

import type { Payload } from '../wire/index.js';
import type { IkeEvent, Phase1State } from './events.js';
import type { IkeSa } from './ikeSa.js';

export interface Step {
  readonly send?: readonly Payload[];
  readonly encrypt?: boolean;
  /** A request: retransmit until the peer answers. */
  readonly expectReply?: boolean;
  /** Move to UDP 4500 before sending (RFC 3947 §4). */
  readonly float?: boolean;
  readonly commit?: boolean;
  /** Phase 1 is complete once this step is sent. */
  readonly complete?: boolean;
  readonly initialContact?: boolean;
  readonly after?: () => void;
}

export type TaskStatus = 'needMore' | 'success' | 'failed';

/** The task goes on (`needMore`) or is done (`success`); `step` says what to send now. */
export interface Advanced<S> {
  readonly status: 'needMore' | 'success';
  readonly step: S;
}

/** The task failed: the notify owed to the peer, and whether the message that failed it was authentic. */
export interface Failed {
  readonly status: 'failed';
  readonly notify: number;
  readonly reason: string;
  readonly verified: boolean;
}

export type TaskResult<S = Step> = Advanced<S> | Failed;

/**
 * An exchange task (strongSwan's task_t). `process` returns undefined for a message the task
 * does not expect in its state: dropped, not a failure.
 */
export interface Task<BuildArgs extends unknown[], ProcessArgs extends unknown[], S = Step> {
  build(...args: BuildArgs): TaskResult<S>;
  process(...args: ProcessArgs): TaskResult<S> | undefined;
}

/** Runs one task step; the refusals `failure` recognises become a `failed` result. */
export function settle<S>(
  f: () => S | undefined,
  done: (step: S) => boolean,
  failure: (e: unknown) => Failed | undefined,
): TaskResult<S> | undefined {
  let step: S | undefined;
  try {
    step = f();
  } catch (e) {
    const failed = failure(e);
    if (failed) return failed;
    throw e;
  }
  if (step === undefined) return undefined;
  return { status: done(step) ? 'success' : 'needMore', step };
}

/** `settle` for a `build`, which always has a message to send or a failure. */
export function settleBuild<S>(
  f: () => S,
  done: (step: S) => boolean,
  failure: (e: unknown) => Failed | undefined,
): TaskResult<S> {
  const r = settle(f, done, failure);
  if (!r) throw new Error('task built nothing');
  return r;
}

export function transition(sa: IkeSa, emit: (e: IkeEvent) => void, input: string, to: Phase1State): void {
  emit({ type: 'state', connId: sa.connId, input, from: sa.p1, to });
  sa.p1 = to;
}

export const FROM_PEER_MM = 'IKE_MSG_FROM_PEER, IKE_MM_EXCH';
export const FROM_PEER_AM = 'IKE_MSG_FROM_PEER, IKE_AM_EXCH';
export const PROCESS_MM = 'IKE_MSG_INTERNAL, IKE_PROCESS_MAIN_MODE';
export const PROCESS_AM = 'IKE_MSG_INTERNAL, IKE_PROCESS_AGGRESSIVE_MODE';
export const PROCESS_COMPLETE = 'IKE_MSG_INTERNAL, IKE_PROCESS_COMPLETE';
export const PHASE1_COMPLETE = 'IKE_MSG_INTERNAL, IKE_PHASE1_COMPLETE';
