// The lab's public API: run a scenario (or your own configurations) in the virtual network.
export {
  runLab,
  type LabEngines,
  type LabOptions,
  type LabResult,
  type PingOutcome,
  type GatewayContext,
} from './run.js';
export { realEngines } from './engines.js';
export {
  SCENARIOS,
  DEFAULT_SCENARIO,
  findScenario,
  type Scenario,
  type ScenarioRouter,
} from './scenarios/index.js';
export { buildTopology, TopologyError, type LabRouter, type LabTopology } from './topology.js';
export { pingBanner, pingMarks, pingSummary } from './ping.js';
