// Reads a router configuration from a file: an IOS/PIX text (or terminal capture), or the
// JSON model (`.json`). Errors are ConfigErrors naming file and line. The reading and the
// refusal of what the gateway cannot run live in src/config (loadConfiguration, planRun);
// these are the gateway's throwing forms of them.

import { readFileSync } from 'node:fs';
import {
  ConfigError,
  GATEWAY_REFUSES,
  loadConfigJson,
  loadConfiguration,
  looksLikeJson,
  parseConfig,
  planRun,
  warningText,
  type Feature,
  type Refusal,
} from '../config/index.js';
import type { RouterConfig } from '../policy/model.js';
import { isTunnelInterface } from '../policy/cryptoMap.js';

export { GATEWAY_REFUSES };

export class ConfigFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigFileError';
  }
}

export function readConfigText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ConfigFileError(
      `${path}: cannot read the configuration${code === undefined ? '' : ` (${code})`}`,
    );
  }
}

/** Parses `text` as the model JSON when it looks like JSON or the file ends in .json. */
export function parseConfigText(text: string, file: string): RouterConfig {
  return looksLikeJson(text, file) ? loadConfigJson(text, file) : parseConfig(text, file);
}

/** A configuration `start` runs or a reload re-reads, and its warnings as `file:line: message`. */
export interface RunnableConfig {
  readonly config: RouterConfig;
  /** The model's warnings and its inert lines (planRun), as `typeswan check` prints them. */
  readonly warnings: readonly string[];
}

/**
 * The configuration `start` runs and a reload re-reads: parsed, and refused when the gateway
 * cannot run it. Throws ConfigFileError, ConfigError or GatewayRefused, each naming file:line.
 */
export function loadRunnableConfig(path: string): RunnableConfig {
  const load = loadConfiguration(path);
  if (!load.ok) {
    if (load.model !== undefined && load.refused.length > 0)
      throw new GatewayRefused(load.model.file, load.refused);
    throw load.errors[0] ?? new ConfigFileError(`${path}: cannot read the configuration`);
  }
  const file = load.model.file;
  return { config: load.model, warnings: load.warnings.map((w) => warningText(file, w)) };
}

/** Whether `error` is one of loadRunnableConfig's (a problem of the file, not of the host). */
export function isConfigProblem(error: unknown): error is Error {
  return error instanceof ConfigError || error instanceof ConfigFileError || error instanceof GatewayRefused;
}

/**
 * The addresses IKE and ESP use: each usable (non-tunnel) interface that carries a crypto map, or the
 * interface its map names with `crypto map NAME local-address IF` instead.
 */
export function ikeLocalAddresses(config: RouterConfig): { iface: string; address: string }[] {
  const out: { iface: string; address: string }[] = [];
  const add = (iface: string, address: string | undefined): void => {
    if (address !== undefined && !out.some((o) => o.address === address)) out.push({ iface, address });
  };
  for (const iface of config.interfaces) {
    // a GRE tunnel's packets leave through the physical interface, which carries the map too
    if (iface.cryptoMap === undefined || iface.shutdown || isTunnelInterface(iface)) continue;
    const settings = config.cryptoMapSettings.find((m) => m.name === iface.cryptoMap);
    const named = settings?.localAddressInterface;
    const local =
      named === undefined
        ? undefined
        : config.interfaces.find((i) => i.name.toLowerCase() === named.toLowerCase());
    if (local !== undefined) add(local.name, local.address);
    else add(iface.name, iface.address);
  }
  return out;
}

export class GatewayRefused extends Error {
  constructor(
    readonly file: string,
    readonly problems: readonly { line: number; command: string; reason: string }[],
  ) {
    super(problems.map((p) => `${file}:${p.line}: ${p.command}: ${p.reason}`).join('\n'));
    this.name = 'GatewayRefused';
  }
}

/**
 * The model the engines get (inert policies and redacted keys left out, see planRun);
 * throws GatewayRefused when the configuration uses a feature in `refused` with no fallback.
 */
export function refuseUnsupported(
  config: RouterConfig,
  refused: readonly Feature[] = GATEWAY_REFUSES,
): RouterConfig {
  const plan = planRun(config, refused);
  if (plan.refused.length > 0) throw new GatewayRefused(config.file, plan.refused);
  return plan.runnable;
}

/** What the gateway would refuse in `config` (empty when it can run it), in line order. */
export function gatewayProblems(
  config: RouterConfig,
  refused: readonly Feature[] = GATEWAY_REFUSES,
): Refusal[] {
  return [...planRun(config, refused).refused];
}

export { ConfigError };
