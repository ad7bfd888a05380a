// Secrets in a printed model: `check --json` writes REDACTED in their place, and a model read
// back with a redacted (or masked) secret must never use the mask as the secret.

import type { RouterConfig } from '../policy/model.js';

export const REDACTED = '<redacted>';

/**
 * A secret that is only a mask: ours, or the asterisks PIX and ASA print in `show
 * running-config` (`isakmp key ******** address ...`).
 */
export function isRedacted(secret: string): boolean {
  return secret === REDACTED || /^\*+$/.test(secret);
}

/** The model with every secret (pre-shared keys, RADIUS and TACACS+ keys, passwords) replaced by REDACTED. */
export function redactSecrets(config: RouterConfig): RouterConfig {
  return {
    ...config,
    presharedKeys: config.presharedKeys.map((k) => ({ ...k, key: REDACTED })),
    radiusServers: config.radiusServers.map((r) => ({
      ...r,
      ...(r.key !== undefined ? { key: REDACTED } : {}),
    })),
    ...(config.tacacsServers !== undefined
      ? {
          tacacsServers: config.tacacsServers.map((t) => ({
            ...t,
            ...(t.key !== undefined ? { key: REDACTED } : {}),
          })),
        }
      : {}),
    users: config.users.map((u) => ({ ...u, password: REDACTED })),
    ...(config.aaaServers !== undefined
      ? {
          aaaServers: config.aaaServers.map((g) => ({
            ...g,
            hosts: g.hosts.map((h) => ({ ...h, ...(h.key !== undefined ? { key: REDACTED } : {}) })),
          })),
        }
      : {}),
    ...(config.aaaGroupServers !== undefined
      ? {
          aaaGroupServers: config.aaaGroupServers.map((g) => ({
            ...g,
            servers: g.servers.map((m) => ({ ...m, ...(m.key !== undefined ? { key: REDACTED } : {}) })),
          })),
        }
      : {}),
  };
}
