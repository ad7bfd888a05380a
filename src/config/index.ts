// Public API of the configuration layer.
export { ConfigError } from './errors.js';
export { parseConfig, readConfig, configProblems } from './parse.js';
export type { ParseOptions, ConfigReading } from './parse.js';
export { detectDialect } from './dialect.js';
export type { Dialect } from './dialect.js';
export { checkReferences, incompleteEntries } from './crossCheck.js';
export { loadConfigJson, validateConfigModel } from './json.js';
export { unsupportedFeatures, describeFeature, planRun, GATEWAY_REFUSES } from './unsupported.js';
export type { Feature, UnsupportedFeature, Refusal, RunPlan } from './unsupported.js';
export { loadConfiguration, readConfiguration, looksLikeJson, warningText } from './load.js';
export type { ConfigLoad } from './load.js';
export { configText } from './input.js';
export { REDACTED, isRedacted, redactSecrets } from './redact.js';
