// The server groups a login list names, built from the configuration: `group radius` is
// every `radius-server host` in order, `group tacacs+` every `tacacs-server host`, and on a
// PIX `group TAG` is the `aaa-server TAG` group of its protocol.

import { isRedacted } from '../config/redact.js';
import type { AaaServerGroup, RouterConfig } from '../policy/model.js';
import { type AaaIo, nodeAaaIo } from './io.js';
import type { ServerGroupFactories } from './loginList.js';
import type { LoginMethod } from './method.js';
import { RADIUS_DEFAULTS, type RadiusServer, radiusMethod } from './radius.js';
import { TACACS_DEFAULTS, type TacacsServer, tacacsMethod } from './tacacs.js';

function unusable(name: string, reason: string): LoginMethod {
  return { name, authenticate: () => Promise.resolve({ kind: 'error', reason: `${name}: ${reason}` }) };
}

interface Host {
  readonly host: string;
  readonly key?: string;
}

/** RADIUS needs a shared secret; a key read back as a mask (`check --json`, PIX `****`) is none. */
function withKey<H extends Host>(
  hosts: readonly H[],
): { usable: (H & { key: string })[]; missing: string[] } {
  const usable: (H & { key: string })[] = [];
  const missing: string[] = [];
  for (const h of hosts) {
    if (h.key !== undefined && h.key !== '' && !isRedacted(h.key)) usable.push({ ...h, key: h.key });
    else missing.push(h.host);
  }
  return { usable, missing };
}

function radiusGroup(
  name: string,
  servers: RadiusServer[],
  missing: string[],
  hostname: string,
  io: AaaIo,
): LoginMethod {
  if (servers.length === 0)
    return unusable(
      name,
      missing.length > 0 ? `no key for RADIUS server ${missing.join(', ')}` : 'no RADIUS server configured',
    );
  return radiusMethod(name, servers, hostname, io);
}

function iosRadius(config: RouterConfig, io: AaaIo): LoginMethod {
  const { usable, missing } = withKey(config.radiusServers);
  const servers = usable.map((h): RadiusServer => ({
    host: h.host,
    port: h.authPort ?? RADIUS_DEFAULTS.authPort,
    secret: h.key,
    timeoutMs: (h.timeout ?? config.radiusTimeout ?? RADIUS_DEFAULTS.timeoutSeconds) * 1000,
    retransmit: h.retransmit ?? config.radiusRetransmit ?? RADIUS_DEFAULTS.retransmit,
  }));
  return radiusGroup('group radius', servers, missing, config.hostname, io);
}

/** A TACACS+ host without a key talks unobfuscated, as IOS does; a masked key is no key. */
function tacacsKey(key: string | undefined): string | undefined | null {
  if (key === undefined) return undefined;
  return isRedacted(key) ? null : key;
}

function iosTacacs(config: RouterConfig, io: AaaIo): LoginMethod {
  const hosts = config.tacacsServers ?? [];
  if (hosts.length === 0) return unusable('group tacacs+', 'no TACACS+ server configured');
  const servers: TacacsServer[] = [];
  for (const h of hosts) {
    const key = tacacsKey(h.key);
    if (key === null) continue;
    servers.push({
      host: h.host,
      port: h.port ?? TACACS_DEFAULTS.port,
      key,
      timeoutMs: (h.timeout ?? config.tacacsTimeout ?? TACACS_DEFAULTS.timeoutSeconds) * 1000,
    });
  }
  if (servers.length === 0) return unusable('group tacacs+', 'every TACACS+ key is redacted');
  return tacacsMethod('group tacacs+', servers, io);
}

/**
 * PIX `aaa-server TAG (IF) host A KEY timeout N`: N seconds per try, four tries (the first
 * and three retransmissions) before the next server; RADIUS on port 1645, TACACS+ on 49.
 */
function pixGroup(config: RouterConfig, group: AaaServerGroup, io: AaaIo): LoginMethod {
  const name = `group ${group.tag}`;
  const protocol = group.protocol?.toLowerCase();
  const timeoutMs = (h: { timeout?: number }): number => (h.timeout ?? RADIUS_DEFAULTS.timeoutSeconds) * 1000;
  if (protocol === 'radius') {
    const { usable, missing } = withKey(group.hosts);
    const servers = usable.map((h): RadiusServer => ({
      host: h.host,
      port: RADIUS_DEFAULTS.authPort,
      secret: h.key,
      timeoutMs: timeoutMs(h),
      retransmit: RADIUS_DEFAULTS.retransmit,
    }));
    return radiusGroup(name, servers, missing, config.hostname, io);
  }
  if (protocol === 'tacacs+') {
    const servers = group.hosts.flatMap((h): TacacsServer[] => {
      const key = tacacsKey(h.key);
      return key === null ? [] : [{ host: h.host, port: TACACS_DEFAULTS.port, key, timeoutMs: timeoutMs(h) }];
    });
    if (servers.length === 0) return unusable(name, `aaa-server ${group.tag} has no usable host`);
    return tacacsMethod(name, servers, io);
  }
  return unusable(name, `aaa-server ${group.tag} protocol ${group.protocol ?? '(none)'} is not supported`);
}

/** The factory `loginMethods` takes: RADIUS and TACACS+ groups over `io` (the host's sockets by default). */
export function serverGroups(io: AaaIo = nodeAaaIo): ServerGroupFactories {
  return {
    serverGroup(config: RouterConfig, group: string): LoginMethod | undefined {
      const pix = config.aaaServers?.find((g) => g.tag === group);
      if (pix) return pixGroup(config, pix, io);
      const word = group.toLowerCase();
      if (word === 'radius') return iosRadius(config, io);
      if (word === 'tacacs+') return iosTacacs(config, io);
      return undefined;
    },
  };
}
