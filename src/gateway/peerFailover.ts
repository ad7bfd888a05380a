// Several peers in one crypto map entry (`set peer A`, `set peer B`, ...). IOS initiates to
// the first; when phase 1 with it fails (no answer after the retransmissions, a refusal, no
// proposal chosen, failed authentication) or dead peer detection declares it dead, the entry
// moves on to the next peer, and after the last back to the first. SAs a listed peer brings
// (it initiated to us) make that peer the entry's current one, so outbound traffic uses them.
//
// The SPD's protect rules carry the entry's current peer (the data plane looks up outbound SAs
// by it, the acquire names it): `apply` rewrites the rules of entries with several peers.

import type { IkeEvent } from '../ike/events.js';
import type { PolicyRule } from './spdFromConfig.js';

/** An entry's move from one peer to the next, and why. */
export interface PeerMove {
  readonly cryptoMap: string;
  readonly seq: number;
  readonly from: string;
  readonly to: string;
  readonly reason: string;
}

/** The peer an IKE event says failed for the entries using it, and why; undefined otherwise. */
export function peerFailure(event: IkeEvent): { peer: string; reason: string } | undefined {
  switch (event.type) {
    case 'giveUp':
      return event.messageId === 0 ? { peer: event.peer, reason: `phase 1: ${event.reason}` } : undefined;
    case 'peerRefused':
      return event.messageId === 0
        ? { peer: event.peer, reason: `phase 1 refused (${event.notify})` }
        : undefined;
    case 'phase1NoProposal':
      return { peer: event.peer, reason: 'phase 1: no proposal chosen' };
    case 'authFailed':
      return { peer: event.peer, reason: `phase 1: authentication failed (${event.reason})` };
    case 'peerDead':
      return { peer: event.peer, reason: `dead peer detection: no answer to ${event.tries} R-U-THEREs` };
    default:
      return undefined;
  }
}

export class PeerFailover {
  /** Index of the current peer, by `map seq`, for entries with several peers. */
  private readonly current = new Map<string, number>();

  /** `rules` with each multi-peer entry's protect rules naming its current peer. */
  apply(rules: readonly PolicyRule[]): PolicyRule[] {
    return rules.map((r) => {
      const peer = this.peerOf(r);
      return peer === undefined || r.rule.peer === peer ? r : { ...r, rule: { ...r.rule, peer } };
    });
  }

  /** Entries (of `rules`) whose current peer failed move to their next peer. */
  failed(
    rules: readonly PolicyRule[],
    failure: { readonly peer: string; readonly reason: string } | undefined,
  ): PeerMove[] {
    if (failure === undefined) return [];
    const { peer, reason } = failure;
    return this.move(
      rules,
      (peers, index) => (peers[index] === peer ? (index + 1) % peers.length : index),
      reason,
    );
  }

  /** Entries listing `peer` make it current (it brought SAs). */
  established(rules: readonly PolicyRule[], peer: string): PeerMove[] {
    return this.move(
      rules,
      (peers, index) => {
        const at = peers.indexOf(peer);
        return at < 0 ? index : at;
      },
      'SAs established with it',
    );
  }

  private move(
    rules: readonly PolicyRule[],
    next: (peers: readonly string[], index: number) => number,
    reason: string,
  ): PeerMove[] {
    const moves: PeerMove[] = [];
    const seen = new Set<string>();
    for (const r of rules) {
      const peers = r.configEntry?.peers;
      if (peers === undefined || peers.length < 2) continue;
      const key = entryKey(r);
      if (seen.has(key)) continue;
      seen.add(key);
      const index = (this.current.get(key) ?? 0) % peers.length;
      const to = next(peers, index);
      if (to === index) continue;
      this.current.set(key, to);
      moves.push({
        cryptoMap: r.entry.map,
        seq: r.entry.seq,
        from: peers[index] ?? '',
        to: peers[to] ?? '',
        reason,
      });
    }
    return moves;
  }

  private peerOf(r: PolicyRule): string | undefined {
    const peers = r.configEntry?.peers;
    if (peers === undefined || peers.length < 2) return undefined;
    return peers[(this.current.get(entryKey(r)) ?? 0) % peers.length];
  }
}

function entryKey(r: PolicyRule): string {
  return `${r.entry.map} ${r.entry.seq}`;
}
