// Interesting traffic waiting for IKE (the chapter's "sa_request"): one pending acquire per
// SPD rule, holding at most `limit` packets; the rest are dropped and counted as the flow's
// send errors, as IOS counts them. A pending acquire older than `timeout` is given up, so the
// next packet asks IKE again. A negotiation that fails ends its acquire at once; the rule may
// then ask again after 1 s, 2 s, 4 s ... (at most `backoffLimit`) as failures repeat, and an SA
// coming up for the rule forgets its failures.

interface Pending {
  readonly since: number;
  readonly packets: Uint8Array[];
}

interface Backoff {
  readonly failures: number;
  readonly retryAt: number;
}

export class AcquireQueue {
  private pending = new Map<number, Pending>();
  private backoff = new Map<number, Backoff>();
  /** Packets dropped while waiting for an SA, per rule index. */
  drops = new Map<number, number>();

  constructor(
    private readonly limit: number,
    private readonly timeout: number,
    private readonly backoffLimit = 30,
  ) {}

  /**
   * A packet for `ruleIndex` found no SA. Holds or drops it; `ask` is true when IKE must be
   * asked (no acquire pending, or the last one timed out, and no failure backoff running).
   */
  offer(ruleIndex: number, packet: Uint8Array, now: number): { ask: boolean; held: boolean } {
    let pending = this.pending.get(ruleIndex);
    if (pending !== undefined && now - pending.since > this.timeout) {
      this.countDrop(ruleIndex, pending.packets.length);
      this.pending.delete(ruleIndex);
      pending = undefined;
    }
    if (pending === undefined && (this.backoff.get(ruleIndex)?.retryAt ?? 0) > now) {
      this.countDrop(ruleIndex);
      return { ask: false, held: false };
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
    for (const ruleIndex of [...this.backoff.keys()]) if (answered(ruleIndex)) this.backoff.delete(ruleIndex);
    const out: { ruleIndex: number; packets: Uint8Array[] }[] = [];
    for (const [ruleIndex, pending] of [...this.pending]) {
      if (!answered(ruleIndex)) continue;
      this.pending.delete(ruleIndex);
      out.push({ ruleIndex, packets: pending.packets });
    }
    return out;
  }

  /**
   * The negotiation for the pending acquires `failed` accepts ended without SAs: their held
   * packets are dropped and each rule may ask again at `retryAt`.
   */
  fail(failed: (ruleIndex: number) => boolean, now: number): { ruleIndex: number; retryAt: number }[] {
    const out: { ruleIndex: number; retryAt: number }[] = [];
    for (const [ruleIndex, pending] of [...this.pending]) {
      if (!failed(ruleIndex)) continue;
      this.pending.delete(ruleIndex);
      this.countDrop(ruleIndex, pending.packets.length);
      const failures = (this.backoff.get(ruleIndex)?.failures ?? 0) + 1;
      const retryAt = now + Math.min(this.backoffLimit, 2 ** (failures - 1));
      this.backoff.set(ruleIndex, { failures, retryAt });
      out.push({ ruleIndex, retryAt });
    }
    return out;
  }

  /** The SPD changed: each rule's state moves to its new index, or goes with its rule. */
  remap(moved: (ruleIndex: number) => number | undefined): void {
    const move = <T>(from: Map<number, T>): Map<number, T> => {
      const to = new Map<number, T>();
      for (const [index, value] of from) {
        const next = moved(index);
        if (next !== undefined) to.set(next, value);
      }
      return to;
    };
    this.pending = move(this.pending);
    this.backoff = move(this.backoff);
    this.drops = move(this.drops);
  }

  /** `clear crypto sa`: forget pending acquires, failures and the drop counts. */
  clear(): void {
    this.pending.clear();
    this.backoff.clear();
    this.drops.clear();
  }
}
