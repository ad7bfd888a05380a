// `typeswan start -c FILE [--control PATH] [--keylog FILE]`: runs the gateway on this Linux host
// (root). Each configured interface that carries a crypto map is bound to the Linux interface
// holding the same IPv4 address (IKE on UDP 500 and 4500, ESP/AH on raw sockets); a TUN device
// receives the traffic to protect, through routes for the remote protected networks. SIGINT or
// SIGTERM: deletes are sent for every SA, routes and the TUN are removed, exit 0. SIGHUP (or
// `typeswan reload`) re-reads the configuration file (see src/gateway/reload.ts). Routes follow
// the SPD: a dynamic-map peer's proxy network is routed while its SAs are installed.

import type { Command } from 'commander';
import {
  createGateway,
  defaultControlPath,
  ikeLocalAddresses,
  isConfigProblem,
  loadRunnableConfig,
  reloadGateway,
  startControlServer,
  TunnelRoutes,
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
import type { IpsecSa } from '../policy/sa.js';
import { RuntimeFailure, UsageError } from './errors.js';
import type { CliIo } from './io.js';

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
  /** Prometheus `/metrics` and the status page listeners (ADDR:PORT; may be the same). */
  readonly metrics?: string;
  readonly http?: string;
}

export function registerStart(program: Command, io: CliIo): void {
  program
    .command('start')
    .description('run the gateway on this Linux host (root): IKE on UDP 500/4500, ESP/AH, a TUN device')
    .requiredOption('-c, --config <file>', 'router configuration (IOS/PIX text or the JSON model)')
    .option('--control <path>', `control socket for show/clear/debug (default ${defaultControlPath()})`)
    .option('--keylog <file>', 'append IKE and ESP keys as tshark -o lines (file mode 0600)')
    .option('--debug <categories>', 'debug lines on stderr: isakmp,ipsec,engine or none', 'isakmp,ipsec')
    .option('--tun <name>', 'TUN device name (default tsw<pid>)')
    .option('--mtu <bytes>', 'TUN MTU', '1400')
    .option('--aggressive', 'initiate with aggressive mode')
    .option('--force-encap', 'use UDP encapsulation (port 4500) even when no NAT is detected')
    .option('--metrics <addr:port>', 'serve Prometheus /metrics here (PORT alone: 127.0.0.1)')
    .option('--http <addr:port>', 'serve the status page here (may be the --metrics address)')
    .action(async (options: StartOptions) => {
      await runStart(options, io);
    });
}

/** Runs until SIGINT/SIGTERM; resolves after a clean shutdown. */
export async function runStart(options: StartOptions, io: CliIo): Promise<void> {
  if (typeof process.getuid === 'function' && process.getuid() !== 0) {
    throw new RuntimeFailure('start needs root (TUN device, raw ESP/AH sockets, UDP port 500)');
  }
  // SIGHUP's default action would kill us before the gateway can take it as a reload.
  let onHangup = (): void => io.stderr('typeswan: SIGHUP while starting: ignored\n');
  const hangup = (): void => onHangup();
  process.on('SIGHUP', hangup);
  try {
    await runGateway(options, io, (handler) => (onHangup = handler));
  } finally {
    process.off('SIGHUP', hangup);
  }
}

async function runGateway(
  options: StartOptions,
  io: CliIo,
  onHangup: (handler: () => void) => void,
): Promise<void> {
  const config = loadConfig(options.config, io);
  const debug = debugCategories(options.debug ?? 'isakmp,ipsec');
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
  if (warning) io.stderr(`typeswan: warning: ${warning}\n`);

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

    const bus = new EventBus();
    const metrics = new Metrics(bus);
    const scheduler = new HostScheduler();
    const gateway = buildGateway(config, { udp, raw, tunnel }, scheduler, bus, options, keylog);
    if (debug.length > 0) {
      bus.subscribe((event) => {
        for (const line of renderDebug(event)) {
          if (debug.includes(line.category)) io.stderr(`${line.text}\n`);
        }
      });
    }

    // Routes for the remote protected networks of every protect rule, then as the SPD changes.
    const routes = new TunnelRoutes(
      tunnel,
      addresses.map((a) => a.address),
    );
    const initial = routes.sync(gateway.policy);
    const refused = initial.failed[0];
    if (refused !== undefined)
      throw new RuntimeFailure(`route ${refused.destination} into ${tunnel.name}: ${refused.error}`);
    gateway.onPolicyChange((rules) => {
      const changes = routes.sync(rules);
      for (const cidr of changes.added) io.stderr(`typeswan: route ${cidr} into ${tunnel.name} added\n`);
      for (const cidr of changes.removed) io.stderr(`typeswan: route ${cidr} into ${tunnel.name} removed\n`);
      for (const f of changes.failed)
        io.stderr(`typeswan: route ${f.destination} into ${tunnel.name}: ${f.error}\n`);
    });

    gateway.start();
    cleanup.push(() => gateway.stop());
    const reload = (): ReloadResult => reloadGateway(gateway, options.config);
    onHangup(() => {
      const result = reload();
      io.stderr(
        result.ok
          ? `typeswan: SIGHUP: ${result.text}\n`
          : `typeswan: SIGHUP: ${result.error}; keeping the running configuration\n`,
      );
      if (result.ok) printWarnings(result.warnings, io);
    });
    const target: ControlTarget = {
      show: (what, o) => gateway.show(what, o),
      clear: (what, o) => gateway.clear(what, o),
      debug: (categories, emit) => gateway.debug(categories, emit),
      reload: () => {
        const result = reload();
        if (!result.ok) io.stderr(`typeswan: reload: ${result.error}; keeping the running configuration\n`);
        else printWarnings(result.warnings, io);
        return result;
      },
    };
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
      io.stderr(`typeswan: ${l.flags} listening on http://${l.text}/\n`);
    }
    io.stderr(
      `typeswan: ${config.hostname} running: ${bindings.map((b) => `${b.name} ${b.address}`).join(', ')}; ` +
        `tunnel ${tunnel.name} routes ${routes.networks.join(', ') || 'none (dynamic-map peers add theirs)'}; control ${control.path}\n`,
    );

    await untilSignal();
    onHangup(() => io.stderr('typeswan: SIGHUP while stopping: ignored\n'));
    io.stderr('typeswan: stopping: deleting SAs, removing routes and the TUN device\n');
    // Deletes for every IPsec SA and then every ISAKMP SA (RFC 2408 §4.8), sent before the
    // sockets close.
    try {
      gateway.clear('sa');
      gateway.clear('isakmp');
    } catch (error) {
      io.stderr(`typeswan: while sending deletes: ${errorMessage(error)}\n`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  } finally {
    if (control) await control.close();
    undo();
  }
}

/** The configuration to run; its warnings (inert policies, ...) are printed as check prints them. */
function loadConfig(path: string, io: CliIo): RouterConfig {
  try {
    const { config, warnings } = loadRunnableConfig(path);
    printWarnings(warnings, io);
    return config;
  } catch (error) {
    if (isConfigProblem(error)) throw new UsageError(error.message);
    throw error;
  }
}

/** A configuration's warnings (`file:line: message`) on stderr, as the forwarding one. */
function printWarnings(warnings: readonly string[], io: CliIo): void {
  for (const w of warnings) io.stderr(`typeswan: warning: ${w}\n`);
}

function debugCategories(text: string): DebugCategory[] {
  if (text === 'none' || text === '') return [];
  const all: readonly DebugCategory[] = ['isakmp', 'ipsec', 'engine'];
  const out: DebugCategory[] = [];
  for (const word of text.split(',')) {
    const category = all.find((c) => c === word.trim());
    if (category === undefined)
      throw new UsageError(`--debug ${text}: expected a list of isakmp, ipsec, engine, or none`);
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
  adapters: { udp: UdpEndpoint[]; raw: RawIpEndpoint[]; tunnel: HostTunnel },
  scheduler: HostScheduler,
  bus: EventBus,
  options: StartOptions,
  keylog: KeylogWriter | undefined,
): Gateway {
  return createGateway({
    config,
    adapters,
    scheduler,
    bus,
    ike: {
      ...(options.aggressive ? { aggressiveMode: true } : {}),
      ...(options.forceEncap ? { forceEncapsulation: true } : {}),
    },
    ...(keylog
      ? { onSaInstalled: (sa: IpsecSa) => keylog.ipsecSa(sa), onIkeKeys: (keys) => keylog.ikeSa(keys) }
      : {}),
  });
}
