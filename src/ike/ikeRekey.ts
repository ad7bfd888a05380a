// IKE SA rekeying, make before break. The initiator of an IKE SA starts a new phase 1 at its
// soft lifetime (manager.ts, runTimers); this task adds the responder's side and the grace
// period of a replaced SA.
//
// Responder: when the peer has not rekeyed by our own soft point and IPsec SAs with it are in
// use, we start a new phase 1 to it ourselves, as initiator. Collision rule: the responder's
// soft point comes RESPONDER_DELAY of the lifetime after the initiator's (as for quick-mode
// rekeys), and it does nothing while a newer IKE SA with the peer exists or is being
// negotiated; so when the peer rekeys, it has done so first. If both sides still start at once
// (the peer's rekey was slow), each side replaces only the SA it rekeyed, both new SAs stay
// until they expire, and quick modes use the newest one.
//
// Replaced SA: it is superseded at once (no new quick modes, no DPD on it) and deleted, with a
// DELETE to the peer, `grace` seconds later, so exchanges in flight on it can finish.

import type { IkeEvent } from './events.js';
import type { IkeSa } from './ikeSa.js';

/** Fraction of the lifetime the responder waits after the initiator's soft point. */
export const RESPONDER_DELAY = 0.08;

export interface IkeRekeyHost {
  readonly now: number;
  emit(e: IkeEvent): void;
  /** IPsec SAs with the peer are installed. */
  hasIpsecWith(peer: string): boolean;
  /** A crypto map entry names the peer, so we may initiate to it. */
  canInitiateTo(peer: string): boolean;
  startPhase1(peer: string, local: string): IkeSa;
  deleteSa(sa: IkeSa, reason: string): void;
}

export class IkeRekey {
  private readonly retireAt = new WeakMap<IkeSa, number>();

  constructor(private readonly grace: number) {}

  /** A new IKE SA replaces `old`: keep it for the grace period, then delete it. */
  replaced(old: IkeSa, now: number): void {
    old.superseded = true;
    if (!this.retireAt.has(old)) this.retireAt.set(old, now + this.grace);
  }

  nextDeadline(sas: Iterable<IkeSa>): number {
    let t = Number.POSITIVE_INFINITY;
    for (const sa of sas) t = Math.min(t, this.retireAt.get(sa) ?? Number.POSITIVE_INFINITY, this.softAt(sa));
    return t;
  }

  run(sas: Iterable<IkeSa>, host: IkeRekeyHost): void {
    const all = [...sas];
    for (const sa of all) {
      if (sa.deleted) continue;
      const retire = this.retireAt.get(sa);
      if (retire !== undefined && host.now >= retire) {
        host.deleteSa(sa, 'rekeyed');
        continue;
      }
      if (host.now < this.softAt(sa)) continue;
      // Whatever happens next, this SA is looked at once.
      sa.rekeyStarted = true;
      const newer = all.some((o) => !o.deleted && o.peerAddress === sa.peerAddress && o.connId > sa.connId);
      // A peer behind a NAT is reachable only through the mapping it opened: it rekeys, not us.
      const reachable = !sa.peerBehindNat && host.canInitiateTo(sa.peerAddress);
      if (newer || !reachable || !host.hasIpsecWith(sa.peerAddress)) continue;
      host.emit({ type: 'rekey', connId: sa.connId, what: 'isakmp' });
      noInitialContact(host.startPhase1(sa.peerAddress, sa.localAddress));
    }
  }

  /** The responder's soft point; the initiator's is the manager's. */
  private softAt(sa: IkeSa): number {
    if (sa.role !== 'responder' || !sa.authenticated || sa.rekeyStarted || sa.superseded) {
      return Number.POSITIVE_INFINITY;
    }
    const established = sa.establishedAt ?? sa.createdAt;
    const life = sa.expiresAt - established;
    if (!Number.isFinite(life)) return Number.POSITIVE_INFINITY;
    // A soft point at or past the lifetime means rekeying is off (the manager's `rekey` option).
    if (sa.softAt >= sa.expiresAt) return Number.POSITIVE_INFINITY;
    return Math.min(sa.softAt + RESPONDER_DELAY * life, established + 0.97 * life);
  }
}

/**
 * A rekey is not a first contact: RFC 2407 §4.6.3.3's INITIAL-CONTACT would make the peer drop
 * the IPsec SAs in use. (The main mode task sends it only while `sentInitialContact` is false.)
 */
export function noInitialContact(sa: IkeSa): void {
  sa.sentInitialContact = true;
}
