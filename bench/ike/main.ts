// IKE setup-rate and memory benchmark (issue 13): N initiators (typeswan's own IKE engine in
// batch, bench/ike/load.ts) set up main mode PSK + quick mode over real UDP from N addresses
// of one network namespace against a responder in another: typeswan's gateway
// (bench/ike/responder.ts), then strongSwan's charon (kernel-libipsec), in the same run.
// Measured per responder: tunnels/s from the first MM1 to the last QM3, p50/p99 setup latency,
// retransmissions and failures, the responder's memory per established tunnel (typeswan: V8
// heap + external after a full GC, and RSS; strongSwan: RSS), and both processes' CPU time.
//
// Usage (root): npm run bench:ike -- [--tunnels 1000] [--rate 1500] [--group 14] [--pfs 0]
//   [--encr aes] [--hash sha] [--esp 'esp-aes esp-sha-hmac'] [--targets typeswan,strongswan]
//   [--timeout 120] [--settle 0] [--real-initiator-dh]
// --settle S measures the responders' memory again S seconds after the last tunnel is up, once
// finished exchanges have left the reply caches (typeswan keeps them about 125 s).
// Last line: {"tunnels", "typeswan_tunnels_per_s", "strongswan_tunnels_per_s",
//   "typeswan_bytes_per_tunnel", "strongswan_bytes_per_tunnel", ...}.

import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { CHARON, CHARON_COMMAND, charonPlugins, Daemon, run, until } from '../../test/interop/harness.js';
import {
  INITIATOR_GATEWAY,
  INITIATOR_NET,
  MAX_TUNNELS,
  RESPONDER,
  responderConfig,
  statCpuSeconds,
  swanctlConfig,
  type Algorithms,
  type LoadJob,
  type LoadResult,
  type ResponderStats,
} from './common.js';

export type Target = 'typeswan' | 'strongswan';

export interface BenchOptions {
  readonly tunnels: number;
  readonly rate: number;
  readonly algorithms: Algorithms;
  readonly targets: readonly Target[];
  readonly timeoutSeconds: number;
  /** Measure the responder's memory again this many seconds later (finished exchanges purged). */
  readonly settleSeconds?: number;
  readonly cheapDh: boolean;
  /** Printed progress lines (the JSON line is the caller's). */
  readonly log?: (line: string) => void;
}

export interface TargetResult {
  readonly target: Target;
  readonly load: LoadResult;
  readonly tunnelsPerSecond: number;
  /** typeswan: heap + external after GC; strongSwan: RSS (what it allocates is all native). */
  readonly bytesPerTunnel: number;
  readonly rssBytesPerTunnel: number;
  /** The same after `settleSeconds`, if asked for. */
  readonly settledBytesPerTunnel?: number;
  readonly responderSas: number;
  readonly responderCpuSeconds: number;
  /** Datagrams to the responder the kernel dropped because its socket buffer was full. */
  readonly rcvbufErrors: number;
  /** typeswan: the packet thread's CPU seconds, and datagrams its ingress queues dropped. */
  readonly loopSeconds?: number;
  readonly ingressDropped?: number;
}

const HERE = fileURLToPath(new URL('.', import.meta.url));
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Why this machine cannot run the benchmark against `target`, or undefined. */
export function skipReason(target: Target): string | undefined {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0)
    return 'not root: the benchmark needs network namespaces';
  if (target === 'strongswan') {
    if (!existsSync(CHARON)) return `strongSwan is not installed (${CHARON} missing)`;
    if (!existsSync('/usr/sbin/swanctl') && !existsSync('/usr/bin/swanctl'))
      return 'swanctl is not installed';
  }
  return undefined;
}

class Namespaces {
  readonly initiators: string;
  readonly responder: string;
  readonly dir: string;
  private readonly created: string[] = [];

  constructor() {
    const prefix = `tsik-${process.pid}`;
    this.initiators = `${prefix}-i`;
    this.responder = `${prefix}-r`;
    this.dir = mkdtempSync(join(tmpdir(), 'tsik-bench-'));
  }

  private async ip(...args: string[]): Promise<void> {
    const result = await run('ip', args, { timeoutMs: 10_000 });
    if (result.code !== 0) throw new Error(`ip ${args.join(' ')}: ${result.stderr.trim()}`);
  }

  async build(): Promise<void> {
    for (const ns of [this.initiators, this.responder]) {
      await this.ip('netns', 'add', ns);
      this.created.push(ns);
      await this.ip('-n', ns, 'link', 'set', 'lo', 'up');
    }
    await this.ip(
      'link',
      'add',
      'gen0',
      'netns',
      this.initiators,
      'type',
      'veth',
      'peer',
      'name',
      'wan0',
      'netns',
      this.responder,
    );
    await this.ip('-n', this.initiators, 'addr', 'add', `${INITIATOR_GATEWAY}/24`, 'dev', 'gen0');
    await this.ip('-n', this.responder, 'addr', 'add', `${RESPONDER}/24`, 'dev', 'wan0');
    await this.ip('-n', this.initiators, 'link', 'set', 'gen0', 'up');
    await this.ip('-n', this.responder, 'link', 'set', 'wan0', 'up');
    // AnyIP: every address of the initiator range is local there, without one line per address.
    await this.ip('-n', this.initiators, 'route', 'add', 'local', INITIATOR_NET, 'dev', 'lo');
    await this.ip('-n', this.responder, 'route', 'add', INITIATOR_NET, 'via', INITIATOR_GATEWAY);
  }

  /** `ip netns exec NS node SCRIPT ARGS` with an IPC channel to it. */
  node(ns: string, script: string, args: readonly string[], nodeArgs: readonly string[] = []): ChildProcess {
    return spawn('ip', ['netns', 'exec', ns, process.execPath, ...nodeArgs, join(HERE, script), ...args], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
  }

  async destroy(): Promise<void> {
    for (const ns of this.created) await run('ip', ['netns', 'del', ns], { timeoutMs: 10_000 });
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** The next message of `kind` from a child, or an error when it exits first or `ms` pass. */
function nextMessage<T extends { kind: string }>(child: ChildProcess, kind: string, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => done(new Error(`no ${kind} message within ${ms} ms`)), ms);
    const onMessage = (m: unknown): void => {
      if (typeof m === 'object' && m !== null && (m as { kind?: unknown }).kind === kind)
        done(undefined, m as T);
    };
    const onExit = (code: number | null): void => done(new Error(`child exited (${code}) before ${kind}`));
    const done = (error: Error | undefined, value?: T): void => {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
      if (error) reject(error);
      else resolve(value as T);
    };
    child.on('message', onMessage);
    child.on('exit', onExit);
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

interface ResponderSnapshot {
  readonly bytes: number;
  readonly rss: number;
  readonly sas: number;
  readonly cpu: number;
  readonly rcvbufErrors: number;
  /** typeswan: the packet thread's CPU seconds and its ingress drops (strongSwan: absent). */
  readonly loop?: number;
  readonly ingressDropped?: number;
}

interface Responder {
  /** Memory (bytes), SAs, CPU seconds and the namespace's UDP receive-buffer drops now. */
  stats(): Promise<ResponderSnapshot>;
  stop(): Promise<void>;
}

async function typeswanResponder(ns: Namespaces, a: Algorithms): Promise<Responder> {
  const file = join(ns.dir, 'concentrator.cfg');
  writeFileSync(file, responderConfig(a));
  // BENCH_IKE_PROFILE=DIR: the responder writes a V8 CPU profile there when it stops.
  const profile = process.env.BENCH_IKE_PROFILE;
  const flags = profile ? ['--expose-gc', '--cpu-prof', `--cpu-prof-dir=${profile}`] : ['--expose-gc'];
  const child = ns.node(ns.responder, 'responder.js', [file], flags);
  await nextMessage(child, 'ready', 20_000);
  return {
    stats: async () => {
      child.send({ kind: 'stats' });
      const s = await nextMessage<ResponderStats>(child, 'stats', 30_000);
      return {
        bytes: s.heapBytes,
        rss: s.rssBytes,
        sas: s.ipsecSas,
        cpu: s.cpuSeconds,
        rcvbufErrors: udpRcvbufErrors(child.pid ?? 0),
        loop: s.loopBusySeconds,
        ingressDropped: s.ingressDropped,
      };
    },
    stop: async () => {
      child.send({ kind: 'stop' });
      await until(() => child.exitCode !== null, 3000);
      await stopChild(child);
    },
  };
}

function strongswanConf(dir: string): string {
  // As /work/shared/interop's baseline (§1.3): half-open and cookie thresholds out of the way;
  // logging only errors, so the log costs it nothing.
  return `charon {
    load_modular = yes
    init_limit_half_open = 0
    block_threshold = 1000000
    cookie_threshold = 1000000
${charonPlugins(dir)}
    syslog {
        daemon {
            default = -1
        }
    }
    filelog {
        bench {
            path = ${dir}/charon.log
            default = 0
        }
    }
}
`;
}

function procStatus(pid: number, field: string): number {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m?.[1] ?? 0) * 1024;
}

/** UDP datagrams the kernel dropped for a full socket receive buffer in `pid`'s namespace. */
function udpRcvbufErrors(pid: number): number {
  const lines = readFileSync(`/proc/${pid}/net/snmp`, 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('Udp: '));
  const names = lines[0]?.split(/\s+/) ?? [];
  const values = lines[1]?.split(/\s+/) ?? [];
  return Number(values[names.indexOf('RcvbufErrors')] ?? 0);
}

function procCpuSeconds(pid: number): number {
  return statCpuSeconds(`/proc/${pid}/stat`);
}

async function strongswanResponder(ns: Namespaces, a: Algorithms): Promise<Responder> {
  const dir = join(ns.dir, 'charon');
  mkdirSync(dir, { recursive: true });
  for (const sub of ['x509', 'x509ca', 'private', 'pubkey', 'rsa', 'ecdsa', 'pkcs8', 'pkcs12'])
    mkdirSync(join(dir, sub), { recursive: true });
  const conf = join(dir, 'strongswan.conf');
  writeFileSync(conf, strongswanConf(dir));
  const child = spawn('ip', ['netns', 'exec', ns.responder, ...CHARON_COMMAND], {
    env: { ...process.env, STRONGSWAN_CONF: conf },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const daemon = new Daemon('charon', child);
  const vici = join(dir, 'charon.vici');
  if (!(await until(() => existsSync(vici) || !daemon.running, 15_000)) || !daemon.running)
    throw new Error(`charon did not start: ${daemon.text().slice(-2000)}`);
  const swanctl = (command: string, args: readonly string[] = []) =>
    run('swanctl', [`--${command}`, '--uri', `unix://${vici}`, ...args], {
      timeoutMs: 60_000,
      env: { ...process.env, SWANCTL_DIR: dir },
    });
  const file = join(dir, 'bench.swanctl.conf');
  writeFileSync(file, swanctlConfig(a));
  const loaded = await swanctl('load-all', ['--noprompt', '--file', file]);
  if (loaded.code !== 0) throw new Error(`swanctl --load-all: ${loaded.stdout}${loaded.stderr}`);
  const pid = child.pid ?? 0;
  return {
    stats: async () => {
      const s = await swanctl('stats');
      // "IKE_SAs: 1000 total, 0 half-open": every IKE SA carries its one CHILD_SA here.
      const sas = Number(/IKE_SAs: (\d+) total, (\d+) half-open/.exec(s.stdout)?.[1] ?? 0);
      const rss = procStatus(pid, 'VmRSS');
      return { bytes: rss, rss, sas, cpu: procCpuSeconds(pid), rcvbufErrors: udpRcvbufErrors(pid) };
    },
    stop: async () => {
      await daemon.stop('SIGTERM', 10_000);
    },
  };
}

async function runTarget(ns: Namespaces, target: Target, o: BenchOptions): Promise<TargetResult> {
  const responder =
    target === 'typeswan'
      ? await typeswanResponder(ns, o.algorithms)
      : await strongswanResponder(ns, o.algorithms);
  const generator = ns.node(ns.initiators, 'load.js', [], ['--max-old-space-size=4096']);
  try {
    await nextMessage(generator, 'ready', 20_000);
    await sleep(500);
    const before = await responder.stats();
    const job: LoadJob = {
      kind: 'run',
      tunnels: o.tunnels,
      rate: o.rate,
      algorithms: o.algorithms,
      timeoutSeconds: o.timeoutSeconds,
      cheapDh: o.cheapDh,
    };
    generator.send(job);
    const load = await nextMessage<LoadResult>(generator, 'result', (o.timeoutSeconds + 120) * 1000);
    // The responder installs on QM3, a moment after the generator sent the last one.
    let after = await responder.stats();
    for (let i = 0; i < 20 && after.sas < load.established; i++) {
      await sleep(250);
      after = await responder.stats();
    }
    const n = Math.max(1, after.sas - before.sas);
    let settled: number | undefined;
    if ((o.settleSeconds ?? 0) > 0) {
      await sleep((o.settleSeconds ?? 0) * 1000);
      settled = Math.round(((await responder.stats()).bytes - before.bytes) / n);
    }
    return {
      ...(settled !== undefined ? { settledBytesPerTunnel: settled } : {}),
      target,
      load,
      tunnelsPerSecond: load.seconds > 0 ? load.established / load.seconds : 0,
      bytesPerTunnel: Math.round((after.bytes - before.bytes) / n),
      rssBytesPerTunnel: Math.round((after.rss - before.rss) / n),
      responderSas: after.sas - before.sas,
      responderCpuSeconds: after.cpu - before.cpu,
      rcvbufErrors: after.rcvbufErrors - before.rcvbufErrors,
      ...(after.loop !== undefined && before.loop !== undefined
        ? { loopSeconds: after.loop - before.loop }
        : {}),
      ...(after.ingressDropped !== undefined && before.ingressDropped !== undefined
        ? { ingressDropped: after.ingressDropped - before.ingressDropped }
        : {}),
    };
  } finally {
    await stopChild(generator);
    await responder.stop();
  }
}

export async function runBench(o: BenchOptions): Promise<Record<string, number | string | null>> {
  const log = o.log ?? ((line: string) => console.log(line));
  if (!Number.isInteger(o.tunnels) || o.tunnels < 1 || o.tunnels > MAX_TUNNELS)
    throw new Error(`--tunnels ${o.tunnels}: expected 1..${MAX_TUNNELS}`);
  const ns = new Namespaces();
  const results = new Map<Target, TargetResult>();
  try {
    await ns.build();
    for (const target of o.targets) {
      const r = await runTarget(ns, target, o);
      results.set(target, r);
      const l = r.load;
      log(
        `${target}: ${l.established}/${o.tunnels} up in ${l.seconds.toFixed(2)} s = ${r.tunnelsPerSecond.toFixed(0)} tunnels/s; ` +
          `p50 ${l.p50Ms.toFixed(0)} ms p99 ${l.p99Ms.toFixed(0)} ms; ${l.retransmissions} retransmissions; ` +
          `${l.failed} failed ${JSON.stringify(l.failures)}; responder ${r.responderSas} SAs, ` +
          `${r.bytesPerTunnel} B/tunnel (RSS ${r.rssBytesPerTunnel}), CPU ${r.responderCpuSeconds.toFixed(2)} s, ` +
          `${r.rcvbufErrors} datagrams dropped at its socket` +
          (r.loopSeconds !== undefined
            ? `, packet thread CPU ${r.loopSeconds.toFixed(2)} s, ${r.ingressDropped ?? 0} dropped queued`
            : '') +
          '; ' +
          `generator CPU ${l.cpuSeconds.toFixed(2)} s`,
      );
    }
  } finally {
    await ns.destroy();
  }
  const t = results.get('typeswan');
  const s = results.get('strongswan');
  const num = (x: number | undefined): number | null => (x === undefined ? null : Math.round(x * 10) / 10);
  const share = (x: number): number => Math.round(x * 1000) / 1000;
  return {
    tunnels: o.tunnels,
    typeswan_tunnels_per_s: num(t?.tunnelsPerSecond),
    strongswan_tunnels_per_s: num(s?.tunnelsPerSecond),
    typeswan_bytes_per_tunnel: t?.bytesPerTunnel ?? null,
    strongswan_bytes_per_tunnel: s?.bytesPerTunnel ?? null,
    ratio: t && s && s.tunnelsPerSecond > 0 ? num(t.tunnelsPerSecond / s.tunnelsPerSecond) : null,
    typeswan_rss_per_tunnel: t?.rssBytesPerTunnel ?? null,
    typeswan_bytes_per_tunnel_settled: t?.settledBytesPerTunnel ?? null,
    strongswan_bytes_per_tunnel_settled: s?.settledBytesPerTunnel ?? null,
    settle_s: o.settleSeconds ?? 0,
    typeswan_established: t?.load.established ?? null,
    strongswan_established: s?.load.established ?? null,
    typeswan_p50_ms: num(t?.load.p50Ms),
    typeswan_p99_ms: num(t?.load.p99Ms),
    strongswan_p50_ms: num(s?.load.p50Ms),
    strongswan_p99_ms: num(s?.load.p99Ms),
    typeswan_retransmissions: t?.load.retransmissions ?? null,
    strongswan_retransmissions: s?.load.retransmissions ?? null,
    typeswan_rcvbuf_drops: t?.rcvbufErrors ?? null,
    strongswan_rcvbuf_drops: s?.rcvbufErrors ?? null,
    typeswan_failed: t?.load.failed ?? null,
    strongswan_failed: s?.load.failed ?? null,
    // CPU time per tunnel is what a loaded machine distorts least (tunnels/s follows the share
    // of the cores the scheduler gives each responder; charon runs 16 threads, node one).
    typeswan_cpu_ms_per_tunnel: t ? num((t.responderCpuSeconds * 1000) / Math.max(1, t.responderSas)) : null,
    strongswan_cpu_ms_per_tunnel: s
      ? num((s.responderCpuSeconds * 1000) / Math.max(1, s.responderSas))
      : null,
    typeswan_packet_thread_cpu_ms_per_tunnel:
      t?.loopSeconds !== undefined ? num((t.loopSeconds * 1000) / Math.max(1, t.responderSas)) : null,
    typeswan_ingress_drops: t?.ingressDropped ?? null,
    typeswan_responder_cpu_s: num(t?.responderCpuSeconds),
    strongswan_responder_cpu_s: num(s?.responderCpuSeconds),
    generator_cpu_per_s_typeswan: t && t.load.seconds > 0 ? share(t.load.cpuSeconds / t.load.seconds) : null,
    generator_cpu_per_s_strongswan:
      s && s.load.seconds > 0 ? share(s.load.cpuSeconds / s.load.seconds) : null,
    rate: o.rate,
    group: o.algorithms.group,
    pfs: o.algorithms.pfs,
  };
}

function optionsFromArgv(argv: readonly string[]): BenchOptions {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      tunnels: { type: 'string', default: '1000' },
      rate: { type: 'string', default: '1500' },
      group: { type: 'string', default: '14' },
      pfs: { type: 'string', default: '0' },
      encr: { type: 'string', default: 'aes' },
      hash: { type: 'string', default: 'sha' },
      esp: { type: 'string', default: 'esp-aes esp-sha-hmac' },
      targets: { type: 'string', default: 'typeswan,strongswan' },
      timeout: { type: 'string', default: '120' },
      settle: { type: 'string', default: '0' },
      'real-initiator-dh': { type: 'boolean', default: false },
    },
  });
  const pick = <T extends string>(value: string, allowed: readonly T[], name: string): T => {
    const found = allowed.find((x) => x === value);
    if (found === undefined) throw new Error(`--${name} ${value}: expected one of ${allowed.join(', ')}`);
    return found;
  };
  const targets = values.targets
    .split(',')
    .map((t) => pick(t.trim(), ['typeswan', 'strongswan'] as const, 'targets'));
  return {
    tunnels: Number(values.tunnels),
    rate: Number(values.rate),
    algorithms: {
      encr: pick(values.encr, ['aes', 'aes 256', '3des'] as const, 'encr'),
      hash: pick(values.hash, ['sha', 'sha256'] as const, 'hash'),
      group: Number(values.group),
      pfs: Number(values.pfs),
      esp: pick(
        values.esp,
        ['esp-aes esp-sha-hmac', 'esp-aes 256 esp-sha256-hmac', 'esp-gcm'] as const,
        'esp',
      ),
    },
    targets,
    timeoutSeconds: Number(values.timeout),
    settleSeconds: Number(values.settle),
    cheapDh: !values['real-initiator-dh'],
  };
}

async function main(): Promise<void> {
  const options = optionsFromArgv(process.argv.slice(2));
  const targets = options.targets.filter((t) => {
    const why = skipReason(t);
    if (why) console.log(`skipping ${t}: ${why}`);
    return why === undefined;
  });
  if (targets.length === 0) {
    console.log(JSON.stringify({ tunnels: options.tunnels, skipped: true }));
    return;
  }
  const result = await runBench({ ...options, targets });
  console.log(JSON.stringify(result));
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.stack : String(error));
    process.exit(1);
  });
}
