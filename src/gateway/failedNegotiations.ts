// Which IKE events say a negotiation toward a peer failed or was refused: phase 1 given up,
// authentication failed, no proposal chosen, an error notify, a quick mode ended in error, an
// IKE SA deleted (other than by its own rekey). Events naming only a conn-id are mapped to the
// peer of that IKE SA, learned when it starts and forgotten when it goes.

import type { IkeEvent } from '../ike/events.js';

/** Notify names that report status, not a failure (RFC 2407 §4.6.3, RFC 3706). */
const STATUS_NOTIFIES: ReadonlySet<string> = new Set([
  'RESPONDER_LIFETIME',
  'REPLAY_STATUS',
  'INITIAL_CONTACT',
  'R_U_THERE',
  'R_U_THERE_ACK',
]);

/** RFC 2408 §3.14.1: notify types 1-8191 are errors; the rest report status. */
function isErrorNotify(name: string): boolean {
  if (STATUS_NOTIFIES.has(name)) return false;
  const number = /^NOTIFY\((\d+)\)$/.exec(name)?.[1];
  return number === undefined || Number(number) < 8192;
}

export class FailedNegotiations {
  /** Peers of live IKE SAs by conn-id (bounded by the engine's IKE SA table). */
  private readonly peerByConn = new Map<number, string>();

  /** The peer `event` reports a failed negotiation with, if it does. */
  failedPeer(event: IkeEvent): string | undefined {
    switch (event.type) {
      case 'phase1Start':
      case 'ikeSaCreated':
        this.peerByConn.set(event.connId, event.peer);
        return undefined;
      case 'giveUp':
      case 'peerRefused':
      case 'acquireFailed':
      case 'authFailed':
      case 'phase1NoProposal':
        return event.peer;
      case 'ikeSaDeleted':
        this.peerByConn.delete(event.connId);
        // A rekeyed IKE SA hands its waiting requests to its successor.
        return event.reason === 'rekeyed' ? undefined : event.peer;
      case 'nodeDeleted':
        return event.error ? this.peerByConn.get(event.connId) : undefined;
      case 'notifyReceived':
        // Unauthenticated too (phase-1 refusals are): a forged one costs an earlier retry at
        // most, the engine's negotiation goes on and an SA resets the backoff.
        return isErrorNotify(event.notify) ? this.peerByConn.get(event.connId) : undefined;
      default:
        return undefined;
    }
  }
}
