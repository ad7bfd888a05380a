// Public API of the configuration layer.
export { ConfigError } from './errors.js';
export { parseConfig, configProblems } from './parse.js';
export type { ParseOptions } from './parse.js';
export { detectDialect } from './dialect.js';
export type { Dialect } from './dialect.js';
export { checkReferences, incompleteEntries } from './crossCheck.js';
export { loadConfigJson, validateConfigModel } from './json.js';
export { unsupportedFeatures, describeFeature } from './unsupported.js';
export type { Feature, UnsupportedFeature } from './unsupported.js';
