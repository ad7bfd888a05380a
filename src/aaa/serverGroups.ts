// The server groups a login list names, built from the configuration: `group radius` is
// every `radius-server host` in order, `group tacacs+` every `tacacs-server host`, `group NAME`
// an IOS `aaa group server` (its `server` members), and on a PIX `group TAG` is the
// `aaa-server TAG` group of its protocol.

import { isRedacted } from '../config/redact.js';
import type {
  AaaGroupMember,
  AaaGroupServer,
  AaaServerGroup,
  RadiusServerEntry,
  RouterConfig,
  TacacsServerEntry,
} from '../policy/model.js';
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

function iosRadiusServers(
  config: RouterConfig,
  hosts: readonly RadiusServerEntry[],
): {
  servers: RadiusServer[];
  missing: string[];
} {
  const { usable, missing } = withKey(hosts);
  const servers = usable.map((h): RadiusServer => ({
    host: h.host,
    port: h.authPort ?? RADIUS_DEFAULTS.authPort,
    secret: h.key,
    timeoutMs: (h.timeout ?? config.radiusTimeout ?? RADIUS_DEFAULTS.timeoutSeconds) * 1000,
    retransmit: h.retransmit ?? config.radiusRetransmit ?? RADIUS_DEFAULTS.retransmit,
  }));
  return { servers, missing };
}

function iosRadius(config: RouterConfig, io: AaaIo): LoginMethod {
  const { servers, missing } = iosRadiusServers(config, config.radiusServers);
  return radiusGroup('group radius', servers, missing, config.hostname, io);
}

/** A TACACS+ host without a key talks unobfuscated, as IOS does; a masked key is no key. */
function tacacsKey(key: string | undefined): string | undefined | null {
  if (key === undefined) return undefined;
  return isRedacted(key) ? null : key;
}

function iosTacacsServers(config: RouterConfig, hosts: readonly TacacsServerEntry[]): TacacsServer[] {
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
  return servers;
}

function iosTacacs(config: RouterConfig, io: AaaIo): LoginMethod {
  const hosts = config.tacacsServers ?? [];
  if (hosts.length === 0) return unusable('group tacacs+', 'no TACACS+ server configured');
  const servers = iosTacacsServers(config, hosts);
  if (servers.length === 0) return unusable('group tacacs+', 'every TACACS+ key is redacted');
  return tacacsMethod('group tacacs+', servers, io);
}

/**
 * IOS `aaa group server radius|tacacs+ NAME`: its members in order. `server A [auth-port P]` is
 * the global `radius-server host A` (or `tacacs-server host A`) with that port, whose key and
 * timeouts it takes; one that names no such host is left out, as IOS does. `server-private`
 * members bring their own key; timeouts they leave out are the global ones.
 */
function iosNamedGroup(config: RouterConfig, group: AaaGroupServer, io: AaaIo): LoginMethod {
  const name = `group ${group.name}`;
  const undefinedHosts: string[] = [];
  const members = <T extends Host>(
    globals: readonly T[],
    same: (h: T, m: AaaGroupMember) => boolean,
    own: (m: AaaGroupMember) => T,
  ): T[] =>
    group.servers.flatMap((m) => {
      if (m.private) return [own(m)];
      const global = globals.find((h) => same(h, m));
      if (global === undefined) undefinedHosts.push(m.host);
      return global === undefined ? [] : [global];
    });
  const none = (): LoginMethod =>
    unusable(
      name,
      undefinedHosts.length > 0
        ? `aaa group server ${group.protocol} ${group.name}: no ${group.protocol === 'radius' ? 'radius' : 'tacacs'}-server host ${undefinedHosts.join(', ')}`
        : `aaa group server ${group.protocol} ${group.name} has no server`,
    );
  const optional = (m: AaaGroupMember) => ({
    ...(m.key !== undefined ? { key: m.key } : {}),
    ...(m.timeout !== undefined ? { timeout: m.timeout } : {}),
  });
  if (group.protocol === 'radius') {
    const hosts = members<RadiusServerEntry>(
      config.radiusServers,
      (h, m) =>
        h.host === m.host && (m.port === undefined || (h.authPort ?? RADIUS_DEFAULTS.authPort) === m.port),
      (m) => ({
        host: m.host,
        ...optional(m),
        ...(m.port !== undefined ? { authPort: m.port } : {}),
        ...(m.retransmit !== undefined ? { retransmit: m.retransmit } : {}),
      }),
    );
    if (hosts.length === 0) return none();
    const { servers, missing } = iosRadiusServers(config, hosts);
    return radiusGroup(name, servers, missing, config.hostname, io);
  }
  const hosts = members<TacacsServerEntry>(
    config.tacacsServers ?? [],
    (h, m) => h.host === m.host,
    (m) => ({ host: m.host, ...optional(m), ...(m.port !== undefined ? { port: m.port } : {}) }),
  );
  if (hosts.length === 0) return none();
  const servers = iosTacacsServers(config, hosts);
  if (servers.length === 0) return unusable(name, 'every TACACS+ key is redacted');
  return tacacsMethod(name, servers, io);
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
      const named = config.aaaGroupServers?.find((g) => g.name === group);
      if (named) return iosNamedGroup(config, named, io);
      const word = group.toLowerCase();
      if (word === 'radius') return iosRadius(config, io);
      if (word === 'tacacs+') return iosTacacs(config, io);
      return undefined;
    },
  };
}
