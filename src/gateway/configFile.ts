// Reads a router configuration from a file: an IOS/PIX text (or terminal capture), or the
// JSON model (`.json`). Errors are ConfigErrors naming file and line.

import { readFileSync } from 'node:fs';
import {
  ConfigError,
  loadConfigJson,
  parseConfig,
  unsupportedFeatures,
  type Feature,
} from '../config/index.js';
import { DEFAULT_ISAKMP_POLICY, type RouterConfig } from '../policy/model.js';

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
  const json = file.toLowerCase().endsWith('.json') || text.trimStart().startsWith('{');
  return json ? loadConfigJson(text, file) : parseConfig(text, file);
}

export function loadRouterConfig(path: string): RouterConfig {
  return parseConfigText(readConfigText(path), path);
}

/**
 * The configuration `start` runs and a reload re-reads: parsed, and refused when the gateway
 * cannot run it. Throws ConfigFileError, ConfigError or GatewayRefused, each naming file:line.
 */
export function loadRunnableConfig(path: string): RouterConfig {
  const config = loadRouterConfig(path);
  refuseUnsupported(config);
  return config;
}

/** Whether `error` is one of loadRunnableConfig's (a problem of the file, not of the host). */
export function isConfigProblem(error: unknown): error is Error {
  return error instanceof ConfigError || error instanceof ConfigFileError || error instanceof GatewayRefused;
}

/**
 * The addresses IKE and ESP use: each usable interface that carries a crypto map, or the
 * interface its map names with `crypto map NAME local-address IF` instead.
 */
export function ikeLocalAddresses(config: RouterConfig): { iface: string; address: string }[] {
  const out: { iface: string; address: string }[] = [];
  const add = (iface: string, address: string | undefined): void => {
    if (address !== undefined && !out.some((o) => o.address === address)) out.push({ iface, address });
  };
  for (const iface of config.interfaces) {
    if (iface.cryptoMap === undefined || iface.shutdown) continue;
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

/**
 * What the gateway cannot run yet, although the model expresses it. The gateway refuses a
 * configuration using any of these at start, naming the command and line.
 */
export const GATEWAY_REFUSES: readonly Feature[] = [
  'rsa-sig',
  'rsa-encr',
  'xauth',
  'mode-config',
  'ted',
  'compression',
  'gre-tunnel',
  'multiple-peers',
];

export class GatewayRefused extends Error {
  constructor(
    readonly file: string,
    readonly problems: readonly { line: number; command: string; reason: string }[],
  ) {
    super(problems.map((p) => `${file}:${p.line}: ${p.command}: ${p.reason}`).join('\n'));
    this.name = 'GatewayRefused';
  }
}

/** Throws GatewayRefused when the configuration uses a feature in GATEWAY_REFUSES. */
export function refuseUnsupported(config: RouterConfig, refused: readonly Feature[] = GATEWAY_REFUSES): void {
  const problems = gatewayProblems(config, refused);
  if (problems.length > 0) throw new GatewayRefused(config.file, problems);
}

/** What the gateway would refuse in `config` (empty when it can run it), in line order. */
export function gatewayProblems(
  config: RouterConfig,
  refused: readonly Feature[] = GATEWAY_REFUSES,
): { line: number; command: string; reason: string }[] {
  const problems: { line: number; command: string; reason: string }[] = unsupportedFeatures(config, refused);
  // unsupportedFeatures() ignores the implicit default policy 65535; but when it is the only
  // policy (RSA signatures), nothing this gateway can negotiate is left.
  const runnable = config.isakmpPolicies.filter(
    (p) => p.authentication === 'pre-share' || !refused.includes(p.authentication),
  );
  const firstMap = config.cryptoMaps[0];
  const onlyDefault = config.isakmpPolicies.every((p) => p.priority === DEFAULT_ISAKMP_POLICY.priority);
  if (firstMap !== undefined && runnable.length === 0 && onlyDefault) {
    problems.push({
      line: firstMap.at?.line ?? 0,
      command: `crypto map ${firstMap.map} ${firstMap.seq} ipsec-isakmp`,
      reason:
        'no ISAKMP policy this gateway can run: only the default policy 65535 (authentication rsa-sig) applies; configure `crypto isakmp policy N` with `authentication pre-share`',
    });
  }
  return problems;
}

export { ConfigError };
