// The control connection's reliable delivery (RFC 2661 §5.8): Ns/Nr sequence numbers (16-bit,
// modular), a send window, retransmission with exponential backoff capped at 8 s, and a ZLB
// acknowledgement when no message of ours carries the Nr. A duplicate gets a ZLB again (its
// Ns is below what we expect) so a peer whose ack was lost stops retransmitting.

import type { Avp } from './avp.js';
import { encodeControl } from './message.js';

interface Outstanding {
  readonly ns: number;
  readonly messageType: number;
  readonly sessionId: number;
  readonly avps: readonly Avp[];
  tries: number;
  deadline: number;
  sent: boolean;
}

const FIRST_TIMEOUT = 1;
const MAX_TIMEOUT = 8;
/** Retransmissions before the tunnel is declared dead (§5.8 recommends at least 5). */
export const MAX_RETRANSMISSIONS = 5;

/** a < b in 16-bit sequence space (§5.8: within 32767 ahead). */
export function seqBefore(a: number, b: number): boolean {
  const d = (b - a) & 0xffff;
  return d !== 0 && d < 0x8000;
}

export type Receipt = 'new' | 'duplicate' | 'out-of-order' | 'ack-only';

export class ControlChannel {
  private sendNs = 0;
  private recvNext = 0;
  private readonly queue: Outstanding[] = [];
  private window = 4;
  /** Set once retransmissions ran out. */
  failed = false;

  constructor(
    /** The peer's tunnel ID, 0 until its SCCRQ/SCCRP named it. */
    public peerTunnelId: number,
    private readonly transmit: (bytes: Uint8Array) => void,
  ) {}

  /** §4.4.3 Receive Window Size of the peer (default 4). */
  setWindow(size: number): void {
    this.window = Math.max(1, Math.min(size, 64));
  }

  get pending(): number {
    return this.queue.length;
  }

  get nr(): number {
    return this.recvNext;
  }

  send(messageType: number, sessionId: number, avps: readonly Avp[], now: number): void {
    this.queue.push({ ns: this.sendNs, messageType, sessionId, avps, tries: 0, deadline: now, sent: false });
    this.sendNs = (this.sendNs + 1) & 0xffff;
    this.pump(now);
  }

  /** Sequence numbers of a received control message; says whether to process it. */
  receive(ns: number, nr: number, zlb: boolean, now: number): Receipt {
    while (this.queue.length > 0 && seqBefore(this.queue[0]!.ns, nr)) this.queue.shift();
    this.pump(now);
    if (zlb) return 'ack-only';
    if (ns === this.recvNext) {
      this.recvNext = (this.recvNext + 1) & 0xffff;
      return 'new';
    }
    if (seqBefore(ns, this.recvNext)) {
      this.zlb();
      return 'duplicate';
    }
    return 'out-of-order';
  }

  /** After a new message was handled: a ZLB unless a message of ours already carried the Nr. */
  acknowledge(sentSince: boolean): void {
    if (!sentSince) this.zlb();
  }

  /** Messages sent by this channel so far (to tell whether a reply carried the ack). */
  transmissions = 0;

  tick(now: number): void {
    for (const m of this.queue) {
      if (!m.sent || now < m.deadline) continue;
      if (m.tries > MAX_RETRANSMISSIONS) {
        this.failed = true;
        return;
      }
      this.emit(m, now);
    }
  }

  nextDeadline(): number | undefined {
    if (this.failed) return undefined;
    let next: number | undefined;
    for (const m of this.queue) if (m.sent && (next === undefined || m.deadline < next)) next = m.deadline;
    return next;
  }

  private pump(now: number): void {
    const first = this.queue[0];
    if (first === undefined) return;
    for (const m of this.queue) {
      if (m.sent) continue;
      if (((m.ns - first.ns) & 0xffff) >= this.window) break;
      this.emit(m, now);
    }
  }

  private emit(m: Outstanding, now: number): void {
    const timeout = Math.min(FIRST_TIMEOUT * 2 ** m.tries, MAX_TIMEOUT);
    m.tries++;
    m.sent = true;
    m.deadline = now + timeout;
    this.transmissions++;
    this.transmit(
      encodeControl({
        tunnelId: this.peerTunnelId,
        sessionId: m.sessionId,
        ns: m.ns,
        nr: this.recvNext,
        messageType: m.messageType,
        avps: m.avps,
      }),
    );
  }

  private zlb(): void {
    this.transmissions++;
    this.transmit(
      encodeControl({
        tunnelId: this.peerTunnelId,
        sessionId: 0,
        ns: this.sendNs,
        nr: this.recvNext,
        messageType: undefined,
        avps: [],
      }),
    );
  }
}
