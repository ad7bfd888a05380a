export { VirtualScheduler } from './scheduler.js';
export { SeededRandom } from './rng.js';
export { Segment, DEFAULT_LINK, type LinkProfile, type SegmentCounters, type Attachment } from './segment.js';
export { VirtualNode, type NodeInterface, type Route } from './node.js';
export { VirtualHost, DEFAULT_PING, type PingOptions, type PingResult } from './host.js';
export { VirtualRouter, type RouterCounters } from './router.js';
export { VirtualNat, type NatCounters } from './nat.js';
export { VirtualNetwork } from './network.js';
export * as ip from './ip.js';
