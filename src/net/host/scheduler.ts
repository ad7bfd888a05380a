// Real time for the engines on a host: a monotonic clock in seconds and one-shot timers.

import { performance } from 'node:perf_hooks';
import type { Clock, Scheduler } from '../types.js';

/** setTimeout's longest delay (2^31 - 1 ms); longer timers re-arm until they are due. */
const MAX_DELAY_MS = 2_147_483_647;

export const monotonicClock: Clock = {
  now: () => performance.now() / 1000,
};

export class HostScheduler implements Scheduler {
  constructor(readonly clock: Clock = monotonicClock) {}

  setTimer(atSeconds: number, callback: () => void): { cancel(): void } {
    let handle: NodeJS.Timeout | undefined;
    const arm = (): void => {
      const delay = Math.max(0, (atSeconds - this.clock.now()) * 1000);
      handle = setTimeout(
        () => {
          if (delay > MAX_DELAY_MS) arm();
          else callback();
        },
        Math.min(delay, MAX_DELAY_MS),
      );
      // Timers alone never keep the daemon alive; its sockets do.
      handle.unref();
    };
    arm();
    return {
      cancel: () => {
        if (handle) clearTimeout(handle);
      },
    };
  }
}
