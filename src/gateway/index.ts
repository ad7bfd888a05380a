// The gateway layer's public API: one router's Gateway (engines + adapters + event bus), its
// factory with the real engines, configuration loading, and the control socket.
export { Gateway, type GatewayAdapters, type GatewayOptions } from './gateway.js';
export { createGateway, defaultDhThreads, observeInstalls, type CreateGatewayInput } from './create.js';
export type { IkeEngine, DataPlane, DataPlaneOutput, DataPlaneCounters } from './ports.js';
export { DataPlaneAdapter } from './dataPlaneAdapter.js';
export { policyRules, type PolicyRule } from './spdFromConfig.js';
export {
  loadRunnableConfig,
  type RunnableConfig,
  isConfigProblem,
  ikeLocalAddresses,
  parseConfigText,
  readConfigText,
  refuseUnsupported,
  gatewayProblems,
  ConfigFileError,
  GatewayRefused,
  GATEWAY_REFUSES,
} from './configFile.js';
export { startControlServer, type ControlServer } from './controlServer.js';
export { reloadGateway } from './reload.js';
export {
  CrlCache,
  loadDecryptionKeys,
  loadSigningKeys,
  pkiOptions,
  type KeyMaterial,
  type PkiOptions,
} from './certificates.js';
export { TunnelRoutes, type RouteTarget, type RouteChanges } from './tunnelRoutes.js';
export {
  defaultControlPath,
  parseRequest,
  SHOW_WHATS,
  MAX_REQUEST_BYTES,
  type ControlTarget,
  type ReloadResult,
  type ControlRequest,
  type ControlRequestBody,
  type ControlResponse,
  type ShowWhat,
  type ClearWhat,
} from './controlProtocol.js';
