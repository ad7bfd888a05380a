// Re-reading a running gateway's configuration (SIGHUP, `typeswan reload`): a file that does
// not parse, that the gateway would refuse, or that moves IKE to other local addresses (the
// sockets are bound at start) keeps the running configuration, and the answer names why. An
// accepted file's warnings (inert policies, redacted keys, ...) come with the answer. The key
// store's key pairs are read again with the file (readKeys), for new negotiations.

import { ikeLocalAddresses, isConfigProblem, loadRunnableConfig, type RunnableConfig } from './configFile.js';
import type { ReloadResult } from './controlProtocol.js';
import type { Gateway } from './gateway.js';
import type { RouterConfig } from '../policy/model.js';
import type { KeyMaterial } from './certificates.js';

export function reloadGateway(
  gateway: Gateway,
  path: string,
  load: (path: string) => RunnableConfig = loadRunnableConfig,
  readKeys?: (config: RouterConfig) => { readonly keys: KeyMaterial; readonly warnings: readonly string[] },
): ReloadResult {
  let loaded: RunnableConfig;
  try {
    loaded = load(path);
  } catch (error) {
    // A parser fault is still this file's problem: the running gateway must not die of it.
    if (isConfigProblem(error)) return { ok: false, error: error.message };
    return { ok: false, error: `${path}: ${error instanceof Error ? error.message : String(error)}` };
  }
  const { config, warnings } = loaded;
  const running = addressesText(gateway.config);
  const next = addressesText(config);
  if (running !== next) {
    return {
      ok: false,
      error: `${path}: IKE would move from ${running || 'no address'} to ${next || 'no address'}; the sockets are bound at start: restart typeswan for that`,
    };
  }
  // The key store is read again too: a new `rsakeypair` label or a regenerated key pair.
  const keys = readKeys?.(config);
  const { deletedSas } = gateway.reconfigure(config, keys?.keys);
  return {
    ok: true,
    text: `${path}: configuration reloaded${deletedSas > 0 ? `; ${deletedSas} IPsec SA(s) of removed entries or peers deleted` : ''}`,
    warnings: [...warnings, ...(keys?.warnings ?? [])],
  };
}

function addressesText(config: RouterConfig): string {
  return ikeLocalAddresses(config)
    .map((a) => a.address)
    .sort()
    .join(', ');
}
