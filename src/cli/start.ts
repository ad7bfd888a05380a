// `typeswan start -c FILE [--control PATH] [--keylog FILE]`: runs the gateway on this Linux host
// (root). Each configured interface that carries a crypto map is bound to the Linux interface
// holding the same IPv4 address (IKE on UDP 500 and 4500, ESP/AH on raw sockets); a TUN device
// receives the traffic to protect, through routes for the remote protected networks. SIGINT or
// SIGTERM: deletes are sent for every SA, routes and the TUN are removed, exit 0. SIGHUP (or
// `typeswan reload`) re-reads the configuration file (see src/gateway/reload.ts). Routes follow
// the SPD: a dynamic-map peer's proxy network is routed while its SAs are installed.

import { natWanted } from '../gateway/nat/natGateway.js';
import { hostOutsideTap } from '../net/host/outsideTap.js';
import type { OutsideTap } from '../net/types.js';
import type { Command } from 'commander';
import {
  createGateway,
  defaultControlPath,
  defaultDhThreads,
  ikeLocalAddresses,
  isConfigProblem,
  loadRunnableConfig,
  reloadGateway,
  startControlServer,
  TunnelRoutes,
  CrlCache,
  loadDecryptionKeys,
  loadSigningKeys,
  pkiOptions,
  type KeyMaterial,
  type PkiOptions,
  type ControlServer,
  type ControlTarget,
  type Gateway,
  type ReloadResult,
} from '../gateway/index.js';
import {
  findInterfaceByAddress,
  forwardingWarning,
  HostRawIpEndpoint,
  HostScheduler,
  HostTunnel,
  HostTunnelInterface,
  HostUdpEndpoint,
  InterfaceNotFoundError,
  NativeAddonMissingError,
} from '../net/host/index.js';
import type { RawIpEndpoint, UdpEndpoint } from '../net/types.js';
import { gatewayStatus, liveState } from '../gateway/status.js';
import { httpListeners, startHttpServer } from '../gateway/httpServer.js';
import { EventBus } from '../observe/bus.js';
import { Metrics } from '../observe/metrics.js';
import { renderDebug } from '../observe/debug.js';
import type { DebugCategory } from '../observe/events.js';
import { openKeylog, type KeylogWriter } from '../observe/keylog.js';
import type { RouterConfig } from '../policy/model.js';
import type { RemoteAccessClient } from '../ike/types.js';
import type { IpsecSa } from '../policy/sa.js';
import { kernelRoutedRules, type L2tpClientSettings, lnsPoolCidrs } from '../gateway/l2tpService.js';
import type { KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { DaemonLog, parseLogFormat, parseLogLevel, Severity } from './daemonLog.js';
import { serverGroups } from '../aaa/index.js';
import { RuntimeFailure, UsageError } from './errors.js';
import { tunnelDeviceSettings } from '../gateway/greFromConfig.js';
import type { CliIo } from './io.js';
import { DEFAULT_KEYSTORE, listKeyPairs } from '../pki/keystore.js';

export interface StartOptions {
  readonly config: string;
  readonly control?: string;
  readonly keylog?: string;
  /** Debug categories printed to stderr (`isakmp,ipsec,engine`, or `none`). */
  readonly debug?: string;
  /** TUN device name. */
  readonly tun?: string;
  readonly mtu?: string;
  /** Initiate with aggressive mode. */
  readonly aggressive?: boolean;
  /** Float to UDP 4500 even without NAT (strongSwan's encap=yes). */
  readonly forceEncap?: boolean;
  /** text (IOS), journal (one line per message, `<N>` priority) or json. */
  readonly logFormat?: string;
  /** Overrides `logging buffered LEVEL`: an IOS level name or 0..7. */
  readonly logLevel?: string;
  /** Prometheus `/metrics` and the status page listeners (ADDR:PORT; may be the same). */
  readonly metrics?: string;
  readonly http?: string;
  /** The key store: DIR/LABEL.pem (and LABEL.sign.pem, LABEL.encr.pem) per IOS key label. */
  readonly keystore?: string;
}

export function registerStart(program: Command, io: CliIo): void {
  program
    .command('start')
    .description('run the gateway on this Linux host (root): IKE on UDP 500/4500, ESP/AH, a TUN device')
    .requiredOption('-c, --config <file>', 'router configuration (IOS/PIX text or the JSON model)')
    .option('--control <path>', `control socket for show/clear/debug (default ${defaultControlPath()})`)
    .option('--keylog <file>', 'append IKE and ESP keys as tshark -o lines (file mode 0600)')
    .option('--debug <categories>', 'debug lines on stderr: isakmp,ipsec,engine,vpdn or none', 'isakmp,ipsec')
    .option('--tun <name>', 'TUN device name (default tsw<pid>)')
    .option('--mtu <bytes>', 'TUN MTU', '1400')
    .option('--aggressive', 'initiate with aggressive mode')
    .option('--force-encap', 'use UDP encapsulation (port 4500) even when no NAT is detected')
    .option(
      '--log-format <format>',
      'stderr lines: text (IOS), journal (one line, <N> priority) or json',
      'text',
    )
    .option('--log-level <level>', 'log messages up to this IOS level (overrides logging buffered)')
    .option('--metrics <addr:port>', 'serve Prometheus /metrics here (PORT alone: 127.0.0.1)')
    .option('--http <addr:port>', 'serve the status page here (may be the --metrics address)')
    .option('--keystore <dir>', `RSA key pairs as DIR/LABEL.pem (default ${DEFAULT_KEYSTORE})`)
    .action(async (options: StartOptions) => {
      await runStart(options, io);
    });
}

/** Runs until SIGINT/SIGTERM; resolves after a clean shutdown. */
export async function runStart(options: StartOptions, io: CliIo): Promise<void> {
  requireCapabilities();
  const log = daemonLog(options, io);
  // SIGHUP's default action would kill us before the gateway can take it as a reload.
  let onHangup = (): void => log.log(Severity.notifications, 'SIGHUP while starting: ignored');
  const hangup = (): void => onHangup();
  process.on('SIGHUP', hangup);
  try {
    await runGateway(loadConfig(options.config, log), options, log, (handler) => (onHangup = handler));
  } finally {
    process.off('SIGHUP', hangup);
  }
}

/** The stderr log `start` and `client` write (their --log-format, --log-level, --debug). */
export function daemonLog(options: StartOptions, io: CliIo): DaemonLog {
  return new DaemonLog({
    write: io.stderr,
    format: parseLogFormat(options.logFormat ?? 'text'),
    ...(options.logLevel !== undefined ? { level: parseLogLevel(options.logLevel) } : {}),
    debug: debugCategories(options.debug ?? 'isakmp,ipsec'),
    uptime: () => performance.now() / 1000,
  });
}

/** What `typeswan client` adds to a gateway run (src/cli/client.ts). */
export interface GatewayRunHooks {
  /** The client side of XAUTH and Mode Config. */
  readonly remoteAccessClient?: RemoteAccessClient;
  /** Called once the gateway runs; what it returns is undone before the TUN goes. */
  readonly running?: (gateway: Gateway, tunnel: HostTunnel, log: DaemonLog) => () => void;
  /** Stops the run as a signal would (a client refused by its gateway). */
  readonly until?: Promise<void>;
  /** Be the L2TP client (LAC + PPP) of the gateway (`typeswan client` with `l2tp`). */
  readonly l2tpClient?: L2tpClientSettings;
}

/** Checks what `start` needs of the host (root or capabilities); throws RuntimeFailure. */
export function requireCapabilities(): void {
  const missing = missingCapabilities();
  if (missing.length > 0) {
    throw new RuntimeFailure(
      `start needs root or the capabilities ${missing.join(', ')} (TUN device, raw ESP/AH sockets, UDP port 500)`,
    );
  }
}

/**
 * Runs `config` until SIGINT/SIGTERM: binds its interfaces, opens the TUN, routes, serves the
 * control socket; on the signal sends deletes for every SA and undoes everything.
 */
export async function runGateway(
  config: RouterConfig,
  options: StartOptions,
  log: DaemonLog,
  onHangup: (handler: () => void) => void,
  hooks: GatewayRunHooks = {},
): Promise<void> {
  const mtu = Number(options.mtu ?? '1400');
  if (!Number.isInteger(mtu) || mtu < 576 || mtu > 9000)
    throw new UsageError(`--mtu ${options.mtu}: expected 576..9000`);

  const listeners = (() => {
    try {
      return httpListeners(options.metrics, options.http);
    } catch (error) {
      throw new UsageError(errorMessage(error));
    }
  })();
  const addresses = ikeLocalAddresses(config);
  if (addresses.length === 0) {
    throw new UsageError(
      `${config.file}: no interface with an IPv4 address carries a crypto map: nothing to run`,
    );
  }
  const bindings = addresses.map(({ iface, address }) => {
    try {
      return findInterfaceByAddress(iface, address);
    } catch (error) {
      if (error instanceof InterfaceNotFoundError) throw new RuntimeFailure(error.message);
      throw error;
    }
  });
  const warning = forwardingWarning();
  if (warning) log.log(Severity.warnings, `warning: ${warning}`);
  const pki = certificateOptions(config, options.keystore ?? DEFAULT_KEYSTORE, log);
  const decryptionKeys = encryptionKeys(config, options.keystore ?? DEFAULT_KEYSTORE, log);

  const cleanup: (() => void)[] = [];
  const undo = (): void => {
    for (const step of cleanup.reverse()) {
      try {
        step();
      } catch {
        // best effort: keep undoing the rest
      }
    }
    cleanup.length = 0;
  };

  let keylog: KeylogWriter | undefined;
  let control: ControlServer | undefined;
  try {
    if (options.keylog !== undefined) {
      try {
        keylog = openKeylog(options.keylog);
      } catch (error) {
        throw new RuntimeFailure(`--keylog ${options.keylog}: ${errorMessage(error)}`);
      }
      const opened = keylog;
      cleanup.push(() => opened.close());
    }

    const udp: UdpEndpoint[] = [];
    const raw: RawIpEndpoint[] = [];
    for (const binding of bindings) {
      for (const port of [500, 4500]) {
        const endpoint = await HostUdpEndpoint.bind(binding.address, port).catch((error: unknown) => {
          throw new RuntimeFailure(`${binding.name}: ${errorMessage(error)}`);
        });
        cleanup.push(() => endpoint.close());
        udp.push(endpoint);
      }
      const rawEndpoint = nativeCall(() => new HostRawIpEndpoint(binding.address));
      cleanup.push(() => rawEndpoint.close());
      raw.push(rawEndpoint);
    }
    const tunnel = nativeCall(() => new HostTunnel({ ...(options.tun ? { name: options.tun } : {}), mtu }));
    cleanup.push(() => tunnel.close());
    // One TUN device per GRE tunnel interface, named as the interface.
    const greTunnels = new Map<string, HostTunnelInterface>();
    for (const settings of tunnelDeviceSettings(config)) {
      const device = nativeCall(() => new HostTunnelInterface(settings));
      cleanup.push(() => device.close());
      greTunnels.set(settings.name, device);
    }
    // `ip nat`: echo replies to translated pings come back through a raw ICMP socket.
    const outside = bindings[0];
    const natOutside =
      natWanted(config) && outside !== undefined
        ? nativeCall(() => hostOutsideTap(outside.address))
        : undefined;
    if (natOutside !== undefined) cleanup.push(() => natOutside.close());

    const bus = new EventBus();
    const metrics = new Metrics(bus);
    const scheduler = new HostScheduler();
    const adapters = { udp, raw, tunnel, greTunnels, ...(natOutside !== undefined ? { natOutside } : {}) };
    const gateway = buildGateway(config, adapters, scheduler, bus, options, keylog, hooks, {
      pki,
      decryptionKeys,
      log,
    });
    bus.subscribe((event) => {
      for (const line of renderDebug(event)) log.debug(line.category, line.text, event.router);
    });

    // Routes for the remote protected networks of every protect rule, then as the SPD changes.
    const routes = new TunnelRoutes(
      tunnel,
      addresses.map((a) => a.address),
    );
    const routed = (rules: typeof gateway.policy) =>
      kernelRoutedRules(gateway.config, rules, hooks.l2tpClient !== undefined);
    const initial = routes.sync(routed(gateway.policy));
    const refused = initial.failed[0];
    if (refused !== undefined)
      throw new RuntimeFailure(`route ${refused.destination} into ${tunnel.name}: ${refused.error}`);
    // L2TP's PPP clients (an LNS) are reached through the TUN too
    for (const cidr of lnsPoolCidrs(config)) {
      tunnel.addRoute(cidr);
      log.log(Severity.informational, `route ${cidr} (PPP pool) into ${tunnel.name} added`);
    }
    gateway.onPolicyChange((rules) => {
      const changes = routes.sync(routed(rules));
      for (const cidr of changes.added)
        log.log(Severity.informational, `route ${cidr} into ${tunnel.name} added`);
      for (const cidr of changes.removed)
        log.log(Severity.informational, `route ${cidr} into ${tunnel.name} removed`);
      for (const f of changes.failed)
        log.log(Severity.errors, `route ${f.destination} into ${tunnel.name}: ${f.error}`);
    });

    gateway.start();
    cleanup.push(() => gateway.stop());
    if (hooks.running) cleanup.push(hooks.running(gateway, tunnel, log));
    const reload = (): ReloadResult => {
      const result = reloadGateway(gateway, options.config, undefined, (next) =>
        rereadKeys(next, options.keystore ?? DEFAULT_KEYSTORE),
      );
      if (result.ok) log.configure(gateway.config.logging);
      return result;
    };
    onHangup(() => {
      const result = reload();
      if (result.ok) log.log(Severity.notifications, `SIGHUP: ${result.text}`);
      else log.log(Severity.errors, `SIGHUP: ${result.error}; keeping the running configuration`);
      if (result.ok) printWarnings(result.warnings, log);
    });
    const target: ControlTarget = {
      show: (what, o) => gateway.show(what, o),
      clear: (what, o) => gateway.clear(what, o),
      debug: (categories, emit) => gateway.debug(categories, emit),
      reload: () => {
        const result = reload();
        if (!result.ok)
          log.log(Severity.errors, `reload: ${result.error}; keeping the running configuration`);
        else printWarnings(result.warnings, log);
        return result;
      },
      initiate: (what) => gateway.initiate(what),
      sas: (o) => gateway.sas(o),
      counters: () => gateway.counters(),
      events: (emit) => gateway.events(emit),
      logDebug: {
        get: () => log.debugCategories,
        set: (categories) => (log.debugCategories = categories),
      },
    };
    // Listen for SIGINT/SIGTERM before the control socket appears: whoever waits for the socket
    // may signal at once, and a signal before the handlers would kill the process uncleanly.
    const signalled = untilSignal();
    control = await startControlServer(options.control ?? defaultControlPath(), target).catch(
      (error: unknown) => {
        throw new RuntimeFailure(
          `control socket ${options.control ?? defaultControlPath()}: ${errorMessage(error)}`,
        );
      },
    );
    for (const l of listeners) {
      const server = await startHttpServer(l.address, {
        ...(l.metrics ? { metrics: () => metrics.prometheus(liveState(gateway)) } : {}),
        ...(l.status
          ? {
              status: () =>
                gatewayStatus(gateway, metrics, {
                  clock: scheduler.clock.now(),
                  wallTime: Date.now() / 1000,
                }),
            }
          : {}),
      }).catch((error: unknown) => {
        throw new RuntimeFailure(`${l.flags} ${l.text}: ${errorMessage(error)}`);
      });
      cleanup.push(() => void server.close());
      log.log(Severity.notifications, `${l.flags} listening on http://${l.text}/`);
    }
    log.log(
      Severity.notifications,
      `${config.hostname} running: ${bindings.map((b) => `${b.name} ${b.address}`).join(', ')}; ` +
        `tunnel ${tunnel.name} routes ${routes.networks.join(', ') || 'none (dynamic-map peers add theirs)'}; ` +
        (greTunnels.size > 0 ? `GRE tunnel interfaces ${[...greTunnels.keys()].join(', ')}; ` : '') +
        `control ${control.path}`,
    );

    await (hooks.until ? Promise.race([signalled, hooks.until]) : signalled);
    onHangup(() => log.log(Severity.notifications, 'SIGHUP while stopping: ignored'));
    log.log(Severity.notifications, 'stopping: deleting SAs, removing routes and the TUN device');
    // Deletes for every IPsec SA and then every ISAKMP SA (RFC 2408 §4.8), sent before the
    // sockets close.
    try {
      // L2TP's StopCCN first, while the SAs that carry it are still there
      gateway.l2tp?.stop();
      gateway.clear('sa');
      gateway.clear('isakmp');
    } catch (error) {
      log.log(Severity.errors, `while sending deletes: ${errorMessage(error)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  } finally {
    if (control) await control.close();
    undo();
  }
}

/** The configuration to run; its warnings (inert policies, ...) are printed as check prints them. */
function loadConfig(path: string, log: DaemonLog): RouterConfig {
  try {
    const { config, warnings } = loadRunnableConfig(path);
    log.configure(config.logging);
    printWarnings(warnings, log);
    return config;
  } catch (error) {
    if (isConfigProblem(error)) throw new UsageError(error.message);
    throw error;
  }
}

/** A configuration's warnings (`file:line: message`) on stderr, as the forwarding one. */
function printWarnings(warnings: readonly string[], log: DaemonLog): void {
  for (const w of warnings) log.log(Severity.warnings, `warning: ${w}`);
}

/**
 * What `start` needs of the kernel: CAP_NET_ADMIN (TUN, routes), CAP_NET_RAW (raw ESP/AH
 * sockets) and CAP_NET_BIND_SERVICE (UDP 500). Root has them; so has a service user given
 * them as ambient capabilities (service/typeswan@.service).
 */
function missingCapabilities(): string[] {
  const needed: readonly [string, number][] = [
    ['CAP_NET_BIND_SERVICE', 10],
    ['CAP_NET_ADMIN', 12],
    ['CAP_NET_RAW', 13],
  ];
  let effective: bigint;
  try {
    const line = /^CapEff:\s*([0-9a-f]+)$/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (line?.[1] === undefined) throw new Error('no CapEff');
    effective = BigInt(`0x${line[1]}`);
  } catch {
    // No /proc (not Linux): only root can do it.
    return typeof process.getuid === 'function' && process.getuid() !== 0 ? needed.map(([n]) => n) : [];
  }
  return needed.filter(([, bit]) => (effective & (1n << BigInt(bit))) === 0n).map(([n]) => n);
}

function debugCategories(text: string): DebugCategory[] {
  if (text === 'none' || text === '') return [];
  const all: readonly DebugCategory[] = ['isakmp', 'ipsec', 'engine', 'vpdn'];
  const out: DebugCategory[] = [];
  for (const word of text.split(',')) {
    const category = all.find((c) => c === word.trim());
    if (category === undefined)
      throw new UsageError(`--debug ${text}: expected a list of isakmp, ipsec, engine, vpdn, or none`);
    out.push(category);
  }
  return out;
}

/** Turns a missing addon (or a kernel refusal) into the CLI's runtime failure. */
function nativeCall<T>(fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (error instanceof NativeAddonMissingError) throw new RuntimeFailure(error.message);
    throw new RuntimeFailure(errorMessage(error));
  }
}

function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const on = (signal: NodeJS.Signals): void => {
      process.off('SIGINT', on);
      process.off('SIGTERM', on);
      resolve(signal);
    };
    process.on('SIGINT', on);
    process.on('SIGTERM', on);
  });
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The gateway with the real engines; every installed SA's keys also go to `--keylog`. */
function buildGateway(
  config: RouterConfig,
  adapters: {
    udp: UdpEndpoint[];
    raw: RawIpEndpoint[];
    tunnel: HostTunnel;
    greTunnels: ReadonlyMap<string, HostTunnelInterface>;
    natOutside?: OutsideTap;
  },
  scheduler: HostScheduler,
  bus: EventBus,
  options: StartOptions,
  keylog: KeylogWriter | undefined,
  hooks: GatewayRunHooks,
  keys: { pki: PkiOptions | undefined; decryptionKeys: readonly KeyObject[]; log?: DaemonLog },
): Gateway {
  const { pki, decryptionKeys, log } = keys;
  return createGateway({
    config,
    adapters,
    scheduler,
    bus,
    ike: {
      ...(options.aggressive ? { aggressiveMode: true } : {}),
      ...(options.forceEncap ? { forceEncapsulation: true } : {}),
      ...(pki ? { pki } : {}),
      ...(decryptionKeys.length > 0 ? { decryptionKeys } : {}),
      ...(hooks.remoteAccessClient ? { remoteAccessClient: hooks.remoteAccessClient } : {}),
    },
    // XAUTH's `group radius`, `group tacacs+` and PIX `aaa-server` methods.
    aaa: serverGroups(),
    // Read when shown, as IOS reads NVRAM: keys generated since start are listed too.
    keyPairs: () => listKeyPairs(options.keystore ?? DEFAULT_KEYSTORE),
    dhThreads: defaultDhThreads(),
    ikeIngress: true,
    ...(hooks.l2tpClient ? { l2tpClient: hooks.l2tpClient } : {}),
    ...(log
      ? {
          ikev2Log: (level: 'info' | 'warning' | 'debug', text: string) =>
            log.log(
              level === 'warning'
                ? Severity.warnings
                : level === 'info'
                  ? Severity.informational
                  : Severity.debugging,
              text,
            ),
        }
      : {}),
    ...(keylog
      ? {
          onSaInstalled: (sa: IpsecSa) => keylog.ipsecSa(sa),
          onIkeKeys: (keys) => keylog.ikeSa(keys),
          onIkev2Keys: (keys) => keylog.ikev2Sa(keys),
        }
      : {}),
  });
}

/** The key store's key pairs again, for a reload: its warnings go with the reload's answer. */
function rereadKeys(config: RouterConfig, dir: string): { keys: KeyMaterial; warnings: string[] } {
  const signing = loadSigningKeys(config, dir);
  const encr = config.isakmpPolicies.some((p) => p.authentication.startsWith('rsa-encr'))
    ? loadDecryptionKeys(config, dir)
    : { keys: [], missing: [] };
  return {
    keys: { signingKeys: signing.keys, decryptionKeys: encr.keys },
    warnings: [
      ...(config.trustpoints.length > 0 ? signing.missing.map((m) => `rsa-sig: ${m}`) : []),
      ...encr.missing.map((m) => `rsa-encr: ${m}`),
    ],
  };
}

/** The key store's encryption keys when a policy uses encrypted nonces (a reload reads them again). */
function encryptionKeys(config: RouterConfig, dir: string, log: DaemonLog): KeyObject[] {
  if (!config.isakmpPolicies.some((p) => p.authentication.startsWith('rsa-encr'))) return [];
  const { keys, missing } = loadDecryptionKeys(config, dir);
  for (const m of missing) log.log(Severity.warnings, `warning: rsa-encr: ${m}`);
  return keys;
}

/**
 * Trust points' signing keys from the key store and a CRL cache fetching over HTTP; undefined
 * when the configuration has no trust point. A reload reads the keys again (rereadKeys).
 */
function certificateOptions(config: RouterConfig, dir: string, log: DaemonLog): PkiOptions | undefined {
  if (config.trustpoints.length === 0) return undefined;
  const keys = loadSigningKeys(config, dir);
  for (const m of keys.missing) log.log(Severity.warnings, `warning: rsa-sig: ${m}`);
  const crls = new CrlCache(Date.now, undefined, (url, outcome) =>
    log.log(Severity.informational, `CRL ${url}: ${outcome}`),
  );
  return pkiOptions(keys, crls);
}
