// Interesting traffic waiting for IKE (the chapter's "sa_request"): one pending acquire per
// SPD rule, holding at most `limit` packets; the rest are dropped and counted as the flow's
// send errors, as IOS counts them. A pending acquire older than `timeout` is given up, so the
// next packet asks IKE again.

interface Pending {
  readonly since: number;
  readonly packets: Uint8Array[];
}

export class AcquireQueue {
  private readonly pending = new Map<number, Pending>();
  /** Packets dropped while waiting for an SA, per rule index. */
  readonly drops = new Map<number, number>();

  constructor(
    private readonly limit: number,
    private readonly timeout: number,
  ) {}

  /**
   * A packet for `ruleIndex` found no SA. Holds or drops it; `ask` is true when IKE must be
   * asked (no acquire pending, or the last one timed out).
   */
  offer(ruleIndex: number, packet: Uint8Array, now: number): { ask: boolean; held: boolean } {
    let pending = this.pending.get(ruleIndex);
    if (pending !== undefined && now - pending.since > this.timeout) {
      this.countDrop(ruleIndex, pending.packets.length);
      this.pending.delete(ruleIndex);
      pending = undefined;
    }
    const ask = pending === undefined;
    if (pending === undefined) {
      pending = { since: now, packets: [] };
      this.pending.set(ruleIndex, pending);
    }
    const held = pending.packets.length < this.limit;
    if (held) pending.packets.push(packet);
    else this.countDrop(ruleIndex);
    return { ask, held };
  }

  countDrop(ruleIndex: number, count = 1): void {
    if (count > 0) this.drops.set(ruleIndex, (this.drops.get(ruleIndex) ?? 0) + count);
  }

  /** Ends the acquires `answered` accepts and returns their held packets, oldest first. */
  release(answered: (ruleIndex: number) => boolean): { ruleIndex: number; packets: Uint8Array[] }[] {
    const out: { ruleIndex: number; packets: Uint8Array[] }[] = [];
    for (const [ruleIndex, pending] of [...this.pending]) {
      if (!answered(ruleIndex)) continue;
      this.pending.delete(ruleIndex);
      out.push({ ruleIndex, packets: pending.packets });
    }
    return out;
  }

  /** `clear crypto sa`: forget pending acquires and the drop counts. */
  clear(): void {
    this.pending.clear();
    this.drops.clear();
  }
}
