// The virtual network: one scheduler, one seeded random source, and the segments and boxes
// built on them.

import { VirtualHost } from './host.js';
import { VirtualNat } from './nat.js';
import { SeededRandom } from './rng.js';
import { VirtualRouter } from './router.js';
import { VirtualScheduler } from './scheduler.js';
import { DEFAULT_LINK, Segment, type LinkProfile } from './segment.js';

export class VirtualNetwork {
  readonly scheduler: VirtualScheduler;
  readonly random: SeededRandom;
  readonly segments: Segment[] = [];

  constructor(options: { seed?: number; startSeconds?: number } = {}) {
    this.scheduler = new VirtualScheduler(options.startSeconds ?? 0);
    this.random = new SeededRandom(options.seed ?? 1);
  }

  segment(name: string, profile: Partial<LinkProfile> = {}): Segment {
    const segment = new Segment(name, this.scheduler, this.random, { ...DEFAULT_LINK, ...profile });
    this.segments.push(segment);
    return segment;
  }

  router(name: string): VirtualRouter {
    return new VirtualRouter(name);
  }

  host(name: string): VirtualHost {
    return new VirtualHost(name, this.scheduler);
  }

  nat(name: string, insideInterface: string, outsideInterface: string): VirtualNat {
    return new VirtualNat(name, this.scheduler, { insideInterface, outsideInterface });
  }
}
