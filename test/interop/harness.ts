// The interop harness: network namespaces and veths in the lab topology, strongSwan (charon with
// kernel-libipsec, driven by swanctl over a private vici socket), typeswan daemons, tshark
// captures, pings and a SHA-256-checked TCP transfer. Everything it starts runs inside
// namespaces it creates, is tracked by PID, and is stopped by `Lab.destroy()`.
//
//  ha 10.1.0.10 --lan-- r1 10.1.0.1 | 192.0.2.1 ==wan== 192.0.2.2 | 10.2.0.1 r2 --lan-- hb 10.2.0.10
//
// With `nat: true` r1's WAN sits behind a NAT box (nftables masquerade with port translation):
//  r1 198.51.100.1 == 198.51.100.254 nat 192.0.2.254 == 192.0.2.2 r2

import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../util/fixtures.js';
import { iosConfig } from './ios.js';

export const CHARON = '/usr/lib/ipsec/charon';
/**
 * charon with a private tmpfs /run (its pid file path is hard-coded); `unshare` and `exec` run in
 * place, so under `ip netns exec` the PID we hold is charon's.
 */
export const CHARON_COMMAND: readonly string[] = privateMounts(
  `mount -t tmpfs -o size=1m,mode=0755 tswrun /run && exec ${CHARON}`,
);

/** `sh -c SCRIPT` in a mount namespace of its own: what it mounts stays its own. */
function privateMounts(script: string): string[] {
  return ['unshare', '--mount', '--propagation', 'private', 'sh', '-c', script];
}

export interface CommandResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a command to completion with a hard time limit; never throws. */
export function run(
  command: string,
  args: readonly string[],
  options: { timeoutMs?: number; env?: NodeJS.ProcessEnv; input?: string } = {},
): Promise<CommandResult> {
  return new Promise((resolve) => {
    const child = execFile(
      command,
      [...args],
      { timeout: options.timeoutMs ?? 20_000, env: options.env ?? process.env, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        let code = 0;
        if (error) code = typeof error.code === 'number' ? error.code : 1;
        resolve({ code, stdout: String(stdout), stderr: String(stderr) });
      },
    );
    if (options.input !== undefined) child.stdin?.end(options.input);
  });
}

function commandExists(name: string): boolean {
  const path = process.env.PATH ?? '/usr/bin:/bin';
  return path.split(':').some((dir) => existsSync(join(dir, name)));
}

/** Why the interop suite cannot run here (printed loudly by each suite), or undefined. */
export function interopSkipReason(needs: { charon?: boolean; typeswan?: boolean } = {}): string | undefined {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) {
    return 'not root: the interop suite needs network namespaces, TUN devices and raw sockets';
  }
  for (const tool of ['ip', 'ping', 'unshare']) {
    if (!commandExists(tool)) return `${tool} is not installed`;
  }
  if (needs.charon !== false) {
    if (!existsSync(CHARON)) return `strongSwan is not installed (${CHARON} missing; .ci/run installs it)`;
    if (!commandExists('swanctl')) return 'swanctl is not installed (strongswan-swanctl)';
  }
  if (needs.typeswan && !existsSync(join(projectRoot, 'build', 'Release', 'typeswan_native.node'))) {
    return 'the native addon is not built (npm install builds it)';
  }
  return undefined;
}

export function announceSkip(suite: string, reason: string | undefined): void {
  if (reason) console.log(`\n*** SKIPPING interop suite ${suite}: ${reason} ***\n`);
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` every 100 ms until it returns true or `timeoutMs` passes. */
export async function until(check: () => boolean | Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > end) return false;
    await sleep(100);
  }
}

/** A long-running process we started; stopped by PID. */
export class Daemon {
  readonly output: string[] = [];
  private exited: Promise<number>;
  exitCode: number | undefined;

  constructor(
    readonly name: string,
    readonly child: ChildProcess,
  ) {
    const keep = (chunk: Buffer): void => {
      if (this.output.length < 20_000) this.output.push(chunk.toString());
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    this.exited = new Promise((resolve) => {
      child.on('exit', (code, signal) => {
        this.exitCode = code ?? (signal ? 128 : 1);
        resolve(this.exitCode);
      });
      child.on('error', () => {
        this.exitCode = 127;
        resolve(127);
      });
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get running(): boolean {
    return this.exitCode === undefined;
  }

  text(): string {
    return this.output.join('');
  }

  /** SIGTERM (or `signal`), then SIGKILL after `graceMs`; resolves to the exit code. */
  async stop(signal: NodeJS.Signals = 'SIGTERM', graceMs = 5000): Promise<number> {
    if (this.exitCode !== undefined) return this.exitCode;
    this.child.kill(signal);
    const timer = sleep(graceMs).then(() => undefined);
    const code = await Promise.race([this.exited, timer]);
    if (code !== undefined) return code;
    this.child.kill('SIGKILL');
    return this.exited;
  }

  wait(): Promise<number> {
    return this.exited;
  }
}

export interface LabOptions {
  /** Short tag for names (namespaces are `tsw-<tag>-<pid>-<role>`). */
  readonly tag: string;
  /** Put r1 behind an nftables NAT box with port translation. */
  readonly nat?: boolean;
}

/** `r3`: a third router a test adds with `addRouter` (not part of the base topology). */
export type Role = 'ha' | 'r1' | 'r2' | 'hb' | 'nat' | 'r3';

export const ADDR = {
  ha: '10.1.0.10',
  r1Lan: '10.1.0.1',
  r1Wan: '192.0.2.1',
  r1WanNat: '198.51.100.1',
  natInside: '198.51.100.254',
  natOutside: '192.0.2.254',
  r2Wan: '192.0.2.2',
  r2Lan: '10.2.0.1',
  hb: '10.2.0.10',
} as const;

export class Lab {
  readonly dir: string;
  readonly daemons: Daemon[] = [];
  private readonly created: string[] = [];

  private constructor(
    readonly options: LabOptions,
    readonly prefix: string,
  ) {
    this.dir = mkdtempSync(join(tmpdir(), `tsw-interop-${options.tag}-`));
  }

  ns(role: Role): string {
    return `${this.prefix}-${role}`;
  }

  /** r1's own WAN address (behind the NAT box when `nat`). */
  get r1Wan(): string {
    return this.options.nat ? ADDR.r1WanNat : ADDR.r1Wan;
  }

  /** The address r2 sees r1 at. */
  get r1Public(): string {
    return this.options.nat ? ADDR.natOutside : ADDR.r1Wan;
  }

  static async create(options: LabOptions): Promise<Lab> {
    const lab = new Lab(options, `tsw-${options.tag}-${process.pid}`);
    try {
      await lab.build();
    } catch (error) {
      await lab.destroy();
      throw error;
    }
    return lab;
  }

  /**
   * A further router namespace linked to r1 by its own veth (r1's side `r1-<role>`, its side
   * `<role>-wan`), each end given its address: removed by `destroy` as the others are.
   */
  async addRouter(role: Role, r1Address: string, address: string): Promise<void> {
    await this.ip('netns', 'add', this.ns(role));
    this.created.push(this.ns(role));
    await this.ip('-n', this.ns(role), 'link', 'set', 'lo', 'up');
    await this.addLink('r1', `r1-${role}`, r1Address, role, `${role}-wan`, address);
  }

  /** A veth pair between two of the lab's namespaces, each end addressed (`A/LEN`) and up. */
  async addLink(a: Role, aIf: string, aAddr: string, b: Role, bIf: string, bAddr: string): Promise<void> {
    await this.ip(
      'link',
      'add',
      aIf,
      'netns',
      this.ns(a),
      'type',
      'veth',
      'peer',
      'name',
      bIf,
      'netns',
      this.ns(b),
    );
    await this.ip('-n', this.ns(a), 'addr', 'add', aAddr, 'dev', aIf);
    await this.ip('-n', this.ns(b), 'addr', 'add', bAddr, 'dev', bIf);
    await this.ip('-n', this.ns(a), 'link', 'set', aIf, 'up');
    await this.ip('-n', this.ns(b), 'link', 'set', bIf, 'up');
  }

  private async ip(...args: string[]): Promise<void> {
    const result = await run('ip', args, { timeoutMs: 10_000 });
    if (result.code !== 0) throw new Error(`ip ${args.join(' ')}: ${result.stderr.trim()}`);
  }

  private async build(): Promise<void> {
    const roles: Role[] = this.options.nat ? ['ha', 'r1', 'nat', 'r2', 'hb'] : ['ha', 'r1', 'r2', 'hb'];
    for (const role of roles) {
      await this.ip('netns', 'add', this.ns(role));
      this.created.push(this.ns(role));
      await this.ip('-n', this.ns(role), 'link', 'set', 'lo', 'up');
    }
    const link = this.addLink.bind(this);
    await link('ha', 'ha-lan', `${ADDR.ha}/24`, 'r1', 'r1-lan', `${ADDR.r1Lan}/24`);
    await link('hb', 'hb-lan', `${ADDR.hb}/24`, 'r2', 'r2-lan', `${ADDR.r2Lan}/24`);
    await this.ip('-n', this.ns('ha'), 'route', 'add', 'default', 'via', ADDR.r1Lan);
    await this.ip('-n', this.ns('hb'), 'route', 'add', 'default', 'via', ADDR.r2Lan);
    if (this.options.nat) {
      await link('r1', 'r1-wan', `${ADDR.r1WanNat}/24`, 'nat', 'nat-in', `${ADDR.natInside}/24`);
      await link('nat', 'nat-out', `${ADDR.natOutside}/24`, 'r2', 'r2-wan', `${ADDR.r2Wan}/24`);
      await this.ip('-n', this.ns('r1'), 'route', 'add', '192.0.2.0/24', 'via', ADDR.natInside);
      await this.sysctl('nat', 'net.ipv4.ip_forward=1');
      // Masquerade with port translation: UDP sources are mapped into 40000-40999, so the
      // peer sees both a different address and a different port (RFC 3947 has to notice).
      const rules = [
        'table ip tswnat {',
        ' chain post {',
        '  type nat hook postrouting priority srcnat; policy accept;',
        `  oifname "nat-out" ip protocol udp snat to ${ADDR.natOutside}:40000-40999`,
        '  oifname "nat-out" masquerade',
        ' }',
        '}',
      ].join('\n');
      const file = join(this.dir, 'nat.nft');
      writeFileSync(file, `${rules}\n`);
      const result = await run('ip', ['netns', 'exec', this.ns('nat'), 'nft', '-f', file]);
      if (result.code !== 0) throw new Error(`nft: ${result.stderr.trim()}`);
    } else {
      await link('r1', 'r1-wan', `${ADDR.r1Wan}/24`, 'r2', 'r2-wan', `${ADDR.r2Wan}/24`);
    }
    await this.sysctl('r1', 'net.ipv4.ip_forward=1');
    await this.sysctl('r2', 'net.ipv4.ip_forward=1');
  }

  async sysctl(role: Role, setting: string): Promise<void> {
    const result = await run('ip', ['netns', 'exec', this.ns(role), 'sysctl', '-qw', setting]);
    if (result.code !== 0) throw new Error(`sysctl ${setting} in ${role}: ${result.stderr.trim()}`);
  }

  exec(role: Role, args: readonly string[], options: { timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}) {
    return run('ip', ['netns', 'exec', this.ns(role), ...args], options);
  }

  /** Starts a long-running process inside `role`'s namespace; tracked and stopped by `destroy`. */
  spawnIn(role: Role, name: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env): Daemon {
    const child = spawn('ip', ['netns', 'exec', this.ns(role), ...args], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const daemon = new Daemon(name, child);
    this.daemons.push(daemon);
    return daemon;
  }

  /** `ping -c count` from one namespace; counts transmitted and received. */
  async ping(from: Role, to: string, count = 5, intervalSeconds = 0.2, source?: string): Promise<PingResult> {
    const args = ['ping', '-c', String(count), '-i', String(intervalSeconds), '-W', '1'];
    if (source !== undefined) args.push('-I', source);
    const result = await this.exec(from, [...args, to], {
      timeoutMs: (count * intervalSeconds + 5) * 1000,
    });
    const match = /(\d+) packets transmitted, (\d+) received/.exec(result.stdout);
    return {
      transmitted: Number(match?.[1] ?? 0),
      received: Number(match?.[2] ?? 0),
      output: result.stdout + result.stderr,
    };
  }

  /**
   * Sends `bytes` of random data over TCP from `from` to `toAddress` (server in `to`), with a
   * tiny Node server/client pair run by `ip netns exec`; returns both SHA-256 digests.
   */
  async tcpTransfer(from: Role, to: Role, toAddress: string, bytes = 10 * 1024 * 1024, port = 5001) {
    const server = this.spawnIn(to, 'tcp-server', [
      process.execPath,
      '-e',
      TCP_SERVER,
      toAddress,
      String(port),
    ]);
    const ready = await until(() => server.text().includes('listening') || !server.running, 5000);
    if (!ready || !server.running) {
      await server.stop();
      return { ok: false, sent: '', received: '', detail: `server did not start: ${server.text()}` };
    }
    const client = await this.exec(
      from,
      [process.execPath, '-e', TCP_CLIENT, toAddress, String(port), String(bytes)],
      {
        timeoutMs: 60_000,
      },
    );
    await until(() => !server.running, 10_000);
    await server.stop();
    const sent = /sent ([0-9a-f]{64})/.exec(client.stdout)?.[1] ?? '';
    const received = /received (\d+) ([0-9a-f]{64})/.exec(server.text());
    return {
      ok: sent !== '' && sent === received?.[2] && Number(received[1]) === bytes,
      sent,
      received: received?.[2] ?? '',
      detail: `client: ${client.stdout}${client.stderr} server: ${server.text()}`,
    };
  }

  /** Starts tshark on `iface` in `role`; resolves once it captures. */
  async startCapture(role: Role, iface: string, name: string): Promise<Capture> {
    const file = join(this.dir, `${name}.pcapng`);
    const daemon = this.spawnIn(role, `tshark-${name}`, ['tshark', '-i', iface, '-w', file, '-q']);
    await until(() => daemon.text().includes('Capturing on') || !daemon.running, 10_000);
    return new Capture(file, daemon);
  }

  async destroy(): Promise<void> {
    for (const daemon of [...this.daemons].reverse()) {
      await daemon.stop();
    }
    // With TSW_KEEP_INTEROP_DIR=1 the directory stays, with every daemon's output beside the
    // captures, configs and logs.
    this.daemons.forEach((daemon, index) => {
      writeFileSync(join(this.dir, `${String(index).padStart(2, '0')}-${daemon.name}.out`), daemon.text());
    });
    for (const ns of this.created) {
      await run('ip', ['netns', 'del', ns], { timeoutMs: 10_000 });
    }
    if (!process.env.TSW_KEEP_INTEROP_DIR) rmSync(this.dir, { recursive: true, force: true });
  }
}

export interface PingResult {
  readonly transmitted: number;
  readonly received: number;
  readonly output: string;
}

export class Capture {
  constructor(
    readonly file: string,
    readonly daemon: Daemon,
  ) {}

  /** Stops tshark (SIGINT lets it finish the file). */
  async stop(): Promise<string> {
    await sleep(300);
    await this.daemon.stop('SIGINT', 5000);
    return this.file;
  }
}

const TCP_SERVER = `
const net = require('node:net'); const crypto = require('node:crypto');
const [host, port] = process.argv.slice(1);
const timer = setTimeout(() => { console.log('timeout'); process.exit(3); }, 60000);
const server = net.createServer((socket) => {
  const hash = crypto.createHash('sha256'); let n = 0;
  socket.on('data', (d) => { hash.update(d); n += d.length; });
  socket.on('end', () => { console.log('received ' + n + ' ' + hash.digest('hex')); socket.end(); server.close(); clearTimeout(timer); });
  socket.on('error', (e) => { console.log('error ' + e.message); process.exit(2); });
});
server.listen(Number(port), host, () => console.log('listening'));
`;

const TCP_CLIENT = `
const net = require('node:net'); const crypto = require('node:crypto');
const [host, port, size] = process.argv.slice(1);
const data = crypto.randomBytes(Number(size));
console.log('sent ' + crypto.createHash('sha256').update(data).digest('hex'));
const socket = net.connect(Number(port), host, () => { socket.end(data); });
socket.setTimeout(30000, () => { console.log('timeout'); process.exit(3); });
socket.on('data', () => {});
socket.on('close', () => process.exit(0));
socket.on('error', (e) => { console.log('error ' + e.message); process.exit(2); });
`;

// ------------------------------------------------------------------------------- strongSwan

export interface CharonOptions {
  /** Extra `charon { ... }` settings (strongswan.conf syntax). */
  readonly extra?: string;
  /**
   * Load `resolve` and have it write the DNS servers Mode Config gives into this file (in the
   * lab directory; there is no resolvconf here, so the plugin writes the file itself).
   */
  readonly resolveFile?: string;
}

/**
 * One charon in `role`'s namespace, as the recipe runs it: its own strongswan.conf through
 * STRONGSWAN_CONF, a private tmpfs /run (the pid file path is hard-coded), its vici socket in the
 * lab directory, kernel-libipsec for userspace ESP (this kernel has none), `resolve` and friends
 * off, and every key at log level 4 in `charon-keys.log`.
 */
export class Charon {
  readonly dir: string;
  readonly vici: string;
  private constructor(
    readonly lab: Lab,
    readonly name: string,
    readonly daemon: Daemon,
    dir: string,
  ) {
    this.dir = dir;
    this.vici = `unix://${join(dir, 'charon.vici')}`;
  }

  static async start(lab: Lab, role: Role, name: string, options: CharonOptions = {}): Promise<Charon> {
    const dir = join(lab.dir, name);
    mkdirSync(dir, { recursive: true });
    for (const sub of [
      'x509',
      'x509ca',
      'x509ocsp',
      'x509aa',
      'x509ac',
      'x509crl',
      'pubkey',
      'private',
      'rsa',
      'ecdsa',
      'bliss',
      'pkcs8',
      'pkcs12',
    ]) {
      mkdirSync(join(dir, sub), { recursive: true });
    }
    const conf = join(dir, 'strongswan.conf');
    writeFileSync(conf, strongswanConf(dir, options.extra ?? '', options.resolveFile));
    const env = { ...process.env, STRONGSWAN_CONF: conf };
    // ip netns exec, unshare and `exec` all exec in place: the PID we hold is charon's.
    const daemon = lab.spawnIn(role, `charon-${name}`, CHARON_COMMAND, env);
    const charon = new Charon(lab, name, daemon, dir);
    const up = await until(() => existsSync(join(dir, 'charon.vici')) || !daemon.running, 10_000);
    if (!up || !daemon.running) {
      throw new Error(`charon ${name} did not start: ${daemon.text()} ${charon.log().slice(-2000)}`);
    }
    return charon;
  }

  /** swanctl `--<command>` against this instance (the command must come first, --uri after). */
  swanctl(command: string, args: readonly string[] = [], timeoutMs = 30_000): Promise<CommandResult> {
    return run('swanctl', [`--${command}`, '--uri', this.vici, ...args], {
      timeoutMs,
      env: { ...process.env, SWANCTL_DIR: this.dir },
    });
  }

  /** Loads a swanctl.conf text (connections + secrets) into this charon. */
  async load(swanctlConf: string, file = 'scenario.swanctl.conf'): Promise<CommandResult> {
    const path = join(this.dir, file);
    writeFileSync(path, swanctlConf);
    const result = await this.swanctl('load-all', ['--noprompt', '--file', path]);
    if (result.code !== 0) throw new Error(`swanctl --load-all failed: ${result.stdout}${result.stderr}`);
    return result;
  }

  initiate(child: string, timeoutSeconds = 20): Promise<CommandResult> {
    return this.swanctl(
      'initiate',
      ['--child', child, '--timeout', String(timeoutSeconds)],
      (timeoutSeconds + 5) * 1000,
    );
  }

  terminate(ike: string, timeoutSeconds = 10): Promise<CommandResult> {
    return this.swanctl(
      'terminate',
      ['--ike', ike, '--timeout', String(timeoutSeconds)],
      (timeoutSeconds + 5) * 1000,
    );
  }

  async listSas(): Promise<string> {
    return (await this.swanctl('list-sas')).stdout;
  }

  log(): string {
    const path = join(this.dir, 'charon.log');
    return existsSync(path) ? readFileSync(path, 'utf8') : '';
  }

  keyLog(): string {
    const path = join(this.dir, 'charon-keys.log');
    return existsSync(path) ? readFileSync(path, 'utf8') : '';
  }

  async stop(): Promise<number> {
    return this.daemon.stop();
  }
}

/**
 * The `plugins { }` block every lab charon runs with: kernel-libipsec for userspace ESP (this
 * kernel has none), `resolve` and the plugins with side effects off, the vici socket in `dir`.
 */
export function charonPlugins(dir: string, resolveFile?: string): string {
  const off = [
    ...(resolveFile === undefined ? ['resolve'] : []),
    'stroke',
    'bypass-lan',
    'forecast',
    'farp',
    'connmark',
    'ha',
    'tpm',
    'pkcs11',
    'led',
    'dhcp',
  ];
  return `    plugins {
        include /etc/strongswan.d/charon/*.conf
        kernel-libipsec {
            load = yes
        }
${off.map((p) => `        ${p} {\n            load = no\n        }`).join('\n')}
${resolveFile === undefined ? '' : `        resolve {\n            file = ${resolveFile}\n        }\n`}        vici {
            socket = unix://${dir}/charon.vici
        }
    }`;
}

function strongswanConf(dir: string, extra: string, resolveFile?: string): string {
  return `# generated by test/interop/harness.ts
charon {
    load_modular = yes
    i_dont_care_about_security_and_use_aggressive_mode_psk = yes
    retransmit_tries = 3
    retransmit_timeout = 2.0
${charonPlugins(dir, resolveFile)}
    filelog {
        lab {
            path = ${dir}/charon.log
            time_format = %T
            ike_name = yes
            append = no
            flush_line = yes
            default = 1
            ike = 2
            cfg = 2
            knl = 1
            esp = 1
        }
        keys {
            path = ${dir}/charon-keys.log
            time_format = %T
            ike_name = yes
            append = no
            flush_line = yes
            default = 0
            ike = 4
            chd = 4
            enc = 1
        }
    }
${extra}
}
`;
}

// ------------------------------------------------------------------------------- typeswan

/** How to run the typeswan CLI from here: compiled (dist/) or through tsx (src/). */
/** `node` running the project's `src/...` or `test/...` module `path` (no extension): compiled, or through tsx. */
export function projectScript(path: string): string[] {
  const here = import.meta.url;
  if (here.includes('/dist/test/')) return [process.execPath, join(projectRoot, 'dist', `${path}.js`)];
  return [process.execPath, '--import', 'tsx', join(projectRoot, `${path}.ts`)];
}

export function typeswanCommand(): string[] {
  return projectScript('src/cli/main');
}

export class Typeswan {
  private constructor(
    readonly lab: Lab,
    readonly role: Role,
    readonly daemon: Daemon,
    readonly control: string,
    readonly keylog: string,
    readonly configFile: string,
  ) {}

  /** `typeswan start -c CONFIG --control SOCK --keylog FILE` in `role`; waits for the control socket. */
  static async start(
    lab: Lab,
    role: Role,
    config: string,
    name = `typeswan-${role}`,
    extraArgs: readonly string[] = [],
  ): Promise<Typeswan> {
    const configFile = join(lab.dir, `${name}.cfg`);
    writeFileSync(configFile, config);
    const control = join(lab.dir, `${name}.sock`);
    const keylog = join(lab.dir, `${name}.keys`);
    const daemon = lab.spawnIn(role, name, [
      ...typeswanCommand(),
      'start',
      '-c',
      configFile,
      '--control',
      control,
      '--keylog',
      keylog,
      ...extraArgs,
    ]);
    const up = await until(() => existsSync(control) || !daemon.running, 20_000);
    if (!up || !daemon.running) {
      throw new Error(
        `typeswan in ${role} did not start (exit ${daemon.exitCode}):\n${daemon.text().slice(-4000)}`,
      );
    }
    return new Typeswan(lab, role, daemon, control, keylog, configFile);
  }

  /** Runs a CLI command against this daemon's control socket (`show crypto ipsec sa --json`). */
  cli(args: readonly string[], timeoutMs = 15_000): Promise<CommandResult> {
    const [node, ...rest] = typeswanCommand();
    return run(node ?? process.execPath, [...rest, ...args, '--control', this.control], { timeoutMs });
  }

  log(): string {
    return this.daemon.text();
  }

  keyLog(): string {
    return existsSync(this.keylog) ? readFileSync(this.keylog, 'utf8') : '';
  }

  /** SIGTERM: the daemon sends deletes, removes its routes and TUN, and exits 0. */
  stop(): Promise<number> {
    return this.daemon.stop('SIGTERM', 8000);
  }
}

// ------------------------------------------------------------------------------- tshark

/** tshark's `-o` options for a key log written by typeswan `--keylog` (one setting a line). */
export function tsharkKeyOptions(keylog: string): string[] {
  const args: string[] = [];
  for (const line of keylog.split('\n')) {
    const trimmed = line.trim();
    if (trimmed.startsWith('uat:')) args.push('-o', trimmed);
  }
  args.push('-o', 'esp.enable_encryption_decode:TRUE', '-o', 'esp.enable_authentication_check:TRUE');
  return args;
}

/**
 * The test traffic's TCP ports decoded as plain data: random payload bytes would otherwise be
 * tried by heuristic dissectors (THRIFT, ...) and reported as malformed protocols they are not.
 */
export const DATA_PORTS = ['-d', 'tcp.port==5001,data', '-d', 'tcp.port==5201,data'];

/** Frames tshark flags as malformed (or with an error-level expert item) in `pcap`. */
export async function malformedFrames(pcap: string, keyArgs: readonly string[] = []): Promise<string[]> {
  const filter = '_ws.malformed || _ws.expert.severity == error';
  const result = await run('tshark', ['-r', pcap, ...DATA_PORTS, ...keyArgs, '-Y', filter], {
    timeoutMs: 60_000,
  });
  return result.stdout.split('\n').filter((l) => l.trim() !== '');
}

/**
 * Frames whose UDP payload repeats an earlier frame's byte for byte: retransmissions (an IKE
 * peer resends its last message unchanged, RFC 2408 §5). Wireshark 4.0 decrypts IKEv1 with
 * the IV chain it keeps per message ID, so it decrypts such a copy with an IV already advanced
 * past it and reports it malformed although the original decrypted cleanly.
 */
export async function retransmittedFrames(pcap: string): Promise<Set<number>> {
  const result = await run(
    'tshark',
    ['-r', pcap, ...DATA_PORTS, '-Y', 'isakmp', '-T', 'fields', '-e', 'frame.number', '-e', 'udp.payload'],
    { timeoutMs: 60_000 },
  );
  const seen = new Set<string>();
  const copies = new Set<number>();
  for (const line of result.stdout.split('\n')) {
    const [frame, payload] = line.trim().split('\t');
    if (frame === undefined || payload === undefined || payload === '') continue;
    if (seen.has(payload)) copies.add(Number(frame));
    seen.add(payload);
  }
  return copies;
}

/** tshark's verbose decode of `pcap` with `keyArgs`. */
/** How many frames of `pcap` tshark's display filter `filter` shows. */
export async function countFrames(pcap: string, filter: string): Promise<number> {
  const r = await run('tshark', ['-r', pcap, '-Y', filter], { timeoutMs: 60_000 });
  return r.stdout.split('\n').filter((l) => l.trim() !== '').length;
}

export async function tsharkVerbose(
  pcap: string,
  keyArgs: readonly string[],
  filter?: string,
): Promise<string> {
  const args = ['-r', pcap, ...keyArgs, '-V'];
  if (filter) args.push('-Y', filter);
  const result = await run('tshark', args, { timeoutMs: 60_000 });
  return result.stdout;
}

/**
 * tshark `-o` options from charon's level-4 key log and `swanctl --list-sas` output (as the
 * instance that was the Quick Mode initiator): IKEv1 cookie + Ka, and each ESP SA.
 */
export function charonTsharkOptions(keyLog: string, listSas: string): string[] {
  const args: string[] = [];
  const lines = keyLog.split('\n');
  const hexAfter = (index: number, bytes: number): string => {
    let hex = '';
    for (let i = index + 1; i < lines.length && hex.length < bytes * 2; i++) {
      const m = /> +\d+: ((?:[0-9A-F]{2} ?)+)/i.exec(lines[i] ?? '');
      if (!m?.[1]) break;
      hex += m[1].replace(/\s+/g, '');
    }
    return hex.slice(0, bytes * 2).toLowerCase();
  };
  const cookies = new Map<string, string>();
  for (const m of listSas.matchAll(/#(\d+), \w+, IKEv1, ([0-9a-f]{16})_i/g)) {
    if (m[1] && m[2]) cookies.set(m[1], m[2]);
  }
  const keys: Record<string, string> = {};
  let ealg = '';
  let ialg = '';
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const ka = /<[^|>]*\|(\d+)> encryption key Ka => (\d+) bytes/.exec(line);
    if (ka?.[1] && ka[2]) {
      const cookie = cookies.get(ka[1]);
      if (cookie) args.push('-o', `uat:ikev1_decryption_table:${cookie},${hexAfter(i, Number(ka[2]))}`);
      continue;
    }
    const key = /(encryption|integrity) (initiator|responder) key => (\d+) bytes/.exec(line);
    if (key?.[1] && key[2] && key[3]) keys[`${key[1]}-${key[2]}`] = hexAfter(i, Number(key[3]));
    const e = /using (\S+) for encryption/.exec(line);
    if (e?.[1]) {
      ealg = e[1];
      ialg = '';
    }
    const ig = /using (\S+) for integrity/.exec(line);
    if (ig?.[1]) ialg = ig[1];
    const sa = /adding (inbound|outbound) ESP SA/.exec(line);
    if (sa?.[1]) {
      const next = lines[i + 1] ?? '';
      const m = /SPI 0x([0-9a-f]+), src (\S+) dst (\S+)/.exec(next);
      if (!m?.[1] || !m[2] || !m[3]) continue;
      const side = sa[1] === 'outbound' ? 'initiator' : 'responder';
      const ekey = keys[`encryption-${side}`] ?? '';
      const ikey = keys[`integrity-${side}`] ?? '';
      const cipher = CHARON_CIPHERS[ealg] ?? 'NULL';
      const integ = CHARON_INTEGRITY[ialg] ?? 'NULL';
      args.push(
        '-o',
        `uat:esp_sa:"IPv4","${m[2]}","${m[3]}","0x${m[1]}","${cipher}","0x${ekey}","${integ}","${ikey ? `0x${ikey}` : ''}"`,
      );
    }
  }
  args.push('-o', 'esp.enable_encryption_decode:TRUE', '-o', 'esp.enable_authentication_check:TRUE');
  return args;
}

const CHARON_CIPHERS: Record<string, string> = {
  AES_CBC: 'AES-CBC [RFC3602]',
  '3DES_CBC': 'TripleDES-CBC [RFC2451]',
  AES_GCM_16: 'AES-GCM with 16 octet ICV [RFC4106]',
};
const CHARON_INTEGRITY: Record<string, string> = {
  HMAC_SHA1_96: 'HMAC-SHA-1-96 [RFC2404]',
  HMAC_SHA2_256_128: 'HMAC-SHA-256-128 [RFC4868]',
  HMAC_MD5_96: 'HMAC-MD5-96 [RFC2403]',
};

// ------------------------------------------------------------------------------- Libreswan

/** Where the Libreswan 4.10 .deb is unpacked (it conflicts with strongSwan as a package). */
export const LIBRESWAN_ROOT = '/opt/libreswan-lab';
export const PLUTO = `${LIBRESWAN_ROOT}/usr/libexec/ipsec/pluto`;

export function libreswanSkipReason(): string | undefined {
  if (!existsSync(PLUTO)) {
    return (
      `Libreswan is not unpacked at ${LIBRESWAN_ROOT} (apt-get download libreswan; dpkg -x ` +
      `libreswan_*.deb ${LIBRESWAN_ROOT}; apt-get install libnss3-tools ...)`
    );
  }
  if (!commandExists('certutil')) return 'certutil is missing (libnss3-tools)';
  return undefined;
}

/**
 * pluto in `role`'s namespace: a private mount namespace binds the unpacked libexec over
 * /usr/libexec (pluto execs the hard-coded /usr/libexec/ipsec/addconn) and mounts a tmpfs /run
 * (its dump directory); NSS database, control socket and logs live in the lab directory.
 */
export class Pluto {
  private constructor(
    readonly dir: string,
    readonly daemon: Daemon,
  ) {}

  get ctl(): string {
    return join(this.dir, 'run', 'pluto.ctl');
  }

  static async start(lab: Lab, role: Role, ipsecConf: string, secrets: string, conn: string): Promise<Pluto> {
    const dir = join(lab.dir, 'pluto');
    mkdirSync(join(dir, 'run'), { recursive: true });
    mkdirSync(join(dir, 'nss'), { recursive: true });
    writeFileSync(join(dir, 'ipsec.conf'), ipsecConf.replaceAll('@DIR@', dir));
    writeFileSync(join(dir, 'ipsec.secrets'), secrets, { mode: 0o600 });
    const nss = await run('certutil', ['-N', '-d', `sql:${join(dir, 'nss')}`, '--empty-password']);
    if (nss.code !== 0) throw new Error(`certutil: ${nss.stderr}`);
    const libexec = `${LIBRESWAN_ROOT}/usr/libexec`;
    const daemon = lab.spawnIn(role, 'pluto', [
      ...privateMounts(
        `mount --bind ${libexec} /usr/libexec && mount -t tmpfs -o size=1m tswlsrun /run && mkdir /run/pluto && exec "$0" "$@"`,
      ),
      PLUTO,
      '--config',
      join(dir, 'ipsec.conf'),
      '--secretsfile',
      join(dir, 'ipsec.secrets'),
      '--rundir',
      join(dir, 'run'),
      '--nssdir',
      join(dir, 'nss'),
      '--ipsecdir',
      dir,
      '--nofork',
      '--stderrlog',
    ]);
    const pluto = new Pluto(dir, daemon);
    const up = await until(() => existsSync(pluto.ctl) || !daemon.running, 10_000);
    if (!up || !daemon.running) throw new Error(`pluto did not start: ${daemon.text().slice(-2000)}`);
    await pluto.whack(['--listen']);
    const add = await run(`${libexec}/ipsec/addconn`, [
      '--ctlsocket',
      pluto.ctl,
      '--config',
      join(dir, 'ipsec.conf'),
      conn,
    ]);
    if (add.code !== 0) throw new Error(`addconn: ${add.stdout}${add.stderr}`);
    await pluto.whack(['--rereadsecrets']);
    return pluto;
  }

  whack(args: readonly string[], timeoutMs = 15_000): Promise<CommandResult> {
    return run(`${LIBRESWAN_ROOT}/usr/libexec/ipsec/whack`, ['--ctlsocket', this.ctl, ...args], {
      timeoutMs,
    });
  }

  log(): string {
    const path = join(this.dir, 'pluto.log');
    return (existsSync(path) ? readFileSync(path, 'utf8') : '') + this.daemon.text();
  }

  stop(): Promise<number> {
    return this.daemon.stop();
  }
}

// ------------------------------------------------------------------------------- configs

/** typeswan's IOS configuration on r1 for the plain r1 <-> r2 tunnel (AES-SHA, group 14, LAN to LAN). */
export function r1Config(psk: string): string {
  return iosConfig({
    hostname: 'r1',
    lanAddress: ADDR.r1Lan,
    wanAddress: ADDR.r1Wan,
    peer: ADDR.r2Wan,
    psk,
    isakmp: { encr: 'aes', hash: 'sha', group: 14 },
    transforms: 'esp-aes esp-sha-hmac',
    acl: '10.1.0.0 0.0.0.255 10.2.0.0 0.0.0.255',
  });
}
