// A link (two interfaces) or a shared segment (several) in virtual time. Every transmission
// suffers the segment's delay, loss, duplication, reordering and MTU; a bounded number of
// packets may be in flight, beyond which the segment tail-drops. All randomness is seeded.

import type { SeededRandom } from './rng.js';
import type { VirtualScheduler } from './scheduler.js';

export interface LinkProfile {
  /** One-way delay in seconds. */
  readonly delay: number;
  /** Probability a packet is lost. */
  readonly loss: number;
  /** Probability a packet is delivered twice. */
  readonly duplicate: number;
  /** Probability a packet is held back long enough for later packets to overtake it. */
  readonly reorder: number;
  /** Largest IPv4 packet (bytes) carried; bigger ones are dropped (and counted). */
  readonly mtu: number;
  /** Packets in flight at most; more are tail-dropped. */
  readonly queueLimit: number;
}

export const DEFAULT_LINK: LinkProfile = {
  delay: 0.005,
  loss: 0,
  duplicate: 0,
  reorder: 0,
  mtu: 1500,
  queueLimit: 256,
};

export interface SegmentCounters {
  sent: number;
  delivered: number;
  lost: number;
  duplicated: number;
  reordered: number;
  tooBig: number;
  queueDrops: number;
  noNeighbor: number;
}

/** What a segment delivers to: one attached interface of a node. */
export interface Attachment {
  readonly address: string;
  deliver(packet: Uint8Array): void;
}

export class Segment {
  readonly counters: SegmentCounters = {
    sent: 0,
    delivered: 0,
    lost: 0,
    duplicated: 0,
    reordered: 0,
    tooBig: 0,
    queueDrops: 0,
    noNeighbor: 0,
  };
  private readonly attachments = new Map<string, Attachment>();
  /** Attachments whose link is cut: nothing reaches them, nothing they send gets through. */
  private readonly cutAddresses = new Set<string>();
  private inFlight = 0;
  /** Called for every packet put on the wire (before loss), e.g. to write a pcap. */
  tap?: (packet: Uint8Array, time: number) => void;

  constructor(
    readonly name: string,
    private readonly scheduler: VirtualScheduler,
    private readonly random: SeededRandom,
    public profile: LinkProfile = DEFAULT_LINK,
  ) {}

  attach(attachment: Attachment): void {
    if (this.attachments.has(attachment.address)) {
      throw new Error(`segment ${this.name}: address ${attachment.address} attached twice`);
    }
    this.attachments.set(attachment.address, attachment);
  }

  /** Cuts the link of the attachment at `address` (a cable pulled); `heal` puts it back. */
  cut(address: string): void {
    this.cutAddresses.add(address);
  }

  heal(address: string): void {
    this.cutAddresses.delete(address);
  }

  hasAddress(address: string): boolean {
    return this.attachments.has(address);
  }

  /** Sends `packet` to the neighbour whose address is `nextHop`. */
  transmit(nextHop: string, packet: Uint8Array): void {
    const profile = this.profile;
    this.counters.sent++;
    this.tap?.(packet, this.scheduler.now());
    const neighbor = this.attachments.get(nextHop);
    if (neighbor === undefined) {
      this.counters.noNeighbor++;
      return;
    }
    if (
      this.cutAddresses.size > 0 &&
      (this.cutAddresses.has(nextHop) || this.cutAddresses.has(sourceOf(packet)))
    ) {
      this.counters.lost++;
      return;
    }
    if (packet.length > profile.mtu) {
      this.counters.tooBig++;
      return;
    }
    if (this.random.chance(profile.loss)) {
      this.counters.lost++;
      return;
    }
    const copies = this.random.chance(profile.duplicate) ? 2 : 1;
    if (copies === 2) this.counters.duplicated++;
    for (let i = 0; i < copies; i++) {
      if (this.inFlight >= profile.queueLimit) {
        this.counters.queueDrops++;
        continue;
      }
      let delay = profile.delay;
      if (this.random.chance(profile.reorder)) {
        this.counters.reordered++;
        delay += profile.delay * (1 + this.random.next()) + 0.001;
      }
      this.inFlight++;
      const copy = Uint8Array.from(packet);
      this.scheduler.after(delay, () => {
        this.inFlight--;
        this.counters.delivered++;
        neighbor.deliver(copy);
      });
    }
  }
}

/** The IPv4 source of a packet on the wire (a cut attachment's own packets carry its address). */
function sourceOf(packet: Uint8Array): string {
  return packet.length >= 20 ? `${packet[12]}.${packet[13]}.${packet[14]}.${packet[15]}` : '';
}
