// Negotiations as an operator counts them: phase 1 and phase 2 started (by role), completed,
// and failed by reason, each failure once with what mismatched (the refusal the engine already
// reported: a proposal check, a proxy identity, a notify). Fed by the event bus; the metrics
// endpoint counts these and the status page shows the last failures.

import type { IkeEvent } from '../ike/events.js';
import type { TypeswanEvent } from './events.js';

export type NegotiationPhase = 1 | 2;

/** A bounded set of failure classes: the `reason` label of the metrics. */
export type FailureReason =
  'no_proposal_chosen' | 'authentication_failed' | 'proxy_id_refused' | 'timeout' | 'peer_refused' | 'error';

export interface Mismatch {
  readonly attribute: string;
  readonly ours: string;
  readonly theirs: string;
}

export interface NegotiationFailure {
  readonly time: number;
  readonly router: string;
  readonly peer: string;
  readonly phase: NegotiationPhase;
  readonly connId: number;
  readonly messageId: number;
  readonly reason: FailureReason;
  readonly detail: string;
  /** Why each offered transform (or the proxy identities) was refused. */
  readonly mismatches: readonly Mismatch[];
}

export interface NegotiationCounts {
  /** `${phase}/${role}` → count. */
  readonly started: Map<string, number>;
  readonly completed: Map<NegotiationPhase, number>;
  /** `${phase}/${reason}` → count. */
  readonly failed: Map<string, number>;
}

/** How many failures the status page keeps; and the bound on negotiations tracked at once. */
const RECENT_FAILURES = 20;
const TRACKED_LIMIT = 4096;

/** RFC 2408 §3.14.1 notify names a refusal maps to. */
function refusalReason(notify: string): FailureReason {
  switch (notify) {
    case 'NO_PROPOSAL_CHOSEN':
      return 'no_proposal_chosen';
    case 'AUTHENTICATION_FAILED':
    case 'INVALID_HASH_INFORMATION':
      return 'authentication_failed';
    case 'INVALID_ID_INFORMATION':
      return 'proxy_id_refused';
    default:
      return 'peer_refused';
  }
}

/** A failure of the negotiation `messageId` names (0: phase 1). */
function failed(
  e: { readonly connId: number; readonly peer: string },
  messageId: number,
  reason: FailureReason,
  detail: string,
): Failed {
  return { connId: e.connId, peer: e.peer, phase: messageId === 0 ? 1 : 2, messageId, reason, detail };
}

interface Failed {
  readonly connId: number;
  readonly peer: string | undefined;
  readonly phase: NegotiationPhase;
  readonly messageId: number;
  readonly reason: FailureReason;
  readonly detail: string;
  readonly mismatches?: readonly Mismatch[];
}

export class NegotiationLog {
  private readonly counts = new Map<string, NegotiationCounts>();
  private readonly recent: NegotiationFailure[] = [];
  /** Negotiations already counted as failed, and quick modes seen, per `router/connId/messageId`. */
  private readonly ended = new Set<string>();
  private readonly quickModes = new Set<string>();
  /** Refused transforms per `router/connId/messageId` (phase 1: message ID 0). */
  private readonly checks = new Map<string, Mismatch[]>();
  private readonly peers = new Map<string, string>();

  /** Counts of one router (created empty on first use). */
  of(router: string): NegotiationCounts {
    let c = this.counts.get(router);
    if (c === undefined) {
      c = { started: new Map(), completed: new Map(), failed: new Map() };
      this.counts.set(router, c);
    }
    return c;
  }

  routers(): string[] {
    return [...this.counts.keys()];
  }

  /** The last failures, newest first. */
  recentFailures(router?: string): NegotiationFailure[] {
    const all = [...this.recent].reverse();
    return router === undefined ? all : all.filter((f) => f.router === router);
  }

  observe(event: TypeswanEvent): void {
    if (event.source !== 'ike') return;
    const failed = this.classify(event.router, event.event);
    if (failed !== undefined) this.fail(event.router, event.time, failed);
  }

  private key(router: string, connId: number, messageId: number): string {
    return `${router}/${connId}/${messageId}`;
  }

  private bounded(set: Set<string> | Map<string, unknown>): void {
    if (set.size >= TRACKED_LIMIT) set.clear();
  }

  private start(router: string, phase: NegotiationPhase, role: 'initiator' | 'responder'): void {
    const started = this.of(router).started;
    const k = `${phase}/${role}`;
    started.set(k, (started.get(k) ?? 0) + 1);
  }

  private classify(router: string, e: IkeEvent): Failed | undefined {
    switch (e.type) {
      case 'begin':
        if (e.exchange === 'quick') {
          this.bounded(this.quickModes);
          this.quickModes.add(this.key(router, e.connId, e.messageId ?? 0));
          this.start(router, 2, 'initiator');
        } else this.start(router, 1, 'initiator');
        return undefined;
      case 'packet':
        this.peers.set(`${router}/${e.connId}`, e.peer);
        if (e.direction !== 'received') return undefined;
        if (e.state === 'NEW SA') this.start(router, 1, 'responder');
        else if (e.exchange === 'QUICK_MODE') {
          const k = this.key(router, e.connId, e.messageId);
          if (!this.quickModes.has(k)) {
            this.bounded(this.quickModes);
            this.quickModes.add(k);
            this.start(router, 2, 'responder');
          }
        }
        return undefined;
      case 'ikeSaCreated':
        this.complete(router, 1);
        return undefined;
      case 'ipsecSasCreated':
        this.complete(router, 2);
        return undefined;
      case 'phase1Check':
      case 'phase2Check': {
        const mismatch = e.check.mismatch;
        if (mismatch === undefined) return undefined;
        const k = this.key(router, e.connId, e.type === 'phase2Check' ? e.messageId : 0);
        const number = e.type === 'phase1Check' ? e.check.transformNumber : e.check.proposalNumber;
        this.bounded(this.checks);
        const list = this.checks.get(k) ?? [];
        list.push({
          attribute: `${e.type === 'phase1Check' ? 'transform' : 'proposal'} ${number}: ${mismatch.attribute}`,
          ours: mismatch.ours,
          theirs: mismatch.theirs,
        });
        this.checks.set(k, list);
        return undefined;
      }
      case 'phase1NoProposal':
        return failed(e, 0, 'no_proposal_chosen', 'no offered ISAKMP proposal is acceptable');
      case 'authFailed':
        return failed(e, 0, 'authentication_failed', e.reason);
      case 'giveUp':
        return failed(e, e.messageId, 'timeout', e.reason);
      case 'peerRefused':
        return failed(e, e.messageId, refusalReason(e.notify), `the peer answered ${e.notify}`);
      case 'proxyIdRefused':
        return {
          connId: e.connId,
          peer: e.peer,
          phase: 2,
          messageId: e.messageId,
          reason: 'proxy_id_refused',
          detail: 'the offered proxy identities fit no crypto map entry',
          mismatches: [{ attribute: 'proxy identities', ours: e.ours, theirs: e.theirs }],
        };
      case 'nodeDeleted': {
        if (!e.error) return undefined;
        const refused = this.checks.has(this.key(router, e.connId, e.messageId));
        return {
          connId: e.connId,
          peer: undefined,
          phase: 2,
          messageId: e.messageId,
          reason: refused ? 'no_proposal_chosen' : 'error',
          detail: e.reason,
        };
      }
      case 'ikeSaDeleted':
        this.forget(router, e.connId);
        return undefined;
      default:
        return undefined;
    }
  }

  private complete(router: string, phase: NegotiationPhase): void {
    const completed = this.of(router).completed;
    completed.set(phase, (completed.get(phase) ?? 0) + 1);
  }

  /** Counts a failure once per negotiation: later reports of the same one (the node deleted
   * after a give-up, say) add nothing. */
  private fail(router: string, time: number, f: Failed): void {
    const k = this.key(router, f.connId, f.messageId);
    if (this.ended.has(k)) return;
    this.bounded(this.ended);
    this.ended.add(k);
    const failed = this.of(router).failed;
    const label = `${f.phase}/${f.reason}`;
    failed.set(label, (failed.get(label) ?? 0) + 1);
    this.recent.push({
      time,
      router,
      peer: f.peer ?? this.peers.get(`${router}/${f.connId}`) ?? '',
      phase: f.phase,
      connId: f.connId,
      messageId: f.messageId,
      reason: f.reason,
      detail: f.detail,
      mismatches: f.mismatches ?? this.checks.get(k) ?? [],
    });
    if (this.recent.length > RECENT_FAILURES) this.recent.shift();
  }

  private forget(router: string, connId: number): void {
    const prefix = `${router}/${connId}/`;
    for (const set of [this.ended, this.quickModes]) {
      for (const k of set) if (k.startsWith(prefix)) set.delete(k);
    }
    for (const k of this.checks.keys()) if (k.startsWith(prefix)) this.checks.delete(k);
    this.peers.delete(`${router}/${connId}`);
  }
}
