// Dead Peer Detection (RFC 3706) as a task beside the informational exchange: R-U-THERE /
// R-U-THERE-ACK on the newest IKE SA with each peer, on demand (the IOS default) or periodic,
// as `crypto isakmp keepalive SECS [RETRY] [periodic|on-demand]` asks.
//
// On demand (RFC 3706 §5.5, IOS): a peer is queried only when we have sent IPsec traffic to it
// and received none for SECS seconds; an idle tunnel stays silent. Periodic: every SECS after
// the last proof of liveness, traffic or not. An unanswered query is sent again every RETRY
// seconds; after DPD_TRIES unanswered queries the peer is declared dead and everything we hold
// with it is cleared, so the next interesting traffic starts a new phase 1. The IOS debug of
// the feature counts the same five ("DPD incrementing error counter (n/5)"), as isakmpd's
// DPD_RETRANS_MAX does: worst case SECS + 5 x RETRY after the first unanswered packet.

import { dpdSequence, type Payload } from '../wire/index.js';
import { NotifyType } from './constants.js';
import type { IkeEvent } from './events.js';
import type { IkeSa } from './ikeSa.js';
import { dpdPayload } from './informational.js';

/** R-U-THEREs sent without an ACK before the peer is declared dead. */
export const DPD_TRIES = 5;

export interface KeepaliveSettings {
  readonly seconds: number;
  readonly retry: number;
  readonly mode?: 'periodic' | 'on-demand';
}

/** What DPD may do to the manager. */
export interface DpdHost {
  readonly now: number;
  emit(e: IkeEvent): void;
  drop(connId: number, peer: string, reason: string): void;
  sendInformational(sa: IkeSa, payloads: readonly Payload[]): void;
  randomU32(): number;
  /** Deletes the IPsec and IKE SAs with `dead`'s peer, up to `dead`, telling it (best effort). */
  clearPeer(dead: IkeSa, reason: string): void;
}

interface SaState {
  /** Last proof that the peer is alive: phase 1 done, an ACK, or its own R-U-THERE. */
  provenAt: number;
  /** Sequence number of our last R-U-THERE (RFC 3706 §6.1); undefined before the first. */
  seq?: number;
  /** R-U-THEREs of the current query sent so far (0: no query outstanding). */
  tries: number;
  nextRetryAt: number;
  /** Highest R-U-THERE sequence number received from the peer. */
  peerSeq?: number;
}

/** RFC 1982 serial comparison on 32 bits: `a` comes after `b`. */
function after(a: number, b: number): boolean {
  const d = (a - b) >>> 0;
  return d !== 0 && d < 0x80000000;
}

export class DeadPeerDetection {
  private readonly state = new WeakMap<IkeSa, SaState>();
  /** Per peer: when we first sent IPsec traffic that no inbound traffic has answered yet. */
  private readonly unanswered = new Map<string, number>();

  constructor(private keepalive: KeepaliveSettings | undefined) {}

  /** A reloaded `crypto isakmp keepalive`: later queries follow it. */
  configure(keepalive: KeepaliveSettings | undefined): void {
    this.keepalive = keepalive;
  }

  /** The data plane carried traffic to or from `peer` (gateway feed, see IkeManager.trafficSeen). */
  /** True when this made a query due earlier (the first outbound packet after silence). */
  trafficSeen(peer: string, direction: 'inbound' | 'outbound', now: number): boolean {
    if (!this.keepalive || this.keepalive.mode === 'periodic') return false;
    if (direction === 'inbound') {
      this.unanswered.delete(peer);
      return false;
    }
    if (this.unanswered.has(peer)) return false;
    this.unanswered.set(peer, now);
    return true;
  }

  /** The earliest time `run` has something to do. */
  nextDeadline(sas: Iterable<IkeSa>): number {
    let t = Number.POSITIVE_INFINITY;
    for (const sa of this.probed(sas)) t = Math.min(t, this.dueAt(sa));
    return t;
  }

  /** The last IKE SA with `peer` is gone: its traffic is not kept (the table stays as small as the SA table). */
  forgetPeer(peer: string): void {
    this.unanswered.delete(peer);
  }

  /**
   * Sends the R-U-THEREs that are due, and clears the peers that stopped answering. `sas`
   * holds every IKE SA of the peers looked at (the manager passes those with a deadline now).
   */
  run(sas: Iterable<IkeSa>, host: DpdHost): void {
    const given = [...sas];
    const probed = [...this.probed(given)];
    // Traffic of peers none of whose SAs is probed is not kept.
    const peers = new Set(probed.map((sa) => sa.peerAddress));
    for (const sa of given) if (!peers.has(sa.peerAddress)) this.unanswered.delete(sa.peerAddress);
    for (const sa of probed) {
      if (sa.deleted || host.now < this.dueAt(sa)) continue;
      const s = this.stateOf(sa, host.now);
      if (s.tries >= DPD_TRIES) {
        host.emit({ type: 'peerDead', connId: sa.connId, peer: sa.peerAddress, tries: s.tries });
        this.unanswered.delete(sa.peerAddress);
        host.clearPeer(sa, `DPD: peer dead (no R-U-THERE-ACK after ${s.tries} tries)`);
        continue;
      }
      // RFC 3706 §6.2: the first sequence number is random, below 2^31 so it does not wrap.
      s.seq = s.seq === undefined ? host.randomU32() & 0x7fffffff : (s.seq + 1) >>> 0;
      s.tries++;
      s.nextRetryAt = host.now + (this.keepalive?.retry ?? 2);
      host.sendInformational(sa, [dpdPayload(sa, false, s.seq)]);
      host.emit({ type: 'dpd', connId: sa.connId, kind: 'R_U_THERE', direction: 'sent', sequence: s.seq });
    }
  }

  /** A protected R-U-THERE or R-U-THERE-ACK (HASH(1) already verified). */
  receive(sa: IkeSa, notifyType: number, data: Uint8Array, host: DpdHost): void {
    // RFC 3706 §5.1: the sequence number is 32 bits; wire's reader says when it is not.
    const read = dpdSequence({ data });
    const seq = read ?? 0;
    const ack = notifyType === NotifyType.R_U_THERE_ACK;
    const kind = ack ? 'R_U_THERE_ACK' : 'R_U_THERE';
    host.emit({ type: 'dpd', connId: sa.connId, kind, direction: 'received', sequence: seq });
    if (read === undefined) {
      host.drop(
        sa.connId,
        sa.peerAddress,
        `${ack ? 'R-U-THERE-ACK' : 'R-U-THERE'} with ${data.length} bytes of data`,
      );
      return;
    }
    const s = this.stateOf(sa, host.now);
    if (ack) {
      // RFC 3706 §6.1: only the ACK of our outstanding query proves liveness.
      if (s.tries === 0 || seq !== s.seq) {
        host.drop(
          sa.connId,
          sa.peerAddress,
          s.tries === 0
            ? `R_U_THERE_ACK sequence ${seq} with no R-U-THERE outstanding`
            : `R_U_THERE_ACK sequence ${seq} does not answer R-U-THERE ${s.seq ?? 0}`,
        );
        return;
      }
      this.proven(sa, s, host.now);
      return;
    }
    // RFC 3706 §5.1: R-U-THERE is for peers that announced the DPD vendor ID.
    if (!sa.peerCaps.dpd) {
      host.drop(sa.connId, sa.peerAddress, 'R_U_THERE from a peer that did not send the DPD vendor ID');
      return;
    }
    // RFC 3706 §6.1: sequence numbers increase. The same one again is the peer resending an
    // unanswered query (isakmpd does), answered again; a lower one is a replay.
    if (s.peerSeq !== undefined && seq !== s.peerSeq && !after(seq, s.peerSeq)) {
      host.drop(sa.connId, sa.peerAddress, `R_U_THERE sequence ${seq} is not above ${s.peerSeq}: replay`);
      return;
    }
    s.peerSeq = seq;
    this.proven(sa, s, host.now);
    host.sendInformational(sa, [dpdPayload(sa, true, seq)]);
    host.emit({ type: 'dpd', connId: sa.connId, kind: 'R_U_THERE_ACK', direction: 'sent', sequence: seq });
  }

  private proven(sa: IkeSa, s: SaState, now: number): void {
    s.tries = 0;
    s.provenAt = now;
    this.unanswered.delete(sa.peerAddress);
  }

  private stateOf(sa: IkeSa, now: number): SaState {
    let s = this.state.get(sa);
    if (!s) {
      s = { provenAt: sa.establishedAt ?? now, tries: 0, nextRetryAt: Number.POSITIVE_INFINITY };
      this.state.set(sa, s);
    }
    return s;
  }

  private dueAt(sa: IkeSa): number {
    const ka = this.keepalive;
    if (!ka) return Number.POSITIVE_INFINITY;
    const s = this.stateOf(sa, sa.establishedAt ?? 0);
    if (s.tries > 0) return s.nextRetryAt;
    if (ka.mode === 'periodic') return s.provenAt + ka.seconds;
    const since = this.unanswered.get(sa.peerAddress);
    return since === undefined ? Number.POSITIVE_INFINITY : Math.max(since, s.provenAt) + ka.seconds;
  }

  /** Per peer, the newest established IKE SA, when DPD is configured and the peer does DPD. */
  private *probed(sas: Iterable<IkeSa>): Iterable<IkeSa> {
    if (!this.keepalive) return;
    const newest = new Map<string, IkeSa>();
    for (const sa of sas) {
      if (!sa.authenticated || sa.p1 !== 'IKE_P1_COMPLETE' || sa.deleted || sa.superseded) continue;
      if (!sa.peerCaps.dpd) continue;
      const other = newest.get(sa.peerAddress);
      if (!other || (sa.establishedAt ?? 0) >= (other.establishedAt ?? 0)) newest.set(sa.peerAddress, sa);
    }
    yield* newest.values();
  }
}
