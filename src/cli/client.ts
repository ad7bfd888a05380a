// `typeswan client -c client.cfg`: the VPN Client of the chapter's Example 13-20. A client is a
// gateway with one peer: its settings become a small IOS configuration (one ISAKMP policy, the
// group's pre-shared key for the gateway's address, one crypto map entry whose ACL protects the
// remote networks) run by the same engines as `typeswan start`, with the client side of XAUTH
// and Mode Config (src/ike/remoteAccess.ts) given the username and password. It initiates at
// once; the Mode Config address goes on the TUN, whose routes are the remote networks (or the
// gateway's Cisco Unity split-include, less its local LAN networks, which stay outside); the
// DNS servers go to the resolv.conf the operator names, if any; Ctrl-C or SIGTERM sends
// deletes, puts that file back, removes the routes and the TUN and exits 0. A refused XAUTH
// ends it with exit 1.

import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { parseConfigText, isConfigProblem } from '../gateway/index.js';
import { runIp } from '../net/host/index.js';
import {
  ipv4NumberToText,
  ipv4TextToNumber,
  ipv4ToNumber,
  netmaskPrefix,
  parsePrefixText,
  prefixToNetmask,
} from '../packet/address.js';
import type { RouterConfig } from '../policy/model.js';
import { Severity, type DaemonLog } from './daemonLog.js';
import { RuntimeFailure, UsageError } from './errors.js';
import { l2tpClientHooks, l2tpClientRouterConfig } from './clientL2tp.js';
import type { CliIo } from './io.js';
import { hostConnectedNetworks, localLanNetworks } from './localLan.js';
import { ResolverFile } from './resolvConf.js';
import { daemonLog, requireCapabilities, runGateway, type StartOptions } from './start.js';

/** The client's settings (Example 13-20's fields), from the file and the flags. */
export interface ClientSettings {
  /** "Connect using Secure Gateway Tunnel to". */
  readonly gateway: string;
  /** Our address toward the gateway ("ID_Type = ip address"); default the kernel's source. */
  readonly local?: string;
  /** The group's pre-shared key. */
  readonly key: string;
  /**
   * The group name: with it the client identifies as ID_KEY_ID NAME in aggressive mode (the
   * Cisco VPN Client's group authentication); without it, by its address in main mode.
   */
  readonly group?: string;
  readonly username: string;
  /** "Remote party address": the networks behind the gateway, as CIDR. */
  readonly remoteNetworks: readonly string[];
  /** Proposal 1 (Authen): IOS `encryption`, `hash`, `group` words. */
  readonly ike: { readonly encryption: string; readonly hash: string; readonly group: string };
  /** Proposal 2 (Key Exchange): IOS transform names. */
  readonly esp: readonly string[];
  /** Where to write the gateway's DNS servers as a resolv.conf; none: no file is touched. */
  readonly resolvConf?: string;
  /** L2TP/IPsec (clientL2tp.ts): transport mode to UDP 1701, then PPP with the username. */
  readonly l2tp?: boolean;
}

const DEFAULT_IKE = { encryption: 'aes', hash: 'sha', group: '14' } as const;
const DEFAULT_ESP = ['esp-aes', 'esp-sha-hmac'] as const;

/** The settings that take one word, by their keyword. */
const SINGLE: ReadonlyMap<string, 'gateway' | 'local' | 'key' | 'group' | 'username' | 'resolvConf'> =
  new Map([
    ['gateway', 'gateway'],
    ['local', 'local'],
    ['key', 'key'],
    ['group', 'group'],
    ['username', 'username'],
    ['resolv-conf', 'resolvConf'],
  ]);

/**
 * Reads the client file: one `keyword value...` per line, `#` or `!` comments. Keywords:
 * gateway, local, key, group, username, remote-network (repeatable), ike-proposal ENC HASH GROUP,
 * esp-proposal TRANSFORM..., resolv-conf PATH. Unknown keywords are refused with their line.
 */
export function parseClientFile(text: string, file: string): Partial<ClientSettings> {
  const out: {
    gateway?: string;
    local?: string;
    key?: string;
    group?: string;
    username?: string;
    resolvConf?: string;
    remoteNetworks?: string[];
    ike?: ClientSettings['ike'];
    esp?: string[];
    l2tp?: boolean;
  } = {};
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.replace(/[#!].*$/, '').trim();
    if (line === '') return;
    const [word = '', ...rest] = line.split(/\s+/);
    const where = `${file}:${i + 1}`;
    const one = (): string => {
      const v = rest[0];
      if (rest.length !== 1 || v === undefined) throw new UsageError(`${where}: ${word} takes one value`);
      return v;
    };
    const single = SINGLE.get(word);
    if (single !== undefined) {
      out[single] = one();
      return;
    }
    switch (word) {
      case 'l2tp':
        if (rest.length !== 0) throw new UsageError(`${where}: l2tp takes no value`);
        out.l2tp = true;
        break;
      case 'remote-network':
        out.remoteNetworks = [...(out.remoteNetworks ?? []), one()];
        break;
      case 'ike-proposal': {
        const [encryption, hash, group] = rest;
        if (rest.length !== 3 || encryption === undefined || hash === undefined || group === undefined)
          throw new UsageError(`${where}: ike-proposal takes ENCRYPTION HASH GROUP (aes sha 14)`);
        out.ike = { encryption, hash, group };
        break;
      }
      case 'esp-proposal':
        if (rest.length === 0) throw new UsageError(`${where}: esp-proposal takes transforms`);
        out.esp = rest;
        break;
      default:
        throw new UsageError(`${where}: unknown setting ${word}`);
    }
  });
  return out;
}

/** `NETWORK WILDCARD` of an ACL line for `cidr` (`what` names it in the error). */
function aclNetwork(cidr: string, what: string): string {
  const prefix = parsePrefixText(cidr);
  if (prefix?.address.length !== 4) throw new UsageError(`${what} ${cidr}: expected A.B.C.D/N`);
  const mask = prefixToNetmask(prefix.length) >>> 0;
  const network = (ipv4ToNumber(prefix.address) & mask) >>> 0;
  return `${ipv4NumberToText(network)} ${ipv4NumberToText(~mask >>> 0)}`;
}

/**
 * The IOS configuration the client runs (Example 13-20 as a router would say it). The local
 * LAN networks come first as `deny` lines: their traffic is no crypto ACL's, so the SPD lets
 * it pass and the TUN's routes leave them out.
 */
export function clientRouterConfig(
  s: ClientSettings & { readonly local: string; readonly localLan?: readonly string[] },
): string {
  const acl = [
    ...(s.localLan ?? []).map((cidr) => `access-list 150 deny ip any ${aclNetwork(cidr, 'local LAN')}`),
    ...s.remoteNetworks.map((cidr) => `access-list 150 permit ip any ${aclNetwork(cidr, 'remote-network')}`),
  ];
  return ipsecClientConfig(s, acl, 'tunnel');
}

/** One ISAKMP policy, the key for the gateway, and crypto map CLIENT 10 whose ACL 150 is `acl`. */
export function ipsecClientConfig(
  s: ClientSettings & { readonly local: string },
  acl: readonly string[],
  mode: 'tunnel' | 'transport',
): string {
  return [
    'hostname client',
    'crypto isakmp policy 10',
    ` encryption ${s.ike.encryption}`,
    ` hash ${s.ike.hash}`,
    ' authentication pre-share',
    ` group ${s.ike.group}`,
    `crypto isakmp key ${s.key} address ${s.gateway}`,
    `crypto ipsec transform-set CLIENT ${s.esp.join(' ')}`,
    ...(mode === 'transport' ? [' mode transport'] : []),
    ...acl,
    'crypto map CLIENT 10 ipsec-isakmp',
    ` set peer ${s.gateway}`,
    ' set transform-set CLIENT',
    ' match address 150',
    'interface Client0',
    ` ip address ${s.local} 255.255.255.255`,
    ' crypto map CLIENT',
    '',
  ].join('\n');
}

interface ClientOptions extends StartOptions {
  readonly gateway?: string;
  readonly local?: string;
  readonly username?: string;
  readonly group?: string;
  readonly remoteNetwork?: string[];
  readonly passwordFile?: string;
  readonly resolvConf?: string;
  readonly l2tp?: boolean;
}

export function registerClient(program: Command, io: CliIo): void {
  program
    .command('client')
    .description('connect to a remote-access gateway (XAUTH, Mode Config) as a VPN client (root)')
    .requiredOption('-c, --config <file>', 'client settings: gateway, key, username, remote-network...')
    .option('--gateway <address>', "the gateway's address (overrides the file)")
    .option('--local <address>', 'our address toward the gateway (default: the route to it)')
    .option('--username <name>', 'the XAUTH username (overrides the file)')
    .option('--group <name>', 'the group name: aggressive mode with it as ID_KEY_ID (overrides the file)')
    .option('--remote-network <cidr...>', 'protected networks behind the gateway (override the file)')
    .option(
      '--password-file <file>',
      'read the XAUTH password from this file (else a prompt or $TYPESWAN_PASSWORD)',
    )
    .option(
      '--resolv-conf <file>',
      "write the gateway's DNS servers and domain to this resolv.conf, put back on exit (default: none)",
    )
    .option(
      '--l2tp',
      "L2TP/IPsec: transport mode to UDP 1701, then PPP with the username (as the file's l2tp)",
    )
    .option('--control <path>', 'control socket for show/clear/debug')
    .option('--debug <categories>', 'debug lines on stderr: isakmp,ipsec,engine or none', 'isakmp')
    .option('--tun <name>', 'TUN device name (default tsw<pid>)')
    .option('--mtu <bytes>', 'TUN MTU', '1400')
    .option('--log-format <format>', 'stderr lines: text (IOS), journal or json', 'text')
    .option('--log-level <level>', 'log messages up to this IOS level')
    .action(async (options: ClientOptions) => {
      await runClient(options, io);
    });
}

function readText(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new UsageError(`${what} ${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

export function clientSettings(options: ClientOptions): ClientSettings {
  const file = parseClientFile(readText(options.config, 'client settings'), options.config);
  const gateway = options.gateway ?? file.gateway;
  const key = file.key;
  const username = options.username ?? file.username;
  const remoteNetworks = options.remoteNetwork ?? file.remoteNetworks ?? [];
  if (gateway === undefined) throw new UsageError(`${options.config}: no gateway`);
  if (key === undefined) throw new UsageError(`${options.config}: no key (the group's pre-shared key)`);
  if (username === undefined) throw new UsageError(`${options.config}: no username`);
  if (remoteNetworks.length === 0) throw new UsageError(`${options.config}: no remote-network`);
  const local = options.local ?? file.local;
  const group = options.group ?? file.group;
  const resolvConf = options.resolvConf ?? file.resolvConf;
  return {
    gateway,
    ...(local !== undefined ? { local } : {}),
    key,
    ...(group !== undefined ? { group } : {}),
    username,
    remoteNetworks,
    ike: file.ike ?? DEFAULT_IKE,
    esp: file.esp ?? DEFAULT_ESP,
    ...(resolvConf !== undefined ? { resolvConf } : {}),
    ...(options.l2tp === true || file.l2tp === true ? { l2tp: true } : {}),
  };
}

/** The source address the kernel uses toward `gateway` (`ip route get`). */
function sourceToward(gateway: string): string {
  const out = runIp(['-o', 'route', 'get', gateway]);
  const src = /\bsrc (\d+\.\d+\.\d+\.\d+)/.exec(out)?.[1];
  if (src === undefined) throw new RuntimeFailure(`no route with a source address toward ${gateway}`);
  return src;
}

/**
 * The XAUTH password: never from the command line. A file (first line), else
 * $TYPESWAN_PASSWORD, else a prompt on the terminal without echo.
 */
export async function readPassword(options: { readonly passwordFile?: string }, io: CliIo): Promise<string> {
  if (options.passwordFile !== undefined)
    return readText(options.passwordFile, '--password-file').split(/\r?\n/)[0] ?? '';
  const env = process.env['TYPESWAN_PASSWORD'];
  if (env !== undefined) return env;
  if (!process.stdin.isTTY)
    throw new UsageError('no password: give --password-file FILE or TYPESWAN_PASSWORD, or run on a terminal');
  return promptHidden('Password: ', io);
}

function promptHidden(prompt: string, io: CliIo): Promise<string> {
  return new Promise((resolve, reject) => {
    const stdin = process.stdin;
    io.stderr(prompt);
    stdin.setRawMode(true);
    stdin.resume();
    let typed = '';
    const done = (error?: Error): void => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.off('data', onData);
      io.stderr('\n');
      if (error) reject(error);
      else resolve(typed);
    };
    const onData = (chunk: Buffer): void => {
      for (const ch of chunk.toString('utf8')) {
        if (ch === '\r' || ch === '\n') return done();
        if (ch === '\u0003' || ch === '\u0004') return done(new UsageError('no password given'));
        if (ch === '\u007f' || ch === '\b') typed = typed.slice(0, -1);
        else typed += ch;
      }
    };
    stdin.on('data', onData);
  });
}

export async function runClient(options: ClientOptions, io: CliIo): Promise<void> {
  requireCapabilities();
  const settings = clientSettings(options);
  const password = await readPassword(options, io);
  const log = daemonLog(options, io);
  const local = settings.local ?? sourceToward(settings.gateway);
  const configFor = (tunnel: ClientTunnel): RouterConfig => {
    try {
      const text = (settings.l2tp === true ? l2tpClientRouterConfig : clientRouterConfig)({
        ...settings,
        local,
        ...tunnel,
      });
      return parseConfigText(text, options.config);
    } catch (error) {
      if (isConfigProblem(error)) throw new UsageError(error.message);
      throw error;
    }
  };
  const config = configFor({ remoteNetworks: settings.remoteNetworks });
  let refused: string | undefined;
  let stop: () => void = () => undefined;
  const until = new Promise<void>((resolve) => (stop = resolve));
  const ignoreHangup = (): void => log.log(Severity.notifications, 'SIGHUP: a client has nothing to reload');
  process.on('SIGHUP', ignoreHangup);
  const fail = (reason: string): void => {
    refused = reason;
    stop();
  };
  try {
    if (settings.l2tp === true)
      await runGateway(config, options, log, () => undefined, {
        ...l2tpClientHooks({ ...settings, local }, password, fail),
        until,
      });
    else
      await runGateway(config, options, log, () => undefined, {
        remoteAccessClient: {
          credentials: (peer) =>
            peer === settings.gateway ? { username: settings.username, password } : undefined,
          modeConfig: 'pull',
          ...(settings.group !== undefined ? { group: settings.group } : {}),
        },
        until,
        running: (gateway, tunnel, runLog) =>
          connect(gateway, tunnel, runLog, settings, {
            fail,
            configFor,
          }),
      });
  } finally {
    process.off('SIGHUP', ignoreHangup);
  }
  if (refused !== undefined) throw new RuntimeFailure(refused);
}

type RunHooks = NonNullable<Parameters<typeof runGateway>[4]>;
type Running = NonNullable<RunHooks['running']>;

/** What the client's crypto map protects: the networks through the tunnel, the local LAN outside. */
interface ClientTunnel {
  readonly remoteNetworks: readonly string[];
  readonly localLan?: readonly string[];
}

/** A Cisco Unity network (split-include, local LAN) as CIDR; undefined for a mask that is no prefix. */
function unityCidr(n: { readonly address: string; readonly mask: string }): string | undefined {
  const mask = ipv4TextToNumber(n.mask);
  const address = ipv4TextToNumber(n.address);
  const length = mask === undefined ? undefined : netmaskPrefix(mask);
  if (address === undefined || mask === undefined || length === undefined) return undefined;
  return `${ipv4NumberToText((address & mask) >>> 0)}/${length}`;
}

/**
 * Initiates, puts the Mode Config address on the TUN, writes the DNS servers where the
 * operator asked, and stops on a refused XAUTH. A split-include from the gateway replaces the
 * configured remote networks and its local LAN networks become `deny` lines: the crypto map's
 * ACL (so the SPD and the TUN's routes) then names only those (the engine proposes the
 * split-include networks, each from our address).
 */
function connect(
  gateway: Parameters<Running>[0],
  tunnel: Parameters<Running>[1],
  log: DaemonLog,
  settings: ClientSettings,
  hooks: {
    readonly fail: (reason: string) => void;
    readonly configFor: (tunnel: ClientTunnel) => RouterConfig;
  },
): () => void {
  const { fail } = hooks;
  let routed: ClientTunnel = { remoteNetworks: settings.remoteNetworks };
  const addresses: string[] = [];
  const resolver = settings.resolvConf !== undefined ? new ResolverFile(settings.resolvConf) : undefined;
  const unsubscribe = gateway.events((e) => {
    if (e.source !== 'ike') return;
    const ev = e.event;
    if (ev.type === 'modeConfig' && ev.step === 'assigned' && ev.address !== undefined) {
      if (addresses.includes(ev.address)) return;
      try {
        runIp(['addr', 'add', `${ev.address}/32`, 'dev', tunnel.name]);
        addresses.push(ev.address);
        log.log(Severity.notifications, `Mode Config address ${ev.address} on ${tunnel.name}`);
      } catch (error) {
        log.log(Severity.errors, `address ${ev.address} on ${tunnel.name}: ${String(error)}`);
      }
      const received = ev.received;
      if (resolver !== undefined && received !== undefined) installDns(resolver, ev.peer, received, log);
      else if (received !== undefined && received.dns.length > 0)
        log.log(
          Severity.notifications,
          `DNS ${received.dns.join(', ')} from ${ev.peer} (no --resolv-conf: written nowhere)`,
        );
      const split = (received?.splitInclude ?? []).flatMap((n) => unityCidr(n) ?? []);
      const localLan = localLanNetworks(
        (received?.localLan ?? []).flatMap((n) => unityCidr(n) ?? []),
        () => ownLan(tunnel.name, log),
      );
      const next = { remoteNetworks: split.length > 0 ? split : routed.remoteNetworks, localLan };
      if (next.remoteNetworks.join() === routed.remoteNetworks.join() && localLan.length === 0) return;
      routed = next;
      // Not from inside the engine's call that reported it.
      setImmediate(() => {
        gateway.reconfigure(hooks.configFor(next));
        if (split.length > 0)
          log.log(
            Severity.notifications,
            `split tunnel from ${ev.peer}: only ${split.join(', ')} through ${tunnel.name}`,
          );
        if (localLan.length > 0)
          log.log(
            Severity.notifications,
            `local LAN from ${ev.peer}: ${localLan.join(', ')} outside ${tunnel.name}`,
          );
      });
    }
    if ((ev.type === 'xauth' || ev.type === 'modeConfig') && ev.step === 'failed')
      fail(`${settings.gateway}: ${ev.reason ?? `${ev.type} failed`}`);
  });
  const started = gateway.initiate({ peer: settings.gateway });
  log.log(Severity.notifications, started.text);
  return () => {
    unsubscribe();
    if (resolver !== undefined) restoreDns(resolver, log);
    for (const a of addresses) {
      try {
        runIp(['addr', 'del', `${a}/32`, 'dev', tunnel.name]);
      } catch {
        // the device is going anyway
      }
    }
  };
}

/** The host's connected networks, for a local LAN of 0.0.0.0/32; none if the kernel will not say. */
function ownLan(tunnel: string, log: DaemonLog): string[] {
  try {
    return hostConnectedNetworks(tunnel);
  } catch (error) {
    log.log(Severity.errors, `local LAN: the connected networks: ${String(error)}`);
    return [];
  }
}

function installDns(
  resolver: ResolverFile,
  peer: string,
  received: { readonly dns: readonly string[]; readonly domain?: string },
  log: DaemonLog,
): void {
  try {
    const settings = {
      gateway: peer,
      dns: received.dns,
      ...(received.domain !== undefined ? { domain: received.domain } : {}),
    };
    if (resolver.install(settings))
      log.log(
        Severity.notifications,
        `DNS ${received.dns.join(', ')} from ${peer} written to ${resolver.path}`,
      );
    else log.log(Severity.notifications, `${peer} gave no DNS server: ${resolver.path} untouched`);
  } catch (error) {
    log.log(
      Severity.errors,
      `DNS to ${resolver.path}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

function restoreDns(resolver: ResolverFile, log: DaemonLog): void {
  try {
    const outcome = resolver.restore();
    if (outcome === 'restored') log.log(Severity.notifications, `${resolver.path} put back as it was`);
    else if (outcome === 'removed')
      log.log(Severity.notifications, `${resolver.path} removed (it was not there)`);
    else if (outcome === 'changed')
      log.log(Severity.warnings, `${resolver.path} changed since we wrote it: left as it is`);
  } catch (error) {
    log.log(
      Severity.errors,
      `putting back ${resolver.path}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}
