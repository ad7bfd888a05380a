// The observe layer's public API: the event bus and its event type, IOS debug rendering,
// `show` formatters, pcap and key-log writers.
export { EventBus, eventToJsonLine, type Subscriber } from './bus.js';
export type { TypeswanEvent, GatewayEvent, DebugCategory } from './events.js';
export { renderDebug, stampDebug, iosUptime, type DebugLine } from './debug.js';
export { debugIsakmpLines, renderDebugIsakmp } from './debugIsakmp.js';
export * from './show/index.js';
export { encodePcap, decodeCapture, ipPayload, PcapError, type PcapFrame } from './pcap.js';
export { Metrics, type RouterMetrics } from './metrics.js';
export { openKeylog, espSaLine, type KeylogWriter } from './keylog.js';
