// FRR's zebra and ospfd in one lab namespace, each instance with its own directory for
// configuration, pid files, the zebra API socket and the vty sockets (nothing under
// /etc/frr or /run/frr is touched), run in the foreground as Daemons the lab stops by PID.

import { chmodSync, chownSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run, until, type CommandResult, type Daemon, type Lab, type Role } from './harness.js';

export const FRR_DIR = '/usr/lib/frr';
const ZEBRA = join(FRR_DIR, 'zebra');
const OSPFD = join(FRR_DIR, 'ospfd');

const FRR_UID = userId('frr');
const FRR_GID = groupId('frr');

function userId(name: string): number | undefined {
  const line = readLines('/etc/passwd').find((l) => l.startsWith(`${name}:`));
  return line === undefined ? undefined : Number(line.split(':')[2]);
}

function groupId(name: string): number | undefined {
  const line = readLines('/etc/group').find((l) => l.startsWith(`${name}:`));
  return line === undefined ? undefined : Number(line.split(':')[2]);
}

function readLines(file: string): string[] {
  return existsSync(file) ? readFileSync(file, 'utf8').split('\n') : [];
}

/** Why FRR cannot run here, or undefined. */
export function frrSkipReason(): string | undefined {
  if (!existsSync(ZEBRA) || !existsSync(OSPFD))
    return `FRR is not installed (${OSPFD} missing; .ci/run installs frr)`;
  if (!existsSync('/usr/bin/vtysh')) return 'vtysh is not installed (frr)';
  if (FRR_UID === undefined || FRR_GID === undefined)
    return 'no frr user or group (the frr package adds them)';
  return undefined;
}

export class Frr {
  private constructor(
    /** The namespace the daemons run in. */
    readonly namespace: string,
    readonly dir: string,
    readonly daemons: readonly Daemon[],
  ) {}

  /** zebra, then ospfd with `ospfdConf`, in `role`; resolves once ospfd's vty answers. */
  static async start(lab: Lab, role: Role, ospfdConf: string): Promise<Frr> {
    // The daemons drop to the frr user: their directory is theirs (the lab's is root's, 0700).
    const dir = mkdtempSync(join(tmpdir(), `tsw-frr-${role}-`));
    chmodSync(dir, 0o755);
    writeFileSync(join(dir, 'zebra.conf'), `hostname ${role}\n`);
    writeFileSync(join(dir, 'ospfd.conf'), ospfdConf);
    writeFileSync(join(dir, 'vtysh.conf'), '');
    for (const file of ['', 'zebra.conf', 'ospfd.conf', 'vtysh.conf'])
      chownSync(join(dir, file), FRR_UID ?? 0, FRR_GID ?? 0);
    const common = (daemon: string): string[] => [
      '-f',
      join(dir, `${daemon}.conf`),
      '-i',
      join(dir, `${daemon}.pid`),
      '-z',
      join(dir, 'zserv.api'),
      '--vty_socket',
      dir,
      '-P',
      '0',
      '--log',
      'stdout',
    ];
    const zebra = lab.spawnIn(role, `zebra-${role}`, [ZEBRA, ...common('zebra')]);
    const zebraUp = await until(() => existsSync(join(dir, 'zserv.api')) || !zebra.running, 15_000);
    if (!zebraUp || !zebra.running) throw new Error(`zebra in ${role} did not start:\n${zebra.text()}`);
    const ospfd = lab.spawnIn(role, `ospfd-${role}`, [OSPFD, ...common('ospfd')]);
    const frr = new Frr(lab.ns(role), dir, [zebra, ospfd]);
    const ospfUp = await until(
      async () => !ospfd.running || (await frr.vtysh('show ip ospf')).stdout.includes('Router ID'),
      15_000,
    );
    if (!ospfUp || !ospfd.running) throw new Error(`ospfd in ${role} did not start:\n${ospfd.text()}`);
    return frr;
  }

  /** `vtysh -c COMMAND` against this instance's vty sockets. */
  vtysh(command: string): Promise<CommandResult> {
    return run('ip', ['netns', 'exec', this.namespace, 'vtysh', '--vty_socket', this.dir, '-c', command], {
      timeoutMs: 10_000,
    });
  }

  /** Whether the neighbor `routerId` is in state Full on interface `device` (`Tunnel0`). */
  async neighborFull(routerId: string, device: string): Promise<boolean> {
    const r = await this.vtysh('show ip ospf neighbor');
    return r.stdout
      .split('\n')
      .some((l) => l.startsWith(`${routerId} `) && /\bFull\//.test(l) && l.includes(` ${device}:`));
  }

  async stop(): Promise<void> {
    for (const d of [...this.daemons].reverse()) await d.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
