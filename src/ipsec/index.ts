// The ESP/AH data plane (issue 4). The gateway uses DataPlane + Spd; the rest is exported
// for tests, the benchmark and `show` formatting.
export { DataPlane, type DataPlaneOptions, type SaStatus } from './dataplane.js';
export { Spd, type SpdRule, type SpdAction, type SpdMatch } from './spd.js';
export type { DataPlaneAction, DropReason, OuterAddressing } from './actions.js';
export type { SaCounters } from './counters.js';
export type { InstallOptions, ExpiryReason } from './sa-state.js';
export { SaState } from './sa-state.js';
export { SaParameterError, iosTransformName, hexSpi } from './transform.js';
export { classifyUdp4500, NAT_KEEPALIVE, NAT_T_PORT, type Udp4500Kind } from './natt.js';
export { ReplayWindow, DEFAULT_REPLAY_WINDOW, MAX_REPLAY_WINDOW } from './replay.js';
export { defaultRng, PooledRng, type Rng } from './rng.js';
export { espSeal, espOpen, espLength, IPPROTO_ESP } from './esp.js';
export { ahProtect, ahOpen, parseAh, IPPROTO_AH } from './ah.js';
