// The IKE datagrams a busy gateway has read but not yet processed, in two bounded queues: the
// messages of exchanges under way (a responder cookie is set: MM3, MM5, quick mode, DPD, ...)
// and first messages (responder cookie zero: a new peer's MM1/AM1, RFC 2408 §3.1). Queued
// work goes out established-first, so a burst of new peers (a reboot's worth, or a flood)
// delays other new peers, never the handshakes already half done nor the DPD and rekeys of
// established tunnels; a full queue drops what arrives, which the peer retransmits (first
// messages first: they have cost nothing yet). Draining yields to the event loop between
// batches, so the sockets are read while the queues are worked through.

/** The ISAKMP header's responder cookie (octets 8..15) is zero: the peer starts a new exchange. */
export function isFirstMessage(data: Uint8Array): boolean {
  if (data.length < 16) return true;
  for (let i = 8; i < 16; i++) if (data[i] !== 0) return false;
  return true;
}

export interface IngressLimits {
  /** First messages waiting at most (default 256). */
  readonly first: number;
  /** Messages of exchanges under way waiting at most (default 4096). */
  readonly underWay: number;
  /** First messages taken per batch, after every waiting message under way (default 16). */
  readonly firstPerBatch: number;
}

const DEFAULT_LIMITS: IngressLimits = { first: 256, underWay: 4096, firstPerBatch: 16 };

/** A FIFO of bounded length with O(1) push and shift. */
class Ring<T> {
  private readonly items: (T | undefined)[];
  private head = 0;
  length = 0;

  constructor(readonly capacity: number) {
    this.items = new Array<T | undefined>(capacity);
  }

  push(item: T): boolean {
    if (this.length >= this.capacity) return false;
    this.items[(this.head + this.length) % this.capacity] = item;
    this.length++;
    return true;
  }

  shift(): T | undefined {
    if (this.length === 0) return undefined;
    const item = this.items[this.head];
    this.items[this.head] = undefined;
    this.head = (this.head + 1) % this.capacity;
    this.length--;
    return item;
  }
}

export class IkeIngress<D extends { readonly data: Uint8Array }> {
  private readonly first: Ring<D>;
  private readonly underWay: Ring<D>;
  private readonly limits: IngressLimits;
  private scheduled = false;
  /** Datagrams dropped because their queue was full, by queue. */
  readonly dropped = { first: 0, underWay: 0 };

  constructor(
    /** Processes one datagram (the IKE engine's receive and its actions). */
    private readonly handle: (datagram: D) => void,
    /** Runs the callback once the event loop has read its sockets (setImmediate). */
    private readonly defer: (callback: () => void) => void,
    limits: Partial<IngressLimits> = {},
  ) {
    this.limits = { ...DEFAULT_LIMITS, ...limits };
    this.first = new Ring(this.limits.first);
    this.underWay = new Ring(this.limits.underWay);
  }

  get waiting(): number {
    return this.first.length + this.underWay.length;
  }

  offer(datagram: D): void {
    if (isFirstMessage(datagram.data)) {
      if (!this.first.push(datagram)) this.dropped.first++;
    } else if (!this.underWay.push(datagram)) this.dropped.underWay++;
    if (!this.scheduled) {
      this.scheduled = true;
      this.defer(() => this.drain());
    }
  }

  private drain(): void {
    this.scheduled = false;
    // What is under way now, then a few new peers; what arrives meanwhile waits a batch.
    for (let n = this.underWay.length; n > 0; n--) {
      const d = this.underWay.shift();
      if (d !== undefined) this.handle(d);
    }
    for (let n = Math.min(this.first.length, this.limits.firstPerBatch); n > 0; n--) {
      const d = this.first.shift();
      if (d !== undefined) this.handle(d);
    }
    if (this.waiting > 0 && !this.scheduled) {
      this.scheduled = true;
      this.defer(() => this.drain());
    }
  }
}
