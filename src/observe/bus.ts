// The event bus: synchronous and typed. Publishing calls every subscriber in order; a
// subscriber that throws is removed and counted, so one bad renderer cannot stop the gateway.

import type { TypeswanEvent } from './events.js';

export type Subscriber = (event: TypeswanEvent) => void;

export class EventBus {
  private subscribers: Subscriber[] = [];
  /** Subscribers removed because they threw. */
  failedSubscribers = 0;
  published = 0;

  subscribe(subscriber: Subscriber): () => void {
    this.subscribers.push(subscriber);
    return () => {
      this.subscribers = this.subscribers.filter((s) => s !== subscriber);
    };
  }

  publish(event: TypeswanEvent): void {
    this.published++;
    for (const subscriber of [...this.subscribers]) {
      try {
        subscriber(event);
      } catch {
        this.failedSubscribers++;
        this.subscribers = this.subscribers.filter((s) => s !== subscriber);
      }
    }
  }

  get subscriberCount(): number {
    return this.subscribers.length;
  }
}

/** JSON lines: one event per line (Uint8Array values as hex). */
export function eventToJsonLine(event: TypeswanEvent): string {
  return JSON.stringify(event, (_key, value: unknown) =>
    value instanceof Uint8Array ? Buffer.from(value).toString('hex') : value,
  );
}
