// A FreeRADIUS 3 server for tests: its own configuration directory in a temp dir, on
// 127.0.0.1 at a free port, in debug mode (-X) so the test can read how it decoded requests.
// PAP, CHAP and MS-CHAPv2 against the users' clear passwords. `freeradiusConfig` writes that directory for a server elsewhere (in a namespace of the
// interop tests, listening on its LAN address for the gateway's).

import { type ChildProcess, spawn } from 'node:child_process';
import { type Socket, createSocket } from 'node:dgram';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const FREERADIUS = '/usr/sbin/freeradius';

/** What `freeradius -X` prints once it listens. */
export const FREERADIUS_READY = 'Ready to process requests';

export function freeradiusSkipReason(): string | undefined {
  return existsSync(FREERADIUS)
    ? undefined
    : 'FreeRADIUS is not installed (Debian package freeradius; .ci/run installs it)';
}

export interface RadiusUser {
  readonly name: string;
  readonly password: string;
}

export interface FreeradiusOptions {
  readonly secret: string;
  readonly users: readonly RadiusUser[];
  /** Sign every reply with a Message-Authenticator (FreeRADIUS 3.2.1 does not by default). */
  readonly replyMessageAuthenticator?: boolean;
}

export interface Freeradius {
  readonly port: number;
  /** Everything FreeRADIUS printed so far. */
  log(): string;
  stop(): Promise<void>;
}

/** A UDP socket bound to 127.0.0.1 at a free port (one that never answers, unless told to). */
export async function boundUdp(): Promise<Socket> {
  const s = createSocket('udp4');
  await new Promise<void>((resolve) => s.bind(0, '127.0.0.1', resolve));
  return s;
}

/** A UDP port on 127.0.0.1 nobody holds right now. */
export async function freeUdpPort(): Promise<number> {
  const s = await boundUdp();
  const port = s.address().port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

function quoted(s: string): string {
  return `"${s.replace(/["\\]/g, (c) => `\\${c}`)}"`;
}

/** Where the server listens and the one client (NAS) it answers. */
export interface FreeradiusPlace {
  readonly address: string;
  readonly port: number;
  readonly client: string;
}

/** Writes radiusd.conf, clients.conf, users and an empty dictionary into `dir`. */
export function freeradiusConfig(dir: string, place: FreeradiusPlace, options: FreeradiusOptions): void {
  const sign = options.replyMessageAuthenticator === true ? '&Message-Authenticator := 0x00' : '';
  writeFileSync(
    join(dir, 'clients.conf'),
    `client tsaa {
  ipaddr = ${place.client}
  secret = ${quoted(options.secret)}
  require_message_authenticator = yes
}
`,
  );
  writeFileSync(
    join(dir, 'users'),
    options.users.map((u) => `${u.name} Cleartext-Password := ${quoted(u.password)}\n`).join(''),
  );
  writeFileSync(join(dir, 'dictionary'), '');
  writeFileSync(
    join(dir, 'radiusd.conf'),
    `prefix = /usr
confdir = ${dir}
logdir = ${dir}
run_dir = ${dir}
libdir = /usr/lib/freeradius
dictdir = /usr/share/freeradius
pidfile = ${dir}/radiusd.pid
max_request_time = 30
max_requests = 16384
hostname_lookups = no
log {
  destination = stdout
}
security {
  allow_core_dumps = no
  reject_delay = 0
}
$INCLUDE clients.conf
modules {
  files {
    filename = ${dir}/users
  }
  pap {
  }
  # PPP's CHAP (CHAP-Password) and MS-CHAPv2 (RFC 2548 attributes), from the clear password
  chap {
  }
  mschap {
    use_mppe = no
  }
}
server default {
  listen {
    type = auth
    ipaddr = ${place.address}
    port = ${place.port}
  }
  authorize {
    files
    chap
    mschap
    pap
  }
  authenticate {
    Auth-Type PAP {
      pap
    }
    Auth-Type CHAP {
      chap
    }
    Auth-Type MS-CHAP {
      mschap
    }
  }
  post-auth {
    update reply {
      &Reply-Message := "Welcome, %{User-Name}"
      ${sign}
    }
    Post-Auth-Type REJECT {
      update reply {
        &Reply-Message := "Password incorrect for %{User-Name}"
        ${sign}
      }
    }
  }
}
`,
  );
}

export async function startFreeradius(options: FreeradiusOptions): Promise<Freeradius> {
  const dir = mkdtempSync(join(tmpdir(), 'tsaa-freeradius-'));
  const port = await freeUdpPort();
  freeradiusConfig(dir, { address: '127.0.0.1', port, client: '127.0.0.1' }, options);
  let out = '';
  const child: ChildProcess = spawn(FREERADIUS, ['-X', '-d', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
    rmSync(dir, { recursive: true, force: true });
  };
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`FreeRADIUS did not start:\n${out}`)), 15_000);
    const onData = (d: Buffer): void => {
      out += d.toString();
      if (out.includes(FREERADIUS_READY)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`FreeRADIUS exited (${code ?? 'signal'}):\n${out}`));
    });
  }).catch(async (e: unknown) => {
    await stop();
    throw e;
  });
  return { port, log: () => out, stop };
}
