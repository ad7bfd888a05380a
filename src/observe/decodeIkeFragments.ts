// Reassembles IKEv1 fragments (payload 132, the Cisco/strongSwan scheme announced by the
// FRAGMENTATION vendor ID): each fragment payload carries a piece of the whole (usually
// encrypted) ISAKMP message, numbered from 1, the last one flagged. Bounded in sets and pieces.

import { FRAGMENT_LAST, type FragmentPayload } from '../wire/index.js';

const MAX_FRAGMENTS = 64;
const MAX_PENDING_SETS = 256;

interface Piece {
  readonly data: Uint8Array;
  readonly frame: number;
}

interface FragmentSet {
  readonly pieces: Map<number, Piece>;
  last?: number;
}

export interface ReassembledMessage {
  readonly bytes: Uint8Array;
  readonly frames: readonly number[];
}

export class IkeFragmentCollector {
  private readonly sets = new Map<string, FragmentSet>();

  /** Adds one fragment of the IKE SA `icookie`; returns the whole message once complete. */
  add(icookie: string, fragment: FragmentPayload, frame: number): ReassembledMessage | undefined {
    if (fragment.fragmentNumber === 0 || fragment.fragmentNumber > MAX_FRAGMENTS) return undefined;
    const key = `${icookie}/${fragment.fragmentId}`;
    let set = this.sets.get(key);
    if (set === undefined) {
      if (this.sets.size >= MAX_PENDING_SETS) return undefined;
      set = { pieces: new Map() };
      this.sets.set(key, set);
    }
    set.pieces.set(fragment.fragmentNumber, { data: fragment.data, frame });
    if ((fragment.flags & FRAGMENT_LAST) !== 0) set.last = fragment.fragmentNumber;
    if (set.last === undefined || set.pieces.size < set.last) return undefined;
    const ordered: Piece[] = [];
    for (let n = 1; n <= set.last; n++) {
      const piece = set.pieces.get(n);
      if (piece === undefined) return undefined;
      ordered.push(piece);
    }
    this.sets.delete(key);
    const bytes = new Uint8Array(ordered.reduce((n, p) => n + p.data.length, 0));
    let at = 0;
    for (const piece of ordered) {
      bytes.set(piece.data, at);
      at += piece.data.length;
    }
    return { bytes, frames: ordered.map((p) => p.frame) };
  }
}
