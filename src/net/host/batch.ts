// Write batching for the native addon: packets queued during one turn of the event loop go to
// the kernel in one native call (sendmmsg for raw sockets, a write(2) loop for TUN) when the
// current callback returns, or as soon as a full batch is queued.

import { MAX_WRITE_BATCH } from './native.js';

export class WriteBatcher {
  private queue: Buffer[] = [];
  private scheduled = false;
  /** Packets the kernel did not take (EAGAIN, ENOBUFS, refused): dropped, as a router would. */
  dropped = 0;

  constructor(private readonly flushBatch: (packets: readonly Buffer[]) => number) {}

  push(packet: Uint8Array): void {
    // A view, not a copy: the caller hands the packet over.
    this.queue.push(Buffer.from(packet.buffer, packet.byteOffset, packet.byteLength));
    if (this.queue.length >= MAX_WRITE_BATCH) {
      this.flush();
    } else if (!this.scheduled) {
      this.scheduled = true;
      queueMicrotask(() => this.flush());
    }
  }

  flush(): void {
    this.scheduled = false;
    if (this.queue.length === 0) return;
    const packets = this.queue;
    this.queue = [];
    const done = this.flushBatch(packets);
    this.dropped += packets.length - done;
  }

  discard(): void {
    this.queue = [];
  }
}
