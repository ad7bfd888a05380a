// The shape every exchange task has (STYLE.md §3, after strongSwan's ikev1 tasks): `start`
// builds our first message, `process` consumes the peer's and may build the next one. The
// manager frames, encrypts, sends, retransmits and reports packets; `after` runs once the
// message is out (the IOS debug prints the state change after "sending packet").

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
